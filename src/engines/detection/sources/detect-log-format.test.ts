import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { checkSourceHint, detectLogFormat, sniffLogText } from './detect-log-format.js'
import { parseFlowLogFormat } from './flow-log-fields.js'
import { LogFormatError } from './log-source.js'

const TRAIL = {
  eventVersion: '1.10',
  eventTime: '2024-07-31T13:06:24Z',
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  awsRegion: 'us-east-1',
}
const EVENT = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  auditID: 'a',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces',
  verb: 'create',
  user: { username: 'system:anonymous' },
}
const QUERY = {
  version: '1.100000',
  query_timestamp: '2021-02-04T17:51:55Z',
  query_name: 'example.com.',
  query_type: 'A',
  rcode: 'NOERROR',
}
const FLOW_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
const FLOW_LINE =
  '2 123456789012 eni-0a1b2c3d4e5f60001 172.16.1.11 10.0.2.2 40000 22 6 1 60 1664465364 1664465365 REJECT OK'

test('each source is recognised from its first record, whatever the wrapping', () => {
  const cases: [string, string | undefined, RegExp][] = [
    [
      JSON.stringify({ Records: [TRAIL] }),
      'cloudtrail',
      /CloudTrail \{"Records": \[\.\.\.\]\} object; CloudTrail record/,
    ],
    [
      JSON.stringify([TRAIL, TRAIL], null, 2),
      'cloudtrail',
      /^a JSON array; CloudTrail record \(eventVersion 1\.10/,
    ],
    [
      `${JSON.stringify(TRAIL)}\n${JSON.stringify(TRAIL)}\n`,
      'cloudtrail',
      /^JSON lines; CloudTrail record/,
    ],
    [JSON.stringify(TRAIL, null, 2), 'cloudtrail', /^a JSON document; CloudTrail record/],
    [
      `${JSON.stringify(EVENT)}\n`,
      'k8s-audit',
      /Kubernetes audit Event \(apiVersion audit\.k8s\.io\/v1, verb create\)/,
    ],
    [`${JSON.stringify({ ...EVENT, apiVersion: undefined })}\n`, 'k8s-audit', /no apiVersion/],
    [
      `2024-05-01T10:00:00.000Z ${JSON.stringify(EVENT)}\n`,
      'k8s-audit',
      /^CloudWatch Logs export lines/,
    ],
    [
      JSON.stringify({ kind: 'EventList', items: [EVENT] }),
      'k8s-audit',
      /EventList; Kubernetes audit Event/,
    ],
    [
      `${JSON.stringify(QUERY)}\n`,
      'dns',
      /Route 53 Resolver query record \(query_name example\.com\./,
    ],
    [
      `${FLOW_HEADER}\n${FLOW_LINE}\n`,
      'vpc-flow',
      /^VPC flow log header line \(14 fields, default format\)$/,
    ],
    [`${FLOW_LINE}\n`, 'vpc-flow', /without header \(14 fields, the default format\)/],
  ]
  for (const [text, source, seen] of cases) {
    const found = detectLogFormat(text)
    assert.equal(found.source, source, text.slice(0, 80))
    assert.match(found.seen, seen)
  }
})

test('unknown content says what it is', () => {
  assert.deepEqual(detectLogFormat('{"kind": 0}'), {
    source: undefined,
    seen: 'JSON lines; a JSON object {"kind":0}, not a known log record',
  })
  assert.match(detectLogFormat('a b c\n').seen, /^a text line of 3 fields "a b c"$/)
  assert.equal(detectLogFormat('').seen, 'no content')
  assert.equal(
    detectLogFormat(Buffer.from([0, 1, 2, 3, 0, 0, 255, 254])).seen,
    'binary data, not text',
  )
  assert.match(detectLogFormat(Buffer.from('PAR1....')).seen, /Parquet/)
  assert.match(detectLogFormat('[]').seen, /a JSON array with no records/)
})

test('a malformed first record does not hide a recognisable object', () => {
  const found = detectLogFormat(`{"kind": 0}\n${JSON.stringify(EVENT)}\n`)
  assert.equal(found.source, 'k8s-audit')
  assert.match(found.seen, /on line 2 of the sample/)
})

test('gzip samples are inflated as far as they go (a prefix is enough)', () => {
  const lines = Array.from({ length: 2000 }, () => FLOW_LINE)
  const gz = gzipSync(`${FLOW_HEADER}\n${lines.join('\n')}\n`)
  const found = detectLogFormat(gz.subarray(0, 200))
  assert.equal(found.source, 'vpc-flow')
  assert.match(found.seen, /^gzip-compressed VPC flow log header line/)
})

test('a JSON array sample cut mid-record still classifies by its first complete record', () => {
  const text = JSON.stringify([TRAIL, TRAIL, TRAIL], null, 3)
  const cut = text.slice(0, text.lastIndexOf('"eventName"'))
  assert.equal(detectLogFormat(cut).source, 'cloudtrail')
})

test('header-less flow lines in a configured custom format', () => {
  const layout = parseFlowLogFormat('${srcaddr} ${dstaddr} ${dstport} ${action}')
  assert.equal(detectLogFormat('10.0.0.1 10.0.0.2 22 REJECT\n').source, undefined)
  const found = detectLogFormat('10.0.0.1 10.0.0.2 22 REJECT\n', { flowLogFormat: layout })
  assert.equal(found.source, 'vpc-flow')
  assert.match(found.seen, /the configured format/)
})

test('shapes: JSON lines, documents, text lines', () => {
  assert.equal(sniffLogText(`${JSON.stringify(EVENT)}\n`).shape, 'json-lines')
  assert.equal(sniffLogText(JSON.stringify([EVENT])).shape, 'json-document')
  assert.equal(sniffLogText(JSON.stringify({ Records: [TRAIL] }, null, 1)).shape, 'json-document')
  assert.equal(sniffLogText(`${FLOW_HEADER}\n`).shape, 'text-lines')
  assert.equal(sniffLogText(`${FLOW_HEADER}\n`).flowHeader?.isDefault, true)
})

test('checkSourceHint: a matching or unrecognised detection passes, another source throws', () => {
  const trail = detectLogFormat(JSON.stringify({ Records: [TRAIL] }))
  checkSourceHint('cloudtrail', trail)
  checkSourceHint('dns', detectLogFormat('{"kind": 0}'))
  assert.throws(
    () => checkSourceHint('dns', trail, 's3://b/AWSLogs/1/CloudTrail/x.json.gz'),
    (error: unknown) => {
      assert.ok(error instanceof LogFormatError)
      assert.equal(
        error.message,
        `--source dns was given, but s3://b/AWSLogs/1/CloudTrail/x.json.gz looks like CloudTrail (cloudtrail): ${trail.seen}`,
      )
      assert.equal(error.seen, trail.seen)
      return true
    },
  )
})

test('an already parsed record or wrapper can be classified too', () => {
  assert.equal(detectLogFormat(TRAIL).source, 'cloudtrail')
  assert.equal(detectLogFormat({ Records: [TRAIL] }).source, 'cloudtrail')
  assert.equal(detectLogFormat(EVENT).source, 'k8s-audit')
  assert.equal(detectLogFormat(QUERY).source, 'dns')
  assert.deepEqual(detectLogFormat({ kind: 0 }), {
    source: undefined,
    seen: 'a JSON object {"kind":0}, not a known log record',
  })
})
