/**
 * PrivilegedContainer and ContainerWithSensitiveMount over pod creations: a privileged container
 * from an image new to the cluster (once per image), a writable hostPath mount of a sensitive path
 * (init and ephemeral containers included); unprivileged pods, read-only or harmless mounts, failed
 * creations and other resources raise nothing.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { infoOf, runEntries } from '../../testing/harness.js'
import { auditEntries, auditEvent, CLUSTER_CONTEXT } from '../../testing/records.js'
import {
  containerWithSensitiveMount,
  isSensitiveHostPath,
  privilegedContainer,
} from './workload-security.js'

const pod = (spec: Record<string, unknown>, fields: Record<string, unknown> = {}) => {
  const body = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-7d5b5dd9cf-t8ngb',
      generateName: 'web-7d5b5dd9cf-',
      namespace: 'default',
      uid: '76e27404-d87c-11e8-88b6-080027728ac4',
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d5b5dd9cf', controller: true }],
    },
    spec,
  }
  return auditEvent({
    verb: 'create',
    requestURI: '/api/v1/namespaces/default/pods',
    objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
    requestObject: body,
    responseObject: body,
    responseStatus: { code: 201 },
    ...fields,
  })
}

test('sensitive host paths', () => {
  for (const path of [
    '/',
    '/etc',
    '/etc/',
    '/var/run/docker.sock',
    '/etc/kubernetes/manifests',
    '/root/.ssh',
  ]) {
    assert.ok(isSensitiveHostPath(path), path)
  }
  for (const path of ['/usr/local', '/var/log', '/etc/ssl/certs', '/data', '/opt/app']) {
    assert.equal(isSensitiveHostPath(path), false, path)
  }
})

test('a privileged container from a new image: once per image and cluster', async () => {
  const privileged = (image: string) =>
    pod({
      containers: [
        { name: 'app', image: 'nginx' },
        { name: 'agent', image, securityContext: { privileged: true } },
      ],
    })
  const run = await runEntries(
    [privilegedContainer()],
    auditEntries([
      privileged('public.ecr.aws/acme/agent:1.2'),
      privileged('public.ecr.aws/acme/agent:1.2'),
      privileged('mysql'),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.equal(run.findings.length, 2)
  const [first] = run.findings
  assert.equal(first?.type, 'PrivilegeEscalation:Kubernetes/PrivilegedContainer')
  assert.equal(first?.severity, 5)
  assert.equal(first?.service.count, 1)
  assert.deepEqual(infoOf(first).images, ['public.ecr.aws/acme/agent:1.2'])
  const workload = (
    first?.resource as {
      kubernetesDetails: { kubernetesWorkloadDetails: { containers: unknown[]; type: string } }
    }
  ).kubernetesDetails.kubernetesWorkloadDetails
  assert.equal(workload.type, 'pods')
  assert.deepEqual(workload.containers[1], {
    name: 'agent',
    image: 'public.ecr.aws/acme/agent:1.2',
    imagePrefix: 'public.ecr.aws',
    volumeMounts: [],
    securityContext: { privileged: true, allowPrivilegeEscalation: true },
  })
})

test('a writable sensitive hostPath mount: ContainerWithSensitiveMount', async () => {
  const run = await runEntries(
    [containerWithSensitiveMount()],
    auditEntries([
      pod({
        initContainers: [
          { name: 'init', image: 'busybox', volumeMounts: [{ name: 'sock', mountPath: '/sock' }] },
        ],
        containers: [{ name: 'app', image: 'nginx' }],
        volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }],
      }),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.equal(run.findings.length, 1)
  assert.equal(run.findings[0]?.type, 'Persistence:Kubernetes/ContainerWithSensitiveMount')
  assert.deepEqual(infoOf(run.findings[0]).mounts, ['init: /var/run/docker.sock → /sock'])
})

test('unprivileged pods, read-only or harmless mounts and failed creations raise nothing', async () => {
  const run = await runEntries(
    [privilegedContainer(), containerWithSensitiveMount()],
    auditEntries([
      pod({
        containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: false } }],
      }),
      pod({
        containers: [
          {
            name: 'app',
            image: 'nginx',
            volumeMounts: [
              { name: 'etc', mountPath: '/host/etc', readOnly: true },
              { name: 'local', mountPath: '/host/local' },
            ],
          },
        ],
        volumes: [
          { name: 'etc', hostPath: { path: '/etc' } },
          { name: 'local', hostPath: { path: '/usr/local' } },
        ],
      }),
      pod(
        { containers: [{ name: 'x', image: 'evil', securityContext: { privileged: true } }] },
        { responseStatus: { code: 403 }, responseObject: { kind: 'Status' } },
      ),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.equal(run.findings.length, 0)
})
