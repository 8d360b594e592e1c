/**
 * The vocabulary shared by the log source readers: the four sources GuardDuty reads (CloudTrail,
 * VPC Flow Logs, Route 53 Resolver query logs as the DNS source, Kubernetes audit logs), the entry a
 * reader yields for each record, how a refused record is reported, and the error raised when a
 * whole object is not in a format the readers know (or not in the one the caller said it was). It
 * owns no parsing; the record shapes live in their own modules.
 */
import type { CloudTrailRecord } from './cloudtrail-record.js'
import type { FlowLogRecord } from './flow-log-fields.js'
import type { KubernetesAuditEvent } from './kubernetes-audit-event.js'
import type { ResolverQueryRecord } from './resolver-query-record.js'

/**
 * A log source, named as the `--source` option spells it: `cloudtrail` (CloudTrail management and
 * data events), `vpc-flow` (VPC Flow Logs), `dns` (Route 53 Resolver query logs) and `k8s-audit`
 * (Kubernetes `audit.k8s.io` events, e.g. EKS control-plane audit logs).
 */
export type LogSource = 'cloudtrail' | 'vpc-flow' | 'dns' | 'k8s-audit'

/** Every log source, in a stable order (for option parsing and messages). */
export const LOG_SOURCES: readonly LogSource[] = ['cloudtrail', 'vpc-flow', 'dns', 'k8s-audit']

/** Human names of the sources, for messages. */
export const LOG_SOURCE_NAMES: Readonly<Record<LogSource, string>> = {
  cloudtrail: 'CloudTrail',
  'vpc-flow': 'VPC Flow Logs',
  dns: 'Route 53 Resolver query logs',
  'k8s-audit': 'Kubernetes audit logs',
}

/** Whether `value` names a log source (for checking a `--source` option). */
export function isLogSource(value: string): value is LogSource {
  return (LOG_SOURCES as readonly string[]).includes(value)
}

interface EntryPosition {
  /** 1-based line of the object (after decompression) on which the record starts. */
  readonly line: number
  /**
   * 0-based position of the record inside the array that held it, when several records share one
   * JSON value (a CloudTrail `{"Records":[…]}` object, a JSON array, an `EventList`, a CloudWatch
   * Logs envelope); absent for one record per line.
   */
  readonly index?: number
}

/** One record read from a log object, tagged with its source so `switch (entry.source)` narrows. */
export type LogEntry =
  | (EntryPosition & { readonly source: 'cloudtrail'; readonly record: CloudTrailRecord })
  | (EntryPosition & { readonly source: 'vpc-flow'; readonly record: FlowLogRecord })
  | (EntryPosition & { readonly source: 'dns'; readonly record: ResolverQueryRecord })
  | (EntryPosition & { readonly source: 'k8s-audit'; readonly record: KubernetesAuditEvent })

/** A record that was counted but not yielded, and why. */
export interface MalformedRecord extends EntryPosition {
  readonly reason: string
}

/**
 * The content of an object is not a log format the readers know, or not the one the caller named.
 * The message always says what was actually seen, e.g. `--source vpc-flow was given, but
 * trail.json looks like CloudTrail: a JSON array of CloudTrail records (…)`.
 */
export class LogFormatError extends Error {
  override readonly name = 'LogFormatError'
  constructor(
    message: string,
    /** What the content looked like (the detector's description). */
    readonly seen: string,
    /** The source the content was detected as, when it was recognised at all. */
    readonly detected?: LogSource,
  ) {
    super(message)
  }
}
