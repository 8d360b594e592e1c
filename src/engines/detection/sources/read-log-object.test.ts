import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { LogFormatError, type LogEntry, type LogSource } from './log-source.js'
import {
  readLogObject,
  type LogObjectReport,
  type ReadLogObjectOptions,
} from './read-log-object.js'

interface Read {
  readonly entries: LogEntry[]
  readonly report: LogObjectReport
}

/** Reads a whole object; `chunkBytes` feeds it as a stream of that many bytes per chunk. */
async function read(
  content: string | Buffer,
  options: ReadLogObjectOptions = {},
  chunkBytes?: number,
): Promise<Read> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  let input: Readable | Buffer = bytes
  if (chunkBytes !== undefined) {
    const chunks: Buffer[] = []
    for (let i = 0; i < bytes.length; i += chunkBytes)
      chunks.push(bytes.subarray(i, i + chunkBytes))
    input = Readable.from(chunks)
  }
  const reader = readLogObject(input, options)
  const entries: LogEntry[] = []
  for await (const entry of reader) entries.push(entry)
  assert.equal(reader.report.done, true)
  return { entries, report: reader.report }
}

async function rejects(
  content: string | Buffer,
  options: ReadLogObjectOptions,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(read(content, options), (error: unknown) => {
    assert.ok(error instanceof Error, String(error))
    assert.match(error.message, pattern)
    return true
  })
}

function lines(entries: readonly LogEntry[]): number[] {
  return entries.map((entry) => entry.line)
}

function sources(entries: readonly LogEntry[]): LogSource[] {
  return [...new Set(entries.map((entry) => entry.source))]
}

// --- VPC Flow Logs --------------------------------------------------------------------------

const V2_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
const V2_LINES = [
  '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK',
  '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK',
  '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA',
]

test('flow log with the default header: records typed, `-` absent, header not a record', async () => {
  const { entries, report } = await read([V2_HEADER, ...V2_LINES, ''].join('\n'))
  assert.equal(report.source, 'vpc-flow')
  assert.deepEqual(lines(entries), [2, 3, 4])
  assert.deepEqual(entries[0], {
    source: 'vpc-flow',
    line: 2,
    record: {
      version: 2,
      accountId: '123456789010',
      interfaceId: 'eni-1235b8ca123456789',
      srcaddr: '172.31.16.139',
      dstaddr: '172.31.16.21',
      srcport: 20641,
      dstport: 22,
      protocol: 6,
      packets: 20,
      bytes: 4249,
      start: 1418530010,
      end: 1418530070,
      action: 'ACCEPT',
      logStatus: 'OK',
    },
  })
  const nodata = entries[2]?.record
  assert.ok(nodata !== undefined && entries[2]?.source === 'vpc-flow')
  assert.equal(entries[2].record.srcaddr, undefined)
  assert.equal(entries[2].record.action, undefined)
  assert.equal(entries[2].record.logStatus, 'NODATA')
  assert.equal(report.malformedCount, 0)
  assert.deepEqual(report.flowFields, V2_HEADER.split(' '))
})

test('flow log: malformed lines are reported by line and the records around them kept', async () => {
  const content = [
    V2_HEADER,
    V2_LINES[0],
    '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 x22 6 20 4249 1418530010 1418530070 REJECT OK',
    '',
    V2_LINES[1],
    '2 123456789010 eni-1 1.1.1.1 2.2.2.2 1 2 6 1 1 1418530010 1418530070 DROP OK',
    '2 123456789010 eni-1 1.1.1.1 2.2.2.2 1 2 6 1 1 1418530010',
    V2_LINES[2],
  ].join('\n')
  const { entries, report } = await read(content)
  assert.deepEqual(lines(entries), [2, 5, 8])
  assert.equal(report.malformedCount, 3)
  assert.deepEqual(report.malformed, [
    { line: 3, reason: 'field 7 (dstport) "x22" is not a number' },
    { line: 6, reason: 'field 13 (action) "DROP" is not one of ACCEPT, REJECT, -' },
    { line: 7, reason: 'has 11 fields, the format has 14' },
  ])
})

