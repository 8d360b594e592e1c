/**
 * The readers against the shared real-data sets (`../shared/datasets/`, see its README): Stratus Red
 * Team CloudTrail detonation logs, the port-scan VPC flow log (plain and gzip) and Falco's
 * Kubernetes audit traces. Expected counts are computed independently of the readers where the data
 * allows it (JSON.parse of the arrays, line counts) and taken from EXPECTED.md otherwise.
 */
import assert from 'node:assert/strict'
import { createReadStream, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import type { LogEntry } from './log-source.js'
import {
  readLogObject,
  type LogObjectReport,
  type ReadLogObjectOptions,
} from './read-log-object.js'
import { parseS3LogKey } from './s3-log-key.js'
import { datasetPath } from './test-datasets.js'

async function readFile(
  path: string,
  options: ReadLogObjectOptions = {},
): Promise<{ entries: LogEntry[]; report: LogObjectReport }> {
  const reader = readLogObject(createReadStream(path), { name: path, ...options })
  const entries: LogEntry[] = []
  for await (const entry of reader) entries.push(entry)
  return { entries, report: reader.report }
}

test('Stratus Red Team: every file parses with as many records as its JSON array holds', async (t) => {
  const dir = datasetPath(t, 'cloudtrail/stratus-red-team')
  if (dir === undefined) return
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'))
  assert.equal(files.length, 35)
  let total = 0
  for (const file of files) {
    const path = join(dir, file)
    const expected: unknown = JSON.parse(readFileSync(path, 'utf8'))
    assert.ok(Array.isArray(expected), `${file} is a JSON array`)
    const { entries, report } = await readFile(path)
    assert.equal(report.source, 'cloudtrail', file)
    assert.equal(report.malformedCount, 0, `${file}: ${JSON.stringify(report.malformed)}`)
    assert.equal(entries.length, expected.length, file)
    entries.forEach((entry, i) => {
      assert.ok(entry.source === 'cloudtrail')
      assert.equal(entry.index, i)
      assert.deepEqual(entry.record, expected[i], `${file} record ${i}`)
    })
    total += entries.length
  }
  assert.equal(total, 310)
})

test('Stratus Red Team: records start on the lines where their objects open', async (t) => {
  const path = datasetPath(
    t,
    'cloudtrail/stratus-red-team/aws.credential-access.ec2-steal-instance-credentials.json',
  )
  if (path === undefined) return
  const openings = readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => (line === '   {' ? [i + 1] : []))
  const { entries } = await readFile(path)
  assert.equal(entries.length, 45)
  assert.deepEqual(
    entries.map((entry) => entry.line),
    openings,
  )
  const stolen = entries.filter(
    (entry) =>
      entry.source === 'cloudtrail' &&
      entry.record.userIdentity?.sessionContext?.ec2RoleDelivery === '1.0' &&
      entry.record.sourceIPAddress === '18.236.253.47',
  )
  assert.ok(stolen.length > 0, 'instance credentials used from outside')
})

const PORTSCAN =
  'flowlogs/portscan/123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20220929T1440Z_0001.log'

