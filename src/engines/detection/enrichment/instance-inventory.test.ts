/**
 * The instance inventory: operator-supplied describe-instances output and Vigil's own form, what
 * CloudTrail teaches (RunInstances, AssociateAddress, AllocateAddress, CreateNatGateway; failures
 * teach nothing), completeness, and Regions from Availability Zones.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cloudTrailRecord, TEST_SCOPE } from '../testing/harness.js'
import { MemoryInstanceInventory, regionOfZone } from './instance-inventory.js'

test('describe-instances output: every address, complete, scoped by owner and zone', () => {
  const inventory = new MemoryInstanceInventory()
  const count = inventory.load({
    Reservations: [
      {
        OwnerId: '111122223333',
        Instances: [
          {
            InstanceId: 'i-0123456789abcdef0',
            Placement: { AvailabilityZone: 'eu-west-1b' },
            PrivateIpAddress: '10.0.0.5',
            PublicIpAddress: '34.240.1.2',
            NetworkInterfaces: [
              {
                PrivateIpAddress: '10.0.0.5',
                Association: { PublicIp: '34.240.1.2' },
                PrivateIpAddresses: [
                  { PrivateIpAddress: '10.0.0.6', Association: { PublicIp: '34.240.1.3' } },
                ],
                Ipv6Addresses: [{ Ipv6Address: '2a05:d018::1' }],
              },
            ],
          },
        ],
      },
    ],
  })
  assert.equal(count, 1)
  const scope = { accountId: '111122223333', region: 'eu-west-1' }
  const known = inventory.addressesOf(scope, 'i-0123456789abcdef0')
  assert.equal(known?.complete, true)
  assert.deepEqual([...(known?.addresses ?? [])].sort(), [
    '10.0.0.5',
    '10.0.0.6',
    '2a05:d018:0:0:0:0:0:1',
    '34.240.1.2',
    '34.240.1.3',
  ])
  assert.equal(inventory.isAccountAddress(scope, '34.240.1.3'), true)
  assert.equal(
    inventory.addressesOf({ ...scope, region: 'us-east-1' }, 'i-0123456789abcdef0'),
    undefined,
  )
})

test('Vigil’s own form; anything else is refused', () => {
  const inventory = new MemoryInstanceInventory()
  inventory.load({
    instances: [
      {
        accountId: TEST_SCOPE.accountId,
        region: 'us-east-1',
        instanceId: 'i-0aaa0aaa',
        addresses: ['10.1.1.1'],
      },
    ],
    accountAddresses: [
      { accountId: TEST_SCOPE.accountId, region: 'us-east-1', address: '44.200.1.1' },
    ],
  })
  assert.equal(inventory.addressesOf(TEST_SCOPE, 'i-0aaa0aaa')?.complete, true)
  assert.equal(inventory.isAccountAddress(TEST_SCOPE, '44.200.1.1'), true)
  assert.throws(() => inventory.load([]), TypeError)
  assert.throws(() => inventory.load({ something: 1 }), /describe-instances/)
})

test('learning from CloudTrail; failed calls teach nothing', () => {
  const inventory = new MemoryInstanceInventory()
  const ec2 = (eventName: string, fields: Record<string, unknown>) =>
    cloudTrailRecord({ eventSource: 'ec2.amazonaws.com', eventName, ...fields })
  assert.equal(
    inventory.learn(
      TEST_SCOPE,
      ec2('RunInstances', {
        responseElements: {
          instancesSet: { items: [{ instanceId: 'i-0bbb0bbb', privateIpAddress: '10.2.2.2' }] },
        },
      }),
    ),
    true,
  )
  assert.equal(inventory.addressesOf(TEST_SCOPE, 'i-0bbb0bbb')?.complete, false)
  inventory.learn(
    TEST_SCOPE,
    ec2('AllocateAddress', {
      responseElements: { publicIp: '44.1.1.1', allocationId: 'eipalloc-1' },
    }),
  )
  inventory.learn(
    TEST_SCOPE,
    ec2('CreateNatGateway', {
      responseElements: {
        CreateNatGatewayResponse: {
          natGateway: { natGatewayAddressSet: { item: [{ publicIp: '44.2.2.2' }] } },
        },
      },
    }),
  )
  assert.equal(inventory.isAccountAddress(TEST_SCOPE, '44.1.1.1'), true)
  assert.equal(inventory.isAccountAddress(TEST_SCOPE, '44.2.2.2'), true)
  assert.equal(
    inventory.learn(
      TEST_SCOPE,
      ec2('AssociateAddress', {
        requestParameters: { instanceId: 'i-0ccc0ccc', publicIp: '44.3.3.3' },
        errorCode: 'AuthFailure',
      }),
    ),
    false,
  )
  assert.equal(inventory.addressesOf(TEST_SCOPE, 'i-0ccc0ccc'), undefined)
})

test('Regions from Availability Zones', () => {
  assert.equal(regionOfZone('us-east-1a'), 'us-east-1')
  assert.equal(regionOfZone('us-west-2-lax-1a'), 'us-west-2')
  assert.equal(regionOfZone('us-gov-west-1b'), 'us-gov-west-1')
  assert.equal(regionOfZone('ap-southeast-4c'), 'ap-southeast-4')
})
