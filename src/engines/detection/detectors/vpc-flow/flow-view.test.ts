/**
 * FlowClassifier: IPv4 reading, the public-address test against ipaddr.js, which side is the
 * interface's (flow-direction, the only private address, learned addresses, the previous record),
 * who opened the connection (TCP flags, ports), and IPv6 left out.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ipv4ToInt,
  isPublicAddress,
  isPublicIpv4,
  readIpAddress,
} from '../../enrichment/ip-address.js'
import { flowRecord, LOCAL_IP } from '../../testing/records.js'
import { destinationIsServer, FlowClassifier } from './flow-view.js'

test('ipv4ToInt reads strict dotted quads only', () => {
  assert.equal(ipv4ToInt('0.0.0.0'), 0)
  assert.equal(ipv4ToInt('255.255.255.255'), 4294967295)
  assert.equal(ipv4ToInt('10.0.1.25'), 167772441)
  for (const bad of [
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '256.1.1.1',
    '1..2.3',
    'a.b.c.d',
    '::1',
    '',
  ]) {
    assert.equal(ipv4ToInt(bad), -1, bad)
  }
})

test('isPublicIpv4 agrees with ipaddr.js (range unicast) on every special range and around it', () => {
  const samples = [
    '0.0.0.4',
    '1.1.1.1',
    '8.8.8.8',
    '9.255.255.255',
    '10.0.0.1',
    '11.0.0.0',
    '100.63.255.255',
    '100.64.0.1',
    '100.127.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '127.0.0.1',
    '128.0.0.0',
    '169.253.255.255',
    '169.254.169.254',
    '169.255.0.0',
    '172.15.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '172.32.0.0',
    '192.0.0.8',
    '192.0.1.1',
    '192.0.2.5',
    '192.31.196.1',
    '192.52.193.1',
    '192.88.99.1',
    '192.167.255.255',
    '192.168.1.1',
    '192.169.0.0',
    '192.175.48.1',
    '198.17.255.255',
    '198.18.0.1',
    '198.19.255.255',
    '198.20.0.0',
    '198.51.100.7',
    '203.0.113.9',
    '203.0.114.0',
    '223.255.255.255',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '34.201.7.10',
    '185.220.101.4',
  ]
  for (const ip of samples) {
    const info = readIpAddress(ip)
    assert.ok(info)
    assert.equal(isPublicIpv4(ipv4ToInt(ip)), isPublicAddress(info), ip)
  }
})

test('the server side by ports', () => {
  assert.equal(destinationIsServer(45000, 443), true)
  assert.equal(destinationIsServer(443, 45000), false)
  assert.equal(destinationIsServer(53, 53), true)
  assert.equal(destinationIsServer(50000, 3389), true)
  assert.equal(destinationIsServer(3389, 50000), false)
  assert.equal(destinationIsServer(8080, 5000), true) // both below the ephemeral range: lower
  assert.equal(destinationIsServer(49152, 40000), true) // both ephemeral: the lower one serves
})

test('local side: the only private address, then learned; direction by ports or flags', () => {
  const classifier = new FlowClassifier()
  const out = classifier.view(flowRecord({ srcaddr: LOCAL_IP, dstaddr: '34.201.7.10' }))
  assert.ok(out)
  assert.equal(out.localIp, LOCAL_IP)
  assert.equal(out.remoteIp, '34.201.7.10')
  assert.equal(out.remotePublic, true)
  assert.equal(out.egress, true)
  assert.equal(out.outbound, true)
  assert.equal(out.servicePort, 443)
  // The reply of the same connection: ingress, still an outbound connection.
  const reply = classifier.view(
    flowRecord({ srcaddr: '34.201.7.10', dstaddr: LOCAL_IP, srcport: 443, dstport: 45000 }),
  )
  assert.equal(reply?.egress, false)
  assert.equal(reply?.outbound, true)
  // Two private addresses: the learned local address decides.
  const peer = classifier.view(
    flowRecord({ srcaddr: '10.0.9.9', dstaddr: LOCAL_IP, srcport: 51000, dstport: 22 }),
  )
  assert.equal(peer?.localIp, LOCAL_IP)
  assert.equal(peer?.outbound, false)
  assert.equal(peer?.localPort, 22)
  // A SYN-only record names its sender as the opener whatever the ports say.
  const syn = classifier.view(
    flowRecord({
      srcaddr: LOCAL_IP,
      dstaddr: '34.201.7.10',
      srcport: 22,
      dstport: 51000,
      'tcp-flags': 2,
    }),
  )
  assert.equal(syn?.outbound, true)
})

test('flow-direction decides; undecided and IPv6 records have no view', () => {
  const classifier = new FlowClassifier()
  const ingress = classifier.view(
    flowRecord({
      'interface-id': 'eni-0aaaaaaaaaaaaaaaa',
      srcaddr: '10.0.5.5',
      dstaddr: '10.0.6.6',
      srcport: 40000,
      dstport: 5432,
      'flow-direction': 'ingress',
    }),
  )
  assert.equal(ingress?.localIp, '10.0.6.6')
  assert.equal(ingress?.outbound, false)
  const fresh = new FlowClassifier()
  const both = flowRecord({
    'interface-id': 'eni-0bbbbbbbbbbbbbbbb',
    srcaddr: '10.0.5.5',
    dstaddr: '10.0.6.6',
  })
  assert.equal(fresh.view(both), undefined)
  // The next record shares 10.0.6.6 only: that is the interface's.
  const next = fresh.view(
    flowRecord({
      'interface-id': 'eni-0bbbbbbbbbbbbbbbb',
      srcaddr: '10.0.7.7',
      dstaddr: '10.0.6.6',
    }),
  )
  assert.equal(next?.localIp, '10.0.6.6')
  const v6 = flowRecord({ srcaddr: '2001:db8::1', dstaddr: '2600:1f18::5' })
  assert.equal(new FlowClassifier().view(v6), undefined)
})
