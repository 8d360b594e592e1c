/**
 * The log source readers' public surface: what the detection engine and the ingestion wiring import.
 * Each name is owned by the module it comes from; this file only gathers them.
 */
export type {
  CloudTrailRecord,
  CloudTrailResource,
  CloudTrailSessionContext,
  CloudTrailUserIdentity,
} from './cloudtrail-record.js'
export { readCloudTrailRecord } from './cloudtrail-record.js'
export type { LogFormatDetection } from './detect-log-format.js'
export { checkSourceHint, detectLogFormat } from './detect-log-format.js'
export type {
  FlowLogAction,
  FlowLogFieldSpec,
  FlowLogLayout,
  FlowLogRecord,
  FlowLogStatus,
} from './flow-log-fields.js'
export {
  DEFAULT_FLOW_LOG_FIELDS,
  FLOW_LOG_FIELD_BY_NAME,
  FLOW_LOG_FIELDS,
  flowLogLayout,
  parseFlowLogFormat,
  readFlowLogHeader,
} from './flow-log-fields.js'
export { FlowLogLineParser } from './flow-log-line.js'
export type {
  KubernetesAuditEvent,
  KubernetesObjectReference,
  KubernetesUserInfo,
} from './kubernetes-audit-event.js'
export { readKubernetesAuditEvent } from './kubernetes-audit-event.js'
export type { LogEntry, LogSource, MalformedRecord } from './log-source.js'
export { isLogSource, LOG_SOURCES, LogFormatError } from './log-source.js'
export type { LogObjectReport, ReadLogObjectOptions } from './read-log-object.js'
export { LogObjectReader, readLogObject } from './read-log-object.js'
export type { ResolverAnswer, ResolverQueryRecord } from './resolver-query-record.js'
export { readResolverQueryRecord } from './resolver-query-record.js'
export type { S3LogKeyHint } from './s3-log-key.js'
export { parseS3LogKey } from './s3-log-key.js'
