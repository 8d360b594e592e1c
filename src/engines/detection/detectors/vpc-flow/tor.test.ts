/**
 * TorClient / TorRelay: a connection the instance opens to a listed Tor relay raises TorClient;
 * inbound connections from 5 relays to one port raise TorRelay; unlisted peers, inbound
 * connections from clients and a missing list raise nothing.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TorExitNodes } from '../../enrichment/tor-exit-nodes.js'
import { runEntries } from '../../testing/harness.js'
import { FLOW_CONTEXT, flowEntries, flowRecord, LOCAL_IP } from '../../testing/records.js'
import { torClient, torRelay } from './tor.js'

const T0 = 1_790_000_000
const RELAYS = TorExitNodes.parse(
  Array.from({ length: 6 }, (_, i) => `185.220.101.${i + 1}`).join('\n'),
)

const outbound = (dstaddr: string, dstport = 9001) =>
  flowRecord({ srcaddr: LOCAL_IP, dstaddr, srcport: 41000, dstport, start: T0 })
const inbound = (srcaddr: string, i: number) =>
  flowRecord({
    srcaddr,
    dstaddr: LOCAL_IP,
    srcport: 50000 + i,
    dstport: 9001,
    start: T0 + i * 60,
  })

test('an outbound connection to a relay: TorClient, High, ACTOR', async () => {
  const run = await runEntries(
    [torClient({ torNodes: RELAYS })],
    flowEntries([outbound('185.220.101.3'), outbound('34.201.7.10', 443)]),
    { context: FLOW_CONTEXT },
  )
  assert.equal(run.findings.length, 1)
  assert.equal(run.findings[0]?.type, 'UnauthorizedAccess:EC2/TorClient')
  assert.equal(run.findings[0]?.severity, 8)
  assert.equal(run.findings[0]?.service.resourceRole, 'ACTOR')
})

test('five relays connecting to one port: TorRelay; four, or clients, do not', async () => {
  const relayRun = await runEntries(
    [torRelay({ torNodes: RELAYS })],
    flowEntries([1, 2, 3, 4, 5].map((n, i) => inbound(`185.220.101.${n}`, i))),
    { context: FLOW_CONTEXT },
  )
  assert.deepEqual(
    relayRun.findings.map((f) => f.type),
    ['UnauthorizedAccess:EC2/TorRelay'],
  )
  const quiet = await runEntries(
    [torRelay({ torNodes: RELAYS }), torClient({ torNodes: RELAYS })],
    flowEntries([
      ...[1, 2, 3, 4].map((n, i) => inbound(`185.220.101.${n}`, i)),
      ...[1, 2, 3, 4, 5, 6].map((n, i) => inbound(`45.33.32.${n}`, i)),
    ]),
    { context: FLOW_CONTEXT },
  )
  assert.equal(quiet.findings.length, 0)
})

test('without a relay list nothing is raised', async () => {
  const run = await runEntries(
    [torClient(), torRelay()],
    flowEntries([outbound('185.220.101.3')]),
    {
      context: FLOW_CONTEXT,
    },
  )
  assert.equal(run.findings.length, 0)
})
