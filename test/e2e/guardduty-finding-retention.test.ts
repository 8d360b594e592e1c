/**
 * Finding lifetime: findings not updated for the retention period (90 days by default, moved by the
 * server's clock) are deleted while newer ones stay, new activity keeps a finding alive, and deleting a
 * detector deletes its findings. The SDK reads the findings before time moves; afterwards the
 * findings store is asked directly (SigV4 signatures are checked against the moved clock).
 */
import {
  CreateDetectorCommand,
  DeleteDetectorCommand,
  ListFindingsCommand,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Clock } from '../../src/core/clock.js'
import { guardDutyClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

const DAY = 86_400_000
/** Server time runs `offset` milliseconds ahead of the wall clock. */
let offset = 0
const clock: Clock = { now: () => Date.now() + offset }
let server: TestServer
before(async () => {
  server = await startTestServer({}, clock)
})
after(async () => {
  await server.close()
})

function activity(account: string, key: string) {
  return {
    scope: { accountId: account, region: 'us-east-1' },
    aggregationKey: key,
    eventTimeMs: clock.now(),
    finding: {
      type: 'Recon:EC2/Portscan',
      severity: 5,
      title: `Port scan ${key}`,
      description: 'An instance scans ports.',
      resource: { resourceType: 'Instance', instanceDetails: { instanceId: `i-${key}` } },
      service: { resourceRole: 'ACTOR', action: { actionType: 'NETWORK_CONNECTION' } },
    },
  }
}

async function present(account: string, ids: string[]): Promise<string[]> {
  const found = await server.guardDutyFindings.getByIds(
    [{ accountId: account, region: 'us-east-1' }],
    ids,
  )
  return found.map((f) => String(f.finding.id)).sort()
}

test('findings older than the retention period are deleted; newer activity keeps one alive', async () => {
  const account = '960000000001'
  const gd = guardDutyClient(server.url, { accessKeyId: account })
  const detectorId = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? ''
  const old = (await server.findingAggregator.record(activity(account, 'old')))?.findingId ?? ''
  const kept = (await server.findingAggregator.record(activity(account, 'kept')))?.findingId ?? ''
  const listed = await gd.send(new ListFindingsCommand({ DetectorId: detectorId }))
  assert.deepEqual([...(listed.FindingIds ?? [])].sort(), [kept, old].sort())
  offset += 60 * DAY
  const fresh = (await server.findingAggregator.record(activity(account, 'fresh')))?.findingId ?? ''
  await server.findingAggregator.record(activity(account, 'kept'))
  assert.equal(await server.findingRetention.sweep(), 0, 'nothing is 90 days old yet')
  offset += 31 * DAY
  assert.equal(await server.findingRetention.sweep(), 1)
  assert.deepEqual(await present(account, [old, kept, fresh]), [kept, fresh].sort())
  offset += 60 * DAY
  assert.equal(await server.findingRetention.sweep(), 2)
  assert.deepEqual(await present(account, [old, kept, fresh]), [])
})

test('deleting a detector deletes its findings', async () => {
  offset = 0
  const account = '960000000002'
  const gd = guardDutyClient(server.url, { accessKeyId: account })
  const first = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? ''
  const recorded = await server.findingAggregator.record(activity(account, 'a'))
  assert.ok(recorded)
  assert.deepEqual(await present(account, [recorded.findingId]), [recorded.findingId])
  await gd.send(new DeleteDetectorCommand({ DetectorId: first }))
  const second = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? ''
  assert.deepEqual((await gd.send(new ListFindingsCommand({ DetectorId: second }))).FindingIds, [])
  assert.deepEqual(await present(account, [recorded.findingId]), [])
})
