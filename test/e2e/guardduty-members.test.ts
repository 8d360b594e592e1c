/**
 * GuardDuty multi-account behaviour through the real SDK: a two-account invitation flow seen from both
 * sides (including the deprecated "master" operations), declines, the administrator/member exclusivity,
 * member detector settings, pagination through 120 members, and an organization flow with the
 * management account, a delegated administrator and auto-enabled members.
 */
import {
  AcceptAdministratorInvitationCommand,
  AcceptInvitationCommand,
  CreateDetectorCommand,
  CreateMembersCommand,
  DeclineInvitationsCommand,
  DeleteMembersCommand,
  DescribeOrganizationConfigurationCommand,
  DisassociateFromAdministratorAccountCommand,
  EnableOrganizationAdminAccountCommand,
  GetAdministratorAccountCommand,
  GetDetectorCommand,
  GetInvitationsCountCommand,
  GetMasterAccountCommand,
  GetMemberDetectorsCommand,
  GetMembersCommand,
  GetOrganizationStatisticsCommand,
  InviteMembersCommand,
  ListDetectorsCommand,
  ListInvitationsCommand,
  ListMembersCommand,
  ListOrganizationAdminAccountsCommand,
  StartMonitoringMembersCommand,
  StopMonitoringMembersCommand,
  UpdateMemberDetectorsCommand,
  UpdateOrganizationConfigurationCommand,
  type GuardDutyClient,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { rejection } from '../helpers/rejection.js'
import { guardDutyClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
let orgServer: TestServer
before(async () => {
  server = await startTestServer()
  orgServer = await startTestServer({
    organizations: [
      {
        id: 'o-vigiltest01',
        managementAccountId: '710000000000',
        accounts: ['710000000001', '710000000002', '710000000003', '710000000004', '710000000005'],
      },
    ],
  })
})
after(async () => {
  await server.close()
  await orgServer.close()
})

async function account(
  id: string,
  target = server,
): Promise<{ gd: GuardDutyClient; detectorId: string }> {
  const gd = guardDutyClient(target.url, { accessKeyId: id })
  const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
  return { gd, detectorId: DetectorId ?? '' }
}

test('invitation flow seen from the administrator and the member', async () => {
  const admin = await account('700000000001')
  const member = await account('700000000002')
  const created = await admin.gd.send(
    new CreateMembersCommand({
      DetectorId: admin.detectorId,
      AccountDetails: [
        { AccountId: '700000000002', Email: 'member@example.com' },
        { AccountId: '700000000001', Email: 'self@example.com' },
      ],
    }),
  )
  assert.deepEqual(
    created.UnprocessedAccounts?.map((u) => u.AccountId),
    ['700000000001'],
  )
  let m = await admin.gd.send(
    new GetMembersCommand({
      DetectorId: admin.detectorId,
      AccountIds: ['700000000002', '700000000009'],
    }),
  )
  assert.equal(m.Members?.[0]?.RelationshipStatus, 'Created')
  assert.equal(m.Members?.[0]?.AdministratorId, '700000000001')
  assert.deepEqual(
    m.UnprocessedAccounts?.map((u) => u.AccountId),
    ['700000000009'],
  )

  await admin.gd.send(
    new InviteMembersCommand({ DetectorId: admin.detectorId, AccountIds: ['700000000002'] }),
  )
  m = await admin.gd.send(
    new GetMembersCommand({ DetectorId: admin.detectorId, AccountIds: ['700000000002'] }),
  )
  assert.equal(m.Members?.[0]?.RelationshipStatus, 'Invited')
  assert.match(m.Members?.[0]?.InvitedAt ?? '', /Z$/)
  assert.equal((await member.gd.send(new GetInvitationsCountCommand({}))).InvitationsCount, 1)
  const invitations = (await member.gd.send(new ListInvitationsCommand({}))).Invitations ?? []
  assert.equal(invitations[0]?.AccountId, '700000000001')
  assert.equal(invitations[0]?.RelationshipStatus, 'Invited')
  const wrong = await rejection(
    member.gd.send(
      new AcceptAdministratorInvitationCommand({
        DetectorId: member.detectorId,
        AdministratorId: '700000000001',
        InvitationId: 'nope',
      }),
    ),
  )
  assert.equal(wrong.name, 'BadRequestException')
  await member.gd.send(
    new AcceptAdministratorInvitationCommand({
      DetectorId: member.detectorId,
      AdministratorId: '700000000001',
      InvitationId: invitations[0]?.InvitationId,
    }),
  )
  assert.equal((await member.gd.send(new GetInvitationsCountCommand({}))).InvitationsCount, 0)
  m = await admin.gd.send(
    new GetMembersCommand({ DetectorId: admin.detectorId, AccountIds: ['700000000002'] }),
  )
  assert.equal(m.Members?.[0]?.RelationshipStatus, 'Enabled')
  assert.equal(m.Members?.[0]?.DetectorId, member.detectorId)
  const seen = await member.gd.send(
    new GetAdministratorAccountCommand({ DetectorId: member.detectorId }),
  )
  assert.equal(seen.Administrator?.AccountId, '700000000001')
  assert.equal(seen.Administrator?.RelationshipStatus, 'Enabled')
  assert.deepEqual(
    (await member.gd.send(new GetMasterAccountCommand({ DetectorId: member.detectorId }))).Master,
    seen.Administrator,
  )

  // The administrator sees and changes the member's detector; the member cannot do the reverse.
  const before = await admin.gd.send(
    new GetMemberDetectorsCommand({ DetectorId: admin.detectorId, AccountIds: ['700000000002'] }),
  )
  assert.equal(
    before.MemberDataSourceConfigurations?.[0]?.Features?.find((f) => f.Name === 'S3_DATA_EVENTS')
      ?.Status,
    'ENABLED',
  )
  await admin.gd.send(
    new UpdateMemberDetectorsCommand({
      DetectorId: admin.detectorId,
      AccountIds: ['700000000002'],
      Features: [{ Name: 'S3_DATA_EVENTS', Status: 'DISABLED' }],
    }),
  )
  const memberView = await member.gd.send(new GetDetectorCommand({ DetectorId: member.detectorId }))
  assert.equal(memberView.Features?.find((f) => f.Name === 'S3_DATA_EVENTS')?.Status, 'DISABLED')
  const reverse = await member.gd.send(
    new UpdateMemberDetectorsCommand({
      DetectorId: member.detectorId,
      AccountIds: ['700000000001'],
      Features: [{ Name: 'S3_DATA_EVENTS', Status: 'DISABLED' }],
    }),
  )
  assert.deepEqual(
    reverse.UnprocessedAccounts?.map((u) => u.AccountId),
    ['700000000001'],
  )

  await admin.gd.send(
    new StopMonitoringMembersCommand({
      DetectorId: admin.detectorId,
      AccountIds: ['700000000002'],
    }),
  )
  m = await admin.gd.send(
    new GetMembersCommand({ DetectorId: admin.detectorId, AccountIds: ['700000000002'] }),
  )
  assert.equal(m.Members?.[0]?.RelationshipStatus, 'Disabled')
  await admin.gd.send(
    new StartMonitoringMembersCommand({
      DetectorId: admin.detectorId,
      AccountIds: ['700000000002'],
    }),
  )

  // An account cannot be both: the member cannot add members, the administrator cannot join another.
  const memberAdds = await rejection(
    member.gd.send(
      new CreateMembersCommand({
        DetectorId: member.detectorId,
        AccountDetails: [{ AccountId: '700000000003', Email: 'x@example.com' }],
      }),
    ),
  )
  assert.match(memberAdds.message, /member account/)
  const other = await account('700000000004')
  const adminAsMember = await other.gd.send(
    new CreateMembersCommand({
      DetectorId: other.detectorId,
      AccountDetails: [{ AccountId: '700000000001', Email: 'a@example.com' }],
    }),
  )
  assert.match(adminAsMember.UnprocessedAccounts?.[0]?.Result ?? '', /is an administrator account/)
  const refused = await other.gd.send(
    new CreateMembersCommand({
      DetectorId: other.detectorId,
      AccountDetails: [{ AccountId: '700000000002', Email: 'b@example.com' }],
    }),
  )
  assert.match(refused.UnprocessedAccounts?.[0]?.Result ?? '', /another administrator/)
  // The member leaves; the administrator sees it resigned and only lists it when asked for all.
  await member.gd.send(
    new DisassociateFromAdministratorAccountCommand({ DetectorId: member.detectorId }),
  )
  m = await admin.gd.send(
    new GetMembersCommand({ DetectorId: admin.detectorId, AccountIds: ['700000000002'] }),
  )
  assert.equal(m.Members?.[0]?.RelationshipStatus, 'Resigned')
  assert.deepEqual(
    (await admin.gd.send(new ListMembersCommand({ DetectorId: admin.detectorId }))).Members,
    [],
  )
  assert.equal(
    (
      await admin.gd.send(
        new ListMembersCommand({ DetectorId: admin.detectorId, OnlyAssociated: 'false' }),
      )
    ).Members?.length,
    1,
  )
  assert.deepEqual(
    (await member.gd.send(new GetAdministratorAccountCommand({ DetectorId: member.detectorId })))
      .Administrator,
    {},
  )
  await admin.gd.send(
    new DeleteMembersCommand({ DetectorId: admin.detectorId, AccountIds: ['700000000002'] }),
  )
  assert.deepEqual(
    (
      await admin.gd.send(
        new ListMembersCommand({ DetectorId: admin.detectorId, OnlyAssociated: 'false' }),
      )
    ).Members,
    [],
  )
})

test('declining an invitation; the deprecated AcceptInvitation', async () => {
  const admin = await account('700000000011')
  const a = await account('700000000012')
  const b = await account('700000000013')
  await admin.gd.send(
    new CreateMembersCommand({
      DetectorId: admin.detectorId,
      AccountDetails: [
        { AccountId: '700000000012', Email: 'a@example.com' },
        { AccountId: '700000000013', Email: 'b@example.com' },
      ],
    }),
  )
  await admin.gd.send(
    new InviteMembersCommand({
      DetectorId: admin.detectorId,
      AccountIds: ['700000000012', '700000000013'],
    }),
  )
  const declined = await a.gd.send(
    new DeclineInvitationsCommand({ AccountIds: ['700000000011', '700000000099'] }),
  )
  assert.deepEqual(
    declined.UnprocessedAccounts?.map((u) => u.AccountId),
    ['700000000099'],
  )
  const inv = (await b.gd.send(new ListInvitationsCommand({}))).Invitations?.[0]
  await b.gd.send(
    new AcceptInvitationCommand({
      DetectorId: b.detectorId,
      MasterId: '700000000011',
      InvitationId: inv?.InvitationId,
    }),
  )
  const members = await admin.gd.send(
    new GetMembersCommand({
      DetectorId: admin.detectorId,
      AccountIds: ['700000000012', '700000000013'],
    }),
  )
  assert.deepEqual(
    members.Members?.map((m) => [m.AccountId, m.RelationshipStatus]),
    [
      ['700000000012', 'Resigned'],
      ['700000000013', 'Enabled'],
    ],
  )
})

test('120 members page through without skips or repeats', async () => {
  const admin = await account('700000000021')
  const ids = Array.from({ length: 120 }, (_, i) => String(720000000000 + i))
  for (let i = 0; i < ids.length; i += 50)
    await admin.gd.send(
      new CreateMembersCommand({
        DetectorId: admin.detectorId,
        AccountDetails: ids
          .slice(i, i + 50)
          .map((AccountId) => ({ AccountId, Email: `${AccountId}@example.com` })),
      }),
    )
  const seen: string[] = []
  let token: string | undefined
  let pages = 0
  do {
    const page = await admin.gd.send(
      new ListMembersCommand({
        DetectorId: admin.detectorId,
        OnlyAssociated: 'false',
        MaxResults: 50,
        NextToken: token,
      }),
    )
    seen.push(...(page.Members ?? []).map((m) => m.AccountId ?? ''))
    token = page.NextToken
    pages++
  } while (token)
  assert.equal(pages, 3)
  assert.deepEqual(seen, ids)
})

test('organization: management account, delegated administrator, auto-enabled members', async () => {
  const outsider = guardDutyClient(orgServer.url, { accessKeyId: '710000000001' })
  const notManagement = await rejection(
    outsider.send(new EnableOrganizationAdminAccountCommand({ AdminAccountId: '710000000001' })),
  )
  assert.match(notManagement.message, /management account/)
  const management = guardDutyClient(orgServer.url, { accessKeyId: '710000000000' })
  const foreign = await rejection(
    management.send(new EnableOrganizationAdminAccountCommand({ AdminAccountId: '799999999999' })),
  )
  assert.match(foreign.message, /not in the organization/)
  await management.send(
    new EnableOrganizationAdminAccountCommand({ AdminAccountId: '710000000001' }),
  )
  assert.deepEqual(
    (await management.send(new ListOrganizationAdminAccountsCommand({}))).AdminAccounts,
    [{ AdminAccountId: '710000000001', AdminStatus: 'ENABLED' }],
  )

  const admin = await account('710000000001', orgServer)
  const existing = await account('710000000002', orgServer)
  let config = await admin.gd.send(
    new DescribeOrganizationConfigurationCommand({ DetectorId: admin.detectorId }),
  )
  assert.equal(config.AutoEnableOrganizationMembers, 'NONE')
  assert.equal(config.AutoEnable, false)

  // NEW: an organization account that creates its detector afterwards is enrolled; existing ones are not.
  await admin.gd.send(
    new UpdateOrganizationConfigurationCommand({
      DetectorId: admin.detectorId,
      AutoEnableOrganizationMembers: 'NEW',
      Features: [
        {
          Name: 'RUNTIME_MONITORING',
          AutoEnable: 'NEW',
          AdditionalConfiguration: [{ Name: 'EKS_ADDON_MANAGEMENT', AutoEnable: 'NEW' }],
        },
      ],
    }),
  )
  const joiner = await account('710000000004', orgServer)
  let members = await admin.gd.send(new ListMembersCommand({ DetectorId: admin.detectorId }))
  assert.deepEqual(
    members.Members?.map((m) => [m.AccountId, m.RelationshipStatus]),
    [['710000000004', 'Enabled']],
  )
  const joinerDetector = await joiner.gd.send(
    new GetDetectorCommand({ DetectorId: joiner.detectorId }),
  )
  assert.equal(
    joinerDetector.Features?.find((f) => f.Name === 'RUNTIME_MONITORING')?.Status,
    'ENABLED',
  )
  assert.equal(
    (await joiner.gd.send(new GetAdministratorAccountCommand({ DetectorId: joiner.detectorId })))
      .Administrator?.AccountId,
    '710000000001',
  )

  // ALL: existing organization accounts are enrolled now, a detector is created where there is none.
  await admin.gd.send(
    new UpdateOrganizationConfigurationCommand({
      DetectorId: admin.detectorId,
      AutoEnableOrganizationMembers: 'ALL',
    }),
  )
  config = await admin.gd.send(
    new DescribeOrganizationConfigurationCommand({ DetectorId: admin.detectorId }),
  )
  assert.equal(config.AutoEnableOrganizationMembers, 'ALL')
  assert.equal(config.Features?.find((f) => f.Name === 'RUNTIME_MONITORING')?.AutoEnable, 'NEW')
  members = await admin.gd.send(new ListMembersCommand({ DetectorId: admin.detectorId }))
  assert.deepEqual(
    members.Members?.map((m) => m.AccountId),
    ['710000000002', '710000000003', '710000000004', '710000000005'],
  )
  assert.ok(members.Members?.every((m) => m.RelationshipStatus === 'Enabled' && m.DetectorId))
  const created = guardDutyClient(orgServer.url, { accessKeyId: '710000000003' })
  assert.equal((await created.send(new ListDetectorsCommand({}))).DetectorIds?.length, 1)
  assert.equal(
    (await existing.gd.send(new ListInvitationsCommand({}))).Invitations?.length,
    0,
    'no invitation needed',
  )

  const stats = await admin.gd.send(new GetOrganizationStatisticsCommand({}))
  assert.equal(stats.OrganizationDetails?.OrganizationStatistics?.MemberAccountsCount, 4)
  assert.equal(stats.OrganizationDetails?.OrganizationStatistics?.EnabledAccountsCount, 4)
  assert.equal(
    stats.OrganizationDetails?.OrganizationStatistics?.CountByFeature?.find(
      (f) => f.Name === 'RUNTIME_MONITORING',
    )?.EnabledAccountsCount,
    1,
  )
  const notAdmin = await rejection(
    existing.gd.send(
      new DescribeOrganizationConfigurationCommand({ DetectorId: existing.detectorId }),
    ),
  )
  assert.match(notAdmin.message, /delegated GuardDuty administrator/)
})
