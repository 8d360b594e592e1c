import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ipv4ToUint32,
  normalizeDomain,
  readIpv4Range,
  readThreatListEntry,
  REJECTION,
} from './read-threat-list-entry.js'

test('addresses are strict dotted quads, normalized', () => {
  assert.deepEqual(readThreatListEntry(' 8.8.8.8 ', 'any', false), { kind: 'ip', value: '8.8.8.8' })
  for (const text of ['010.1.1.1', '8.8.8', '8.8.8.8.8', '256.1.1.1', '3232235777']) {
    assert.deepEqual(
      readThreatListEntry(text, 'address', false),
      { kind: 'rejected', reason: 'invalid IPv4 address' },
      text,
    )
  }
  assert.deepEqual(readThreatListEntry('0x08.8.8.8', 'address', false), {
    kind: 'rejected',
    reason: 'not an IPv4 address or CIDR',
  })
})

test('only publicly routable addresses are accepted, naming the ipaddr.js range', () => {
  const cases: [string, string][] = [
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['240.0.0.1', 'reserved'],
  ]
  for (const [text, range] of cases) {
    assert.deepEqual(
      readThreatListEntry(text, 'any', true),
      { kind: 'rejected', reason: `not publicly routable (${range})` },
      text,
    )
  }
  assert.equal(readThreatListEntry('172.32.0.1', 'any', true).kind, 'ip')
})

test('CIDRs are normalized to the network address; /32 is an address', () => {
  assert.deepEqual(readThreatListEntry('185.220.101.77/24', 'any', false), {
    kind: 'cidr',
    value: '185.220.101.0/24',
  })
  assert.deepEqual(readThreatListEntry('45.33.32.156/32', 'any', false), {
    kind: 'ip',
    value: '45.33.32.156',
  })
  for (const text of ['1.2.3.0/33', '1.2.3/24', '1.2.3.0/', '1.2.3.0/x']) {
    assert.deepEqual(
      readThreatListEntry(text, 'any', false),
      { kind: 'rejected', reason: 'invalid IPv4 CIDR' },
      text,
    )
  }
})

test('a CIDR must not reach into non-public space', () => {
  assert.deepEqual(readThreatListEntry('10.0.0.0/8', 'any', false), {
    kind: 'rejected',
    reason: 'not publicly routable (private)',
  })
  assert.deepEqual(readThreatListEntry('8.0.0.0/5', 'any', false), {
    kind: 'rejected',
    reason: 'includes the private range 10.0.0.0/8',
  })
  assert.deepEqual(readThreatListEntry('100.0.0.0/8', 'any', false), {
    kind: 'rejected',
    reason: 'includes the carrierGradeNat range 100.64.0.0/10',
  })
  assert.equal(readThreatListEntry('0.0.0.0/0', 'any', false).kind, 'rejected')
  assert.equal(readThreatListEntry('11.0.0.0/8', 'any', false).kind, 'cidr')
  assert.equal(readThreatListEntry('100.128.0.0/9', 'any', false).kind, 'cidr')
})

test('IPv6 is refused with its own reason', () => {
  for (const text of ['2001:db8::1', '::ffff:8.8.8.8', '2a00:1450::/32']) {
    assert.deepEqual(
      readThreatListEntry(text, 'any', true),
      { kind: 'rejected', reason: REJECTION.ipv6 },
      text,
    )
  }
})

test('domains: accepted only when allowed, normalized, wildcards kept', () => {
  assert.deepEqual(readThreatListEntry('Evil.Example.COM.', 'any', true), {
    kind: 'domain',
    value: 'evil.example.com',
  })
  assert.deepEqual(readThreatListEntry('*.Example.org', 'domain', true), {
    kind: 'domain',
    value: '*.example.org',
  })
  assert.deepEqual(readThreatListEntry('evil.example.com', 'any', false), {
    kind: 'rejected',
    reason: REJECTION.domainNotAllowed,
  })
  assert.deepEqual(readThreatListEntry('evil.example.com', 'address', true), {
    kind: 'rejected',
    reason: 'not an IPv4 address or CIDR',
  })
  assert.deepEqual(readThreatListEntry('8.8.8.8', 'domain', true), {
    kind: 'rejected',
    reason: 'not a valid domain name',
  })
})

test('normalizeDomain: plausible hostnames only', () => {
  assert.equal(normalizeDomain('a-b.c0.example.NET.'), 'a-b.c0.example.net')
  assert.equal(normalizeDomain(`${'a'.repeat(63)}.com`), `${'a'.repeat(63)}.com`)
  const long = `${'abcdefghi.'.repeat(25)}com` // 253 characters
  assert.equal(long.length, 253)
  assert.equal(normalizeDomain(long), long)
  for (const text of [
    '',
    'localhost',
    '*.com',
    '*',
    'a..example.com',
    `${'a'.repeat(64)}.com`,
    `x${long}`,
    'under_score.example.com',
    'space here.example.com',
    'a.*.example.com',
    '300.1.2.3',
    'bücher.de',
  ]) {
    assert.equal(normalizeDomain(text), undefined, text)
  }
})

test('ranges become the minimal CIDR cover', () => {
  assert.deepEqual(readIpv4Range('45.33.32.0', '45.33.32.255'), [
    { kind: 'cidr', value: '45.33.32.0/24' },
  ])
  assert.deepEqual(readIpv4Range('1.2.3.5', '1.2.3.5'), [{ kind: 'ip', value: '1.2.3.5' }])
  assert.deepEqual(readIpv4Range('1.2.3.5', '1.2.3.20'), [
    { kind: 'ip', value: '1.2.3.5' },
    { kind: 'cidr', value: '1.2.3.6/31' },
    { kind: 'cidr', value: '1.2.3.8/29' },
    { kind: 'cidr', value: '1.2.3.16/30' },
    { kind: 'ip', value: '1.2.3.20' },
  ])
  assert.deepEqual(readIpv4Range('11.0.0.0', '12.255.255.255'), [
    { kind: 'cidr', value: '11.0.0.0/8' },
    { kind: 'cidr', value: '12.0.0.0/8' },
  ])
  assert.deepEqual(readIpv4Range('1.2.3.9', '1.2.3.8'), [
    { kind: 'rejected', reason: 'range start is above range end' },
  ])
  assert.deepEqual(readIpv4Range('1.2.3', '1.2.3.8'), [
    { kind: 'rejected', reason: 'range ends are not both IPv4 addresses' },
  ])
  // The whole space ends in 255.255.255.255 without overflowing.
  const all = readIpv4Range('0.0.0.0', '255.255.255.255')
  assert.deepEqual(all, [
    {
      kind: 'rejected',
      reason: 'block 0.0.0.0/0 of the range: not publicly routable (unspecified)',
    },
  ])
})

test('ipv4ToUint32 covers the whole unsigned range', () => {
  assert.equal(ipv4ToUint32('0.0.0.0'), 0)
  assert.equal(ipv4ToUint32('1.2.3.4'), 0x01020304)
  assert.equal(ipv4ToUint32('255.255.255.255'), 0xffffffff)
  assert.equal(ipv4ToUint32('128.0.0.0'), 0x80000000)
  assert.equal(ipv4ToUint32('1.2.3.4/32'), undefined)
})
