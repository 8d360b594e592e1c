/**
 * `UnauthorizedAccess:EC2/SSHBruteForce` (port 22), `UnauthorizedAccess:EC2/RDPBruteForce` (3389)
 * and `Impact:EC2/WinRMBruteForce` (5985, 5986): many short login connections between one remote
 * host and one instance's service. GuardDuty does not publish its thresholds; Vigil's rule:
 *
 * - an **attempt** is a TCP record of one connection to the service carrying at most
 *   `maxAttemptPackets` (default 60) packets — a failed login is a short connection, an interactive
 *   session is not; attempts are told apart by the client's source port (one connection that spans
 *   several flow records is one attempt);
 * - **target** (resource role TARGET, Low 2): connections a remote host opened to the instance's
 *   service, accepted (a security group that drops them leaves nothing to guess passwords against),
 *   counted per interface + remote host + service;
 * - **actor** (resource role ACTOR, High 8): connections the instance opened to a remote host's
 *   service, accepted or not, counted the same way;
 * - `minAttempts` (default 20) attempts within `windowMs` (default 10 minutes) of event time make a
 *   detection; the pair is then quiet for one window.
 *
 * The records counted are the client's own packets (remote → instance for a target, instance →
 * remote for an actor), so each connection counts once. Aggregation: type + instance (else
 * interface) + role: GuardDuty keeps one finding per attacked instance, and the severity differs
 * by role.
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

/** A brute-forced service. */
interface Service {
  readonly type: string
  readonly name: string
}

const SSH: Service = { type: 'UnauthorizedAccess:EC2/SSHBruteForce', name: 'SSH' }
const RDP: Service = { type: 'UnauthorizedAccess:EC2/RDPBruteForce', name: 'RDP' }
const WINRM: Service = { type: 'Impact:EC2/WinRMBruteForce', name: 'WinRM' }

/** Service port → service. */
const SERVICES: ReadonlyMap<number, Service> = new Map([
  [22, SSH],
  [3389, RDP],
  [5985, WINRM],
  [5986, WINRM],
])

/** Severity by role. */
const TARGET_SEVERITY = 2
const ACTOR_SEVERITY = 8

interface Match {
  readonly view: FlowView
  readonly service: Service
  readonly attempts: number
  readonly firstMs: number
}

/** Options of the detector. */
export interface BruteForceOptions extends FlowDetectorOptions {
  /** Attempts from (or by) one host within the window (default 20). */
  readonly minAttempts?: number
  /** Window, milliseconds (default 600,000 = 10 minutes). */
  readonly windowMs?: number
  /** Most packets of a record that counts as a login attempt (default 60). */
  readonly maxAttemptPackets?: number
}

/** The detector (one instance keeps the windows). */
export function bruteForce(options: BruteForceOptions = {}): Detector<'vpc-flow', Match> {
  const classifier = classifierOf(options)
  const maxPackets = options.maxAttemptPackets ?? 60
  const windowMs = options.windowMs ?? 600_000
  const windows = new DistinctWindows<number>({ windowMs, threshold: options.minAttempts ?? 20 })
  return defineDetector<'vpc-flow', Match>({
    id: 'vpc-flow/brute-force',
    source: 'vpc-flow',
    features: ['FLOW_LOGS'],
    findingTypes: [SSH, RDP, WINRM].map((service) => ({
      type: service.type,
      severity: TARGET_SEVERITY,
      resourceType: 'Instance',
      variableSeverity: true,
    })),
    prefilter: (record: FlowLogRecord) =>
      record.protocol === 6 &&
      (record.packets === undefined || record.packets <= maxPackets) &&
      ((record.dstport !== undefined && SERVICES.has(record.dstport)) ||
        (record.srcport !== undefined && SERVICES.has(record.srcport))),
    match(event: DetectorEvent<'vpc-flow'>): Match | undefined {
      const view = classifier.view(event.record, event.scope)
      // The client's own packets: instance → remote when it opened the connection, else the reverse.
      if (view === undefined || view.outbound !== view.egress) return undefined
      const service = SERVICES.get(view.servicePort)
      if (service === undefined || (!view.outbound && !view.accepted)) return undefined
      const role = view.outbound ? 'A' : 'T'
      const window = windows.add(
        view.interfaceKey,
        `${role} ${view.remoteIp} ${service.name}`,
        view.outbound ? view.localPort : view.remotePort,
        event.eventTimeMs,
      )
      if (window === undefined) return undefined
      return { view, service, attempts: window.values.size, firstMs: window.firstMs }
    },
    build(match: Match, event: DetectorEvent<'vpc-flow'>) {
      const { record, scope } = event
      const { view, service } = match
      const inventory = options.instanceInventory
      const who = describeResource(record, view, scope, inventory)
      const actor = view.outbound
      const minutes = Math.max(1, Math.round((event.eventTimeMs - match.firstMs) / 60_000))
      return {
        scope,
        aggregationKey: aggregationKey(
          service.type,
          resourceKeyOf(record, view, scope, inventory),
          actor ? 'ACTOR' : 'TARGET',
        ),
        eventTimeMs: event.eventTimeMs,
        remoteIp: view.remoteIp,
        finding: findingContent({
          type: service.type,
          severity: actor ? ACTOR_SEVERITY : TARGET_SEVERITY,
          title: actor
            ? `${who} is performing ${service.name} brute force attacks against ${view.remoteIp}.`
            : `${view.remoteIp} is performing ${service.name} brute force attacks against ${who}.`,
          description: actor
            ? `${who} opened ${match.attempts} short ${service.name} connections to ` +
              `${view.remoteIp} within about ${minutes} minutes, as a password-guessing tool does. ` +
              'The instance may be compromised.'
            : `${view.remoteIp} opened ${match.attempts} short ${service.name} connections to ` +
              `${who} within about ${minutes} minutes, as a password-guessing tool does.`,
          resource: instanceResource(record, view, scope, inventory),
          action: connectionAction(record, view, options.geoIp),
          resourceRole: actor ? 'ACTOR' : 'TARGET',
          info: { attempts: match.attempts, windowMinutes: Math.round(windowMs / 60_000) },
        }),
      }
    },
  })
}
