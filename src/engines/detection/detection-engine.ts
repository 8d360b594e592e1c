/**
 * The detection engine: reads log entries, attributes each to a scope, drops those GuardDuty would
 * not analyse (no detector, detector suspended, data source disabled, duplicate delivery), runs the
 * detectors of the entry's source, drops detections whose remote address is on an active trusted
 * list (trusted beats threat) and records the rest through the injected `record` function — the
 * `FindingAggregator`'s — which creates or updates findings. This module owns that pipeline, the
 * per-run caches (one detector-state read and one threat-list matcher per scope per run, so the
 * per-event path touches no storage), the coalescing of detections with the same aggregation key
 * before recording, and the run summary.
 *
 * Sources: CloudTrail, VPC Flow Logs, Route 53 Resolver query logs (DNS) and Kubernetes audit logs
 * are attributed by default (`source-attribution.ts`); the Kubernetes attribution resolves the run's
 * default cluster through the `kubernetesClusters` option. A run reads one object's entries with
 * one `LogObjectContext` (its name, S3 key hints and EKS cluster), given to `run`.
 *
 * Coalescing: detections are held per (scope, aggregation key) until `flushEvery` keys are pending
 * or the run ends, then recorded with at most two calls per key — the earliest occurrence (so the
 * finding's `eventFirstSeen` is right) and the latest one carrying the remaining occurrences (so
 * `eventLastSeen`, the count and the details are the latest) — instead of one call per event.
 */
import type { Scope } from '../../storage/ports.js'
import type {
  AnyDetector,
  DataSourceFeature,
  Detection,
  DetectionContext,
  DetectorEvent,
  ThreatListLookup,
} from './detector.js'
import { featureEnabled, type DetectorStates } from './detector-states.js'
import type { KubernetesClusters } from './enrichment/kubernetes-clusters.js'
import type { FindingContent } from './finding-wire.js'
import type { LogObjectContext } from './object-context.js'
import {
  cloudTrailAttribution,
  createDnsAttribution,
  createVpcFlowAttribution,
  kubernetesAuditAttribution,
  SKIP_REASONS,
  type Attribution,
  type SkipReason,
  type SourceAttribution,
} from './source-attribution.js'
import type { LogEntry, LogSource } from './sources/index.js'

/** Activity as `FindingAggregator.record` takes it. */
export interface DetectionActivity {
  readonly scope: Scope
  readonly aggregationKey: string
  readonly finding: FindingContent
  /** Epoch milliseconds. */
  readonly eventTimeMs: number
  readonly occurrences?: number
}

/** What recording answered (`FindingAggregator.record`'s result). */
export interface RecordedActivity {
  readonly findingId: string
  readonly created: boolean
  readonly archived: boolean
}

/** Records activity; undefined when the scope has no enabled detector (the activity is dropped). */
export type RecordActivity = (activity: DetectionActivity) => Promise<RecordedActivity | undefined>

/** The threat-list port: `ThreatListRegistry` satisfies it. */
export interface ThreatListProvider {
  matcher(scope: Scope): Promise<ThreatListLookup>
}

export type { AnyDetector } from './detector.js'
export type { LogObjectContext } from './object-context.js'

/** Options of the engine. */
export interface DetectionEngineOptions {
  readonly detectors: readonly AnyDetector[]
  readonly detectorStates: DetectorStates
  /** Where findings go: the `FindingAggregator`'s `record`. */
  readonly record: RecordActivity
  /** Trusted/threat lists; without it no list matches. */
  readonly threatLists?: ThreatListProvider
  /** Attribution per source, replacing the built-in ones (every source has one built in). */
  readonly attribution?: Partial<{ [S in LogSource]: SourceAttribution<S> }>
  /**
   * The declared EKS clusters: the built-in Kubernetes attribution attributes objects whose context
   * names no cluster to the default one.
   */
  readonly kubernetesClusters?: KubernetesClusters
  /** Pending aggregation keys before recording (default 1,000). */
  readonly flushEvery?: number
  /** Event ids remembered to drop duplicate deliveries (default 100,000; 0 turns it off). */
  readonly dedupeEventIds?: number
}

/** Errors one detector threw during a run. */
export interface DetectorErrors {
  readonly count: number
  readonly firstMessage: string
}

