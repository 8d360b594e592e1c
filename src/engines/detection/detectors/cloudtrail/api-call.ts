/**
 * The pieces every CloudTrail finding is built from: the caller's `accessKeyDetails`, the
 * `AWS_API_CALL` action (api, service, caller type, remote IP or domain, user agent, error code,
 * affected resources), S3 bucket details, the finding content itself, readable names of callers
 * for titles and descriptions, and aggregation keys. This module owns how CloudTrail fields map to
 * those wire members, so that all CloudTrail detectors show the same call the same way.
 */
import type { Scope } from '../../../../storage/ports.js'
import { geoDetails, type GeoIpLookup } from '../../enrichment/geo-ip.js'
import { readIpAddress } from '../../enrichment/ip-address.js'
import type {
  FindingContent,
  WireAccessKeyDetails,
  WireAction,
  WireEvidence,
  WireRemoteIpDetails,
  WireS3BucketDetail,
} from '../../finding-wire.js'
import { additionalInfo } from '../../finding-wire.js'
import type { CloudTrailRecord } from '../../sources/index.js'

/** A JSON object from a record (`requestParameters`, `responseElements`…). */
export type Json = Readonly<Record<string, unknown>>

/** Whether `value` is a JSON object (not an array). */
export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `requestParameters`, or an empty object when absent or null. */
export function requestOf(record: CloudTrailRecord): Json {
  return isJsonObject(record.requestParameters) ? record.requestParameters : {}
}

/** `responseElements`, or an empty object when absent or null. */
export function responseOf(record: CloudTrailRecord): Json {
  return isJsonObject(record.responseElements) ? record.responseElements : {}
}

/** A string member, or undefined. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The last path segment of an ARN (`…:assumed-role/Role/session` → `session`). */
function lastSegment(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined
  const slash = arn.lastIndexOf('/')
  return slash === -1 ? undefined : arn.slice(slash + 1)
}

/** The role name of an `assumed-role` ARN. */
function roleOfAssumedRoleArn(arn: string | undefined): string | undefined {
  const match = arn === undefined ? null : /:assumed-role\/([^/]+)\//.exec(arn)
  return match?.[1]
}

/** The session name of a role session (`assumed-role/Role/<session>` or `AROA…:<session>`). */
export function sessionNameOf(record: CloudTrailRecord): string | undefined {
  const identity = record.userIdentity
  if (identity?.type !== 'AssumedRole') return undefined
  const fromArn = identity.arn?.includes(':assumed-role/') ? lastSegment(identity.arn) : undefined
  if (fromArn !== undefined) return fromArn
  const principal = identity.principalId
  const colon = principal?.indexOf(':') ?? -1
  return principal !== undefined && colon !== -1 ? principal.slice(colon + 1) : undefined
}

/** `resource.accessKeyDetails` of the caller. */
export function accessKeyDetailsOf(record: CloudTrailRecord): WireAccessKeyDetails {
  const identity = record.userIdentity ?? {}
  const type = identity.type ?? 'Unknown'
  let userName: string | undefined
  switch (type) {
    case 'Root':
      userName = 'Root'
      break
    case 'IAMUser':
      userName = identity.userName ?? lastSegment(identity.arn)
      break
    case 'AssumedRole':
      userName =
        identity.sessionContext?.sessionIssuer?.userName ?? roleOfAssumedRoleArn(identity.arn)
      break
    case 'FederatedUser':
      userName = identity.sessionContext?.sessionIssuer?.userName ?? lastSegment(identity.arn)
      break
    case 'AWSAccount':
      userName = identity.accountId === 'anonymous' ? 'ANONYMOUS_PRINCIPAL' : identity.accountId
      break
    case 'AWSService':
      userName = identity.invokedBy
      break
    default:
      userName = identity.userName ?? lastSegment(identity.arn)
  }
  const principalId =
    identity.principalId ?? (type === 'Root' ? (identity.accountId ?? undefined) : undefined)
  return {
    ...(identity.accessKeyId ? { accessKeyId: identity.accessKeyId } : {}),
    ...(principalId ? { principalId } : {}),
    ...(userName ? { userName } : {}),
    userType: type,
  }
}

