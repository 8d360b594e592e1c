/**
 * Recon:EC2/Portscan: 15 distinct ports of one host within 5 minutes from the instance raise one
 * ACTOR finding on the instance the inventory (or the record) names; 14 ports, ports spread over
 * more than the window, ports probed on the instance from outside, and the hosts' answers do not;
 * a scan lasting several windows adds an occurrence per window.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryInstanceInventory } from '../../enrichment/instance-inventory.js'
import { infoOf, runEntries, TEST_SCOPE } from '../../testing/harness.js'
import {
  FLOW_CONTEXT,
  flowEntries,
  flowRecord,
  LOCAL_IP,
  TEST_ENI,
  TEST_INSTANCE,
} from '../../testing/records.js'
import { portscan } from './portscan.js'

const T0 = 1_790_000_000
const HOST = '10.0.2.2'

/** Outbound probes of `ports` on HOST, one per `stepSeconds`, starting at `start`. */
const probes = (ports: readonly number[], start = T0, stepSeconds = 1) =>
  ports.map((dstport, i) =>
    flowRecord({
      srcaddr: LOCAL_IP,
      dstaddr: HOST,
      srcport: 40000 + i,
      dstport,
      packets: 1,
      bytes: 60,
      start: start + i * stepSeconds,
      end: start + i * stepSeconds + 1,
      action: 'REJECT',
    }),
  )
const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i)
/** A DNS answer from a public resolver: shows which address is the interface's. */
const resolverAnswer = flowRecord({
  srcaddr: '8.8.8.8',
  dstaddr: LOCAL_IP,
  srcport: 53,
  dstport: 40042,
  protocol: 17,
  start: T0 - 10,
})

test('15 distinct ports of one host within 5 minutes: one ACTOR finding on the instance', async () => {
  // Both ends are private: the inventory's addresses of the interface's instance tell them apart.
  const inventory = new MemoryInstanceInventory()
  inventory.addInterface(TEST_SCOPE, TEST_ENI, TEST_INSTANCE)
  inventory.addInstance(TEST_SCOPE, TEST_INSTANCE, [LOCAL_IP])
  // The hosts' answers (RST from the scanned ports) are inbound records of the same connections.
  const answers = range(15).map((port, i) =>
    flowRecord({
      srcaddr: HOST,
      dstaddr: LOCAL_IP,
      srcport: port,
      dstport: 40000 + i,
      packets: 1,
      start: T0 + i,
    }),
  )
  const run = await runEntries(
    [portscan({ instanceInventory: inventory })],
    flowEntries([...probes(range(15)), ...answers]),
    { context: FLOW_CONTEXT },
  )
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.ok(finding)
  assert.equal(finding.type, 'Recon:EC2/Portscan')
  assert.equal(finding.severity, 5)
  assert.equal(finding.service.resourceRole, 'ACTOR')
  assert.equal(finding.service.count, 1)
  const resource = finding.resource as { instanceDetails: Record<string, unknown> }
  assert.equal(resource.instanceDetails.instanceId, TEST_INSTANCE)
  const action = finding.service.action as { networkConnectionAction: Record<string, unknown> }
  assert.equal(action.networkConnectionAction.connectionDirection, 'OUTBOUND')
  assert.deepEqual(action.networkConnectionAction.remoteIpDetails, { ipAddressV4: HOST })
  assert.equal(action.networkConnectionAction.localNetworkInterface, TEST_ENI)
  assert.equal(infoOf(finding).portsScanned, 15)
  assert.equal(finding.service.eventFirstSeen, new Date((T0 + 14) * 1000).toISOString())
})

test('fewer ports, a slower scan, inbound probes and the answers raise nothing', async () => {
  const inbound = range(30).map((port, i) =>
    flowRecord({
      srcaddr: '34.201.7.10',
      dstaddr: LOCAL_IP,
      srcport: 50000 + i,
      dstport: port,
      start: T0 + i,
    }),
  )
  const run = await runEntries(
    [portscan()],
    flowEntries([
      resolverAnswer,
      ...probes(range(14)),
      // 15 ports, one every 30 s: never 15 within 5 minutes.
      ...probes(range(15, 100), T0 + 1000, 30),
      ...inbound,
    ]),
    { context: FLOW_CONTEXT },
  )
  assert.equal(run.findings.length, 0)
})

test('a scan lasting several windows updates one finding, once per window and host', async () => {
  const run = await runEntries(
    [portscan()],
    flowEntries([
      resolverAnswer,
      ...probes(range(40)), // window 1: one detection, then quiet
      ...probes(range(20, 200), T0 + 400), // window 2
    ]),
    { context: FLOW_CONTEXT },
  )
  assert.equal(run.findings.length, 1)
  assert.equal(run.findings[0]?.service.count, 2)
  // Without an inventory the record's interface is the resource.
  const resource = run.findings[0]?.resource as { instanceDetails: Record<string, unknown> }
  assert.equal(resource.instanceDetails.instanceId, undefined)
  assert.deepEqual(resource.instanceDetails.networkInterfaces, [
    {
      networkInterfaceId: TEST_ENI,
      privateIpAddress: LOCAL_IP,
      privateIpAddresses: [{ privateIpAddress: LOCAL_IP }],
    },
  ])
})

test("the record's own instance-id names the instance", async () => {
  const records = range(15).map((dstport, i) =>
    flowRecord({
      dstaddr: HOST,
      dstport,
      srcport: 41000 + i,
      'instance-id': 'i-0fedcba9876543210',
    }),
  )
  const run = await runEntries([portscan()], flowEntries([resolverAnswer, ...records]), {
    context: FLOW_CONTEXT,
  })
  const resource = run.findings[0]?.resource as { instanceDetails: Record<string, unknown> }
  assert.equal(resource.instanceDetails.instanceId, 'i-0fedcba9876543210')
})
