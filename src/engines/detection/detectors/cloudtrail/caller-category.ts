/**
 * How an API call from a suspicious address (Tor exit node, customer threat list) is classified
 * into a GuardDuty threat purpose and resource type — shared by the `TorIPCaller` and
 * `MaliciousIPCaller.Custom` detectors. This module owns the classification:
 *
 * - CloudTrail management events → `IAMUser` types: read-only calls (CloudTrail's `readOnly`, else a
 *   `Get`/`List`/`Describe`/`Head`… name) are `Recon`, every other call `UnauthorizedAccess`;
 * - S3 data events → `S3` types: bucket and ACL reads (`List*`, `GetBucket*`, `HeadBucket`,
 *   `GetObjectAcl`, `GetObjectTagging`, `GetObjectAttributes`) are `Discovery`, every other call
 *   (object reads and writes, ACL changes, deletes) `UnauthorizedAccess`.
 */
import type { DataSourceFeature } from '../../detector.js'
import type { CloudTrailRecord } from '../../sources/index.js'
import { isReadOnlyCall } from './api-call.js'

/** The threat purpose and affected resource type of a call. */
export interface CallerCategory {
  readonly purpose: 'Recon' | 'UnauthorizedAccess' | 'Discovery'
  readonly affected: 'IAMUser' | 'S3'
}

const S3_DISCOVERY =
  /^(List|GetBucket|HeadBucket$|GetObjectAcl$|GetObjectTagging$|GetObjectAttributes$)/

/** The category of a call (see the module comment). */
export function callerCategory(
  record: CloudTrailRecord,
  feature: DataSourceFeature,
): CallerCategory {
  if (feature === 'S3_DATA_EVENTS') {
    return {
      purpose: S3_DISCOVERY.test(record.eventName) ? 'Discovery' : 'UnauthorizedAccess',
      affected: 'S3',
    }
  }
  return { purpose: isReadOnlyCall(record) ? 'Recon' : 'UnauthorizedAccess', affected: 'IAMUser' }
}
