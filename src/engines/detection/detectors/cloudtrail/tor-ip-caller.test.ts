/**
 * TorIPCaller: calls from exit nodes of the supplied list, classified Recon / UnauthorizedAccess
 * (IAMUser) and Discovery / UnauthorizedAccess (S3); nothing without a list or from other addresses.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TorExitNodes } from '../../enrichment/tor-exit-nodes.js'
import { cloudTrailRecord, runDetectors, s3DataRecord } from '../../testing/harness.js'
import { torIpCaller } from './tor-ip-caller.js'

const EXITS = TorExitNodes.parse('185.220.101.1\n185.220.101.2\n# comment\n')
const TOR = '185.220.101.1'

test('calls from an exit node raise by category, each with its severity', async () => {
  const run = await runDetectors(
    [torIpCaller({ torExitNodes: EXITS })],
    [
      cloudTrailRecord({ sourceIPAddress: TOR, eventName: 'ListUsers', readOnly: true }),
      cloudTrailRecord({ sourceIPAddress: TOR, eventName: 'CreateAccessKey', readOnly: false }),
      s3DataRecord('b', { sourceIPAddress: TOR, eventName: 'ListObjects' }),
      s3DataRecord('b', { sourceIPAddress: TOR, eventName: 'GetObject' }),
      cloudTrailRecord({ sourceIPAddress: '203.0.113.5' }),
    ],
  )
  assert.deepEqual(
    run.findings.map((f) => [f.type, f.severity]),
    [
      ['Recon:IAMUser/TorIPCaller', 5],
      ['UnauthorizedAccess:IAMUser/TorIPCaller', 5],
      ['Discovery:S3/TorIPCaller', 5],
      ['UnauthorizedAccess:S3/TorIPCaller', 8],
    ],
  )
  const action = run.findings[1]?.service.action as Record<string, Record<string, unknown>>
  assert.deepEqual(action.awsApiCallAction?.remoteIpDetails, { ipAddressV4: TOR })
})

test('without a Tor list nothing is raised', async () => {
  const run = await runDetectors([torIpCaller()], [cloudTrailRecord({ sourceIPAddress: TOR })])
  assert.deepEqual(run.findings, [])
})
