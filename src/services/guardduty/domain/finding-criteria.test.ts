import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ModeledError } from '../../../protocol/modeled-error.js'
import { evaluateCriteria } from '../../../storage/query/evaluate-criteria.js'
import type { FindingCriteria } from '../generated/types.js'
import { parseFindingCriteria, readFindingValues } from './finding-criteria.js'

/** A finding as GetFindings returns it (wire names, ISO string dates). */
const finding = {
  accountId: '123456789012',
  region: 'us-east-1',
  id: 'a1b2c3',
  type: 'Recon:EC2/PortProbeUnprotectedPort',
  severity: 5.8,
  confidence: 7.5,
  createdAt: '2026-11-20T10:00:00.000Z',
  updatedAt: '2026-11-21T12:30:00.000Z',
  resource: {
    resourceType: 'Instance',
    instanceDetails: {
      instanceId: 'i-0abc',
      tags: [
        { key: 'env', value: 'prod' },
        { key: 'team', value: 'payments' },
      ],
      networkInterfaces: [
        {
          securityGroups: [{ groupId: 'sg-1', groupName: 'web' }],
          privateIpAddresses: [{ privateIpAddress: '10.0.0.5' }],
        },
        {
          securityGroups: [{ groupId: 'sg-2', groupName: 'db' }],
          privateIpAddresses: [{ privateIpAddress: '10.0.1.9' }],
        },
      ],
    },
  },
  service: {
    archived: false,
    resourceRole: 'TARGET',
    eventFirstSeen: '2026-11-20T09:55:00.000Z',
    additionalInfo: { value: '{"threatListName":"tor-exits","sample":true}', type: 'default' },
    action: {
      actionType: 'PORT_PROBE',
      portProbeAction: { blocked: false },
      networkConnectionAction: {
        localPortDetails: { port: 22 },
        remoteIpDetails: { ipAddressV4: '185.220.101.4' },
      },
    },
  },
}

function matches(criterion: FindingCriteria['Criterion']): boolean {
  return evaluateCriteria(
    parseFindingCriteria({ Criterion: criterion }),
    finding,
    readFindingValues,
  )
}

test('equality, negation and comparisons on scalar keys', () => {
  assert.equal(matches({ type: { Eq: ['Recon:EC2/PortProbeUnprotectedPort'] } }), true)
  assert.equal(matches({ type: { Equals: ['Backdoor:EC2/C&CActivity.B'] } }), false)
  assert.equal(matches({ type: { NotEquals: ['Backdoor:EC2/C&CActivity.B'] } }), true)
  assert.equal(matches({ confidence: { Gte: 7 } }), true)
  assert.equal(matches({ confidence: { GreaterThan: 8 } }), false)
  assert.equal(
    matches({ 'service.action.networkConnectionAction.localPortDetails.port': { Eq: ['22'] } }),
    true,
  )
})

test('severity equality uses the integer part, as AWS documents Low/Medium/High', () => {
  assert.equal(matches({ severity: { Eq: ['4', '5', '6'] } }), true)
  assert.equal(matches({ severity: { Eq: ['7', '8'] } }), false)
  assert.equal(matches({ severity: { Gte: 5 } }), true)
  assert.equal(matches({ severity: { Lt: 5 } }), false)
})

test('timestamps compare in epoch milliseconds, including the ISO string dates', () => {
  const updated = Date.parse(finding.updatedAt)
  assert.equal(matches({ updatedAt: { GreaterThanOrEqual: updated } }), true)
  assert.equal(matches({ updatedAt: { GreaterThan: updated } }), false)
  assert.equal(matches({ updatedAt: { Equals: ['2026-11-21T12:30:00.000Z'] } }), true)
  assert.equal(
    matches({ 'service.eventFirstSeen': { Lt: Date.parse('2026-11-20T10:00:00Z') } }),
    true,
  )
})

test('multi-valued paths: any element for equals, no element for notEquals', () => {
  const sg = 'resource.instanceDetails.networkInterfaces.securityGroups.groupId'
  assert.equal(matches({ [sg]: { Eq: ['sg-2'] } }), true)
  assert.equal(matches({ [sg]: { Eq: ['sg-9'] } }), false)
  assert.equal(matches({ [sg]: { Neq: ['sg-9'] } }), true)
  assert.equal(
    matches({ [sg]: { Neq: ['sg-1'] } }),
    false,
    'one interface in sg-1 excludes the finding',
  )
  assert.equal(matches({ 'resource.instanceDetails.tags.value': { Eq: ['payments'] } }), true)
  assert.equal(matches({ 'resource.instanceDetails.tags.key': { Eq: ['owner'] } }), false)
  assert.equal(
    matches({
      'resource.instanceDetails.networkInterfaces.privateIpAddresses.privateIpAddress': {
        Eq: ['10.0.1.9'],
      },
    }),
    true,
  )
})

test('absent attributes: equals never holds, notEquals always does', () => {
  const key = 'resource.accessKeyDetails.userName'
  assert.equal(matches({ [key]: { Eq: ['alice'] } }), false)
  assert.equal(matches({ [key]: { Neq: ['alice'] } }), true)
})

test('service.archived and the threat list name inside additionalInfo', () => {
  assert.equal(matches({ 'service.archived': { Eq: ['false'] } }), true)
  assert.equal(matches({ 'service.archived': { Eq: ['TRUE'] } }), false)
  assert.equal(matches({ 'service.additionalInfo.threatListName': { Eq: ['tor-exits'] } }), true)
  assert.equal(matches({ 'service.additionalInfo.threatListName': { Eq: ['other'] } }), false)
})

test('several operators in one condition and several keys all apply', () => {
  assert.equal(matches({ severity: { Gte: 5, Lt: 6 }, type: { Neq: ['x'] } }), true)
  assert.equal(matches({ severity: { Gte: 5, Lt: 5.5 } }), false)
})

test('bad values and misplaced comparisons are refused naming the key', () => {
  const cases: [FindingCriteria['Criterion'], RegExp][] = [
    [
      { severity: { Eq: ['high'] } },
      /'high' is not a valid number value for the criterion 'severity'/,
    ],
    [{ 'service.archived': { Eq: ['maybe'] } }, /'service\.archived'/],
    [{ type: { Gt: 3 } }, /gt does not apply to the string criterion 'type'/],
    [{ updatedAt: { Eq: ['yesterday'] } }, /'updatedAt'/],
  ]
  for (const [criterion, pattern] of cases)
    assert.throws(
      () => parseFindingCriteria({ Criterion: criterion }),
      (e: unknown) => e instanceof ModeledError && pattern.test(e.message),
    )
})
