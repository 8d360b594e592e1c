/**
 * The role-binding policy detectors: a successful `create`, `update` or `patch` of a `RoleBinding`
 * or `ClusterRoleBinding` that grants permissions to someone it should not. The binding is read
 * from the response body (the stored object) when the audit level recorded it, else from the
 * request body.
 *
 * - `Policy:Kubernetes/AnonymousAccessGranted` (High 8): a subject is the user `system:anonymous`
 *   or the group `system:unauthenticated`. The API server's own reconciliation of its bootstrap
 *   bindings (user `system:apiserver`) and the built-in `system:public-info-viewer` role (which every
 *   cluster grants to unauthenticated users) do not count.
 * - `Policy:Kubernetes/AdminAccessToDefaultServiceAccount` (High 8): the role is the `cluster-admin`
 *   or `admin` ClusterRole and a subject is a namespace's `default` service account (as a
 *   `ServiceAccount` subject or the user `system:serviceaccount:<ns>:default`), or the groups of
 *   every service account (`system:serviceaccounts`, `system:serviceaccounts:<ns>`), which include
 *   it.
 *
 * A binding of `cluster-admin` to anyone else (Falco's `attach_cluster_admin_role` trace) is not a
 * finding: the only GuardDuty type for it, `PrivilegeEscalation:Kubernetes/AnomalousBehavior.
 * RoleBindingCreated`, is a behaviour-model type Vigil does not emulate. Action:
 * `KUBERNETES_API_CALL` with `kubernetesRoleBindingDetails`. Resource role TARGET. Aggregation:
 * type + cluster + binding (kind, namespace, name).
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
  isJson,
  kubernetesApiCallAction,
  objectBodyOf,
  objectOf,
  stringOf,
  succeeded,
  WRITE_VERBS,
  type Json,
} from './kubernetes-call.js'

/** The finding type. */
export const ANONYMOUS_ACCESS_GRANTED = 'Policy:Kubernetes/AnonymousAccessGranted'
/** The finding type. */
export const ADMIN_ACCESS_TO_DEFAULT_SERVICE_ACCOUNT =
  'Policy:Kubernetes/AdminAccessToDefaultServiceAccount'

/** A binding as the request left it. */
interface Binding {
  readonly kind: string
  readonly name: string
  readonly namespace: string | undefined
  readonly uid: string | undefined
  readonly roleRefName: string
  readonly roleRefKind: string
  /** The matching subjects, as `Kind/name` (namespaced service accounts `ServiceAccount/ns/name`). */
  readonly subjects: readonly string[]
}

/** Options of the detectors. */
export interface RoleBindingPolicyOptions {
  readonly geoIp?: GeoIpLookup
}

const isBindingWrite = (event: KubernetesAuditEvent): boolean =>
  WRITE_VERBS.has(event.verb) &&
  (event.objectRef?.resource === 'rolebindings' ||
    event.objectRef?.resource === 'clusterrolebindings')

/** The binding of a successful write, keeping the subjects `keep` selects. */
function bindingOf(
  event: KubernetesAuditEvent,
  keep: (subject: Json) => boolean,
): Binding | undefined {
  if (!succeeded(event)) return undefined
  const body = objectBodyOf(event)
  if (body === undefined) return undefined
  const roleRef = objectOf(body.roleRef)
  const roleRefName = stringOf(roleRef.name)
  if (roleRefName === undefined) return undefined
  const subjects = arrayOf(body.subjects)
    .filter(isJson)
    .filter(keep)
    .map((subject) =>
      [stringOf(subject.kind), stringOf(subject.namespace), stringOf(subject.name)]
        .filter((part) => part !== undefined)
        .join('/'),
    )
  if (subjects.length === 0) return undefined
  const metadata = objectOf(body.metadata)
  const resource = event.objectRef?.resource
  return {
    kind: resource === 'clusterrolebindings' ? 'ClusterRoleBinding' : 'RoleBinding',
    name: stringOf(metadata.name) ?? event.objectRef?.name ?? 'unknown-binding',
    namespace: stringOf(metadata.namespace) ?? event.objectRef?.namespace,
    uid: stringOf(metadata.uid),
    roleRefName,
    roleRefKind: stringOf(roleRef.kind) ?? 'ClusterRole',
    subjects,
  }
}

