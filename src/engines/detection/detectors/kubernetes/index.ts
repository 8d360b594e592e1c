/**
 * The Kubernetes audit log detector set: one call builds every Kubernetes detector with the
 * enrichment the operator supplied (GeoIP, Tor exit nodes). The cluster of each event (and so its
 * account and Region) comes from the attribution (`KubernetesClusters`). Each detector's rule is
 * documented in its own module and in docs/detection.md.
 */
import type { AnyDetector } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { TorExitNodeLookup } from '../../enrichment/tor-exit-nodes.js'
import { execInKubeSystemPod } from './exec-in-kube-system-pod.js'
import { exposedDashboard } from './exposed-dashboard.js'
import { kubernetesMaliciousIpCallerCustom, kubernetesTorIpCaller } from './kubernetes-ip-caller.js'
import {
  adminAccessToDefaultServiceAccount,
  anonymousAccessGranted,
} from './role-binding-policy.js'
import { successfulAnonymousAccess } from './successful-anonymous-access.js'
import { containerWithSensitiveMount, privilegedContainer } from './workload-security.js'

/** Enrichment of the Kubernetes detectors; everything optional. */
export interface KubernetesDetectorOptions {
  readonly geoIp?: GeoIpLookup
  /** Tor exit nodes; without them the TorIPCaller types are never raised. */
  readonly torExitNodes?: TorExitNodeLookup
}

/** Every Kubernetes audit log detector, in a fixed order. */
export function kubernetesDetectors(options: KubernetesDetectorOptions = {}): AnyDetector[] {
  const geo = options.geoIp ? { geoIp: options.geoIp } : {}
  return [
    execInKubeSystemPod(geo),
    anonymousAccessGranted(geo),
    adminAccessToDefaultServiceAccount(geo),
    successfulAnonymousAccess(geo),
    privilegedContainer(geo),
    containerWithSensitiveMount(geo),
    exposedDashboard(geo),
    kubernetesMaliciousIpCallerCustom(geo),
    kubernetesTorIpCaller({
      ...geo,
      ...(options.torExitNodes ? { torExitNodes: options.torExitNodes } : {}),
    }),
  ]
}

export { kubernetesTactic } from './api-tactic.js'
export { execInKubeSystemPod } from './exec-in-kube-system-pod.js'
export { exposedDashboard } from './exposed-dashboard.js'
export { kubernetesMaliciousIpCallerCustom, kubernetesTorIpCaller } from './kubernetes-ip-caller.js'
export {
  adminAccessToDefaultServiceAccount,
  anonymousAccessGranted,
} from './role-binding-policy.js'
export { successfulAnonymousAccess } from './successful-anonymous-access.js'
export {
  containerWithSensitiveMount,
  isSensitiveHostPath,
  privilegedContainer,
} from './workload-security.js'
