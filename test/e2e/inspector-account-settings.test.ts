/**
 * Inspector account settings through the real SDK: scan configuration (ECR re-scan durations, EC2 scan
 * mode) with AWS's defaults, the account's own EC2 deep inspection, customer managed encryption keys
 * (a ResourceNotFoundException means the AWS owned key), free trial information, account permissions,
 * and the tag operations' answers while no taggable Inspector resource is served.
 */
import {
  BatchGetFreeTrialInfoCommand,
  EnableCommand,
  EnableDelegatedAdminAccountCommand,
  AssociateMemberCommand,
  GetConfigurationCommand,
  GetEc2DeepInspectionConfigurationCommand,
  GetEncryptionKeyCommand,
  ListAccountPermissionsCommand,
  ListTagsForResourceCommand,
  ResetEncryptionKeyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateConfigurationCommand,
  UpdateEc2DeepInspectionConfigurationCommand,
  UpdateEncryptionKeyCommand,
  type Inspector2Client,
} from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { rejection } from '../helpers/rejection.js'
import { inspectorClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

let n = 0
/** A client of an account no other test uses. */
function fresh(region = 'us-east-1'): { id: string; client: Inspector2Client } {
  n++
  const id = String(730000000000 + n)
  return { id, client: inspectorClient(server.url, { accessKeyId: id, region }) }
}
const DAY_MS = 24 * 60 * 60 * 1000

test('GetConfiguration reports AWS defaults, then what UpdateConfiguration wrote', async () => {
  const { client } = fresh()
  const before = Date.now()
  const initial = await client.send(new GetConfigurationCommand({}))
  const ecr = initial.ecrConfiguration?.rescanDurationState
  assert.equal(ecr?.rescanDuration, 'LIFETIME')
  assert.equal(ecr?.pullDateRescanDuration, 'DAYS_90')
  assert.equal(ecr?.pullDateRescanMode, 'LAST_PULL_DATE')
  assert.equal(ecr?.status, 'SUCCESS')
  assert.ok(ecr?.updatedAt instanceof Date)
  assert.deepEqual(initial.ec2Configuration?.scanModeState, {
    scanMode: 'EC2_SSM_AGENT_BASED',
    scanModeStatus: 'SUCCESS',
  })

  await client.send(
    new UpdateConfigurationCommand({
      ecrConfiguration: { rescanDuration: 'DAYS_30', pullDateRescanDuration: 'DAYS_14' },
    }),
  )
  await client.send(
    new UpdateConfigurationCommand({ ec2Configuration: { scanMode: 'EC2_HYBRID' } }),
  )
  const got = await client.send(new GetConfigurationCommand({}))
  const state = got.ecrConfiguration?.rescanDurationState
  assert.equal(state?.rescanDuration, 'DAYS_30')
  assert.equal(state?.pullDateRescanDuration, 'DAYS_14')
  assert.equal(state?.pullDateRescanMode, 'LAST_PULL_DATE')
  assert.ok((state?.updatedAt?.getTime() ?? 0) >= before - 1000)
  assert.equal(got.ec2Configuration?.scanModeState?.scanMode, 'EC2_HYBRID')

  const other = await fresh().client.send(new GetConfigurationCommand({}))
  assert.equal(other.ecrConfiguration?.rescanDurationState?.rescanDuration, 'LIFETIME')

  const empty = await rejection(client.send(new UpdateConfigurationCommand({})))
  assert.equal(empty.name, 'ValidationException')
  const bad = await rejection(
    client.send(
      new UpdateConfigurationCommand({
        ecrConfiguration: { rescanDuration: 'DAYS_7' as 'DAYS_30' },
      }),
    ),
  )
  assert.equal(bad.name, 'ValidationException')
})

test('EC2 deep inspection of the caller: activation and package paths', async () => {
  const { client } = fresh()
  const initial = await client.send(new GetEc2DeepInspectionConfigurationCommand({}))
  assert.equal(initial.status, 'DEACTIVATED')
  assert.deepEqual(initial.packagePaths, [])
  assert.deepEqual(initial.orgPackagePaths, [])

  const updated = await client.send(
    new UpdateEc2DeepInspectionConfigurationCommand({
      activateDeepInspection: true,
      packagePaths: ['/opt/app', '/usr/local/lib'],
    }),
  )
  assert.equal(updated.status, 'ACTIVATED')
  assert.deepEqual(updated.packagePaths, ['/opt/app', '/usr/local/lib'])
  const pathsOnly = await client.send(
    new UpdateEc2DeepInspectionConfigurationCommand({ packagePaths: ['/srv'] }),
  )
  assert.equal(pathsOnly.status, 'ACTIVATED', 'activation is kept when not given')
  const got = await client.send(new GetEc2DeepInspectionConfigurationCommand({}))
  assert.deepEqual(got.packagePaths, ['/srv'])
  const off = await client.send(
    new UpdateEc2DeepInspectionConfigurationCommand({ activateDeepInspection: false }),
  )
  assert.equal(off.status, 'DEACTIVATED')
  assert.deepEqual(off.packagePaths, ['/srv'])

  const tooMany = await rejection(
    client.send(
      new UpdateEc2DeepInspectionConfigurationCommand({
        packagePaths: ['/a', '/b', '/c', '/d', '/e', '/f'],
      }),
    ),
  )
  assert.equal(tooMany.name, 'ValidationException')
  const relative = await rejection(
    client.send(new UpdateEc2DeepInspectionConfigurationCommand({ packagePaths: ['opt/app'] })),
  )
  assert.equal(relative.name, 'ValidationException')
  const nothing = await rejection(client.send(new UpdateEc2DeepInspectionConfigurationCommand({})))
  assert.equal(nothing.name, 'ValidationException')
})

test('encryption keys: AWS owned (ResourceNotFound) until set, per scan and resource type, reset', async () => {
  const { id, client } = fresh()
  const key = `arn:aws:kms:us-east-1:${id}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789`
  const target = { scanType: 'CODE', resourceType: 'AWS_LAMBDA_FUNCTION' } as const
  const unset = await rejection(client.send(new GetEncryptionKeyCommand(target)))
  assert.equal(unset.name, 'ResourceNotFoundException')
  assert.equal(unset.$metadata.httpStatusCode, 404)

  await client.send(new UpdateEncryptionKeyCommand({ ...target, kmsKeyId: key }))
  const got = await client.send(new GetEncryptionKeyCommand(target))
  assert.equal(got.kmsKeyId, key)
  const otherType = await rejection(
    client.send(
      new GetEncryptionKeyCommand({ scanType: 'PACKAGE', resourceType: 'AWS_LAMBDA_FUNCTION' }),
    ),
  )
  assert.equal(otherType.name, 'ResourceNotFoundException')
  const otherAccount = await rejection(fresh().client.send(new GetEncryptionKeyCommand(target)))
  assert.equal(otherAccount.name, 'ResourceNotFoundException')

  const wrongRegion = await rejection(
    client.send(
      new UpdateEncryptionKeyCommand({
        ...target,
        kmsKeyId: key.replace('us-east-1', 'eu-west-1'),
      }),
    ),
  )
  assert.equal(wrongRegion.name, 'ValidationException')
  assert.equal(wrongRegion.fields?.[0]?.name, 'kmsKeyId')
  const notAKey = await rejection(
    client.send(new UpdateEncryptionKeyCommand({ ...target, kmsKeyId: 'alias/mine' })),
  )
  assert.equal(notAKey.name, 'ValidationException')

  await client.send(new ResetEncryptionKeyCommand(target))
  const reset = await rejection(client.send(new GetEncryptionKeyCommand(target)))
  assert.equal(reset.name, 'ResourceNotFoundException')
  await client.send(new ResetEncryptionKeyCommand(target)) // resetting again is harmless
})

test('free trial: 15 days from the first Enable, for the caller and its members only', async () => {
  const { id, client } = fresh()
  const none = await client.send(new BatchGetFreeTrialInfoCommand({ accountIds: [id] }))
  assert.deepEqual(none.accounts, [{ accountId: id, freeTrialInfo: [] }])
  assert.deepEqual(none.failedAccounts, [])

  const before = Date.now()
  await client.send(new EnableCommand({ resourceTypes: ['ECR'] }))
  await client.send(new EnableCommand({ resourceTypes: ['EC2'] }))
  const other = fresh().id
  const out = await client.send(new BatchGetFreeTrialInfoCommand({ accountIds: [id, other] }))
  const info = out.accounts?.[0]?.freeTrialInfo ?? []
  assert.deepEqual(
    info.map((i) => [i.type, i.status]),
    [
      ['EC2', 'ACTIVE'],
      ['ECR', 'ACTIVE'],
      ['LAMBDA', 'ACTIVE'],
      ['LAMBDA_CODE', 'ACTIVE'],
    ],
  )
  for (const i of info) {
    assert.ok(
      (i.start?.getTime() ?? 0) >= before - 1000 && (i.start?.getTime() ?? 0) <= Date.now() + 1000,
    )
    assert.equal((i.end?.getTime() ?? 0) - (i.start?.getTime() ?? 0), 15 * DAY_MS)
  }
  assert.deepEqual(out.failedAccounts, [
    {
      accountId: other,
      code: 'ACCESS_DENIED',
      message: `The caller is not the delegated administrator of account ${other}.`,
    },
  ])
  const empty = await rejection(client.send(new BatchGetFreeTrialInfoCommand({ accountIds: [] })))
  assert.equal(empty.name, 'ValidationException')
})

test('the delegated administrator reads its members’ free trial', async () => {
  // Development organization: managed by 123456789012, every account belongs to it.
  const admin = fresh()
  const member = fresh()
  await inspectorClient(server.url, { accessKeyId: '123456789012' }).send(
    new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: admin.id }),
  )
  await admin.client.send(new AssociateMemberCommand({ accountId: member.id }))
  await member.client.send(new EnableCommand({ resourceTypes: ['LAMBDA'] }))
  const out = await admin.client.send(new BatchGetFreeTrialInfoCommand({ accountIds: [member.id] }))
  assert.equal(out.accounts?.[0]?.accountId, member.id)
  assert.equal(out.accounts?.[0]?.freeTrialInfo?.length, 4)
  assert.deepEqual(out.failedAccounts, [])
})