/** A stable key of the caller for aggregation: principal id, else ARN, else access key id. */
export function principalKeyOf(record: CloudTrailRecord): string {
  const identity = record.userIdentity
  return (
    identity?.principalId ??
    identity?.arn ??
    identity?.accessKeyId ??
    (identity?.type === 'Root' ? `root:${identity.accountId ?? ''}` : 'unknown-principal')
  )
}

/** The caller in words, for titles and descriptions (`IAM user alice`, `the root user`…). */
export function describeCaller(record: CloudTrailRecord): string {
  const identity = record.userIdentity
  const details = accessKeyDetailsOf(record)
  switch (identity?.type) {
    case 'Root':
      return 'the root user'
    case 'IAMUser':
      return `IAM user ${details.userName ?? details.principalId ?? 'unknown'}`
    case 'AssumedRole': {
      const session = sessionNameOf(record)
      return `role ${details.userName ?? 'unknown'}${session ? ` (session ${session})` : ''}`
    }
    case 'FederatedUser':
      return `federated user ${lastSegment(identity.arn) ?? details.principalId ?? 'unknown'}`
    case 'AWSAccount':
      return identity.accountId === 'anonymous'
        ? 'an anonymous caller'
        : `AWS account ${identity.accountId ?? 'unknown'}`
    case 'AWSService':
      return `AWS service ${identity.invokedBy ?? 'unknown'}`
    default:
      return `principal ${details.userName ?? details.principalId ?? 'unknown'}`
  }
}

/** The caller's access key in words (` with access key AKIA…`), or empty. */
export function describeKey(record: CloudTrailRecord): string {
  const key = record.userIdentity?.accessKeyId
  return key ? ` with access key ${key}` : ''
}

/**
 * `remoteIpDetails` of an address: `ipAddressV4` or `ipAddressV6`, plus country, city,
 * geoLocation and organization when a GeoIP lookup knows the address. Undefined when `ip` is not
 * an IP address.
 */
export function remoteIpDetailsOf(
  ip: string | undefined,
  geoIp?: GeoIpLookup,
): WireRemoteIpDetails | undefined {
  const info = readIpAddress(ip)
  if (info === undefined) return undefined
  const address: WireRemoteIpDetails =
    info.version === 4 ? { ipAddressV4: info.text } : { ipAddressV6: info.text }
  return { ...address, ...geoDetails(geoIp?.lookup(info.canonical ?? info.text)) }
}

/** The caller's address when `sourceIPAddress` is an IP address (not a service name). */
export function sourceIpOf(record: CloudTrailRecord): string | undefined {
  const ip = record.sourceIPAddress
  return readIpAddress(ip) === undefined ? undefined : ip
}

/** Options of `apiCallAction`. */
export interface ApiCallOptions {
  readonly geoIp?: GeoIpLookup
  /** `affectedResources`: resource type (`AWS::S3::Bucket`) → name or ARN. */
  readonly affectedResources?: Readonly<Record<string, string>>
  /** The caller is another AWS account (`callerType` `Remote account`). */
  readonly remoteAccount?: { readonly accountId: string; readonly affiliated: boolean }
}

/**
 * `service.action` of type `AWS_API_CALL` for the record: `api` = eventName, `serviceName` =
 * eventSource, `callerType` `Remote IP` (with `remoteIpDetails`) when `sourceIPAddress` is an
 * address, `Remote account` when `remoteAccount` is given, else `Domain` (with `domainDetails`:
 * the service name or `AWS Internal` CloudTrail put there); `userAgent`, `errorCode`.
 */
