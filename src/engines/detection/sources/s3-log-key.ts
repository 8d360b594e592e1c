/**
 * What an S3 key says about the log object it names. This module owns the key layouts AWS services
 * deliver logs under, turning a key (or just a file name) into hints — source, account, region, day,
 * flow log id — that a caller can use to pick the `--source`, route records or check them:
 *
 * - CloudTrail: `[prefix/]AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/
 *   <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz` (also `CloudTrail-Insight`,
 *   `CloudTrail-NetworkActivity`, `CloudTrail-Aggregated`; `CloudTrail-Digest` holds digests, not
 *   records, and gives no hint);
 * - VPC Flow Logs: `[prefix/]AWSLogs/[o-org/]<account>/vpcflowlogs/<region>/YYYY/MM/DD/[HH/]
 *   <account>_vpcflowlogs_<region>_<flow-log-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz`, and the Hive-style
 *   `AWSLogs/aws-account-id=…/aws-service=vpcflowlogs/aws-region=…/year=…/month=…/day=…/[hour=…/]…`;
 * - Route 53 Resolver query logs: `[prefix/]AWSLogs/<account>/vpcdnsquerylogs/<vpc-id>/YYYY/MM/DD/…`;
 * - EKS audit logs exported from CloudWatch Logs: a path segment naming the audit log stream
 *   (`kube-apiserver-audit-…`).
 *
 * A bare file name in the CloudTrail or flow log naming scheme (as in `datasets/flowlogs/portscan/`)
 * gives the same hints without the folders.
 */
import type { LogSource } from './log-source.js'

/** Hints read from a key. Fields the layout does not carry are absent. */
export interface S3LogKeyHint {
  readonly source: LogSource
  /** The service folder or file-name tag: `CloudTrail`, `CloudTrail-Insight`, `vpcflowlogs`… */
  readonly service: string
  /** The 12-digit account the logs belong to. */
  readonly account?: string
  readonly region?: string
  /** The delivery day, `YYYY-MM-DD` (UTC), from the date folders or the file name. */
  readonly date?: string
  /** The hour folder (`HH`) of hourly-partitioned flow logs. */
  readonly hour?: string
  /** The organization id (`o-…`) of an organization trail or flow log. */
  readonly organizationId?: string
  /** The flow log id (`fl-…`) from a flow log file name. */
  readonly flowLogId?: string
  /** The VPC of a Resolver query log object. */
  readonly vpcId?: string
  /** The file's time from its name, `YYYY-MM-DDTHH:mmZ` (UTC, minute precision). */
  readonly fileTime?: string
  /** The bucket prefix before `AWSLogs/`, if any. */
  readonly prefix?: string
  /** The last path segment. */
  readonly fileName: string
}

const ACCOUNT = '(\\d{12})'
const REGION = '([a-z]{2}(?:-[a-z]+)+-\\d+)'
const ORG = '(?:(o-[a-z0-9]{10,32})/)?'
const DAY = '(\\d{4})/(\\d{2})/(\\d{2})'
const PREFIX = '^(?:(.*?)/)?AWSLogs/'

const CLOUDTRAIL_KEY = new RegExp(
  `${PREFIX}${ORG}${ACCOUNT}/(CloudTrail(?:-[A-Za-z]+)?)/${REGION}/${DAY}/([^/]+)$`,
)
const FLOW_KEY = new RegExp(
  `${PREFIX}${ORG}${ACCOUNT}/vpcflowlogs/${REGION}/${DAY}/(?:(\\d{2})/)?([^/]+)$`,
)
const FLOW_HIVE_KEY = new RegExp(
  `${PREFIX}aws-account-id=${ACCOUNT}/aws-service=vpcflowlogs/aws-region=${REGION}/year=(\\d{4})/month=(\\d{2})/day=(\\d{2})/(?:hour=(\\d{2})/)?([^/]+)$`,
)
const DNS_KEY = new RegExp(
  `${PREFIX}${ORG}${ACCOUNT}/vpcdnsquerylogs/(vpc-[0-9a-f]+)/${DAY}/([^/]+)$`,
)
const STAMP = '(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})Z'
const CLOUDTRAIL_FILE = new RegExp(
  `^${ACCOUNT}_(CloudTrail(?:-[A-Za-z]+)?)_${REGION}_${STAMP}_[A-Za-z0-9]+\\.json(?:\\.gz)?$`,
)
const FLOW_FILE = new RegExp(
  `^${ACCOUNT}_vpcflowlogs_${REGION}_(fl-[0-9a-f]+)_${STAMP}_[0-9a-f]+\\.(?:log(?:\\.gz)?|(?:gz\\.)?parquet)$`,
)
const EKS_AUDIT_STREAM = /(?:^|\/)kube-apiserver-audit-[^/]*(?:\/|$)/

