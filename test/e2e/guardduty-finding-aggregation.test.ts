/**
 * The aggregation API the detection engine calls, seen through the real SDK: the same activity updates
 * one finding (count, eventLastSeen, updatedAt advance; createdAt and eventFirstSeen stay; details are
 * the latest), other activity makes another finding, suppression rules archive on create and on
 * update (an administrator's rules apply to its members), a finding archived by hand returns on new
 * activity, and a disabled detector records nothing.
 */
import {
  AcceptAdministratorInvitationCommand,
  ArchiveFindingsCommand,
  CreateDetectorCommand,
  CreateFilterCommand,
  CreateMembersCommand,
  GetFindingsCommand,
  InviteMembersCommand,
  ListInvitationsCommand,
  UpdateDetectorCommand,
  type GuardDutyClient,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { guardDutyClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

const T0 = Date.parse('2026-11-20T10:00:00.000Z')

function bruteForce(account: string, instanceId: string, port: number, severity = 2) {
  return {
    type: 'UnauthorizedAccess:EC2/SSHBruteForce',
    severity,
    title: `SSH brute force attacks against ${instanceId}.`,
    description: 'An instance is the target of SSH brute force attacks.',
    resource: { resourceType: 'Instance', instanceDetails: { instanceId } },
    service: {
      resourceRole: 'TARGET',
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: 'INBOUND',
          localPortDetails: { port },
          blocked: false,
        },
      },
    },
    accountId: account,
  }
}

async function detector(account: string): Promise<{ gd: GuardDutyClient; detectorId: string }> {
  const gd = guardDutyClient(server.url, { accessKeyId: account })
  return {
    gd,
    detectorId: (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? '',
  }
}

async function get(gd: GuardDutyClient, detectorId: string, id: string) {
  const found = (
    await gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: [id] }))
  ).Findings?.[0]
  assert.ok(found, `finding ${id}`)
  return found
}

test('the same activity updates one finding; other activity makes another', async () => {
  const { gd, detectorId } = await detector('960000000001')
  const scope = { accountId: '960000000001', region: 'us-east-1' }
  const first = await server.findingAggregator.record({
    scope,
    aggregationKey: 'SSHBruteForce/i-0aaa/TARGET',
    finding: bruteForce('960000000001', 'i-0aaa', 22),
    eventTimeMs: T0,
  })
  assert.equal(first?.created, true)
  const created = await get(gd, detectorId, first?.findingId ?? '')
  assert.equal(created.Service?.Count, 1)
  assert.equal(created.Service?.EventFirstSeen, new Date(T0).toISOString())
  assert.match(
    created.Arn ?? '',
    new RegExp(`detector/${detectorId}/finding/${first?.findingId ?? ''}$`),
  )
  assert.match(first?.findingId ?? '', /^[0-9a-f]{32}$/)
  await new Promise((r) => setTimeout(r, 5))
  const again = await server.findingAggregator.record({
    scope,
    aggregationKey: 'SSHBruteForce/i-0aaa/TARGET',
    finding: bruteForce('960000000001', 'i-0aaa', 2222),
    eventTimeMs: T0 + 600_000,
    occurrences: 3,
  })
  assert.equal(again?.findingId, first?.findingId)
  assert.equal(again?.created, false)
  const updated = await get(gd, detectorId, first?.findingId ?? '')
  assert.equal(updated.Service?.Count, 4)
  assert.equal(updated.Service?.EventFirstSeen, new Date(T0).toISOString())
  assert.equal(updated.Service?.EventLastSeen, new Date(T0 + 600_000).toISOString())
  assert.equal(updated.CreatedAt, created.CreatedAt)
  assert.ok((updated.UpdatedAt ?? '') > (created.UpdatedAt ?? ''))
  assert.equal(
    updated.Service?.Action?.NetworkConnectionAction?.LocalPortDetails?.Port,
    2222,
    'latest details',
  )
  const other = await server.findingAggregator.record({
    scope,
    aggregationKey: 'SSHBruteForce/i-0bbb/TARGET',
    finding: bruteForce('960000000001', 'i-0bbb', 22),
    eventTimeMs: T0,
  })
  assert.notEqual(other?.findingId, first?.findingId)
})