export function apiCallAction(record: CloudTrailRecord, options: ApiCallOptions = {}): WireAction {
  const remote = remoteIpDetailsOf(record.sourceIPAddress, options.geoIp)
  const caller = options.remoteAccount
    ? {
        callerType: 'Remote account',
        remoteAccountDetails: {
          accountId: options.remoteAccount.accountId,
          affiliated: options.remoteAccount.affiliated,
        },
        ...(remote ? { remoteIpDetails: remote } : {}),
      }
    : remote
      ? { callerType: 'Remote IP', remoteIpDetails: remote }
      : {
          callerType: 'Domain',
          ...(record.sourceIPAddress ? { domainDetails: { domain: record.sourceIPAddress } } : {}),
        }
  return {
    actionType: 'AWS_API_CALL',
    awsApiCallAction: {
      api: record.eventName,
      serviceName: record.eventSource,
      ...caller,
      ...(record.userAgent !== undefined ? { userAgent: record.userAgent } : {}),
      ...(record.errorCode !== undefined ? { errorCode: record.errorCode } : {}),
      ...(options.affectedResources ? { affectedResources: { ...options.affectedResources } } : {}),
    },
  }
}

/** `resource` of an `AccessKey` finding: the caller's key. */
export function accessKeyResource(record: CloudTrailRecord): FindingContent['resource'] {
  return { resourceType: 'AccessKey', accessKeyDetails: accessKeyDetailsOf(record) }
}

/** The bucket named in the request (`bucketName`), if any. */
export function bucketNameOf(record: CloudTrailRecord): string | undefined {
  return stringOf(requestOf(record).bucketName)
}

/** One `s3BucketDetails` entry: ARN, name, `type` `Destination` and the given extras. */
export function s3BucketDetail(
  bucketName: string,
  extra: Omit<WireS3BucketDetail, 'arn' | 'name' | 'type'> = {},
): WireS3BucketDetail {
  return { arn: `arn:aws:s3:::${bucketName}`, name: bucketName, type: 'Destination', ...extra }
}

/** `resource` of an `S3Bucket` finding: the caller's key and the bucket(s). */
export function s3BucketResource(
  record: CloudTrailRecord,
  buckets: readonly WireS3BucketDetail[],
): FindingContent['resource'] {
  return {
    resourceType: 'S3Bucket',
    accessKeyDetails: accessKeyDetailsOf(record),
    ...(buckets.length > 0 ? { s3BucketDetails: [...buckets] } : {}),
  }
}

/** What `apiFinding` assembles. */
export interface ApiFindingParts {
  readonly type: string
  readonly severity: number
  readonly title: string
  readonly description: string
  readonly resource: FindingContent['resource']
  readonly action: WireAction
  readonly resourceRole?: 'ACTOR' | 'TARGET'
  /** Decoded `additionalInfo` (stored as GuardDuty does: a JSON text with type `default`). */
  readonly info?: Readonly<Record<string, unknown>>
  readonly evidence?: WireEvidence
}

/** The finding content of a CloudTrail detection (resource role `TARGET` unless said). */
export function apiFinding(parts: ApiFindingParts): FindingContent {
  return {
    type: parts.type,
    severity: parts.severity,
    title: parts.title,
    description: parts.description,
    resource: parts.resource,
    service: {
      action: parts.action,
      resourceRole: parts.resourceRole ?? 'TARGET',
      ...(parts.evidence ? { evidence: parts.evidence } : {}),
      ...(parts.info ? { additionalInfo: additionalInfo(parts.info) } : {}),
    },
  }
}

/** An aggregation key: the type and the parts that identify "the same" activity. */
export function aggregationKey(type: string, ...parts: readonly string[]): string {
  return [type, ...parts].join('|')
}

/** The ARN of a trail named by name or ARN in `scope`. */
export function trailArn(scope: Scope, nameOrArn: string): string {
  return nameOrArn.startsWith('arn:')
    ? nameOrArn
    : `arn:aws:cloudtrail:${scope.region}:${scope.accountId}:trail/${nameOrArn}`
}

/** Whether the call only reads (CloudTrail's `readOnly`, else a Get/List/Describe/Head name). */
export function isReadOnlyCall(record: CloudTrailRecord): boolean {
  return (
    record.readOnly ?? /^(Get|List|Describe|Head|Lookup|Search|Scan|Query)/.test(record.eventName)
  )
}
