/**
 * `Execution:Kubernetes/ExecInKubeSystemPod` (Medium 5): a command was run through the exec API
 * (`pods/exec`) in a pod of the `kube-system` namespace, whose pods hold the cluster's most
 * privileged credentials. Any verb counts (`create` for kubectl's POST, `get` for websocket
 * clients) when the request succeeded (101 for the upgraded stream, or 2xx). Of the stages a
 * long-running exec logs, the attribution keeps the first after `RequestReceived`. Resource: the
 * cluster, the user and the pod. Resource role TARGET. Aggregation: type + cluster + pod + user.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { KubernetesAuditEvent } from '../../sources/index.js'
import { aggregationKey, findingContent } from '../finding-content.js'
import {
  clusterKeyOf,
  clusterResource,
  describeCluster,
  describeUser,
  kubernetesApiCallAction,
  succeeded,
} from './kubernetes-call.js'

/** The finding type. */
export const EXEC_IN_KUBE_SYSTEM_POD = 'Execution:Kubernetes/ExecInKubeSystemPod'

/** Options of the detector. */
export interface ExecInKubeSystemPodOptions {
  readonly geoIp?: GeoIpLookup
}

/** The command of an exec request (`command=` parameters of its URI), if any. */
function commandOf(requestUri: string): string | undefined {
  const query = requestUri.indexOf('?')
  if (query === -1) return undefined
  const parts = new URLSearchParams(requestUri.slice(query + 1)).getAll('command')
  return parts.length === 0 ? undefined : parts.join(' ')
}

/** The detector. */
export function execInKubeSystemPod(
  options: ExecInKubeSystemPodOptions = {},
): Detector<'k8s-audit', true> {
  return defineDetector<'k8s-audit', true>({
    id: 'k8s-audit/exec-in-kube-system-pod',
    source: 'k8s-audit',
    features: ['EKS_AUDIT_LOGS'],
    findingTypes: [{ type: EXEC_IN_KUBE_SYSTEM_POD, severity: 5, resourceType: 'EKSCluster' }],
    prefilter: (event: KubernetesAuditEvent) =>
      event.objectRef?.subresource === 'exec' &&
      event.objectRef.resource === 'pods' &&
      event.objectRef.namespace === 'kube-system',
    match(event: DetectorEvent<'k8s-audit'>): true | undefined {
      return succeeded(event.record) ? true : undefined
    },
    build(_match: true, event: DetectorEvent<'k8s-audit'>) {
      const { record, scope, cluster } = event
      const pod = record.objectRef?.name ?? 'unknown-pod'
      const command = commandOf(record.requestURI)
      return {
        scope,
        aggregationKey: aggregationKey(
          EXEC_IN_KUBE_SYSTEM_POD,
          clusterKeyOf(cluster),
          pod,
          record.user.username ?? 'unknown-user',
        ),
        eventTimeMs: event.eventTimeMs,
        finding: findingContent({
          type: EXEC_IN_KUBE_SYSTEM_POD,
          severity: 5,
          title: `A command was executed inside a pod in the kube-system namespace of ${describeCluster(cluster)}.`,
          description:
            `${describeUser(record)} executed ${command !== undefined ? `"${command}"` : 'a command'} ` +
            `inside kube-system pod ${pod} of ${describeCluster(cluster)}. Pods of kube-system run ` +
            'with powerful credentials; exec into them is rarely needed.',
          resource: clusterResource(cluster, record, {
            name: pod,
            type: 'pods',
            namespace: 'kube-system',
          }),
          action: kubernetesApiCallAction(record, options.geoIp),
          resourceRole: 'TARGET',
          ...(command !== undefined ? { info: { command } } : {}),
        }),
      }
    },
  })
}
