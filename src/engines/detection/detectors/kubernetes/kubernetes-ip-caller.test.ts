/**
 * *:Kubernetes/MaliciousIPCaller.Custom and *:Kubernetes/TorIPCaller: requests from a threat-listed
 * address or a Tor exit node raise the type of their tactic (failed ones too); other addresses,
 * non-resource paths and a missing Tor list do not; trusted lists win.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TorExitNodes } from '../../enrichment/tor-exit-nodes.js'
import { infoOf, runEntries } from '../../testing/harness.js'
import { auditEntries, auditEvent, CLUSTER_CONTEXT } from '../../testing/records.js'
import { ThreatListMatcher } from '../../threat-lists/threat-list-matcher.js'
import { kubernetesMaliciousIpCallerCustom, kubernetesTorIpCaller } from './kubernetes-ip-caller.js'

const from = (ip: string, verb: string, resource: string | undefined, code = 200) =>
  auditEvent({
    sourceIPs: [ip],
    verb,
    requestURI: resource === undefined ? '/healthz' : `/api/v1/${resource}`,
    objectRef: resource === undefined ? undefined : { resource, apiVersion: 'v1' },
    responseStatus: { code },
  })

const lists = (trusted: string[] = []) => ({
  context: CLUSTER_CONTEXT,
  threatLists: {
    matcher: () =>
      Promise.resolve(
        new ThreatListMatcher([
          {
            id: 'l1',
            name: 'IncidentIPs',
            kind: 'threat',
            entries: { ips: ['45.33.32.156'], cidrs: [], domains: [] },
          },
          {
            id: 't1',
            name: 'Office',
            kind: 'trusted',
            entries: { ips: trusted, cidrs: [], domains: [] },
          },
        ]),
      ),
  },
})

test('threat-listed callers: Discovery (Medium) and Impact (High), failed calls too', async () => {
  const run = await runEntries(
    [kubernetesMaliciousIpCallerCustom()],
    auditEntries([
      from('45.33.32.156', 'list', 'pods'),
      from('45.33.32.156', 'delete', 'deployments', 403),
      from('45.33.32.156', 'get', undefined),
      from('34.201.7.10', 'list', 'pods'),
    ]),
    lists(),
  )
  assert.deepEqual(run.findings.map((f) => [f.type, f.severity]).sort(), [
    ['Discovery:Kubernetes/MaliciousIPCaller.Custom', 5],
    ['Impact:Kubernetes/MaliciousIPCaller.Custom', 8],
  ])
  assert.equal(infoOf(run.findings[0]).threatListName, 'IncidentIPs')
  const trusted = await runEntries(
    [kubernetesMaliciousIpCallerCustom()],
    auditEntries([from('45.33.32.156', 'list', 'pods')]),
    lists(['45.33.32.156']),
  )
  assert.equal(trusted.findings.length, 0)
})

test('Tor exit nodes: TorIPCaller by tactic; no list, no finding', async () => {
  const exits = TorExitNodes.parse('185.220.101.1\n')
  const events = [from('185.220.101.1', 'get', 'secrets'), from('34.201.7.10', 'get', 'secrets')]
  const run = await runEntries(
    [kubernetesTorIpCaller({ torExitNodes: exits })],
    auditEntries(events),
    {
      context: CLUSTER_CONTEXT,
    },
  )
  assert.deepEqual(
    run.findings.map((f) => [f.type, f.severity]),
    [['CredentialAccess:Kubernetes/TorIPCaller', 8]],
  )
  const none = await runEntries([kubernetesTorIpCaller()], auditEntries(events), {
    context: CLUSTER_CONTEXT,
  })
  assert.equal(none.findings.length, 0)
})
