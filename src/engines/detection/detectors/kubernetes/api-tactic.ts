/**
 * The tactic a Kubernetes API request serves, which names the threat purpose of the
 * `*:Kubernetes/SuccessfulAnonymousAccess`, `*:Kubernetes/MaliciousIPCaller.Custom` and
 * `*:Kubernetes/TorIPCaller` types. GuardDuty names the categories (credential access: reading
 * secrets; discovery: get/list; persistence: creating footholds such as cron jobs, daemon sets or
 * service accounts; impact: changing or deleting resources; defense evasion: deleting evidence) but
 * not the exact mapping; this module owns Vigil's:
 *
 * - requests without an object (`/version`, `/healthz`, `/openapi/v2`…) have no tactic (clusters let
 *   anyone read them; they are not findings);
 * - `get`, `list`, `watch` of `secrets` → CredentialAccess; `create` of `serviceaccounts/token` →
 *   CredentialAccess; any other `get`, `list`, `watch` → Discovery;
 * - `delete`/`deletecollection` of `events` → DefenseEvasion;
 * - `create`, `update`, `patch` of workloads (pods, deployments, daemon sets, stateful sets, replica
 *   sets, replication controllers, jobs, cron jobs), service accounts, RBAC objects and admission
 *   webhooks → Persistence (exec, attach and port-forward into pods are Impact);
 * - every other write (`create`, `update`, `patch`, `delete`, `deletecollection`, and verbs such as
 *   `impersonate`, `bind`, `escalate`) → Impact.
 */
import type { KubernetesAuditEvent } from '../../sources/index.js'

/** A threat purpose of the Kubernetes API-caller types. */
export type KubernetesTactic =
  'CredentialAccess' | 'DefenseEvasion' | 'Discovery' | 'Impact' | 'Persistence'

/** Every tactic, in catalog order. */
export const KUBERNETES_TACTICS: readonly KubernetesTactic[] = [
  'CredentialAccess',
  'DefenseEvasion',
  'Discovery',
  'Impact',
  'Persistence',
]

const READ_VERBS: ReadonlySet<string> = new Set(['get', 'list', 'watch'])
const CHANGE_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch'])
const PERSISTENCE_RESOURCES: ReadonlySet<string> = new Set([
  'pods',
  'deployments',
  'daemonsets',
  'statefulsets',
  'replicasets',
  'replicationcontrollers',
  'jobs',
  'cronjobs',
  'serviceaccounts',
  'roles',
  'rolebindings',
  'clusterroles',
  'clusterrolebindings',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
])

/** The tactic of a request (see the module comment), or undefined for non-resource requests. */
export function kubernetesTactic(event: KubernetesAuditEvent): KubernetesTactic | undefined {
  const resource = event.objectRef?.resource
  if (resource === undefined || resource === '') return undefined
  const subresource = event.objectRef?.subresource
  const verb = event.verb
  if (READ_VERBS.has(verb)) return resource === 'secrets' ? 'CredentialAccess' : 'Discovery'
  if (verb === 'create' && resource === 'serviceaccounts' && subresource === 'token') {
    return 'CredentialAccess'
  }
  if ((verb === 'delete' || verb === 'deletecollection') && resource === 'events') {
    return 'DefenseEvasion'
  }
  if (CHANGE_VERBS.has(verb) && PERSISTENCE_RESOURCES.has(resource)) {
    const intoPod = resource === 'pods' && subresource !== undefined && subresource !== 'status'
    return intoPod ? 'Impact' : 'Persistence'
  }
  return 'Impact'
}
