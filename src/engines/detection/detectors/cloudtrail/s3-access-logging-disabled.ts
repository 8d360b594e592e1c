/**
 * `Stealth:S3/ServerAccessLoggingDisabled` (Low): server access logging of a bucket was turned off.
 * This module owns the rule: a successful `PutBucketLogging` whose `BucketLoggingStatus` is present
 * but holds no `LoggingEnabled` (an empty status is how S3 turns logging off). Reported whether or
 * not logging had been seen on before. Resource: the bucket and the caller's key. Aggregation:
 * type + bucket.
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
  isJsonObject,
  requestOf,
  s3BucketDetail,
  s3BucketResource,
  sourceIpOf,
} from './api-call.js'

export const SERVER_ACCESS_LOGGING_DISABLED = 'Stealth:S3/ServerAccessLoggingDisabled'

/** Options of the detector. */
export interface S3AccessLoggingDisabledOptions {
  readonly geoIp?: GeoIpLookup
}

/** The detector. */
export function s3AccessLoggingDisabled(
  options: S3AccessLoggingDisabledOptions = {},
): Detector<'cloudtrail', string> {
  return defineDetector<'cloudtrail', string>({
    id: 'cloudtrail/s3-access-logging-disabled',
    source: 'cloudtrail',
    features: ['CLOUD_TRAIL'],
    findingTypes: [{ type: SERVER_ACCESS_LOGGING_DISABLED, severity: 2, resourceType: 'S3Bucket' }],
    prefilter: (record: CloudTrailRecord) =>
      record.eventSource === 's3.amazonaws.com' && record.eventName === 'PutBucketLogging',
    match(event: DetectorEvent<'cloudtrail'>): string | undefined {
      const { record } = event
      if (record.errorCode !== undefined) return undefined
      const request = requestOf(record)
      const status = request.BucketLoggingStatus ?? request.bucketLoggingStatus
      if (status === undefined) return undefined
      if (isJsonObject(status) && (status.LoggingEnabled ?? status.loggingEnabled) !== undefined) {
        return undefined
      }
      return bucketNameOf(record)
    },
    build(bucket: string, event: DetectorEvent<'cloudtrail'>) {
      const { record, scope } = event
      return {
        scope,
        aggregationKey: aggregationKey(SERVER_ACCESS_LOGGING_DISABLED, bucket),
        eventTimeMs: event.eventTimeMs,
        remoteIp: sourceIpOf(record),
        finding: apiFinding({
          type: SERVER_ACCESS_LOGGING_DISABLED,
          severity: 2,
          title: `Server access logging was disabled for S3 bucket ${bucket}.`,
          description:
            `${describeCaller(record)}${describeKey(record)} called PutBucketLogging with an empty ` +
            `logging status, which turned off server access logging for S3 bucket ${bucket}. ` +
            'Turning off access logs is a common way to hide data access.',
          resource: s3BucketResource(record, [s3BucketDetail(bucket)]),
          action: apiCallAction(record, {
            geoIp: options.geoIp,
            affectedResources: { 'AWS::S3::Bucket': bucket },
          }),
        }),
      }
    },
  })
}