/** The detection of a binding. */
function buildBindingDetection(
  type: string,
  binding: Binding,
  event: DetectorEvent<'k8s-audit'>,
  options: RoleBindingPolicyOptions,
  texts: { readonly title: string; readonly description: string },
) {
  const { record, scope, cluster } = event
  return {
    scope,
    aggregationKey: aggregationKey(
      type,
      clusterKeyOf(cluster),
      binding.kind,
      binding.namespace ?? '',
      binding.name,
    ),
    eventTimeMs: event.eventTimeMs,
    finding: findingContent({
      type,
      severity: 8,
      title: texts.title,
      description: texts.description,
      resource: clusterResource(cluster, record),
      action: kubernetesApiCallAction(record, options.geoIp, {
        kind: binding.kind,
        name: binding.name,
        ...(binding.uid !== undefined ? { uid: binding.uid } : {}),
        roleRefName: binding.roleRefName,
        roleRefKind: binding.roleRefKind,
      }),
      resourceRole: 'TARGET',
      info: { subjects: binding.subjects },
    }),
  }
}

const ANONYMOUS_EXEMPT_ROLES: ReadonlySet<string> = new Set(['system:public-info-viewer'])

/** `Policy:Kubernetes/AnonymousAccessGranted`. */
export function anonymousAccessGranted(
  options: RoleBindingPolicyOptions = {},
): Detector<'k8s-audit', Binding> {
  return defineDetector<'k8s-audit', Binding>({
    id: 'k8s-audit/anonymous-access-granted',
    source: 'k8s-audit',
    features: ['EKS_AUDIT_LOGS'],
    findingTypes: [{ type: ANONYMOUS_ACCESS_GRANTED, severity: 8, resourceType: 'EKSCluster' }],
    prefilter: isBindingWrite,
    match(event: DetectorEvent<'k8s-audit'>): Binding | undefined {
      if (event.record.user.username === 'system:apiserver') return undefined
      const binding = bindingOf(
        event.record,
        (subject) =>
          (subject.kind === 'User' && subject.name === 'system:anonymous') ||
          (subject.kind === 'Group' && subject.name === 'system:unauthenticated'),
      )
      return binding === undefined || ANONYMOUS_EXEMPT_ROLES.has(binding.roleRefName)
        ? undefined
        : binding
    },
    build(binding: Binding, event: DetectorEvent<'k8s-audit'>) {
      return buildBindingDetection(ANONYMOUS_ACCESS_GRANTED, binding, event, options, {
        title: `Anonymous access was granted in ${describeCluster(event.cluster)}.`,
        description:
          `${describeUser(event.record)} bound ${binding.roleRefKind} ${binding.roleRefName} to ` +
          `${binding.subjects.join(', ')} with ${binding.kind} ${binding.name}: anyone who can ` +
          'reach the API server now has these permissions without credentials.',
      })
    },
  })
}

const ADMIN_ROLES: ReadonlySet<string> = new Set(['cluster-admin', 'admin'])

/** Whether a subject is, or includes, a namespace's `default` service account. */
function coversDefaultServiceAccount(subject: Json): boolean {
  const name = stringOf(subject.name)
  if (name === undefined) return false
  switch (subject.kind) {
    case 'ServiceAccount':
      return name === 'default'
    case 'User':
      return name.startsWith('system:serviceaccount:') && name.endsWith(':default')
    case 'Group':
      return name === 'system:serviceaccounts' || name.startsWith('system:serviceaccounts:')
    default:
      return false
  }
}

/** `Policy:Kubernetes/AdminAccessToDefaultServiceAccount`. */
export function adminAccessToDefaultServiceAccount(
  options: RoleBindingPolicyOptions = {},
): Detector<'k8s-audit', Binding> {
  return defineDetector<'k8s-audit', Binding>({
    id: 'k8s-audit/admin-access-to-default-service-account',
    source: 'k8s-audit',
    features: ['EKS_AUDIT_LOGS'],
    findingTypes: [
      { type: ADMIN_ACCESS_TO_DEFAULT_SERVICE_ACCOUNT, severity: 8, resourceType: 'EKSCluster' },
    ],
    prefilter: isBindingWrite,
    match(event: DetectorEvent<'k8s-audit'>): Binding | undefined {
      const binding = bindingOf(event.record, coversDefaultServiceAccount)
      if (binding === undefined || !ADMIN_ROLES.has(binding.roleRefName)) return undefined
      return binding.roleRefKind === 'ClusterRole' ? binding : undefined
    },
    build(binding: Binding, event: DetectorEvent<'k8s-audit'>) {
      return buildBindingDetection(
        ADMIN_ACCESS_TO_DEFAULT_SERVICE_ACCOUNT,
        binding,
        event,
        options,
        {
          title: `The default service account was granted admin access in ${describeCluster(event.cluster)}.`,
          description:
            `${describeUser(event.record)} bound ClusterRole ${binding.roleRefName} to ` +
            `${binding.subjects.join(', ')} with ${binding.kind} ${binding.name}. Every pod that ` +
            'does not name a service account runs as default and now has administrator rights.',
        },
      )
    },
  })
}
