/**
 * The Kubernetes detectors over Falco's audit traces (`../shared/datasets/k8s-audit/falco/`, real
 * `audit.k8s.io` events of a 2018 minikube), each trace read by the real reader and run through a
 * fresh detector set (traces are independent scenarios; two of them even share an `auditID`):
 *
 * - `create_nginx_pod_privileged`, `…_privileged_2nd_container` and
 *   `…_no_secctx_1st_container_privileged_2nd_container` → `PrivilegeEscalation:Kubernetes/
 *   PrivilegedContainer`;
 * - `create_nginx_pod_sensitive_mount` and `…_sensitive_mount_2nd_container` (hostPath `/etc`,
 *   writable) → `Persistence:Kubernetes/ContainerWithSensitiveMount`;
 * - `anonymous_creates_namespace_foo` (`system:anonymous` creates a namespace, 201) →
 *   `Impact:Kubernetes/SuccessfulAnonymousAccess`;
 * - every other trace → nothing: the negatives (`…_unprivileged`, `…_unsensitive_mount`,
 *   `…_nonodeport`), `exec_pod` and `attach_pod` (namespace `default`, not kube-system),
 *   `attach_cluster_admin_role` (cluster-admin bound to a named user: no deterministic GuardDuty
 *   type), kube-system/kube-public pods and service accounts, the NodePort Service, role and
 *   config map changes; `fal_01_003.json` (`{"kind": 0}`) is reported malformed and skipped.
 */
import assert from 'node:assert/strict'
import { createReadStream, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { readLogObject } from '../../sources/index.js'
import { datasetPath } from '../../sources/test-datasets.js'
import { runEntries } from '../../testing/harness.js'
import { CLUSTER_CONTEXT } from '../../testing/records.js'
import { kubernetesDetectors } from './index.js'

const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  'create_nginx_pod_privileged.json': ['PrivilegeEscalation:Kubernetes/PrivilegedContainer'],
  'create_nginx_pod_privileged_2nd_container.json': [
    'PrivilegeEscalation:Kubernetes/PrivilegedContainer',
  ],
  'create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json': [
    'PrivilegeEscalation:Kubernetes/PrivilegedContainer',
  ],
  'create_nginx_pod_sensitive_mount.json': ['Persistence:Kubernetes/ContainerWithSensitiveMount'],
  'create_nginx_pod_sensitive_mount_2nd_container.json': [
    'Persistence:Kubernetes/ContainerWithSensitiveMount',
  ],
  'anonymous_creates_namespace_foo.json': ['Impact:Kubernetes/SuccessfulAnonymousAccess'],
}

test('Falco k8s audit traces: the positives and nothing for the negatives', async (t) => {
  const dir = datasetPath(t, 'k8s-audit/falco')
  if (dir === undefined) return
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
  assert.equal(files.length, 47)
  const found: Record<string, string[]> = {}
  for (const file of files) {
    const reader = readLogObject(createReadStream(join(dir, file)), {
      name: file,
      hint: 'k8s-audit',
    })
    const run = await runEntries(kubernetesDetectors(), reader.batches(), {
      context: CLUSTER_CONTEXT,
    })
    if (file === 'fal_01_003.json') assert.equal(reader.report.malformedCount, 1)
    assert.deepEqual(run.summary.detectorErrors, {}, file)
    const types = run.findings.map((f) => f.type).sort()
    if (types.length > 0) found[file] = types
  }
  assert.deepEqual(found, EXPECTED)
})

test('Falco traces: the privileged pod finding shows the cluster, the user and the workload', async (t) => {
  const dir = datasetPath(t, 'k8s-audit/falco')
  if (dir === undefined) return
  const file = 'create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json'
  const reader = readLogObject(createReadStream(join(dir, file)), { name: file, hint: 'k8s-audit' })
  const run = await runEntries(kubernetesDetectors(), reader.batches(), {
    context: CLUSTER_CONTEXT,
  })
  const [finding] = run.findings
  assert.ok(finding)
  const resource = finding.resource as {
    resourceType: string
    eksClusterDetails: { name: string }
    kubernetesDetails: {
      kubernetesUserDetails: { username: string }
      kubernetesWorkloadDetails: {
        namespace: string
        containers: { name: string; securityContext: { privileged: boolean } }[]
      }
    }
  }
  assert.equal(resource.resourceType, 'EKSCluster')
  assert.equal(resource.eksClusterDetails.name, 'prod')
  assert.equal(
    resource.kubernetesDetails.kubernetesUserDetails.username,
    'system:serviceaccount:kube-system:replicaset-controller',
  )
  const workload = resource.kubernetesDetails.kubernetesWorkloadDetails
  assert.equal(workload.namespace, 'default')
  assert.deepEqual(
    workload.containers.map((c) => [c.name, c.securityContext.privileged]),
    [
      ['nginx1', false],
      ['mysql', true],
    ],
  )
  const action = finding.service.action as { kubernetesApiCallAction: Record<string, unknown> }
  assert.equal(action.kubernetesApiCallAction.verb, 'create')
  assert.equal(action.kubernetesApiCallAction.resource, 'pods')
  assert.equal(action.kubernetesApiCallAction.statusCode, 201)
})