test('flow log with a custom header of v5 fields, in its own order', async () => {
  const header =
    'version interface-id account-id vpc-id subnet-id instance-id srcaddr dstaddr srcport dstport protocol tcp-flags type pkt-srcaddr pkt-dstaddr action log-status region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path start end packets bytes'
  const record =
    '5 eni-0a1b2c3d4e5f60001 123456789012 vpc-0abc subnet-0def i-0123456789abcdef0 10.0.1.5 52.94.0.10 44321 443 6 19 IPv4 10.0.1.5 52.94.0.10 ACCEPT OK us-east-1 use1-az2 - AMAZON egress 2 1700000000 1700000060 12 3456'
  const scan =
    '5 eni-0a1b2c3d4e5f60001 123456789012 vpc-0abc subnet-0def - 203.0.113.9 10.0.1.5 5555 22 6 2 IPv4 203.0.113.9 10.0.1.5 REJECT OK us-east-1 use1-az2 - - ingress - 1700000001 1700000001 1 40'
  const { entries, report } = await read(`${header}\n${record}\n${scan}\n`)
  assert.equal(report.malformedCount, 0)
  assert.equal(report.seen, 'VPC flow log header line (27 fields, custom format, version 5)')
  assert.deepEqual(entries[0]?.record, {
    version: 5,
    interfaceId: 'eni-0a1b2c3d4e5f60001',
    accountId: '123456789012',
    vpcId: 'vpc-0abc',
    subnetId: 'subnet-0def',
    instanceId: 'i-0123456789abcdef0',
    srcaddr: '10.0.1.5',
    dstaddr: '52.94.0.10',
    srcport: 44321,
    dstport: 443,
    protocol: 6,
    tcpFlags: 19,
    type: 'IPv4',
    pktSrcaddr: '10.0.1.5',
    pktDstaddr: '52.94.0.10',
    action: 'ACCEPT',
    logStatus: 'OK',
    region: 'us-east-1',
    azId: 'use1-az2',
    pktSrcAwsService: undefined,
    pktDstAwsService: 'AMAZON',
    flowDirection: 'egress',
    trafficPath: 2,
    start: 1700000000,
    end: 1700000060,
    packets: 12,
    bytes: 3456,
  })
  const second = entries[1]
  assert.ok(second?.source === 'vpc-flow')
  assert.equal(second.record.tcpFlags, 2)
  assert.equal(second.record.instanceId, undefined)
  assert.equal(second.record.trafficPath, undefined)
  assert.equal(second.line, 3)
})