for (const suffix of ['', '.gz']) {
  test(`port-scan flow log${suffix}: 5,917 default-format records on the ENI of EXPECTED.md`, async (t) => {
    const path = datasetPath(t, PORTSCAN + suffix)
    if (path === undefined) return
    const { entries, report } = await readFile(path)
    assert.equal(report.compressed, suffix === '.gz')
    assert.equal(report.source, 'vpc-flow')
    assert.equal(report.malformedCount, 0)
    assert.equal(entries.length, 5917)
    let outbound = 0
    let rejects = 0
    let minStart = Infinity
    let maxEnd = -Infinity
    for (const entry of entries) {
      assert.ok(entry.source === 'vpc-flow')
      const record = entry.record
      assert.equal(record.accountId, '123456789012')
      assert.equal(record.interfaceId, 'eni-0a1b2c3d4e5f60001')
      assert.equal(record.version, 2)
      if (record.srcaddr === '172.16.1.11') outbound++
      if (record.action === 'REJECT') rejects++
      minStart = Math.min(minStart, record.start ?? Infinity)
      maxEnd = Math.max(maxEnd, record.end ?? -Infinity)
    }
    assert.equal(outbound, 4333)
    assert.equal(rejects, 2546)
    assert.equal(minStart, 1664462456)
    assert.equal(maxEnd, 1664466328)
    assert.equal(entries[0]?.line, 2)
    assert.equal(entries.at(-1)?.line, 5918)
    const hint = parseS3LogKey(path)
    assert.equal(hint?.source, 'vpc-flow')
    assert.equal(hint?.account, '123456789012')
    assert.equal(hint?.region, 'us-east-1')
    assert.equal(hint?.flowLogId, 'fl-0123456789abcdef0')
    assert.equal(hint?.date, '2022-09-29')
  })
}

test('Falco k8s audit traces: every event read, the malformed {"kind": 0} reported', async (t) => {
  const dir = datasetPath(t, 'k8s-audit/falco')
  if (dir === undefined) return
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'))
  assert.equal(files.length, 47)
  let events = 0
  for (const file of files) {
    const path = join(dir, file)
    const expectedLines = readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((line, i) => (line.trim() === '' ? [] : [i + 1]))
    const { entries, report } = await readFile(path, { hint: 'k8s-audit' })
    if (file === 'fal_01_003.json') {
      assert.equal(entries.length, 0)
      assert.deepEqual(report.malformed, [{ line: 1, reason: 'field kind is 0, not "Event"' }])
      continue
    }
    assert.equal(report.malformedCount, 0, `${file}: ${JSON.stringify(report.malformed)}`)
    assert.deepEqual(
      entries.map((entry) => entry.line),
      expectedLines,
      file,
    )
    for (const entry of entries) {
      assert.ok(entry.source === 'k8s-audit')
      assert.equal(entry.record.kind, 'Event')
    }
    events += entries.length
  }
  assert.equal(events, 51)
})

test('Falco traces are recognised without a hint; the malformed one alone is not', async (t) => {
  const exec = datasetPath(t, 'k8s-audit/falco/exec_pod.json')
  const bad = datasetPath(t, 'k8s-audit/falco/fal_01_003.json')
  if (exec === undefined || bad === undefined) return
  const { entries, report } = await readFile(exec)
  assert.equal(report.source, 'k8s-audit')
  const event = entries[0]
  assert.ok(event?.source === 'k8s-audit')
  assert.equal(event.record.objectRef?.subresource, 'exec')
  assert.equal(event.record.objectRef?.namespace, 'default')
  await assert.rejects(
    readFile(bad),
    /cannot tell which log .*fal_01_003\.json holds: saw JSON lines; a JSON object \{"kind":0\}/,
  )
})

test('GuardDuty tester queries.txt is DNS names, not a log: refused without a hint', async (t) => {
  const path = datasetPath(t, 'guardduty-tester/queries.txt')
  if (path === undefined) return
  await assert.rejects(readFile(path), /cannot tell which log/)
})

test('a missing dataset skips the test outside CI and fails it under CI=true', () => {
  const saved = process.env.CI
  const skipped: string[] = []
  const context = { skip: (message?: string) => void skipped.push(message ?? '') }
  try {
    delete process.env.CI
    assert.equal(datasetPath(context, 'no/such/dataset.json'), undefined)
    assert.match(skipped[0] ?? '', /dataset no\/such\/dataset\.json not found at .*; skipped/)
    process.env.CI = 'true'
    assert.throws(
      () => datasetPath(context, 'no/such/dataset.json'),
      /CI=true: datasets are required/,
    )
    assert.equal(skipped.length, 1)
  } finally {
    if (saved === undefined) delete process.env.CI
    else process.env.CI = saved
  }
})
