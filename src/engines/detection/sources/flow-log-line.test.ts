import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  DEFAULT_FLOW_LOG_FIELDS,
  DEFAULT_FLOW_LOG_LAYOUT,
  FLOW_LOG_FIELD_BY_NAME,
  FLOW_LOG_FIELDS,
  flowLogLayout,
  parseFlowLogFormat,
  readFlowLogHeader,
  type FlowLogRecord,
} from './flow-log-fields.js'
import { FlowLogLineParser } from './flow-log-line.js'

function parse(line: string, parser = new FlowLogLineParser(DEFAULT_FLOW_LOG_LAYOUT)) {
  return parser.parse(line, 0, line.length)
}

test('the field table covers versions 2–10 with camelCase keys and the default order', () => {
  assert.equal(FLOW_LOG_FIELDS.length, 42)
  assert.deepEqual(DEFAULT_FLOW_LOG_FIELDS, [
    'version',
    'account-id',
    'interface-id',
    'srcaddr',
    'dstaddr',
    'srcport',
    'dstport',
    'protocol',
    'packets',
    'bytes',
    'start',
    'end',
    'action',
    'log-status',
  ])
  for (const spec of FLOW_LOG_FIELDS) {
    const camel = spec.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
    assert.equal(spec.key, camel, spec.name)
  }
  assert.equal(FLOW_LOG_FIELD_BY_NAME.get('pkt-src-aws-service')?.version, 5)
  assert.equal(FLOW_LOG_FIELD_BY_NAME.get('ecs-task-id')?.version, 7)
  assert.equal(FLOW_LOG_FIELD_BY_NAME.get('reject-reason')?.version, 8)
  assert.equal(FLOW_LOG_FIELD_BY_NAME.get('resource-id')?.version, 9)
  assert.equal(FLOW_LOG_FIELD_BY_NAME.get('encryption-status')?.kind, 'int')
  assert.equal(FLOW_LOG_FIELD_BY_NAME.get('tcp-flags')?.kind, 'int')
})

test('default line: integers as numbers, dash as absent, words as constants', () => {
  const record = parse('2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA')
  assert.deepEqual(record, {
    version: 2,
    accountId: '123456789010',
    interfaceId: 'eni-1',
    srcaddr: undefined,
    dstaddr: undefined,
    srcport: undefined,
    dstport: undefined,
    protocol: undefined,
    packets: undefined,
    bytes: undefined,
    start: 1431280876,
    end: 1431280934,
    action: undefined,
    logStatus: 'NODATA',
  })
  const ipv6 = parse(
    '2 123456789010 eni-1 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK',
  ) as FlowLogRecord
  assert.equal(ipv6.srcaddr, '2001:db8:1234:a100:8d6e:3477:df66:f105')
  assert.equal(ipv6.bytes, 8855)
  const big = parse('2 1 eni-1 a b 1 2 6 9007199254740991 1 1 1 ACCEPT SKIPDATA') as FlowLogRecord
  assert.equal(big.packets, Number.MAX_SAFE_INTEGER)
  assert.equal(big.logStatus, 'SKIPDATA')
})

test('bad fields are refused with the field number, name and text', () => {
  const cases: [string, string][] = [
    [
      '2 1 eni-1 a b 1 2 6 1 1 1 1 ACCEPTED OK',
      'field 13 (action) "ACCEPTED" is not one of ACCEPT, REJECT, -',
    ],
    [
      '2 1 eni-1 a b 1 2 6 1 1 1 1 ACCEPT FINE',
      'field 14 (log-status) "FINE" is not one of OK, NODATA, SKIPDATA, -',
    ],
    ['2 1 eni-1 a b 1 -2 6 1 1 1 1 ACCEPT OK', 'field 7 (dstport) "-2" is not a number'],
    ['2 1 eni-1 a b 1 2 6 1 1.5 1 1 ACCEPT OK', 'field 10 (bytes) "1.5" is not a number'],
    [
      '2 1 eni-1 a b 1 2 6 99999999999999999999 1 1 1 ACCEPT OK',
      'field 9 (packets) "99999999999999999999" is too large for an exact number',
    ],
    ['2 1 eni-1 a b 1 2 6 1 1 1 1 ACCEPT OK extra', 'has 15 fields, the format has 14'],
    ['2 1 eni-1 a b 1 2 6 1 1 1 1 ACCEPT', 'has 13 fields, the format has 14'],
    ['2 1 eni-1 a  b 2 6 1 1 1 1 ACCEPT OK', 'field 5 (dstaddr) "" is empty'],
    ['', 'has 0 fields, the format has 14'],
  ]
  for (const [line, reason] of cases) assert.equal(parse(line), reason, line)
})

