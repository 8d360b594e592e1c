/**
 * `Policy:S3/BucketBlockPublicAccessDisabled` and `Policy:S3/AccountBlockPublicAccessDisabled`
 * (Low): S3 Block Public Access was turned off, for a bucket or for the whole account. This module
 * owns the rule: a successful `PutBucketPublicAccessBlock` / `PutAccountPublicAccessBlock` whose
 * configuration leaves any of `BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy`,
 * `RestrictPublicBuckets` false or out, or a successful `DeleteBucketPublicAccessBlock` /
 * `DeleteAccountPublicAccessBlock`. Every such call also updates the shared `S3PublicAccessState`.
 * Resource: the bucket (with its Block Public Access settings in `publicAccess`) or, for the
 * account type, no bucket; the caller's key either way. Aggregation: type + bucket, or type +
 * account.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { CloudTrailRecord } from '../../sources/index.js'
import {
  aggregationKey,
  apiCallAction,
  apiFinding,
  bucketNameOf,
  describeCaller,
  describeKey,
  requestOf,
  s3BucketDetail,
  s3BucketResource,
  sourceIpOf,
} from './api-call.js'
import {
  BLOCK_PUBLIC_ACCESS_OFF,
  blockPublicAccessOfRequest,
  settingsOff,
  type BlockPublicAccess,
} from './s3-exposure.js'
import type { S3PublicAccessState } from './s3-public-access-state.js'

export const BUCKET_BLOCK_PUBLIC_ACCESS_DISABLED = 'Policy:S3/BucketBlockPublicAccessDisabled'
export const ACCOUNT_BLOCK_PUBLIC_ACCESS_DISABLED = 'Policy:S3/AccountBlockPublicAccessDisabled'

const EVENTS = new Set([
  'PutBucketPublicAccessBlock',
  'DeleteBucketPublicAccessBlock',
  'PutAccountPublicAccessBlock',
  'DeleteAccountPublicAccessBlock',
])

interface Match {
  readonly level: 'bucket' | 'account'
  readonly bucket: string | undefined
  readonly config: BlockPublicAccess
  readonly off: readonly string[]
}

/** Options of the detector. */
export interface S3BlockPublicAccessDisabledOptions {
  /** Shared with the bucket-exposure detector. */
  readonly state: S3PublicAccessState
  readonly geoIp?: GeoIpLookup
}

/** The detector. */
export function s3BlockPublicAccessDisabled(
  options: S3BlockPublicAccessDisabledOptions,
): Detector<'cloudtrail', Match> {
  const { state } = options
  return defineDetector<'cloudtrail', Match>({
    id: 'cloudtrail/s3-block-public-access-disabled',
    source: 'cloudtrail',
    features: ['CLOUD_TRAIL'],
    findingTypes: [
      { type: BUCKET_BLOCK_PUBLIC_ACCESS_DISABLED, severity: 2, resourceType: 'S3Bucket' },
      { type: ACCOUNT_BLOCK_PUBLIC_ACCESS_DISABLED, severity: 2, resourceType: 'S3Bucket' },
    ],
    prefilter: (record: CloudTrailRecord) =>
      record.eventSource === 's3.amazonaws.com' && EVENTS.has(record.eventName),
    match(event: DetectorEvent<'cloudtrail'>): Match | undefined {
      const { record, scope } = event
      if (record.errorCode !== undefined) return undefined
      const account = record.eventName.includes('Account')
      const bucket = account ? undefined : bucketNameOf(record)
      if (!account && bucket === undefined) return undefined
      const config = record.eventName.startsWith('Delete')
        ? BLOCK_PUBLIC_ACCESS_OFF
        : blockPublicAccessOfRequest(requestOf(record))
      if (config === undefined) return undefined
      if (bucket === undefined) state.setAccount(scope.accountId, config)
      else state.setBucket(scope.accountId, bucket, config)
      const off = settingsOff(config)
      if (off.length === 0) return undefined
      return { level: account ? 'account' : 'bucket', bucket, config, off }
    },
    build(match: Match, event: DetectorEvent<'cloudtrail'>) {
      const { record, scope } = event
      const type =
        match.level === 'account'
          ? ACCOUNT_BLOCK_PUBLIC_ACCESS_DISABLED
          : BUCKET_BLOCK_PUBLIC_ACCESS_DISABLED
      const subject =
        match.level === 'account' ? `account ${scope.accountId}` : `S3 bucket ${match.bucket ?? ''}`
      const buckets =
        match.bucket === undefined
          ? []
          : [
              s3BucketDetail(match.bucket, {
                publicAccess: {
                  permissionConfiguration: {
                    bucketLevelPermissions: { blockPublicAccess: { ...match.config } },
                    ...(state.account(scope.accountId)
                      ? {
                          accountLevelPermissions: {
                            blockPublicAccess: { ...state.account(scope.accountId) },
                          },
                        }
                      : {}),
                  },
                },
              }),
            ]
      return {
        scope,
        aggregationKey: aggregationKey(type, match.bucket ?? scope.accountId),
        eventTimeMs: event.eventTimeMs,
        remoteIp: sourceIpOf(record),
        finding: apiFinding({
          type,
          severity: 2,
          title: `Amazon S3 Block Public Access was disabled for ${subject}.`,
          description:
            `${describeCaller(record)}${describeKey(record)} called ${record.eventName}, which ` +
            `turned off ${match.off.join(', ')} for ${subject}. Without Block Public Access, a ` +
            'policy or ACL change can expose the data to the internet.',
          resource: s3BucketResource(record, buckets),
          action: apiCallAction(record, {
            geoIp: options.geoIp,
            ...(match.bucket ? { affectedResources: { 'AWS::S3::Bucket': match.bucket } } : {}),
          }),
          info: { settingsOff: match.off },
        }),
      }
    },
  })
}
