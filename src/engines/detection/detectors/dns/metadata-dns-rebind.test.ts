/**
 * UnauthorizedAccess:EC2/MetadataDNSRebind: a public name answered with 169.254.169.254 (or the
 * IPv6 metadata address) raises it; the metadata service's own internal names and other answers do
 * not.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runEntries } from '../../testing/harness.js'
import { dnsEntries, resolverRecord } from '../../testing/records.js'
import { metadataDnsRebind } from './metadata-dns-rebind.js'

const answer = (Rdata: string, Type = 'A') => [{ Rdata, Type, Class: 'IN' }]

test('a public name resolving to the metadata address: MetadataDNSRebind, High', async () => {
  const run = await runEntries(
    [metadataDnsRebind()],
    dnsEntries([
      resolverRecord({
        query_name: 'rebind.attacker.example.',
        answers: answer('169.254.169.254'),
      }),
      resolverRecord({
        query_name: 'v6.attacker.example.',
        query_type: 'AAAA',
        answers: answer('fd00:ec2::254', 'AAAA'),
      }),
    ]),
  )
  assert.deepEqual(
    run.findings.map((f) => [f.type, f.severity, f.service.resourceRole]),
    [
      ['UnauthorizedAccess:EC2/MetadataDNSRebind', 8, 'TARGET'],
      ['UnauthorizedAccess:EC2/MetadataDNSRebind', 8, 'TARGET'],
    ],
  )
})

test('internal metadata names and other answers raise nothing', async () => {
  const run = await runEntries(
    [metadataDnsRebind()],
    dnsEntries([
      resolverRecord({
        query_name: 'instance-data.ec2.internal.',
        answers: answer('169.254.169.254'),
      }),
      resolverRecord({ query_name: 'instance-data.', answers: answer('169.254.169.254') }),
      resolverRecord({ query_name: 'www.example.com.', answers: answer('93.184.215.14') }),
      resolverRecord({ query_name: 'nothing.example.com.', answers: [] }),
    ]),
  )
  assert.equal(run.findings.length, 0)
})
