/**
 * Import of findings exported from AWS, through the signed `/_vigil/` route and the `vigil findings
 * import` command: a GetFindings response as the AWS CLI prints it, EventBridge "GuardDuty Finding"
 * events, and JSON lines of findings — each with one broken record, reported with its line and skipped
 * while every other record lands with its id and timestamps (read back through the SDK).
 */
import {
  CreateDetectorCommand,
  GetFindingsCommand,
  type Finding,
  type GuardDutyClient,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import { importFindingsFile } from '../../src/cli/findings-import.js'
import {
  guardDutyClient,
  rawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'

let server: TestServer
const dir = mkdtempSync(join(tmpdir(), 'vigil-import-'))
const SOURCE = '970000000001'
let exported: { cli: Finding[]; wire: Record<string, unknown>[] }

before(async () => {
  server = await startTestServer()
  // The "AWS" side: findings made by the aggregator, exported in each form.
  const gd = guardDutyClient(server.url, { accessKeyId: SOURCE })
  const detectorId = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? ''
  const ids: string[] = []
  for (const [i, type] of [
    'Recon:EC2/Portscan',
    'UnauthorizedAccess:EC2/SSHBruteForce',
  ].entries()) {
    const r = await server.findingAggregator.record({
      scope: { accountId: SOURCE, region: 'us-east-1' },
      aggregationKey: type,
      eventTimeMs: Date.parse('2026-10-01T12:00:00Z') + i,
      finding: {
        type,
        severity: 5,
        title: type,
        description: 'exported',
        resource: {
          resourceType: 'Instance',
          instanceDetails: { instanceId: `i-0import${i}`, launchTime: '2026-01-01T00:00:00Z' },
          s3BucketDetails: [{ name: 'b', createdAt: 1767225600 }],
        },
        service: { resourceRole: 'TARGET', action: { actionType: 'NETWORK_CONNECTION' } },
      },
    })
    ids.push(r?.findingId ?? '')
  }
  const cli = (await gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: ids })))
    .Findings as Finding[]
  const wire = (
    await server.guardDutyFindings.getByIds([{ accountId: SOURCE, region: 'us-east-1' }], ids)
  ).map((s) => ({ ...s.finding }))
  exported = { cli, wire }
})
after(async () => {
  await server.close()
})

async function target(account: string): Promise<{ gd: GuardDutyClient; detectorId: string }> {
  const gd = guardDutyClient(server.url, { accessKeyId: account })
  const detectorId = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? ''
  return { gd, detectorId }
}

async function readBack(gd: GuardDutyClient, detectorId: string): Promise<Finding[]> {
  const ids = exported.cli.map((f) => f.Id ?? '')
  const got = await gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: ids }))
  return [...(got.Findings ?? [])].sort((a, b) => String(a.Id).localeCompare(String(b.Id)))
}

function assertSameFindings(got: Finding[], account: string, detectorId: string) {
  const want = [...exported.cli].sort((a, b) => String(a.Id).localeCompare(String(b.Id)))
  assert.equal(got.length, want.length)
  for (const [i, f] of got.entries()) {
    const w = want[i] as Finding
    assert.equal(f.Id, w.Id)
    assert.equal(f.Type, w.Type)
    assert.equal(f.CreatedAt, w.CreatedAt)
    assert.equal(f.UpdatedAt, w.UpdatedAt)
    assert.equal(f.Service?.Count, w.Service?.Count)
    assert.equal(f.Resource?.InstanceDetails?.InstanceId, w.Resource?.InstanceDetails?.InstanceId)
    assert.equal(
      f.Resource?.S3BucketDetails?.[0]?.CreatedAt?.getTime(),
      w.Resource?.S3BucketDetails?.[0]?.CreatedAt?.getTime(),
    )
    assert.equal(f.AccountId, account)
    assert.equal(f.Service?.DetectorId, detectorId)
    assert.match(f.Arn ?? '', new RegExp(`:${account}:detector/${detectorId}/finding/${f.Id}$`))
  }
}