test('flow log without header: configured LogFormat, default format, refusal otherwise', async () => {
  const custom = '${srcaddr} ${dstaddr} ${dstport} ${action}'
  const body = '10.0.0.1 10.0.0.2 22 REJECT\n10.0.0.1 10.0.0.3 23 ACCEPT\n'
  const configured = await read(body, { flowLogFormat: custom })
  assert.deepEqual(
    configured.entries.map((entry) => entry.record),
    [
      { srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', dstport: 22, action: 'REJECT' },
      { srcaddr: '10.0.0.1', dstaddr: '10.0.0.3', dstport: 23, action: 'ACCEPT' },
    ],
  )
  const defaults = await read(`${V2_LINES.join('\n')}\n`)
  assert.equal(defaults.entries.length, 3)
  assert.deepEqual(lines(defaults.entries), [1, 2, 3])
  // Flow-log vocabulary but not the default layout, and no format given: refused with a hint.
  const odd = Array.from({ length: 25 }, (_, i) => `eni-0abc 10.0.0.${i} ACCEPT OK`).join('\n')
  await rejects(odd, {}, /custom format and no header line: pass the flow log's LogFormat/)
  // Fewer lines than the probe: refused at the end, not read as a pile of malformed records.
  await rejects(
    'eni-0abc 10.0.0.1 ACCEPT OK\neni-0abc 10.0.0.2 REJECT OK\n',
    { name: 'short.log' },
    /^short\.log holds VPC flow log lines in a custom format .*saw 2 lines without a header/,
  )
})

test('flow log: a later header line switches the layout (concatenated objects)', async () => {
  const content = [
    V2_HEADER,
    V2_LINES[0],
    'srcaddr dstaddr action',
    '10.0.0.9 10.0.0.8 REJECT',
    V2_HEADER,
    V2_LINES[1],
  ].join('\n')
  const { entries, report } = await read(content)
  assert.deepEqual(lines(entries), [2, 4, 6])
  assert.deepEqual(entries[1]?.record, {
    srcaddr: '10.0.0.9',
    dstaddr: '10.0.0.8',
    action: 'REJECT',
  })
  assert.equal(report.malformedCount, 0)
  assert.ok(
    report.notes.some((note) => note.includes('line 3')),
    report.notes.join('; '),
  )
})

test('flow log: CRLF line ends, CloudWatch Logs export timestamps, no final line break', async () => {
  const crlf = await read(`${V2_HEADER}\r\n${V2_LINES[0]}\r\n${V2_LINES[1]}`)
  assert.equal(crlf.entries.length, 2)
  assert.equal(crlf.report.malformedCount, 0)
  const exported = V2_LINES.map((line) => `2014-12-14T04:07:50.000Z ${line}`).join('\n')
  const cw = await read(exported)
  assert.equal(cw.entries.length, 3)
  assert.equal(cw.entries[0]?.source, 'vpc-flow')
  assert.match(cw.report.seen ?? '', /CloudWatch Logs export line/)
})

test('gzip is recognised by its magic bytes, from a Buffer and from a stream in odd chunks', async () => {
  const plain = [V2_HEADER, ...V2_LINES].join('\n')
  const gz = gzipSync(plain)
  const fromBuffer = await read(gz, { name: 'no-extension' })
  assert.equal(fromBuffer.report.compressed, true)
  assert.equal(fromBuffer.entries.length, 3)
  const fromStream = await read(gz, {}, 7)
  assert.deepEqual(
    fromStream.entries.map((entry) => entry.record),
    fromBuffer.entries.map((entry) => entry.record),
  )
  // Two gzip members back to back (as when objects are concatenated) are one text.
  const twice = Buffer.concat([
    gzipSync(`${V2_HEADER}\n${V2_LINES[0]}\n`),
    gzipSync(`${V2_LINES[1]}\n`),
  ])
  assert.equal((await read(twice)).entries.length, 2)
  // A name ending in .gz does not make plain text compressed.
  const named = await read(plain, { name: 'x.log.gz' })
  assert.equal(named.report.compressed, false)
  assert.equal(named.entries.length, 3)
})

test('corrupt or truncated gzip is an error naming the object', async () => {
  const gz = gzipSync([V2_HEADER, ...V2_LINES, ...V2_LINES, ...V2_LINES].join('\n'))
  await rejects(gz.subarray(0, gz.length - 12), { name: 'flows.log.gz' }, /flows\.log\.gz.*gzip/)
})

test('Parquet objects are refused as such, other binary data as not text', async () => {
  await rejects(Buffer.from('PAR1\u0000\u0000\u0000'), { name: 'a.parquet' }, /Parquet/)
  const binary = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37) % 256))
  await rejects(binary, { name: 'blob' }, /cannot tell which log blob holds: saw binary data/)
})

// --- CloudTrail -----------------------------------------------------------------------------

