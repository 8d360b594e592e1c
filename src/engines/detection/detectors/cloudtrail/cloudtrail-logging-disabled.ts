/**
 * `Stealth:IAMUser/CloudTrailLoggingDisabled` (Low): a CloudTrail trail stopped logging, was deleted,
 * was changed so that it covers less, or the bucket its logs go to was deleted. This module owns the
 * rule and the trail state it needs:
 *
 * - `StopLogging` and `DeleteTrail` that succeeded → always;
 * - `UpdateTrail` that succeeded → only when the trail's last known configuration (learned from
 *   `CreateTrail` and `UpdateTrail` of the same scope) shows less coverage afterwards: multi-Region
 *   turned off, global service events turned off, or the logs moved to another bucket; a trail
 *   whose previous configuration is unknown is learned, not reported (re-applied IaC sends the
 *   whole configuration on every update);
 * - `DeleteBucket` that succeeded on a bucket known to receive a trail's logs;
 * - `PutEventSelectors` never (narrowing event selectors is evasion GuardDuty reports only through
 *   its anomaly model; see docs/detection.md).
 *
 * Resource: the caller's access key; `affectedResources` names the trail (`AWS::CloudTrail::Trail`)
 * or the bucket (`AWS::S3::Bucket`). Aggregation: type + caller principal + trail (or bucket).
 */
import type { Scope } from '../../../../storage/ports.js'
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { CloudTrailRecord } from '../../sources/index.js'
import {
  accessKeyResource,
  aggregationKey,
  apiCallAction,
  apiFinding,
  bucketNameOf,
  describeCaller,
  describeKey,
  isJsonObject,
  principalKeyOf,
  requestOf,
  responseOf,
  sourceIpOf,
  stringOf,
  trailArn,
  type Json,
} from './api-call.js'

export const CLOUDTRAIL_LOGGING_DISABLED = 'Stealth:IAMUser/CloudTrailLoggingDisabled'

/** What happened to the trail. */
export type TrailChange =
  | 'logging-stopped'
  | 'trail-deleted'
  | 'multi-region-disabled'
  | 'global-events-disabled'
  | 'destination-moved'
  | 'log-bucket-deleted'

/** A trail's configuration as far as it is known. */
interface TrailConfig {
  readonly bucket?: string
  readonly multiRegion?: boolean
  readonly globalEvents?: boolean
}

interface Match {
  readonly changes: readonly TrailChange[]
  /** The trail's name or ARN, or the deleted bucket. */
  readonly trail?: string
  readonly bucket?: string
}

const TRAIL_EVENTS = new Set(['StopLogging', 'DeleteTrail', 'UpdateTrail', 'CreateTrail'])

/** `arn:…:trail/name` or `name` → `name`. */
function trailName(nameOrArn: string): string {
  const at = nameOrArn.indexOf(':trail/')
  return at === -1 ? nameOrArn : nameOrArn.slice(at + ':trail/'.length)
}

function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}

/** The configuration a CreateTrail/UpdateTrail leaves: the response, else the request. */
function configOf(request: Json, response: Json): TrailConfig & { readonly name?: string } {
  const pick = (key: string): unknown => response[key] ?? request[key]
  const name = stringOf(response.name) ?? stringOf(request.name)
  const bucket = stringOf(pick('s3BucketName'))
  const multiRegion = booleanOf(pick('isMultiRegionTrail'))
  const globalEvents = booleanOf(pick('includeGlobalServiceEvents'))
  return {
    ...(name !== undefined ? { name } : {}),
    ...(bucket !== undefined ? { bucket } : {}),
    ...(multiRegion !== undefined ? { multiRegion } : {}),
    ...(globalEvents !== undefined ? { globalEvents } : {}),
  }
}

/** Trails per scope: configuration by name, trails by log bucket. */
class TrailState {
  readonly #trails = new Map<string, TrailConfig>()

  #key(scope: Scope, name: string): string {
    return `${scope.accountId}\u0000${scope.region}\u0000${trailName(name)}`
  }

  get(scope: Scope, name: string): TrailConfig | undefined {
    return this.#trails.get(this.#key(scope, name))
  }

  set(scope: Scope, name: string, config: TrailConfig): void {
    const key = this.#key(scope, name)
    this.#trails.set(key, { ...this.#trails.get(key), ...config })
  }

  delete(scope: Scope, name: string): void {
    this.#trails.delete(this.#key(scope, name))
  }

  /** Names of the scope's trails logging to `bucket` (trails of any Region of the account). */
  trailsLoggingTo(scope: Scope, bucket: string): string[] {
    const prefix = `${scope.accountId}\u0000`
    const names: string[] = []
    for (const [key, config] of this.#trails) {
      if (key.startsWith(prefix) && config.bucket === bucket)
        names.push(key.split('\u0000')[2] ?? '')
    }
    return names
  }
}

const TITLES: Readonly<Record<TrailChange, (trail: string) => string>> = {
  'logging-stopped': (t) => `Logging of CloudTrail trail ${t} was stopped.`,
  'trail-deleted': (t) => `CloudTrail trail ${t} was deleted.`,
  'multi-region-disabled': (t) => `CloudTrail trail ${t} no longer logs all Regions.`,
  'global-events-disabled': (t) => `CloudTrail trail ${t} no longer logs global service events.`,
  'destination-moved': (t) => `CloudTrail trail ${t} now delivers its logs to another bucket.`,
  'log-bucket-deleted': (t) =>
    `The S3 bucket receiving the logs of CloudTrail trail ${t} was deleted.`,
}

