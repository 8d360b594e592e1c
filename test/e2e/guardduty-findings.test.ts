/**
 * GuardDuty findings through the real SDK, over findings put in through the engine port: ListFindings
 * with several operators, sorting and pages; GetFindings deserialized by the SDK; statistics; archive,
 * unarchive and feedback; and the administrator's view of its members' findings.
 */
import {
  AcceptAdministratorInvitationCommand,
  ArchiveFindingsCommand,
  CreateDetectorCommand,
  CreateMembersCommand,
  GetFindingsCommand,
  GetFindingsStatisticsCommand,
  InviteMembersCommand,
  ListFindingsCommand,
  ListInvitationsCommand,
  UnarchiveFindingsCommand,
  UpdateFindingsFeedbackCommand,
  type GuardDutyClient,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { rejection } from '../helpers/rejection.js'
import { guardDutyClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

const BASE = Date.parse('2026-11-01T00:00:00.000Z')

function finding(
  account: string,
  detectorId: string,
  i: number,
  over: Record<string, unknown> = {},
) {
  const type = [
    'Recon:EC2/Portscan',
    'UnauthorizedAccess:EC2/SSHBruteForce',
    'Trojan:EC2/DNSDataExfiltration',
  ][i % 3] as string
  return {
    schemaVersion: '2.0',
    accountId: account,
    region: 'us-east-1',
    partition: 'aws',
    id: `${account.slice(-2)}f${String(i).padStart(3, '0')}`,
    arn: `arn:aws:guardduty:us-east-1:${account}:detector/${detectorId}/finding/${i}`,
    type,
    title: `Finding ${i}`,
    description: 'A finding for the test.',
    severity: [2, 5, 8][i % 3],
    confidence: 5,
    createdAt: new Date(BASE + i * 3_600_000).toISOString(),
    updatedAt: new Date(BASE + i * 3_600_000 + 60_000).toISOString(),
    resource: {
      resourceType: 'Instance',
      instanceDetails: {
        instanceId: `i-${String(i).padStart(17, '0')}`,
        tags: [{ key: 'env', value: i % 2 ? 'prod' : 'dev' }],
        networkInterfaces: [{ securityGroups: [{ groupId: `sg-${i % 4}`, groupName: 'web' }] }],
      },
    },
    service: {
      serviceName: 'guardduty',
      detectorId,
      archived: false,
      count: 1,
      resourceRole: 'TARGET',
      eventFirstSeen: new Date(BASE + i * 3_600_000).toISOString(),
      eventLastSeen: new Date(BASE + i * 3_600_000).toISOString(),
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: { localPortDetails: { port: 22 }, blocked: false },
      },
    },
    ...over,
  }
}

async function setup(
  account: string,
  n: number,
): Promise<{ gd: GuardDutyClient; detectorId: string }> {
  const gd = guardDutyClient(server.url, { accessKeyId: account })
  const detectorId = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? ''
  await server.guardDutyFindings.upsert(
    Array.from({ length: n }, (_, i) => ({
      scope: { accountId: account, region: 'us-east-1' },
      detectorId,
      finding: finding(account, detectorId, i),
    })),
  )
  return { gd, detectorId }
}

async function listAll(
  gd: GuardDutyClient,
  detectorId: string,
  criterion?: Record<string, object>,
) {
  const ids: string[] = []
  let token: string | undefined
  do {
    const page = await gd.send(
      new ListFindingsCommand({
        DetectorId: detectorId,
        MaxResults: 4,
        NextToken: token,
        ...(criterion ? { FindingCriteria: { Criterion: criterion } } : {}),
      }),
    )
    ids.push(...(page.FindingIds ?? []))
    token = page.NextToken
  } while (token)
  return ids
}

test('ListFindings: operators, multi-valued paths, sorting and pages', async () => {
  const { gd, detectorId } = await setup('950000000001', 12)
  assert.equal((await listAll(gd, detectorId)).length, 12)
  assert.equal((await listAll(gd, detectorId, { severity: { Gte: 7 } })).length, 4)
  assert.equal(
    (await listAll(gd, detectorId, { type: { Neq: ['Recon:EC2/Portscan'] }, severity: { Lt: 8 } }))
      .length,
    4,
  )
  assert.equal(
    (
      await listAll(gd, detectorId, {
        'resource.instanceDetails.networkInterfaces.securityGroups.groupId': { Equals: ['sg-1'] },
      })
    ).length,
    3,
  )
  assert.equal(
    (
      await listAll(gd, detectorId, {
        'resource.instanceDetails.tags.value': { NotEquals: ['prod'] },
      })
    ).length,
    6,
  )
  assert.equal(
    (await listAll(gd, detectorId, { updatedAt: { GreaterThanOrEqual: BASE + 6 * 3_600_000 } }))
      .length,
    6,
  )
  const sorted = await gd.send(
    new ListFindingsCommand({
      DetectorId: detectorId,
      SortCriteria: { AttributeName: 'createdAt', OrderBy: 'ASC' },
      MaxResults: 3,
    }),
  )
  assert.deepEqual(sorted.FindingIds, ['01f000', '01f001', '01f002'])
  const badSort = await rejection(
    gd.send(
      new ListFindingsCommand({
        DetectorId: detectorId,
        SortCriteria: { AttributeName: 'title', OrderBy: 'ASC' },
      }),
    ),
  )
  assert.match(badSort.message, /cannot be sorted by 'title'/)
  const badKey = await rejection(
    gd.send(
      new ListFindingsCommand({
        DetectorId: detectorId,
        FindingCriteria: { Criterion: { nope: { Eq: ['x'] } } },
      }),
    ),
  )
  assert.match(badKey.message, /'nope'/)
  const badToken = await rejection(
    gd.send(new ListFindingsCommand({ DetectorId: detectorId, NextToken: 'garbage' })),
  )
  assert.equal(badToken.name, 'BadRequestException')
})

test('GetFindings deserializes in the SDK; archive, unarchive and feedback', async () => {
  const { gd, detectorId } = await setup('950000000002', 3)
  const got = await gd.send(
    new GetFindingsCommand({ DetectorId: detectorId, FindingIds: ['02f002', '02f000', 'missing'] }),
  )
  assert.equal(got.Findings?.length, 2)
  const f = got.Findings?.find((x) => x.Id === '02f002')
  assert.equal(f?.Severity, 8)
  assert.equal(f?.Type, 'Trojan:EC2/DNSDataExfiltration')
  assert.equal(f?.CreatedAt, new Date(BASE + 2 * 3_600_000).toISOString())
  assert.equal(
    f?.Resource?.InstanceDetails?.NetworkInterfaces?.[0]?.SecurityGroups?.[0]?.GroupId,
    'sg-2',
  )
  assert.equal(f?.Service?.Action?.NetworkConnectionAction?.LocalPortDetails?.Port, 22)
  await gd.send(
    new ArchiveFindingsCommand({ DetectorId: detectorId, FindingIds: ['02f000', '02f001'] }),
  )
  assert.deepEqual(
    (await listAll(gd, detectorId, { 'service.archived': { Eq: ['true'] } })).sort(),
    ['02f000', '02f001'],
  )
  await gd.send(new UnarchiveFindingsCommand({ DetectorId: detectorId, FindingIds: ['02f001'] }))
  assert.deepEqual(await listAll(gd, detectorId, { 'service.archived': { Eq: ['true'] } }), [
    '02f000',
  ])
  await gd.send(
    new UpdateFindingsFeedbackCommand({
      DetectorId: detectorId,
      FindingIds: ['02f002'],
      Feedback: 'USEFUL',
    }),
  )
  const after = await gd.send(
    new GetFindingsCommand({ DetectorId: detectorId, FindingIds: ['02f002'] }),
  )
  assert.equal(after.Findings?.[0]?.Service?.UserFeedback, 'USEFUL')
})

test('GetFindingsStatistics counts by severity and groups', async () => {
  const { gd, detectorId } = await setup('950000000003', 9)
  const bySeverity = await gd.send(
    new GetFindingsStatisticsCommand({
      DetectorId: detectorId,
      FindingStatisticTypes: ['COUNT_BY_SEVERITY'],
    }),
  )
  assert.deepEqual(bySeverity.FindingStatistics?.CountBySeverity, { '2.0': 3, '5.0': 3, '8.0': 3 })
  const byType = await gd.send(
    new GetFindingsStatisticsCommand({
      DetectorId: detectorId,
      GroupBy: 'FINDING_TYPE',
      FindingCriteria: { Criterion: { severity: { Gte: 5 } } },
    }),
  )
  assert.deepEqual(
    byType.FindingStatistics?.GroupedByFindingType?.map((g) => [
      g.FindingType,
      g.TotalFindings,
    ]).sort(),
    [
      ['Trojan:EC2/DNSDataExfiltration', 3],
      ['UnauthorizedAccess:EC2/SSHBruteForce', 3],
    ],
  )
  assert.ok(
    byType.FindingStatistics?.GroupedByFindingType?.every((g) => g.LastGeneratedAt instanceof Date),
  )
  const byDate = await gd.send(
    new GetFindingsStatisticsCommand({ DetectorId: detectorId, GroupBy: 'DATE' }),
  )
  assert.equal(byDate.FindingStatistics?.GroupedByDate?.[0]?.TotalFindings, 9)
  assert.equal(byDate.FindingStatistics?.GroupedByDate?.[0]?.Severity, 8)
  await server.guardDutyFindings.upsert(
    [100, 101, 102].map((i) => ({
      scope: { accountId: '950000000003', region: 'us-east-1' },
      detectorId,
      finding: finding('950000000003', detectorId, i, {
        resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0shared' } },
      }),
    })),
  )
  const byResource = await gd.send(
    new GetFindingsStatisticsCommand({
      DetectorId: detectorId,
      GroupBy: 'RESOURCE',
      MaxResults: 2,
    }),
  )
  assert.deepEqual(
    byResource.FindingStatistics?.GroupedByResource?.map((g) => [
      g.AccountId,
      g.ResourceType,
      g.ResourceId,
      g.TotalFindings,
    ]),
    [
      ['950000000003', 'Instance', 'i-0shared', 3],
      ['950000000003', 'Instance', 'i-00000000000000000', 1],
    ],
  )
  const fewest = await gd.send(
    new GetFindingsStatisticsCommand({
      DetectorId: detectorId,
      GroupBy: 'RESOURCE',
      OrderBy: 'ASC',
      FindingCriteria: {
        Criterion: { 'resource.instanceDetails.instanceId': { Eq: ['i-0shared'] } },
      },
    }),
  )
  assert.equal(fewest.FindingStatistics?.GroupedByResource?.length, 1)
  assert.ok(fewest.FindingStatistics?.GroupedByResource?.[0]?.LastGeneratedAt instanceof Date)
})

test('an administrator reads and archives its members’ findings; a member only its own', async () => {
  const admin = await setup('950000000004', 2)
  const member = await setup('950000000005', 3)
  await admin.gd.send(
    new CreateMembersCommand({
      DetectorId: admin.detectorId,
      AccountDetails: [{ AccountId: '950000000005', Email: 'm@example.com' }],
    }),
  )
  await admin.gd.send(
    new InviteMembersCommand({ DetectorId: admin.detectorId, AccountIds: ['950000000005'] }),
  )
  const invitation = (await member.gd.send(new ListInvitationsCommand({}))).Invitations?.[0]
  await member.gd.send(
    new AcceptAdministratorInvitationCommand({
      DetectorId: member.detectorId,
      AdministratorId: '950000000004',
      InvitationId: invitation?.InvitationId,
    }),
  )
  assert.equal((await listAll(admin.gd, admin.detectorId)).length, 5)
  assert.deepEqual(
    (await listAll(admin.gd, admin.detectorId, { accountId: { Eq: ['950000000005'] } })).sort(),
    ['05f000', '05f001', '05f002'],
  )
  assert.equal((await listAll(member.gd, member.detectorId)).length, 3)
  const stats = await admin.gd.send(
    new GetFindingsStatisticsCommand({ DetectorId: admin.detectorId, GroupBy: 'ACCOUNT' }),
  )
  assert.deepEqual(
    stats.FindingStatistics?.GroupedByAccount?.map((g) => [g.AccountId, g.TotalFindings]),
    [
      ['950000000005', 3],
      ['950000000004', 2],
    ],
  )
  const denied = await rejection(
    member.gd.send(
      new ArchiveFindingsCommand({ DetectorId: member.detectorId, FindingIds: ['05f000'] }),
    ),
  )
  assert.match(denied.message, /member accounts cannot archive/)
  await admin.gd.send(
    new ArchiveFindingsCommand({ DetectorId: admin.detectorId, FindingIds: ['05f000'] }),
  )
  assert.deepEqual(
    await listAll(member.gd, member.detectorId, { 'service.archived': { Eq: ['true'] } }),
    ['05f000'],
  )
})
