/**
 * `Impact:EC2/PortSweep` (High 8, resource role ACTOR): an instance probes one port on many publicly
 * routable addresses. GuardDuty does not publish its rule; Vigil's: TCP records of connections the
 * instance opened (its own packets) to a **public** address that look like probes — at most
 * `maxProbePackets` (default 3: a SYN and its retries, or a connect scan's SYN, ACK, RST) — counted
 * per interface and destination port; `minHosts` (default 25, Zeek's address-scan default)
 * distinct addresses within `windowMs` (default 5 minutes) of event time make a detection, then the
 * pair is quiet for one window. Connections that carry data (more packets) never count, so clients
 * talking to many web servers do not sweep; private destinations never count (a sweep of the
 * instance's own network is not this type). Aggregation: type + instance (else interface). The
 * finding shows the latest address, as GuardDuty's does; `additionalInfo` lists a sample.
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
export const PORT_SWEEP = 'Impact:EC2/PortSweep'

interface Match {
  readonly view: FlowView
  readonly hosts: readonly string[]
}

/** Options of the detector. */
export interface PortSweepOptions extends FlowDetectorOptions {
  /** Distinct public hosts probed on one port within the window (default 25). */
  readonly minHosts?: number
  /** Window, milliseconds (default 300,000 = 5 minutes). */
  readonly windowMs?: number
  /** Most packets a record may carry to count as a probe (default 3). */
  readonly maxProbePackets?: number
}

/** The detector (one instance keeps the windows). */
export function portSweep(options: PortSweepOptions = {}): Detector<'vpc-flow', Match> {
  const classifier = classifierOf(options)
  const maxPackets = options.maxProbePackets ?? 3
  const windows = new DistinctWindows<string>({
    windowMs: options.windowMs ?? 300_000,
    threshold: options.minHosts ?? 25,
  })
  return defineDetector<'vpc-flow', Match>({
    id: 'vpc-flow/port-sweep',
    source: 'vpc-flow',
    features: ['FLOW_LOGS'],
    findingTypes: [{ type: PORT_SWEEP, severity: 8, resourceType: 'Instance' }],
    prefilter: (record: FlowLogRecord) =>
      record.protocol === 6 && (record.packets === undefined || record.packets <= maxPackets),
    match(event: DetectorEvent<'vpc-flow'>): Match | undefined {
      const view = classifier.view(event.record, event.scope)
      if (view === undefined || !view.outbound || !view.egress || !view.remotePublic) {
        return undefined
      }
      const window = windows.add(
        view.interfaceKey,
        view.remotePort,
        view.remoteIp,
        event.eventTimeMs,
      )
      return window === undefined ? undefined : { view, hosts: [...window.values.keys()] }
    },
    build(match: Match, event: DetectorEvent<'vpc-flow'>) {
      const { record, scope } = event
      const { view } = match
      const inventory = options.instanceInventory
      const who = describeResource(record, view, scope, inventory)
      return {
        scope,
        aggregationKey: aggregationKey(PORT_SWEEP, resourceKeyOf(record, view, scope, inventory)),
        eventTimeMs: event.eventTimeMs,
        remoteIp: view.remoteIp,
        finding: findingContent({
          type: PORT_SWEEP,
          severity: 8,
          title: `${who} is performing a port sweep on port ${view.remotePort}.`,
          description:
            `${who} probed port ${view.remotePort} on ${match.hosts.length} publicly routable ` +
            `addresses in a short time, which may indicate it is looking for vulnerable hosts.`,
          resource: instanceResource(record, view, scope, inventory),
          action: connectionAction(record, view, options.geoIp),
          resourceRole: 'ACTOR',
          info: {
            sweptPort: view.remotePort,
            hostsProbed: match.hosts.length,
            hosts: match.hosts.slice(0, 50),
          },
        }),
      }
    },
  })
}
