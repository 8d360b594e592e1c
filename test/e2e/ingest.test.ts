/**
 * Log ingestion end to end, against a real server: the Stratus Red Team CloudTrail logs
 * (`../shared/datasets/cloudtrail/stratus-red-team/`, real records) go in through the admin route,
 * the `vigil ingest` command's function and a real `node bin/vigil.js ingest` child process; the
 * findings come back through `@aws-sdk/client-guardduty` (ListFindings / GetFindings), usage through
 * GetUsageStatistics and coverage through ListCoverage.
 *
 * The dataset's Regions are anonymised (`apiso-centralnorth-2r`) and SigV4 accepts no such Region,
 * so the route and command-function tests read copies whose Region (and event ids, so the engine's
 * duplicate filter does not link them to the originals) are rewritten, with detectors created
 * through the SDK; the child process reads the dataset as it is, with the detectors of the two
 * anonymised scopes written through a second connection to the server's database, and its findings
 * read from the findings store. Under `CI=true` a missing dataset fails the tests.
 */
import {
  CreateDetectorCommand,
  GetFindingsCommand,
  GetUsageStatisticsCommand,
  ListCoverageCommand,
  ListFindingsCommand,
  type Finding,
  type GuardDutyClient,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { after, before, test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { ingestPaths } from '../../src/cli/ingest.js'
import type { IngestResult, LocationResult } from '../../src/engines/detection/ingest/index.js'
import { datasetPath } from '../../src/engines/detection/sources/test-datasets.js'
import { newDetectorRecord } from '../../src/services/guardduty/domain/detector-record.js'
import { guardDutyFindingAttributes } from '../../src/services/guardduty/domain/finding-attributes.js'
import { criteria } from '../../src/storage/query/criteria-ast.js'
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import {
  guardDutyClient,
  rawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const STRATUS = 'cloudtrail/stratus-red-team'
const STOP = 'aws.defense-evasion.cloudtrail-stop.json'
const DELETE = 'aws.defense-evasion.cloudtrail-delete.json'
const STEAL = 'aws.credential-access.ec2-steal-instance-credentials.json'
const LOGGING = 'Stealth:IAMUser/CloudTrailLoggingDisabled'
const STOP_ACCOUNT = '143434273843'
const DELETE_ACCOUNT = '847129010505'
const STEAL_ACCOUNT = '017622104382'
const NO_DETECTOR_ACCOUNT = '210987654321'

let server: TestServer
let dataDir: string
let work: string

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigil-ingest-e2e-'))
  work = mkdtempSync(join(tmpdir(), 'vigil-ingest-files-'))
  server = await startTestServer({ dataDir })
})
after(async () => {
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(work, { recursive: true, force: true })
})

/**
 * A dataset file with its Region replaced by `region` and its event ids made distinct from the
 * originals'.
 */
function rewritten(dir: string, file: string, region: string): string {
  const records = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>[]
  return JSON.stringify(
    records.map((r) => ({ ...r, awsRegion: region, eventID: `copy-${String(r.eventID)}` })),
  )
}

async function detectorOf(
  account: string,
  region: string,
): Promise<{
  gd: GuardDutyClient
  detectorId: string
}> {
  const gd = guardDutyClient(server.url, { accessKeyId: account, region })
  const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
  return { gd, detectorId: DetectorId ?? '' }
}

async function findingsOf(gd: GuardDutyClient, detectorId: string): Promise<Finding[]> {
  const { FindingIds } = await gd.send(new ListFindingsCommand({ DetectorId: detectorId }))
  if (!FindingIds?.length) return []
  const { Findings } = await gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds }))
  return Findings ?? []
}

function ingestRoute(
  source: string,
  body: string | Uint8Array,
  query: Record<string, string> = {},
) {
  return rawRequest(server.url, {
    method: 'POST',
    path: `/_vigil/ingest/${source}`,
    query,
    body,
    service: 'vigil',
    headers: { 'content-type': 'application/octet-stream' },
  })
}