/** What one run did. */
export interface DetectionSummary {
  /** Entries read. */
  readonly eventsRead: number
  /** Entries given to detectors. */
  readonly eventsAnalyzed: number
  /** Entries not analysed, by reason (every reason present, 0 when none). */
  readonly skipped: Readonly<Record<SkipReason, number>>
  /** Detections produced (before trusted-list suppression). */
  readonly detections: number
  /** Detections per finding type (before trusted-list suppression). */
  readonly detectionsByType: Readonly<Record<string, number>>
  /** Detections dropped because their remote address is on a trusted list. */
  readonly trustedSuppressed: number
  /** Findings created by the run, per type. */
  readonly findingsCreated: Readonly<Record<string, number>>
  /** Findings that existed before the run and got new occurrences, per type. */
  readonly findingsUpdated: Readonly<Record<string, number>>
  /** Findings of the run that a suppression rule archived. */
  readonly findingsArchived: number
  /** Record calls the aggregator dropped (no enabled detector at recording time). */
  readonly recordsDropped: number
  /** Detectors that threw, by detector id. */
  readonly detectorErrors: Readonly<Record<string, DetectorErrors>>
}

interface ScopeState {
  readonly skip: SkipReason | undefined
  readonly enabled: ReadonlySet<DataSourceFeature>
  readonly context: DetectionContext
}

interface Pending {
  earliest: Detection
  latest: Detection
  occurrences: number
}

interface Counters {
  eventsRead: number
  eventsAnalyzed: number
  skipped: Record<SkipReason, number>
  detections: number
  detectionsByType: Record<string, number>
  trustedSuppressed: number
  findingsCreated: Record<string, number>
  findingsUpdated: Record<string, number>
  recordsDropped: number
  detectorErrors: Record<string, { count: number; firstMessage: string }>
  /** Finding ids of the run: created or updated, and archived. */
  created: Set<string>
  updated: Set<string>
  archived: Set<string>
}

const NO_LISTS: ThreatListLookup = {
  matchIp: () => [],
  matchDomain: () => [],
  isTrusted: () => false,
}

const ALL_FEATURES: readonly DataSourceFeature[] = [
  'CLOUD_TRAIL',
  'S3_DATA_EVENTS',
  'FLOW_LOGS',
  'DNS_LOGS',
  'EKS_AUDIT_LOGS',
]

/** The built-in attribution of every source (one instance per engine: they cache). */
function builtInAttribution(clusters: KubernetesClusters | undefined): {
  [S in LogSource]: SourceAttribution<S>
} {
  return {
    cloudtrail: cloudTrailAttribution,
    'vpc-flow': createVpcFlowAttribution(),
    dns: createDnsAttribution(),
    'k8s-audit': kubernetesAuditAttribution(clusters ? { clusters } : {}),
  }
}

/** Runs detectors over log entries and records their findings. */
export class DetectionEngine {
  readonly #bySource = new Map<LogSource, AnyDetector[]>()
  readonly #attribution: Partial<Record<LogSource, SourceAttribution<LogSource>>>
  readonly #options: DetectionEngineOptions
  readonly #flushEvery: number
  readonly #dedupeLimit: number
  /** Recently read event ids (kept across runs: deliveries may repeat later). */
  readonly #seenEventIds = new Set<string>()
  /** The same ids in arrival order, a ring of `#dedupeLimit` slots, to forget the oldest. */
  readonly #seenOrder: string[] = []
  #seenNext = 0