test('suppression on create and update; a hand-archived finding returns on new activity', async () => {
  const { gd, detectorId } = await detector('960000000002')
  const scope = { accountId: '960000000002', region: 'us-east-1' }
  await gd.send(
    new CreateFilterCommand({
      DetectorId: detectorId,
      Name: 'suppress-lab',
      Action: 'ARCHIVE',
      FindingCriteria: { Criterion: { 'resource.instanceDetails.instanceId': { Eq: ['i-0lab'] } } },
    }),
  )
  const lab = await server.findingAggregator.record({
    scope,
    aggregationKey: 'k-lab',
    finding: bruteForce('960000000002', 'i-0lab', 22),
    eventTimeMs: T0,
  })
  assert.equal(lab?.archived, true)
  assert.equal((await get(gd, detectorId, lab?.findingId ?? '')).Service?.Archived, true)
  const prod = await server.findingAggregator.record({
    scope,
    aggregationKey: 'k-prod',
    finding: bruteForce('960000000002', 'i-0prod', 22),
    eventTimeMs: T0,
  })
  assert.equal(prod?.archived, false)
  await gd.send(
    new ArchiveFindingsCommand({ DetectorId: detectorId, FindingIds: [prod?.findingId ?? ''] }),
  )
  assert.equal((await get(gd, detectorId, prod?.findingId ?? '')).Service?.Archived, true)
  await server.findingAggregator.record({
    scope,
    aggregationKey: 'k-prod',
    finding: bruteForce('960000000002', 'i-0prod', 22),
    eventTimeMs: T0 + 1000,
  })
  assert.equal(
    (await get(gd, detectorId, prod?.findingId ?? '')).Service?.Archived,
    false,
    'new activity brings it back',
  )
  await server.findingAggregator.record({
    scope,
    aggregationKey: 'k-lab',
    finding: bruteForce('960000000002', 'i-0lab', 22),
    eventTimeMs: T0 + 1000,
  })
  assert.equal(
    (await get(gd, detectorId, lab?.findingId ?? '')).Service?.Archived,
    true,
    'a rule archives it again',
  )
})

test("an administrator's suppression rules apply to its members; a disabled detector records nothing", async () => {
  const admin = await detector('960000000003')
  const member = await detector('960000000004')
  await admin.gd.send(
    new CreateMembersCommand({
      DetectorId: admin.detectorId,
      AccountDetails: [{ AccountId: '960000000004', Email: 'm@example.com' }],
    }),
  )
  await admin.gd.send(
    new InviteMembersCommand({ DetectorId: admin.detectorId, AccountIds: ['960000000004'] }),
  )
  const invitation = (await member.gd.send(new ListInvitationsCommand({}))).Invitations?.[0]
  await member.gd.send(
    new AcceptAdministratorInvitationCommand({
      DetectorId: member.detectorId,
      AdministratorId: '960000000003',
      InvitationId: invitation?.InvitationId,
    }),
  )
  await admin.gd.send(
    new CreateFilterCommand({
      DetectorId: admin.detectorId,
      Name: 'low',
      Action: 'ARCHIVE',
      FindingCriteria: { Criterion: { severity: { Lt: 4 } } },
    }),
  )
  const scope = { accountId: '960000000004', region: 'us-east-1' }
  const low = await server.findingAggregator.record({
    scope,
    aggregationKey: 'low',
    finding: bruteForce('960000000004', 'i-0m', 22, 2),
    eventTimeMs: T0,
  })
  const high = await server.findingAggregator.record({
    scope,
    aggregationKey: 'high',
    finding: bruteForce('960000000004', 'i-0m', 22, 8),
    eventTimeMs: T0,
  })
  assert.equal(low?.archived, true)
  assert.equal(high?.archived, false)
  await member.gd.send(new UpdateDetectorCommand({ DetectorId: member.detectorId, Enable: false }))
  assert.equal(
    await server.findingAggregator.record({
      scope,
      aggregationKey: 'x',
      finding: bruteForce('960000000004', 'i-0m', 22),
      eventTimeMs: T0,
    }),
    undefined,
  )
})
