/**
 * `UnauthorizedAccess:IAMUser/TorIPCaller`, `Recon:IAMUser/TorIPCaller`,
 * `UnauthorizedAccess:S3/TorIPCaller` and `Discovery:S3/TorIPCaller`: an API call whose
 * `sourceIPAddress` is a Tor exit node of the operator-supplied list (`TorExitNodeLookup`); without
 * a list the detector never matches. Classification as in `caller-category.ts`. Severities: the
 * IAMUser types and `Discovery:S3` Medium (5), `UnauthorizedAccess:S3` High (8). Failed calls count.
 * Resource: the caller's key (IAMUser types) or the bucket (S3 types). Aggregation: type + caller
 * principal (IAMUser) or type + bucket (S3).
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { TorExitNodeLookup } from '../../enrichment/tor-exit-nodes.js'
import type { CloudTrailRecord } from '../../sources/index.js'
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
  'UnauthorizedAccess:IAMUser/TorIPCaller': 5,
  'Recon:IAMUser/TorIPCaller': 5,
  'UnauthorizedAccess:S3/TorIPCaller': 8,
  'Discovery:S3/TorIPCaller': 5,
}

interface Match {
  readonly ip: string
  readonly type: string
  readonly category: CallerCategory
}

/** Options of the detector. */
export interface TorIpCallerOptions {
  /** The Tor exit-node list; without it the detector matches nothing. */
  readonly torExitNodes?: TorExitNodeLookup
  readonly geoIp?: GeoIpLookup
}

/** The detector. */
export function torIpCaller(options: TorIpCallerOptions = {}): Detector<'cloudtrail', Match> {
  const exits = options.torExitNodes
  return defineDetector<'cloudtrail', Match>({
    id: 'cloudtrail/tor-ip-caller',
    source: 'cloudtrail',
    features: ['CLOUD_TRAIL', 'S3_DATA_EVENTS'],
    findingTypes: Object.entries(SEVERITY).map(([type, severity]) => ({
      type,
      severity,
      resourceType: type.includes(':S3/') ? 'S3Bucket' : 'AccessKey',
    })),
    prefilter: (record: CloudTrailRecord) =>
      exits !== undefined &&
      record.sourceIPAddress !== undefined &&
      exits.isExitNode(record.sourceIPAddress),
    match(event: DetectorEvent<'cloudtrail'>): Match | undefined {
      const ip = sourceIpOf(event.record)
      if (exits === undefined || ip === undefined || !exits.isExitNode(ip)) return undefined
      const category = callerCategory(event.record, event.feature)
      return { ip, category, type: `${category.purpose}:${category.affected}/TorIPCaller` }
    },
    build(match: Match, event: DetectorEvent<'cloudtrail'>) {
      const { record, scope } = event
      const s3 = match.category.affected === 'S3'
      const bucket = s3 ? bucketNameOf(record) : undefined
      return {
        scope,
        aggregationKey: aggregationKey(
          match.type,
          s3 ? (bucket ?? 'unknown-bucket') : principalKeyOf(record),
        ),
        eventTimeMs: event.eventTimeMs,
        remoteIp: match.ip,
        finding: apiFinding({
          type: match.type,
          severity: SEVERITY[match.type] ?? 5,
          title: `API ${record.eventName} was invoked from a Tor exit node.`,
          description:
            `${describeCaller(record)}${describeKey(record)} invoked ${record.eventName} of ` +
            `${record.eventSource}${bucket ? ` on S3 bucket ${bucket}` : ''} from Tor exit node ` +
            `${match.ip}. Tor hides who is calling; legitimate workloads rarely use it.`,
          resource: s3
            ? s3BucketResource(record, bucket ? [s3BucketDetail(bucket)] : [])
            : accessKeyResource(record),
          action: apiCallAction(record, {
            geoIp: options.geoIp,
            ...(bucket ? { affectedResources: { 'AWS::S3::Bucket': bucket } } : {}),
          }),
        }),
      }
    },
  })
}
