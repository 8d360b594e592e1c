/**
 * The detector contract: what a detector declares (the log source it reads, the detector features
 * — GuardDuty data sources — the events it looks at need, the finding types it can produce with
 * their default severities) and the two steps the engine calls for every event of that source that
 * passed its cheap `prefilter`: `match` decides (and may update the detector's own state, such as a
 * windowed counter), `build` shapes the detection — scope, aggregation key, event time and the
 * finding content in wire form. This module owns those types; the engine owns attribution, detector
 * state, trusted lists and recording (`detection-engine.ts`).
 */
import type { Scope } from '../../storage/ports.js'
import type { KubernetesClusterDetails } from './enrichment/kubernetes-clusters.js'
import type { FindingContent } from './finding-wire.js'
import type { LogEntry, LogSource } from './sources/index.js'
import type { ThreatListMatch } from './threat-lists/threat-list-matcher.js'

/** The record type a source yields (`CloudTrailRecord` for `cloudtrail`, …). */
export type RecordOf<S extends LogSource> = Extract<LogEntry, { readonly source: S }>['record']

/**
 * A detector feature (GuardDuty data source) as the detector record names it: `CLOUD_TRAIL`
 * (CloudTrail management events), `S3_DATA_EVENTS` (CloudTrail S3 data events), `FLOW_LOGS`,
 * `DNS_LOGS`, `EKS_AUDIT_LOGS`.
 */
export type DataSourceFeature =
  'CLOUD_TRAIL' | 'S3_DATA_EVENTS' | 'FLOW_LOGS' | 'DNS_LOGS' | 'EKS_AUDIT_LOGS'

/** One event as the engine hands it to detectors, already attributed to a scope. */
export interface DetectorEvent<S extends LogSource = LogSource> {
  readonly source: S
  readonly record: RecordOf<S>
  /** The (account, region) the activity belongs to. */
  readonly scope: Scope
  /** When the event happened, epoch **milliseconds** (from the event, never the wall clock). */
  readonly eventTimeMs: number
  /** The detector feature that had to be enabled for the event to be analysed. */
  readonly feature: DataSourceFeature
  /** The EKS cluster of a `k8s-audit` event (attribution found it); absent for other sources. */
  readonly cluster?: KubernetesClusterDetails
}

/** The trusted/threat list lookups of a scope (`ThreatListMatcher` satisfies it). */
export interface ThreatListLookup {
  /** Every active list containing the IPv4 address (threat and trusted lists). */
  matchIp(ip: string): readonly ThreatListMatch[]
  /** Every active entity list containing the domain. */
  matchDomain(domain: string): readonly ThreatListMatch[]
  /** Whether an active trusted list contains the address. */
  isTrusted(ip: string): boolean
}

/** What detectors may consult besides the event: the scope's lists. */
export interface DetectionContext {
  readonly threatLists: ThreatListLookup
}

/** One detection: activity for `FindingAggregator.record`. */
export interface Detection {
  readonly scope: Scope
  /** Activity with the same key in the same scope updates one finding (see docs/detection.md). */
  readonly aggregationKey: string
  /** When the activity happened, epoch **milliseconds**. */
  readonly eventTimeMs: number
  readonly finding: FindingContent
  /** Occurrences this detection stands for (default 1). */
  readonly occurrences?: number
  /**
   * The remote address the activity came from; a detection whose remote address is on an active
   * trusted list is dropped by the engine.
   */
  readonly remoteIp?: string
}

/** A finding type a detector can produce. */
export interface FindingTypeSpec {
  readonly type: string
  /** The default severity (Low 2, Medium 5, High 8). */
  readonly severity: number
  /** `resource.resourceType` of its findings. */
  readonly resourceType: string
  /** Whether the severity depends on the occurrence (`severity` is then the default). */
  readonly variableSeverity?: boolean
}

/**
 * A detector over one log source. `M` is what `match` hands to `build`. Detectors may keep state
 * across events (windows, baselines, inventories); time in that state comes from `eventTimeMs`.
 */
export interface Detector<S extends LogSource = LogSource, M = unknown> {
  /** Stable id, `<source>/<family>` (`cloudtrail/cloudtrail-logging-disabled`). */
  readonly id: string
  readonly source: S
  /**
   * The features of the events the detector looks at; events of other features are not given to
   * it (an S3 data event is only seen by detectors listing `S3_DATA_EVENTS`).
   */
  readonly features: readonly DataSourceFeature[]
  readonly findingTypes: readonly FindingTypeSpec[]
  /** A cheap test on the raw record (event name, source); false skips `match`. */
  prefilter?(record: RecordOf<S>): boolean
  /** Whether the event is a detection (or counts toward one); `undefined` when not. */
  match(event: DetectorEvent<S>, context: DetectionContext): M | undefined
  /** The detection of a match. */
  build(match: M, event: DetectorEvent<S>, context: DetectionContext): Detection
}

/**
 * Any detector, as collections hold them: every `Detector<S, M>` is one. Parameters are typed
 * `never` so that detectors of different sources and match types fit one list; the engine hands
 * each detector only events of its own source and only its own matches.
 */
export interface AnyDetector {
  readonly id: string
  readonly source: LogSource
  readonly features: readonly DataSourceFeature[]
  readonly findingTypes: readonly FindingTypeSpec[]
  prefilter?(record: never): boolean
  match(event: never, context: DetectionContext): unknown
  build(match: never, event: never, context: DetectionContext): Detection
}

/** Identity helper that infers a detector's source and match types. */
export function defineDetector<S extends LogSource, M>(detector: Detector<S, M>): Detector<S, M> {
  return detector
}
