/**
 * `Policy:S3/BucketAnonymousAccessGranted` and `Policy:S3/BucketPublicAccessGranted` (High): a
 * successful `PutBucketPolicy`, `PutBucketAcl` or `CreateBucket` gave anyone on the internet
 * (anonymous) or every authenticated AWS principal (public) access to a bucket, as `s3-exposure.ts`
 * evaluates the request. Anonymous wins when one request grants both. A grant is not reported
 * when Block Public Access known to `S3PublicAccessState` makes it ineffective:
 * `RestrictPublicBuckets` for policies, `IgnorePublicAcls` for ACLs (bucket or account level; the
 * `Block…` settings make S3 refuse the call, which then carries an error code). Resource: the bucket
 * with `publicAccess` (`effectivePermission` `PUBLIC`, what the policy or ACL allows, the known
 * Block Public Access settings) and the caller's key. Aggregation: type + bucket.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { WireS3BucketDetail } from '../../finding-wire.js'
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
import { aclExposure, policyExposure, policyOfRequest, type Exposure } from './s3-exposure.js'
import type { S3PublicAccessState } from './s3-public-access-state.js'

export const BUCKET_ANONYMOUS_ACCESS_GRANTED = 'Policy:S3/BucketAnonymousAccessGranted'
export const BUCKET_PUBLIC_ACCESS_GRANTED = 'Policy:S3/BucketPublicAccessGranted'

const EVENTS = new Set(['PutBucketPolicy', 'PutBucketAcl', 'CreateBucket'])

interface Match {
  readonly bucket: string
  readonly exposure: Exposure
}

/** Options of the detector. */
export interface S3BucketExposureOptions {
  /** Shared with the Block Public Access detector. */
  readonly state: S3PublicAccessState
  readonly geoIp?: GeoIpLookup
}

/** The detector. */
export function s3BucketExposure(options: S3BucketExposureOptions): Detector<'cloudtrail', Match> {
  const { state } = options
  return defineDetector<'cloudtrail', Match>({
    id: 'cloudtrail/s3-bucket-exposure',
    source: 'cloudtrail',
    features: ['CLOUD_TRAIL'],
    findingTypes: [
      { type: BUCKET_ANONYMOUS_ACCESS_GRANTED, severity: 8, resourceType: 'S3Bucket' },
      { type: BUCKET_PUBLIC_ACCESS_GRANTED, severity: 8, resourceType: 'S3Bucket' },
    ],
    prefilter: (record: CloudTrailRecord) =>
      record.eventSource === 's3.amazonaws.com' && EVENTS.has(record.eventName),
    match(event: DetectorEvent<'cloudtrail'>): Match | undefined {
      const { record, scope } = event
      if (record.errorCode !== undefined) return undefined
      const bucket = bucketNameOf(record)
      if (bucket === undefined) return undefined
      const request = requestOf(record)
      let exposure: Exposure | undefined
      if (record.eventName === 'PutBucketPolicy') {
        const policy = policyOfRequest(request)
        exposure = policy === undefined ? undefined : policyExposure(policy)
        if (exposure && state.isOn(scope.accountId, bucket, 'restrictPublicBuckets'))
          return undefined
      } else {
        exposure = aclExposure(request)
        if (exposure && state.isOn(scope.accountId, bucket, 'ignorePublicAcls')) return undefined
      }
      return exposure === undefined ? undefined : { bucket, exposure }
    },
    build(match: Match, event: DetectorEvent<'cloudtrail'>) {
      const { record, scope } = event
      const { exposure, bucket } = match
      const type =
        exposure.audience === 'anonymous'
          ? BUCKET_ANONYMOUS_ACCESS_GRANTED
          : BUCKET_PUBLIC_ACCESS_GRANTED
      const allows = {
        allowsPublicReadAccess: exposure.read,
        allowsPublicWriteAccess: exposure.write,
      }
      const bucketBlock = state.bucket(scope.accountId, bucket)
      const accountBlock = state.account(scope.accountId)
      const detail: WireS3BucketDetail = s3BucketDetail(bucket, {
        publicAccess: {
          effectivePermission: 'PUBLIC',
          permissionConfiguration: {
            bucketLevelPermissions: {
              ...(exposure.via === 'acl'
                ? { accessControlList: allows }
                : { bucketPolicy: allows }),
              ...(bucketBlock ? { blockPublicAccess: { ...bucketBlock } } : {}),
            },
            ...(accountBlock
              ? { accountLevelPermissions: { blockPublicAccess: { ...accountBlock } } }
              : {}),
          },
        },
      })
      const audience =
        exposure.audience === 'anonymous'
          ? 'anyone on the internet'
          : 'every authenticated AWS user'
      return {
        scope,
        aggregationKey: aggregationKey(type, bucket),
        eventTimeMs: event.eventTimeMs,
        remoteIp: sourceIpOf(record),
        finding: apiFinding({
          type,
          severity: 8,
          title:
            exposure.audience === 'anonymous'
              ? `Amazon S3 bucket ${bucket} was made accessible to anonymous users.`
              : `Amazon S3 bucket ${bucket} was made accessible to all authenticated AWS users.`,
          description:
            `${describeCaller(record)}${describeKey(record)} called ${record.eventName}, which ` +
            `granted ${audience} ${exposure.read && exposure.write ? 'read and write' : exposure.write ? 'write' : 'read'} ` +
            `access to S3 bucket ${bucket} through its ${exposure.via === 'acl' ? 'ACL' : 'bucket policy'} ` +
            `(${exposure.grants.join('; ')}).`,
          resource: s3BucketResource(record, [detail]),
          action: apiCallAction(record, {
            geoIp: options.geoIp,
            affectedResources: { 'AWS::S3::Bucket': bucket },
          }),
          info: { grantedThrough: exposure.via, grants: exposure.grants },
        }),
      }
    },
  })
}
