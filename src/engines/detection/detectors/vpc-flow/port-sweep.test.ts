/**
 * Impact:EC2/PortSweep: probes of one port on 25 public hosts within 5 minutes raise one High ACTOR
 * finding; private hosts (the port-scan dataset's sweeps), connections that carry data, 24 hosts
 * and UDP do not.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { infoOf, runEntries } from '../../testing/harness.js'
import { FLOW_CONTEXT, flowEntries, flowRecord, LOCAL_IP } from '../../testing/records.js'
import { portSweep } from './port-sweep.js'

const T0 = 1_790_000_000

/** Probes of `port` on `hosts` (one per second), with `packets` each. */
const sweep = (hosts: readonly string[], port = 23, packets = 1, protocol = 6) =>
  hosts.map((dstaddr, i) =>
    flowRecord({
      srcaddr: LOCAL_IP,
      dstaddr,
      srcport: 42000 + i,
      dstport: port,
      protocol,
      packets,
      bytes: packets * 60,
      start: T0 + i,
      end: T0 + i + 1,
    }),
  )
const publicHosts = (n: number, third = 7) =>
  Array.from({ length: n }, (_, i) => `34.201.${third}.${i + 1}`)

test('one port probed on 25 public hosts: PortSweep, High, ACTOR', async () => {
  const run = await runEntries([portSweep()], flowEntries(sweep(publicHosts(30))), {
    context: FLOW_CONTEXT,
  })
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, 'Impact:EC2/PortSweep')
  assert.equal(finding?.severity, 8)
  assert.equal(finding?.service.resourceRole, 'ACTOR')
  assert.equal(finding?.service.count, 1)
  assert.equal(infoOf(finding).sweptPort, 23)
  assert.equal(infoOf(finding).hostsProbed, 25)
})

test('private hosts, data-carrying connections, 24 hosts and UDP are not a sweep', async () => {
  const privateHosts = Array.from({ length: 40 }, (_, i) => `10.0.2.${i + 1}`)
  const run = await runEntries(
    [portSweep()],
    flowEntries([
      flowRecord({ srcaddr: '8.8.8.8', dstaddr: LOCAL_IP, srcport: 53, dstport: 40000 }),
      ...sweep(privateHosts, 443),
      ...sweep(publicHosts(40, 8), 443, 12),
      ...sweep(publicHosts(24, 9), 23),
      ...sweep(publicHosts(40, 10), 40125, 1, 17),
    ]),
    { context: FLOW_CONTEXT },
  )
  assert.equal(run.findings.length, 0)
})
