/**
 * The workload detectors, over pods as the API server stores them (`create` of a pod, or a write
 * of its `ephemeralcontainers`): every container that runs in a cluster goes through one, whoever
 * creates it (a user, or a controller for a Deployment, DaemonSet, Job…). The pod is read from the
 * response body when the audit level recorded it, else from the request body; denied or failed
 * requests never count.
 *
 * - `PrivilegeEscalation:Kubernetes/PrivilegedContainer` (Medium 5): a container with
 *   `securityContext.privileged: true` from an image that has not run privileged in the cluster
 *   before (GuardDuty's documented baseline: one finding per image and cluster; Vigil keeps the
 *   images seen in memory, at most `maxImages` per detector). Aggregation: type + cluster + image.
 * - `Persistence:Kubernetes/ContainerWithSensitiveMount` (Medium 5): a container mounts, writable
 *   (no `readOnly: true`), a `hostPath` volume at a sensitive host path: `/`, `/etc`, `/root`,
 *   `/proc`, `/home/admin`, `/var/lib/kubelet`, `/etc/kubernetes` and below, the container runtime
 *   sockets (`/var/run/docker.sock`, `/run/containerd/containerd.sock`, CRI-O's) and `/var/run`,
 *   `/run`, `/var/lib/docker`, `/dev`, `/boot` (Falco's sensitive mount list, with the runtime
 *   sockets of today's nodes). Aggregation: type + cluster + namespace + workload (the pod's
 *   controller, else its generated-name prefix, else its name).
 *
 * Resource: the cluster, the user, and the pod as `kubernetesWorkloadDetails`. Resource role TARGET.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { KubernetesAuditEvent } from '../../sources/index.js'
import { aggregationKey, findingContent } from '../finding-content.js'
import {
  arrayOf,
  clusterKeyOf,
  clusterResource,
  containersOf,
  describeCluster,
  describeUser,
  hostPathVolumes,
  isJson,
  kubernetesApiCallAction,
  objectBodyOf,
  objectOf,
  podSpecOf,
  stringOf,
  succeeded,
  workloadDetails,
  type Json,
} from './kubernetes-call.js'

/** The finding type. */
export const PRIVILEGED_CONTAINER = 'PrivilegeEscalation:Kubernetes/PrivilegedContainer'
/** The finding type. */
export const CONTAINER_WITH_SENSITIVE_MOUNT = 'Persistence:Kubernetes/ContainerWithSensitiveMount'

/** A pod as a write left it. */
interface PodWrite {
  readonly body: Json
  readonly spec: Json
}

/** Options of the workload detectors. */
export interface WorkloadSecurityOptions {
  readonly geoIp?: GeoIpLookup
}

/** Whether the event writes a pod (creation, or its ephemeral containers). */
const isPodWrite = (event: KubernetesAuditEvent): boolean =>
  event.objectRef?.resource === 'pods' &&
  ((event.verb === 'create' && event.objectRef.subresource === undefined) ||
    ((event.verb === 'patch' || event.verb === 'update') &&
      event.objectRef.subresource === 'ephemeralcontainers'))

/** The pod of a successful pod write. */
function podOf(event: KubernetesAuditEvent): PodWrite | undefined {
  if (!succeeded(event)) return undefined
  const body = objectBodyOf(event)
  if (body === undefined) return undefined
  const spec = podSpecOf(body)
  return spec === undefined ? undefined : { body, spec }
}

/** The detection of a pod write. */
function buildPodDetection(
  type: string,
  key: string,
  pod: PodWrite,
  event: DetectorEvent<'k8s-audit'>,
  options: WorkloadSecurityOptions,
  texts: {
    readonly title: string
    readonly description: string
    readonly info: Readonly<Record<string, unknown>>
  },
) {
  const { record, scope, cluster } = event
  return {
    scope,
    aggregationKey: aggregationKey(type, clusterKeyOf(cluster), key),
    eventTimeMs: event.eventTimeMs,
    finding: findingContent({
      type,
      severity: 5,
      title: texts.title,
      description: texts.description,
      resource: clusterResource(cluster, record, workloadDetails(pod.body, pod.spec, record)),
      action: kubernetesApiCallAction(record, options.geoIp),
      resourceRole: 'TARGET',
      info: texts.info,
    }),
  }
}

/** The pod's name in words. */
function podName(pod: PodWrite, event: KubernetesAuditEvent): string {
  const metadata = objectOf(pod.body.metadata)
  return (
    stringOf(metadata.name) ??
    (stringOf(metadata.generateName) !== undefined
      ? `${stringOf(metadata.generateName)}…`
      : undefined) ??
    event.objectRef?.name ??
    'a pod'
  )
}

interface PrivilegedMatch {
  readonly pod: PodWrite
  readonly images: readonly string[]
  readonly containers: readonly string[]
}

/** Options of the PrivilegedContainer detector. */
export interface PrivilegedContainerOptions extends WorkloadSecurityOptions {
  /** (cluster, image) pairs remembered at most (default 100,000; the oldest are forgotten). */
  readonly maxImages?: number
}

