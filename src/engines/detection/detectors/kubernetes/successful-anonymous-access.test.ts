/**
 * *:Kubernetes/SuccessfulAnonymousAccess: successful anonymous requests raise the type of their
 * tactic (Discovery Medium; CredentialAccess, Impact, Persistence, DefenseEvasion High); denied
 * anonymous requests, non-resource paths and authenticated users do not.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runEntries } from '../../testing/harness.js'
import { auditEntries, auditEvent, CLUSTER_CONTEXT } from '../../testing/records.js'
import { successfulAnonymousAccess } from './successful-anonymous-access.js'

const ANONYMOUS = { username: 'system:anonymous', groups: ['system:unauthenticated'] }
const anonymous = (verb: string, resource: string | undefined, code = 200, from = '45.33.32.156') =>
  auditEvent({
    verb,
    user: ANONYMOUS,
    sourceIPs: [from],
    requestURI: resource === undefined ? '/version' : `/api/v1/${resource}`,
    objectRef: resource === undefined ? undefined : { resource, apiVersion: 'v1' },
    responseStatus: { code },
  })

test('each tactic gets its type and severity', async () => {
  const run = await runEntries(
    [successfulAnonymousAccess()],
    auditEntries([
      anonymous('list', 'pods', 200, '45.33.32.1'),
      anonymous('get', 'secrets', 200, '45.33.32.2'),
      anonymous('create', 'namespaces', 201, '45.33.32.3'),
      anonymous('create', 'cronjobs', 201, '45.33.32.4'),
      anonymous('delete', 'events', 200, '45.33.32.5'),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.deepEqual(run.findings.map((f) => [f.type, f.severity]).sort(), [
    ['CredentialAccess:Kubernetes/SuccessfulAnonymousAccess', 8],
    ['DefenseEvasion:Kubernetes/SuccessfulAnonymousAccess', 8],
    ['Discovery:Kubernetes/SuccessfulAnonymousAccess', 5],
    ['Impact:Kubernetes/SuccessfulAnonymousAccess', 8],
    ['Persistence:Kubernetes/SuccessfulAnonymousAccess', 8],
  ])
})

test('denied requests, /version and authenticated users raise nothing', async () => {
  const run = await runEntries(
    [successfulAnonymousAccess()],
    auditEntries([
      anonymous('list', 'pods', 403),
      anonymous('get', undefined, 200),
      auditEvent({ verb: 'list', requestURI: '/api/v1/secrets' }),
    ]),
    { context: CLUSTER_CONTEXT },
  )
  assert.equal(run.findings.length, 0)
})