async function cli(
  paths: string[],
  options: { source?: 'cloudtrail' | 'vpc-flow' } = {},
): Promise<{ code: number; out: string }> {
  const lines: string[] = []
  const code = await ingestPaths(paths, {
    ...options,
    endpointUrl: server.url,
    env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    out: (line) => lines.push(line),
  })
  return { code, out: lines.join('\n') }
}

function stratus(t: TestContext): string | undefined {
  return datasetPath(t, STRATUS)
}

test('POST /_vigil/ingest/cloudtrail: StopLogging is CloudTrailLoggingDisabled, read back with the SDK', async (t) => {
  const dir = stratus(t)
  if (dir === undefined) return
  const { gd, detectorId } = await detectorOf(STOP_ACCOUNT, 'us-east-1')
  const key = `AWSLogs/${STOP_ACCOUNT}/CloudTrail/us-east-1/2024/07/31/${STOP_ACCOUNT}_CloudTrail_us-east-1_20240731T1310Z_stop0000000000a.json.gz`
  const response = await ingestRoute('cloudtrail', gzipSync(rewritten(dir, STOP, 'us-east-1')), {
    name: key,
  })
  assert.equal(response.status, 200, response.text)
  const result = response.json() as unknown as IngestResult
  assert.equal(result.status, 'ingested')
  assert.equal(result.source, 'cloudtrail')
  assert.equal(result.compressed, true)
  assert.equal(result.events, 1)
  assert.equal(result.malformedCount, 0)
  assert.deepEqual(result.summary?.findingsCreated, { [LOGGING]: 1 })
  assert.deepEqual(result.usage, [
    {
      accountId: STOP_ACCOUNT,
      region: 'us-east-1',
      dataSource: 'CLOUD_TRAIL',
      events: 1,
      bytes: result.bytes,
      usd: 0.000004,
    },
  ])

  const findings = await findingsOf(gd, detectorId)
  assert.equal(findings.length, 1)
  const [finding] = findings
  assert.equal(finding?.Type, LOGGING)
  assert.equal(finding?.Severity, 2)
  assert.equal(finding?.AccountId, STOP_ACCOUNT)
  assert.equal(finding?.Region, 'us-east-1')
  assert.equal(finding?.Resource?.ResourceType, 'AccessKey')
  assert.equal(finding?.Resource?.AccessKeyDetails?.UserName, 'christophe')
  assert.equal(finding?.Resource?.AccessKeyDetails?.AccessKeyId, 'AKIAGGWFBBHBE7D3M9WI')
  assert.equal(finding?.Service?.Count, 1)
  assert.equal(finding?.Service?.ResourceRole, 'TARGET')
  assert.equal(finding?.Service?.EventFirstSeen, '2024-07-31T13:06:24.000Z')
  const call = finding?.Service?.Action?.AwsApiCallAction
  assert.equal(call?.Api, 'StopLogging')
  assert.equal(call?.ServiceName, 'cloudtrail.amazonaws.com')
  assert.equal(call?.RemoteIpDetails?.IpAddressV4, '86.245.153.234')
  // The bundled GeoIP/ASN data (DB-IP Lite, RouteViews): an Orange address in France.
  assert.equal(call?.RemoteIpDetails?.Country?.CountryCode, 'FR')
  assert.equal(call?.RemoteIpDetails?.Country?.CountryName, 'France')
  assert.equal(typeof call?.RemoteIpDetails?.GeoLocation?.Lat, 'number')
  assert.equal(call?.RemoteIpDetails?.Organization?.Asn, '3215')
  assert.match(call?.RemoteIpDetails?.Organization?.AsnOrg ?? '', /Orange/)

  const usage = await gd.send(
    new GetUsageStatisticsCommand({
      DetectorId: detectorId,
      UsageStatisticType: 'SUM_BY_DATA_SOURCE',
      UsageCriteria: { DataSources: ['CLOUD_TRAIL', 'FLOW_LOGS'] },
    }),
  )
  assert.deepEqual(usage.UsageStatistics?.SumByDataSource, [
    { DataSource: 'CLOUD_TRAIL', Total: { Amount: '0.000004', Unit: 'USD' } },
    { DataSource: 'FLOW_LOGS', Total: { Amount: '0', Unit: 'USD' } },
  ])
  const byFeature = await gd.send(
    new GetUsageStatisticsCommand({
      DetectorId: detectorId,
      UsageStatisticType: 'SUM_BY_FEATURES',
      UsageCriteria: { Features: ['CLOUD_TRAIL'] },
    }),
  )
  assert.deepEqual(byFeature.UsageStatistics?.SumByFeature, [
    { Feature: 'CLOUD_TRAIL', Total: { Amount: '0.000004', Unit: 'USD' } },
  ])
})

