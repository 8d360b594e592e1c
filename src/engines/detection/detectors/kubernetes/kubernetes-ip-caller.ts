/**
 * `*:Kubernetes/MaliciousIPCaller.Custom` and `*:Kubernetes/TorIPCaller`: a Kubernetes API request
 * whose origin (the first IP address of `sourceIPs`) is on one of the scope's active customer
 * threat lists, or is a Tor exit node of the operator's list (no list → never). The threat purpose
 * is the request's tactic (`api-tactic.ts`); requests without an object have none and never count.
 * Failed requests count (the caller tried). Severities as GuardDuty's: CredentialAccess,
 * DefenseEvasion and Impact High 8, Discovery and Persistence Medium 5. A trusted list holding the
 * address wins (the engine drops the detection). Resource role TARGET. Aggregation: type (+ list)
 * + cluster + user.
 */
import {
  defineDetector,
  type DetectionContext,
  type Detector,
  type DetectorEvent,
} from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { TorExitNodeLookup } from '../../enrichment/tor-exit-nodes.js'
import type { ThreatListMatch } from '../../threat-lists/threat-list-matcher.js'
import { aggregationKey, findingContent, threatEvidence } from '../finding-content.js'
import { KUBERNETES_TACTICS, kubernetesTactic, type KubernetesTactic } from './api-tactic.js'
import {
  clusterKeyOf,
  clusterResource,
  describeCluster,
  describeUser,
  kubernetesApiCallAction,
  sourceIpOf,
} from './kubernetes-call.js'

const SEVERITY: Readonly<Record<KubernetesTactic, number>> = {
  CredentialAccess: 8,
  DefenseEvasion: 8,
  Discovery: 5,
  Impact: 8,
  Persistence: 5,
}

interface Match {
  readonly ip: string
  readonly tactic: KubernetesTactic
  readonly lists: readonly ThreatListMatch[]
}

/** Options of the detectors. */
export interface KubernetesIpCallerOptions {
  readonly geoIp?: GeoIpLookup
  /** Tor exit nodes (TorIPCaller); without them that detector matches nothing. */
  readonly torExitNodes?: TorExitNodeLookup
}

/** The detection of a listed caller. */
function buildCallerDetection(
  type: string,
  match: Match,
  event: DetectorEvent<'k8s-audit'>,
  options: KubernetesIpCallerOptions,
  listName: string | undefined,
) {
  const { record, scope, cluster } = event
  const what = `${record.verb} ${record.objectRef?.resource ?? ''}`.trim()
  const where = listName !== undefined ? `your threat list ${listName}` : 'the Tor exit node list'
  return {
    scope,
    aggregationKey: aggregationKey(
      type,
      ...(listName !== undefined ? [listName] : []),
      clusterKeyOf(cluster),
      record.user.username ?? 'unknown-user',
    ),
    eventTimeMs: event.eventTimeMs,
    remoteIp: match.ip,
    finding: findingContent({
      type,
      severity: SEVERITY[match.tactic],
      title: `A Kubernetes API was called in ${describeCluster(cluster)} from ${match.ip}.`,
      description:
        `${describeUser(record)} called ${what} (${record.requestURI}) in ` +
        `${describeCluster(cluster)} from ${match.ip}, an address on ${where}.`,
      resource: clusterResource(cluster, record),
      action: kubernetesApiCallAction(record, options.geoIp),
      resourceRole: 'TARGET',
      ...(listName !== undefined
        ? { info: { threatListName: listName }, evidence: threatEvidence(match.lists) }
        : {}),
    }),
  }
}

/** `*:Kubernetes/MaliciousIPCaller.Custom`. */
export function kubernetesMaliciousIpCallerCustom(
  options: KubernetesIpCallerOptions = {},
): Detector<'k8s-audit', Match> {
  const typeOf = (tactic: KubernetesTactic): string =>
    `${tactic}:Kubernetes/MaliciousIPCaller.Custom`
  return defineDetector<'k8s-audit', Match>({
    id: 'k8s-audit/malicious-ip-caller-custom',
    source: 'k8s-audit',
    features: ['EKS_AUDIT_LOGS'],
    findingTypes: KUBERNETES_TACTICS.map((tactic) => ({
      type: typeOf(tactic),
      severity: SEVERITY[tactic],
      resourceType: 'EKSCluster',
    })),
    match(event: DetectorEvent<'k8s-audit'>, context: DetectionContext): Match | undefined {
      const ip = sourceIpOf(event.record)
      if (ip === undefined) return undefined
      const lists = context.threatLists.matchIp(ip).filter((list) => list.kind === 'threat')
      if (lists.length === 0) return undefined
      const tactic = kubernetesTactic(event.record)
      return tactic === undefined ? undefined : { ip, tactic, lists }
    },
    build(match: Match, event: DetectorEvent<'k8s-audit'>) {
      return buildCallerDetection(
        typeOf(match.tactic),
        match,
        event,
        options,
        match.lists[0]?.name ?? 'unknown',
      )
    },
  })
}

/** `*:Kubernetes/TorIPCaller`. */
export function kubernetesTorIpCaller(
  options: KubernetesIpCallerOptions = {},
): Detector<'k8s-audit', Match> {
  const exits = options.torExitNodes
  const typeOf = (tactic: KubernetesTactic): string => `${tactic}:Kubernetes/TorIPCaller`
  return defineDetector<'k8s-audit', Match>({
    id: 'k8s-audit/tor-ip-caller',
    source: 'k8s-audit',
    features: ['EKS_AUDIT_LOGS'],
    findingTypes: KUBERNETES_TACTICS.map((tactic) => ({
      type: typeOf(tactic),
      severity: SEVERITY[tactic],
      resourceType: 'EKSCluster',
    })),
    prefilter: () => exits !== undefined,
    match(event: DetectorEvent<'k8s-audit'>): Match | undefined {
      const ip = sourceIpOf(event.record)
      if (ip === undefined || exits?.isExitNode(ip) !== true) return undefined
      const tactic = kubernetesTactic(event.record)
      return tactic === undefined ? undefined : { ip, tactic, lists: [] }
    },
    build(match: Match, event: DetectorEvent<'k8s-audit'>) {
      return buildCallerDetection(typeOf(match.tactic), match, event, options, undefined)
    },
  })
}
