/**
 * The ingestion service in process over SQLite: the ledger skips an object read before, usage is
 * recorded per scope and data source for scopes with a detector only, instance-role sessions and
 * audit-log clusters are registered as coverage, a directory is read object by object (licence
 * files passed over, unrecognised files reported), and bad requests are client errors.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { ManualClock } from '../../../core/clock.js'
import { COVERAGE_KIND, CoverageRegistry } from '../../../services/guardduty/domain/coverage.js'
import { newDetectorRecord } from '../../../services/guardduty/domain/detector-record.js'
import { FindingAggregator } from '../../../services/guardduty/domain/finding-aggregator.js'
import { guardDutyFindingAttributes } from '../../../services/guardduty/domain/finding-attributes.js'
import { Membership } from '../../../services/guardduty/domain/membership.js'
import { USAGE_KIND } from '../../../services/guardduty/handlers/coverage-usage.js'
import type { Scope, Storage } from '../../../storage/ports.js'
import { openSqliteStorage } from '../../../storage/sqlite/sqlite-storage.js'
import { cloudTrailRecord } from '../testing/harness.js'
import {
  createIngestion,
  estimateUsd,
  IngestRequestError,
  usdText,
  type DailyUsageBody,
  type Ingestion,
} from './index.js'

const SCOPE: Scope = { accountId: '111122223333', region: 'us-east-1' }
const NO_DETECTOR: Scope = { accountId: '444455556666', region: 'us-east-1' }
const CLUSTER_SCOPE: Scope = { accountId: '777788889999', region: 'eu-west-1' }
const INSTANCE = 'i-0123456789abcdef0'

let storage: Storage
let ingestion: Ingestion
let dir: string
const clock = new ManualClock(Date.parse('2026-11-20T12:00:00Z'))

before(async () => {
  storage = openSqliteStorage({ path: ':memory:', findingAttributes: guardDutyFindingAttributes })
  for (const scope of [SCOPE, CLUSTER_SCOPE]) {
    await storage.detectors.insert(newDetectorRecord(scope, clock.now(), { enable: true }))
  }
  const aggregator = new FindingAggregator(storage, clock, new Membership(storage, clock))
  ingestion = await createIngestion(
    {
      geoIp: 'off',
      kubernetesClusters: [{ name: 'prod', ...CLUSTER_SCOPE }],
    },
    {
      storage,
      record: (activity) => aggregator.record(activity),
      coverage: new CoverageRegistry(storage, clock),
      now: () => clock.now(),
    },
  )
  dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-'))
})

after(() => {
  storage.close()
  rmSync(dir, { recursive: true, force: true })
})

function trail(records: readonly object[]): Uint8Array {
  return Buffer.from(JSON.stringify({ Records: records }))
}

const stopLogging = (eventID: string, account = SCOPE.accountId) =>
  cloudTrailRecord({
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    requestParameters: { name: 'main' },
    eventID,
    recipientAccountId: account,
  })

test('the ledger skips an object read before; a changed object is read again', async () => {
  const body = trail([stopLogging('ledger-1')])
  const identity = {
    location: 's3://logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/a.json',
    size: body.byteLength,
    lastModifiedMs: 1_000,
  }
  const first = await ingestion.service.ingestObject(body, { identity, name: 'a.json' })
  assert.equal(first.status, 'ingested')
  assert.equal(first.events, 1)
  assert.deepEqual(first.summary?.findingsCreated, {
    'Stealth:IAMUser/CloudTrailLoggingDisabled': 1,
  })
  assert.equal((await ingestion.service.processed(identity))?.events, 1)

  let opened = false
  const second = await ingestion.service.ingestObject(
    () => {
      opened = true
      return Promise.resolve(body)
    },
    { identity },
  )
  assert.equal(second.status, 'already-processed')
  assert.equal(opened, false, 'a processed object is not even opened')
  assert.equal(second.previous?.source, 'cloudtrail')

  const changed = await ingestion.service.ingestObject(body, {
    identity: { ...identity, lastModifiedMs: 2_000 },
  })
  assert.equal(changed.status, 'ingested')
  assert.equal(changed.summary?.skipped.duplicate, 1, 'the engine still drops the repeated event')
})

test('usage per scope and data source, only where a detector exists', async () => {
  const records = [
    stopLogging('usage-1'),
    cloudTrailRecord({ eventID: 'usage-2' }),
    cloudTrailRecord({ eventID: 'usage-3', recipientAccountId: NO_DETECTOR.accountId }),
  ]
  const body = trail(records)
  const result = await ingestion.service.ingestObject(body)
  assert.equal(result.events, 3)
  assert.equal(result.summary?.skipped['no-detector'], 1)
  assert.equal(result.usage.length, 1)
  const [line] = result.usage
  assert.equal(line?.accountId, SCOPE.accountId)
  assert.equal(line?.dataSource, 'CLOUD_TRAIL')
  assert.equal(line?.events, 2)
  assert.equal(line?.bytes, Math.round((body.byteLength * 2) / 3))
  assert.equal(line?.usd, estimateUsd('CLOUD_TRAIL', 2, 0))

  const [detectorId] = await storage.detectors.listIds(SCOPE, undefined, 1)
  const stored = await storage.resources.list<DailyUsageBody>(
    SCOPE,
    USAGE_KIND,
    detectorId ?? '',
    undefined,
    10,
  )
  assert.equal(stored.length, 1)
  const usage = stored[0]?.body
  assert.equal(stored[0]?.id, 'CLOUD_TRAIL/2026-11-20')
  assert.equal(usage?.dataSource, 'CLOUD_TRAIL')
  assert.equal(usage?.feature, 'CLOUD_TRAIL')
  assert.equal(usage?.unit, 'USD')
  // Earlier tests analysed 2 events of this scope; every event is $4 per million.
  assert.equal(usage?.events, 4)
  assert.equal(usage?.amount, usdText(4 * 4e-6))
  assert.equal(usdText(0.000016), '0.000016')
  assert.equal(usdText(12), '12')
  assert.equal(estimateUsd('FLOW_LOGS', 0, 1024 ** 3), 1)
})

test('coverage: instance-role sessions and the clusters of audit logs', async () => {
  const session = cloudTrailRecord({
    eventID: 'cov-1',
    eventSource: 'sts.amazonaws.com',
    eventName: 'GetCallerIdentity',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEROLE00001:${INSTANCE}`,
      arn: `arn:aws:sts::${SCOPE.accountId}:assumed-role/web/${INSTANCE}`,
      accountId: SCOPE.accountId,
      accessKeyId: 'ASIAEXAMPLE000000001',
      sessionContext: { ec2RoleDelivery: '2.0' },
    },
  })
  const result = await ingestion.service.ingestObject(trail([session]))
  assert.equal(result.coverageRegistered, 1)
  const [detectorId] = await storage.detectors.listIds(SCOPE, undefined, 1)
  const covered = await storage.resources.list(
    SCOPE,
    COVERAGE_KIND,
    detectorId ?? '',
    undefined,
    10,
  )
  assert.deepEqual(
    covered.map((r) => r.id),
    [INSTANCE],
  )
  const again = await ingestion.service.ingestObject(trail([{ ...session, eventID: 'cov-2' }]))
  assert.equal(again.coverageRegistered, 0, 'registered at most once an hour')

  const audit = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: '00000000-0000-4000-8000-000000000001',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods',
    verb: 'list',
    user: { username: 'alice', groups: ['system:authenticated'] },
    sourceIPs: ['203.0.113.50'],
    objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-11-20T10:00:00.000000Z',
    stageTimestamp: '2026-11-20T10:00:00.010000Z',
  }
  const k8s = await ingestion.service.ingestObject(Buffer.from(`${JSON.stringify(audit)}\n`), {
    name: 'aws/eks/prod/cluster/kube-apiserver-audit-0123',
  })
  assert.equal(k8s.source, 'k8s-audit')
  assert.equal(k8s.summary?.eventsAnalyzed, 1)
  assert.equal(k8s.usage[0]?.dataSource, 'KUBERNETES_AUDIT_LOGS')
  const [clusterDetector] = await storage.detectors.listIds(CLUSTER_SCOPE, undefined, 1)
  const clusters = await storage.resources.list<{ resourceType: string }>(
    CLUSTER_SCOPE,
    COVERAGE_KIND,
    clusterDetector ?? '',
    undefined,
    10,
  )
  assert.deepEqual(
    clusters.map((r) => [r.id, r.body.resourceType]),
    [['prod', 'EKS']],
  )
  await assert.rejects(
    ingestion.service.ingestObject(Buffer.from('{}'), { cluster: 'staging' }),
    (error: unknown) => error instanceof IngestRequestError && /staging/.test(error.message),
  )
})

test('a directory, object by object: licence files passed over, unknown content reported', async () => {
  writeFileSync(join(dir, 'one.json'), trail([stopLogging('dir-1')]))
  writeFileSync(join(dir, 'two.jsonl'), `${JSON.stringify(stopLogging('dir-2'))}\n{"broken\n`)
  writeFileSync(join(dir, 'LICENSE'), 'Apache License 2.0\n')
  writeFileSync(join(dir, 'notes.txt'), 'hello world\n')
  const names: string[] = []
  const result = await ingestion.service.ingestLocation(dir, {
    onObject: (object) => names.push(object.name ?? ''),
  })
  assert.deepEqual(
    result.objects.map((o) => [o.name?.slice(dir.length + 1), o.events, o.malformedCount]),
    [
      ['one.json', 1, 0],
      ['two.jsonl', 1, 1],
    ],
  )
  assert.equal(result.objects[1]?.malformed[0]?.line, 2)
  assert.equal(result.failed.length, 1)
  assert.equal(result.failed[0]?.reason, 'log-format')
  assert.equal(result.failed[0]?.detected, undefined)
  assert.match(result.failed[0]?.location ?? '', /^file:\/\/\/.*notes\.txt$/)
  assert.equal(names.length, 3)
  const again = await ingestion.service.ingestLocation(dir)
  assert.equal(again.objects.length, 0)
  assert.equal(again.alreadyProcessed, 2)
  assert.equal(again.failed.length, 1, 'an unreadable object is tried again')

  const wrong = await ingestion.service.ingestLocation(dir, { source: 'vpc-flow', maxObjects: 1 })
  assert.equal(wrong.truncated, false)
  await assert.rejects(
    ingestion.service.ingestLocation('s3://no_such_bucket/x'),
    (error: unknown) => error instanceof IngestRequestError,
  )
})

test('wrong source: an error naming what was seen, nothing recorded in the ledger', async () => {
  const identity = { location: 'file:///tmp/trail.json', size: 10, lastModifiedMs: 5 }
  await assert.rejects(
    ingestion.service.ingestObject(trail([stopLogging('wrong-1')]), {
      source: 'vpc-flow',
      name: 'trail.json',
      identity,
    }),
    (error: unknown) =>
      error instanceof Error &&
      error.name === 'LogFormatError' &&
      /--source vpc-flow was given, but trail\.json looks like CloudTrail/.test(error.message),
  )
  assert.equal(await ingestion.service.processed(identity), undefined)
})

test('runs are serialised: concurrent objects all complete', async () => {
  const results = await Promise.all(
    [1, 2, 3, 4].map((i) => ingestion.service.ingestObject(trail([stopLogging(`par-${i}`)]))),
  )
  assert.deepEqual(
    results.map((r) => r.events),
    [1, 1, 1, 1],
  )
})

test('an enrichment file that cannot be read stops startup naming its key', async () => {
  await assert.rejects(
    createIngestion(
      { ipRangesFile: join(dir, 'no-such-ip-ranges.json'), geoIp: 'off' },
      { storage, record: () => Promise.resolve(undefined), now: () => clock.now() },
    ),
    (error: unknown) =>
      error instanceof Error &&
      (error as { code?: string }).code === 'VIGIL_CONFIG_INVALID' &&
      /^ipRangesFile: cannot load .*no-such-ip-ranges\.json/.test(error.message),
  )
  writeFileSync(join(dir, 'tor.txt'), '# exits\n198.51.100.7\n')
  const loaded = await createIngestion(
    { torExitNodesFile: join(dir, 'tor.txt'), geoIp: 'off' },
    { storage, record: () => Promise.resolve(undefined), now: () => clock.now() },
  )
  assert.deepEqual(loaded.facts, { geoIp: 'off', torExitNodes: 1 })
})