test('vigil ingest (function): a directory, DeleteTrail, coverage, and the ledger the second time', async (t) => {
  const dir = stratus(t)
  if (dir === undefined) return
  const deleted = await detectorOf(DELETE_ACCOUNT, 'eu-west-1')
  const steal = await detectorOf(STEAL_ACCOUNT, 'us-west-2')
  const folder = join(work, 'trails')
  mkdirSync(folder)
  writeFileSync(join(folder, DELETE), rewritten(dir, DELETE, 'eu-west-1'))
  writeFileSync(join(folder, STEAL), rewritten(dir, STEAL, 'us-west-2'))
  writeFileSync(join(folder, 'NOTICE'), 'not a log\n')

  const first = await cli([folder])
  assert.equal(first.code, 0, first.out)
  assert.match(
    first.out,
    /cloudtrail-delete\.json: cloudtrail, 1 event \(.*\); 0 malformed; findings created: Stealth:IAMUser\/CloudTrailLoggingDisabled ×1/,
  )
  assert.match(first.out, /ec2-steal-instance-credentials\.json: cloudtrail, 45 events/)
  assert.match(
    first.out,
    /Total: 2 objects ingested, 0 already processed, 0 not logs, 0 failed; 46 events/,
  )

  const findings = await findingsOf(deleted.gd, deleted.detectorId)
  assert.deepEqual(
    findings.map((f) => [
      f.Type,
      f.Severity,
      f.Service?.Count,
      f.Service?.Action?.AwsApiCallAction?.Api,
    ]),
    [[LOGGING, 2, 1, 'DeleteTrail']],
  )
  assert.match(
    findings[0]?.Service?.Action?.AwsApiCallAction?.AffectedResources?.['AWS::CloudTrail::Trail'] ??
      '',
    /trail\/stratus-red-team-cloudtraild-trail-kvrwohmiai$/,
  )
  // The instance whose role credentials the technique used is covered.
  const coverage = await steal.gd.send(new ListCoverageCommand({ DetectorId: steal.detectorId }))
  assert.deepEqual(
    coverage.Resources?.map((r) => [
      r.ResourceId,
      r.ResourceDetails?.ResourceType,
      r.CoverageStatus,
    ]),
    [['i-786a3A8B5C0d92eF4', 'EC2', 'HEALTHY']],
  )
  assert.equal(
    (await findingsOf(steal.gd, steal.detectorId)).length,
    0,
    'no exfiltration finding without ip-ranges and inventory',
  )

  const second = await cli([folder])
  assert.equal(second.code, 0, second.out)
  assert.match(second.out, /Total: 0 objects ingested, 2 already processed/)
  assert.deepEqual(
    (await findingsOf(deleted.gd, deleted.detectorId)).map((f) => f.Service?.Count),
    [1],
    'nothing was read again',
  )

  // The route answers the same for an identity it knows, without reading the body.
  const body = readFileSync(join(folder, DELETE))
  const { size, mtimeMs } = statSync(join(folder, DELETE))
  const again = await ingestRoute('auto', body, {
    location: `file://${join(folder, DELETE)}`,
    lastModified: String(Math.trunc(mtimeMs)),
  })
  assert.equal(again.status, 200, again.text)
  assert.equal(size, body.byteLength)
  assert.equal((again.json() as unknown as IngestResult).status, 'already-processed')
})

