/**
 * Inspector in an organization through the real SDK: the management account chooses a delegated
 * administrator per region; the administrator associates organization accounts as members, acts on
 * their enablement, sets the organization's auto-enable and deep inspection paths; members and accounts
 * outside the organization are refused. Each test uses its own configured organization.
 */
import {
  AssociateMemberCommand,
  BatchGetAccountStatusCommand,
  BatchGetMemberEc2DeepInspectionStatusCommand,
  BatchUpdateMemberEc2DeepInspectionStatusCommand,
  DescribeOrganizationConfigurationCommand,
  DisableCommand,
  DisableDelegatedAdminAccountCommand,
  DisassociateMemberCommand,
  EnableCommand,
  EnableDelegatedAdminAccountCommand,
  GetDelegatedAdminAccountCommand,
  GetEc2DeepInspectionConfigurationCommand,
  GetMemberCommand,
  ListDelegatedAdminAccountsCommand,
  ListMembersCommand,
  UpdateOrganizationConfigurationCommand,
  UpdateOrgEc2DeepInspectionConfigurationCommand,
  type Inspector2Client,
} from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { rejection } from '../helpers/rejection.js'
import { inspectorClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
/** Organization n: management account `72n000000000`, members `72n00000000{1..6}`. */
const ORGS = [1, 2, 3, 4, 5]
before(async () => {
  server = await startTestServer({
    organizations: ORGS.map((n) => ({
      id: `o-i2test00${n}`,
      managementAccountId: `72${n}000000000`,
      accounts: [1, 2, 3, 4, 5, 6].map((m) => `72${n}00000000${m}`),
    })),
  })
})
after(async () => {
  await server.close()
})

const OUTSIDER = '729999999999'
function as(accountId: string, region = 'us-east-1'): Inspector2Client {
  return inspectorClient(server.url, { accessKeyId: accountId, region })
}
/** Management account and member accounts of organization `n`. */
function org(n: number) {
  return { management: `72${n}000000000`, account: (m: number) => `72${n}00000000${m}` }
}
async function withAdmin(n: number) {
  const o = org(n)
  const admin = o.account(1)
  await as(o.management).send(
    new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: admin }),
  )
  return { ...o, admin, client: as(admin) }
}

test('only the management account chooses the delegated administrator, inside its organization', async () => {
  const o = org(1)
  const notManager = await rejection(
    as(o.account(2)).send(
      new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: o.account(1) }),
    ),
  )
  assert.equal(notManager.name, 'AccessDeniedException')
  assert.equal(notManager.$metadata.httpStatusCode, 403)
  const outside = await rejection(
    as(o.management).send(
      new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: OUTSIDER }),
    ),
  )
  assert.equal(outside.name, 'ValidationException')
  assert.equal(outside.fields?.[0]?.name, 'delegatedAdminAccountId')
  const otherOrg = await rejection(
    as(o.management).send(
      new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: org(2).account(1) }),
    ),
  )
  assert.equal(otherOrg.name, 'ValidationException')

  const enabled = await as(o.management).send(
    new EnableDelegatedAdminAccountCommand({
      delegatedAdminAccountId: o.account(1),
      clientToken: 'token-1',
    }),
  )
  assert.equal(enabled.delegatedAdminAccountId, o.account(1))
  const again = await as(o.management).send(
    new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: o.account(1) }),
  )
  assert.equal(again.delegatedAdminAccountId, o.account(1), 'enabling the same admin is a no-op')

  const conflict = await rejection(
    as(o.management).send(
      new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: o.account(2) }),
    ),
  )
  assert.equal(conflict.name, 'ConflictException')
  assert.equal(conflict.$metadata.httpStatusCode, 409)
  const c = conflict as unknown as { resourceId?: string; resourceType?: string }
  assert.equal(c.resourceId, o.account(1))
  assert.equal(c.resourceType, 'DELEGATED_ADMIN_ACCOUNT')
  const reused = await rejection(
    as(o.management).send(
      new EnableDelegatedAdminAccountCommand({
        delegatedAdminAccountId: o.account(2),
        clientToken: 'token-1',
      }),
    ),
  )
  assert.equal(reused.name, 'ValidationException')
})