test('ListAccountPermissions lists the scanning operations, by service and in pages', async () => {
  const { client } = fresh()
  const all = await client.send(new ListAccountPermissionsCommand({}))
  assert.equal(all.permissions?.length, 8)
  assert.equal(all.nextToken, undefined)
  const ecr = await client.send(new ListAccountPermissionsCommand({ service: 'ECR' }))
  assert.deepEqual(
    (ecr.permissions ?? []).map((p) => p.operation),
    ['DISABLE_REPOSITORY', 'DISABLE_SCANNING', 'ENABLE_REPOSITORY', 'ENABLE_SCANNING'],
  )
  const seen: string[] = []
  let nextToken: string | undefined
  do {
    const page = await client.send(new ListAccountPermissionsCommand({ maxResults: 3, nextToken }))
    assert.ok((page.permissions?.length ?? 0) <= 3)
    seen.push(...(page.permissions ?? []).map((p) => `${p.service}:${p.operation}`))
    nextToken = page.nextToken
  } while (nextToken)
  assert.deepEqual(
    seen,
    (all.permissions ?? []).map((p) => `${p.service}:${p.operation}`),
  )
  const badToken = await rejection(
    client.send(new ListAccountPermissionsCommand({ service: 'EC2', nextToken: 'bm9wZQ' })),
  )
  assert.equal(badToken.name, 'ValidationException')
})

