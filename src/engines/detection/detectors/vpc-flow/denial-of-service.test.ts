/**
 * DenialOfService.Udp / .Dns: 400,000 UDP packets to one public host within seconds (the GuardDuty
 * tester's floods: one 5-tuple to port 80, or one datagram per socket to port 53) raise the type;
 * the same volume spread over a 10-minute flow record, a private target or a server's answers do
 * not.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runEntries } from '../../testing/harness.js'
import { FLOW_CONTEXT, flowEntries, flowRecord, LOCAL_IP } from '../../testing/records.js'
import { denialOfService } from './denial-of-service.js'

const T0 = 1_790_000_000
const VICTIM = '34.201.7.10'

test('a UDP flood to port 80 is .Udp, one to port 53 is .Dns', async () => {
  const dns = Array.from({ length: 2000 }, (_, i) =>
    flowRecord({
      srcaddr: LOCAL_IP,
      dstaddr: VICTIM,
      srcport: 30000 + (i % 30000),
      dstport: 53,
      protocol: 17,
      packets: 100,
      bytes: 9200,
      start: T0 + Math.floor(i / 100),
      end: T0 + Math.floor(i / 100),
    }),
  )
  const run = await runEntries(
    [denialOfService()],
    flowEntries([
      flowRecord({
        srcaddr: LOCAL_IP,
        dstaddr: VICTIM,
        srcport: 45000,
        dstport: 80,
        protocol: 17,
        packets: 400_000,
        bytes: 420_000_000,
        start: T0,
        end: T0 + 12,
      }),
      ...dns,
    ]),
    { context: FLOW_CONTEXT },
  )
  assert.deepEqual(run.findings.map((f) => [f.type, f.severity, f.service.resourceRole]).sort(), [
    ['Backdoor:EC2/DenialOfService.Dns', 8, 'ACTOR'],
    ['Backdoor:EC2/DenialOfService.Udp', 8, 'ACTOR'],
  ])
})

test('a slow 10-minute record, a private target and answers are not a flood', async () => {
  const run = await runEntries(
    [denialOfService()],
    flowEntries([
      flowRecord({
        srcaddr: LOCAL_IP,
        dstaddr: VICTIM,
        srcport: 45000,
        dstport: 443,
        protocol: 17,
        packets: 150_000,
        start: T0,
        end: T0 + 600,
      }),
      flowRecord({
        srcaddr: LOCAL_IP,
        dstaddr: '10.0.3.3',
        srcport: 45000,
        dstport: 80,
        protocol: 17,
        packets: 400_000,
        start: T0,
        end: T0 + 10,
      }),
      flowRecord({
        srcaddr: LOCAL_IP,
        dstaddr: VICTIM,
        srcport: 443,
        dstport: 51000,
        protocol: 17,
        packets: 400_000,
        start: T0,
        end: T0 + 10,
      }),
    ]),
    { context: FLOW_CONTEXT },
  )
  assert.equal(run.findings.length, 0)
})
