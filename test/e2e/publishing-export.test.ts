/**
 * GuardDuty publishing destinations export findings to the object store as AWS does: gzip JSON lines
 * under `<prefix>/AWSLogs/<account>/GuardDuty/<region>/<yyyy>/<mm>/<dd>/`, additionalInfo decoded;
 * new findings at the next pass, updates only after the detector's publishing frequency (moved with
 * the server clock); a missing bucket puts the destination in its failure status and the export
 * resumes, nothing lost or repeated, once the bucket is back.
 */
import {
  CreateDetectorCommand,
  CreatePublishingDestinationCommand,
  CreateSampleFindingsCommand,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import type { Clock } from '../../src/core/clock.js'
import type { LocalDirectoryStore } from '../../src/outputs/object-store/local-directory-store.js'
import {
  guardDutyClient,
  rawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'

let offset = 0
const clock: Clock = { now: () => Date.now() + offset }
let server: TestServer
before(async () => {
  server = await startTestServer({}, clock)
})
after(async () => {
  await server.close()
})

const ACCOUNT = '940000000001'
const KMS = 'arn:aws:kms:us-east-1:940000000001:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'

async function exported(bucket: string): Promise<Record<string, unknown>[][]> {
  const objects: Record<string, unknown>[][] = []
  for await (const o of server.objectStore.listObjects(bucket, 'exports/')) {
    assert.match(
      o.key,
      new RegExp(
        `^exports/AWSLogs/${ACCOUNT}/GuardDuty/us-east-1/\\d{4}/\\d{2}/\\d{2}/[0-9a-f-]{36}\\.jsonl\\.gz$`,
      ),
    )
    const body = await server.objectStore.getObject({ bucket, key: o.key })
    objects.push(
      gunzipSync(body ?? new Uint8Array())
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    )
  }
  return objects
}

async function describe(detectorId: string, destinationId: string) {
  const res = await rawRequest(server.url, {
    method: 'GET',
    path: `/detector/${detectorId}/publishingDestination/${destinationId}`,
    accessKeyId: ACCOUNT,
    signingDate: new Date(clock.now()),
  })
  assert.equal(res.status, 200, res.text)
  return res.json() as { status: string; publishingFailureStartTimestamp: number }
}

test('new findings go out at the next pass, updates after the frequency, failures recover', async () => {
  const bucket = 'gd-export'
  await server.objectStore.putObject({ bucket, key: '.keep' }, '')
  const gd = guardDutyClient(server.url, { accessKeyId: ACCOUNT })
  const detectorId = (
    await gd.send(
      new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: 'FIFTEEN_MINUTES' }),
    )
  ).DetectorId as string
  const destinationId = (
    await gd.send(
      new CreatePublishingDestinationCommand({
        DetectorId: detectorId,
        DestinationType: 'S3',
        DestinationProperties: { DestinationArn: `arn:aws:s3:::${bucket}/exports`, KmsKeyArn: KMS },
      }),
    )
  ).DestinationId as string
  const types = ['Recon:EC2/Portscan', 'Policy:IAMUser/RootCredentialUsage']
  await gd.send(new CreateSampleFindingsCommand({ DetectorId: detectorId, FindingTypes: types }))
  await server.publishing.tick()
  let objects = await exported(bucket)
  assert.equal(objects.length, 1)
  const first = objects[0] ?? []
  assert.deepEqual(first.map((f) => f.type).sort(), [...types].sort())
  for (const f of first) {
    const info = (f.service as { additionalInfo: Record<string, unknown> }).additionalInfo
    assert.equal(info.sample, true, 'additionalInfo decoded and merged')
    assert.equal(info.type, 'default')
  }
  // An update of an existing finding waits for the frequency.
  await gd.send(
    new CreateSampleFindingsCommand({ DetectorId: detectorId, FindingTypes: [types[0] as string] }),
  )
  await server.publishing.tick()
  assert.equal((await exported(bucket)).length, 1, 'updates wait for FIFTEEN_MINUTES')
  offset += 16 * 60_000
  await server.publishing.tick()
  objects = await exported(bucket)
  assert.equal(objects.length, 2)
  const update = objects.flat().filter((f) => (f.service as { count: number }).count === 2)
  assert.deepEqual(
    update.map((f) => f.type),
    [types[0]],
  )

  // The bucket disappears: the destination fails; it comes back: the export resumes.
  rmSync(join((server.objectStore as LocalDirectoryStore).root, bucket), { recursive: true })
  offset += 16 * 60_000
  await server.findingAggregator.record({
    scope: { accountId: ACCOUNT, region: 'us-east-1' },
    aggregationKey: 'after-failure',
    eventTimeMs: clock.now(),
    finding: {
      type: 'Recon:EC2/PortProbeUnprotectedPort',
      severity: 2,
      title: 't',
      description: 'd',
    },
  })
  await server.publishing.tick()
  const failing = await describe(detectorId, destinationId)
  assert.equal(failing.status, 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY')
  assert.ok(failing.publishingFailureStartTimestamp > 0)
  await server.objectStore.putObject({ bucket, key: '.keep' }, '')
  offset += 60 * 60_000 // past the retry backoff
  await server.publishing.tick()
  const recovered = await describe(detectorId, destinationId)
  assert.equal(recovered.status, 'PUBLISHING')
  assert.equal(recovered.publishingFailureStartTimestamp, 0)
  const after = (await exported(bucket)).flat()
  assert.deepEqual(
    after.map((f) => f.type),
    ['Recon:EC2/PortProbeUnprotectedPort'],
  )
  await server.publishing.tick()
  assert.equal((await exported(bucket)).flat().length, 1, 'nothing exported twice')
})
