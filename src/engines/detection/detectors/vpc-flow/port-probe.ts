/**
 * `Recon:EC2/PortProbeUnprotectedPort` (Low 2; High 8 for Elasticsearch's 9200 and 9300, resource
 * role TARGET): a port of the instance that no security group or network ACL blocks is being probed.
 * GuardDuty requires the probers to be on its own scanner feed, which is not public; Vigil's rule:
 *
 * - a **probe** is an accepted TCP or UDP record of a connection a **public** remote address opened
 *   to a local port, carrying at most `maxProbePackets` (default 3) packets — scanners send a SYN
 *   (or one datagram) and leave; real sessions carry more;
 * - ports 80 and 443 never count (GuardDuty: web ports are expected to be open), nor local ports in
 *   the ephemeral range (32768 and up, where answers to the instance's own connections arrive);
 * - a detection is either `minSources` (default 10) distinct public addresses probing the same local
 *   port within `windowMs` (default 60 minutes) of event time — the background scanning every
 *   internet-reachable open port receives — after which the port is quiet for one window; or one
 *   probe from an address on an active customer threat list of the scope (the stand-in for the
 *   scanner feed; `UnauthorizedAccess:EC2/MaliciousIPCaller.Custom` is raised for it too).
 *
 * Action: `PORT_PROBE` with one detail per prober (up to 20). Aggregation: type + instance (else
 * interface) + port (the severity depends on the port).
 */
import {
  defineDetector,
  type DetectionContext,
  type Detector,
  type DetectorEvent,
} from '../../detector.js'
import type { FlowLogRecord } from '../../sources/index.js'
import type { ThreatListMatch } from '../../threat-lists/threat-list-matcher.js'
import { aggregationKey, findingContent, threatEvidence } from '../finding-content.js'
import { DistinctWindows } from '../../distinct-windows.js'
import type { FlowView } from './flow-view.js'
import {
  classifierOf,
  describeResource,
  instanceResource,
  portProbeAction,
  resourceKeyOf,
  type FlowDetectorOptions,
} from './network-finding.js'

/** The finding type. */
export const PORT_PROBE_UNPROTECTED_PORT = 'Recon:EC2/PortProbeUnprotectedPort'

/** Ports that never count (web ports). */
const WEB_PORTS: ReadonlySet<number> = new Set([80, 443])
/** Ports whose probing is High. */
const HIGH_PORTS: ReadonlySet<number> = new Set([9200, 9300])
const EPHEMERAL_START = 32768

interface Match {
  readonly view: FlowView
  readonly sources: readonly string[]
  readonly lists: readonly ThreatListMatch[]
}

/** Options of the detector. */
export interface PortProbeOptions extends FlowDetectorOptions {
  /** Distinct public probers of one port within the window (default 10). */
  readonly minSources?: number
  /** Window, milliseconds (default 3,600,000 = 1 hour). */
  readonly windowMs?: number
  /** Most packets of a record that counts as a probe (default 3). */
  readonly maxProbePackets?: number
}

/** The severity of probes of `port`. */
export function portProbeSeverity(port: number): number {
  return HIGH_PORTS.has(port) ? 8 : 2
}

/** The detector (one instance keeps the windows). */
export function portProbeUnprotectedPort(
  options: PortProbeOptions = {},
): Detector<'vpc-flow', Match> {
  const classifier = classifierOf(options)
  const maxPackets = options.maxProbePackets ?? 3
  const windows = new DistinctWindows<string>({
    windowMs: options.windowMs ?? 3_600_000,
    threshold: options.minSources ?? 10,
  })
  return defineDetector<'vpc-flow', Match>({
    id: 'vpc-flow/port-probe-unprotected-port',
    source: 'vpc-flow',
    features: ['FLOW_LOGS'],
    findingTypes: [
      {
        type: PORT_PROBE_UNPROTECTED_PORT,
        severity: 2,
        resourceType: 'Instance',
        variableSeverity: true,
      },
    ],
    prefilter: (record: FlowLogRecord) =>
      (record.protocol === 6 || record.protocol === 17) &&
      record.action !== 'REJECT' &&
      (record.packets === undefined || record.packets <= maxPackets),
    match(event: DetectorEvent<'vpc-flow'>, context: DetectionContext): Match | undefined {
      const view = classifier.view(event.record, event.scope)
      if (view === undefined || view.outbound || view.egress || !view.remotePublic) return undefined
      const port = view.localPort
      if (WEB_PORTS.has(port) || port >= EPHEMERAL_START || !view.accepted) return undefined
      const lists = context.threatLists.matchIp(view.remoteIp).filter((l) => l.kind === 'threat')
      if (lists.length > 0) return { view, sources: [view.remoteIp], lists }
      const window = windows.add(view.interfaceKey, port, view.remoteIp, event.eventTimeMs)
      return window === undefined ? undefined : { view, sources: [...window.values.keys()], lists }
    },
    build(match: Match, event: DetectorEvent<'vpc-flow'>) {
      const { record, scope } = event
      const { view } = match
      const inventory = options.instanceInventory
      const who = describeResource(record, view, scope, inventory)
      const port = view.localPort
      const listed = match.lists.length > 0
      const listName = match.lists[0]?.name
      return {
        scope,
        aggregationKey: aggregationKey(
          PORT_PROBE_UNPROTECTED_PORT,
          resourceKeyOf(record, view, scope, inventory),
          String(port),
        ),
        eventTimeMs: event.eventTimeMs,
        remoteIp: view.remoteIp,
        finding: findingContent({
          type: PORT_PROBE_UNPROTECTED_PORT,
          severity: portProbeSeverity(port),
          title: `Unprotected port on ${who} is being probed.`,
          description: listed
            ? `${who} has an unprotected port ${port} which is being probed by ${view.remoteIp}, ` +
              `an address on your threat list ${listName ?? ''}.`
            : `${who} has an unprotected port ${port} which is being probed by ` +
              `${match.sources.length} different internet hosts.`,
          resource: instanceResource(record, view, scope, inventory),
          action: portProbeAction(
            match.sources.map((remoteIp) => ({ localIp: view.localIp, localPort: port, remoteIp })),
            false,
            options.geoIp,
          ),
          resourceRole: 'TARGET',
          info: listed
            ? { threatListName: listName, probers: match.sources.length }
            : { probers: match.sources.length },
          ...(listed ? { evidence: threatEvidence(match.lists) } : {}),
        }),
      }
    },
  })
}
