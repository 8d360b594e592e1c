/**
 * `Recon:EC2/Portscan` (Medium 5, resource role ACTOR): an instance connects to many ports of one
 * remote host in a short time. GuardDuty does not publish its rule; Vigil's: TCP and UDP records of
 * connections the instance opened (outbound, the instance's own packets), counted per interface and
 * remote host; when `minPorts` (default 15, Zeek's `scan.zeek` default) distinct destination ports
 * of one host are reached within `windowMs` (default 5 minutes) of event time, that is a detection,
 * and the pair is quiet for one window (a scan lasting longer adds one occurrence per window and
 * host). Remote hosts in private address space count (GuardDuty's own tester scans a private
 * address); accepted and rejected records count alike. Aggregation: type + instance (else
 * interface). `additionalInfo`: the ports seen, how many, the window.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { FlowLogRecord } from '../../sources/index.js'
import { aggregationKey, findingContent } from '../finding-content.js'
import { DistinctWindows } from '../../distinct-windows.js'
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
export const PORTSCAN = 'Recon:EC2/Portscan'

interface Match {
  readonly view: FlowView
  readonly ports: readonly number[]
  readonly firstMs: number
}

/** Options of the detector. */
export interface PortscanOptions extends FlowDetectorOptions {
  /** Distinct ports of one host within the window that make a scan (default 15). */
  readonly minPorts?: number
  /** Window, milliseconds (default 300,000 = 5 minutes). */
  readonly windowMs?: number
}

/** The detector (one instance keeps the windows). */
export function portscan(options: PortscanOptions = {}): Detector<'vpc-flow', Match> {
  const classifier = classifierOf(options)
  const windowMs = options.windowMs ?? 300_000
  const windows = new DistinctWindows<number>({ windowMs, threshold: options.minPorts ?? 15 })
  return defineDetector<'vpc-flow', Match>({
    id: 'vpc-flow/portscan',
    source: 'vpc-flow',
    features: ['FLOW_LOGS'],
    findingTypes: [{ type: PORTSCAN, severity: 5, resourceType: 'Instance' }],
    prefilter: (record: FlowLogRecord) => record.protocol === 6 || record.protocol === 17,
    match(event: DetectorEvent<'vpc-flow'>): Match | undefined {
      const view = classifier.view(event.record, event.scope)
      if (view === undefined || !view.outbound || !view.egress) return undefined
      const window = windows.add(
        view.interfaceKey,
        view.remoteIp,
        view.remotePort,
        event.eventTimeMs,
      )
      if (window === undefined) return undefined
      return {
        view,
        ports: [...window.values.keys()].sort((a, b) => a - b),
        firstMs: window.firstMs,
      }
    },
    build(match: Match, event: DetectorEvent<'vpc-flow'>) {
      const { record, scope } = event
      const { view } = match
      const inventory = options.instanceInventory
      const who = describeResource(record, view, scope, inventory)
      return {
        scope,
        aggregationKey: aggregationKey(PORTSCAN, resourceKeyOf(record, view, scope, inventory)),
        eventTimeMs: event.eventTimeMs,
        remoteIp: view.remoteIp,
        finding: findingContent({
          type: PORTSCAN,
          severity: 5,
          title: `Unusual outbound communication seen from ${who} to ${view.remoteIp}.`,
          description:
            `${who} is performing outbound port scans against remote host ${view.remoteIp}: ` +
            `${match.ports.length} distinct ports within ` +
            `${Math.round((event.eventTimeMs - match.firstMs) / 1000)} seconds.`,
          resource: instanceResource(record, view, scope, inventory),
          action: connectionAction(record, view, options.geoIp),
          resourceRole: 'ACTOR',
          info: {
            scannedHost: view.remoteIp,
            portsScanned: match.ports.length,
            ports: match.ports.slice(0, 100),
            windowMinutes: Math.round(windowMs / 60_000),
          },
        }),
      }
    },
  })
}
