/**
 * `UnauthorizedAccess:EC2/MaliciousIPCaller.Custom` (Medium 5): the instance communicates with an
 * address on one of the scope's active customer threat lists, in either direction. Every record
 * whose remote address is public and listed counts, except inbound traffic the security groups
 * rejected (nothing reached the instance). Resource role ACTOR when the instance opened the
 * connection, TARGET when the listed host did. A trusted list holding the address wins (the engine
 * drops the detection). `additionalInfo.threatListName` and `evidence.threatIntelligenceDetails`
 * name the list(s), the first (in the registry's order) naming the finding. Aggregation: type +
 * list + instance (else interface).
 */
import {
  defineDetector,
  type DetectionContext,
  type Detector,
  type DetectorEvent,
} from '../../detector.js'
import type { ThreatListMatch } from '../../threat-lists/threat-list-matcher.js'
import { aggregationKey, findingContent, threatEvidence } from '../finding-content.js'
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
export const EC2_MALICIOUS_IP_CALLER_CUSTOM = 'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom'

interface Match {
  readonly view: FlowView
  readonly lists: readonly ThreatListMatch[]
}

/** The detector. */
export function ec2MaliciousIpCallerCustom(
  options: FlowDetectorOptions = {},
): Detector<'vpc-flow', Match> {
  const classifier = classifierOf(options)
  return defineDetector<'vpc-flow', Match>({
    id: 'vpc-flow/malicious-ip-caller-custom',
    source: 'vpc-flow',
    features: ['FLOW_LOGS'],
    findingTypes: [{ type: EC2_MALICIOUS_IP_CALLER_CUSTOM, severity: 5, resourceType: 'Instance' }],
    match(event: DetectorEvent<'vpc-flow'>, context: DetectionContext): Match | undefined {
      const view = classifier.view(event.record, event.scope)
      if (view === undefined || !view.remotePublic) return undefined
      if (!view.accepted && !view.egress) return undefined
      const found = context.threatLists.matchIp(view.remoteIp)
      if (found.length === 0) return undefined
      const lists = found.filter((list) => list.kind === 'threat')
      return lists.length === 0 ? undefined : { view, lists }
    },
    build(match: Match, event: DetectorEvent<'vpc-flow'>) {
      const { record, scope } = event
      const { view } = match
      const inventory = options.instanceInventory
      const who = describeResource(record, view, scope, inventory)
      const listName = match.lists[0]?.name ?? 'unknown'
      return {
        scope,
        aggregationKey: aggregationKey(
          EC2_MALICIOUS_IP_CALLER_CUSTOM,
          listName,
          resourceKeyOf(record, view, scope, inventory),
        ),
        eventTimeMs: event.eventTimeMs,
        remoteIp: view.remoteIp,
        finding: findingContent({
          type: EC2_MALICIOUS_IP_CALLER_CUSTOM,
          severity: 5,
          title: `${who} is communicating with a disallowed IP address.`,
          description:
            `${who} is communicating with ${view.remoteIp} on port ` +
            `${view.outbound ? view.remotePort : view.localPort}; the address is on your threat ` +
            `list ${listName}.`,
          resource: instanceResource(record, view, scope, inventory),
          action: connectionAction(record, view, options.geoIp),
          resourceRole: view.outbound ? 'ACTOR' : 'TARGET',
          info: { threatListName: listName },
          evidence: threatEvidence(match.lists),
        }),
      }
    },
  })
}