test('tags: malformed ARN, another account, and a resource that does not exist', async () => {
  const { id, client } = fresh()
  const own = `arn:aws:inspector2:us-east-1:${id}:owner/${id}/filter/f0123456789`
  for (const command of [
    new TagResourceCommand({ resourceArn: own, tags: { team: 'blue' } }),
    new UntagResourceCommand({ resourceArn: own, tagKeys: ['team'] }),
    new ListTagsForResourceCommand({ resourceArn: own }),
  ]) {
    const e = await rejection(client.send(command as TagResourceCommand))
    assert.equal(e.name, 'ResourceNotFoundException', command.constructor.name)
    assert.equal(e.$metadata.httpStatusCode, 404)
  }
  const malformed = await rejection(
    client.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:guardduty:us-east-1:1:x' })),
  )
  assert.equal(malformed.name, 'ValidationException')
  assert.equal(malformed.fields?.[0]?.name, 'resourceArn')
  const foreign = '999999999999'
  const theirs = `arn:aws:inspector2:us-east-1:${foreign}:owner/${foreign}/filter/f0123456789`
  const denied = await rejection(
    client.send(new TagResourceCommand({ resourceArn: theirs, tags: { a: 'b' } })),
  )
  assert.equal(denied.name, 'AccessDeniedException')
  assert.equal(denied.$metadata.httpStatusCode, 403)
})
