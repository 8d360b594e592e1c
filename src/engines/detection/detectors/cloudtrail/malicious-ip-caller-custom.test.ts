/**
 * MaliciousIPCaller.Custom: calls from an address on an active customer threat list (exact or CIDR),
 * the list named in additionalInfo and evidence, one finding per list and caller; a trusted list
 * wins; no finding without a matching list.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cloudTrailRecord, runDetectors, s3DataRecord, infoOf } from '../../testing/harness.js'
import { ThreatListMatcher } from '../../threat-lists/threat-list-matcher.js'
import { maliciousIpCallerCustom } from './malicious-ip-caller-custom.js'

const lists = (trusted: string[] = []) =>
  new ThreatListMatcher([
    {
      id: 'l1',
      name: 'IncidentIPs',
      kind: 'threat',
      entries: { ips: ['198.51.100.23'], cidrs: [], domains: [] },
    },
    {
      id: 'l2',
      name: 'PartnerFeed',
      kind: 'threat',
      entries: { ips: [], cidrs: ['198.51.100.0/24'], domains: [] },
    },
    {
      id: 't1',
      name: 'Office',
      kind: 'trusted',
      entries: { ips: trusted, cidrs: [], domains: [] },
    },
  ])

const withLists = (matcher: ThreatListMatcher) => ({
  threatLists: { matcher: () => Promise.resolve(matcher) },
})

test('a listed caller raises the .Custom type with the list name and evidence', async () => {
  const run = await runDetectors(
    [maliciousIpCallerCustom()],
    [
      cloudTrailRecord({
        sourceIPAddress: '198.51.100.23',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'AuthorizeSecurityGroupIngress',
      }),
      cloudTrailRecord({
        sourceIPAddress: '198.51.100.77',
        eventName: 'ListRoles',
        readOnly: true,
      }),
      s3DataRecord('exports', {
        sourceIPAddress: '198.51.100.77',
        eventName: 'PutObject',
        readOnly: false,
      }),
      s3DataRecord('exports', { sourceIPAddress: '198.51.100.77', eventName: 'GetObjectAcl' }),
      cloudTrailRecord({ sourceIPAddress: '203.0.113.1' }),
    ],
    withLists(lists()),
  )
  assert.deepEqual(
    run.findings.map((f) => [f.type, f.severity]),
    [
      ['UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom', 5],
      ['Recon:IAMUser/MaliciousIPCaller.Custom', 5],
      ['UnauthorizedAccess:S3/MaliciousIPCaller.Custom', 8],
      ['Discovery:S3/MaliciousIPCaller.Custom', 8],
    ],
  )
  const [first] = run.findings
  assert.deepEqual(infoOf(first), {
    threatListName: 'IncidentIPs',
  })
  assert.deepEqual(first?.service.evidence, {
    threatIntelligenceDetails: [
      { threatListName: 'IncidentIPs' },
      { threatListName: 'PartnerFeed' },
    ],
  })
})

test('a trusted list beats the threat list; no lists, no finding', async () => {
  const call = cloudTrailRecord({ sourceIPAddress: '198.51.100.23' })
  const trusted = await runDetectors(
    [maliciousIpCallerCustom()],
    [call],
    withLists(lists(['198.51.100.23'])),
  )
  assert.deepEqual(trusted.findings, [])
  assert.equal(trusted.summary.trustedSuppressed, 1)
  const none = await runDetectors([maliciousIpCallerCustom()], [call])
  assert.deepEqual(none.findings, [])
})
