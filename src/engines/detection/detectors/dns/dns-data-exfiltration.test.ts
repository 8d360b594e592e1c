/**
 * Trojan:EC2/DNSDataExfiltration: 50 distinct long, high-entropy names under one domain from one
 * instance within 10 minutes raise it once per window; short or low-entropy names, names spread
 * over many domains, reverse lookups and 49 names do not.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { infoOf, runEntries } from '../../testing/harness.js'
import { dnsEntries, resolverRecord } from '../../testing/records.js'
import { dnsDataExfiltration, looksEncoded, nameStats } from './dns-data-exfiltration.js'

/** A deterministic pseudo-random string over `alphabet` (xorshift32). */
function encoded(
  seed: number,
  length: number,
  alphabet = 'abcdefghijklmnopqrstuvwxyz234567',
): string {
  let state = (seed + 1) * 0x9e3779b1
  let out = ''
  for (let i = 0; i < length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    out += alphabet[(state >>> 0) % alphabet.length]
  }
  return out
}
const hex = (seed: number, length: number) => encoded(seed, length, '0123456789abcdef')

const at = (i: number) => new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString()

test('base32 and hex payloads look encoded; long names made of words do not', () => {
  assert.ok(looksEncoded(nameStats(encoded(1, 70)), 60))
  assert.ok(looksEncoded(nameStats(`${hex(2, 60)}.${hex(3, 20)}`), 60))
  for (const plain of [
    'this-is-a-very-long-hostname-for-the-frontend-load-balancer-production',
    'xn--bcher-kva.xn--caf-dma.international-distribution-center-europe',
    'service-number-1.production.eu-west-1.application-cluster.frontends',
  ]) {
    assert.equal(looksEncoded(nameStats(plain), 60), false, plain)
  }
  assert.equal(looksEncoded(nameStats(encoded(4, 40)), 60), false) // too short
})

test('50 encoded names under one domain: one High ACTOR finding', async () => {
  const records = Array.from({ length: 120 }, (_, i) =>
    resolverRecord({
      query_name: `${i % 2 === 0 ? encoded(i, 60) : hex(i, 60)}.${encoded(i + 1000, 20)}.t.exfil-example.com.`,
      query_timestamp: at(i),
      rcode: 'NXDOMAIN',
      answers: [],
    }),
  )
  const run = await runEntries([dnsDataExfiltration()], dnsEntries(records))
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, 'Trojan:EC2/DNSDataExfiltration')
  assert.equal(finding?.severity, 8)
  assert.equal(finding?.service.count, 1)
  assert.equal(infoOf(finding).domain, 'exfil-example.com')
  assert.equal(infoOf(finding).encodedNames, 50)
})

test('plain names, spread domains, reverse lookups and 49 names raise nothing', async () => {
  const plain = Array.from({ length: 80 }, (_, i) =>
    resolverRecord({
      query_name: `service-number-${i}.production.eu-west-1.application-cluster.frontends.example.com.`,
      query_timestamp: at(i),
    }),
  )
  const spread = Array.from({ length: 80 }, (_, i) =>
    resolverRecord({ query_name: `${encoded(i, 70)}.domain${i}.com.`, query_timestamp: at(i) }),
  )
  const reverse = Array.from({ length: 80 }, (_, i) =>
    resolverRecord({
      query_name: `${encoded(i, 32).split('').join('.')}.ip6.arpa.`,
      query_type: 'PTR',
      query_timestamp: at(i),
    }),
  )
  const few = Array.from({ length: 49 }, (_, i) =>
    resolverRecord({ query_name: `${encoded(i, 70)}.tunnel.example.org.`, query_timestamp: at(i) }),
  )
  const run = await runEntries(
    [dnsDataExfiltration()],
    dnsEntries([...plain, ...spread, ...reverse, ...few]),
  )
  assert.equal(run.findings.length, 0)
})
