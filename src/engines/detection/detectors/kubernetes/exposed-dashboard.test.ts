/**
 * ExposedDashboard / KubeflowDashboardExposed: a LoadBalancer Service in front of the Kubernetes or
 * Kubeflow dashboard raises them; internal load balancers, restricted source ranges, other Service
 * types (Falco's NodePort trace) and other apps do not.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runEntries } from '../../testing/harness.js'
import { auditEntries, auditEvent, CLUSTER_CONTEXT } from '../../testing/records.js'
import { exposedDashboard } from './exposed-dashboard.js'

const service = (
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
) => {
  const body = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, annotations },
    spec,
  }
  return auditEvent({
    verb: 'create',
    requestURI: `/api/v1/namespaces/${namespace}/services`,
    objectRef: { resource: 'services', namespace, apiVersion: 'v1' },
    requestObject: body,
    responseObject: body,
    responseStatus: { code: 201 },
  })
}

test('dashboards behind internet-facing load balancers', async () => {
  const run = await runEntries(
    [exposedDashboard()],
    auditEntries([
      service('kubernetes-dashboard', 'kubernetes-dashboard', {
        type: 'LoadBalancer',
        selector: { 'k8s-app': 'kubernetes-dashboard' },
      }),
      service('centraldashboard-lb', 'kubeflow', {
        type: 'LoadBalancer',
        selector: { app: 'centraldashboard' },
        loadBalancerSourceRanges: ['0.0.0.0/0'],
      }),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.deepEqual(
    run.findings.map((f) => [f.type, f.severity]),
    [
      ['Policy:Kubernetes/ExposedDashboard', 5],
      ['Policy:Kubernetes/KubeflowDashboardExposed', 5],
    ],
  )
})

test('internal or restricted load balancers, NodePorts and other apps raise nothing', async () => {
  const selector = { 'k8s-app': 'kubernetes-dashboard' }
  const run = await runEntries(
    [exposedDashboard()],
    auditEntries([
      service(
        'd1',
        'ns',
        { type: 'LoadBalancer', selector },
        {
          'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
        },
      ),
      service(
        'd2',
        'ns',
        { type: 'LoadBalancer', selector },
        {
          'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
        },
      ),
      service('d3', 'ns', {
        type: 'LoadBalancer',
        selector,
        loadBalancerSourceRanges: ['10.0.0.0/8'],
      }),
      service('d4', 'ns', { type: 'NodePort', selector }),
      service('nginx', 'default', { type: 'LoadBalancer', selector: { app: 'nginx' } }),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.equal(run.findings.length, 0)
})