test('a wrong --source is an error naming what was seen', async (t) => {
  const dir = stratus(t)
  if (dir === undefined) return
  const file = join(work, 'selectors.json')
  writeFileSync(
    file,
    rewritten(dir, 'aws.defense-evasion.cloudtrail-event-selectors.json', 'us-east-2'),
  )

  const route = await ingestRoute('vpc-flow', readFileSync(file), { name: 'selectors.json' })
  assert.equal(route.status, 400)
  const error = route.json()
  assert.equal(error.reason, 'log-format')
  assert.equal(error.detected, 'cloudtrail')
  assert.match(
    String(error.message),
    /--source vpc-flow was given, but selectors\.json looks like CloudTrail \(cloudtrail\): a JSON array; CloudTrail record/,
  )

  const run = await cli([file], { source: 'vpc-flow' })
  assert.equal(run.code, 2, run.out)
  assert.match(
    run.out,
    /selectors\.json: error: --source vpc-flow was given, but .*selectors\.json looks like CloudTrail/,
  )
  assert.match(run.out, /0 objects ingested, 0 already processed, 0 not logs, 1 failed/)

  const unknown = await ingestRoute('dns', 'version account-id\n', {})
  assert.equal(unknown.status, 400)
  assert.equal(unknown.json().detected, 'vpc-flow')
})

test('malformed records are reported by file:line; the others are read', async () => {
  const file = join(work, 'events.jsonl')
  const record = (id: string, account: string) =>
    JSON.stringify({
      eventVersion: '1.09',
      eventTime: '2026-11-20T10:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'ListUsers',
      awsRegion: 'us-east-1',
      eventID: id,
      recipientAccountId: account,
      sourceIPAddress: '203.0.113.10',
      userIdentity: { type: 'IAMUser', accountId: account, userName: 'bob' },
    })
  writeFileSync(
    file,
    [
      record('m-1', STOP_ACCOUNT),
      '{"eventVersion": "1.09", "eventTime": ',
      record('m-2', NO_DETECTOR_ACCOUNT),
      'plain text',
    ].join('\n'),
  )
  const run = await cli([file])
  assert.equal(run.code, 1, run.out)
  assert.match(run.out, /events\.jsonl: cloudtrail, 2 events \(.*\); 2 malformed; 1 analysed/)
  assert.match(run.out, /events\.jsonl:2: malformed: invalid JSON/)
  assert.match(run.out, /events\.jsonl:4: malformed: not JSON: "plain text"/)
  // The detector-less account's event is skipped and counted.
  assert.match(run.out, /Events not analysed: no-detector ×1/)

  const route = await ingestRoute('auto', readFileSync(file), { name: 'events.jsonl' })
  const result = route.json() as unknown as IngestResult
  assert.deepEqual(
    result.malformed.map((m) => m.line),
    [2, 4],
  )
  assert.equal(result.summary?.skipped.duplicate, 2, 'the command above read both events')
})

test('s3://bucket/prefix: the server reads its own object store, each object once', async (t) => {
  const dir = stratus(t)
  if (dir === undefined) return
  const { gd, detectorId } = await detectorOf(STOP_ACCOUNT, 'ap-south-1')
  const prefix = `AWSLogs/${STOP_ACCOUNT}/CloudTrail/ap-south-1/2024/07/31/`
  await server.objectStore.putObject(
    {
      bucket: 'trail-logs',
      key: `${prefix}${STOP_ACCOUNT}_CloudTrail_ap-south-1_20240731T1310Z_0000000000000001.json.gz`,
    },
    gzipSync(
      JSON.stringify({
        Records: JSON.parse(
          rewritten(dir, STOP, 'ap-south-1').replaceAll('copy-', 's3-'),
        ) as unknown[],
      }),
    ),
  )
  await server.objectStore.putObject(
    { bucket: 'trail-logs', key: `${prefix}README.md` },
    'not a log',
  )
  const first = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/ingest',
    query: { location: 's3://trail-logs/AWSLogs/' },
    service: 'vigil',
  })
  assert.equal(first.status, 200, first.text)
  const result = first.json() as unknown as LocationResult
  assert.equal(result.objects.length, 1)
  assert.equal(result.objects[0]?.location?.startsWith('s3://trail-logs/AWSLogs/'), true)
  assert.deepEqual(result.objects[0]?.summary?.findingsCreated, { [LOGGING]: 1 })
  assert.deepEqual(result.failed, [])
  assert.equal((await findingsOf(gd, detectorId)).length, 1)

  const again = await cli(['s3://trail-logs/AWSLogs/'])
  assert.equal(again.code, 0, again.out)
  assert.match(again.out, /Total: 0 objects ingested, 1 already processed/)

  const bad = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/ingest',
    query: { location: '/etc' },
    service: 'vigil',
  })
  assert.equal(bad.status, 400)
  assert.equal(bad.json().reason, 'request')
})

