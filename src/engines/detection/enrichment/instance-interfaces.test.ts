/**
 * MemoryInstanceInventory's interface → instance map: learned from RunInstances responses and
 * AttachNetworkInterface requests, loaded from describe-instances output and Vigil's form.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cloudTrailRecord, TEST_SCOPE } from '../testing/harness.js'
import { MemoryInstanceInventory } from './instance-inventory.js'

test('learned from RunInstances and AttachNetworkInterface', () => {
  const inventory = new MemoryInstanceInventory()
  assert.equal(
    inventory.learn(
      TEST_SCOPE,
      cloudTrailRecord({
        eventSource: 'ec2.amazonaws.com',
        eventName: 'RunInstances',
        responseElements: {
          instancesSet: {
            items: [
              {
                instanceId: 'i-0aaaaaaaaaaaaaaaa',
                privateIpAddress: '10.0.1.5',
                networkInterfaceSet: {
                  items: [
                    { networkInterfaceId: 'eni-0aaaaaaaaaaaaaaaa', privateIpAddress: '10.0.1.5' },
                  ],
                },
              },
            ],
          },
        },
      }),
    ),
    true,
  )
  assert.equal(
    inventory.instanceOfInterface(TEST_SCOPE, 'eni-0aaaaaaaaaaaaaaaa'),
    'i-0aaaaaaaaaaaaaaaa',
  )
  inventory.learn(
    TEST_SCOPE,
    cloudTrailRecord({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'AttachNetworkInterface',
      requestParameters: {
        networkInterfaceId: 'eni-0bbbbbbbbbbbbbbbb',
        instanceId: 'i-0aaaaaaaaaaaaaaaa',
        deviceIndex: 1,
      },
    }),
  )
  assert.equal(
    inventory.instanceOfInterface(TEST_SCOPE, 'eni-0bbbbbbbbbbbbbbbb'),
    'i-0aaaaaaaaaaaaaaaa',
  )
  assert.equal(
    inventory.instanceOfInterface({ ...TEST_SCOPE, region: 'eu-west-1' }, 'eni-0bbbbbbbbbbbbbbbb'),
    undefined,
  )
})

test('loaded from describe-instances output and Vigil form', () => {
  const inventory = new MemoryInstanceInventory()
  inventory.load({
    Reservations: [
      {
        OwnerId: TEST_SCOPE.accountId,
        Instances: [
          {
            InstanceId: 'i-0ccccccccccccccccc',
            Placement: { AvailabilityZone: 'us-east-1a' },
            PrivateIpAddress: '10.0.2.5',
            NetworkInterfaces: [
              { NetworkInterfaceId: 'eni-0ccccccccccccccccc', PrivateIpAddress: '10.0.2.5' },
            ],
          },
        ],
      },
    ],
  })
  assert.equal(
    inventory.instanceOfInterface(TEST_SCOPE, 'eni-0ccccccccccccccccc'),
    'i-0ccccccccccccccccc',
  )
  inventory.load({
    instances: [
      {
        accountId: TEST_SCOPE.accountId,
        region: TEST_SCOPE.region,
        instanceId: 'i-0dddddddddddddddd',
        addresses: ['10.0.3.5'],
        networkInterfaces: ['eni-0dddddddddddddddd'],
      },
    ],
  })
  assert.equal(
    inventory.instanceOfInterface(TEST_SCOPE, 'eni-0dddddddddddddddd'),
    'i-0dddddddddddddddd',
  )
})
