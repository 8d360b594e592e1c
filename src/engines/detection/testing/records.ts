/**
 * Test support (imported by `*.test.ts` only): builders of flow-log, Route 53 Resolver and
 * Kubernetes audit records for detector tests, each checked by the real reader (flow lines go
 * through `FlowLogLineParser`), so tests cannot build records the readers would refuse; and the
 * log entries that wrap them.
 */
import {
  DEFAULT_FLOW_LOG_FIELDS,
  FlowLogLineParser,
  flowLogLayout,
  parseS3LogKey,
  readKubernetesAuditEvent,
  readResolverQueryRecord,
  type FlowLogRecord,
  type KubernetesAuditEvent,
  type LogEntry,
  type ResolverQueryRecord,
} from '../sources/index.js'
import type { LogObjectContext } from '../object-context.js'
import { TEST_SCOPE } from './harness.js'

type Json = Record<string, unknown>

/** The test network interface. */
export const TEST_ENI = 'eni-0123456789abcdef0'
/** The instance of the test interface. */
export const TEST_INSTANCE = 'i-0123456789abcdef0'
/** The test instance's private address. */
export const LOCAL_IP = '10.0.1.25'

/** Fields of a flow record in a test, by AWS field name (`srcaddr`, `dstport`, `tcp-flags`…). */
export type FlowFields = Readonly<Record<string, string | number>>

const DEFAULTS: FlowFields = {
  version: 2,
  'account-id': TEST_SCOPE.accountId,
  'interface-id': TEST_ENI,
  srcaddr: LOCAL_IP,
  dstaddr: '198.51.100.7',
  srcport: 45000,
  dstport: 443,
  protocol: 6,
  packets: 10,
  bytes: 840,
  start: 1_790_000_000,
  end: 1_790_000_010,
  action: 'ACCEPT',
  'log-status': 'OK',
}

const parsers = new Map<string, FlowLogLineParser>()

/**
 * A flow record from `fields` over the defaults (default-format fields; other fields, e.g.
 * `flow-direction` or `tcp-flags`, extend the layout), parsed by the real line parser.
 */
export function flowRecord(fields: FlowFields = {}): FlowLogRecord {
  const all = { ...DEFAULTS, ...fields }
  const names = [
    ...DEFAULT_FLOW_LOG_FIELDS,
    ...Object.keys(all).filter((name) => !DEFAULT_FLOW_LOG_FIELDS.includes(name)),
  ]
  const layoutKey = names.join(' ')
  let parser = parsers.get(layoutKey)
  if (parser === undefined) {
    parser = new FlowLogLineParser(flowLogLayout(names))
    parsers.set(layoutKey, parser)
  }
  const line = names.map((name) => String(all[name] ?? '-')).join(' ')
  const record = parser.parse(line, 0, line.length)
  if (typeof record === 'string') throw new Error(`test flow line refused: ${record}: ${line}`)
  return record
}

/** The S3 key of a test flow log object (account and Region of `TEST_SCOPE`). */
export const FLOW_LOG_KEY = `AWSLogs/${TEST_SCOPE.accountId}/vpcflowlogs/${TEST_SCOPE.region}/2026/09/21/${TEST_SCOPE.accountId}_vpcflowlogs_${TEST_SCOPE.region}_fl-0123456789abcdef0_20260921T1000Z_0a1b2c3d.log.gz`

/** The context of a run over a test flow log object (default-format records name no Region). */
export const FLOW_CONTEXT: LogObjectContext = {
  name: FLOW_LOG_KEY,
  ...(parseS3LogKey(FLOW_LOG_KEY) !== undefined ? { keyHint: parseS3LogKey(FLOW_LOG_KEY) } : {}),
}

/** Log entries of flow records. */
export function flowEntries(records: readonly FlowLogRecord[]): LogEntry[] {
  return records.map((record, index) => ({ source: 'vpc-flow', record, line: index + 2 }))
}

/** A Resolver query log record (defaults: an `A` query of the test instance) with `fields`. */
export function resolverRecord(fields: Json = {}): ResolverQueryRecord {
  const record = {
    version: '1.100000',
    account_id: TEST_SCOPE.accountId,
    region: TEST_SCOPE.region,
    vpc_id: 'vpc-0a1b2c3d4e5f60001',
    query_timestamp: '2026-11-20T10:00:00Z',
    query_name: 'example.com.',
    query_type: 'A',
    query_class: 'IN',
    rcode: 'NOERROR',
    answers: [{ Rdata: '93.184.215.14', Type: 'A', Class: 'IN' }],
    srcaddr: LOCAL_IP,
    srcport: '53412',
    transport: 'UDP',
    srcids: { instance: TEST_INSTANCE },
    ...fields,
  }
  const read = readResolverQueryRecord(record)
  if (typeof read === 'string') throw new Error(`test Resolver record refused: ${read}`)
  return read
}

/** Log entries of Resolver records. */
export function dnsEntries(records: readonly ResolverQueryRecord[]): LogEntry[] {
  return records.map((record, index) => ({ source: 'dns', record, line: index + 1 }))
}

let auditSequence = 0

/**
 * A Kubernetes audit event (defaults: a successful `get` of pod `web` in `default` by an
 * IAM-mapped user from 203.0.113.50, stage `ResponseComplete`) with `fields`.
 */
export function auditEvent(fields: Json = {}): KubernetesAuditEvent {
  auditSequence++
  const event = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: `00000000-0000-4000-8000-${String(auditSequence).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods/web',
    verb: 'get',
    user: {
      username: 'arn:aws:sts::111122223333:assumed-role/EKSDeveloper/alice',
      uid: 'aws-iam-authenticator:111122223333:AROAEXAMPLEDEVELOPER',
      groups: ['system:authenticated', 'developers'],
      extra: { sessionName: ['alice'] },
    },
    sourceIPs: ['203.0.113.50'],
    userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/abcdef0',
    objectRef: { resource: 'pods', namespace: 'default', name: 'web', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-11-20T10:00:00.000000Z',
    stageTimestamp: '2026-11-20T10:00:00.010000Z',
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    ...fields,
  }
  const read = readKubernetesAuditEvent(event)
  if (typeof read === 'string') throw new Error(`test audit event refused: ${read}`)
  return read
}

/** The test EKS cluster (in `TEST_SCOPE`). */
export const TEST_CLUSTER = {
  name: 'prod',
  accountId: TEST_SCOPE.accountId,
  region: TEST_SCOPE.region,
} as const

/** The context of a run over audit events of the test cluster. */
export const CLUSTER_CONTEXT: LogObjectContext = {
  name: 'kube-apiserver-audit-0123456789abcdef',
  cluster: TEST_CLUSTER,
}

/** Log entries of audit events. */
export function auditEntries(events: readonly KubernetesAuditEvent[]): LogEntry[] {
  return events.map((record, index) => ({ source: 'k8s-audit', record, line: index + 1 }))
}
