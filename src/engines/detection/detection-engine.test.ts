/**
 * The engine around the detectors: scope attribution, what is skipped and why (no detector,
 * suspended detector, disabled data source, events GuardDuty does not analyse, duplicates), trusted
 * lists beating detections, coalescing of one key's detections into at most two record calls with
 * the right count and times, the created/updated summary across runs, detector errors, per-run
 * caching of detector state, batches as input, and the whole path through the real
 * `FindingAggregator` over in-memory SQLite with storage-backed detector state.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../core/clock.js'
import { FindingAggregator } from '../../services/guardduty/domain/finding-aggregator.js'
import { guardDutyFindingAttributes } from '../../services/guardduty/domain/finding-attributes.js'
import { Membership } from '../../services/guardduty/domain/membership.js'
import { newDetectorRecord } from '../../services/guardduty/domain/detector-record.js'
import { ThreatListRegistry } from '../../services/guardduty/domain/threat-list-registry.js'
import type { Scope } from '../../storage/ports.js'
import { criteria } from '../../storage/query/criteria-ast.js'
import { openSqliteStorage } from '../../storage/sqlite/sqlite-storage.js'
import { DetectionEngine, type ThreatListProvider } from './detection-engine.js'
import {
  defineDetector,
  type DataSourceFeature,
  type Detector,
  type DetectorEvent,
} from './detector.js'
import {
  enabledDetector,
  featureEnabled,
  staticDetectorStates,
  storageDetectorStates,
  type DetectorStates,
} from './detector-states.js'
import { cloudTrailDetectors } from './detectors/cloudtrail/index.js'
import { rootCredentialUsage } from './detectors/cloudtrail/root-credential-usage.js'
import { apiCallAction, apiFinding, accessKeyResource } from './detectors/cloudtrail/api-call.js'
import type { LogEntry } from './sources/index.js'
import {
  assertWireFinding,
  cloudTrailRecord,
  entriesOf,
  MemoryRecorder,
  runDetectors,
  s3DataRecord,
  TEST_SCOPE,
} from './testing/harness.js'
import { ThreatListMatcher } from './threat-lists/threat-list-matcher.js'

const ROOT = {
  type: 'Root',
  principalId: TEST_SCOPE.accountId,
  arn: `arn:aws:iam::${TEST_SCOPE.accountId}:root`,
  accountId: TEST_SCOPE.accountId,
  accessKeyId: 'AKIAEXAMPLEROOT00001',
}

/** A detector that reports every event it sees (for engine behaviour). */
function everyEvent(features: readonly DataSourceFeature[] = ['CLOUD_TRAIL', 'S3_DATA_EVENTS']) {
  return defineDetector<'cloudtrail', true>({
    id: 'test/every-event',
    source: 'cloudtrail',
    features,
    findingTypes: [
      { type: 'Policy:IAMUser/RootCredentialUsage', severity: 2, resourceType: 'AccessKey' },
    ],
    match: () => true,
    build: (_m, event: DetectorEvent<'cloudtrail'>) => ({
      scope: event.scope,
      aggregationKey: `every|${event.record.eventName}`,
      eventTimeMs: event.eventTimeMs,
      remoteIp: event.record.sourceIPAddress,
      finding: apiFinding({
        type: 'Policy:IAMUser/RootCredentialUsage',
        severity: 2,
        title: 't',
        description: 'd',
        resource: accessKeyResource(event.record),
        action: apiCallAction(event.record),
      }),
    }),
  })
}

