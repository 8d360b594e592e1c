/**
 * `UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom`, `Recon:IAMUser/MaliciousIPCaller.Custom`,
 * `UnauthorizedAccess:S3/MaliciousIPCaller.Custom` and `Discovery:S3/MaliciousIPCaller.Custom`: an
 * API call whose `sourceIPAddress` is on one of the scope's active customer threat lists
 * (ThreatIntelSets / threat entity sets). Classification as in `caller-category.ts`. Severities:
 * the IAMUser types Medium (5), the S3 types High (8). When several lists hold the address the
 * first (in the registry's order) names the finding; every matching list is in the evidence. A
 * trusted list holding the address wins (the engine drops the detection). Failed calls count.
 * `additionalInfo.threatListName` and `evidence.threatIntelligenceDetails` name the list(s).
 * Aggregation: type + list + caller principal (IAMUser) or type + list + bucket (S3).
 */
import {
  defineDetector,
  type DetectionContext,
  type Detector,
  type DetectorEvent,
} from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import { readIpAddress } from '../../enrichment/ip-address.js'
import type { ThreatListMatch } from '../../threat-lists/threat-list-matcher.js'
import {
  accessKeyResource,
  aggregationKey,
  apiCallAction,
  apiFinding,
  bucketNameOf,
  describeCaller,
  describeKey,
  principalKeyOf,
  s3BucketDetail,
  s3BucketResource,
  sourceIpOf,
} from './api-call.js'
import { callerCategory, type CallerCategory } from './caller-category.js'

const SEVERITY: Readonly<Record<string, number>> = {
  'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom': 5,
  'Recon:IAMUser/MaliciousIPCaller.Custom': 5,
  'UnauthorizedAccess:S3/MaliciousIPCaller.Custom': 8,
  'Discovery:S3/MaliciousIPCaller.Custom': 8,
}

interface Match {
  readonly ip: string
  readonly type: string
  readonly category: CallerCategory
  readonly lists: readonly ThreatListMatch[]
}

/** Options of the detector. */
export interface MaliciousIpCallerCustomOptions {
  readonly geoIp?: GeoIpLookup
}

/** The detector. */
export function maliciousIpCallerCustom(
  options: MaliciousIpCallerCustomOptions = {},
): Detector<'cloudtrail', Match> {
  return defineDetector<'cloudtrail', Match>({
    id: 'cloudtrail/malicious-ip-caller-custom',
    source: 'cloudtrail',
    features: ['CLOUD_TRAIL', 'S3_DATA_EVENTS'],
    findingTypes: Object.entries(SEVERITY).map(([type, severity]) => ({
      type,
      severity,
      resourceType: type.includes(':S3/') ? 'S3Bucket' : 'AccessKey',
    })),
    match(event: DetectorEvent<'cloudtrail'>, context: DetectionContext): Match | undefined {
      const ip = readIpAddress(event.record.sourceIPAddress)?.canonical
      if (ip === undefined) return undefined
      const lists = context.threatLists.matchIp(ip).filter((list) => list.kind === 'threat')
      if (lists.length === 0) return undefined
      const category = callerCategory(event.record, event.feature)
      return {
        ip: sourceIpOf(event.record) ?? ip,
        category,
        lists,
        type: `${category.purpose}:${category.affected}/MaliciousIPCaller.Custom`,
      }
    },
    build(match: Match, event: DetectorEvent<'cloudtrail'>) {
      const { record, scope } = event
      const s3 = match.category.affected === 'S3'
      const bucket = s3 ? bucketNameOf(record) : undefined
      const listName = match.lists[0]?.name ?? 'unknown'
      return {
        scope,
        aggregationKey: aggregationKey(
          match.type,
          listName,
          s3 ? (bucket ?? 'unknown-bucket') : principalKeyOf(record),
        ),
        eventTimeMs: event.eventTimeMs,
        remoteIp: match.ip,
        finding: apiFinding({
          type: match.type,
          severity: SEVERITY[match.type] ?? 5,
          title: `API ${record.eventName} was invoked from an IP address on a custom threat list.`,
          description:
            `${describeCaller(record)}${describeKey(record)} invoked ${record.eventName} of ` +
            `${record.eventSource}${bucket ? ` on S3 bucket ${bucket}` : ''} from ${match.ip}, ` +
            `which is on your threat list ${listName}.`,
          resource: s3
            ? s3BucketResource(record, bucket ? [s3BucketDetail(bucket)] : [])
            : accessKeyResource(record),
          action: apiCallAction(record, {
            geoIp: options.geoIp,
            ...(bucket ? { affectedResources: { 'AWS::S3::Bucket': bucket } } : {}),
          }),
          info: { threatListName: listName },
          evidence: {
            threatIntelligenceDetails: match.lists.map((list) => ({ threatListName: list.name })),
          },
        }),
      }
    },
  })
}
