import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseFindingExport } from './finding-import.js'

const finding = (id: string, title = 'plain') => ({
  accountId: '111122223333',
  arn: `arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/${id}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  id,
  region: 'us-east-1',
  resource: { resourceType: 'Instance' },
  schemaVersion: '2.0',
  severity: 5,
  type: 'Recon:EC2/Portscan',
  updatedAt: '2026-01-01T00:00:00.000Z',
  title,
})

test('line numbers survive braces, brackets and escaped quotes inside strings', () => {
  const text = [
    '[',
    JSON.stringify(finding('a', 'tricky {[ "\\" ]} title')),
    ',',
    '{"id": "b"},',
    JSON.stringify(finding('c')),
    ']',
  ].join('\n')
  const parsed = parseFindingExport(text)
  assert.equal(parsed.form, 'JSON findings')
  assert.deepEqual(
    parsed.findings.map((f) => [f.line, f.finding.id]),
    [
      [2, 'a'],
      [5, 'c'],
    ],
  )
  assert.deepEqual(
    parsed.problems.map((p) => p.line),
    [4],
  )
})

test('events of another detail-type and non-objects are problems; member-name form is accepted', () => {
  const text = [
    JSON.stringify({ 'detail-type': 'Inspector2 Finding', source: 'aws.inspector2', detail: {} }),
    '42',
    JSON.stringify({
      Id: 'x',
      AccountId: '1',
      Arn: 'a',
      CreatedAt: 'c',
      Region: 'r',
      Resource: {},
      SchemaVersion: '2.0',
      Severity: 2,
      Type: 't',
      UpdatedAt: 'u',
    }),
  ].join('\n')
  const parsed = parseFindingExport(text)
  assert.equal(parsed.form, 'EventBridge events')
  assert.deepEqual(
    parsed.problems.map((p) => [p.line, p.reason.slice(0, 40)]),
    [
      [1, `the event's detail-type is "Inspector2 F`],
      [2, 'the record is not a JSON object'],
    ],
  )
  assert.equal(parsed.findings[0]?.line, 3)
  assert.equal(parsed.findings[0]?.finding.id, 'x')
  assert.equal(parsed.findings[0]?.finding.schemaVersion, '2.0')
})
