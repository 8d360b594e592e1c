/**
 * `Backdoor:EC2/DenialOfService.Udp` and `Backdoor:EC2/DenialOfService.Dns` (High 8, resource role
 * ACTOR): the instance floods one publicly routable host with UDP traffic — `.Dns` when aimed at
 * port 53, `.Udp` otherwise (GuardDuty's tester floods port 80 over UDP and expects `.Udp`).
 * GuardDuty does not publish its thresholds; Vigil's rule: the instance's own UDP packets of
 * connections it opened, summed per interface + remote host + kind over buckets of `bucketMs`
 * (default 60 seconds of event time, started by the first record); a bucket holding at least
 * `minPackets` (default 100,000) packets at a rate of at least `minPacketsPerSecond` (default
 * 1,000) — rate over the time the bucket's records cover (at least one second), so one flow record
 * aggregated over a ten-minute capture window is not taken for a burst — makes a detection, once per
 * bucket. The TCP, UDP-on-TCP-ports and unusual-protocol variants are not implemented (TCP floods
 * cannot be told from bulk transfers without per-packet flags). Aggregation: type + instance.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { FlowLogRecord } from '../../sources/index.js'
import { aggregationKey, findingContent } from '../finding-content.js'
import type { FlowView } from './flow-view.js'
import {
  classifierOf,
  connectionAction,
  describeResource,
  instanceResource,
  resourceKeyOf,
  type FlowDetectorOptions,
} from './network-finding.js'

/** The finding type. */
export const DOS_UDP = 'Backdoor:EC2/DenialOfService.Udp'
/** The finding type. */
export const DOS_DNS = 'Backdoor:EC2/DenialOfService.Dns'

interface Bucket {
  startMs: number
  packets: number
  /** Earliest record start and latest record end in the bucket, epoch seconds. */
  firstSecond: number
  lastSecond: number
  fired: boolean
}

interface Match {
  readonly view: FlowView
  readonly type: string
  readonly packets: number
  readonly seconds: number
}

/** Options of the detector. */
export interface DenialOfServiceOptions extends FlowDetectorOptions {
  /** Packets within one bucket (default 100,000). */
  readonly minPackets?: number
  /** Packets per second over the bucket's records (default 1,000). */
  readonly minPacketsPerSecond?: number
  /** Bucket length, milliseconds (default 60,000). */
  readonly bucketMs?: number
  /** Buckets kept at most (default 100,000). */
  readonly maxKeys?: number
}

/** The detector (one instance keeps the buckets). */
export function denialOfService(options: DenialOfServiceOptions = {}): Detector<'vpc-flow', Match> {
  const classifier = classifierOf(options)
  const minPackets = options.minPackets ?? 100_000
  const minRate = options.minPacketsPerSecond ?? 1000
  const bucketMs = options.bucketMs ?? 60_000
  const maxKeys = options.maxKeys ?? 100_000
  const buckets = new Map<string, Bucket>()
  return defineDetector<'vpc-flow', Match>({
    id: 'vpc-flow/denial-of-service',
    source: 'vpc-flow',
    features: ['FLOW_LOGS'],
    findingTypes: [DOS_UDP, DOS_DNS].map((type) => ({
      type,
      severity: 8,
      resourceType: 'Instance',
    })),
    prefilter: (record: FlowLogRecord) => record.protocol === 17,
    match(event: DetectorEvent<'vpc-flow'>): Match | undefined {
      const { record, eventTimeMs } = event
      const view = classifier.view(record, event.scope)
      if (view === undefined || !view.outbound || !view.egress || !view.remotePublic) {
        return undefined
      }
      const type = view.remotePort === 53 ? DOS_DNS : DOS_UDP
      const key = `${view.interfaceKey} ${view.remoteIp} ${type}`
      let bucket = buckets.get(key)
      const start = record.start ?? eventTimeMs / 1000
      const end = record.end ?? start
      if (bucket === undefined || eventTimeMs >= bucket.startMs + bucketMs) {
        if (bucket === undefined && buckets.size >= maxKeys) {
          const oldest = buckets.keys().next()
          if (!oldest.done) buckets.delete(oldest.value)
        }
        bucket = {
          startMs: eventTimeMs,
          packets: 0,
          firstSecond: start,
          lastSecond: end,
          fired: false,
        }
        buckets.set(key, bucket)
      }
      bucket.packets += view.packets
      if (start < bucket.firstSecond) bucket.firstSecond = start
      if (end > bucket.lastSecond) bucket.lastSecond = end
      if (bucket.fired || bucket.packets < minPackets) return undefined
      const seconds = Math.max(1, bucket.lastSecond - bucket.firstSecond)
      if (bucket.packets / seconds < minRate) return undefined
      bucket.fired = true
      return { view, type, packets: bucket.packets, seconds }
    },
    build(match: Match, event: DetectorEvent<'vpc-flow'>) {
      const { record, scope } = event
      const { view } = match
      const inventory = options.instanceInventory
      const who = describeResource(record, view, scope, inventory)
      const dns = match.type === DOS_DNS
      return {
        scope,
        aggregationKey: aggregationKey(match.type, resourceKeyOf(record, view, scope, inventory)),
        eventTimeMs: event.eventTimeMs,
        remoteIp: view.remoteIp,
        finding: findingContent({
          type: match.type,
          severity: 8,
          title: `${who} is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using the ${dns ? 'DNS' : 'UDP'} protocol.`,
          description:
            `${who} sent ${match.packets} UDP packets to ${view.remoteIp} port ` +
            `${view.remotePort} within ${match.seconds} seconds.`,
          resource: instanceResource(record, view, scope, inventory),
          action: connectionAction(record, view, options.geoIp),
          resourceRole: 'ACTOR',
          info: { packets: match.packets, seconds: match.seconds },
        }),
      }
    },
  })
}