test('node bin/vigil.js ingest over the Stratus Red Team folder', async (t) => {
  const dir = stratus(t)
  if (dir === undefined) return
  // Detectors of the dataset's anonymised scopes, written beside the server (SigV4 refuses the
  // anonymised Region names, so the SDK cannot create them).
  const scopes = [
    { accountId: STOP_ACCOUNT, region: 'apiso-centralnorth-2r' },
    { accountId: DELETE_ACCOUNT, region: 'megov-westwest-1r' },
  ]
  const side = openSqliteStorage({
    path: join(dataDir, 'vigil.db'),
    findingAttributes: guardDutyFindingAttributes,
  })
  try {
    for (const scope of scopes) {
      await side.detectors.insert(newDetectorRecord(scope, Date.now(), { enable: true }))
    }
  } finally {
    side.close()
  }
  const path = relative(ROOT, dir)
  const { code, stdout, stderr } = await new Promise<{
    code: number
    stdout: string
    stderr: string
  }>((done) => {
    execFile(
      process.execPath,
      ['bin/vigil.js', 'ingest', path, '--endpoint-url', server.url],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
        timeout: 120_000,
      },
      (error, out, err) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
    )
  })
  assert.equal(code, 0, `${stdout}\n${stderr}`)
  assert.match(
    stdout,
    /Total: 35 objects ingested, 0 already processed, 0 not logs, 0 failed; 310 events/,
  )
  assert.match(stdout, /Events not analysed: no-detector ×308/)
  assert.match(
    stdout,
    /Findings created: Stealth:IAMUser\/CloudTrailLoggingDisabled ×2; updated: none/,
  )
  assert.match(stdout, /cloudtrail-event-selectors\.json: cloudtrail, 1 event .*0 analysed/)
  assert.doesNotMatch(stdout, /LICENSE|NOTICE/, 'licence files are passed over')

  for (const scope of scopes) {
    const { findings } = await server.guardDutyFindings.query({
      scopes: [scope],
      filter: criteria.and([]),
      sort: { attribute: 'updatedAt', order: 'DESC' },
      limit: 10,
    })
    assert.deepEqual(
      findings.map((f) => [f.finding.type, f.finding.severity]),
      [[LOGGING, 2]],
      scope.region,
    )
  }
})

test('an object over maxIngestBodyBytes is a 413 naming the limit', async () => {
  const small = await startTestServer({ maxIngestBodyBytes: 4096, geoIp: 'off' })
  try {
    const file = join(work, 'big.jsonl')
    writeFileSync(file, `${'{"eventVersion":"1.09"}\n'.repeat(400)}`)
    const lines: string[] = []
    const code = await ingestPaths([file], {
      endpointUrl: small.url,
      env: {},
      out: (line) => lines.push(line),
    })
    assert.equal(code, 2)
    assert.match(
      lines.join('\n'),
      /big\.jsonl: error: The request body exceeds the limit of 4096 bytes \(the server's limit for one log object: VIGIL_MAX_INGEST_BODY_BYTES\)/,
    )
  } finally {
    await small.close()
  }
})
