/**
 * GuardDuty publishing destinations, for real: findings of a detector — and, for an administrator,
 * of its associated members — are exported to the destination's S3 bucket as AWS exports them:
 * gzip JSON lines (one finding per line, in the export form: `service.additionalInfo` with its JSON
 * `value` decoded and merged in) under
 * `<prefix>/AWSLogs/<account>/GuardDuty/<region>/<yyyy>/<mm>/<dd>/<id>.jsonl.gz`, written with
 * server-side encryption under the destination's KMS key.
 *
 * Cadence: AWS exports a new finding within about five minutes and batches updates of existing
 * findings by the detector's `findingPublishingFrequency` (FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS).
 * Vigil keeps one cursor per destination on the findings change feed (`publishing:<id>`); at each
 * tick it exports everything after the cursor when there is a new finding among it (created and not
 * updated since) or when the frequency has elapsed since the last export — so new findings go out at
 * the next tick and updates at the latest after the frequency (earlier when they travel with a new
 * finding: nothing is held back behind the cursor, so nothing can be lost). Time is the
 * injectable clock.
 *
 * Reliability: before writing, the exporter records the batch's last change number
 * (`publishing:<id>-pending`); after a crash it rewrites exactly that batch under the same object
 * keys, so no finding version is exported twice. A failed write leaves the cursor where it was,
 * sets the destination's failure time (`publishingFailureStartTimestamp`), and is retried with
 * exponential backoff; the first successful write clears it.
 */
import { gzipSync } from 'node:zlib'
import type { Clock } from '../../core/clock.js'
import type { ObjectStore } from '../object-store/object-store.js'
import type { FindingChange, ResourceRecord, Scope, Storage } from '../../storage/ports.js'
import { stableEventId } from '../events/vigil-event.js'

/** What the exporter reads of a publishing destination record (the handler's `DestinationBody`). */
export interface DestinationState {
  readonly destinationType: string
  readonly destinationArn: string
  readonly kmsKeyArn: string
  readonly failingSinceMs: number
  /** When the exporter's writes started failing, epoch milliseconds; 0 or absent while they work. */
  readonly exportFailingSinceMs?: number
}

/** The associated members of an administrator (the GuardDuty membership port). */
export interface MemberLookup {
  memberAccounts(scope: Scope): Promise<readonly string[]>
}

export interface FindingExporterOptions {
  readonly storage: Storage
  readonly objectStore: ObjectStore
  readonly clock: Clock
  readonly members: MemberLookup
  /** The kind under which destinations are stored (`guardduty:publishingdestination`). */
  readonly destinationKind: string
  /** Tick interval of the running exporter, milliseconds. */
  readonly tickMs?: number
  /** First retry delay after a failed write, milliseconds (doubles up to 15 minutes). */
  readonly retryBaseMs?: number
  readonly onError?: (error: unknown) => void
}

const FREQUENCY_MS: Readonly<Record<string, number | undefined>> = {
  FIFTEEN_MINUTES: 15 * 60_000,
  ONE_HOUR: 60 * 60_000,
  SIX_HOURS: 6 * 60 * 60_000,
}
const S3_ARN = /^arn:aws[a-z-]*:s3:::([^/]+)(?:\/(.*))?$/
const BATCH = 1000

type Wire = Record<string, unknown>

/** A finding in S3-export form: `additionalInfo`'s JSON value decoded and merged at its level. */
export function exportForm(finding: Readonly<Wire>): Wire {
  const service = finding.service as Wire | undefined
  const info = service?.additionalInfo as { value?: unknown } | undefined
  if (!service || typeof info?.value !== 'string') return { ...finding }
  let decoded: unknown
  try {
    decoded = JSON.parse(info.value)
  } catch {
    return { ...finding }
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded))
    return { ...finding }
  return { ...finding, service: { ...service, additionalInfo: { ...info, ...decoded } } }
}

const isNew = (f: Readonly<Wire>) => f.createdAt === f.updatedAt

export class FindingExporter {
  readonly #o: FindingExporterOptions
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  /** Destination id → earliest time of the next attempt after failures, epoch ms. */
  readonly #backoff = new Map<string, { until: number; delay: number }>()
  /** Destination id → when it was last exported to, epoch ms. */
  readonly #lastExport = new Map<string, number>()

  constructor(options: FindingExporterOptions) {
    this.#o = options
  }

