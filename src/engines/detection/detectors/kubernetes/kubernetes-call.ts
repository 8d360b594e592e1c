/**
 * The pieces every Kubernetes finding is built from: `resource.eksClusterDetails` (the event's
 * cluster: name, ARN, VPC, status, tags), `resource.kubernetesDetails` (the user — name, uid,
 * groups, EKS session name, impersonated user — and, when the request is about a workload, the
 * workload with its containers, volumes and host namespaces), the `KUBERNETES_API_CALL` action, and
 * the reading of audit-event fields detectors share: whether the request succeeded, whether it was
 * anonymous, the object the request created or changed (the response body, else the request body)
 * and a pod spec inside it. This module owns how audit-event fields map to those wire members.
 */
import { clusterArn, type KubernetesClusterDetails } from '../../enrichment/kubernetes-clusters.js'
import { readIpAddress } from '../../enrichment/ip-address.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type {
  FindingContent,
  WireAction,
  WireContainer,
  WireKubernetesDetails,
  WireKubernetesWorkloadDetails,
} from '../../finding-wire.js'
import type { KubernetesAuditEvent } from '../../sources/index.js'
import { remoteIpDetailsOf } from '../cloudtrail/api-call.js'

/** A JSON object from an audit event body. */
export type Json = Readonly<Record<string, unknown>>

/** Whether `value` is a JSON object (not an array). */
export function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `value` if it is a JSON object, else an empty one. */
export function objectOf(value: unknown): Json {
  return isJson(value) ? value : {}
}

/** `value` if it is an array, else an empty one. */
export function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : []
}

/** `value` if it is a non-empty string. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Verbs that change objects. */
export const WRITE_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch'])

/**
 * Whether the request succeeded: a 2xx response, or 101 (an upgraded exec/attach stream); with no
 * response status, an `allow` authorization decision.
 */
export function succeeded(event: KubernetesAuditEvent): boolean {
  const code = event.responseStatus?.code
  if (code !== undefined) return (code >= 200 && code < 300) || code === 101
  return event.annotations?.['authorization.k8s.io/decision'] === 'allow'
}

/** Whether the request was unauthenticated (`system:anonymous` or `system:unauthenticated`). */
export function isAnonymous(event: KubernetesAuditEvent): boolean {
  return (
    event.user.username === 'system:anonymous' ||
    (event.user.groups?.includes('system:unauthenticated') ?? false)
  )
}

/**
 * The object as the request left it: the response body (the stored object, with generated name and
 * defaults) when the audit level recorded it, else the request body.
 */
export function objectBodyOf(event: KubernetesAuditEvent): Json | undefined {
  const response = event.responseObject
  if (isJson(response) && response.kind !== 'Status') return response
  return isJson(event.requestObject) ? event.requestObject : undefined
}

/** Kinds whose `spec.template.spec` (or `spec.jobTemplate.spec.template.spec`) is a pod spec. */
const TEMPLATE_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'DaemonSet',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
])

/** The pod spec of a Pod or workload object, if it has one. */
export function podSpecOf(body: Json): Json | undefined {
  const spec = objectOf(body.spec)
  if (body.kind === 'Pod') return spec
  if (typeof body.kind !== 'string' || !TEMPLATE_KINDS.has(body.kind)) return undefined
  if (body.kind === 'CronJob') {
    return objectOf(objectOf(objectOf(objectOf(spec.jobTemplate).spec).template).spec)
  }
  return objectOf(objectOf(spec.template).spec)
}

/** Every container of a pod spec: init, regular and ephemeral. */
export function containersOf(podSpec: Json): Json[] {
  const all: Json[] = []
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const container of arrayOf(podSpec[key])) if (isJson(container)) all.push(container)
  }
  return all
}

/** Volume name → host path, for the `hostPath` volumes of a pod spec. */
export function hostPathVolumes(podSpec: Json): Map<string, string> {
  const volumes = new Map<string, string>()
  for (const volume of arrayOf(podSpec.volumes)) {
    if (!isJson(volume)) continue
    const name = stringOf(volume.name)
    const path = stringOf(objectOf(volume.hostPath).path)
    if (name !== undefined && path !== undefined) volumes.set(name, path)
  }
  return volumes
}

/** The image's registry prefix (`public.ecr.aws/nginx/nginx:1` → `public.ecr.aws`), if any. */
function imagePrefixOf(image: string): string | undefined {
  const slash = image.indexOf('/')
  if (slash === -1) return undefined
  const head = image.slice(0, slash)
  return head.includes('.') || head.includes(':') || head === 'localhost' ? head : undefined
}