test('a GetFindings response as the AWS CLI prints it, with one broken finding (line reported)', async () => {
  const account = '970000000002'
  const { gd, detectorId } = await target(account)
  const [a, b] = exported.cli
  const broken = { ...a, Id: undefined, Severity: 'high' }
  const text = JSON.stringify({ Findings: [a, broken, b] }, null, 2)
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/guardduty/findings/import',
    query: { detectorId },
    body: text,
    service: 'vigil',
    accessKeyId: account,
  })
  assert.equal(res.status, 200, res.text)
  const body = res.json() as {
    form: string
    imported: number
    problems: { line: number; reason: string }[]
  }
  assert.equal(body.form, 'GetFindings response')
  assert.equal(body.imported, 2)
  assert.equal(body.problems.length, 1)
  // Pretty-printed with two spaces, the Findings elements are the lines that are exactly '    {'.
  const elementLines = text.split('\n').flatMap((line, i) => (line === '    {' ? [i + 1] : []))
  assert.equal(elementLines.length, 3)
  const brokenLine = elementLines[1]
  assert.equal(body.problems[0]?.line, brokenLine)
  assert.match(body.problems[0]?.reason ?? '', /\/id: required member is missing/)
  assert.match(body.problems[0]?.reason ?? '', /\/severity: expected a number/)
  assertSameFindings(await readBack(gd, detectorId), account, detectorId)
})

test('EventBridge events, one per line, with a broken line, through `vigil findings import`', async () => {
  const account = '970000000003'
  const { gd, detectorId } = await target(account)
  const event = (detail: unknown) => ({
    version: '0',
    id: 'e1',
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: SOURCE,
    time: '2026-10-01T12:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  })
  const file = join(dir, 'events.jsonl')
  writeFileSync(
    file,
    [
      JSON.stringify(event(exported.wire[0])),
      '{"detail-type": "GuardDuty Finding", "detail": ',
      JSON.stringify(event(exported.wire[1])),
    ].join('\n'),
  )
  const out: string[] = []
  const status = await importFindingsFile(file, {
    detectorId,
    endpointUrl: server.url,
    env: { AWS_ACCESS_KEY_ID: account, AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' },
    out: (line) => out.push(line),
  })
  assert.equal(status, 1, 'some records were skipped')
  assert.match(out[0] ?? '', /events\.jsonl:2: skipped: not JSON/)
  assert.match(out.at(-1) ?? '', /EventBridge events: imported 2 findings/)
  assertSameFindings(await readBack(gd, detectorId), account, detectorId)
})

test('JSON lines of findings through the vigil command; bad input and unknown detector', async () => {
  const account = '970000000004'
  const { gd, detectorId } = await target(account)
  const file = join(dir, 'findings.jsonl')
  writeFileSync(file, [...exported.wire.map((f) => JSON.stringify(f)), '{"id": 3}', ''].join('\n'))
  const run = promisify(execFile)
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: account,
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  }
  const cli = [
    'bin/vigil.js',
    'findings',
    'import',
    file,
    '--detector-id',
    detectorId,
    '--endpoint-url',
    server.url,
  ]
  const failed = await run('node', cli, { env }).then(
    () => assert.fail('a skipped record makes the exit status 1'),
    (error: { code: number; stdout: string }) => error,
  )
  assert.equal(failed.code, 1)
  assert.match(
    failed.stdout,
    /findings\.jsonl:3: skipped: not a GuardDuty finding: \/accountId: required member is missing/,
  )
  assert.match(failed.stdout, /JSON lines: imported 2 findings/)
  assertSameFindings(await readBack(gd, detectorId), account, detectorId)

  const unknown = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/guardduty/findings/import',
    query: { detectorId: 'nope' },
    body: JSON.stringify(exported.wire[0]),
    service: 'vigil',
    accessKeyId: account,
  })
  assert.equal(unknown.status, 400)
  assert.match(String(unknown.json().message), /No detector nope/)
  const nothing = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/guardduty/findings/import',
    query: { detectorId },
    body: 'not json at all',
    service: 'vigil',
    accessKeyId: account,
  })
  assert.equal(nothing.status, 400)
  assert.match(String(nothing.json().message), /no valid GuardDuty finding/)
  const unsigned = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/guardduty/findings/import',
    query: { detectorId },
    body: '{}',
    unsigned: true,
  })
  assert.equal(unsigned.status, 403)
  const wrongService = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/guardduty/findings/import',
    query: { detectorId },
    body: '{}',
    service: 'guardduty',
    accessKeyId: account,
  })
  assert.equal(wrongService.status, 400)
  const wrongMethod = await rawRequest(server.url, {
    method: 'GET',
    path: '/_vigil/guardduty/findings/import',
    service: 'vigil',
  })
  assert.equal(wrongMethod.status, 405)
})
