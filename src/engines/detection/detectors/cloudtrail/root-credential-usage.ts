/**
 * `Policy:IAMUser/RootCredentialUsage` (Low): the account's root user made an API call (management
 * or S3 data event). This module owns the rule: `userIdentity.type` `Root`, not made by an AWS
 * service on the root user's behalf (`invokedBy` absent, `eventType` not `AwsServiceEvent`), and for
 * console sign-ins only successful ones (a failed sign-in uses no credentials). Failed API calls
 * count: the credentials were used. `ShortTermRootCredentialUsage` (centralised root access through
 * `AssumeRoot`) is not told apart yet (see docs/detection.md). Resource: the root user's key.
 * Aggregation: type + account.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { CloudTrailRecord } from '../../sources/index.js'
import {
  accessKeyResource,
  aggregationKey,
  apiCallAction,
  apiFinding,
  describeKey,
  responseOf,
  sourceIpOf,
} from './api-call.js'

export const ROOT_CREDENTIAL_USAGE = 'Policy:IAMUser/RootCredentialUsage'

/** Options of the detector. */
export interface RootCredentialUsageOptions {
  readonly geoIp?: GeoIpLookup
}

/** The detector. */
export function rootCredentialUsage(
  options: RootCredentialUsageOptions = {},
): Detector<'cloudtrail', true> {
  return defineDetector<'cloudtrail', true>({
    id: 'cloudtrail/root-credential-usage',
    source: 'cloudtrail',
    features: ['CLOUD_TRAIL', 'S3_DATA_EVENTS'],
    findingTypes: [{ type: ROOT_CREDENTIAL_USAGE, severity: 2, resourceType: 'AccessKey' }],
    prefilter: (record: CloudTrailRecord) => record.userIdentity?.type === 'Root',
    match(event: DetectorEvent<'cloudtrail'>): true | undefined {
      const { record } = event
      if (record.userIdentity?.invokedBy !== undefined) return undefined
      if (record.eventType === 'AwsServiceEvent') return undefined
      if (record.eventName === 'ConsoleLogin' && responseOf(record).ConsoleLogin !== 'Success') {
        return undefined
      }
      return true
    },
    build(_match: true, event: DetectorEvent<'cloudtrail'>) {
      const { record, scope } = event
      return {
        scope,
        aggregationKey: aggregationKey(ROOT_CREDENTIAL_USAGE, scope.accountId),
        eventTimeMs: event.eventTimeMs,
        remoteIp: sourceIpOf(record),
        finding: apiFinding({
          type: ROOT_CREDENTIAL_USAGE,
          severity: 2,
          title: `API ${record.eventName} was invoked using root credentials.`,
          description:
            `The root user of account ${scope.accountId}${describeKey(record)} invoked ` +
            `${record.eventName} of ${record.eventSource}` +
            `${record.sourceIPAddress ? ` from ${record.sourceIPAddress}` : ''}. ` +
            'Root credentials have unrestricted access to the account; AWS recommends using them ' +
            'only for the few tasks that require them.',
          resource: accessKeyResource(record),
          action: apiCallAction(record, { geoIp: options.geoIp }),
        }),
      }
    },
  })
}