  /**
   * @throws Error when two detectors share an id, or a detector's source has no attribution
   */
  constructor(options: DetectionEngineOptions) {
    this.#options = options
    this.#flushEvery = Math.max(1, options.flushEvery ?? 1000)
    this.#dedupeLimit = Math.max(0, options.dedupeEventIds ?? 100_000)
    this.#attribution = {
      ...builtInAttribution(options.kubernetesClusters),
      ...options.attribution,
    } as Partial<Record<LogSource, SourceAttribution<LogSource>>>
    const ids = new Set<string>()
    for (const detector of options.detectors) {
      if (ids.has(detector.id)) throw new Error(`two detectors have the id ${detector.id}`)
      ids.add(detector.id)
      if (!this.#attribution[detector.source]) {
        throw new Error(`detector ${detector.id}: no attribution for source ${detector.source}`)
      }
      const list = this.#bySource.get(detector.source) ?? []
      list.push(detector)
      this.#bySource.set(detector.source, list)
    }
  }

  /** The detectors, by source. */
  detectorsOf(source: LogSource): readonly AnyDetector[] {
    return this.#bySource.get(source) ?? []
  }

  /**
   * Reads every entry (single entries or batches, as `LogObjectReader.batches()` yields them),
   * records the detections and returns what happened. `context` is the object the entries come
   * from (name, S3 key hints, EKS cluster), for attributions of records that do not carry their
   * whole scope; without it attributions read their `currentObject`, if any. Detector state
   * (windows, baselines) lives in the detectors and carries over to the next run; detector states
   * and threat lists are read once per scope per run.
   */
  async run(
    entries:
      AsyncIterable<LogEntry | readonly LogEntry[]> | Iterable<LogEntry | readonly LogEntry[]>,
    context?: LogObjectContext,
  ): Promise<DetectionSummary> {
    const counters: Counters = {
      eventsRead: 0,
      eventsAnalyzed: 0,
      skipped: Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>,
      detections: 0,
      detectionsByType: {},
      trustedSuppressed: 0,
      findingsCreated: {},
      findingsUpdated: {},
      recordsDropped: 0,
      detectorErrors: {},
      created: new Set(),
      updated: new Set(),
      archived: new Set(),
    }
    const scopes = new Map<string, ScopeState>()
    const pending = new Map<string, Pending>()
    /** The scope key of the last attributed scope object (attributions reuse scope objects). */
    let lastScope: Scope | undefined
    let lastScopeKey = ''
    /** Reads one entry; returns a promise only when its scope's state must be loaded first. */
    const handle = (entry: LogEntry): Promise<void> | undefined => {
      counters.eventsRead++
      const detectors = this.#bySource.get(entry.source)
      const attribution = this.#attribution[entry.source]
      if (detectors === undefined || attribution === undefined) {
        counters.skipped['source-not-analyzed']++
        return undefined
      }
      const attributed = attribution.attribute(entry.record, context)
      if (typeof attributed === 'string') {
        counters.skipped[attributed]++
        return undefined
      }
      if (attributed.eventId !== undefined && this.#dedupeLimit > 0) {
        const id = `${entry.source}\u0000${attributed.eventId}`
        if (this.#seenEventIds.has(id)) {
          counters.skipped.duplicate++
          return undefined
        }
        this.#remember(id)
      }
      const { scope } = attributed
      if (scope !== lastScope) {
        lastScope = scope
        lastScopeKey = `${scope.accountId}\u0000${scope.region}`
      }
      const scopeKey = lastScopeKey
      const state = scopes.get(scopeKey)
      if (state === undefined) {
        return this.#loadScope(scope).then((loaded) => {
          scopes.set(scopeKey, loaded)
          analyse(entry, detectors, attributed, loaded, scopeKey)
        })
      }
      analyse(entry, detectors, attributed, state, scopeKey)
      return undefined
    }
    /** Runs the detectors of an attributed entry and holds their detections. */
    const analyse = (
      entry: LogEntry,
      detectors: readonly AnyDetector[],
      attributed: Attribution,
      state: ScopeState,
      scopeKey: string,
    ): void => {
      const { scope } = attributed
      if (state.skip !== undefined) {
        counters.skipped[state.skip]++
        return
      }
      if (!state.enabled.has(attributed.feature)) {
        counters.skipped['feature-disabled']++
        return
      }
      counters.eventsAnalyzed++
      // Two literals rather than a spread: this runs for every event.
      const event = (
        attributed.cluster === undefined
          ? {
              source: entry.source,
              record: entry.record,
              scope,
              eventTimeMs: attributed.eventTimeMs,
              feature: attributed.feature,
            }
          : {
              source: entry.source,
              record: entry.record,
              scope,
              eventTimeMs: attributed.eventTimeMs,
              feature: attributed.feature,
              cluster: attributed.cluster,
            }
      ) as DetectorEvent
      for (const detector of detectors) {
        if (!detector.features.includes(attributed.feature)) continue
        let detection: Detection | undefined
        try {
          // Detectors are grouped by source, so the record and event have the types they expect.
          if (detector.prefilter && !detector.prefilter(entry.record as never)) continue
          const match = detector.match(event as never, state.context)
          if (match === undefined) continue
          detection = detector.build(match as never, event as never, state.context)
        } catch (error) {
          const known = counters.detectorErrors[detector.id]
          if (known) known.count++
          else
            counters.detectorErrors[detector.id] = {
              count: 1,
              firstMessage: error instanceof Error ? error.message : String(error),
            }
          continue
        }
        counters.detections++
        const type = detection.finding.type
        counters.detectionsByType[type] = (counters.detectionsByType[type] ?? 0) + 1
        if (
          detection.remoteIp !== undefined &&
          state.context.threatLists.isTrusted(detection.remoteIp)
        ) {
          counters.trustedSuppressed++
          continue
        }
        const key = `${scopeKey}\u0000${detection.aggregationKey}`
        const occurrences = detection.occurrences ?? 1
        const held = pending.get(key)
        if (held === undefined) {
          pending.set(key, { earliest: detection, latest: detection, occurrences })
        } else {
          held.occurrences += occurrences
          if (detection.eventTimeMs < held.earliest.eventTimeMs) held.earliest = detection
          if (detection.eventTimeMs >= held.latest.eventTimeMs) held.latest = detection
        }
      }
    }
    for await (const item of entries) {
      for (const entry of isBatch(item) ? item : [item]) {
        const loading = handle(entry)
        if (loading !== undefined) await loading
        if (pending.size >= this.#flushEvery) await this.#flush(pending, counters)
      }
    }
    await this.#flush(pending, counters)
    const { created: _c, updated: _u, archived, ...summary } = counters
    return { ...summary, findingsArchived: archived.size }
  }

  /** Remembers an event id, forgetting the oldest once `#dedupeLimit` are held. */
  #remember(id: string): void {
    const evicted = this.#seenOrder[this.#seenNext]
    if (evicted !== undefined) this.#seenEventIds.delete(evicted)
    this.#seenOrder[this.#seenNext] = id
    this.#seenNext = (this.#seenNext + 1) % this.#dedupeLimit
    this.#seenEventIds.add(id)
  }

  async #loadScope(scope: Scope): Promise<ScopeState> {
    const detector = await this.#options.detectorStates.detectorOf(scope)
    const none = { enabled: new Set<DataSourceFeature>(), context: { threatLists: NO_LISTS } }
    if (detector === undefined) return { skip: 'no-detector', ...none }
    if (detector.status !== 'ENABLED') return { skip: 'detector-disabled', ...none }
    const threatLists = (await this.#options.threatLists?.matcher(scope)) ?? NO_LISTS
    return {
      skip: undefined,
      enabled: new Set(ALL_FEATURES.filter((feature) => featureEnabled(detector, feature))),
      context: { threatLists },
    }
  }

  async #flush(pending: Map<string, Pending>, counters: Counters): Promise<void> {
    for (const held of pending.values()) {
      const { earliest, latest } = held
      if (earliest === latest) {
        await this.#record(earliest, held.occurrences, counters)
      } else {
        const first = earliest.occurrences ?? 1
        await this.#record(earliest, first, counters)
        await this.#record(latest, held.occurrences - first, counters)
      }
    }
    pending.clear()
  }

  async #record(detection: Detection, occurrences: number, counters: Counters): Promise<void> {
    const result = await this.#options.record({
      scope: detection.scope,
      aggregationKey: detection.aggregationKey,
      finding: detection.finding,
      eventTimeMs: detection.eventTimeMs,
      occurrences,
    })
    if (result === undefined) {
      counters.recordsDropped++
      return
    }
    const type = detection.finding.type
    const id = result.findingId
    if (result.created) {
      counters.created.add(id)
      counters.findingsCreated[type] = (counters.findingsCreated[type] ?? 0) + 1
    } else if (!counters.created.has(id) && !counters.updated.has(id)) {
      counters.updated.add(id)
      counters.findingsUpdated[type] = (counters.findingsUpdated[type] ?? 0) + 1
    }
    if (result.archived) counters.archived.add(id)
    else counters.archived.delete(id)
  }
}

function isBatch(item: LogEntry | readonly LogEntry[]): item is readonly LogEntry[] {
  return Array.isArray(item)
}
