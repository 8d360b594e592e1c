/**
 * Attribution of log records to what the engine needs before any detector runs: the scope
 * (account, Region) the activity belongs to, the event time, the detector feature that must be
 * enabled for the record to be analysed, and an id to drop duplicate deliveries by. This module
 * owns those rules per source. Records that do not carry their whole scope read the object being
 * ingested (`LogObjectContext`, `object-context.ts`): passed to `attribute`, else read from the
 * `currentObject` function the attribution was built with.
 *
 * - CloudTrail: account = `recipientAccountId`, else `userIdentity.accountId`; Region =
 *   `awsRegion`; time = `eventTime`. Management events (`eventCategory` `Management`, or no
 *   category and `managementEvent` not false) need `CLOUD_TRAIL`; S3 data events (`eventCategory`
 *   `Data`, or no category and `managementEvent` false, from `s3.amazonaws.com`) need
 *   `S3_DATA_EVENTS`; other data events, network-activity and Insight events are not analysed
 *   (GuardDuty does not read them).
 * - VPC Flow Logs: account = `account-id` (the interface owner), else the S3 key's; Region = the
 *   record's `region` (v4 field), else the S3 key's;
 *   time = `start` (epoch seconds → milliseconds), else `end`; feature `FLOW_LOGS`. `NODATA` and
 *   `SKIPDATA` records and records without both addresses are not analysed. No event id.
 * - Route 53 Resolver query logs (DNS): account = `account_id`, else the S3 key's; Region =
 *   `region`; time = `query_timestamp`; feature `DNS_LOGS`. No event id.
 * - Kubernetes audit events: scope = the account and Region of the object's EKS cluster (the
 *   context's `cluster`; else the default declared cluster, see `KubernetesClusters`); time =
 *   `stageTimestamp`, else `requestReceivedTimestamp`, else `timestamp`; feature
 *   `EKS_AUDIT_LOGS`. `RequestReceived` stages are not analysed (the later stage of the same
 *   request carries the response); the event id is `auditID`, so of `ResponseStarted` and
 *   `ResponseComplete` (long-running requests such as exec log both) only the first is analysed.
 */
import type { Scope } from '../../storage/ports.js'
import type { DataSourceFeature, RecordOf } from './detector.js'
import type {
  KubernetesClusterDetails,
  KubernetesClusters,
} from './enrichment/kubernetes-clusters.js'
import type { LogObjectContext } from './object-context.js'
import type {
  CloudTrailRecord,
  FlowLogRecord,
  KubernetesAuditEvent,
  LogSource,
  ResolverQueryRecord,
} from './sources/index.js'

/** Why an event was not analysed. */
export type SkipReason =
  /** No detector reads the event's source. */
  | 'source-not-analyzed'
  /** The event's kind is not one GuardDuty analyses (non-S3 data events, Insight events…). */
  | 'event-not-analyzed'
  /** No account (or Region) could be attributed. */
  | 'no-scope'
  /** The account has no detector in the Region. */
  | 'no-detector'
  /** The detector is suspended. */
  | 'detector-disabled'
  /** The event's data source (detector feature) is disabled. */
  | 'feature-disabled'
  /** Same event id as an event already read. */
  | 'duplicate'

/** Every skip reason, in report order. */
export const SKIP_REASONS: readonly SkipReason[] = [
  'source-not-analyzed',
  'event-not-analyzed',
  'no-scope',
  'no-detector',
  'detector-disabled',
  'feature-disabled',
  'duplicate',
]

/** What attribution found. */
export interface Attribution {
  readonly scope: Scope
  /** Epoch milliseconds. */
  readonly eventTimeMs: number
  readonly feature: DataSourceFeature
  /** An id unique per event, for dropping repeated deliveries; undefined when there is none. */
  readonly eventId: string | undefined
  /** The EKS cluster of a Kubernetes audit event. */
  readonly cluster?: KubernetesClusterDetails
}

/** Attributes records of one source. */
export interface SourceAttribution<S extends LogSource> {
  /**
   * The attribution of `record` read from the object `context` (when given, else the object the
   * attribution's `currentObject` names, else none).
   */
  attribute(record: RecordOf<S>, context?: LogObjectContext): Attribution | SkipReason
}

/** How attributions that read the object being ingested find it. */
export interface ObjectAttributionOptions {
  /** The object being read (`LogObjectContextHolder.current`), when `attribute` gets no context. */
  readonly currentObject?: () => LogObjectContext | undefined
}

/** Whether the CloudTrail record is an S3 data event (object- or bucket-level data API call). */
export function isS3DataEvent(record: CloudTrailRecord): boolean {
  return record.eventSource === 's3.amazonaws.com' && isDataEvent(record)
}

function isDataEvent(record: CloudTrailRecord): boolean {
  return record.eventCategory === undefined
    ? record.managementEvent === false
    : record.eventCategory === 'Data'
}

/** The CloudTrail attribution (see the module comment). */
export const cloudTrailAttribution: SourceAttribution<'cloudtrail'> = {
  attribute(record: CloudTrailRecord): Attribution | SkipReason {
    let feature: DataSourceFeature
    if (isDataEvent(record)) {
      if (record.eventSource !== 's3.amazonaws.com') return 'event-not-analyzed'
      feature = 'S3_DATA_EVENTS'
    } else if (record.eventCategory === undefined || record.eventCategory === 'Management') {
      feature = 'CLOUD_TRAIL'
    } else {
      return 'event-not-analyzed'
    }
    const accountId = record.recipientAccountId ?? record.userIdentity?.accountId
    if (accountId === undefined || !/^\d{12}$/.test(accountId) || record.awsRegion === '') {
      return 'no-scope'
    }
    return {
      scope: { accountId, region: record.awsRegion },
      eventTimeMs: Date.parse(record.eventTime),
      feature,
      eventId: record.eventID,
    }
  },
}

