/**
 * `vigil ingest [--source S] [--follow] [--endpoint-url URL] PATH...`: sends log objects to a
 * running Vigil's detection engine. Files and directories (walked recursively, in name order,
 * passing over licence/read-me files and hidden files) are uploaded one object per request,
 * streamed, to `POST /_vigil/ingest/<source>` with the object's ledger identity (`file://` +
 * absolute path, size, modification time); objects the server's ledger already holds are not sent
 * (asked first through `POST /_vigil/ingest/ledger`), so a restarted `--follow` does not resend.
 * `s3://bucket/prefix` paths are read by the server from its own object store
 * (`POST /_vigil/ingest?location=…`). `--follow` keeps polling every path for new or changed
 * objects (every `--interval` seconds; files changed in the last 2 s wait for the next poll) until
 * Ctrl-C. A progress line (terminal only) shows bytes, events, events/s and findings; a summary
 * at the end lists per object the events, the malformed records (`file:line`) and the findings
 * created/updated per type.
 *
 * In a directory walk without `--source`, a file that holds no log the readers recognise is
 * skipped (reported, not an error); named explicitly, or with `--source`, it is an error.
 *
 * Exit status: 0 all read; 1 some records malformed or some objects failed; 2 nothing could be
 * ingested (every object failed, a path does not exist) or the server is unreachable. Objects the
 * ledger already held count as read.
 */
import cliProgress from 'cli-progress'
import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { VigilError } from '../core/vigil-error.js'
import type { DetectionSummary } from '../engines/detection/detection-engine.js'
import type {
  IngestFailure,
  IngestResult,
  LocationResult,
  LogObjectRef,
} from '../engines/detection/ingest/index.js'
import { walkFiles } from '../engines/detection/ingest/object-sources.js'
import type { LogSource } from '../engines/detection/sources/index.js'
import { postFile, postJson, type ClientResponse } from './ingest-client.js'

export interface IngestCommandOptions {
  /** What the objects hold; undefined lets the server tell from the content. */
  readonly source?: LogSource
  /** The flow log's `LogFormat`, for flow logs without a header line. */
  readonly flowLogFormat?: string
  /** The Kubernetes cluster of audit logs (a name the server's `kubernetesClusters` declares). */
  readonly cluster?: string
  /** Keep polling the paths for new objects until `signal` aborts. */
  readonly follow?: boolean
  /** Seconds between polls with `follow` (1–3600; default 10). */
  readonly intervalSeconds?: number
  /** Milliseconds a file must be unchanged before `follow` sends it (default 2,000). */
  readonly settleMs?: number
  /** Base URL of the server. */
  readonly endpointUrl: string
  readonly env: NodeJS.ProcessEnv
  /** Where the summary (and, with `follow` and no progress line, each object) is written. */
  readonly out: (line: string) => void
  /** The terminal the progress line is drawn on; none when undefined or not a TTY. */
  readonly progressStream?: NodeJS.WriteStream
  /** Aborting stops after the current object (Ctrl-C). */
  readonly signal?: AbortSignal
}

type Outcome =
  | { readonly kind: 'ingested'; readonly name: string; readonly result: IngestResult }
  | { readonly kind: 'not-a-log'; readonly name: string; readonly seen: string }
  | { readonly kind: 'failed'; readonly name: string; readonly error: string }

const LEDGER_BATCH = 1000
const MAX_LISTED_MALFORMED = 20