test('the management account and the administrator see the administrator; others are refused', async () => {
  const { management, admin, client, account } = await withAdmin(2)
  for (const c of [as(management), client]) {
    const out = await c.send(new GetDelegatedAdminAccountCommand({}))
    assert.deepEqual(out.delegatedAdmin, { accountId: admin, relationshipStatus: 'ENABLED' })
  }
  assert.equal(
    (await rejection(as(account(3)).send(new GetDelegatedAdminAccountCommand({})))).name,
    'AccessDeniedException',
  )
  assert.equal(
    (await rejection(as(OUTSIDER).send(new GetDelegatedAdminAccountCommand({})))).name,
    'AccessDeniedException',
  )
  const list = await as(management).send(new ListDelegatedAdminAccountsCommand({ maxResults: 5 }))
  assert.deepEqual(list.delegatedAdminAccounts, [{ accountId: admin, status: 'ENABLED' }])
  assert.equal(list.nextToken, undefined)
  assert.equal(
    (await rejection(client.send(new ListDelegatedAdminAccountsCommand({})))).name,
    'AccessDeniedException',
  )
  for (const maxResults of [0, 6]) {
    const bad = await rejection(
      as(management).send(new ListDelegatedAdminAccountsCommand({ maxResults })),
    )
    assert.equal(bad.name, 'ValidationException', `maxResults ${maxResults}`)
  }
  const badToken = await rejection(
    as(management).send(new ListDelegatedAdminAccountsCommand({ nextToken: 'garbage' })),
  )
  assert.equal(badToken.name, 'ValidationException')

  const west = await as(management, 'eu-west-1').send(new GetDelegatedAdminAccountCommand({}))
  assert.equal(west.delegatedAdmin, undefined, 'the administrator is per region')

  const wrong = await rejection(
    as(management).send(
      new DisableDelegatedAdminAccountCommand({ delegatedAdminAccountId: account(2) }),
    ),
  )
  assert.equal(wrong.name, 'ResourceNotFoundException')
  assert.equal(
    (
      await rejection(
        client.send(new DisableDelegatedAdminAccountCommand({ delegatedAdminAccountId: admin })),
      )
    ).name,
    'AccessDeniedException',
  )
  const disabled = await as(management).send(
    new DisableDelegatedAdminAccountCommand({ delegatedAdminAccountId: admin }),
  )
  assert.equal(disabled.delegatedAdminAccountId, admin)
  const none = await as(management).send(new GetDelegatedAdminAccountCommand({}))
  assert.equal(none.delegatedAdmin, undefined)
  const empty = await as(management).send(new ListDelegatedAdminAccountsCommand({}))
  assert.deepEqual(empty.delegatedAdminAccounts, [])
  // Another account may now be chosen.
  const next = await as(management).send(
    new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: account(2) }),
  )
  assert.equal(next.delegatedAdminAccountId, account(2))
})