function validDay(year: string, month: string, day: string): string | undefined {
  const m = Number(month)
  const d = Number(day)
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined
  return `${year}-${month}-${day}`
}

interface FileHint {
  readonly service: string
  readonly account: string
  readonly region: string
  readonly fileTime: string
  readonly date: string
  readonly flowLogId?: string
}

function stampOf(
  parts: readonly (string | undefined)[],
): { date: string; fileTime: string } | undefined {
  const [year, month, day, hour, minute] = parts
  if (year === undefined || month === undefined || day === undefined) return undefined
  const date = validDay(year, month, day)
  if (date === undefined || hour === undefined || minute === undefined) return undefined
  if (Number(hour) > 23 || Number(minute) > 59) return undefined
  return { date, fileTime: `${date}T${hour}:${minute}Z` }
}

function readFileName(fileName: string): (FileHint & { source: LogSource }) | undefined {
  const trail = CLOUDTRAIL_FILE.exec(fileName)
  if (trail !== null) {
    const [, account = '', service = '', region = '', ...stamp] = trail
    const time = stampOf(stamp)
    if (time === undefined || service === 'CloudTrail-Digest') return undefined
    return { source: 'cloudtrail', service, account, region, ...time }
  }
  const flow = FLOW_FILE.exec(fileName)
  if (flow !== null) {
    const [, account = '', region = '', flowLogId = '', ...stamp] = flow
    const time = stampOf(stamp)
    if (time === undefined) return undefined
    return { source: 'vpc-flow', service: 'vpcflowlogs', account, region, flowLogId, ...time }
  }
  return undefined
}

type HintFields = { [K in keyof S3LogKeyHint]?: S3LogKeyHint[K] | undefined } & Pick<
  S3LogKeyHint,
  'source' | 'service' | 'fileName'
>

/** Drops undefined properties so hints compare cleanly. */
function compact(hint: HintFields): S3LogKeyHint {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(hint)) if (value !== undefined) out[key] = value
  return out as unknown as S3LogKeyHint
}

/**
 * Reads the hints of an S3 key (`s3://bucket/` and a leading `/` are ignored) or of a bare file
 * name. Returns undefined for keys in none of the layouts, digests, and impossible dates.
 */
export function parseS3LogKey(key: string): S3LogKeyHint | undefined {
  const path = key.replace(/^s3:\/\/[^/]+\//, '').replace(/^\/+/, '')
  const fileName = path.slice(path.lastIndexOf('/') + 1)
  const file = readFileName(fileName)

  const trail = CLOUDTRAIL_KEY.exec(path)
  if (trail !== null) {
    const [
      ,
      prefix,
      organizationId,
      account,
      service = '',
      region,
      year = '',
      month = '',
      day = '',
    ] = trail
    const date = validDay(year, month, day)
    if (date === undefined || service === 'CloudTrail-Digest') return undefined
    return compact({
      source: 'cloudtrail',
      service,
      account,
      region,
      date,
      organizationId,
      fileTime: file?.fileTime,
      prefix,
      fileName,
    })
  }
  const flow = FLOW_KEY.exec(path) ?? FLOW_HIVE_KEY.exec(path)
  if (flow !== null) {
    const hive = !FLOW_KEY.test(path)
    const groups = hive ? [flow[1], undefined, ...flow.slice(2)] : flow.slice(1)
    const [prefix, organizationId, account, region, year = '', month = '', day = '', hour] = groups
    const date = validDay(year, month, day)
    if (date === undefined) return undefined
    return compact({
      source: 'vpc-flow',
      service: 'vpcflowlogs',
      account,
      region,
      date,
      hour,
      organizationId,
      flowLogId: file?.flowLogId,
      fileTime: file?.fileTime,
      prefix,
      fileName,
    })
  }
  const dns = DNS_KEY.exec(path)
  if (dns !== null) {
    const [, prefix, organizationId, account, vpcId, year = '', month = '', day = ''] = dns
    const date = validDay(year, month, day)
    if (date === undefined) return undefined
    return compact({
      source: 'dns',
      service: 'vpcdnsquerylogs',
      account,
      date,
      organizationId,
      vpcId,
      prefix,
      fileName,
    })
  }
  if (file !== undefined) {
    const { source, service, account, region, date, fileTime, flowLogId } = file
    return compact({
      source,
      service,
      account,
      region,
      date,
      flowLogId,
      fileTime,
      fileName,
    })
  }
  if (EKS_AUDIT_STREAM.test(path)) {
    return { source: 'k8s-audit', service: 'eks-audit-export', fileName }
  }
  return undefined
}
