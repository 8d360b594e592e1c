/**
 * The CloudTrail detectors over the Stratus Red Team detonation logs (`../shared/datasets/cloudtrail/
 * stratus-red-team/`, real CloudTrail records with anonymised accounts, Regions and addresses),
 * read by the real log reader:
 *
 * - with no enrichment, exactly two findings come out of all 35 techniques:
 *   `Stealth:IAMUser/CloudTrailLoggingDisabled` for `cloudtrail-stop` (StopLogging) and
 *   `cloudtrail-delete` (DeleteTrail); `cloudtrail-event-selectors` (PutEventSelectors) and every
 *   other technique raise none of our types;
 * - `ec2-steal-instance-credentials`: the instance-role session `assumed-role/…/i-786a3A8B5C0d92eF4`
 *   (`ec2RoleDelivery` 1.0) used from 18.236.253.47. That address is in AWS space (18.236.0.0/15 is
 *   an EC2 prefix of AWS's ip-ranges.json), so with the ranges and an inventory that knows the
 *   instance the two calls (GetCallerIdentity, DescribeInstances) are one
 *   `InstanceCredentialExfiltration.InsideAWS` finding; without the inventory it is undecided; with
 *   the inventory but no ranges it is reported as OutsideAWS;
 * - the positive files through the real `FindingAggregator` and SQLite.
 */
