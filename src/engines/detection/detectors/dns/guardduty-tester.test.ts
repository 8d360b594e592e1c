/**
 * The DNS detectors against AWS's GuardDuty tester (`../shared/datasets/guardduty-tester/`):
 *
 * - every EC2 DNS test of `definitions.json` (`logSource` `dns`): a query for its indicator
 *   domain, written as a Route 53 Resolver query-log line and read by the real reader, raises
 *   exactly the test's `findingType` (11 tests, 11 types);
 * - `queries.txt` (the names `ec2/DNSDataExfiltration.sh` sends with `dig -f`: 930 lines — `wc -l`
 *   says 929, the last has no newline — 914 distinct, all under `guarddutyc2activityb.com`), sent
 *   by one instance within a minute, raises exactly one
 *   `Trojan:EC2/DNSDataExfiltration` finding — and none of the test-domain types, although the
 *   names share the C&C test domain's registrable domain.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { readLogObject } from '../../sources/index.js'
import { datasetPath } from '../../sources/test-datasets.js'
import { runEntries, TEST_SCOPE } from '../../testing/harness.js'
import { dnsDetectors } from './index.js'

interface Definition {
  readonly resource: string
  readonly findingType: string
  readonly logSource: string
  readonly indicator?: string
}

/** One Resolver query-log line (the JSON Route 53 writes) for `name` at `time`. */
function queryLine(name: string, time: Date, instance: string): string {
  return JSON.stringify({
    version: '1.100000',
    account_id: TEST_SCOPE.accountId,
    region: TEST_SCOPE.region,
    vpc_id: 'vpc-0a1b2c3d4e5f60001',
    query_timestamp: time.toISOString().replace('.000Z', 'Z'),
    query_name: `${name}.`,
    query_type: 'A',
    query_class: 'IN',
    rcode: 'NXDOMAIN',
    answers: [],
    srcaddr: '10.0.1.25',
    srcport: '53412',
    transport: 'UDP',
    srcids: { instance },
  })
}

/** Reads Resolver lines with the real reader. */
function read(lines: readonly string[]) {
  return readLogObject(Buffer.from(`${lines.join('\n')}\n`), { name: 'resolver.log', hint: 'dns' })
}

test('GuardDuty tester DNS test domains raise their documented types', async (t) => {
  const dir = datasetPath(t, 'guardduty-tester')
  if (dir === undefined) return
  const { definitions } = JSON.parse(readFileSync(join(dir, 'definitions.json'), 'utf8')) as {
    definitions: Definition[]
  }
  const tests = definitions.filter((d) => d.logSource === 'dns' && d.resource === 'ec2')
  assert.equal(tests.length, 11)
  const start = Date.UTC(2026, 10, 20, 10, 0, 0)
  const lines = tests.map((d, i) =>
    queryLine(
      d.indicator ?? '',
      new Date(start + i * 1000),
      `i-0aaaaaaaaaaaaa${String(i).padStart(3, '0')}`,
    ),
  )
  const reader = read(lines)
  const run = await runEntries(dnsDetectors(), reader.batches())
  assert.equal(reader.report.malformedCount, 0)
  assert.deepEqual(run.findings.map((f) => f.type).sort(), tests.map((d) => d.findingType).sort())
  for (const [i, d] of tests.entries()) {
    const finding = run.findings.find((f) => f.type === d.findingType)
    const action = finding?.service.action as { dnsRequestAction: { domain: string } }
    assert.equal(action.dnsRequestAction.domain, d.indicator, d.findingType)
    const resource = finding?.resource as { instanceDetails: { instanceId: string } }
    assert.equal(
      resource.instanceDetails.instanceId,
      `i-0aaaaaaaaaaaaa${String(i).padStart(3, '0')}`,
    )
  }
})

test('GuardDuty tester queries.txt raises exactly one DNSDataExfiltration finding', async (t) => {
  const dir = datasetPath(t, 'guardduty-tester')
  if (dir === undefined) return
  const names = readFileSync(join(dir, 'queries.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
  assert.equal(names.length, 930)
  assert.equal(new Set(names).size, 914)
  const start = Date.UTC(2026, 10, 20, 10, 0, 0)
  const reader = read(
    names.map((name, i) => queryLine(name, new Date(start + i * 50), 'i-0bbbbbbbbbbbbbbbb')),
  )
  const run = await runEntries(dnsDetectors(), reader.batches())
  assert.equal(reader.report.records, 930)
  assert.deepEqual(run.summary.detectionsByType, { 'Trojan:EC2/DNSDataExfiltration': 1 })
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, 'Trojan:EC2/DNSDataExfiltration')
  assert.equal(finding?.severity, 8)
  const action = finding?.service.action as { dnsRequestAction: { domainWithSuffix: string } }
  assert.equal(action.dnsRequestAction.domainWithSuffix, 'guarddutyc2activityb.com')
})
