/**
 * AnonymousAccessGranted and AdminAccessToDefaultServiceAccount: bindings that grant roles to
 * system:anonymous / system:unauthenticated, or admin roles to a default service account, raise
 * them with the binding's details; other subjects, other roles, the built-in public-info binding
 * and failed writes do not.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runEntries } from '../../testing/harness.js'
import { auditEntries, auditEvent, CLUSTER_CONTEXT } from '../../testing/records.js'
import {
  adminAccessToDefaultServiceAccount,
  anonymousAccessGranted,
} from './role-binding-policy.js'

const binding = (
  name: string,
  roleRef: string,
  subjects: Record<string, string>[],
  fields: Record<string, unknown> = {},
) => {
  const body = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, uid: `uid-${name}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleRef },
    subjects,
  }
  return auditEvent({
    verb: 'create',
    requestURI: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
    objectRef: { resource: 'clusterrolebindings', name, apiGroup: 'rbac.authorization.k8s.io' },
    requestObject: body,
    responseObject: body,
    responseStatus: { code: 201 },
    ...fields,
  })
}

const detectors = () => [anonymousAccessGranted(), adminAccessToDefaultServiceAccount()]

test('a binding to system:anonymous: AnonymousAccessGranted with the binding details', async () => {
  const run = await runEntries(
    detectors(),
    auditEntries([
      binding('anon-view', 'view', [
        { kind: 'User', name: 'system:anonymous', apiGroup: 'rbac.authorization.k8s.io' },
      ]),
      binding('unauth-edit', 'edit', [
        { kind: 'Group', name: 'system:unauthenticated', apiGroup: 'rbac.authorization.k8s.io' },
      ]),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.equal(run.findings.length, 2)
  const first = run.findings[0]
  assert.equal(first?.type, 'Policy:Kubernetes/AnonymousAccessGranted')
  assert.equal(first?.severity, 8)
  const action = first?.service.action as { kubernetesRoleBindingDetails: Record<string, unknown> }
  assert.deepEqual(action.kubernetesRoleBindingDetails, {
    kind: 'ClusterRoleBinding',
    name: 'anon-view',
    uid: 'uid-anon-view',
    roleRefName: 'view',
    roleRefKind: 'ClusterRole',
  })
})

test('cluster-admin to a default service account: AdminAccessToDefaultServiceAccount', async () => {
  const run = await runEntries(
    detectors(),
    auditEntries([
      binding('default-admin', 'cluster-admin', [
        { kind: 'ServiceAccount', name: 'default', namespace: 'default' },
      ]),
      binding('sa-user-admin', 'admin', [
        { kind: 'User', name: 'system:serviceaccount:apps:default' },
      ]),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.deepEqual(
    run.findings.map((f) => [f.type, f.severity]),
    [
      ['Policy:Kubernetes/AdminAccessToDefaultServiceAccount', 8],
      ['Policy:Kubernetes/AdminAccessToDefaultServiceAccount', 8],
    ],
  )
})

test('other subjects and roles, built-in bindings and failed writes raise nothing', async () => {
  const run = await runEntries(
    detectors(),
    auditEntries([
      // Falco's attach_cluster_admin_role: cluster-admin to a named user.
      binding('some-reader-binding', 'cluster-admin', [
        { kind: 'User', name: 'minikube', apiGroup: 'rbac.authorization.k8s.io' },
      ]),
      binding('default-view', 'view', [
        { kind: 'ServiceAccount', name: 'default', namespace: 'x' },
      ]),
      binding('builder-admin', 'cluster-admin', [
        { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
      ]),
      binding('system:public-info-viewer', 'system:public-info-viewer', [
        { kind: 'Group', name: 'system:unauthenticated' },
      ]),
      binding('anon-denied', 'view', [{ kind: 'User', name: 'system:anonymous' }], {
        responseStatus: { code: 403 },
        responseObject: { kind: 'Status', status: 'Failure' },
      }),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.equal(run.findings.length, 0)
})
