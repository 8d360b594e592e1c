import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AsnFormatError, AsnRanges } from './asn-ranges.js'

test('addresses and numbers, IPv4 and IPv6, quoted organisations', () => {
  const ranges = AsnRanges.parse([
    [
      '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."',
      '86.245.0.0,86.245.255.255,3215,Orange S.A.',
      '2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC',
    ].join('\n'),
    // The numeric form of 18.236.0.0/15 and a 4,294,967,296+ range (IPv6).
    '317456384,317587455,16509,"Amazon.com, Inc."\n42540528726795050063891204319802818560,42540528806023212578155541913346768895,2500,"WIDE ""Project"""\n',
  ])
  assert.equal(ranges.size, 5)
  assert.deepEqual(ranges.lookup('1.0.0.1'), { asn: '13335', organization: 'Cloudflare, Inc.' })
  assert.deepEqual(ranges.lookup('86.245.153.234'), { asn: '3215', organization: 'Orange S.A.' })
  assert.deepEqual(ranges.lookup('18.236.253.47'), {
    asn: '16509',
    organization: 'Amazon.com, Inc.',
  })
  assert.deepEqual(ranges.lookup('2001:4860:4860::8888'), {
    asn: '15169',
    organization: 'Google LLC',
  })
  assert.deepEqual(ranges.lookup('2001:200::1'), { asn: '2500', organization: 'WIDE "Project"' })
  assert.equal(ranges.lookup('1.0.1.0'), undefined, 'between ranges')
  assert.equal(ranges.lookup('0.0.0.1'), undefined, 'before the first range')
  assert.equal(ranges.lookup('08.1.250.216'), undefined, 'not strictly an address')
  assert.equal(ranges.lookup('AWS Internal'), undefined)
})

test('unsorted input is sorted; a bad line is an error naming it', () => {
  const ranges = AsnRanges.parse(['2.0.0.0,2.0.0.255,2,B\n1.0.0.0,1.0.0.255,1,A\n'])
  assert.equal(ranges.lookup('1.0.0.7')?.asn, '1')
  assert.equal(ranges.lookup('2.0.0.7')?.asn, '2')
  assert.throws(
    () => AsnRanges.parse(['1.0.0.0,1.0.0.255,x,A'], 'asn.csv'),
    (error: unknown) => error instanceof AsnFormatError && /asn\.csv:1/.test(error.message),
  )
  assert.throws(() => AsnRanges.parse(['1.0.0,1.0.0.255,1,A']), AsnFormatError)
})
