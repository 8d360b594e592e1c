/**
 * GuardDuty publishing destinations through the real SDK: create, describe, list, update, delete; the
 * status follows the bucket's existence in the object store, with the failure start time; malformed
 * ARNs and a second destination are refused.
 */
import {
  CreateDetectorCommand,
  CreatePublishingDestinationCommand,
  DeletePublishingDestinationCommand,
  DescribePublishingDestinationCommand,
  ListPublishingDestinationsCommand,
  UpdatePublishingDestinationCommand,
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

const KMS = 'arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'

test('a destination publishes when its bucket exists and reports the failure when it does not', async () => {
  const gd = guardDutyClient(server.url, { accessKeyId: '600000000001' })
  const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
  const before = Date.now()
  const { DestinationId } = await gd.send(
    new CreatePublishingDestinationCommand({
      DetectorId,
      DestinationType: 'S3',
      DestinationProperties: {
        DestinationArn: 'arn:aws:s3:::vigil-findings/exports',
        KmsKeyArn: KMS,
      },
    }),
  )
  assert.match(DestinationId ?? '', /^[0-9a-f]{32}$/)
  let d = await gd.send(new DescribePublishingDestinationCommand({ DetectorId, DestinationId }))
  assert.equal(d.Status, 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY')
  assert.ok(
    (d.PublishingFailureStartTimestamp ?? 0) >= before,
    'failure start in epoch milliseconds',
  )
  const failingSince = d.PublishingFailureStartTimestamp
  d = await gd.send(new DescribePublishingDestinationCommand({ DetectorId, DestinationId }))
  assert.equal(d.PublishingFailureStartTimestamp, failingSince, 'the failure start does not move')
  await server.objectStore.putObject({ bucket: 'vigil-findings', key: 'exports/.keep' }, '')
  d = await gd.send(new DescribePublishingDestinationCommand({ DetectorId, DestinationId }))
  assert.equal(d.Status, 'PUBLISHING')
  assert.equal(d.PublishingFailureStartTimestamp, 0)
  assert.deepEqual(d.DestinationProperties, {
    DestinationArn: 'arn:aws:s3:::vigil-findings/exports',
    KmsKeyArn: KMS,
  })
  const list = await gd.send(new ListPublishingDestinationsCommand({ DetectorId }))
  assert.deepEqual(list.Destinations, [
    { DestinationId, DestinationType: 'S3', Status: 'PUBLISHING' },
  ])
  await gd.send(
    new UpdatePublishingDestinationCommand({
      DetectorId,
      DestinationId,
      DestinationProperties: { DestinationArn: 'arn:aws:s3:::other-bucket' },
    }),
  )
  d = await gd.send(new DescribePublishingDestinationCommand({ DetectorId, DestinationId }))
  assert.equal(d.DestinationProperties?.DestinationArn, 'arn:aws:s3:::other-bucket')
  assert.equal(d.DestinationProperties?.KmsKeyArn, KMS)
  assert.equal(d.Status, 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY')
  const second = await gd
    .send(
      new CreatePublishingDestinationCommand({
        DetectorId,
        DestinationType: 'S3',
        DestinationProperties: { DestinationArn: 'arn:aws:s3:::vigil-findings', KmsKeyArn: KMS },
      }),
    )
    .then(
      () => assert.fail('accepted'),
      (e: unknown) => e as { name: string; message: string },
    )
  assert.match(second.message, /already has a publishing destination/)
  await gd.send(new DeletePublishingDestinationCommand({ DetectorId, DestinationId }))
  assert.deepEqual(
    (await gd.send(new ListPublishingDestinationsCommand({ DetectorId }))).Destinations,
    [],
  )
})

test('malformed destination and key ARNs are refused', async () => {
  const gd = guardDutyClient(server.url, { accessKeyId: '600000000002' })
  const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
  for (const [DestinationArn, KmsKeyArn, pattern] of [
    ['arn:aws:s3:::Bad_Bucket', KMS, /destinationArn/],
    ['s3://bucket', KMS, /destinationArn/],
    ['arn:aws:s3:::good-bucket', 'not-a-key', /kmsKeyArn/],
  ] as const) {
    const err = await gd
      .send(
        new CreatePublishingDestinationCommand({
          DetectorId,
          DestinationType: 'S3',
          DestinationProperties: { DestinationArn, KmsKeyArn },
        }),
      )
      .then(
        () => assert.fail('accepted'),
        (e: unknown) => e as { name: string; message: string },
      )
    assert.equal(err.name, 'BadRequestException')
    assert.match(err.message, pattern)
  }
})