test('scope: recipientAccountId, else userIdentity.accountId; events without an account are skipped', async () => {
  const records = [
    cloudTrailRecord({ recipientAccountId: '444455556666', awsRegion: 'eu-west-1' }),
    cloudTrailRecord({ recipientAccountId: undefined, eventName: 'GetUser' }),
    cloudTrailRecord({
      recipientAccountId: undefined,
      userIdentity: { type: 'AWSAccount', accountId: 'anonymous' },
    }),
  ]
  const run = await runDetectors([everyEvent()], records)
  assert.deepEqual(
    run.findings.map((f) => [f.accountId, f.region]),
    [
      ['444455556666', 'eu-west-1'],
      [TEST_SCOPE.accountId, TEST_SCOPE.region],
    ],
  )
  assert.equal(run.summary.skipped['no-scope'], 1)
  assert.equal(run.summary.eventsAnalyzed, 2)
})

test('skips events of scopes without a detector, with a suspended detector or a disabled source', async () => {
  const states = staticDetectorStates({
    '100000000001/*': enabledDetector('a', ['CLOUD_TRAIL'], ['S3_DATA_EVENTS']),
    '100000000002/us-east-1': { ...enabledDetector('b'), status: 'DISABLED' },
    '100000000003/us-east-1': enabledDetector('c', ['S3_DATA_EVENTS'], ['CLOUD_TRAIL']),
  })
  const at = (accountId: string, fields: Record<string, unknown> = {}) =>
    cloudTrailRecord({ recipientAccountId: accountId, ...fields })
  const records = [
    at('100000000001'),
    s3DataRecord('b1', { recipientAccountId: '100000000001' }),
    at('100000000002'),
    at('100000000003'),
    s3DataRecord('b1', { recipientAccountId: '100000000003', eventName: 'PutObject' }),
    at('100000000009'),
    at('100000000001', {
      eventCategory: 'Data',
      eventSource: 'lambda.amazonaws.com',
      eventName: 'Invoke',
    }),
    at('100000000001', { eventCategory: 'Insight', eventName: 'ListUsers' }),
  ]
  const run = await runDetectors([everyEvent()], records, { detectorStates: states })
  assert.equal(run.summary.eventsRead, 8)
  assert.equal(run.summary.eventsAnalyzed, 2)
  assert.deepEqual(run.summary.skipped, {
    'source-not-analyzed': 0,
    'event-not-analyzed': 2,
    'no-scope': 0,
    'no-detector': 1,
    'detector-disabled': 1,
    'feature-disabled': 2,
    duplicate: 0,
  })
  assert.deepEqual(run.findings.map((f) => f.accountId).sort(), ['100000000001', '100000000003'])
})

test('an unlisted feature: the foundational sources are on, the others off', () => {
  const bare = { detectorId: 'x', status: 'ENABLED' as const, features: [] }
  assert.equal(featureEnabled(bare, 'CLOUD_TRAIL'), true)
  assert.equal(featureEnabled(bare, 'FLOW_LOGS'), true)
  assert.equal(featureEnabled(bare, 'S3_DATA_EVENTS'), false)
})

test('detectors only see events of the features they declare; other sources are not analysed', async () => {
  const recorder = new MemoryRecorder()
  const engine = new DetectionEngine({
    detectors: [everyEvent(['CLOUD_TRAIL'])],
    detectorStates: staticDetectorStates({}, enabledDetector('d')),
    record: recorder.record,
  })
  const dns = {
    source: 'dns',
    line: 1,
    record: { version: '1.1', account_id: TEST_SCOPE.accountId, region: 'us-east-1' },
  } as unknown as LogEntry
  const summary = await engine.run([
    ...entriesOf([s3DataRecord('b', {}), cloudTrailRecord({})]),
    dns,
  ])
  assert.equal(summary.detections, 1)
  assert.equal(summary.eventsAnalyzed, 2)
  assert.equal(summary.skipped['source-not-analyzed'], 1)
})