/** Bytes for people: `512 B`, `1.5 KB`, `12.3 MB` (1 KB = 1,000 bytes). */
export function humanBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 'B'
  for (const next of units) {
    if (value < 1000) break
    value /= 1000
    unit = next
  }
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${unit}`
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function add(into: Record<string, number>, from: Readonly<Record<string, number>> | undefined) {
  for (const [key, n] of Object.entries(from ?? {})) if (n > 0) into[key] = (into[key] ?? 0) + n
}

function counts(map: Readonly<Record<string, number>>): string {
  return Object.entries(map)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, n]) => `${key} ×${n}`)
    .join(', ')
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

function messageOf(response: ClientResponse): string {
  const message = response.body.message
  return typeof message === 'string' ? message : `HTTP ${response.status}`
}

/** One `vigil ingest` invocation. */
class IngestRun {
  readonly outcomes: Outcome[] = []
  alreadyProcessed = 0
  bytes = 0
  events = 0
  malformed = 0
  readonly created: Record<string, number> = {}
  readonly updated: Record<string, number> = {}
  readonly skipped: Record<string, number> = {}
  /** Identities handled in this run (`location` → `size:mtime`), not asked about again. */
  readonly #handled = new Map<string, string>()
  readonly #started = performance.now()
  #bar: cliProgress.SingleBar | undefined
  /** Whether each object is written as it completes (`follow` without a progress line). */
  readonly #live: boolean
  #barStopped = false
  #barTotal = 0
  #barValue = 0

  constructor(private readonly options: IngestCommandOptions) {
    this.#live = options.follow === true && options.progressStream?.isTTY !== true
  }

  /** Draws the progress line (on a terminal), once there is something to send. */
  #startBar(): void {
    const stream = this.options.progressStream
    if (this.#bar === undefined && !this.#barStopped && stream?.isTTY === true) {
      this.#bar = new cliProgress.SingleBar(
        {
          stream,
          format:
            '{bar} {percentage}% | {sent}/{size} | {events} events | {rate} ev/s | {findings} findings | {current}',
          hideCursor: true,
          clearOnComplete: true,
          barsize: 24,
        },
        cliProgress.Presets.shades_classic,
      )
      this.#bar.start(this.#barTotal, this.#barValue, this.#payload(''))
    }
  }

  get client() {
    return { endpointUrl: this.options.endpointUrl, env: this.options.env }
  }

  /** Objects read (ingested now or held by the ledger). */
  get read(): number {
    return this.outcomes.filter((o) => o.kind === 'ingested').length + this.alreadyProcessed
  }

  get failed(): number {
    return this.outcomes.filter((o) => o.kind === 'failed').length
  }

  #findings(): number {
    return (
      Object.values(this.created).reduce((a, b) => a + b, 0) +
      Object.values(this.updated).reduce((a, b) => a + b, 0)
    )
  }

  #rate(): number {
    const seconds = (performance.now() - this.#started) / 1000
    return seconds > 0 ? Math.round(this.events / seconds) : 0
  }

  #payload(current: string): Record<string, string | number> {
    return {
      sent: humanBytes(this.#barValue),
      size: humanBytes(this.#barTotal),
      events: this.events,
      rate: this.#rate(),
      findings: this.#findings(),
      current: current.length > 40 ? `…${current.slice(-39)}` : current,
    }
  }

  /** Adds bytes to send to the progress line. */
  expect(bytes: number): void {
    this.#barTotal += bytes
    if (bytes > 0) this.#startBar()
    this.#bar?.setTotal(this.#barTotal)
    this.#bar?.update(this.#barValue, this.#payload(''))
  }

  #progress(bytes: number, current: string): void {
    this.#barValue += bytes
    this.#bar?.update(this.#barValue, this.#payload(current))
  }

  stopProgress(): void {
    this.#bar?.stop()
    this.#bar = undefined
    this.#barStopped = true
  }

  #record(outcome: Outcome): void {
    this.outcomes.push(outcome)
    if (outcome.kind === 'ingested') {
      const { result } = outcome
      this.bytes += result.objectBytes ?? result.bytes
      this.events += result.events
      this.malformed += result.malformedCount
      add(this.created, result.summary?.findingsCreated)
      add(this.updated, result.summary?.findingsUpdated)
      add(this.skipped, result.summary?.skipped)
    }
    if (this.#live) for (const line of describe(outcome)) this.options.out(line)
  }

  /** One pass over every path. */
  async pass(paths: readonly string[], first: boolean): Promise<void> {
    for (const path of paths) {
      if (this.options.signal?.aborted === true) return
      if (path.startsWith('s3://')) await this.#location(path)
      else await this.#files(path, first)
    }
  }

  async #files(path: string, first: boolean): Promise<void> {
    let explicit: boolean
    try {
      explicit = !(await stat(path)).isDirectory()
    } catch (error) {
      if (first) this.#record({ kind: 'failed', name: path, error: (error as Error).message })
      return
    }
    const fresh: LogObjectRef[] = []
    const settleBefore = Date.now() - (this.options.settleMs ?? 2000)
    for await (const ref of walkFiles(path)) {
      const identity = `${ref.size}:${ref.lastModifiedMs}`
      if (this.#handled.get(ref.location) === identity) continue
      if (this.options.follow === true && ref.lastModifiedMs > settleBefore) continue
      fresh.push(ref)
    }
    for (let i = 0; i < fresh.length; i += LEDGER_BATCH) {
      const batch = fresh.slice(i, i + LEDGER_BATCH)
      const response = await postJson(
        this.client,
        '/_vigil/ingest/ledger',
        {},
        {
          objects: batch.map((ref) => ({
            location: ref.location,
            size: ref.size,
            lastModified: ref.lastModifiedMs,
          })),
        },
      )
      if (response.status !== 200) {
        throw new VigilError(
          'VIGIL_INPUT_INVALID',
          `Vigil refused the ledger check: ${messageOf(response)}`,
        )
      }
      const processed = Array.isArray(response.body.processed) ? response.body.processed : []
      const send: LogObjectRef[] = []
      batch.forEach((ref, k) => {
        if (processed[k] === true) {
          this.alreadyProcessed++
          this.#handled.set(ref.location, `${ref.size}:${ref.lastModifiedMs}`)
        } else send.push(ref)
      })
      this.expect(send.reduce((n, ref) => n + ref.size, 0))
      for (const ref of send) {
        if (this.options.signal?.aborted === true) return
        await this.#upload(ref, explicit)
      }
    }
  }

  async #upload(ref: LogObjectRef, explicit: boolean): Promise<void> {
    const { source, flowLogFormat, cluster } = this.options
    const query: Record<string, string> = {
      name: ref.name,
      location: ref.location,
      lastModified: String(ref.lastModifiedMs),
      ...(flowLogFormat !== undefined ? { flowLogFormat } : {}),
      ...(cluster !== undefined ? { cluster } : {}),
    }
    this.#progress(0, ref.name)
    let response: ClientResponse
    try {
      response = await postFile(
        this.client,
        `/_vigil/ingest/${source ?? 'auto'}`,
        query,
        fileURLToPath(ref.location),
      )
    } catch (error) {
      if (error instanceof VigilError) throw error
      this.#record({ kind: 'failed', name: ref.name, error: (error as Error).message })
      return
    } finally {
      this.#progress(ref.size, ref.name)
    }
    this.#handled.set(ref.location, `${ref.size}:${ref.lastModifiedMs}`)
    const body = response.body
    if (response.status === 200) {
      const result = body as unknown as IngestResult
      if (result.status === 'already-processed') this.alreadyProcessed++
      else this.#record({ kind: 'ingested', name: ref.name, result })
      return
    }
    if (
      response.status === 400 &&
      body.reason === 'log-format' &&
      body.detected === undefined &&
      source === undefined &&
      !explicit
    ) {
      this.#record({
        kind: 'not-a-log',
        name: ref.name,
        seen: typeof body.seen === 'string' ? body.seen : 'unrecognised content',
      })
      return
    }
    const error =
      response.status === 413
        ? `${messageOf(response)} (the server's limit for one log object: VIGIL_MAX_INGEST_BODY_BYTES)`
        : messageOf(response)
    this.#record({ kind: 'failed', name: ref.name, error })
  }

  async #location(location: string): Promise<void> {
    const { source, flowLogFormat, cluster } = this.options
    for (;;) {
      if (this.options.signal?.aborted === true) return
      this.#progress(0, location)
      const response = await postJson(
        this.client,
        '/_vigil/ingest',
        {
          location,
          ...(source !== undefined ? { source } : {}),
          ...(flowLogFormat !== undefined ? { flowLogFormat } : {}),
          ...(cluster !== undefined ? { cluster } : {}),
        },
        {},
      )
      if (response.status !== 200) {
        this.#record({ kind: 'failed', name: location, error: messageOf(response) })
        return
      }
      const result = response.body as unknown as LocationResult
      this.alreadyProcessed += result.alreadyProcessed
      for (const object of result.objects) {
        const name = `s3://${location.slice(5).split('/')[0] ?? ''}/${object.name ?? ''}`
        this.expect(object.objectBytes ?? 0)
        this.#progress(object.objectBytes ?? 0, name)
        this.#record({ kind: 'ingested', name, result: object })
      }
      for (const failure of result.failed) this.#record(this.#failure(failure, source))
      if (!result.truncated) return
    }
  }

  #failure(failure: IngestFailure, source: LogSource | undefined): Outcome {
    if (failure.reason === 'log-format' && failure.detected === undefined && source === undefined) {
      return { kind: 'not-a-log', name: failure.location, seen: failure.error }
    }
    return { kind: 'failed', name: failure.location, error: failure.error }
  }

  /** The summary lines. */
  summary(unreachable: string | undefined): string[] {
    const lines: string[] = []
    if (!this.#live) for (const outcome of this.outcomes) lines.push(...describe(outcome))
    const ingested = this.outcomes.filter((o) => o.kind === 'ingested').length
    const notLogs = this.outcomes.filter((o) => o.kind === 'not-a-log').length
    const seconds = (performance.now() - this.#started) / 1000
    lines.push(
      `Total: ${ingested} objects ingested, ${this.alreadyProcessed} already processed, ${notLogs} not logs, ${this.failed} failed; ` +
        `${this.events} events, ${humanBytes(this.bytes)}, ${this.malformed} malformed; ` +
        `${seconds.toFixed(1)} s, ${this.#rate()} events/s`,
    )
    const skipped = Object.fromEntries(Object.entries(this.skipped).filter(([, n]) => n > 0))
    if (Object.keys(skipped).length > 0) lines.push(`Events not analysed: ${counts(skipped)}`)
    lines.push(
      `Findings created: ${counts(this.created) || 'none'}; updated: ${counts(this.updated) || 'none'}`,
    )
    if (unreachable !== undefined) lines.push(`Stopped: ${unreachable}`)
    return lines
  }
}

/** The lines of one object in the summary. */
function describe(outcome: Outcome): string[] {
  switch (outcome.kind) {
    case 'not-a-log':
      return [`${outcome.name}: skipped, not a log (${outcome.seen})`]
    case 'failed':
      return [`${outcome.name}: error: ${outcome.error}`]
    case 'ingested': {
      const { result, name } = outcome
      const summary: DetectionSummary | undefined = result.summary
      const parts = [
        `${name}: ${result.source ?? 'empty'}, ${plural(result.events, 'event')} (${humanBytes(result.bytes)}${result.compressed ? ', gzip' : ''})`,
        `${result.malformedCount} malformed`,
      ]
      if (summary !== undefined && summary.eventsAnalyzed !== result.events) {
        parts.push(`${summary.eventsAnalyzed} analysed`)
      }
      const created = counts(summary?.findingsCreated ?? {})
      const updated = counts(summary?.findingsUpdated ?? {})
      if (created) parts.push(`findings created: ${created}`)
      if (updated) parts.push(`findings updated: ${updated}`)
      const lines = [parts.join('; ')]
      for (const bad of result.malformed.slice(0, MAX_LISTED_MALFORMED)) {
        const index = bad.index === undefined ? '' : ` [${bad.index}]`
        lines.push(`${name}:${bad.line}:${index} malformed: ${bad.reason}`)
      }
      const unlisted =
        result.malformedCount - Math.min(result.malformed.length, MAX_LISTED_MALFORMED)
      if (unlisted > 0) lines.push(`${name}: … and ${unlisted} more malformed records`)
      for (const note of result.notes) lines.push(`${name}: note: ${note}`)
      return lines
    }
  }
}

/**
 * Ingests `paths`; returns the exit status (see the module comment). Stops after the current
 * object when `signal` aborts.
 * @throws VigilError `VIGIL_INPUT_INVALID` for bad options
 */
export async function ingestPaths(
  paths: readonly string[],
  options: IngestCommandOptions,
): Promise<number> {
  if (paths.length === 0) throw new VigilError('VIGIL_INPUT_INVALID', 'no path to ingest')
  const interval = options.intervalSeconds ?? 10
  if (!Number.isFinite(interval) || interval < 1 || interval > 3600) {
    throw new VigilError('VIGIL_INPUT_INVALID', '--interval must be 1 to 3600 seconds')
  }
  const run = new IngestRun(options)
  let unreachable: string | undefined
  try {
    await run.pass(paths, true)
    const stopped = (): boolean => options.signal?.aborted === true
    while (options.follow === true && !stopped()) {
      await sleep(interval * 1000, options.signal)
      if (stopped()) break
      try {
        await run.pass(paths, false)
      } catch (error) {
        if (!(error instanceof VigilError && error.code === 'VIGIL_UNREACHABLE')) throw error
        options.out(`vigil: ${error.message}; trying again in ${interval} s`)
      }
    }
  } catch (error) {
    if (!(error instanceof VigilError && error.code === 'VIGIL_UNREACHABLE')) {
      run.stopProgress()
      throw error
    }
    unreachable = error.message
  } finally {
    run.stopProgress()
  }
  for (const line of run.summary(unreachable)) options.out(line)
  if (unreachable !== undefined) return 2
  if (run.read === 0 && run.failed > 0) return 2
  if (run.failed > 0 || run.malformed > 0) return 1
  return 0
}
