import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EventPattern, EventPatternError } from './event-pattern.js'

const event = {
  source: 'aws.guardduty',
  'detail-type': 'GuardDuty Finding',
  region: 'us-east-1',
  resources: [],
  detail: {
    type: 'Recon:EC2/Portscan',
    severity: 5.3,
    resource: {
      resourceType: 'Instance',
      instanceDetails: { tags: [{ key: 'env', value: 'prod' }] },
    },
    service: { archived: false, remoteIp: '198.51.100.7', note: null },
  },
}

const cases: [string, unknown, boolean][] = [
  ['literal', { source: ['aws.guardduty'] }, true],
  ['literal miss', { source: ['aws.inspector2'] }, false],
  ['alternatives', { source: ['aws.inspector2', 'aws.guardduty'] }, true],
  ['nested', { detail: { resource: { resourceType: ['Instance'] } } }, true],
  [
    'array element',
    { detail: { resource: { instanceDetails: { tags: { value: ['prod'] } } } } },
    true,
  ],
  ['number', { detail: { severity: [5.3] } }, true],
  ['numeric range', { detail: { severity: [{ numeric: ['>=', 4, '<', 7] }] } }, true],
  ['numeric miss', { detail: { severity: [{ numeric: ['>=', 7] }] } }, false],
  ['prefix', { detail: { type: [{ prefix: 'Recon:' }] } }, true],
  [
    'prefix ignoring case',
    { detail: { type: [{ prefix: { 'equals-ignore-case': 'recon:' } }] } },
    true,
  ],
  ['suffix', { detail: { type: [{ suffix: '/Portscan' }] } }, true],
  ['equals-ignore-case', { region: [{ 'equals-ignore-case': 'US-EAST-1' }] }, true],
  ['wildcard', { detail: { type: [{ wildcard: 'Recon:*/Port*' }] } }, true],
  ['anything-but', { detail: { type: [{ 'anything-but': ['Recon:EC2/Portscan'] }] } }, false],
  ['anything-but prefix', { detail: { type: [{ 'anything-but': { prefix: 'Trojan' } }] } }, true],
  ['boolean', { detail: { service: { archived: [false] } } }, true],
  ['null', { detail: { service: { note: [null] } } }, true],
  ['exists', { detail: { service: { remoteIp: [{ exists: true }] } } }, true],
  ['not exists', { detail: { service: { missing: [{ exists: false }] } } }, true],
  ['missing field', { detail: { service: { missing: ['x'] } } }, false],
  ['anything-but on a missing field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
  ['cidr', { detail: { service: { remoteIp: [{ cidr: '198.51.100.0/24' }] } } }, true],
  ['cidr miss', { detail: { service: { remoteIp: [{ cidr: '10.0.0.0/8' }] } } }, false],
  ['$or', { $or: [{ source: ['x'] }, { detail: { severity: [{ numeric: ['>', 5] }] } }] }, true],
  ['$or miss', { $or: [{ source: ['x'] }, { region: ['eu-west-1'] }] }, false],
  ['AND across keys', { source: ['aws.guardduty'], region: ['eu-west-1'] }, false],
]

for (const [name, pattern, expected] of cases)
  test(`pattern: ${name}`, () => {
    assert.equal(new EventPattern(pattern).matches(event), expected)
  })

test('invalid patterns are refused with where', () => {
  for (const [pattern, where] of [
    [[], /JSON object/],
    [{ source: 'aws.guardduty' }, /\/source: expected a list/],
    [{ source: [] }, /\/source: an empty list/],
    [{ detail: { severity: [{ numeric: ['~', 1] }] } }, /numeric operator "~"/],
    [{ detail: { ip: [{ cidr: 'nope' }] } }, /cidr "nope"/],
    [{ detail: { x: [{ regex: 'a' }] } }, /unknown matcher regex/],
  ] as const)
    assert.throws(
      () => new EventPattern(pattern),
      (e: unknown) => e instanceof EventPatternError && where.test(e.message),
    )
})