const NO_CONTEXT: LogObjectContext = {}

/** Whether `value` is a 12-digit account id. */
function isAccountId(value: string): boolean {
  if (value.length !== 12) return false
  for (let i = 0; i < 12; i++) {
    const c = value.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/**
 * The account and Region an object's S3 key supplies, resolved once per context object (a run
 * reads one object with one context, so the per-record path compares one reference).
 */
class ContextDefaults {
  #context: LogObjectContext | undefined
  accountId: string | undefined
  region: string | undefined

  constructor(private readonly currentObject: (() => LogObjectContext | undefined) | undefined) {}

  /** Resolves the record's context (`given`, else the current object) unless resolved last. */
  use(given: LogObjectContext | undefined): void {
    const context = given ?? this.currentObject?.() ?? NO_CONTEXT
    if (context === this.#context) return
    this.#context = context
    const hintAccount = context.keyHint?.account
    this.accountId = hintAccount !== undefined && isAccountId(hintAccount) ? hintAccount : undefined
    this.region = context.keyHint?.region
  }
}

/** Hands out one `Scope` object per (account, Region) run of records, reusing the last one. */
class ScopeCache {
  #last: Scope = { accountId: '', region: '' }

  get(accountId: string, region: string): Scope {
    const last = this.#last
    if (last.accountId === accountId && last.region === region) return last
    this.#last = { accountId, region }
    return this.#last
  }
}

/**
 * A VPC Flow Logs attribution (see the module comment). It keeps the last account it validated and
 * the last scope it built, so a run of records of one interface allocates one attribution each.
 */
export function createVpcFlowAttribution(
  options: ObjectAttributionOptions = {},
): SourceAttribution<'vpc-flow'> {
  const defaults = new ContextDefaults(options.currentObject)
  const scopes = new ScopeCache()
  let validAccount = ''
  return {
    attribute(record: FlowLogRecord, context?: LogObjectContext): Attribution | SkipReason {
      if (record.logStatus !== undefined && record.logStatus !== 'OK') return 'event-not-analyzed'
      if (record.srcaddr === undefined || record.dstaddr === undefined) return 'event-not-analyzed'
      const seconds = record.start ?? record.end
      if (seconds === undefined) return 'event-not-analyzed'
      defaults.use(context)
      let accountId = record.accountId
      if (accountId !== validAccount) {
        if (accountId !== undefined && isAccountId(accountId)) validAccount = accountId
        else accountId = defaults.accountId
      }
      const region = record.region ?? defaults.region
      if (accountId === undefined || region === undefined) return 'no-scope'
      return {
        scope: scopes.get(accountId, region),
        eventTimeMs: seconds * 1000,
        feature: 'FLOW_LOGS',
        eventId: undefined,
      }
    },
  }
}

/** A Route 53 Resolver query log attribution (see the module comment). */
export function createDnsAttribution(
  options: ObjectAttributionOptions = {},
): SourceAttribution<'dns'> {
  const defaults = new ContextDefaults(options.currentObject)
  const scopes = new ScopeCache()
  return {
    attribute(record: ResolverQueryRecord, context?: LogObjectContext): Attribution | SkipReason {
      defaults.use(context)
      const account = record.account_id
      const accountId = account !== undefined && isAccountId(account) ? account : defaults.accountId
      const region = record.region ?? defaults.region
      if (accountId === undefined || region === undefined || region === '') return 'no-scope'
      const eventTimeMs = Date.parse(record.query_timestamp)
      if (Number.isNaN(eventTimeMs)) return 'event-not-analyzed'
      return {
        scope: scopes.get(accountId, region),
        eventTimeMs,
        feature: 'DNS_LOGS',
        eventId: undefined,
      }
    },
  }
}

/** The event time of an audit event, epoch milliseconds (NaN when it has none). */
function auditEventTimeMs(event: KubernetesAuditEvent): number {
  const legacy = typeof event.timestamp === 'string' ? event.timestamp : undefined
  const text = event.stageTimestamp ?? event.requestReceivedTimestamp ?? legacy
  return text === undefined ? Number.NaN : Date.parse(text)
}

/** Options of the Kubernetes audit attribution. */
export interface KubernetesAttributionOptions extends ObjectAttributionOptions {
  /** The declared clusters: the default one attributes objects whose context names none. */
  readonly clusters?: KubernetesClusters
}

/**
 * A Kubernetes audit attribution (see the module comment): the context's cluster, else the
 * declared default cluster; with neither, events have no scope.
 */
export function kubernetesAuditAttribution(
  options: KubernetesAttributionOptions = {},
): SourceAttribution<'k8s-audit'> {
  let lastContext: LogObjectContext | undefined
  let cluster: KubernetesClusterDetails | undefined
  let scope: Scope | undefined
  return {
    attribute(event: KubernetesAuditEvent, given?: LogObjectContext): Attribution | SkipReason {
      if (event.stage === 'RequestReceived') return 'event-not-analyzed'
      const context = given ?? options.currentObject?.() ?? NO_CONTEXT
      if (context !== lastContext) {
        lastContext = context
        cluster = context.cluster ?? options.clusters?.cluster()
        scope =
          cluster === undefined || !isAccountId(cluster.accountId) || cluster.region === ''
            ? undefined
            : { accountId: cluster.accountId, region: cluster.region }
      }
      if (cluster === undefined || scope === undefined) return 'no-scope'
      const eventTimeMs = auditEventTimeMs(event)
      if (Number.isNaN(eventTimeMs)) return 'event-not-analyzed'
      return { scope, eventTimeMs, feature: 'EKS_AUDIT_LOGS', eventId: event.auditID, cluster }
    },
  }
}