import assert from 'node:assert/strict'
import { createReadStream, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../../../../core/clock.js'
import { newDetectorRecord } from '../../../../services/guardduty/domain/detector-record.js'
import { FindingAggregator } from '../../../../services/guardduty/domain/finding-aggregator.js'
import { guardDutyFindingAttributes } from '../../../../services/guardduty/domain/finding-attributes.js'
import { Membership } from '../../../../services/guardduty/domain/membership.js'
import { criteria } from '../../../../storage/query/criteria-ast.js'
import { openSqliteStorage } from '../../../../storage/sqlite/sqlite-storage.js'
import { DetectionEngine, type RecordActivity } from '../../detection-engine.js'
import {
  enabledDetector,
  staticDetectorStates,
  storageDetectorStates,
} from '../../detector-states.js'
import { AwsIpRanges } from '../../enrichment/aws-ip-ranges.js'
import { MemoryInstanceInventory } from '../../enrichment/instance-inventory.js'
import { readLogObject } from '../../sources/index.js'
import { datasetPath } from '../../sources/test-datasets.js'
import { assertWireFinding, MemoryRecorder, infoOf } from '../../testing/harness.js'
import { cloudTrailDetectors, type CloudTrailDetectorOptions } from './index.js'

const DIR = 'cloudtrail/stratus-red-team'
const STEAL = 'aws.credential-access.ec2-steal-instance-credentials.json'
const STEAL_SCOPE = { accountId: '017622104382', region: 'us-north-2r' }
const INSTANCE = 'i-786a3A8B5C0d92eF4'
const INSIDE = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS'
const OUTSIDE = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS'
const LOGGING = 'Stealth:IAMUser/CloudTrailLoggingDisabled'

/** ip-ranges.json entries for the prefix holding the caller's address, as AWS publishes it. */
const RANGES = AwsIpRanges.fromJson({
  syncToken: '1763600000',
  createDate: '2026-11-20-00-00-00',
  prefixes: [
    {
      ip_prefix: '18.236.0.0/15',
      region: 'us-west-2',
      service: 'AMAZON',
      network_border_group: 'us-west-2',
    },
    {
      ip_prefix: '18.236.0.0/15',
      region: 'us-west-2',
      service: 'EC2',
      network_border_group: 'us-west-2',
    },
  ],
  ipv6_prefixes: [],
})

/**
 * The operator's inventory of the victim instance. The log does not show the instance's own
 * addresses; these stand in for what `describe-instances` would list (a private address and a
 * public one in AWS space), neither of them the attacker's 18.236.253.47.
 */
function victimInventory(): MemoryInstanceInventory {
  const inventory = new MemoryInstanceInventory()
  inventory.addInstance(STEAL_SCOPE, INSTANCE, ['10.0.1.25', '18.237.10.20'], true)
  return inventory
}

async function runFiles(
  dir: string,
  files: readonly string[],
  options: CloudTrailDetectorOptions = {},
  record?: RecordActivity,
) {
  const recorder = new MemoryRecorder()
  const engine = new DetectionEngine({
    detectors: cloudTrailDetectors(options),
    detectorStates: staticDetectorStates({}, enabledDetector('d1')),
    record: record ?? recorder.record,
  })
  const byFile = new Map<string, string[]>()
  let eventsRead = 0
  for (const file of files) {
    const reader = readLogObject(createReadStream(join(dir, file)), {
      name: file,
      hint: 'cloudtrail',
    })
    const summary = await engine.run(reader.batches())
    assert.equal(reader.report.malformedCount, 0, file)
    assert.deepEqual(summary.detectorErrors, {}, file)
    assert.equal(summary.eventsAnalyzed, summary.eventsRead, `${file}: every event analysed`)
    eventsRead += summary.eventsRead
    const types = Object.entries(summary.detectionsByType).flatMap(([type, n]) =>
      Array<string>(n).fill(type),
    )
    byFile.set(file, types)
  }
  for (const finding of recorder.all()) assertWireFinding(finding)
  return { byFile, recorder, eventsRead }
}

test('no enrichment: only cloudtrail-stop and cloudtrail-delete raise, CloudTrailLoggingDisabled', async (t) => {
  const dir = datasetPath(t, DIR)
  if (dir === undefined) return
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
  assert.equal(files.length, 35)
  const { byFile, recorder, eventsRead } = await runFiles(dir, files)
  assert.equal(eventsRead, 310)
  const raising = [...byFile].filter(([, types]) => types.length > 0)
  assert.deepEqual(raising, [
    ['aws.defense-evasion.cloudtrail-delete.json', [LOGGING]],
    ['aws.defense-evasion.cloudtrail-stop.json', [LOGGING]],
  ])
  assert.deepEqual(byFile.get('aws.defense-evasion.cloudtrail-event-selectors.json'), [])
  const findings = recorder.all()
  assert.deepEqual(
    findings.map((f) => {
      const action = (f.service.action as { awsApiCallAction: Record<string, unknown> })
        .awsApiCallAction
      return [f.accountId, f.region, action.api, action.affectedResources]
    }),
    [
      [
        '847129010505',
        'megov-westwest-1r',
        'DeleteTrail',
        {
          'AWS::CloudTrail::Trail':
            'arn:aws:cloudtrail:megov-westwest-1r:847129010505:trail/stratus-red-team-cloudtraild-trail-kvrwohmiai',
        },
      ],
      [
        '143434273843',
        'apiso-centralnorth-2r',
        'StopLogging',
        {
          'AWS::CloudTrail::Trail':
            'arn:aws:cloudtrail:apiso-centralnorth-2r:143434273843:trail/stratus-red-team-ct-stop-trail-buykxbqejv',
        },
      ],
    ],
  )
  for (const finding of findings) {
    assert.equal(finding.severity, 2)
    assert.deepEqual(
      (finding.resource as { accessKeyDetails: { userName: string; userType: string } })
        .accessKeyDetails.userName,
      'christophe',
    )
  }
})

test('ec2-steal-instance-credentials: InsideAWS with AWS ranges and a known instance', async (t) => {
  const dir = datasetPath(t, DIR)
  if (dir === undefined) return
  const { byFile, recorder } = await runFiles(dir, [STEAL], {
    awsIpRanges: RANGES,
    instanceInventory: victimInventory(),
  })
  assert.deepEqual(byFile.get(STEAL), [INSIDE, INSIDE])
  const [finding, ...rest] = recorder.all()
  assert.equal(rest.length, 0)
  assert.equal(finding?.type, INSIDE)
  assert.equal(finding?.severity, 8)
  assert.equal(finding?.accountId, STEAL_SCOPE.accountId)
  assert.equal(finding?.service.count, 2)
  assert.equal(finding?.service.eventFirstSeen, '2024-08-02T08:23:55.000Z')
  assert.equal(finding?.service.eventLastSeen, '2024-08-02T08:23:56.000Z')
  assert.deepEqual(finding?.resource, {
    resourceType: 'AccessKey',
    accessKeyDetails: {
      accessKeyId: 'ASIAP5CT9NN8EYVU1FXV',
      principalId: `AROALHCCSKSM395EGX3XN:${INSTANCE}`,
      userName: 'stratus-red-team-ec2-steal-credentials-role',
      userType: 'AssumedRole',
    },
  })
  const action = (finding?.service.action as { awsApiCallAction: Record<string, unknown> })
    .awsApiCallAction
  assert.equal(action.api, 'DescribeInstances')
  assert.equal(action.serviceName, 'ec2.amazonaws.com')
  assert.equal(action.callerType, 'Remote IP')
  assert.deepEqual(action.remoteIpDetails, { ipAddressV4: '18.236.253.47' })
  assert.deepEqual(infoOf(finding), {
    instanceId: INSTANCE,
    ec2RoleDelivery: '1.0',
    awsIpRange: { prefix: '18.236.0.0/15', region: 'us-west-2', services: ['AMAZON', 'EC2'] },
  })
})

test('ec2-steal-instance-credentials: undecided without the inventory, OutsideAWS without ranges', async (t) => {
  const dir = datasetPath(t, DIR)
  if (dir === undefined) return
  const rangesOnly = await runFiles(dir, [STEAL], { awsIpRanges: RANGES })
  assert.deepEqual(rangesOnly.byFile.get(STEAL), [])
  const inventoryOnly = await runFiles(dir, [STEAL], { instanceInventory: victimInventory() })
  assert.deepEqual(inventoryOnly.byFile.get(STEAL), [OUTSIDE, OUTSIDE])
})

test('the positive files through the real FindingAggregator and SQLite', async (t) => {
  const dir = datasetPath(t, DIR)
  if (dir === undefined) return
  const clock = new ManualClock(Date.parse('2026-11-20T12:00:00Z'))
  const storage = openSqliteStorage({
    path: ':memory:',
    findingAttributes: guardDutyFindingAttributes,
  })
  try {
    const scopes = [
      { accountId: '847129010505', region: 'megov-westwest-1r' },
      { accountId: '143434273843', region: 'apiso-centralnorth-2r' },
      STEAL_SCOPE,
    ]
    for (const scope of scopes) {
      await storage.detectors.insert(newDetectorRecord(scope, clock.now(), { enable: true }))
    }
    const aggregator = new FindingAggregator(storage, clock, new Membership(storage, clock))
    const engine = new DetectionEngine({
      detectors: cloudTrailDetectors({ awsIpRanges: RANGES, instanceInventory: victimInventory() }),
      detectorStates: storageDetectorStates(storage),
      record: (activity) => aggregator.record(activity),
    })
    const created: Record<string, number> = {}
    for (const file of [
      'aws.defense-evasion.cloudtrail-delete.json',
      'aws.defense-evasion.cloudtrail-stop.json',
      'aws.defense-evasion.cloudtrail-event-selectors.json',
      STEAL,
    ]) {
      const summary = await engine.run(readLogObject(createReadStream(join(dir, file))).batches())
      for (const [type, n] of Object.entries(summary.findingsCreated))
        created[type] = (created[type] ?? 0) + n
      if (file.includes('event-selectors')) assert.equal(summary.skipped['no-detector'], 1)
    }
    assert.deepEqual(created, { [LOGGING]: 2, [INSIDE]: 1 })
    for (const scope of scopes) {
      const { findings } = await storage.findings.query({
        scopes: [scope],
        filter: criteria.and([]),
        sort: { attribute: 'updatedAt', order: 'DESC' },
        limit: 10,
      })
      assert.equal(findings.length, 1, `${scope.accountId}`)
      const decoded = assertWireFinding(findings[0]!.finding)
      assert.equal(decoded.AccountId, scope.accountId)
      assert.match(
        decoded.Arn,
        /^arn:aws:guardduty:[^:]+:\d{12}:detector\/[0-9a-f]{32}\/finding\/[0-9a-f]{32}$/,
      )
    }
  } finally {
    storage.close()
  }
})