function trailRecord(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
      accessKeyId: 'AKIAEXAMPLE',
      userName: 'alice',
    },
    eventTime: '2024-05-01T10:00:00Z',
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: { name: 'trail' },
    responseElements: null,
    eventID: `id-${name}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
    someFutureField: { kept: true },
    ...extra,
  }
}

test('CloudTrail {"Records":[…]} on one line: every record, unknown fields kept, index given', async () => {
  const records = [
    trailRecord('StopLogging'),
    trailRecord('DeleteTrail'),
    trailRecord('CreateTrail'),
  ]
  const { entries, report } = await read(JSON.stringify({ Records: records }))
  assert.equal(report.source, 'cloudtrail')
  assert.equal(report.shape, 'json-lines')
  assert.deepEqual(
    entries.map((entry) => [entry.line, entry.index]),
    [
      [1, 0],
      [1, 1],
      [1, 2],
    ],
  )
  const first = entries[0]
  assert.ok(first?.source === 'cloudtrail')
  assert.equal(first.record.eventName, 'StopLogging')
  assert.equal(first.record.userIdentity?.accessKeyId, 'AKIAEXAMPLE')
  assert.deepEqual(first.record.someFutureField, { kept: true })
})

test('CloudTrail Records object: a bad record is reported by index, the others kept', async () => {
  const records = [
    trailRecord('StopLogging'),
    trailRecord('DeleteTrail', { eventTime: 'yesterday' }),
    trailRecord('CreateTrail', { readOnly: 'false' }),
    { eventVersion: '1.08' },
    trailRecord('UpdateTrail'),
  ]
  const { entries, report } = await read(JSON.stringify({ Records: records }))
  assert.deepEqual(
    entries.map((entry) => entry.index),
    [0, 4],
  )
  assert.deepEqual(report.malformed, [
    { line: 1, index: 1, reason: 'field eventTime is not a timestamp' },
    { line: 1, index: 2, reason: 'field readOnly is a string, not a boolean' },
    { line: 1, index: 3, reason: 'field eventTime is missing' },
  ])
})

test('CloudTrail pretty-printed Records object: records carry the line they start on', async () => {
  const text = JSON.stringify({ Records: [trailRecord('A'), trailRecord('B')] }, null, 2)
  const { entries, report } = await read(text)
  assert.equal(report.shape, 'json-document')
  const expected = text.split('\n').flatMap((line, i) => (line === '    {' ? [i + 1] : []))
  assert.equal(expected.length, 2)
  assert.deepEqual(lines(entries), expected)
})

test('CloudTrail Records object that is truncated: complete records salvaged, the cut one reported', async () => {
  const whole = JSON.stringify({ Records: [trailRecord('A'), trailRecord('B'), trailRecord('C')] })
  const cut = whole.slice(0, whole.indexOf('"eventName":"C"') + 5)
  const { entries, report } = await read(cut)
  assert.deepEqual(
    entries.map((entry) => (entry.source === 'cloudtrail' ? entry.record.eventName : '')),
    ['A', 'B'],
  )
  assert.equal(report.malformedCount, 1)
  assert.equal(report.malformed[0]?.index, 2)
  assert.match(report.malformed[0]?.reason ?? '', /invalid JSON/)
  assert.ok(report.notes.length > 0)
})

test('CloudTrail JSON array (pretty-printed): lines of each record, a broken element reported', async () => {
  const good = JSON.stringify(trailRecord('GetSecretValue'), null, 3)
  const text = `[\n${good},\n{ "eventVersion": "1.08", "eventName": \n},\n${good}\n]\n`
  const { entries, report } = await read(text)
  const goodLines = good.split('\n').length
  assert.deepEqual(lines(entries), [2, 2 + goodLines + 2])
  assert.deepEqual(
    entries.map((entry) => entry.index),
    [0, 2],
  )
  assert.equal(report.malformedCount, 1)
  assert.equal(report.malformed[0]?.line, 2 + goodLines)
  assert.equal(report.malformed[0]?.index, 1)
})

test('CloudTrail JSON lines, streamed in 5-byte chunks with multi-byte characters', async () => {
  const records = ['Ünïcödé', '日本語', 'emoji 🛡️'].map((agent, i) =>
    JSON.stringify(trailRecord(`Call${i}`, { userAgent: agent })),
  )
  const { entries } = await read(`${records.join('\n')}\n`, {}, 5)
  assert.deepEqual(
    entries.map((entry) => (entry.source === 'cloudtrail' ? entry.record.userAgent : '')),
    ['Ünïcödé', '日本語', 'emoji 🛡️'],
  )
  assert.deepEqual(lines(entries), [1, 2, 3])
})

// --- Route 53 Resolver query logs ------------------------------------------------------------

function query(name: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: '1.100000',
    account_id: '111122223333',
    region: 'us-east-1',
    vpc_id: 'vpc-7example',
    query_timestamp: '2021-02-04T17:51:55Z',
    query_name: name,
    query_type: 'A',
    query_class: 'IN',
    rcode: 'NOERROR',
    answers: [{ Rdata: '203.0.113.9', Type: 'A', Class: 'IN' }],
    srcaddr: '10.0.0.5',
    srcport: '56067',
    transport: 'UDP',
    srcids: { instance: 'i-0d15cd0d3example' },
    ...extra,
  })
}

test('Resolver query log JSON lines: records, malformed lines by number', async () => {
  const content = [
    query('example.com.'),
    '{"query_name": "broken.example.",',
    query('guardduty.example.', { srcport: 56067 }),
    'not json at all',
    '',
    query('c2.example.'),
  ].join('\n')
  const { entries, report } = await read(content)
  assert.equal(report.source, 'dns')
  assert.deepEqual(lines(entries), [1, 6])
  const first = entries[0]
  assert.ok(first?.source === 'dns')
  assert.equal(first.record.srcids?.instance, 'i-0d15cd0d3example')
  assert.equal(first.record.answers?.[0]?.Rdata, '203.0.113.9')
  assert.deepEqual(
    report.malformed.map((bad) => bad.line),
    [2, 3, 4],
  )
  assert.match(report.malformed[0]?.reason ?? '', /^invalid JSON/)
  assert.equal(report.malformed[1]?.reason, 'field srcport is a number, not a string')
  assert.match(report.malformed[2]?.reason ?? '', /^not JSON/)
})

// --- Kubernetes audit -------------------------------------------------------------------------

function auditEvent(verb: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${verb}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/kube-system/pods/kube-proxy-x/exec?command=sh',
    verb,
    user: {
      username: 'kubernetes-admin',
      groups: ['system:masters', 'system:authenticated'],
      extra: { arn: ['arn:aws:iam::111122223333:role/admin'] },
    },
    sourceIPs: ['192.0.2.10'],
    userAgent: 'kubectl/v1.29.0',
    objectRef: {
      resource: 'pods',
      namespace: 'kube-system',
      name: 'kube-proxy-x',
      subresource: 'exec',
    },
    responseStatus: { metadata: {}, code: 101 },
    requestReceivedTimestamp: '2024-05-01T10:00:00.000000Z',
    stageTimestamp: '2024-05-01T10:00:00.100000Z',
    annotations: { 'authorization.k8s.io/decision': 'allow' },
    ...extra,
  }
}

test('Kubernetes audit JSON lines: events and a {"kind": 0} record reported', async () => {
  const content = [
    JSON.stringify(auditEvent('create')),
    '{"kind": 0}',
    JSON.stringify(auditEvent('get', { apiVersion: 'v1' })),
    JSON.stringify(auditEvent('delete')),
  ].join('\n')
  const { entries, report } = await read(content)
  assert.equal(report.source, 'k8s-audit')
  assert.deepEqual(lines(entries), [1, 4])
  assert.deepEqual(report.malformed, [
    { line: 2, reason: 'field kind is 0, not "Event"' },
    { line: 3, reason: 'field apiVersion is "v1", not audit.k8s.io/…' },
  ])
  const first = entries[0]
  assert.ok(first?.source === 'k8s-audit')
  assert.equal(first.record.objectRef?.subresource, 'exec')
  assert.deepEqual(first.record.user.extra?.arn, ['arn:aws:iam::111122223333:role/admin'])
})

test('EKS audit logs in CloudWatch Logs forms: export lines, subscription payload, event lines', async () => {
  const events = [auditEvent('create'), auditEvent('get'), auditEvent('list')]
  const exported = events
    .map((event, i) => `2024-05-01T10:00:0${i}.000Z ${JSON.stringify(event)}`)
    .join('\n')
  const fromExport = await read(exported)
  assert.equal(fromExport.report.source, 'k8s-audit')
  assert.equal(fromExport.entries.length, 3)

  const subscription = JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '111122223333',
    logGroup: '/aws/eks/prod/cluster',
    logStream: 'kube-apiserver-audit-0123456789abcdef',
    subscriptionFilters: ['to-vigil'],
    logEvents: events.map((event, i) => ({
      id: String(i),
      timestamp: 1714557600000 + i,
      message: JSON.stringify(event),
    })),
  })
  const control = JSON.stringify({
    messageType: 'CONTROL_MESSAGE',
    logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health' }],
  })
  const fromSubscription = await read(`${subscription}\n${control}\n`)
  assert.deepEqual(
    fromSubscription.entries.map((entry) => [entry.line, entry.index]),
    [
      [1, 0],
      [1, 1],
      [1, 2],
    ],
  )
  assert.equal(fromSubscription.report.malformedCount, 0)

  const eventLines = events
    .map((event) => JSON.stringify({ timestamp: 1714557600000, message: JSON.stringify(event) }))
    .concat([JSON.stringify({ timestamp: 1714557600000, message: 'I0501 klog text' })])
    .join('\n')
  const fromEvents = await read(eventLines, { hint: 'k8s-audit' })
  assert.equal(fromEvents.entries.length, 3)
  assert.deepEqual(fromEvents.report.malformed, [
    { line: 4, reason: 'CloudWatch Logs message is not JSON: "I0501 klog text"' },
  ])

  const list = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: events })
  assert.equal((await read(list)).entries.length, 3)
})

// --- Hints and detection errors ---------------------------------------------------------------

test('a wrong --source hint is an error naming what was seen', async () => {
  await assert.rejects(
    read(JSON.stringify({ Records: [trailRecord('StopLogging')] }), {
      name: 'trail.json',
      hint: 'vpc-flow',
    }),
    (error: unknown) => {
      assert.ok(error instanceof LogFormatError)
      assert.equal(error.detected, 'cloudtrail')
      assert.match(
        error.message,
        /^--source vpc-flow was given, but trail\.json looks like CloudTrail \(cloudtrail\): .*eventName StopLogging/,
      )
      return true
    },
  )
  await rejects(
    [V2_HEADER, ...V2_LINES].join('\n'),
    { hint: 'k8s-audit' },
    /looks like VPC Flow Logs .*header line/,
  )
})

test('unrecognised content without a hint is an error; with a hint it is read record by record', async () => {
  await rejects(
    'hello world\nsecond line\n',
    { name: 'notes.txt' },
    /cannot tell which log notes\.txt holds: saw a text line of 2 fields "hello world"/,
  )
  const hinted = await read('hello world\n', { hint: 'dns' })
  assert.equal(hinted.entries.length, 0)
  assert.deepEqual(hinted.report.malformed, [{ line: 1, reason: 'not JSON: "hello world"' }])
})

test('records of another source inside an object are reported as such', async () => {
  const content = `${JSON.stringify(auditEvent('get'))}\n${JSON.stringify(trailRecord('StopLogging'))}\n`
  const { entries, report } = await read(content)
  assert.deepEqual(sources(entries), ['k8s-audit'])
  assert.match(
    report.malformed[0]?.reason ?? '',
    /not a Kubernetes audit logs record \(looks like CloudTrail\)/,
  )
})

test('an empty object yields nothing and no error', async () => {
  const { entries, report } = await read('')
  assert.equal(entries.length, 0)
  assert.equal(report.shape, 'empty')
})

test('batches() yields per-chunk arrays; a reader can be iterated once only', async () => {
  const many = [V2_HEADER, ...Array.from({ length: 5000 }, () => V2_LINES[0])].join('\n')
  const reader = readLogObject(Buffer.from(many))
  let total = 0
  let batches = 0
  for await (const batch of reader.batches()) {
    total += batch.length
    batches++
  }
  assert.equal(total, 5000)
  assert.ok(batches > 1, `expected several batches, got ${batches}`)
  assert.equal(reader.report.records, 5000)
  await assert.rejects(async () => {
    for await (const _ of reader) void _
  }, /only once/)
})

test('maxReportedMalformed caps the details, not the count', async () => {
  const content = [V2_HEADER, ...Array.from({ length: 50 }, () => 'garbage line here')].join('\n')
  const reader = readLogObject(Buffer.from(content), { maxReportedMalformed: 10 })
  for await (const _ of reader) void _
  assert.equal(reader.report.malformedCount, 50)
  assert.equal(reader.report.malformed.length, 10)
})

test('breaking out of the iteration early stops reading and releases the stream', async () => {
  const body = [V2_HEADER, ...Array.from({ length: 20000 }, () => V2_LINES[0])].join('\n')
  for (const input of [Buffer.from(body), gzipSync(body)]) {
    const stream = Readable.from([input.subarray(0, 1000), input.subarray(1000)])
    const reader = readLogObject(stream)
    let seen = 0
    for await (const entry of reader) {
      assert.equal(entry.source, 'vpc-flow')
      if (++seen === 10) break
    }
    assert.equal(seen, 10)
    assert.equal(reader.report.done, false)
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(stream.destroyed, true)
  }
})
