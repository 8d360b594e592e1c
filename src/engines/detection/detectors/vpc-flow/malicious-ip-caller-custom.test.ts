/**
 * UnauthorizedAccess:EC2/MaliciousIPCaller.Custom: traffic with a threat-listed address in either
 * direction (ACTOR when the instance opened it, TARGET otherwise), the list named; rejected inbound
 * traffic, unlisted and trusted addresses raise nothing.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { infoOf, runEntries } from '../../testing/harness.js'
import { FLOW_CONTEXT, flowEntries, flowRecord, LOCAL_IP } from '../../testing/records.js'
import { ThreatListMatcher } from '../../threat-lists/threat-list-matcher.js'
import { ec2MaliciousIpCallerCustom } from './malicious-ip-caller-custom.js'

const matcher = (trusted: string[] = []) =>
  new ThreatListMatcher([
    {
      id: 'l1',
      name: 'IncidentIPs',
      kind: 'threat',
      entries: { ips: [], cidrs: ['45.33.32.0/24'], domains: [] },
    },
    {
      id: 't1',
      name: 'Office',
      kind: 'trusted',
      entries: { ips: trusted, cidrs: [], domains: [] },
    },
  ])
const lists = (m: ThreatListMatcher) => ({
  context: FLOW_CONTEXT,
  threatLists: { matcher: () => Promise.resolve(m) },
})

test('listed peers in both directions: ACTOR outbound, TARGET inbound, the list named', async () => {
  const run = await runEntries(
    [ec2MaliciousIpCallerCustom()],
    flowEntries([
      flowRecord({ srcaddr: LOCAL_IP, dstaddr: '45.33.32.156', srcport: 41000, dstport: 8009 }),
      flowRecord({ srcaddr: '45.33.32.10', dstaddr: LOCAL_IP, srcport: 51000, dstport: 22 }),
      flowRecord({ srcaddr: LOCAL_IP, dstaddr: '34.201.7.10', srcport: 41001, dstport: 443 }),
    ]),
    lists(matcher()),
  )
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, 'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom')
  assert.equal(finding?.severity, 5)
  assert.equal(finding?.service.count, 2)
  // The latest occurrence's details: the inbound one.
  assert.equal(finding?.service.resourceRole, 'TARGET')
  assert.equal(infoOf(finding).threatListName, 'IncidentIPs')
  assert.deepEqual(finding?.service.evidence, {
    threatIntelligenceDetails: [{ threatListName: 'IncidentIPs' }],
  })
})

test('rejected inbound traffic and trusted addresses raise nothing', async () => {
  const run = await runEntries(
    [ec2MaliciousIpCallerCustom()],
    flowEntries([
      flowRecord({
        srcaddr: '45.33.32.10',
        dstaddr: LOCAL_IP,
        srcport: 51000,
        dstport: 22,
        action: 'REJECT',
      }),
      flowRecord({ srcaddr: LOCAL_IP, dstaddr: '45.33.32.99', srcport: 41000, dstport: 443 }),
    ]),
    lists(matcher(['45.33.32.99'])),
  )
  assert.equal(run.findings.length, 0)
  assert.equal(run.summary.trustedSuppressed, 1)
})
