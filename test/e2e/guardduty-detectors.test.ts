/**
 * The GuardDuty detector slice through the real SDK: create, get, list (paginated), update, delete;
 * one detector per account and region; dataSources and features as GuardDuty reports them; idempotent
 * create with clientToken; isolation between accounts and between regions.
 */
import {
  CreateDetectorCommand,
  DeleteDetectorCommand,
  GetDetectorCommand,
  ListDetectorsCommand,
  UpdateDetectorCommand,
  type GuardDutyClient,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { rejection } from '../helpers/rejection.js'
import { guardDutyClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
let n = 0
/** A client of a fresh account, so tests do not see each other's detectors. */
function freshClient(region = 'us-east-1'): GuardDutyClient {
  n++
  return guardDutyClient(server.url, { accessKeyId: String(200000000000 + n), region })
}

before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

test('CreateDetector returns a 32-hex id and GetDetector reads it back with defaults', async () => {
  const gd = freshClient()
  const before = Date.now()
  const { DetectorId } = await gd.send(
    new CreateDetectorCommand({ Enable: true, Tags: { team: 'sec' } }),
  )
  assert.match(DetectorId ?? '', /^[0-9a-f]{32}$/)
  const d = await gd.send(new GetDetectorCommand({ DetectorId }))
  assert.equal(d.Status, 'ENABLED')
  assert.equal(d.FindingPublishingFrequency, 'SIX_HOURS')
  assert.match(d.CreatedAt ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  assert.ok(Date.parse(d.CreatedAt ?? '') >= before - 1000)
  assert.equal(d.UpdatedAt, d.CreatedAt)
  assert.match(
    d.ServiceRole ?? '',
    /^arn:aws:iam::2\d{11}:role\/aws-service-role\/guardduty\.amazonaws\.com\//,
  )
  assert.deepEqual(d.Tags, { team: 'sec' })
  assert.equal(d.DataSources?.CloudTrail?.Status, 'ENABLED')
  assert.equal(d.DataSources?.S3Logs?.Status, 'ENABLED')
  const names = d.Features?.map((f) => f.Name)
  assert.deepEqual(names?.slice(0, 3), ['CLOUD_TRAIL', 'DNS_LOGS', 'FLOW_LOGS'])
  assert.equal(names?.length, 10)
  assert.ok(d.Features?.every((f) => f.UpdatedAt instanceof Date))
  const runtime = d.Features?.find((f) => f.Name === 'RUNTIME_MONITORING')
  assert.equal(runtime?.Status, 'DISABLED')
  assert.deepEqual(
    runtime?.AdditionalConfiguration?.map((a) => a.Name),
    ['EKS_ADDON_MANAGEMENT', 'ECS_FARGATE_AGENT_MANAGEMENT', 'EC2_AGENT_MANAGEMENT'],
  )
})

test('features come back in submitted order and show in dataSources', async () => {
  const gd = freshClient()
  const { DetectorId } = await gd.send(
    new CreateDetectorCommand({
      Enable: true,
      FindingPublishingFrequency: 'FIFTEEN_MINUTES',
      Features: [
        {
          Name: 'RUNTIME_MONITORING',
          Status: 'ENABLED',
          AdditionalConfiguration: [{ Name: 'EKS_ADDON_MANAGEMENT', Status: 'ENABLED' }],
        },
        { Name: 'S3_DATA_EVENTS', Status: 'DISABLED' },
        { Name: 'EKS_AUDIT_LOGS', Status: 'ENABLED' },
      ],
    }),
  )
  const d = await gd.send(new GetDetectorCommand({ DetectorId }))
  assert.equal(d.FindingPublishingFrequency, 'FIFTEEN_MINUTES')
  assert.deepEqual(
    d.Features?.slice(3, 6).map((f) => [f.Name, f.Status]),
    [
      ['RUNTIME_MONITORING', 'ENABLED'],
      ['S3_DATA_EVENTS', 'DISABLED'],
      ['EKS_AUDIT_LOGS', 'ENABLED'],
    ],
  )
  const rm = d.Features?.find((f) => f.Name === 'RUNTIME_MONITORING')
  assert.equal(
    rm?.AdditionalConfiguration?.find((a) => a.Name === 'EKS_ADDON_MANAGEMENT')?.Status,
    'ENABLED',
  )
  assert.equal(d.DataSources?.S3Logs?.Status, 'DISABLED')
  assert.equal(d.DataSources?.Kubernetes?.AuditLogs?.Status, 'ENABLED')
})

test('dataSources on create and update are reflected in features', async () => {
  const gd = freshClient()
  const { DetectorId } = await gd.send(
    new CreateDetectorCommand({ Enable: true, DataSources: { S3Logs: { Enable: false } } }),
  )
  let d = await gd.send(new GetDetectorCommand({ DetectorId }))
  assert.equal(d.Features?.find((f) => f.Name === 'S3_DATA_EVENTS')?.Status, 'DISABLED')
  await gd.send(
    new UpdateDetectorCommand({
      DetectorId,
      DataSources: { S3Logs: { Enable: true }, Kubernetes: { AuditLogs: { Enable: false } } },
    }),
  )
  d = await gd.send(new GetDetectorCommand({ DetectorId }))
  assert.equal(d.Features?.find((f) => f.Name === 'S3_DATA_EVENTS')?.Status, 'ENABLED')
  assert.equal(d.DataSources?.Kubernetes?.AuditLogs?.Status, 'DISABLED')
})

test('both dataSources and features in one request are refused', async () => {
  const gd = freshClient()
  const err = await rejection(
    gd.send(
      new CreateDetectorCommand({
        Enable: true,
        DataSources: { S3Logs: { Enable: true } },
        Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }],
      }),
    ),
  )
  assert.equal(err.name, 'BadRequestException')
  assert.match(err.message, /both dataSources and features/)
})

test('a second detector in the same account and region is refused', async () => {
  const gd = freshClient()
  await gd.send(new CreateDetectorCommand({ Enable: true }))
  const err = await rejection(gd.send(new CreateDetectorCommand({ Enable: true })))
  assert.equal(err.name, 'BadRequestException')
  assert.equal(
    err.message,
    'The request is rejected because a detector already exists for the current account.',
  )
  assert.equal(err.Type, 'InvalidInputException')
})

test('clientToken makes CreateDetector idempotent', async () => {
  const gd = freshClient()
  const first = await gd.send(new CreateDetectorCommand({ Enable: true, ClientToken: 'tok-1' }))
  const again = await gd.send(new CreateDetectorCommand({ Enable: true, ClientToken: 'tok-1' }))
  assert.equal(again.DetectorId, first.DetectorId)
  const other = await rejection(
    gd.send(new CreateDetectorCommand({ Enable: false, ClientToken: 'tok-1' })),
  )
  assert.equal(other.name, 'BadRequestException')
})

test('UpdateDetector changes status, frequency and features and bumps updatedAt', async () => {
  const gd = freshClient()
  const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
  const before = await gd.send(new GetDetectorCommand({ DetectorId }))
  await new Promise((r) => setTimeout(r, 5))
  await gd.send(
    new UpdateDetectorCommand({
      DetectorId,
      Enable: false,
      FindingPublishingFrequency: 'ONE_HOUR',
      Features: [{ Name: 'RDS_LOGIN_EVENTS', Status: 'DISABLED' }],
    }),
  )
  const d = await gd.send(new GetDetectorCommand({ DetectorId }))
  assert.equal(d.Status, 'DISABLED')
  assert.equal(d.FindingPublishingFrequency, 'ONE_HOUR')
  assert.equal(d.CreatedAt, before.CreatedAt)
  assert.ok(Date.parse(d.UpdatedAt ?? '') > Date.parse(before.UpdatedAt ?? ''))
  assert.deepEqual(
    d.Features?.map((f) => f.Name),
    before.Features?.map((f) => f.Name),
    'an update keeps the order',
  )
  assert.equal(d.Features?.find((f) => f.Name === 'RDS_LOGIN_EVENTS')?.Status, 'DISABLED')
})

test('an additional configuration of another feature is refused', async () => {
  const gd = freshClient()
  const err = await rejection(
    gd.send(
      new CreateDetectorCommand({
        Enable: true,
        Features: [
          {
            Name: 'S3_DATA_EVENTS',
            AdditionalConfiguration: [{ Name: 'EC2_AGENT_MANAGEMENT', Status: 'ENABLED' }],
          },
        ],
      }),
    ),
  )
  assert.equal(err.name, 'BadRequestException')
  assert.match(err.message, /EC2_AGENT_MANAGEMENT is not supported for feature S3_DATA_EVENTS/)
})

test('ListDetectors paginates with an opaque token and refuses garbage tokens', async () => {
  const gd = freshClient()
  const empty = await gd.send(new ListDetectorsCommand({}))
  assert.deepEqual(empty.DetectorIds, [])
  assert.equal(empty.NextToken, undefined)
  const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
  const page = await gd.send(new ListDetectorsCommand({ MaxResults: 1 }))
  assert.deepEqual(page.DetectorIds, [DetectorId])
  assert.equal(page.NextToken, undefined)
  const err = await rejection(gd.send(new ListDetectorsCommand({ NextToken: 'garbage' })))
  assert.equal(err.name, 'BadRequestException')
  const range = await rejection(gd.send(new ListDetectorsCommand({ MaxResults: 51 })))
  assert.match(range.message, /'\/maxResults'/)
})

test('DeleteDetector removes it; later reads fail as for a foreign detector', async () => {
  const gd = freshClient()
  const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
  await gd.send(new DeleteDetectorCommand({ DetectorId }))
  const err = await rejection(gd.send(new GetDetectorCommand({ DetectorId })))
  assert.equal(err.name, 'BadRequestException')
  assert.match(err.message, /not owned by the current account/)
  await gd.send(new CreateDetectorCommand({ Enable: true }))
})

test('isolation: another account cannot read, update or delete a detector by id', async () => {
  const a = freshClient()
  const b = freshClient()
  const { DetectorId } = await a.send(new CreateDetectorCommand({ Enable: true }))
  for (const command of [
    new GetDetectorCommand({ DetectorId }),
    new UpdateDetectorCommand({ DetectorId, Enable: false }),
    new DeleteDetectorCommand({ DetectorId }),
  ]) {
    const err = await rejection(b.send(command as GetDetectorCommand))
    assert.equal(err.name, 'BadRequestException')
    assert.equal(
      err.message,
      'The request is rejected because the input detectorId is not owned by the current account.',
    )
  }
  assert.deepEqual((await b.send(new ListDetectorsCommand({}))).DetectorIds, [])
  const still = await a.send(new GetDetectorCommand({ DetectorId }))
  assert.equal(still.Status, 'ENABLED')
})

test('isolation: the same account has independent detectors in two regions', async () => {
  n++
  const key = String(200000000000 + n)
  const east = guardDutyClient(server.url, { accessKeyId: key, region: 'us-east-1' })
  const west = guardDutyClient(server.url, { accessKeyId: key, region: 'eu-west-1' })
  const e = await east.send(new CreateDetectorCommand({ Enable: true }))
  const w = await west.send(new CreateDetectorCommand({ Enable: false }))
  assert.notEqual(e.DetectorId, w.DetectorId)
  assert.deepEqual((await east.send(new ListDetectorsCommand({}))).DetectorIds, [e.DetectorId])
  assert.deepEqual((await west.send(new ListDetectorsCommand({}))).DetectorIds, [w.DetectorId])
  const cross = await rejection(west.send(new GetDetectorCommand({ DetectorId: e.DetectorId })))
  assert.equal(cross.name, 'BadRequestException')
  await west.send(new DeleteDetectorCommand({ DetectorId: w.DetectorId }))
  assert.equal(
    (await east.send(new GetDetectorCommand({ DetectorId: e.DetectorId }))).Status,
    'ENABLED',
  )
})
