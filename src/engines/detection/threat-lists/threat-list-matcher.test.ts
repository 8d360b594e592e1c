import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseThreatList, type ThreatListEntries } from './parse-threat-list.js'
import { ThreatListMatcher, type ThreatListSource } from './threat-list-matcher.js'

function entries(partial: Partial<ThreatListEntries>): ThreatListEntries {
  return { ips: [], cidrs: [], domains: [], ...partial }
}

const scanners: ThreatListSource = {
  id: 'tis-scanners',
  name: 'Scanners',
  kind: 'threat',
  entries: entries({
    ips: ['45.33.32.156', '198.98.51.189'],
    cidrs: ['23.0.0.0/8', '91.219.0.0/16', '185.220.101.0/24', '203.0.114.8/31'],
  }),
}
const botnet: ThreatListSource = {
  id: 'tis-botnet',
  name: 'Botnet C2',
  kind: 'threat',
  entries: entries({
    ips: ['185.220.101.34'],
    cidrs: ['185.220.0.0/16'],
    domains: ['c2.evil-updates.example.org', '*.bad-cdn.example.com'],
  }),
}
const office: ThreatListSource = {
  id: 'ips-office',
  name: 'Office egress',
  kind: 'trusted',
  entries: entries({
    ips: ['198.98.51.189'],
    cidrs: ['81.2.69.0/24'],
    domains: ['vpn.corp.example'],
  }),
}
const matcher = new ThreatListMatcher([scanners, botnet, office])

function ids(matches: readonly { readonly id: string }[]): string[] {
  return matches.map((match) => match.id)
}

test('an exact address matches its list, reporting id, name and kind', () => {
  assert.deepEqual(matcher.matchIp('45.33.32.156'), [
    { id: 'tis-scanners', name: 'Scanners', kind: 'threat' },
  ])
})

test('CIDR containment at /8, /16, /24 and /31, edges included', () => {
  assert.deepEqual(ids(matcher.matchIp('23.0.0.0')), ['tis-scanners'])
  assert.deepEqual(ids(matcher.matchIp('23.255.255.255')), ['tis-scanners'])
  assert.deepEqual(ids(matcher.matchIp('91.219.200.7')), ['tis-scanners'])
  assert.deepEqual(ids(matcher.matchIp('203.0.114.8')), ['tis-scanners'])
  assert.deepEqual(ids(matcher.matchIp('203.0.114.9')), ['tis-scanners'])
  // Just outside each block.
  for (const ip of [
    '22.255.255.255',
    '24.0.0.0',
    '91.218.255.255',
    '203.0.114.7',
    '203.0.114.10',
  ]) {
    assert.deepEqual(matcher.matchIp(ip), [], ip)
  }
})

test('several lists matching the same address come back once each, in list order', () => {
  // botnet: exact and /16; scanners: /24.
  assert.deepEqual(ids(matcher.matchIp('185.220.101.34')), ['tis-scanners', 'tis-botnet'])
  assert.deepEqual(ids(matcher.matchIp('185.220.101.1')), ['tis-scanners', 'tis-botnet'])
  assert.deepEqual(ids(matcher.matchIp('185.220.7.1')), ['tis-botnet'])
  assert.deepEqual(ids(matcher.matchIp('198.98.51.189')), ['tis-scanners', 'ips-office'])
})

test('an address on no list matches nothing', () => {
  assert.deepEqual(matcher.matchIp('8.8.8.8'), [])
  assert.deepEqual(new ThreatListMatcher([]).matchIp('45.33.32.156'), [])
})

test('trusted lists are told apart from threat lists', () => {
  assert.equal(matcher.isTrusted('81.2.69.160'), true)
  assert.equal(matcher.isTrusted('198.98.51.189'), true)
  assert.equal(matcher.isTrusted('45.33.32.156'), false)
  assert.equal(matcher.isTrusted('8.8.8.8'), false)
  assert.deepEqual(matcher.matchIp('81.2.69.160'), [
    { id: 'ips-office', name: 'Office egress', kind: 'trusted' },
  ])
  assert.equal(new ThreatListMatcher([scanners]).isTrusted('45.33.32.156'), false)
})

