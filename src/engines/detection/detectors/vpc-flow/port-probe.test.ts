/**
 * Recon:EC2/PortProbeUnprotectedPort: accepted probes of one port from 10 public hosts within an
 * hour raise a PORT_PROBE finding (Low; High on 9200/9300); one probe from a threat-listed host is
 * enough; web ports, rejected probes, private probers, sessions and 9 probers are not.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { infoOf, runEntries } from '../../testing/harness.js'
import { FLOW_CONTEXT, flowEntries, flowRecord, LOCAL_IP } from '../../testing/records.js'
import { ThreatListMatcher } from '../../threat-lists/threat-list-matcher.js'
import { portProbeUnprotectedPort } from './port-probe.js'

const T0 = 1_790_000_000

/** One probe of `port` from each of `sources`, a minute apart. */
const probes = (
  sources: readonly string[],
  port: number,
  extra: { action?: string; packets?: number } = {},
) =>
  sources.map((srcaddr, i) =>
    flowRecord({
      srcaddr,
      dstaddr: LOCAL_IP,
      srcport: 60000 - i,
      dstport: port,
      packets: extra.packets ?? 1,
      action: extra.action ?? 'ACCEPT',
      start: T0 + i * 60,
      end: T0 + i * 60 + 1,
    }),
  )
const scanners = (n: number, third = 1) =>
  Array.from({ length: n }, (_, i) => `45.33.${third}.${i + 1}`)

test('10 internet probers of one port: PORT_PROBE, Low; 9200 is High', async () => {
  const run = await runEntries(
    [portProbeUnprotectedPort()],
    flowEntries([...probes(scanners(12), 22), ...probes(scanners(10, 2), 9200)]),
    { context: FLOW_CONTEXT },
  )
  assert.equal(run.findings.length, 2)
  const ssh = run.findings.find((f) => f.severity === 2)
  const elastic = run.findings.find((f) => f.severity === 8)
  assert.equal(ssh?.type, 'Recon:EC2/PortProbeUnprotectedPort')
  assert.equal(ssh?.service.resourceRole, 'TARGET')
  const action = ssh?.service.action as {
    actionType: string
    portProbeAction: { blocked: boolean; portProbeDetails: { localPortDetails: unknown }[] }
  }
  assert.equal(action.actionType, 'PORT_PROBE')
  assert.equal(action.portProbeAction.portProbeDetails.length, 10)
  assert.deepEqual(action.portProbeAction.portProbeDetails[0]?.localPortDetails, {
    port: 22,
    portName: 'SSH',
  })
  assert.equal(infoOf(elastic).probers, 10)
})

test('web ports, rejected probes, private probers, sessions and 9 probers raise nothing', async () => {
  const run = await runEntries(
    [portProbeUnprotectedPort()],
    flowEntries([
      ...probes(scanners(20), 443),
      ...probes(scanners(20), 80),
      ...probes(scanners(20, 3), 3306, { action: 'REJECT' }),
      ...probes(
        Array.from({ length: 20 }, (_, i) => `10.0.9.${i + 1}`),
        5432,
      ),
      ...probes(scanners(20, 4), 6379, { packets: 40 }),
      ...probes(scanners(9, 5), 8080),
    ]),
    { context: FLOW_CONTEXT },
  )
  assert.equal(run.findings.length, 0)
})

test('one probe from a threat-listed host is enough, and names the list', async () => {
  const matcher = new ThreatListMatcher([
    {
      id: 'l1',
      name: 'Scanners',
      kind: 'threat',
      entries: { ips: ['45.33.1.1'], cidrs: [], domains: [] },
    },
  ])
  const run = await runEntries(
    [portProbeUnprotectedPort()],
    flowEntries(probes(scanners(1), 8088)),
    {
      context: FLOW_CONTEXT,
      threatLists: { matcher: () => Promise.resolve(matcher) },
    },
  )
  assert.equal(run.findings.length, 1)
  assert.equal(infoOf(run.findings[0]).threatListName, 'Scanners')
})
