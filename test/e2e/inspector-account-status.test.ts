/**
 * Inspector enablement through the real SDK: Enable answers ENABLING for the types it turns on, later
 * reads see ENABLED; Disable answers DISABLING, later reads see DISABLED; per-resource-type state for
 * EC2, ECR, LAMBDA, LAMBDA_CODE and CODE_REPOSITORY; transitions honour the configured duration on an
 * injected clock; accounts and regions are independent.
 */
import {
  BatchGetAccountStatusCommand,
  DisableCommand,
  EnableCommand,
  type Inspector2Client,
} from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Clock } from '../../src/core/clock.js'
import { inspectorClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
let slow: TestServer
/** Real time plus an offset the tests can move: SigV4 needs a clock near the signer's. */
const offset = { ms: 0 }
const clock: Clock = { now: () => Date.now() + offset.ms }
let n = 0
function fresh(target: TestServer, region = 'us-east-1'): Inspector2Client {
  n++
  return inspectorClient(target.url, { accessKeyId: String(300000000000 + n), region })
}

before(async () => {
  server = await startTestServer()
  slow = await startTestServer({ inspectorTransitionMs: 60_000 }, clock)
})
after(async () => {
  await server.close()
  await slow.close()
})

async function status(client: Inspector2Client) {
  const out = await client.send(new BatchGetAccountStatusCommand({}))
  assert.equal(out.accounts?.length, 1)
  return out.accounts?.[0]
}

test('a new account reports every resource type DISABLED', async () => {
  const s = await status(fresh(server))
  assert.equal(s?.state?.status, 'DISABLED')
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(s?.resourceState ?? {}).map(([k, v]) => [k, (v as { status: string }).status]),
    ),
    {
      ec2: 'DISABLED',
      ecr: 'DISABLED',
      lambda: 'DISABLED',
      lambdaCode: 'DISABLED',
      codeRepository: 'DISABLED',
    },
  )
})

test('Enable answers ENABLING, then reads see ENABLED', async () => {
  const client = fresh(server)
  const out = await client.send(new EnableCommand({ resourceTypes: ['ECR', 'LAMBDA'] }))
  assert.deepEqual(out.failedAccounts, [])
  const account = out.accounts?.[0]
  assert.equal(account?.status, 'ENABLING')
  assert.deepEqual(account?.resourceStatus, {
    ec2: 'DISABLED',
    ecr: 'ENABLING',
    lambda: 'ENABLING',
    lambdaCode: 'DISABLED',
    codeRepository: 'DISABLED',
  })
  const s = await status(client)
  assert.equal(s?.state?.status, 'ENABLED')
  assert.equal(s?.resourceState?.ecr?.status, 'ENABLED')
  assert.equal(s?.resourceState?.lambda?.status, 'ENABLED')
  assert.equal(s?.resourceState?.ec2?.status, 'DISABLED')
  const again = await client.send(new EnableCommand({ resourceTypes: ['ECR'] }))
  assert.equal(again.accounts?.[0]?.resourceStatus?.ecr, 'ENABLED', 'already enabled stays ENABLED')
})

test('Disable answers DISABLING; without resourceTypes it disables everything', async () => {
  const client = fresh(server)
  await client.send(new EnableCommand({ resourceTypes: ['EC2', 'ECR', 'CODE_REPOSITORY'] }))
  const partial = await client.send(new DisableCommand({ resourceTypes: ['EC2'] }))
  assert.equal(partial.accounts?.[0]?.resourceStatus?.ec2, 'DISABLING')
  assert.equal(partial.accounts?.[0]?.resourceStatus?.ecr, 'ENABLED')
  assert.equal((await status(client))?.resourceState?.ec2?.status, 'DISABLED')
  const all = await client.send(new DisableCommand({}))
  assert.equal(all.accounts?.[0]?.resourceStatus?.ecr, 'DISABLING')
  assert.equal(all.accounts?.[0]?.resourceStatus?.codeRepository, 'DISABLING')
  const s = await status(client)
  assert.equal(s?.state?.status, 'DISABLED')
})

test('transitions last the configured time on the injected clock', async () => {
  const client = fresh(slow)
  await client.send(new EnableCommand({ resourceTypes: ['EC2'] }))
  let s = await status(client)
  assert.equal(s?.resourceState?.ec2?.status, 'ENABLING')
  assert.equal(s?.state?.status, 'ENABLING')
  offset.ms += 61_000
  s = await status(client)
  assert.equal(s?.resourceState?.ec2?.status, 'ENABLED')
})

test('another account in accountIds is reported as failed; regions are independent', async () => {
  const client = fresh(server)
  const out = await client.send(
    new EnableCommand({ resourceTypes: ['ECR'], accountIds: ['999999999999'] }),
  )
  assert.deepEqual(out.accounts, [])
  assert.equal(out.failedAccounts?.[0]?.accountId, '999999999999')
  assert.equal(out.failedAccounts?.[0]?.errorCode, 'ACCESS_DENIED')
  n++
  const key = String(300000000000 + n)
  const east = inspectorClient(server.url, { accessKeyId: key, region: 'us-east-1' })
  const west = inspectorClient(server.url, { accessKeyId: key, region: 'us-west-2' })
  await east.send(new EnableCommand({ resourceTypes: ['ECR'] }))
  assert.equal((await status(east))?.resourceState?.ecr?.status, 'ENABLED')
  assert.equal((await status(west))?.resourceState?.ecr?.status, 'DISABLED')
})

test('an empty or unknown resource type list is a ValidationException', async () => {
  const client = fresh(server)
  const err = await client.send(new EnableCommand({ resourceTypes: ['NOPE' as 'ECR'] })).then(
    () => assert.fail('accepted'),
    (e: unknown) => e as { name: string; fields?: { name: string }[] },
  )
  assert.equal(err.name, 'ValidationException')
  assert.equal(err.fields?.[0]?.name, 'resourceTypes.0')
})
