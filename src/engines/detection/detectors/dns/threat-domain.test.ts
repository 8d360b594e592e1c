/**
 * The domain-list DNS detectors: GuardDuty's test domains raise their documented types (exact
 * names under guarddutyc2activityb.com, subdomains of the dedicated ones), customer threat entity
 * lists raise MaliciousDomainRequest.Custom, trusted entity lists win, other names raise nothing.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { infoOf, runEntries } from '../../testing/harness.js'
import { dnsEntries, resolverRecord, TEST_INSTANCE } from '../../testing/records.js'
import { ThreatListMatcher } from '../../threat-lists/threat-list-matcher.js'
import { registrableDomain } from './dns-request.js'
import { testDomainOf } from './test-domains.js'
import { awsTestDomains, maliciousDomainCustom } from './threat-domain.js'

test('test domains map to their types; look-alikes do not', () => {
  assert.equal(testDomainOf('c2.guarddutyc2activityb.com')?.type, 'Backdoor:EC2/C&CActivity.B!DNS')
  assert.equal(testDomainOf('guarddutyc2activityb.com')?.type, 'Backdoor:EC2/C&CActivity.B!DNS')
  assert.equal(testDomainOf('x.guarddutyc2activityb.com'), undefined)
  assert.equal(
    testDomainOf('www.guarddutydgaactivity.com')?.type,
    'Trojan:EC2/DGADomainRequest.C!DNS',
  )
  assert.equal(testDomainOf('guarddutydgaactivity.com.evil.net'), undefined)
  assert.equal(testDomainOf('example.com'), undefined)
})

test('registrable domains', () => {
  assert.equal(registrableDomain('a.b.example.com'), 'example.com')
  assert.equal(registrableDomain('www.bbc.co.uk'), 'bbc.co.uk')
  assert.equal(registrableDomain('example.com'), 'example.com')
  assert.equal(registrableDomain('localhost'), 'localhost')
})

test('a query for a test domain raises its type with the instance and the DNS request', async () => {
  const run = await runEntries(
    [awsTestDomains()],
    dnsEntries([
      resolverRecord({ query_name: 'guarddutyphishingactivity.com.' }),
      resolverRecord({ query_name: 'Crypto.GuardDutyC2ActivityB.com.', rcode: 'NXDOMAIN' }),
      resolverRecord({ query_name: 'example.com.' }),
    ]),
  )
  assert.deepEqual(run.findings.map((f) => [f.type, f.severity]).sort(), [
    ['CryptoCurrency:EC2/BitcoinTool.B!DNS', 8],
    ['Trojan:EC2/PhishingDomainRequest!DNS', 8],
  ])
  const phishing = run.findings.find((f) => f.type.startsWith('Trojan'))
  assert.deepEqual(phishing?.service.action, {
    actionType: 'DNS_REQUEST',
    dnsRequestAction: {
      domain: 'guarddutyphishingactivity.com',
      domainWithSuffix: 'guarddutyphishingactivity.com',
      protocol: 'UDP',
      blocked: false,
      vpcOwnerAccountId: '111122223333',
    },
  })
  const resource = phishing?.resource as { instanceDetails: { instanceId: string } }
  assert.equal(resource.instanceDetails.instanceId, TEST_INSTANCE)
  assert.equal(phishing?.service.resourceRole, 'ACTOR')
  assert.equal(infoOf(phishing).threatName, 'PhishingSite')
})

const lists = (trusted: string[] = []) => ({
  threatLists: {
    matcher: () =>
      Promise.resolve(
        new ThreatListMatcher([
          {
            id: 'e1',
            name: 'BadDomains',
            kind: 'threat',
            entries: { ips: [], cidrs: [], domains: ['*.evil.example', 'c2.example.net'] },
          },
          {
            id: 't1',
            name: 'Allowed',
            kind: 'trusted',
            entries: { ips: [], cidrs: [], domains: trusted },
          },
        ]),
      ),
  },
})

test('a domain on a threat entity list: MaliciousDomainRequest.Custom with the list', async () => {
  const run = await runEntries(
    [maliciousDomainCustom()],
    dnsEntries([
      resolverRecord({ query_name: 'beacon.evil.example.' }),
      resolverRecord({ query_name: 'c2.example.net.' }),
      resolverRecord({ query_name: 'evil.example.' }), // a wildcard covers subdomains only
      resolverRecord({ query_name: 'example.net.' }),
    ]),
    lists(),
  )
  assert.equal(run.findings.length, 2)
  for (const finding of run.findings) {
    assert.equal(finding.type, 'Impact:EC2/MaliciousDomainRequest.Custom')
    assert.equal(finding.severity, 5)
    assert.equal(infoOf(finding).threatListName, 'BadDomains')
  }
})

test('a trusted entity list wins over threat lists and test domains', async () => {
  const run = await runEntries(
    [maliciousDomainCustom(), awsTestDomains()],
    dnsEntries([
      resolverRecord({ query_name: 'beacon.evil.example.' }),
      resolverRecord({ query_name: 'guarddutydroppointactivity.com.' }),
    ]),
    lists(['beacon.evil.example', 'guarddutydroppointactivity.com']),
  )
  assert.equal(run.findings.length, 0)
})
