/**
 * Test support for detectors and the engine (imported by `*.test.ts` only): CloudTrail-shaped event
 * builders checked by the real record reader, an in-memory `record` function that aggregates like
 * `FindingAggregator` (id from scope + key, count, first/last seen, latest details) and completes
 * each finding with the members the aggregator adds, the wire checks every produced finding must
 * pass (`decodeWire` and the strict model walk), and one-call runners (CloudTrail records, or log
 * entries of any source with the run's `LogObjectContext`). Flow-log, Resolver and audit-event
 * builders are in `records.ts`.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { decodeWire } from '../../../protocol/read-input.js'
import { schema } from '../../../services/guardduty/generated/schema.js'
import type * as gd from '../../../services/guardduty/generated/types.js'
import { wireProblems } from '../../../services/guardduty/domain/sample-findings/wire-conformance.js'
import type { Scope } from '../../../storage/ports.js'
import type { AnyDetector } from '../detector.js'
import {
  DetectionEngine,
  type DetectionActivity,
  type DetectionEngineOptions,
  type DetectionSummary,
  type LogObjectContext,
  type RecordedActivity,
} from '../detection-engine.js'
import { enabledDetector, staticDetectorStates, type DetectorStates } from '../detector-states.js'
import { readCloudTrailRecord, type CloudTrailRecord, type LogEntry } from '../sources/index.js'

/** The account and Region test events use unless told otherwise. */
export const TEST_SCOPE: Scope = { accountId: '111122223333', region: 'us-east-1' }

/** A plain IAM user caller. */
export const ALICE = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEALICE0001',
  arn: `arn:aws:iam::${TEST_SCOPE.accountId}:user/alice`,
  accountId: TEST_SCOPE.accountId,
  accessKeyId: 'AKIAEXAMPLEALICE0001',
  userName: 'alice',
} as const

type Json = Record<string, unknown>

/**
 * A CloudTrail management-event record (defaults: IAM user alice from 203.0.113.10 with the AWS
 * CLI, `us-east-1`, account 111122223333, successful) with `fields` laid over it; checked by the
 * real reader so tests cannot build records the reader would refuse.
 */
export function cloudTrailRecord(fields: Json): CloudTrailRecord {
  const record = {
    eventVersion: '1.09',
    eventTime: '2026-11-20T10:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: TEST_SCOPE.region,
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/distrib#ubuntu.24',
    userIdentity: ALICE,
    requestParameters: null,
    responseElements: null,
    requestID: 'req-1',
    eventID: `evt-${Math.random().toString(16).slice(2)}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: TEST_SCOPE.accountId,
    eventCategory: 'Management',
    ...fields,
  }
  const read = readCloudTrailRecord(record)
  if (typeof read === 'string') throw new Error(`test record refused: ${read}`)
  return read
}

/** An S3 data-event record (`eventCategory` Data) on `bucket`. */
export function s3DataRecord(bucket: string, fields: Json): CloudTrailRecord {
  return cloudTrailRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    managementEvent: false,
    eventCategory: 'Data',
    readOnly: true,
    requestParameters: { bucketName: bucket, key: 'data.csv', Host: `${bucket}.s3.amazonaws.com` },
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/data.csv` },
      { accountId: TEST_SCOPE.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    ...fields,
  })
}

/** Log entries of records, as the readers yield them. */
export function entriesOf(records: readonly CloudTrailRecord[]): LogEntry[] {
  return records.map((record, index) => ({ source: 'cloudtrail', record, line: 1, index }))
}

/** A finding as the in-memory recorder keeps it (wire form, aggregator members added). */
export type StoredWireFinding = Record<string, unknown> & {
  type: string
  severity: number
  service: Record<string, unknown> & { count: number }
}

/** An in-memory stand-in for `FindingAggregator.record` (every scope has detector `d…`). */
export class MemoryRecorder {
  readonly findings = new Map<string, StoredWireFinding>()
  readonly calls: DetectionActivity[] = []

  /** The record function (bound). */
  readonly record = (activity: DetectionActivity): Promise<RecordedActivity> => {
    this.calls.push(activity)
    const { scope } = activity
    const detectorId = 'd'.repeat(32)
    const id = createHash('sha256')
      .update(`${scope.accountId}\u0000${scope.region}\u0000${activity.aggregationKey}`)
      .digest('hex')
      .slice(0, 32)
    const before = this.findings.get(id)
    const seen = new Date(activity.eventTimeMs).toISOString()
    const first = before?.service.eventFirstSeen
    const last = before?.service.eventLastSeen
    const finding = {
      schemaVersion: '2.0',
      partition: 'aws',
      ...activity.finding,
      accountId: scope.accountId,
      region: scope.region,
      id,
      arn: `arn:aws:guardduty:${scope.region}:${scope.accountId}:detector/${detectorId}/finding/${id}`,
      createdAt: typeof before?.createdAt === 'string' ? before.createdAt : seen,
      updatedAt: seen,
      service: {
        ...activity.finding.service,
        serviceName: 'guardduty',
        detectorId,
        count: (before?.service.count ?? 0) + (activity.occurrences ?? 1),
        eventFirstSeen: typeof first === 'string' && first < seen ? first : seen,
        eventLastSeen: typeof last === 'string' && last > seen ? last : seen,
        archived: false,
      },
    } as StoredWireFinding
    this.findings.set(id, finding)
    return Promise.resolve({ findingId: id, created: before === undefined, archived: false })
  }

