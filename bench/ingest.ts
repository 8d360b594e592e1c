/**
 * Benchmark: the detection ingestion.
 *
 * 1. In process, one thread (so records/s is per core): generated VPC flow log objects (v2 lines
 *    with a header, 50,000 lines per object, named like S3 flow log keys) and CloudTrail objects
 *    (`{"Records": […]}` of 1,000 management events of about 1 KB, a StopLogging every 500
 *    events) through the whole ingestion path — reader, per-scope metering, every detector the
 *    server builds, the real `FindingAggregator` over in-memory SQLite, usage records — for an
 *    account with a detector. Reports records/s, MB/s of decompressed input and the RSS after.
 * 2. End to end: a real server on loopback; each iteration POSTs a one-event CloudTrail object
 *    (`POST /_vigil/ingest/cloudtrail`) whose StopLogging names a new trail, then lists findings
 *    (ListFindings, filtered on the event's unique user name) until the new finding is there; the
 *    latency is from the POST to the listing that shows it (p50/p99).
 *
 * Bounded in time: each in-process measure stops after its budget (8 s), the latency loop after
 * 300 iterations or 8 s; the GeoIP database is off (its one-time load is not ingestion). The whole
 * benchmark takes about 25 s on an idle core and stays under 60 s on a loaded one.
 */
import { CreateDetectorCommand, ListFindingsCommand } from '@aws-sdk/client-guardduty'
import { DEFAULTS } from '../src/config/config.js'
import { ManualClock, systemClock } from '../src/core/clock.js'
import { createLogger } from '../src/core/logger.js'
import { createIngestion, type Ingestion } from '../src/engines/detection/ingest/index.js'
import { startVigil } from '../src/main.js'
import { CoverageRegistry } from '../src/services/guardduty/domain/coverage.js'
import { newDetectorRecord } from '../src/services/guardduty/domain/detector-record.js'
import { FindingAggregator } from '../src/services/guardduty/domain/finding-aggregator.js'
import { guardDutyFindingAttributes } from '../src/services/guardduty/domain/finding-attributes.js'
import { Membership } from '../src/services/guardduty/domain/membership.js'
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage.js'
import { guardDutyClient, rawRequest } from '../test/helpers/vigil-server.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const FLOW_LINES_PER_OBJECT = 50_000
const FLOW_OBJECTS = 10
const TRAIL_RECORDS_PER_OBJECT = 1_000
const TRAIL_OBJECTS = 100
const MEASURE_BUDGET_MS = 8_000
const LATENCY_ITERATIONS = 300
const LATENCY_BUDGET_MS = 8_000
const V2_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'

/** What the benchmark measured. */
export interface IngestBenchResult {
  readonly inProcess: readonly {
    readonly name: string
    readonly records: number
    readonly bytes: number
    readonly seconds: number
    readonly recordsPerSecond: number
    readonly megabytesPerSecond: number
    readonly rssMegabytes: number
  }[]
  readonly latency: {
    readonly iterations: number
    readonly p50Ms: number
    readonly p99Ms: number
    readonly maxMs: number
  }
}

/** A small deterministic generator (xorshift32), so runs compare. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 0x1_0000_0000
  }
}

/** One flow log object: `lines` v2 records over 50 interfaces, 3 % REJECT. */
function flowObject(index: number, lines: number): Uint8Array {
  const r = random(index + 7)
  const out: string[] = [V2_HEADER]
  let start = 1_763_600_000 + index * 600
  for (let i = 0; i < lines; i++) {
    if (i % 100 === 0) start++
    const eni = `eni-0a1b2c3d4e5f${(i % 50).toString(16).padStart(5, '0')}`
    const src = `10.0.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`
    const dst = `172.31.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`
    const port = [22, 80, 443, 3389, 53][i % 5] ?? 443
    const action = r() < 0.03 ? 'REJECT' : 'ACCEPT'
    out.push(
      `2 ${ACCOUNT} ${eni} ${src} ${dst} ${40000 + (i % 20000)} ${port} 6 ${1 + (i % 20)} ${200 + (i % 5000)} ${start} ${start + 60} ${action} OK`,
    )
  }
  return Buffer.from(`${out.join('\n')}\n`)
}

