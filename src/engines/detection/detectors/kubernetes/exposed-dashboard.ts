/**
 * `Policy:Kubernetes/ExposedDashboard` and `Policy:Kubernetes/KubeflowDashboardExposed` (Medium 5):
 * a successful `create`, `update` or `patch` of a Service of type `LoadBalancer` that selects the
 * Kubernetes Dashboard's pods (selector `k8s-app: kubernetes-dashboard` or
 * `app.kubernetes.io/name: kubernetes-dashboard`, or a Service named `kubernetes-dashboard`) or
 * Kubeflow's central dashboard (selector `app: centraldashboard`, or a Service named
 * `centraldashboard`). Load balancers that do not face the internet do not count: internal ones
 * (`service.beta.kubernetes.io/aws-load-balancer-internal` true, `…-scheme: internal`, and the GKE
 * and Azure internal annotations) and ones whose `loadBalancerSourceRanges` are all narrower than
 * `0.0.0.0/0` / `::/0`. The Service is read from the response body when the audit level recorded
 * it, else from the request body. Resource role TARGET. Aggregation: type + cluster + Service.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { KubernetesAuditEvent } from '../../sources/index.js'
import { aggregationKey, findingContent } from '../finding-content.js'
import {
  arrayOf,
  clusterKeyOf,
  clusterResource,
  describeCluster,
  describeUser,
  kubernetesApiCallAction,
  objectBodyOf,
  objectOf,
  stringOf,
  succeeded,
  WRITE_VERBS,
  type Json,
} from './kubernetes-call.js'

/** The finding type. */
export const EXPOSED_DASHBOARD = 'Policy:Kubernetes/ExposedDashboard'
/** The finding type. */
export const KUBEFLOW_DASHBOARD_EXPOSED = 'Policy:Kubernetes/KubeflowDashboardExposed'

interface Match {
  readonly type: string
  readonly namespace: string
  readonly name: string
}

/** Options of the detector. */
export interface ExposedDashboardOptions {
  readonly geoIp?: GeoIpLookup
}

/** Whether the Service's load balancer faces the internet (see the module comment). */
function isInternetFacing(service: Json): boolean {
  const annotations = objectOf(objectOf(service.metadata).annotations)
  const internal = stringOf(annotations['service.beta.kubernetes.io/aws-load-balancer-internal'])
  if (internal !== undefined && internal !== 'false') return false
  if (annotations['service.beta.kubernetes.io/aws-load-balancer-scheme'] === 'internal')
    return false
  if (annotations['service.beta.kubernetes.io/azure-load-balancer-internal'] === 'true')
    return false
  if (annotations['networking.gke.io/load-balancer-type'] === 'Internal') return false
  const ranges = arrayOf(objectOf(service.spec).loadBalancerSourceRanges)
  return ranges.length === 0 || ranges.some((range) => range === '0.0.0.0/0' || range === '::/0')
}

/** Which dashboard the Service exposes, if any. */
function dashboardTypeOf(service: Json): string | undefined {
  const name = stringOf(objectOf(service.metadata).name)
  const selector = objectOf(objectOf(service.spec).selector)
  if (
    name === 'kubernetes-dashboard' ||
    selector['k8s-app'] === 'kubernetes-dashboard' ||
    selector['app.kubernetes.io/name'] === 'kubernetes-dashboard'
  ) {
    return EXPOSED_DASHBOARD
  }
  if (name === 'centraldashboard' || selector.app === 'centraldashboard') {
    return KUBEFLOW_DASHBOARD_EXPOSED
  }
  return undefined
}

/** The detector. */
export function exposedDashboard(
  options: ExposedDashboardOptions = {},
): Detector<'k8s-audit', Match> {
  return defineDetector<'k8s-audit', Match>({
    id: 'k8s-audit/exposed-dashboard',
    source: 'k8s-audit',
    features: ['EKS_AUDIT_LOGS'],
    findingTypes: [EXPOSED_DASHBOARD, KUBEFLOW_DASHBOARD_EXPOSED].map((type) => ({
      type,
      severity: 5,
      resourceType: 'EKSCluster',
    })),
    prefilter: (event: KubernetesAuditEvent) =>
      event.objectRef?.resource === 'services' &&
      event.objectRef.subresource === undefined &&
      WRITE_VERBS.has(event.verb),
    match(event: DetectorEvent<'k8s-audit'>): Match | undefined {
      if (!succeeded(event.record)) return undefined
      const service = objectBodyOf(event.record)
      if (service === undefined || objectOf(service.spec).type !== 'LoadBalancer') return undefined
      const type = dashboardTypeOf(service)
      if (type === undefined || !isInternetFacing(service)) return undefined
      const metadata = objectOf(service.metadata)
      return {
        type,
        namespace: stringOf(metadata.namespace) ?? event.record.objectRef?.namespace ?? 'default',
        name: stringOf(metadata.name) ?? event.record.objectRef?.name ?? 'unknown-service',
      }
    },
    build(match: Match, event: DetectorEvent<'k8s-audit'>) {
      const { record, scope, cluster } = event
      const kubeflow = match.type === KUBEFLOW_DASHBOARD_EXPOSED
      const what = kubeflow ? 'The Kubeflow dashboard' : 'The Kubernetes dashboard'
      return {
        scope,
        aggregationKey: aggregationKey(
          match.type,
          clusterKeyOf(cluster),
          `${match.namespace}/${match.name}`,
        ),
        eventTimeMs: event.eventTimeMs,
        finding: findingContent({
          type: match.type,
          severity: 5,
          title: `${what} of ${describeCluster(cluster)} was exposed to the internet.`,
          description:
            `${describeUser(record)} made Service ${match.namespace}/${match.name} a LoadBalancer ` +
            `reachable from the internet; ${what.toLowerCase()} behind it is now exposed.`,
          resource: clusterResource(cluster, record),
          action: kubernetesApiCallAction(record, options.geoIp),
          resourceRole: 'TARGET',
          info: { service: `${match.namespace}/${match.name}` },
        }),
      }
    },
  })
}
