/** Classifying address strings from logs: IPv4/IPv6, canonical text, anonymised forms, networks. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressRange, isPublicAddress, networkPrefix, readIpAddress } from './ip-address.js'

test('addresses, canonical forms, ranges and non-addresses', () => {
  assert.deepEqual(readIpAddress('18.236.253.47'), {
    version: 4,
    text: '18.236.253.47',
    canonical: '18.236.253.47',
  })
  assert.equal(addressRange(readIpAddress('18.236.253.47')!), 'unicast')
  assert.equal(addressRange(readIpAddress('10.0.0.1')!), 'private')
  assert.equal(addressRange(readIpAddress('203.0.113.9')!), 'reserved')
  assert.deepEqual(readIpAddress('08.1.250.216'), {
    version: 4,
    text: '08.1.250.216',
    canonical: undefined,
  })
  assert.equal(addressRange(readIpAddress('08.1.250.216')!), 'unknown')
  assert.equal(readIpAddress('256.1.1.1')?.canonical, undefined)
  assert.equal(readIpAddress('::ffff:18.236.253.47')?.canonical, '18.236.253.47')
  assert.equal(readIpAddress('2600:1F18::1')?.canonical, '2600:1f18:0:0:0:0:0:1')
  for (const text of ['ec2.amazonaws.com', 'AWS Internal', '', undefined, '1.2.3', '300.1.1.1x']) {
    assert.equal(readIpAddress(text), undefined, String(text))
  }
  const info = readIpAddress('81.2.69.160')
  assert.ok(info && isPublicAddress(info))
  assert.equal(networkPrefix(info), '81.2/16')
  assert.equal(networkPrefix(readIpAddress('2001:db8:1::1')!), '2001:db8/32')
})