const EVENT_NAMES = [
  ['iam.amazonaws.com', 'ListUsers'],
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['s3.amazonaws.com', 'ListBuckets'],
  ['sts.amazonaws.com', 'GetCallerIdentity'],
  ['kms.amazonaws.com', 'Decrypt'],
] as const

/** One CloudTrail management event (about 1 KB). */
function trailEvent(n: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const [eventSource, eventName] = EVENT_NAMES[n % EVENT_NAMES.length] ?? EVENT_NAMES[0]
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDAEXAMPLE${String(n % 97).padStart(9, '0')}`,
      arn: `arn:aws:iam::${ACCOUNT}:user/user${n % 97}`,
      accountId: ACCOUNT,
      accessKeyId: `AKIAEXAMPLE${String(n % 97).padStart(9, '0')}`,
      userName: `user${n % 97}`,
    },
    eventTime: new Date(Date.UTC(2026, 10, 20, 10) + n * 10).toISOString(),
    eventSource,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: `203.0.${(n >> 8) & 255}.${n & 255}`,
    userAgent: 'aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/distrib#ubuntu.24',
    requestParameters: { maxResults: 100 },
    responseElements: null,
    requestID: `req-${n}`,
    eventID: `bench-${n}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${eventSource.split('.')[0] ?? 'iam'}.${REGION}.amazonaws.com`,
    },
    ...fields,
  }
}

function trailObject(index: number): Uint8Array {
  const records: Record<string, unknown>[] = []
  for (let i = 0; i < TRAIL_RECORDS_PER_OBJECT; i++) {
    const n = index * TRAIL_RECORDS_PER_OBJECT + i
    records.push(
      n % 500 === 0
        ? trailEvent(n, {
            eventSource: 'cloudtrail.amazonaws.com',
            eventName: 'StopLogging',
            readOnly: false,
            requestParameters: { name: `trail-${n % 7}` },
          })
        : trailEvent(n),
    )
  }
  return Buffer.from(JSON.stringify({ Records: records }))
}

async function inProcess(
  name: string,
  objects: readonly { name: string; body: Uint8Array }[],
  ingestion: Ingestion,
): Promise<IngestBenchResult['inProcess'][number]> {
  let records = 0
  let bytes = 0
  const started = performance.now()
  for (const object of objects) {
    const result = await ingestion.service.ingestObject(object.body, { name: object.name })
    records += result.events
    bytes += result.bytes
    if (performance.now() - started > MEASURE_BUDGET_MS) break
  }
  const seconds = (performance.now() - started) / 1000
  return {
    name,
    records,
    bytes,
    seconds,
    recordsPerSecond: Math.round(records / seconds),
    megabytesPerSecond: bytes / 1e6 / seconds,
    rssMegabytes: Math.round(process.memoryUsage().rss / 1e6),
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

async function endToEnd(): Promise<IngestBenchResult['latency']> {
  const vigil = await startVigil(
    { ...DEFAULTS, host: '127.0.0.1', port: 0, dataDir: ':memory:', geoIp: 'off' },
    { logger: createLogger({ level: 'silent' }) },
  )
  try {
    const gd = guardDutyClient(vigil.url, { accessKeyId: ACCOUNT })
    const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
    const latencies: number[] = []
    const began = performance.now()
    for (let i = 0; i < LATENCY_ITERATIONS; i++) {
      if (performance.now() - began > LATENCY_BUDGET_MS) break
      const user = `latency-${i}`
      const body = JSON.stringify({
        Records: [
          trailEvent(1_000_000 + i, {
            eventSource: 'cloudtrail.amazonaws.com',
            eventName: 'StopLogging',
            readOnly: false,
            eventTime: new Date().toISOString(),
            requestParameters: { name: `latency-trail-${i}` },
            userIdentity: {
              type: 'IAMUser',
              principalId: `AIDALATENCY${String(i).padStart(9, '0')}`,
              arn: `arn:aws:iam::${ACCOUNT}:user/${user}`,
              accountId: ACCOUNT,
              accessKeyId: `AKIALATENCY${String(i).padStart(9, '0')}`,
              userName: user,
            },
          }),
        ],
      })
      const start = performance.now()
      const posted = await rawRequest(vigil.url, {
        method: 'POST',
        path: '/_vigil/ingest/cloudtrail',
        body,
        service: 'vigil',
      })
      if (posted.status !== 200) throw new Error(`ingest answered ${posted.status}: ${posted.text}`)
      for (;;) {
        const listed = await gd.send(
          new ListFindingsCommand({
            DetectorId,
            FindingCriteria: {
              Criterion: { 'resource.accessKeyDetails.userName': { Equals: [user] } },
            },
          }),
        )
        if ((listed.FindingIds?.length ?? 0) > 0) break
        if (performance.now() - start > 5_000) throw new Error(`finding of ${user} never listed`)
      }
      latencies.push(performance.now() - start)
    }
    latencies.sort((a, b) => a - b)
    return {
      iterations: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? 0,
    }
  } finally {
    await vigil.close()
  }
}

/** Runs the benchmark, prints its tables and returns the numbers. */
export async function runIngestBench(): Promise<IngestBenchResult> {
  const began = Date.now()
  const clock = new ManualClock(systemClock.now())
  const storage = openSqliteStorage({
    path: ':memory:',
    findingAttributes: guardDutyFindingAttributes,
  })
  const results: IngestBenchResult['inProcess'][number][] = []
  try {
    await storage.detectors.insert(
      newDetectorRecord({ accountId: ACCOUNT, region: REGION }, clock.now(), { enable: true }),
    )
    const aggregator = new FindingAggregator(storage, clock, new Membership(storage, clock))
    const ingestion = await createIngestion(
      { geoIp: 'off' },
      {
        storage,
        record: (activity) => aggregator.record(activity),
        coverage: new CoverageRegistry(storage, clock),
        now: () => clock.now(),
      },
    )
    const flows = Array.from({ length: FLOW_OBJECTS }, (_, i) => ({
      name: `AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/2026/11/20/${ACCOUNT}_vpcflowlogs_${REGION}_fl-0123456789abcdef0_20261120T10${String(i).padStart(2, '0')}Z_${i.toString(16).padStart(8, '0')}.log`,
      body: flowObject(i, FLOW_LINES_PER_OBJECT),
    }))
    results.push(await inProcess('VPC flow logs (v2, 50,000 lines/object)', flows, ingestion))
    const trails = Array.from({ length: TRAIL_OBJECTS }, (_, i) => ({
      name: `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/11/20/${ACCOUNT}_CloudTrail_${REGION}_20261120T1000Z_${i.toString(16).padStart(16, '0')}.json`,
      body: trailObject(i),
    }))
    results.push(await inProcess('CloudTrail (1,000 records/object)', trails, ingestion))
  } finally {
    storage.close()
  }
  const latency = await endToEnd()

  console.log('\nDetection ingestion, in process (one thread; reader + engine + SQLite findings)\n')
  console.log('| input | records | MB in | seconds | records/s | MB/s | RSS MB |')
  console.log('|---|---:|---:|---:|---:|---:|---:|')
  for (const m of results) {
    console.log(
      `| ${m.name} | ${m.records.toLocaleString('en')} | ${(m.bytes / 1e6).toFixed(1)} | ${m.seconds.toFixed(2)} | ${m.recordsPerSecond.toLocaleString('en')} | ${m.megabytesPerSecond.toFixed(1)} | ${m.rssMegabytes} |`,
    )
  }
  console.log(
    `\nEnd to end, POST /_vigil/ingest/cloudtrail → finding listed (${latency.iterations} objects): p50 ${latency.p50Ms.toFixed(1)} ms, p99 ${latency.p99Ms.toFixed(1)} ms, max ${latency.maxMs.toFixed(1)} ms`,
  )
  console.log(`(benchmark wall time ${((Date.now() - began) / 1000).toFixed(1)} s)`)
  return { inProcess: results, latency }
}
