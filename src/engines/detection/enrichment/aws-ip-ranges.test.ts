/**
 * Reading ip-ranges.json and looking addresses up: most specific prefix, services merged, IPv6,
 * IPv4-mapped IPv6, non-addresses, and refusal of files that are not ip-ranges.json.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { AwsIpRanges, AwsIpRangesFormatError } from './aws-ip-ranges.js'

const FILE = {
  syncToken: '1763600000',
  createDate: '2026-11-20-00-00-00',
  prefixes: [
    {
      ip_prefix: '52.0.0.0/11',
      region: 'us-east-1',
      service: 'AMAZON',
      network_border_group: 'us-east-1',
    },
    {
      ip_prefix: '52.4.0.0/14',
      region: 'us-east-1',
      service: 'EC2',
      network_border_group: 'us-east-1',
    },
    {
      ip_prefix: '52.4.0.0/14',
      region: 'us-east-1',
      service: 'AMAZON',
      network_border_group: 'us-east-1',
    },
    {
      ip_prefix: '3.5.140.0/22',
      region: 'ap-northeast-2',
      service: 'S3',
      network_border_group: 'ap-northeast-2',
    },
  ],
  ipv6_prefixes: [
    {
      ipv6_prefix: '2600:1f18::/33',
      region: 'us-east-1',
      service: 'EC2',
      network_border_group: 'us-east-1',
    },
  ],
}

test('the most specific prefix answers, with every service it is published for', () => {
  const ranges = AwsIpRanges.fromJson(FILE)
  assert.deepEqual(ranges.lookup('52.4.1.2'), {
    prefix: '52.4.0.0/14',
    region: 'us-east-1',
    services: ['EC2', 'AMAZON'],
  })
  assert.equal(ranges.lookup('52.16.0.1')?.prefix, '52.0.0.0/11')
  assert.equal(ranges.lookup('3.5.143.255')?.region, 'ap-northeast-2')
  assert.equal(ranges.lookup('3.5.144.0'), undefined)
  assert.equal(ranges.lookup('2600:1f18:4000::1')?.prefix, '2600:1f18::/33')
  assert.equal(ranges.lookup('2600:1f18:8000::1'), undefined)
  assert.equal(ranges.lookup('::ffff:52.4.0.9')?.prefix, '52.4.0.0/14')
  assert.equal(ranges.lookup('ec2.amazonaws.com'), undefined)
  assert.equal(ranges.lookup('052.4.0.9'), undefined)
  assert.equal(ranges.syncToken, '1763600000')
})

test('files that are not ip-ranges.json are refused; files are read from disk', async () => {
  assert.throws(
    () => AwsIpRanges.parse('{"prefixes": [{"ip_prefix": "nope"}]}'),
    AwsIpRangesFormatError,
  )
  assert.throws(() => AwsIpRanges.parse('[]'), /no "prefixes" array/)
  assert.throws(() => AwsIpRanges.parse('{'), /not JSON/)
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ranges-'))
  const path = join(dir, 'ip-ranges.json')
  try {
    writeFileSync(path, JSON.stringify(FILE))
    assert.equal((await AwsIpRanges.readFile(path)).lookup('52.4.0.1')?.region, 'us-east-1')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