test('a parser keeps working after a refused line, and reuses repeated identifiers', () => {
  const parser = new FlowLogLineParser(DEFAULT_FLOW_LOG_LAYOUT)
  const a = parse(
    '2 123456789012 eni-0a1b2c3d4e5f60001 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK',
    parser,
  )
  assert.equal(typeof parse('garbage', parser), 'string')
  const b = parse(
    '2 123456789012 eni-0a1b2c3d4e5f60001 10.0.0.3 10.0.0.2 1 2 6 1 1 1 1 REJECT OK',
    parser,
  )
  assert.ok(typeof a !== 'string' && typeof b !== 'string')
  assert.equal(b.interfaceId, 'eni-0a1b2c3d4e5f60001')
  assert.equal(b.srcaddr, '10.0.0.3')
  assert.equal(b.action, 'REJECT')
  // Lines inside a larger text are read in place, between the given offsets.
  const text = `xx 2 123456789012 eni-2 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\nnext`
  const inPlace = parser.parse(text, 3, text.indexOf('\n'))
  assert.ok(typeof inPlace !== 'string')
  assert.equal(inPlace.interfaceId, 'eni-2')
  assert.equal(inPlace.logStatus, 'OK')
})

test('custom layouts: any order and subset; unknown columns skipped', () => {
  const layout = parseFlowLogFormat(
    '${tcp-flags} ${flow-direction} ${srcaddr} ${future-field} ${encryption-status}',
  )
  assert.equal(layout.version, 10)
  assert.deepEqual(layout.unknownNames, ['future-field'])
  const parser = new FlowLogLineParser(layout)
  assert.deepEqual(parse('18 ingress 10.0.0.1 whatever 2', parser), {
    tcpFlags: 18,
    flowDirection: 'ingress',
    srcaddr: '10.0.0.1',
    encryptionStatus: 2,
  })
  assert.equal(parse('18 ingress 10.0.0.1 whatever', parser), 'has 4 fields, the format has 5')
})

test('format strings and header lines', () => {
  assert.equal(parseFlowLogFormat(`\${${DEFAULT_FLOW_LOG_FIELDS.join('} ${')}}`).isDefault, true)
  assert.equal(parseFlowLogFormat(DEFAULT_FLOW_LOG_FIELDS.join(' ')).isDefault, true)
  assert.throws(() => parseFlowLogFormat('${version} ${version}'), /appears twice/)
  assert.throws(() => parseFlowLogFormat(''), /at least one field/)
  assert.throws(() => parseFlowLogFormat('${version} $version'), /neither/)
  assert.throws(() => flowLogLayout(['Version']), /not a flow log field name/)
  assert.equal(readFlowLogHeader('version account-id interface-id')?.names.length, 3)
  assert.equal(readFlowLogHeader('vpc-id srcaddr dstaddr new-thing')?.unknownNames[0], 'new-thing')
  assert.equal(readFlowLogHeader('2 123456789012 eni-1 - - - - - - - 1 1 - NODATA'), undefined)
  assert.equal(readFlowLogHeader('vpc-id srcaddr new-thing'), undefined)
  assert.equal(readFlowLogHeader('vpc-0abc subnet-0def'), undefined)
  assert.equal(readFlowLogHeader('hello world'), undefined)
})
