/**
 * Execution:Kubernetes/ExecInKubeSystemPod: a successful exec into a kube-system pod raises it
 * with the cluster, user and pod; exec elsewhere (Falco's `exec_pod` is in `default`), denied exec,
 * attach and the RequestReceived stage do not; the two later stages of one exec are one occurrence.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { infoOf, runEntries } from '../../testing/harness.js'
import { auditEntries, auditEvent, CLUSTER_CONTEXT } from '../../testing/records.js'
import { execInKubeSystemPod } from './exec-in-kube-system-pod.js'

const exec = (namespace: string, fields: Record<string, unknown> = {}) =>
  auditEvent({
    verb: 'create',
    requestURI: `/api/v1/namespaces/${namespace}/pods/kube-proxy-x2x7k/exec?command=sh&command=-c&command=id&stdin=true`,
    objectRef: {
      resource: 'pods',
      namespace,
      name: 'kube-proxy-x2x7k',
      subresource: 'exec',
      apiVersion: 'v1',
    },
    responseStatus: { code: 101 },
    stage: 'ResponseStarted',
    ...fields,
  })

test('exec into a kube-system pod: Medium, with the pod and the command', async () => {
  const first = exec('kube-system')
  const complete = auditEvent({ ...first, stage: 'ResponseComplete', auditID: first.auditID })
  const run = await runEntries(
    [execInKubeSystemPod()],
    auditEntries([auditEvent({ ...first, stage: 'RequestReceived' }), first, complete]),
    { context: CLUSTER_CONTEXT },
  )
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, 'Execution:Kubernetes/ExecInKubeSystemPod')
  assert.equal(finding?.severity, 5)
  assert.equal(finding?.service.count, 1)
  assert.equal(run.summary.skipped.duplicate, 1)
  assert.equal(run.summary.skipped['event-not-analyzed'], 1)
  assert.equal(infoOf(finding).command, 'sh -c id')
  const resource = finding?.resource as {
    eksClusterDetails: Record<string, unknown>
    kubernetesDetails: {
      kubernetesUserDetails: Record<string, unknown>
      kubernetesWorkloadDetails: Record<string, unknown>
    }
  }
  assert.equal(resource.eksClusterDetails.name, 'prod')
  assert.equal(resource.eksClusterDetails.arn, 'arn:aws:eks:us-east-1:111122223333:cluster/prod')
  assert.deepEqual(resource.kubernetesDetails.kubernetesUserDetails.sessionName, ['alice'])
  assert.equal(resource.kubernetesDetails.kubernetesWorkloadDetails.name, 'kube-proxy-x2x7k')
  const action = finding?.service.action as { kubernetesApiCallAction: Record<string, unknown> }
  assert.equal(action.kubernetesApiCallAction.subresource, 'exec')
  assert.deepEqual(action.kubernetesApiCallAction.sourceIPs, ['203.0.113.50'])
  assert.equal(action.kubernetesApiCallAction.statusCode, 101)
})

test('exec in another namespace, denied exec and attach raise nothing', async () => {
  const run = await runEntries(
    [execInKubeSystemPod()],
    auditEntries([
      exec('default'),
      exec('kube-system', { responseStatus: { code: 403 } }),
      exec('kube-system', {
        objectRef: {
          resource: 'pods',
          namespace: 'kube-system',
          name: 'coredns',
          subresource: 'attach',
        },
      }),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.equal(run.findings.length, 0)
})
