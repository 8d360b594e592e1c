/**
 * The flow-log detectors over the port-scan dataset (`../shared/datasets/flowlogs/portscan/`: Zeek
 * connections of nmap scans from 172.16.1.11, converted to default-format VPC Flow Logs on
 * `eni-0a1b2c3d4e5f60001`, account 123456789012; facts in its EXPECTED.md), read by the real
 * reader with the object's S3-style name as context (the records carry no Region):
 *
 * - exactly one finding, `Recon:EC2/Portscan` (Medium 5), resource role ACTOR, on the instance the
 *   inventory maps the interface to, interface and private address 172.16.1.11 in the resource;
 *   action NETWORK_CONNECTION, OUTBOUND, TCP, remote a scanned host (10.0.2.x or 192.168.1.155);
 * - first raised for the scan phase's first window, when the 15-port threshold is first crossed
 *   (record start 15:31:41Z; nothing in the file's first 5 minutes); the 22 hosts of the 15:30
 *   window and the 3 of the 15:40 window are 25 occurrences of that one finding;
 * - no PortSweep (the sweeps hit private addresses only), no brute force, nothing else — with every
 *   flow-log detector on, a Tor relay list and a threat list that hold none of the addresses.
 */
import assert from 'node:assert/strict'
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { MemoryInstanceInventory } from '../../enrichment/instance-inventory.js'
import { TorExitNodes } from '../../enrichment/tor-exit-nodes.js'
import { parseS3LogKey, readLogObject } from '../../sources/index.js'
import { datasetPath } from '../../sources/test-datasets.js'
import { runEntries } from '../../testing/harness.js'
import { ThreatListMatcher } from '../../threat-lists/threat-list-matcher.js'
import { vpcFlowDetectors } from './index.js'

const NAME = '123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20220929T1440Z_0001.log'
const SCOPE = { accountId: '123456789012', region: 'us-east-1' }
const ENI = 'eni-0a1b2c3d4e5f60001'
const INSTANCE = 'i-0a1b2c3d4e5f60001'

for (const suffix of ['.gz', '']) {
  test(`port-scan flow log${suffix}: exactly the Portscan finding of EXPECTED.md`, async (t) => {
    const dir = datasetPath(t, 'flowlogs/portscan')
    if (dir === undefined) return
    const inventory = new MemoryInstanceInventory()
    inventory.addInterface(SCOPE, ENI, INSTANCE)
    const lists = new ThreatListMatcher([
      {
        id: 'l1',
        name: 'Unrelated',
        kind: 'threat',
        entries: { ips: ['45.33.32.156'], cidrs: ['198.51.100.0/24'], domains: [] },
      },
    ])
    const name = `${NAME}${suffix}`
    const reader = readLogObject(createReadStream(join(dir, name)), { name, hint: 'vpc-flow' })
    const run = await runEntries(
      vpcFlowDetectors({
        instanceInventory: inventory,
        torExitNodes: TorExitNodes.parse('185.220.101.1\n185.220.101.2\n'),
      }),
      reader.batches(),
      {
        context: { name, ...(parseS3LogKey(name) ? { keyHint: parseS3LogKey(name) } : {}) },
        threatLists: { matcher: () => Promise.resolve(lists) },
      },
    )
    assert.equal(reader.report.records, 5917)
    assert.equal(run.summary.eventsAnalyzed, 5917)
    assert.deepEqual(run.summary.detectionsByType, { 'Recon:EC2/Portscan': 25 })
    assert.equal(run.findings.length, 1)
    const [finding] = run.findings
    assert.ok(finding)
    assert.equal(finding.type, 'Recon:EC2/Portscan')
    assert.equal(finding.severity, 5)
    assert.equal(finding.accountId, SCOPE.accountId)
    assert.equal(finding.region, SCOPE.region)
    assert.equal(finding.service.resourceRole, 'ACTOR')
    assert.equal(finding.service.count, 25)
    assert.equal(finding.service.eventFirstSeen, '2022-09-29T15:31:41.000Z')
    assert.ok(String(finding.service.eventLastSeen) >= '2022-09-29T15:40:00.000Z')
    assert.deepEqual(finding.resource, {
      resourceType: 'Instance',
      instanceDetails: {
        instanceId: INSTANCE,
        networkInterfaces: [
          {
            networkInterfaceId: ENI,
            privateIpAddress: '172.16.1.11',
            privateIpAddresses: [{ privateIpAddress: '172.16.1.11' }],
          },
        ],
      },
    })
    const action = finding.service.action as {
      actionType: string
      networkConnectionAction: {
        connectionDirection: string
        protocol: string
        remoteIpDetails: { ipAddressV4: string }
      }
    }
    assert.equal(action.actionType, 'NETWORK_CONNECTION')
    assert.equal(action.networkConnectionAction.connectionDirection, 'OUTBOUND')
    assert.equal(action.networkConnectionAction.protocol, 'TCP')
    assert.match(
      action.networkConnectionAction.remoteIpDetails.ipAddressV4,
      /^(10\.0\.2\.\d+|192\.168\.1\.155)$/,
    )
  })
}
