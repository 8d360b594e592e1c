/**
 * `UnauthorizedAccess:EC2/TorClient` and `UnauthorizedAccess:EC2/TorRelay` (High 8), against the
 * operator-supplied list of Tor relay addresses (`TorExitNodeLookup`; supply the relay list of a
 * consensus — guards, directory authorities and exits — for full coverage: a plain address-per-line
 * file reads with `TorExitNodes.parse`; an exit list alone catches only clients whose guard is also
 * an exit). Without a list neither type is ever raised.
 *
 * - **TorClient** (resource role ACTOR): the instance opened a TCP connection to a Tor relay (its
 *   own packets of it, accepted or not). One connection is enough. Aggregation: type + instance.
 * - **TorRelay** (resource role ACTOR): Tor relays open connections to the instance — a relay's
 *   ORPort is reached by other relays extending circuits. Accepted TCP connections from
 *   `minRelays` (default 5) distinct relays to one local port within `windowMs` (default 60
 *   minutes) of event time make a detection (then the port is quiet for one window). Aggregation:
 *   type + instance.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { TorExitNodeLookup } from '../../enrichment/tor-exit-nodes.js'
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
export const TOR_CLIENT = 'UnauthorizedAccess:EC2/TorClient'
/** The finding type. */
export const TOR_RELAY = 'UnauthorizedAccess:EC2/TorRelay'

/** Options of the Tor detectors. */
export interface TorOptions extends FlowDetectorOptions {
  /** Tor relay addresses; without them the detectors match nothing. */
  readonly torNodes?: TorExitNodeLookup
}

const isTcp = (record: FlowLogRecord): boolean => record.protocol === 6

/** The TorClient detector. */
export function torClient(options: TorOptions = {}): Detector<'vpc-flow', FlowView> {
  const classifier = classifierOf(options)
  const nodes = options.torNodes
  return defineDetector<'vpc-flow', FlowView>({
    id: 'vpc-flow/tor-client',
    source: 'vpc-flow',
    features: ['FLOW_LOGS'],
    findingTypes: [{ type: TOR_CLIENT, severity: 8, resourceType: 'Instance' }],
    prefilter: (record: FlowLogRecord) => nodes !== undefined && isTcp(record),
    match(event: DetectorEvent<'vpc-flow'>): FlowView | undefined {
      const view = classifier.view(event.record, event.scope)
      if (view === undefined || !view.outbound || !view.egress || !view.remotePublic) {
        return undefined
      }
      return nodes?.isExitNode(view.remoteIp) === true ? view : undefined
    },
    build(view: FlowView, event: DetectorEvent<'vpc-flow'>) {
      const { record, scope } = event
      const inventory = options.instanceInventory
      const who = describeResource(record, view, scope, inventory)
      return {
        scope,
        aggregationKey: aggregationKey(TOR_CLIENT, resourceKeyOf(record, view, scope, inventory)),
        eventTimeMs: event.eventTimeMs,
        remoteIp: view.remoteIp,
        finding: findingContent({
          type: TOR_CLIENT,
          severity: 8,
          title: `${who} is communicating with a Tor relay.`,
          description:
            `${who} opened a connection to ${view.remoteIp}:${view.remotePort}, a Tor relay. ` +
            'The instance is acting as a Tor client, which can hide unauthorized access or ' +
            'exfiltration.',
          resource: instanceResource(record, view, scope, inventory),
          action: connectionAction(record, view, options.geoIp),
          resourceRole: 'ACTOR',
        }),
      }
    },
  })
}

interface RelayMatch {
  readonly view: FlowView
  readonly relays: number
}

/** Options of the TorRelay detector. */
export interface TorRelayOptions extends TorOptions {
  /** Distinct relays connecting to one local port within the window (default 5). */
  readonly minRelays?: number
  /** Window, milliseconds (default 3,600,000 = 1 hour). */
  readonly windowMs?: number
}

/** The TorRelay detector (one instance keeps the windows). */
export function torRelay(options: TorRelayOptions = {}): Detector<'vpc-flow', RelayMatch> {
  const classifier = classifierOf(options)
  const nodes = options.torNodes
  const windows = new DistinctWindows<string>({
    windowMs: options.windowMs ?? 3_600_000,
    threshold: options.minRelays ?? 5,
  })
  return defineDetector<'vpc-flow', RelayMatch>({
    id: 'vpc-flow/tor-relay',
    source: 'vpc-flow',
    features: ['FLOW_LOGS'],
    findingTypes: [{ type: TOR_RELAY, severity: 8, resourceType: 'Instance' }],
    prefilter: (record: FlowLogRecord) =>
      nodes !== undefined && isTcp(record) && record.action !== 'REJECT',
    match(event: DetectorEvent<'vpc-flow'>): RelayMatch | undefined {
      const view = classifier.view(event.record, event.scope)
      if (view === undefined || view.outbound || view.egress || !view.remotePublic) return undefined
      if (nodes?.isExitNode(view.remoteIp) !== true) return undefined
      const window = windows.add(
        view.interfaceKey,
        view.localPort,
        view.remoteIp,
        event.eventTimeMs,
      )
      return window === undefined ? undefined : { view, relays: window.values.size }
    },
    build(match: RelayMatch, event: DetectorEvent<'vpc-flow'>) {
      const { record, scope } = event
      const { view } = match
      const inventory = options.instanceInventory
      const who = describeResource(record, view, scope, inventory)
      return {
        scope,
        aggregationKey: aggregationKey(TOR_RELAY, resourceKeyOf(record, view, scope, inventory)),
        eventTimeMs: event.eventTimeMs,
        remoteIp: view.remoteIp,
        finding: findingContent({
          type: TOR_RELAY,
          severity: 8,
          title: `${who} is communicating with Tor relays as a relay.`,
          description:
            `${match.relays} Tor relays opened connections to port ${view.localPort} of ${who}: ` +
            'the instance appears to be running as a Tor relay.',
          resource: instanceResource(record, view, scope, inventory),
          action: connectionAction(record, view, options.geoIp),
          resourceRole: 'ACTOR',
          info: { relays: match.relays, orPort: view.localPort },
        }),
      }
    },
  })
}
