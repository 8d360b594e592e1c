/**
 * InstanceCredentialExfiltration.OutsideAWS / .InsideAWS: which sessions are instance sessions, the
 * decision table (AWS ranges, inventory completeness, foreign VPC endpoints, the instance's own and
 * the account's addresses), what is learned from RunInstances/AllocateAddress, and aggregation per
 * role session across credential rotation.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AwsIpRanges } from '../../enrichment/aws-ip-ranges.js'
import { MemoryInstanceInventory } from '../../enrichment/instance-inventory.js'
import { cloudTrailRecord, runDetectors, TEST_SCOPE, infoOf } from '../../testing/harness.js'
import {
  INSIDE_AWS,
  instanceCredentialExfiltration,
  instanceSessionOf,
  OUTSIDE_AWS,
} from './instance-credential-exfiltration.js'

const INSTANCE = 'i-0a1b2c3d4e5f60718'
const ROLE = 'web-server-role'

/** An instance-role session identity (IMDSv2 delivery unless said). */
function instanceRole(
  options: { key?: string; delivery?: string | undefined; session?: string } = {},
) {
  const session = options.session ?? INSTANCE
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEROLE00001:${session}`,
    arn: `arn:aws:sts::${TEST_SCOPE.accountId}:assumed-role/${ROLE}/${session}`,
    accountId: TEST_SCOPE.accountId,
    accessKeyId: options.key ?? 'ASIAEXAMPLEKEY000001',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLE00001',
        arn: `arn:aws:iam::${TEST_SCOPE.accountId}:role/${ROLE}`,
        accountId: TEST_SCOPE.accountId,
        userName: ROLE,
      },
      attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'false' },
      ...('delivery' in options
        ? options.delivery
          ? { ec2RoleDelivery: options.delivery }
          : {}
        : { ec2RoleDelivery: '2.0' }),
    },
  }
}

const call = (sourceIPAddress: string, fields: Record<string, unknown> = {}) =>
  cloudTrailRecord({
    userIdentity: instanceRole(),
    sourceIPAddress,
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    readOnly: true,
    ...fields,
  })

/** A small ip-ranges.json: one EC2 prefix (as AWS publishes it for us-west-2) and one IPv6. */
const RANGES = AwsIpRanges.fromJson({
  syncToken: '1763600000',
  createDate: '2026-11-20-00-00-00',
  prefixes: [
    {
      ip_prefix: '18.236.0.0/15',
      region: 'us-west-2',
      service: 'AMAZON',
      network_border_group: 'us-west-2',
    },
    {
      ip_prefix: '18.236.0.0/15',
      region: 'us-west-2',
      service: 'EC2',
      network_border_group: 'us-west-2',
    },
    {
      ip_prefix: '54.80.0.0/13',
      region: 'us-east-1',
      service: 'EC2',
      network_border_group: 'us-east-1',
    },
  ],
  ipv6_prefixes: [
    {
      ipv6_prefix: '2600:1f18::/33',
      region: 'us-east-1',
      service: 'EC2',
      network_border_group: 'us-east-1',
    },
  ],
})

function inventory(complete = true): MemoryInstanceInventory {
  const known = new MemoryInstanceInventory()
  known.addInstance(TEST_SCOPE, INSTANCE, ['10.0.1.25', ...(complete ? ['54.80.1.2'] : [])])
  known.addAccountAddress(TEST_SCOPE, '54.80.9.9')
  return known
}

test('instance sessions: ec2RoleDelivery or an instance-id session name', () => {
  assert.equal(instanceSessionOf(call('1.1.1.1')), INSTANCE)
  assert.equal(
    instanceSessionOf(cloudTrailRecord({ userIdentity: instanceRole({ delivery: undefined }) })),
    INSTANCE,
  )
  assert.equal(
    instanceSessionOf(cloudTrailRecord({ userIdentity: instanceRole({ session: 'deploy-bot' }) })),
    undefined,
  )
  assert.equal(instanceSessionOf(cloudTrailRecord({})), undefined)
})

test('outside AWS’s ranges → OutsideAWS, even for an instance the inventory does not know', async () => {
  const run = await runDetectors(
    [instanceCredentialExfiltration({ awsIpRanges: RANGES })],
    [
      call('81.2.69.160', { eventTime: '2026-11-20T10:00:00Z' }),
      call('81.2.69.160', {
        eventTime: '2026-11-20T16:00:00Z',
        userIdentity: instanceRole({ key: 'ASIAEXAMPLEKEY000002' }),
      }),
    ],
  )
  assert.equal(run.findings.length, 1, 'one finding across credential rotation')
  const [finding] = run.findings
  assert.equal(finding?.type, OUTSIDE_AWS)
  assert.equal(finding?.severity, 8)
  assert.equal(finding?.service.count, 2)
  assert.deepEqual(finding?.resource, {
    resourceType: 'AccessKey',
    accessKeyDetails: {
      accessKeyId: 'ASIAEXAMPLEKEY000002',
      principalId: `AROAEXAMPLEROLE00001:${INSTANCE}`,
      userName: ROLE,
      userType: 'AssumedRole',
    },
  })
  assert.deepEqual(infoOf(finding), {
    instanceId: INSTANCE,
    ec2RoleDelivery: '2.0',
  })
})

test('an AWS address that is not the instance’s → InsideAWS when the inventory is complete', async () => {
  const records = [call('18.236.253.47')]
  const inside = await runDetectors(
    [instanceCredentialExfiltration({ awsIpRanges: RANGES, inventory: inventory() })],
    records,
  )
  assert.equal(inside.findings[0]?.type, INSIDE_AWS)
  assert.equal(inside.findings[0]?.severity, 8)
  assert.deepEqual(infoOf(inside.findings[0]).awsIpRange, {
    prefix: '18.236.0.0/15',
    region: 'us-west-2',
    services: ['AMAZON', 'EC2'],
  })
  for (const known of [undefined, inventory(false)]) {
    const undecided = await runDetectors(
      [
        instanceCredentialExfiltration({
          awsIpRanges: RANGES,
          ...(known ? { inventory: known } : {}),
        }),
      ],
      records,
    )
    assert.deepEqual(undecided.findings, [], 'unknown or private-only instance: undecided')
  }
})

test('without AWS ranges: OutsideAWS only when the instance’s addresses are complete', async () => {
  const withInventory = await runDetectors(
    [instanceCredentialExfiltration({ inventory: inventory() })],
    [call('18.236.253.47')],
  )
  assert.equal(withInventory.findings[0]?.type, OUTSIDE_AWS)
  assert.equal(infoOf(withInventory.findings[0]).awsIpRanges, 'not loaded')
  const bare = await runDetectors([instanceCredentialExfiltration()], [call('81.2.69.160')])
  assert.deepEqual(bare.findings, [])
})

test('the instance’s own addresses, the account’s egress, private sources and services are fine', async () => {
  const run = await runDetectors(
    [instanceCredentialExfiltration({ awsIpRanges: RANGES, inventory: inventory() })],
    [
      call('54.80.1.2'),
      call('54.80.9.9'),
      call('10.0.1.25', { vpcEndpointId: 'vpce-0abc', vpcEndpointAccountId: TEST_SCOPE.accountId }),
      call('172.31.4.4'),
      call('ec2.amazonaws.com'),
      call('AWS Internal'),
      call('81.2.69.160', { userIdentity: { ...instanceRole(), invokedBy: 'ec2.amazonaws.com' } }),
      call('81.2.69.160', {
        userIdentity: instanceRole({ session: 'deploy-bot', delivery: undefined }),
      }),
    ],
  )
  assert.deepEqual(run.findings, [])
})

test('a VPC endpoint of another account → InsideAWS with the remote account; affiliated is Medium', async () => {
  const viaEndpoint = call('10.9.8.7', {
    vpcEndpointId: 'vpce-0ffe',
    vpcEndpointAccountId: '444455556666',
  })
  const stranger = await runDetectors([instanceCredentialExfiltration()], [viaEndpoint])
  assert.equal(stranger.findings[0]?.type, INSIDE_AWS)
  assert.equal(stranger.findings[0]?.severity, 8)
  const action = stranger.findings[0]?.service.action as Record<string, Record<string, unknown>>
  assert.equal(action.awsApiCallAction?.callerType, 'Remote account')
  assert.deepEqual(action.awsApiCallAction?.remoteAccountDetails, {
    accountId: '444455556666',
    affiliated: false,
  })
  const sister = await runDetectors(
    [
      instanceCredentialExfiltration({
        isAffiliated: (_scope, account) => account === '444455556666',
      }),
    ],
    [viaEndpoint],
  )
  assert.equal(sister.findings[0]?.severity, 5)
})

test('RunInstances teaches private addresses (incomplete); an Elastic IP association completes them', async () => {
  const known = new MemoryInstanceInventory()
  const detector = instanceCredentialExfiltration({ awsIpRanges: RANGES, inventory: known })
  const launch = cloudTrailRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    responseElements: {
      instancesSet: {
        items: [
          {
            instanceId: INSTANCE,
            privateIpAddress: '10.0.1.25',
            networkInterfaceSet: {
              items: [
                {
                  networkInterfaceId: 'eni-0abc',
                  privateIpAddress: '10.0.1.25',
                  privateIpAddressesSet: {
                    item: [{ privateIpAddress: '10.0.1.25', primary: true }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  })
  const associate = cloudTrailRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'AssociateAddress',
    requestParameters: { instanceId: INSTANCE, publicIp: '54.80.3.3' },
    eventTime: '2026-11-20T10:01:00Z',
  })
  const before = await runDetectors(
    [detector],
    [launch, call('18.236.1.1', { eventTime: '2026-11-20T10:00:30Z' })],
  )
  assert.deepEqual(before.findings, [])
  assert.equal(known.addressesOf(TEST_SCOPE, INSTANCE)?.complete, false)
  const after = await runDetectors(
    [detector],
    [
      associate,
      call('54.80.3.3', { eventTime: '2026-11-20T10:02:00Z' }),
      call('18.236.1.1', { eventTime: '2026-11-20T10:03:00Z' }),
    ],
  )
  assert.deepEqual(
    after.findings.map((f) => f.type),
    [INSIDE_AWS],
  )
})