/** `Container` of a container spec. */
function containerDetails(container: Json): WireContainer {
  const image = stringOf(container.image)
  const prefix = image === undefined ? undefined : imagePrefixOf(image)
  const context = objectOf(container.securityContext)
  const mounts = arrayOf(container.volumeMounts).filter(isJson)
  return {
    ...(stringOf(container.name) !== undefined ? { name: stringOf(container.name) } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(prefix !== undefined ? { imagePrefix: prefix } : {}),
    volumeMounts: mounts.map((mount) => ({
      ...(stringOf(mount.name) !== undefined ? { name: stringOf(mount.name) } : {}),
      ...(stringOf(mount.mountPath) !== undefined ? { mountPath: stringOf(mount.mountPath) } : {}),
    })),
    securityContext: {
      privileged: context.privileged === true,
      allowPrivilegeEscalation:
        context.allowPrivilegeEscalation === true || context.privileged === true,
    },
  }
}

/** The plural resource name of a workload kind (`Deployment` → `deployments`). */
function pluralOf(kind: string): string {
  return `${kind.toLowerCase()}s`
}

/**
 * `kubernetesWorkloadDetails` of a Pod or workload object: name (else `generateName`), type (the
 * plural resource), uid, namespace (the object's, else the request's), host namespaces, containers,
 * `hostPath` volumes, service account.
 */
export function workloadDetails(
  body: Json,
  podSpec: Json,
  event: KubernetesAuditEvent,
): WireKubernetesWorkloadDetails {
  const metadata = objectOf(body.metadata)
  const name = stringOf(metadata.name) ?? stringOf(metadata.generateName) ?? event.objectRef?.name
  const namespace = stringOf(metadata.namespace) ?? event.objectRef?.namespace
  const uid = stringOf(metadata.uid)
  const kind = stringOf(body.kind)
  const serviceAccount = stringOf(podSpec.serviceAccountName) ?? stringOf(podSpec.serviceAccount)
  return {
    ...(name !== undefined ? { name } : {}),
    ...(kind !== undefined ? { type: pluralOf(kind) } : {}),
    ...(uid !== undefined ? { uid } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    hostNetwork: podSpec.hostNetwork === true,
    hostIPC: podSpec.hostIPC === true,
    hostPID: podSpec.hostPID === true,
    containers: containersOf(podSpec).map(containerDetails),
    volumes: [...hostPathVolumes(podSpec)].map(([volume, path]) => ({
      name: volume,
      hostPath: { path },
    })),
    serviceAccountName: serviceAccount ?? 'default',
  }
}

/** `kubernetesDetails`: the user, and the workload when given. */
export function kubernetesDetails(
  event: KubernetesAuditEvent,
  workload?: WireKubernetesWorkloadDetails,
): WireKubernetesDetails {
  const { user, impersonatedUser } = event
  const session = user.extra?.sessionName
  return {
    kubernetesUserDetails: {
      ...(user.username !== undefined ? { username: user.username } : {}),
      ...(user.uid !== undefined ? { uid: user.uid } : {}),
      groups: [...(user.groups ?? [])],
      ...(session !== undefined && session.length > 0 ? { sessionName: [...session] } : {}),
      ...(impersonatedUser?.username !== undefined
        ? {
            impersonatedUser: {
              username: impersonatedUser.username,
              groups: [...(impersonatedUser.groups ?? [])],
            },
          }
        : {}),
    },
    ...(workload !== undefined ? { kubernetesWorkloadDetails: workload } : {}),
  }
}

/** `resource` of a Kubernetes finding: `EKSCluster` with the cluster and Kubernetes details. */
export function clusterResource(
  cluster: KubernetesClusterDetails | undefined,
  event: KubernetesAuditEvent,
  workload?: WireKubernetesWorkloadDetails,
): FindingContent['resource'] {
  return {
    resourceType: 'EKSCluster',
    ...(cluster !== undefined
      ? {
          eksClusterDetails: {
            name: cluster.name,
            arn: clusterArn(cluster),
            status: cluster.status ?? 'ACTIVE',
            ...(cluster.vpcId !== undefined ? { vpcId: cluster.vpcId } : {}),
            ...(cluster.createdAt !== undefined ? { createdAt: cluster.createdAt } : {}),
            ...(cluster.tags !== undefined
              ? { tags: Object.entries(cluster.tags).map(([key, value]) => ({ key, value })) }
              : {}),
          },
        }
      : {}),
    kubernetesDetails: kubernetesDetails(event, workload),
  }
}

/** The request's first source address that is an IP address, if any. */
export function sourceIpOf(event: KubernetesAuditEvent): string | undefined {
  return event.sourceIPs?.find((ip) => readIpAddress(ip) !== undefined)
}

/** `KUBERNETES_API_CALL` of the event (with role-binding details when given). */
export function kubernetesApiCallAction(
  event: KubernetesAuditEvent,
  geoIp: GeoIpLookup | undefined,
  roleBinding?: NonNullable<WireAction['kubernetesRoleBindingDetails']>,
): WireAction {
  const ref = event.objectRef
  const remote = remoteIpDetailsOf(sourceIpOf(event), geoIp)
  return {
    actionType: 'KUBERNETES_API_CALL',
    kubernetesApiCallAction: {
      requestUri: event.requestURI,
      verb: event.verb,
      ...(event.sourceIPs !== undefined ? { sourceIPs: [...event.sourceIPs] } : {}),
      ...(event.userAgent !== undefined ? { userAgent: event.userAgent } : {}),
      ...(remote !== undefined ? { remoteIpDetails: remote } : {}),
      ...(event.responseStatus?.code !== undefined
        ? { statusCode: event.responseStatus.code }
        : {}),
      ...(ref?.resource !== undefined ? { resource: ref.resource } : {}),
      ...(ref?.subresource !== undefined ? { subresource: ref.subresource } : {}),
      ...(ref?.namespace !== undefined ? { namespace: ref.namespace } : {}),
      ...(ref?.name !== undefined ? { resourceName: ref.name } : {}),
    },
    ...(roleBinding !== undefined ? { kubernetesRoleBindingDetails: roleBinding } : {}),
  }
}

/** The cluster's key in aggregation keys (its ARN, else a placeholder). */
export function clusterKeyOf(cluster: KubernetesClusterDetails | undefined): string {
  return cluster === undefined ? 'unknown-cluster' : clusterArn(cluster)
}

/** The caller in words (`Kubernetes user alice`, `an anonymous user`). */
export function describeUser(event: KubernetesAuditEvent): string {
  if (isAnonymous(event)) return 'an anonymous user'
  return `Kubernetes user ${event.user.username ?? 'unknown'}`
}

/** The cluster in words (`EKS cluster prod`). */
export function describeCluster(cluster: KubernetesClusterDetails | undefined): string {
  return cluster === undefined ? 'the cluster' : `EKS cluster ${cluster.name}`
}