test('a remote address on a trusted list never raises; a threat list does not override it', async () => {
  const lists = new ThreatListMatcher([
    {
      id: 't1',
      name: 'Bad',
      kind: 'threat',
      entries: { ips: ['198.51.100.7'], cidrs: [], domains: [] },
    },
    {
      id: 'x1',
      name: 'Ours',
      kind: 'trusted',
      entries: { ips: [], cidrs: ['198.51.100.0/24'], domains: [] },
    },
  ])
  const run = await runDetectors(
    cloudTrailDetectors(),
    [
      cloudTrailRecord({ userIdentity: ROOT, sourceIPAddress: '198.51.100.7' }),
      cloudTrailRecord({ userIdentity: ROOT, sourceIPAddress: '203.0.113.99' }),
    ],
    { threatLists: { matcher: () => Promise.resolve(lists) } },
  )
  assert.equal(
    run.summary.trustedSuppressed,
    2,
    'root usage and MaliciousIPCaller.Custom from the trusted /24',
  )
  assert.deepEqual(
    run.findings.map((f) => [f.type, f.service.count]),
    [['Policy:IAMUser/RootCredentialUsage', 1]],
  )
})

test('detections of one key are coalesced: two record calls, full count, first and last times', async () => {
  const times = ['10:05:00', '10:01:00', '10:09:00', '10:03:00', '10:07:00']
  const records = times.map((t, i) =>
    cloudTrailRecord({
      userIdentity: ROOT,
      eventTime: `2026-11-20T${t}Z`,
      eventName: `Call${i}`,
    }),
  )
  const run = await runDetectors([rootCredentialUsage()], records)
  assert.equal(run.recorder.calls.length, 2)
  const [finding] = run.findings
  assert.equal(finding?.service.count, 5)
  assert.equal(finding?.service.eventFirstSeen, '2026-11-20T10:01:00.000Z')
  assert.equal(finding?.service.eventLastSeen, '2026-11-20T10:09:00.000Z')
  const action = (finding?.service.action as { awsApiCallAction: { api: string } }).awsApiCallAction
  assert.equal(action.api, 'Call2', 'details are the latest occurrence')
  assert.deepEqual(run.summary.findingsCreated, { 'Policy:IAMUser/RootCredentialUsage': 1 })
  assert.deepEqual(run.summary.findingsUpdated, {})
})

test('flushEvery bounds pending keys; duplicates by eventID are dropped across runs', async () => {
  const recorder = new MemoryRecorder()
  const engine = new DetectionEngine({
    detectors: [everyEvent()],
    detectorStates: staticDetectorStates({}, enabledDetector('d')),
    record: recorder.record,
    flushEvery: 2,
  })
  const records = [1, 2, 3, 4, 5].map((i) =>
    cloudTrailRecord({ eventName: `E${i}`, eventID: `id-${i}` }),
  )
  const first = await engine.run([entriesOf(records)])
  assert.equal(first.detections, 5)
  assert.equal(recorder.calls.length, 5)
  const again = await engine.run([
    entriesOf([records[0]!, cloudTrailRecord({ eventName: 'E1', eventID: 'id-6' })]),
  ])
  assert.equal(again.skipped.duplicate, 1)
  assert.deepEqual(again.findingsCreated, {})
  assert.deepEqual(again.findingsUpdated, { 'Policy:IAMUser/RootCredentialUsage': 1 })
})

test('a detector that throws is counted and the others still run', async () => {
  const broken: Detector<'cloudtrail', true> = {
    ...everyEvent(),
    id: 'test/broken',
    match: () => {
      throw new Error('boom')
    },
  }
  const run = await runDetectors(
    [broken, rootCredentialUsage()],
    [
      cloudTrailRecord({ userIdentity: ROOT }),
      cloudTrailRecord({ userIdentity: ROOT, eventName: 'GetUser' }),
    ],
  )
  assert.deepEqual(run.summary.detectorErrors, {
    'test/broken': { count: 2, firstMessage: 'boom' },
  })
  assert.equal(run.findings.length, 1)
})

