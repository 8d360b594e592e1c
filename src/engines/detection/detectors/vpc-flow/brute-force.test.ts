/**
 * SSH/RDP/WinRM brute force: 20 short connections from one host to the instance's service raise a
 * Low TARGET finding; 20 from the instance to a host's service a High ACTOR one; 19 attempts, long
 * sessions, rejected attempts and the server's answers do not count.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { infoOf, runEntries } from '../../testing/harness.js'
import { FLOW_CONTEXT, flowEntries, flowRecord, LOCAL_IP } from '../../testing/records.js'
import type { FlowLogRecord } from '../../sources/index.js'
import { bruteForce } from './brute-force.js'

const T0 = 1_790_000_000
const ATTACKER = '185.220.101.4'

/** `n` connections from `from` to `to`:`port`, each with its server's answer. */
function attempts(
  n: number,
  from: string,
  to: string,
  port: number,
  extra: { packets?: number; action?: string } = {},
): FlowLogRecord[] {
  const records: FlowLogRecord[] = []
  for (let i = 0; i < n; i++) {
    const clientPort = 50000 + i
    const start = T0 + i * 10
    records.push(
      flowRecord({
        srcaddr: from,
        dstaddr: to,
        srcport: clientPort,
        dstport: port,
        packets: extra.packets ?? 18,
        action: extra.action ?? 'ACCEPT',
        start,
        end: start + 3,
      }),
      flowRecord({
        srcaddr: to,
        dstaddr: from,
        srcport: port,
        dstport: clientPort,
        packets: extra.packets ?? 16,
        action: extra.action ?? 'ACCEPT',
        start,
        end: start + 3,
      }),
    )
  }
  return records
}

test('20 SSH attempts against the instance: SSHBruteForce, Low, TARGET', async () => {
  const run = await runEntries([bruteForce()], flowEntries(attempts(20, ATTACKER, LOCAL_IP, 22)), {
    context: FLOW_CONTEXT,
  })
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, 'UnauthorizedAccess:EC2/SSHBruteForce')
  assert.equal(finding?.severity, 2)
  assert.equal(finding?.service.resourceRole, 'TARGET')
  assert.equal(infoOf(finding).attempts, 20)
  const action = finding?.service.action as { networkConnectionAction: Record<string, unknown> }
  assert.equal(action.networkConnectionAction.connectionDirection, 'INBOUND')
  assert.deepEqual(action.networkConnectionAction.localPortDetails, { port: 22, portName: 'SSH' })
})

test('20 RDP attempts by the instance: RDPBruteForce, High, ACTOR; WinRM on 5986', async () => {
  const run = await runEntries(
    [bruteForce()],
    flowEntries([
      ...attempts(20, LOCAL_IP, ATTACKER, 3389),
      ...attempts(20, '45.33.32.156', LOCAL_IP, 5986),
    ]),
    { context: FLOW_CONTEXT },
  )
  const byType = new Map(run.findings.map((f) => [f.type, f]))
  const rdp = byType.get('UnauthorizedAccess:EC2/RDPBruteForce')
  assert.equal(rdp?.severity, 8)
  assert.equal(rdp?.service.resourceRole, 'ACTOR')
  const winrm = byType.get('Impact:EC2/WinRMBruteForce')
  assert.equal(winrm?.severity, 2)
  assert.equal(winrm?.service.resourceRole, 'TARGET')
  assert.equal(run.findings.length, 2)
})

test('19 attempts, long sessions and rejected attempts are not brute force', async () => {
  const run = await runEntries(
    [bruteForce()],
    flowEntries([
      ...attempts(19, ATTACKER, LOCAL_IP, 22),
      ...attempts(30, '45.33.32.156', LOCAL_IP, 22, { packets: 900 }),
      ...attempts(30, '45.33.32.157', LOCAL_IP, 3389, { action: 'REJECT' }),
    ]),
    { context: FLOW_CONTEXT },
  )
  assert.equal(run.findings.length, 0)
})