  /** Every finding, in creation order. */
  all(): StoredWireFinding[] {
    return [...this.findings.values()]
  }

  /** Findings of one type. */
  ofType(type: string): StoredWireFinding[] {
    return this.all().filter((f) => f.type === type)
  }
}

/**
 * Asserts that a stored finding conforms to the model (strict walk, the 50-character type cap
 * waived as for GuardDuty's own long names) and decodes with `decodeWire`; returns the decoded
 * SDK-form finding.
 */
export function assertWireFinding(finding: Readonly<Record<string, unknown>>): gd.Finding {
  const type = String(finding.type)
  const waived = type.length > 50 ? ['/type'] : []
  assert.deepEqual(wireProblems(schema, 'Finding', finding, waived), [], type)
  const decoded = decodeWire(schema, 'Finding', finding) as gd.Finding | undefined
  assert.ok(decoded, `${type} decodes`)
  assert.equal(decoded.Type, type)
  return decoded
}

/** The decoded `service.additionalInfo` of a finding (`{}` when it has none). */
export function infoOf(finding: StoredWireFinding | undefined): Record<string, unknown> {
  const info = finding?.service.additionalInfo as { value?: string } | undefined
  return info?.value === undefined ? {} : (JSON.parse(info.value) as Record<string, unknown>)
}

/** What `runDetectors` returns. */
export interface DetectorRun {
  readonly summary: DetectionSummary
  readonly recorder: MemoryRecorder
  readonly findings: StoredWireFinding[]
}

/**
 * Runs `detectors` over `records` with every account enabled (CloudTrail and S3 data events) unless
 * `detectorStates` says otherwise, checks every finding's wire form, and returns the run.
 */
export async function runDetectors(
  detectors: readonly AnyDetector[],
  records: readonly CloudTrailRecord[],
  options: Partial<Omit<DetectionEngineOptions, 'detectors' | 'record'>> & {
    readonly detectorStates?: DetectorStates
    readonly recorder?: MemoryRecorder
  } = {},
): Promise<DetectorRun> {
  const recorder = options.recorder ?? new MemoryRecorder()
  const engine = new DetectionEngine({
    ...options,
    detectors,
    detectorStates: options.detectorStates ?? staticDetectorStates({}, enabledDetector('d1')),
    record: recorder.record,
  })
  const summary = await engine.run(entriesOf(records))
  const findings = recorder.all()
  for (const finding of findings) assertWireFinding(finding)
  return { summary, recorder, findings }
}

/**
 * Runs `detectors` over log entries of any source (every feature enabled, `EKS_AUDIT_LOGS`
 * included, unless `detectorStates` says otherwise) with the run's `context`, checks every
 * finding's wire form, and returns the run.
 */
export async function runEntries(
  detectors: readonly AnyDetector[],
  entries:
    readonly (LogEntry | readonly LogEntry[])[] | AsyncIterable<LogEntry | readonly LogEntry[]>,
  options: Partial<Omit<DetectionEngineOptions, 'detectors' | 'record'>> & {
    readonly detectorStates?: DetectorStates
    readonly recorder?: MemoryRecorder
    readonly context?: LogObjectContext
    /** An engine to reuse (its detectors and state), built with `recorder`; `detectors` is then ignored. */
    readonly engine?: DetectionEngine
  } = {},
): Promise<DetectorRun & { readonly engine: DetectionEngine }> {
  const recorder = options.recorder ?? new MemoryRecorder()
  const { context, engine: given, ...engineOptions } = options
  const engine =
    given ??
    new DetectionEngine({
      ...engineOptions,
      detectors,
      detectorStates:
        options.detectorStates ??
        staticDetectorStates(
          {},
          enabledDetector('d1', [
            'CLOUD_TRAIL',
            'S3_DATA_EVENTS',
            'FLOW_LOGS',
            'DNS_LOGS',
            'EKS_AUDIT_LOGS',
          ]),
        ),
      record: recorder.record,
    })
  const summary = await engine.run(entries, context)
  const findings = recorder.all()
  for (const finding of findings) assertWireFinding(finding)
  return { summary, recorder, findings, engine }
}