const WORDS: Readonly<Record<TrailChange, string>> = {
  'logging-stopped': 'stopped its logging',
  'trail-deleted': 'deleted it',
  'multi-region-disabled': 'made it log its home Region only',
  'global-events-disabled': 'stopped it logging global service events',
  'destination-moved': 'moved its log delivery to another bucket',
  'log-bucket-deleted': 'deleted the bucket its logs go to',
}

/** Options of the detector. */
export interface CloudTrailLoggingDisabledOptions {
  readonly geoIp?: GeoIpLookup
}

/** The detector (one instance keeps its own trail state). */
export function cloudTrailLoggingDisabled(
  options: CloudTrailLoggingDisabledOptions = {},
): Detector<'cloudtrail', Match> {
  const trails = new TrailState()
  return defineDetector<'cloudtrail', Match>({
    id: 'cloudtrail/cloudtrail-logging-disabled',
    source: 'cloudtrail',
    features: ['CLOUD_TRAIL'],
    findingTypes: [{ type: CLOUDTRAIL_LOGGING_DISABLED, severity: 2, resourceType: 'AccessKey' }],
    prefilter: (record: CloudTrailRecord) =>
      (record.eventSource === 'cloudtrail.amazonaws.com' && TRAIL_EVENTS.has(record.eventName)) ||
      (record.eventSource === 's3.amazonaws.com' && record.eventName === 'DeleteBucket'),
    match(event: DetectorEvent<'cloudtrail'>): Match | undefined {
      const { record, scope } = event
      if (record.errorCode !== undefined) return undefined
      const request = requestOf(record)
      if (record.eventName === 'DeleteBucket') {
        const bucket = bucketNameOf(record)
        const logging = bucket === undefined ? [] : trails.trailsLoggingTo(scope, bucket)
        if (bucket === undefined || logging.length === 0) return undefined
        return { changes: ['log-bucket-deleted'], trail: logging.join(', '), bucket }
      }
      const name = stringOf(request.name) ?? stringOf(request.trailName)
      switch (record.eventName) {
        case 'StopLogging':
          return { changes: ['logging-stopped'], ...(name ? { trail: name } : {}) }
        case 'DeleteTrail':
          if (name !== undefined) trails.delete(scope, name)
          return { changes: ['trail-deleted'], ...(name ? { trail: name } : {}) }
        case 'CreateTrail': {
          const config = configOf(request, responseOf(record))
          if (config.name !== undefined) trails.set(scope, config.name, config)
          return undefined
        }
        case 'UpdateTrail': {
          const config = configOf(request, responseOf(record))
          const trail = config.name ?? name
          if (trail === undefined) return undefined
          const before = trails.get(scope, trail)
          trails.set(scope, trail, config)
          if (before === undefined) return undefined
          const changes: TrailChange[] = []
          if (before.multiRegion === true && config.multiRegion === false) {
            changes.push('multi-region-disabled')
          }
          if (before.globalEvents === true && config.globalEvents === false) {
            changes.push('global-events-disabled')
          }
          if (
            before.bucket !== undefined &&
            config.bucket !== undefined &&
            before.bucket !== config.bucket
          ) {
            changes.push('destination-moved')
          }
          return changes.length === 0 ? undefined : { changes, trail }
        }
        default:
          return undefined
      }
    },
    build(match: Match, event: DetectorEvent<'cloudtrail'>) {
      const { record, scope } = event
      const trail = match.trail ?? 'unknown'
      const first = match.changes[0] ?? 'logging-stopped'
      const affected: Record<string, string> = {}
      if (match.trail !== undefined && first !== 'log-bucket-deleted') {
        affected['AWS::CloudTrail::Trail'] = trailArn(scope, match.trail)
      }
      if (match.bucket !== undefined) affected['AWS::S3::Bucket'] = match.bucket
      const request = requestOf(record)
      const destination = isJsonObject(request) ? stringOf(request.s3BucketName) : undefined
      return {
        scope,
        aggregationKey: aggregationKey(
          CLOUDTRAIL_LOGGING_DISABLED,
          principalKeyOf(record),
          match.bucket ?? trailName(trail),
        ),
        eventTimeMs: event.eventTimeMs,
        remoteIp: sourceIpOf(record),
        finding: apiFinding({
          type: CLOUDTRAIL_LOGGING_DISABLED,
          severity: 2,
          title: TITLES[first](trailName(trail)),
          description:
            `${describeCaller(record)}${describeKey(record)} called ${record.eventName}` +
            (match.bucket !== undefined
              ? ` on bucket ${match.bucket}, which receives the logs of CloudTrail trail ${trail}.`
              : ` on CloudTrail trail ${trail}, which ${match.changes.map((c) => WORDS[c]).join(' and ')}.`) +
            ' Turning off CloudTrail logging is a common way to hide activity in an account.',
          resource: accessKeyResource(record),
          action: apiCallAction(record, {
            geoIp: options.geoIp,
            ...(Object.keys(affected).length > 0 ? { affectedResources: affected } : {}),
          }),
          info: {
            trailName: trailName(trail),
            changes: match.changes,
            ...(destination !== undefined && first === 'destination-moved'
              ? { newS3BucketName: destination }
              : {}),
          },
        }),
      }
    },
  })
}