test('the administrator associates, lists, reads and disassociates organization members', async () => {
  const { management, admin, client, account } = await withAdmin(3)
  const notAdmin = await rejection(
    as(account(2)).send(new AssociateMemberCommand({ accountId: account(3) })),
  )
  assert.equal(notAdmin.name, 'AccessDeniedException')
  const outsider = await rejection(client.send(new AssociateMemberCommand({ accountId: OUTSIDER })))
  assert.equal(outsider.name, 'ValidationException')
  assert.equal(outsider.fields?.[0]?.name, 'accountId')
  const self = await rejection(client.send(new AssociateMemberCommand({ accountId: admin })))
  assert.equal(self.name, 'ValidationException')

  const before = Date.now()
  for (const id of [account(4), account(2), account(3), management]) {
    const out = await client.send(new AssociateMemberCommand({ accountId: id }))
    assert.equal(out.accountId, id)
  }
  await client.send(new AssociateMemberCommand({ accountId: account(2) })) // again: a no-op
  const got = await client.send(new GetMemberCommand({ accountId: account(2) }))
  assert.equal(got.member?.accountId, account(2))
  assert.equal(got.member?.relationshipStatus, 'ENABLED')
  assert.equal(got.member?.delegatedAdminAccountId, admin)
  assert.ok(got.member?.updatedAt instanceof Date)
  assert.ok(got.member.updatedAt.getTime() >= before - 1000)
  assert.equal(
    (await rejection(client.send(new GetMemberCommand({ accountId: account(6) })))).name,
    'ResourceNotFoundException',
  )

  const seen: string[] = []
  let nextToken: string | undefined
  let pages = 0
  do {
    const page = await client.send(new ListMembersCommand({ maxResults: 3, nextToken }))
    seen.push(...(page.members ?? []).map((m) => m.accountId ?? ''))
    nextToken = page.nextToken
    pages++
  } while (nextToken)
  assert.equal(pages, 2)
  assert.deepEqual(seen, [management, account(2), account(3), account(4)])
  assert.equal(
    (await rejection(client.send(new ListMembersCommand({ maxResults: 51 })))).name,
    'ValidationException',
  )
  assert.equal(
    (await rejection(client.send(new ListMembersCommand({ nextToken: 'bm9wZQ' })))).name,
    'ValidationException',
  )

  const out = await client.send(new DisassociateMemberCommand({ accountId: account(3) }))
  assert.equal(out.accountId, account(3))
  const removed = await client.send(new GetMemberCommand({ accountId: account(3) }))
  assert.equal(removed.member?.relationshipStatus, 'REMOVED')
  const associated = await client.send(new ListMembersCommand({}))
  assert.deepEqual(
    associated.members?.map((m) => m.accountId),
    [management, account(2), account(4)],
  )
  const all = await client.send(new ListMembersCommand({ onlyAssociated: false }))
  assert.deepEqual(
    all.members?.map((m) => [m.accountId, m.relationshipStatus]),
    [
      [management, 'ENABLED'],
      [account(2), 'ENABLED'],
      [account(3), 'REMOVED'],
      [account(4), 'ENABLED'],
    ],
  )
  const twice = await rejection(
    client.send(new DisassociateMemberCommand({ accountId: account(3) })),
  )
  assert.equal(twice.name, 'ValidationException')
  assert.equal(
    (await rejection(as(account(2)).send(new DisassociateMemberCommand({ accountId: account(4) }))))
      .name,
    'AccessDeniedException',
  )

  // Disabling the administrator dissolves its membership.
  await as(management).send(
    new DisableDelegatedAdminAccountCommand({ delegatedAdminAccountId: admin }),
  )
  assert.equal(
    (await rejection(client.send(new GetMemberCommand({ accountId: account(2) })))).name,
    'AccessDeniedException',
  )
  await as(management).send(
    new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: admin }),
  )
  const fresh = await client.send(new ListMembersCommand({ onlyAssociated: false }))
  assert.deepEqual(fresh.members, [])
})

test('the administrator enables, disables and reads its associated members; others stay ACCESS_DENIED', async () => {
  const { client, account } = await withAdmin(4)
  await client.send(new AssociateMemberCommand({ accountId: account(2) }))
  const enabled = await client.send(
    new EnableCommand({ resourceTypes: ['EC2'], accountIds: [account(2), account(3), OUTSIDER] }),
  )
  assert.deepEqual(
    enabled.accounts?.map((a) => [a.accountId, a.resourceStatus?.ec2]),
    [[account(2), 'ENABLING']],
  )
  assert.deepEqual(
    enabled.failedAccounts?.map((f) => [f.accountId, f.errorCode]),
    [
      [account(3), 'ACCESS_DENIED'],
      [OUTSIDER, 'ACCESS_DENIED'],
    ],
  )
  const own = await as(account(2)).send(new BatchGetAccountStatusCommand({}))
  assert.equal(own.accounts?.[0]?.resourceState?.ec2?.status, 'ENABLED', 'in the member scope')
  const viaAdmin = await client.send(
    new BatchGetAccountStatusCommand({ accountIds: [account(2), account(3)] }),
  )
  assert.equal(viaAdmin.accounts?.[0]?.accountId, account(2))
  assert.equal(viaAdmin.accounts?.[0]?.state?.status, 'ENABLED')
  assert.deepEqual(
    viaAdmin.failedAccounts?.map((f) => f.accountId),
    [account(3)],
  )
  const disabled = await client.send(new DisableCommand({ accountIds: [account(2)] }))
  assert.equal(disabled.accounts?.[0]?.resourceStatus?.ec2, 'DISABLING')
  await client.send(new DisassociateMemberCommand({ accountId: account(2) }))
  const after = await client.send(new BatchGetAccountStatusCommand({ accountIds: [account(2)] }))
  assert.deepEqual(after.accounts, [])
  assert.equal(after.failedAccounts?.[0]?.errorCode, 'ACCESS_DENIED')
})

