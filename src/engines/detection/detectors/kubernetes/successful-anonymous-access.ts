/**
 * `*:Kubernetes/SuccessfulAnonymousAccess`: an unauthenticated request (`system:anonymous`, or the
 * `system:unauthenticated` group) to the Kubernetes API that succeeded (2xx, or 101 for an
 * upgraded stream). The threat purpose is the request's tactic (`api-tactic.ts`):
 * `CredentialAccess`, `DefenseEvasion`, `Impact`, `Persistence` (High 8) or `Discovery` (Medium 5).
 * Requests without an object (`/version`, `/healthz`…, which clusters serve to anyone) never count;
 * neither do denied ones. Resource role TARGET. Aggregation: type + cluster + source address.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { KubernetesAuditEvent } from '../../sources/index.js'
import { aggregationKey, findingContent } from '../finding-content.js'
import { KUBERNETES_TACTICS, kubernetesTactic, type KubernetesTactic } from './api-tactic.js'
import {
  clusterKeyOf,
  clusterResource,
  describeCluster,
  isAnonymous,
  kubernetesApiCallAction,
  sourceIpOf,
  succeeded,
} from './kubernetes-call.js'

const SEVERITY: Readonly<Record<KubernetesTactic, number>> = {
  CredentialAccess: 8,
  DefenseEvasion: 8,
  Discovery: 5,
  Impact: 8,
  Persistence: 8,
}

/** The type of a tactic. */
function typeOf(tactic: KubernetesTactic): string {
  return `${tactic}:Kubernetes/SuccessfulAnonymousAccess`
}

/** Options of the detector. */
export interface SuccessfulAnonymousAccessOptions {
  readonly geoIp?: GeoIpLookup
}

/** The detector. */
export function successfulAnonymousAccess(
  options: SuccessfulAnonymousAccessOptions = {},
): Detector<'k8s-audit', KubernetesTactic> {
  return defineDetector<'k8s-audit', KubernetesTactic>({
    id: 'k8s-audit/successful-anonymous-access',
    source: 'k8s-audit',
    features: ['EKS_AUDIT_LOGS'],
    findingTypes: KUBERNETES_TACTICS.map((tactic) => ({
      type: typeOf(tactic),
      severity: SEVERITY[tactic],
      resourceType: 'EKSCluster',
    })),
    prefilter: (event: KubernetesAuditEvent) => isAnonymous(event),
    match(event: DetectorEvent<'k8s-audit'>): KubernetesTactic | undefined {
      return succeeded(event.record) ? kubernetesTactic(event.record) : undefined
    },
    build(tactic: KubernetesTactic, event: DetectorEvent<'k8s-audit'>) {
      const { record, scope, cluster } = event
      const type = typeOf(tactic)
      const ip = sourceIpOf(record)
      const what = `${record.verb} ${record.objectRef?.resource ?? ''}`.trim()
      return {
        scope,
        aggregationKey: aggregationKey(type, clusterKeyOf(cluster), ip ?? 'unknown-source'),
        eventTimeMs: event.eventTimeMs,
        ...(ip !== undefined ? { remoteIp: ip } : {}),
        finding: findingContent({
          type,
          severity: SEVERITY[tactic],
          title: `An unauthenticated user called ${what} successfully in ${describeCluster(cluster)}.`,
          description:
            `An anonymous request${ip !== undefined ? ` from ${ip}` : ''} called ${what} ` +
            `(${record.requestURI}) and succeeded in ${describeCluster(cluster)}. Anonymous ` +
            'users should not be allowed to do this; check the RBAC bindings of ' +
            'system:anonymous and system:unauthenticated.',
          resource: clusterResource(cluster, record),
          action: kubernetesApiCallAction(record, options.geoIp),
          resourceRole: 'TARGET',
        }),
      }
    },
  })
}