test('domains match exactly, ignoring case and a trailing dot', () => {
  assert.deepEqual(ids(matcher.matchDomain('c2.evil-updates.example.org')), ['tis-botnet'])
  assert.deepEqual(ids(matcher.matchDomain('C2.Evil-Updates.Example.ORG.')), ['tis-botnet'])
  assert.deepEqual(ids(matcher.matchDomain('vpn.corp.example')), ['ips-office'])
  assert.deepEqual(matcher.matchDomain('x.c2.evil-updates.example.org'), [])
  assert.deepEqual(matcher.matchDomain('evil-updates.example.org'), [])
})

test('a wildcard matches any depth of subdomain but not the name itself', () => {
  assert.deepEqual(ids(matcher.matchDomain('a.bad-cdn.example.com')), ['tis-botnet'])
  assert.deepEqual(ids(matcher.matchDomain('a.b.c.bad-cdn.example.com')), ['tis-botnet'])
  assert.deepEqual(ids(matcher.matchDomain('A.Bad-CDN.example.com.')), ['tis-botnet'])
  assert.deepEqual(matcher.matchDomain('bad-cdn.example.com'), [])
  assert.deepEqual(matcher.matchDomain('notbad-cdn.example.com'), [])
  assert.deepEqual(matcher.matchDomain('example.com'), [])
})

test('an exact name and a wildcard in different lists both match', () => {
  const both = new ThreatListMatcher([
    { id: 'a', name: 'A', kind: 'threat', entries: entries({ domains: ['*.example.net'] }) },
    { id: 'b', name: 'B', kind: 'trusted', entries: entries({ domains: ['www.example.net'] }) },
    { id: 'c', name: 'C', kind: 'threat', entries: entries({ domains: ['*.www.example.net'] }) },
  ])
  assert.deepEqual(ids(both.matchDomain('www.example.net')), ['a', 'b'])
  assert.deepEqual(ids(both.matchDomain('img.www.example.net')), ['a', 'c'])
})

test('invalid input matches nothing', () => {
  for (const ip of ['', 'banana', '45.33.32', '45.33.32.156/32', '045.33.32.156', '2001:db8::1']) {
    assert.deepEqual(matcher.matchIp(ip), [], ip)
    assert.equal(matcher.isTrusted(ip), false, ip)
  }
  for (const domain of ['', 'com', '*.bad-cdn.example.com', 'exa mple.com', '45.33.32.156']) {
    assert.deepEqual(matcher.matchDomain(domain), [], domain)
  }
})

test('an IPv4-mapped IPv6 address is looked up as IPv4', () => {
  assert.deepEqual(ids(matcher.matchIp('::ffff:45.33.32.156')), ['tis-scanners'])
})

test('a parsed list feeds the matcher directly', () => {
  const parsed = parseThreatList('TXT', '185.220.101.0/24\n*.example.org\n', { allowDomains: true })
  const fromFile = new ThreatListMatcher([
    { id: 'file', name: 'From file', kind: 'threat', entries: parsed.entries },
  ])
  assert.deepEqual(ids(fromFile.matchIp('185.220.101.200')), ['file'])
  assert.deepEqual(ids(fromFile.matchDomain('www.example.org')), ['file'])
})

test('entries that are not valid are refused at build time', () => {
  for (const bad of [
    entries({ ips: ['10.0.0.300'] }),
    entries({ cidrs: ['1.2.3.0/40'] }),
    entries({ domains: ['not a domain'] }),
  ]) {
    assert.throws(
      () => new ThreatListMatcher([{ id: 'x', name: 'X', kind: 'threat', entries: bad }]),
      /threat list x: invalid/,
    )
  }
})