test('organization configuration auto-enables resource types for accounts associated later', async () => {
  const { client, account } = await withAdmin(5)
  const refused = await rejection(
    as(account(2)).send(new DescribeOrganizationConfigurationCommand({})),
  )
  assert.equal(refused.name, 'AccessDeniedException')
  assert.equal(
    (
      await rejection(
        as(account(2)).send(
          new UpdateOrganizationConfigurationCommand({ autoEnable: { ec2: true, ecr: true } }),
        ),
      )
    ).name,
    'AccessDeniedException',
  )
  const initial = await client.send(new DescribeOrganizationConfigurationCommand({}))
  assert.deepEqual(initial.autoEnable, {
    ec2: false,
    ecr: false,
    lambda: false,
    lambdaCode: false,
    codeRepository: false,
  })
  assert.equal(initial.maxAccountLimitReached, false)

  await client.send(new AssociateMemberCommand({ accountId: account(2) }))
  const updated = await client.send(
    new UpdateOrganizationConfigurationCommand({
      autoEnable: { ec2: false, ecr: true, lambda: true },
    }),
  )
  assert.deepEqual(updated.autoEnable, {
    ec2: false,
    ecr: true,
    lambda: true,
    lambdaCode: false,
    codeRepository: false,
  })
  const described = await client.send(new DescribeOrganizationConfigurationCommand({}))
  assert.deepEqual(described.autoEnable, updated.autoEnable)

  await client.send(new AssociateMemberCommand({ accountId: account(3) }))
  const later = await as(account(3)).send(new BatchGetAccountStatusCommand({}))
  const rs = later.accounts?.[0]?.resourceState
  assert.equal(rs?.ecr?.status, 'ENABLED')
  assert.equal(rs?.lambda?.status, 'ENABLED')
  assert.equal(rs?.ec2?.status, 'DISABLED')
  const earlier = await as(account(2)).send(new BatchGetAccountStatusCommand({}))
  assert.equal(
    earlier.accounts?.[0]?.state?.status,
    'DISABLED',
    'members associated before the update are unchanged',
  )
})

test('organization deep inspection paths reach the administrator and its members', async () => {
  // Organization 1 already has this administrator (first test): enabling it again is a no-op.
  const { client, account, admin } = await withAdmin(1)
  await client.send(new AssociateMemberCommand({ accountId: account(5) }))
  assert.equal(
    (
      await rejection(
        as(account(5)).send(
          new UpdateOrgEc2DeepInspectionConfigurationCommand({ orgPackagePaths: ['/opt/app'] }),
        ),
      )
    ).name,
    'AccessDeniedException',
  )
  await client.send(
    new UpdateOrgEc2DeepInspectionConfigurationCommand({ orgPackagePaths: ['/opt/app', '/srv'] }),
  )
  for (const id of [admin, account(5)]) {
    const got = await as(id).send(new GetEc2DeepInspectionConfigurationCommand({}))
    assert.deepEqual(got.orgPackagePaths, ['/opt/app', '/srv'], id)
    assert.equal(got.status, 'DEACTIVATED')
  }
  const outsideMembers = await as(account(6)).send(new GetEc2DeepInspectionConfigurationCommand({}))
  assert.deepEqual(outsideMembers.orgPackagePaths, [], 'not associated: no organization paths')

  const updated = await client.send(
    new BatchUpdateMemberEc2DeepInspectionStatusCommand({
      accountIds: [
        { accountId: account(5), activateDeepInspection: true },
        { accountId: account(6), activateDeepInspection: true },
      ],
    }),
  )
  assert.deepEqual(updated.accountIds, [{ accountId: account(5), status: 'ACTIVATED' }])
  assert.equal(updated.failedAccountIds?.[0]?.accountId, account(6))
  const member = await as(account(5)).send(new GetEc2DeepInspectionConfigurationCommand({}))
  assert.equal(member.status, 'ACTIVATED')
  const statuses = await client.send(
    new BatchGetMemberEc2DeepInspectionStatusCommand({
      accountIds: [admin, account(5), account(6)],
    }),
  )
  assert.deepEqual(statuses.accountIds, [
    { accountId: admin, status: 'DEACTIVATED' },
    { accountId: account(5), status: 'ACTIVATED' },
  ])
  assert.deepEqual(
    statuses.failedAccountIds?.map((f) => f.accountId),
    [account(6)],
  )
})