  /** Ticks every `tickMs` (the timer does not keep the process alive). */
  start(): void {
    this.#timer = setInterval(() => {
      if (!this.#running)
        this.#running = this.tick()
          .catch((e: unknown) => this.#o.onError?.(e))
          .finally(() => (this.#running = undefined))
    }, this.#o.tickMs ?? 5000)
    this.#timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#running
  }

  /** One pass over every destination. */
  async tick(): Promise<void> {
    const { storage } = this.#o
    const destinations = await storage.resources.listEverywhere<DestinationState>(
      this.#o.destinationKind,
      10_000,
    )
    for (const d of destinations) await this.#exportDestination(d)
  }

  async #exportDestination(d: ResourceRecord<DestinationState>): Promise<void> {
    const now = this.#o.clock.now()
    const backoff = this.#backoff.get(d.id)
    if (backoff && now < backoff.until) return
    const detector = await this.#o.storage.detectors.get(d.scope, d.parentId)
    if (!detector) return
    const accounts = new Set([
      d.scope.accountId,
      ...(await this.#o.members.memberAccounts(d.scope)),
    ])
    const mine = (c: FindingChange) =>
      c.scope.region === d.scope.region && accounts.has(c.scope.accountId)
    try {
      const every = FREQUENCY_MS[detector.findingPublishingFrequency] ?? SIX_HOURS
      const last = this.#lastExport.get(d.id) ?? d.createdAtMs
      const due = now - last >= every
      if (await this.#exportFrom(d, mine, due)) this.#lastExport.set(d.id, now)
      this.#backoff.delete(d.id)
      if (d.body.exportFailingSinceMs) await this.#setFailing(d, 0)
    } catch (error) {
      const delay = Math.min(
        15 * 60_000,
        (backoff?.delay ?? 0) * 2 || (this.#o.retryBaseMs ?? 5000),
      )
      this.#backoff.set(d.id, { until: now + delay, delay })
      if (!d.body.exportFailingSinceMs) await this.#setFailing(d, now)
      this.#o.onError?.(error)
    }
  }

  async #setFailing(d: ResourceRecord<DestinationState>, since: number): Promise<void> {
    const current = await this.#o.storage.resources.get<DestinationState>(d)
    if (!current) return
    await this.#o.storage.resources.apply([
      { put: { ...current, body: { ...current.body, exportFailingSinceMs: since } } },
    ])
  }

  /**
   * Exports the destination's changes after its cursor — when `due`, or when a new finding is among
   * them — batch by batch, then moves the cursor.
   * @returns whether an export happened
   */
  async #exportFrom(
    d: ResourceRecord<DestinationState>,
    mine: (c: FindingChange) => boolean,
    due: boolean,
  ): Promise<boolean> {
    const { storage } = this.#o
    const name = publishingCursor(d.id)
    let cursor: number = (await storage.outputs.cursor(name, FEED)) ?? -1
    if (cursor < 0) {
      cursor = await storage.findings.lastChangeSeq()
      await storage.outputs.setCursor(name, FEED, cursor)
    }
    const pending = await storage.outputs.cursor(`${name}-pending`, FEED)
    const redo = pending !== undefined && pending > cursor
    if (!redo && !due) {
      // Anything new waiting? (Read one batch; updates alone wait for the frequency.)
      const ahead = await storage.findings.changesAfter(cursor, BATCH)
      if (!ahead.some((c) => mine(c) && isNew(c.finding))) return false
    }
    for (;;) {
      const pendingNow = (await storage.outputs.cursor(`${name}-pending`, FEED)) ?? -1
      const redoing = pendingNow > cursor
      let changes = await storage.findings.changesAfter(cursor, BATCH)
      if (redoing) changes = changes.filter((c) => c.seq <= pendingNow)
      if (changes.length === 0) {
        if (redoing) await storage.outputs.setCursor(name, FEED, pendingNow)
        return true
      }
      const last: number = redoing ? pendingNow : (changes.at(-1) as FindingChange).seq
      const findings = changes.filter(mine)
      if (findings.length > 0) {
        if (!redoing) await storage.outputs.setCursor(`${name}-pending`, FEED, last)
        await this.#write(d, `${cursor}-${last}`, findings)
      }
      await storage.outputs.setCursor(name, FEED, last)
      cursor = last
      if (changes.length < BATCH && !redoing) return true
    }
  }

  async #write(
    d: ResourceRecord<DestinationState>,
    batchName: string,
    findings: readonly FindingChange[],
  ): Promise<void> {
    const m = S3_ARN.exec(d.body.destinationArn)
    if (!m) throw new Error(`destination ${d.id} has no S3 bucket ARN`)
    const bucket = m[1] as string
    const prefix = m[2] ? `${m[2].replace(/\/+$/, '')}/` : ''
    if (!(await this.#o.objectStore.bucketExists(bucket)))
      throw new Error(`bucket ${bucket} does not exist`)
    // One object per (account, day) of the batch, as AWS lays them out.
    const groups = new Map<string, FindingChange[]>()
    for (const f of findings) {
      const updated = Date.parse(String(f.finding.updatedAt)) || 0
      const day = new Date(updated).toISOString().slice(0, 10).replaceAll('-', '/')
      const key = `${prefix}AWSLogs/${f.scope.accountId}/GuardDuty/${f.scope.region}/${day}`
      groups.set(key, [...(groups.get(key) ?? []), f])
    }
    for (const [folder, group] of groups) {
      const body = gzipSync(
        group.map((f) => JSON.stringify(exportForm(f.finding))).join('\n') + '\n',
      )
      const id = stableEventId(d.id, batchName, folder)
      await this.#o.objectStore.putObject({ bucket, key: `${folder}/${id}.jsonl.gz` }, body, {
        contentType: 'application/gzip',
        kmsKeyArn: d.body.kmsKeyArn,
      })
    }
  }
}

const FEED = 'guardduty-findings'
const SIX_HOURS = 6 * 60 * 60_000

/** The cursor name of a destination (set at creation so nothing written after it is missed). */
export function publishingCursor(destinationId: string): string {
  return `publishing:${destinationId}`
}

/** The feed name destinations read. */
export const PUBLISHING_FEED = FEED