test('detector state and threat lists are read once per scope per run', async () => {
  const asked: string[] = []
  const states: DetectorStates = {
    detectorOf(scope: Scope) {
      asked.push(`${scope.accountId}/${scope.region}`)
      return Promise.resolve(enabledDetector('d'))
    },
  }
  let matchers = 0
  const engine = new DetectionEngine({
    detectors: cloudTrailDetectors(),
    detectorStates: states,
    record: new MemoryRecorder().record,
    threatLists: {
      matcher: () => {
        matchers++
        return Promise.resolve(new ThreatListMatcher([]))
      },
    },
  })
  const records = Array.from({ length: 50 }, (_, i) =>
    cloudTrailRecord({ awsRegion: i % 2 === 0 ? 'us-east-1' : 'eu-west-1' }),
  )
  await engine.run(entriesOf(records))
  assert.deepEqual(asked.sort(), [
    `${TEST_SCOPE.accountId}/eu-west-1`,
    `${TEST_SCOPE.accountId}/us-east-1`,
  ])
  assert.equal(matchers, 2)
  await engine.run(entriesOf([cloudTrailRecord({})]))
  assert.equal(asked.length, 3, 'a new run reads the state again')
})

test('duplicate detector ids are refused', () => {
  assert.throws(
    () =>
      new DetectionEngine({
        detectors: [rootCredentialUsage(), rootCredentialUsage()],
        detectorStates: staticDetectorStates({}),
        record: new MemoryRecorder().record,
      }),
    /two detectors have the id cloudtrail\/root-credential-usage/,
  )
})

test('through the real FindingAggregator, ThreatListRegistry and SQLite: stored, updated, dropped without a detector', async () => {
  const clock = new ManualClock(Date.parse('2026-11-21T00:00:00Z'))
  const storage = openSqliteStorage({
    path: ':memory:',
    findingAttributes: guardDutyFindingAttributes,
  })
  try {
    const scope: Scope = TEST_SCOPE
    await storage.detectors.insert(newDetectorRecord(scope, clock.now(), { enable: true }))
    const aggregator = new FindingAggregator(storage, clock, new Membership(storage, clock))
    const threatLists: ThreatListProvider = new ThreatListRegistry(storage)
    const engine = new DetectionEngine({
      detectors: cloudTrailDetectors(),
      detectorStates: storageDetectorStates(storage),
      threatLists,
      record: aggregator.record.bind(aggregator),
    })
    const stop = cloudTrailRecord({
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StopLogging',
      requestParameters: { name: 'main-trail' },
    })
    const first = await engine.run(
      entriesOf([
        stop,
        cloudTrailRecord({ recipientAccountId: '999988887777', userIdentity: ROOT }),
      ]),
    )
    assert.deepEqual(first.findingsCreated, { 'Stealth:IAMUser/CloudTrailLoggingDisabled': 1 })
    assert.equal(first.skipped['no-detector'], 1)
    clock.advance(60_000)
    const second = await engine.run(
      entriesOf([
        cloudTrailRecord({ ...stop, eventID: 'again', eventTime: '2026-11-20T11:00:00Z' }),
      ]),
    )
    assert.deepEqual(second.findingsUpdated, { 'Stealth:IAMUser/CloudTrailLoggingDisabled': 1 })
    const [detectorId] = await storage.detectors.listIds(scope, undefined, 1)
    const stored = await storage.findings.query({
      scopes: [scope],
      filter: criteria.and([]),
      sort: { attribute: 'updatedAt', order: 'DESC' },
      limit: 10,
    })
    assert.equal(stored.findings.length, 1)
    const finding = stored.findings[0]!.finding
    const decoded = assertWireFinding(finding)
    assert.equal(decoded.Service?.Count, 2)
    assert.equal(decoded.Service?.DetectorId, detectorId)
    assert.equal(decoded.Service?.EventFirstSeen, '2026-11-20T10:00:00.000Z')
    assert.equal(decoded.Service?.EventLastSeen, '2026-11-20T11:00:00.000Z')
    assert.equal(decoded.Resource.AccessKeyDetails?.UserName, 'alice')
  } finally {
    storage.close()
  }
})