/** `PrivilegeEscalation:Kubernetes/PrivilegedContainer` (one instance keeps the image baseline). */
export function privilegedContainer(
  options: PrivilegedContainerOptions = {},
): Detector<'k8s-audit', PrivilegedMatch> {
  const maxImages = options.maxImages ?? 100_000
  const seen = new Set<string>()
  return defineDetector<'k8s-audit', PrivilegedMatch>({
    id: 'k8s-audit/privileged-container',
    source: 'k8s-audit',
    features: ['EKS_AUDIT_LOGS'],
    findingTypes: [{ type: PRIVILEGED_CONTAINER, severity: 5, resourceType: 'EKSCluster' }],
    prefilter: isPodWrite,
    match(event: DetectorEvent<'k8s-audit'>): PrivilegedMatch | undefined {
      const pod = podOf(event.record)
      if (pod === undefined) return undefined
      const clusterKey = clusterKeyOf(event.cluster)
      const images: string[] = []
      const containers: string[] = []
      for (const container of containersOf(pod.spec)) {
        if (objectOf(container.securityContext).privileged !== true) continue
        const image = stringOf(container.image) ?? 'unknown-image'
        const key = `${clusterKey} ${image}`
        if (seen.has(key)) continue
        if (seen.size >= maxImages) {
          const oldest = seen.values().next()
          if (!oldest.done) seen.delete(oldest.value)
        }
        seen.add(key)
        images.push(image)
        containers.push(stringOf(container.name) ?? image)
      }
      return images.length === 0 ? undefined : { pod, images, containers }
    },
    build(match: PrivilegedMatch, event: DetectorEvent<'k8s-audit'>) {
      const name = podName(match.pod, event.record)
      return buildPodDetection(
        PRIVILEGED_CONTAINER,
        match.images.join(','),
        match.pod,
        event,
        options,
        {
          title: `Privileged container with root level access launched on ${describeCluster(event.cluster)}.`,
          description:
            `${describeUser(event.record)} launched pod ${name} with privileged container(s) ` +
            `${match.containers.join(', ')} (image ${match.images.join(', ')}), which had not run ` +
            'privileged in the cluster before. A privileged container has root access to its node.',
          info: { images: match.images, containers: match.containers },
        },
      )
    },
  })
}

/** Host paths whose writable mount is sensitive, exactly. */
const SENSITIVE_PATHS: ReadonlySet<string> = new Set([
  '/',
  '/etc',
  '/root',
  '/proc',
  '/home/admin',
  '/var/run',
  '/run',
  '/var/lib/docker',
  '/dev',
  '/boot',
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
])

/** Host paths sensitive with everything below them. */
const SENSITIVE_TREES: readonly string[] = ['/var/lib/kubelet', '/etc/kubernetes', '/root', '/proc']

/** Whether a host path is sensitive (see the module comment). */
export function isSensitiveHostPath(path: string): boolean {
  const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
  if (SENSITIVE_PATHS.has(normalized)) return true
  return SENSITIVE_TREES.some((tree) => normalized === tree || normalized.startsWith(`${tree}/`))
}

interface MountMatch {
  readonly pod: PodWrite
  /** `container: hostPath → mountPath`. */
  readonly mounts: readonly string[]
}

/** The key of a pod's workload: its controller, else its generated-name prefix, else its name. */
function workloadKeyOf(pod: PodWrite, event: KubernetesAuditEvent): string {
  const metadata = objectOf(pod.body.metadata)
  const owner = arrayOf(metadata.ownerReferences)
    .filter(isJson)
    .find((reference) => reference.controller === true)
  const namespace = stringOf(metadata.namespace) ?? event.objectRef?.namespace ?? ''
  const name =
    (owner !== undefined ? `${String(owner.kind)}/${String(owner.name)}` : undefined) ??
    stringOf(metadata.generateName) ??
    stringOf(metadata.name) ??
    event.objectRef?.name ??
    'unknown-pod'
  return `${namespace}/${name}`
}

/** `Persistence:Kubernetes/ContainerWithSensitiveMount`. */
export function containerWithSensitiveMount(
  options: WorkloadSecurityOptions = {},
): Detector<'k8s-audit', MountMatch> {
  return defineDetector<'k8s-audit', MountMatch>({
    id: 'k8s-audit/container-with-sensitive-mount',
    source: 'k8s-audit',
    features: ['EKS_AUDIT_LOGS'],
    findingTypes: [
      { type: CONTAINER_WITH_SENSITIVE_MOUNT, severity: 5, resourceType: 'EKSCluster' },
    ],
    prefilter: isPodWrite,
    match(event: DetectorEvent<'k8s-audit'>): MountMatch | undefined {
      const pod = podOf(event.record)
      if (pod === undefined) return undefined
      const volumes = hostPathVolumes(pod.spec)
      if (volumes.size === 0) return undefined
      const mounts: string[] = []
      for (const container of containersOf(pod.spec)) {
        for (const mount of arrayOf(container.volumeMounts)) {
          if (!isJson(mount) || mount.readOnly === true) continue
          const path = volumes.get(stringOf(mount.name) ?? '')
          if (path === undefined || !isSensitiveHostPath(path)) continue
          mounts.push(
            `${stringOf(container.name) ?? 'container'}: ${path} → ${stringOf(mount.mountPath) ?? '?'}`,
          )
        }
      }
      return mounts.length === 0 ? undefined : { pod, mounts }
    },
    build(match: MountMatch, event: DetectorEvent<'k8s-audit'>) {
      const name = podName(match.pod, event.record)
      return buildPodDetection(
        CONTAINER_WITH_SENSITIVE_MOUNT,
        workloadKeyOf(match.pod, event.record),
        match.pod,
        event,
        options,
        {
          title: `Container launched with a sensitive external host path mounted inside on ${describeCluster(event.cluster)}.`,
          description:
            `${describeUser(event.record)} launched pod ${name} mounting sensitive host paths ` +
            `writable (${match.mounts.join('; ')}). Writing there can take over the node.`,
          info: { mounts: match.mounts },
        },
      )
    },
  })
}
