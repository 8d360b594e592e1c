/**
 * GuardDuty trusted and threat lists through the real SDK, with list files in the object store: every
 * format parsed from a real-looking file, activation to ACTIVE or to ERROR with the reason (missing
 * object, broken file), quotas, deactivation, deletion, pagination, tags, the ACTIVATING transition on
 * an injected clock, and the matcher the detection engine uses.
 */
import {
  CreateDetectorCommand,
  CreateIPSetCommand,
  CreateThreatEntitySetCommand,
  CreateThreatIntelSetCommand,
  CreateTrustedEntitySetCommand,
  DeleteThreatIntelSetCommand,
  GetIPSetCommand,
  GetThreatEntitySetCommand,
  GetThreatIntelSetCommand,
  GetTrustedEntitySetCommand,
  ListThreatIntelSetsCommand,
  ListTagsForResourceCommand,
  UpdateThreatIntelSetCommand,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Clock } from '../../src/core/clock.js'
import { rejection } from '../helpers/rejection.js'
import { guardDutyClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
let slow: TestServer
const offset = { ms: 0 }
const clock: Clock = { now: () => Date.now() + offset.ms }
let n = 0

before(async () => {
  server = await startTestServer()
  slow = await startTestServer({ listTransitionMs: 60_000 }, clock)
})
after(async () => {
  await server.close()
  await slow.close()
})

async function fresh(target = server) {
  n++
  const account = String(500000000000 + n)
  const gd = guardDutyClient(target.url, { accessKeyId: account })
  const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
  return {
    gd,
    detectorId: DetectorId ?? '',
    account,
    scope: { accountId: account, region: 'us-east-1' },
  }
}

async function upload(target: TestServer, key: string, body: string): Promise<string> {
  await target.objectStore.putObject({ bucket: 'vigil-lists', key }, body)
  return `https://s3.amazonaws.com/vigil-lists/${key}`
}

const TXT = '# trusted office ranges\n45.33.32.156\n91.189.88.0/24\n\n10.1.2.3\nnot-an-ip\n'

const STIX = `<?xml version="1.0" encoding="UTF-8"?>
<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:cybox="http://cybox.mitre.org/cybox-2"
    xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="example:Package-1" version="1.2">
  <stix:Observables cybox_major_version="2" cybox_minor_version="1">
    <cybox:Observable id="example:Observable-1">
      <cybox:Object id="example:Object-1">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
          <AddressObj:Address_Value condition="Equals">185.220.101.4</AddressObj:Address_Value>
        </cybox:Properties>
      </cybox:Object>
    </cybox:Observable>
    <cybox:Observable id="example:Observable-2">
      <cybox:Object id="example:Object-2">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
          <AddressObj:Address_Value condition="InclusiveBetween">62.210.0.0##comma##62.210.0.255</AddressObj:Address_Value>
        </cybox:Properties>
      </cybox:Object>
    </cybox:Observable>
  </stix:Observables>
</stix:STIX_Package>
`

const OTX = `Indicator type, Indicator, Description
IPv4, 176.31.1.10, scanner
CIDR, 5.188.10.0/24, botnet range
Domain name, bad.example.net, phishing
`

const PROOF_POINT = `domain|ip, category, score, first_seen, last_seen, ports (|)
89.248.165.2, 11, 127, 2023-01-01, 2024-01-01, 22|23
evil.example.org, 33, 80, 2023-01-01, 2024-01-01,
`

const ALIEN_VAULT = `193.32.162.5#4#2#Malicious Host#NL#Amsterdam#52.37,4.89#11
c2.example.com#4#2#C&C#US#Denver#39.73,-104.98#11
`

const FIRE_EYE_COLUMNS = [
  'reportId',
  'title',
  'threatScape',
  'audience',
  'intelligenceType',
  'publishDate',
  'reportLink',
  'webLink',
  'emailIdentifier',
  'senderAddress',
  'senderName',
  'sourceDomain',
  'sourceIp',
  'subject',
  'recipient',
  'language',
  'fileName',
  'fileSize',
  'fuzzyHash',
  'fileIdentifier',
  'md5',
  'sha1',
  'sha256',
  'description',
  'fileType',
  'packer',
  'userAgent',
  'registry',
  'fileCompilationDateTime',
  'filePath',
  'asn',
  'cidr',
  'domain',
  'domainTimeOfLookup',
  'networkIdentifier',
  'ip',
  'port',
  'protocol',
  'registrantEmail',
  'registrantName',
  'networkType',
  'url',
  'malwareFamily',
  'malwareFamilyId',
  'actor',
  'actorId',
  'observationTime',
]
function fireEyeRow(values: Record<string, string>): string {
  return FIRE_EYE_COLUMNS.map((c) => values[c] ?? '').join(',')
}
const FIRE_EYE = [
  FIRE_EYE_COLUMNS.join(','),
  fireEyeRow({
    reportId: '17-00001',
    title: 'Campaign',
    ip: '45.155.205.99',
    networkIdentifier: 'Attacker',
  }),
  fireEyeRow({ reportId: '17-00002', title: 'Campaign', cidr: '103.75.190.0/24' }),
  fireEyeRow({ reportId: '17-00003', title: 'Campaign', domain: 'update.example.info' }),
].join('\n')

test('each format activates and feeds the matcher', async () => {
  const { gd, detectorId, scope } = await fresh()
  const ipset = await gd.send(
    new CreateIPSetCommand({
      DetectorId: detectorId,
      Name: 'office',
      Format: 'TXT',
      Location: await upload(server, 'office.txt', TXT),
      Activate: true,
    }),
  )
  const intel = await gd.send(
    new CreateThreatIntelSetCommand({
      DetectorId: detectorId,
      Name: 'stix-feed',
      Format: 'STIX',
      Location: await upload(server, 'feed.xml', STIX),
      Activate: true,
    }),
  )
  for (const [Name, Format, body] of [
    ['otx', 'OTX_CSV', OTX],
    ['proofpoint', 'PROOF_POINT', PROOF_POINT],
    ['alienvault', 'ALIEN_VAULT', ALIEN_VAULT],
    ['fireeye', 'FIRE_EYE', FIRE_EYE],
  ] as const) {
    const created = await gd.send(
      new CreateThreatEntitySetCommand({
        DetectorId: detectorId,
        Name,
        Format,
        Location: await upload(server, `${Name}.csv`, body),
        Activate: true,
      }),
    )
    const got = await gd.send(
      new GetThreatEntitySetCommand({
        DetectorId: detectorId,
        ThreatEntitySetId: created.ThreatEntitySetId,
      }),
    )
    assert.equal(got.Status, 'ACTIVE', `${Name}: ${got.ErrorDetails ?? ''}`)
    assert.equal(got.Format, Format)
    assert.ok(got.CreatedAt instanceof Date)
  }
  assert.equal(
    (await gd.send(new GetIPSetCommand({ DetectorId: detectorId, IpSetId: ipset.IpSetId }))).Status,
    'ACTIVE',
  )
  assert.equal(
    (
      await gd.send(
        new GetThreatIntelSetCommand({
          DetectorId: detectorId,
          ThreatIntelSetId: intel.ThreatIntelSetId,
        }),
      )
    ).Status,
    'ACTIVE',
  )
  const matcher = await server.threatLists.matcher(scope)
  const names = (ip: string) => matcher.matchIp(ip).map((m) => `${m.kind}:${m.name}`)
  assert.deepEqual(names('45.33.32.156'), ['trusted:office'])
  assert.deepEqual(names('91.189.88.77'), ['trusted:office'])
  assert.deepEqual(names('10.1.2.3'), [], 'private addresses are not list entries')
  assert.deepEqual(names('185.220.101.4'), ['threat:stix-feed'])
  assert.deepEqual(names('62.210.0.200'), ['threat:stix-feed'])
  assert.deepEqual(names('5.188.10.9'), ['threat:otx'])
  assert.deepEqual(names('89.248.165.2'), ['threat:proofpoint'])
  assert.deepEqual(names('193.32.162.5'), ['threat:alienvault'])
  assert.deepEqual(names('103.75.190.1'), ['threat:fireeye'])
  assert.deepEqual(names('8.8.8.8'), [])
  assert.deepEqual(
    matcher.matchDomain('bad.example.net').map((m) => m.name),
    ['otx'],
  )
  assert.deepEqual(
    matcher.matchDomain('c2.example.com').map((m) => m.name),
    ['alienvault'],
  )
  assert.deepEqual(
    matcher.matchDomain('update.example.info').map((m) => m.name),
    ['fireeye'],
  )
  assert.ok(matcher.isTrusted('45.33.32.156'))
})

test('a missing object or a broken file lands in ERROR with the reason', async () => {
  const { gd, detectorId, scope } = await fresh()
  const missing = await gd.send(
    new CreateThreatEntitySetCommand({
      DetectorId: detectorId,
      Name: 'missing',
      Format: 'TXT',
      Location: 's3://vigil-lists/does/not/exist.txt',
      Activate: true,
    }),
  )
  const m = await gd.send(
    new GetThreatEntitySetCommand({
      DetectorId: detectorId,
      ThreatEntitySetId: missing.ThreatEntitySetId,
    }),
  )
  assert.equal(m.Status, 'ERROR')
  assert.match(m.ErrorDetails ?? '', /does not exist/)
  const broken = await gd.send(
    new CreateThreatIntelSetCommand({
      DetectorId: detectorId,
      Name: 'broken',
      Format: 'STIX',
      Location: await upload(server, 'broken.xml', 'this is <not xml'),
      Activate: true,
    }),
  )
  const b = await gd.send(
    new GetThreatIntelSetCommand({
      DetectorId: detectorId,
      ThreatIntelSetId: broken.ThreatIntelSetId,
    }),
  )
  assert.equal(b.Status, 'ERROR')
  const trusted = await gd.send(
    new CreateTrustedEntitySetCommand({
      DetectorId: detectorId,
      Name: 'csv-without-header',
      Format: 'OTX_CSV',
      Location: await upload(server, 'noheader.csv', '1.2.3.4, 5.6.7.8\n'),
      Activate: true,
    }),
  )
  const t = await gd.send(
    new GetTrustedEntitySetCommand({
      DetectorId: detectorId,
      TrustedEntitySetId: trusted.TrustedEntitySetId,
    }),
  )
  assert.equal(t.Status, 'ERROR')
  assert.match(t.ErrorDetails ?? '', /not valid OTX_CSV/)
  assert.deepEqual((await server.threatLists.matcher(scope)).matchIp('1.2.3.4'), [])
  const bad = await rejection(
    gd.send(
      new CreateIPSetCommand({
        DetectorId: detectorId,
        Name: 'x',
        Format: 'TXT',
        Location: 'ftp://nowhere/x',
        Activate: true,
      }),
    ),
  )
  assert.equal(bad.name, 'BadRequestException')
  assert.match(bad.message, /not a valid S3 object URL/)
})

test('quotas: one IPSet, six ThreatIntelSets; pagination, deactivation, deletion, tags', async () => {
  const { gd, detectorId, scope, account } = await fresh()
  const location = await upload(server, 'one.txt', '176.31.1.10\n')
  await gd.send(
    new CreateIPSetCommand({
      DetectorId: detectorId,
      Name: 'a',
      Format: 'TXT',
      Location: location,
      Activate: false,
    }),
  )
  const second = await rejection(
    gd.send(
      new CreateIPSetCommand({
        DetectorId: detectorId,
        Name: 'b',
        Format: 'TXT',
        Location: location,
        Activate: false,
      }),
    ),
  )
  assert.match(second.message, /maximum of 1 IPSet/)
  const ids: string[] = []
  for (let i = 0; i < 6; i++)
    ids.push(
      (
        await gd.send(
          new CreateThreatIntelSetCommand({
            DetectorId: detectorId,
            Name: `intel-${i}`,
            Format: 'TXT',
            Location: location,
            Activate: i === 0,
            Tags: { i: String(i) },
          }),
        )
      ).ThreatIntelSetId ?? '',
    )
  const seventh = await rejection(
    gd.send(
      new CreateThreatIntelSetCommand({
        DetectorId: detectorId,
        Name: 'x',
        Format: 'TXT',
        Location: location,
        Activate: false,
      }),
    ),
  )
  assert.match(seventh.message, /maximum of 6 ThreatIntelSets/)
  const seen: string[] = []
  let token: string | undefined
  do {
    const page = await gd.send(
      new ListThreatIntelSetsCommand({ DetectorId: detectorId, MaxResults: 4, NextToken: token }),
    )
    seen.push(...(page.ThreatIntelSetIds ?? []))
    token = page.NextToken
  } while (token)
  assert.deepEqual(seen, ids, 'creation order, no skips, no repeats')
  assert.deepEqual(
    (await server.threatLists.matcher(scope)).matchIp('176.31.1.10').map((m) => m.name),
    ['intel-0'],
  )
  await gd.send(
    new UpdateThreatIntelSetCommand({
      DetectorId: detectorId,
      ThreatIntelSetId: ids[0],
      Activate: false,
    }),
  )
  assert.equal(
    (
      await gd.send(
        new GetThreatIntelSetCommand({ DetectorId: detectorId, ThreatIntelSetId: ids[0] }),
      )
    ).Status,
    'INACTIVE',
  )
  assert.deepEqual((await server.threatLists.matcher(scope)).matchIp('176.31.1.10'), [])
  const arn = `arn:aws:guardduty:us-east-1:${account}:detector/${detectorId}/threatintelset/${ids[1] ?? ''}`
  assert.deepEqual((await gd.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, {
    i: '1',
  })
  await gd.send(
    new DeleteThreatIntelSetCommand({ DetectorId: detectorId, ThreatIntelSetId: ids[1] }),
  )
  const gone = await rejection(
    gd.send(new GetThreatIntelSetCommand({ DetectorId: detectorId, ThreatIntelSetId: ids[1] })),
  )
  assert.match(gone.message, /does not exist/)
})

test('activation reads ACTIVATING until the transition time has passed', async () => {
  const { gd, detectorId } = await fresh(slow)
  const created = await gd.send(
    new CreateThreatIntelSetCommand({
      DetectorId: detectorId,
      Name: 'slow',
      Format: 'TXT',
      Location: await upload(slow, 'slow.txt', '176.31.1.10\n'),
      Activate: true,
    }),
  )
  const get = () =>
    gd.send(
      new GetThreatIntelSetCommand({
        DetectorId: detectorId,
        ThreatIntelSetId: created.ThreatIntelSetId,
      }),
    )
  assert.equal((await get()).Status, 'ACTIVATING')
  offset.ms += 60_001
  assert.equal((await get()).Status, 'ACTIVE')
  await gd.send(
    new UpdateThreatIntelSetCommand({
      DetectorId: detectorId,
      ThreatIntelSetId: created.ThreatIntelSetId,
      Activate: false,
    }),
  )
  assert.equal((await get()).Status, 'DEACTIVATING')
  offset.ms += 60_001
  assert.equal((await get()).Status, 'INACTIVE')
})
