import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ValidationException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { findingMatches, parseFilterCriteria } from './finding-criteria.js'

const finding = {
  findingArn: 'arn:aws:inspector2:us-east-1:111111111111:finding/' + 'a'.repeat(32),
  awsAccountId: '111111111111',
  type: 'PACKAGE_VULNERABILITY',
  severity: 'HIGH',
  status: 'ACTIVE',
  inspectorScore: 7.5,
  firstObservedAt: 1_700_000_000.5,
  lastObservedAt: 1_700_000_100,
  resources: [
    { type: 'AWS_EC2_INSTANCE', id: 'i-1', tags: { env: 'prod' } },
    {
      type: 'AWS_ECR_CONTAINER_IMAGE',
      id: 'img',
      details: { awsEcrContainerImage: { pushedAt: 1_600_000_000, inUseCount: 3 } },
    },
  ],
  packageVulnerabilityDetails: {
    vulnerabilityId: 'CVE-2024-6119',
    vulnerablePackages: [
      { name: 'openssl', version: '3.0.13', epoch: 0 },
      { name: 'libssl3t64', version: '1.1', epoch: 1 },
    ],
  },
  networkReachabilityDetails: { openPortRange: { begin: 22, end: 22 }, protocol: 'TCP' },
}

const matches = (criteria: i2.FilterCriteria) =>
  findingMatches(parseFilterCriteria(criteria), finding)
const eq = (value: string) => ({ comparison: 'EQUALS' as const, value })
const ne = (value: string) => ({ comparison: 'NOT_EQUALS' as const, value })
const prefix = (value: string) => ({ comparison: 'PREFIX' as const, value })

test('string filters: EQUALS and PREFIX are ORed, NOT_EQUALS are ANDed, fields are ANDed', () => {
  assert.equal(matches({ severity: [eq('LOW'), eq('HIGH')] }), true)
  assert.equal(matches({ severity: [eq('LOW'), prefix('HI')] }), true)
  assert.equal(matches({ severity: [ne('LOW'), ne('HIGH')] }), false)
  assert.equal(matches({ severity: [ne('LOW'), ne('CRITICAL')] }), true)
  assert.equal(matches({ severity: [eq('HIGH'), ne('HIGH')] }), false)
  assert.equal(matches({ severity: [eq('HIGH')], findingType: [eq('CODE_VULNERABILITY')] }), false)
  assert.equal(matches({ resourceId: [eq('img')] }), true, 'any resource')
  assert.equal(matches({ resourceId: [ne('img')] }), false, 'no resource may have it')
  assert.equal(matches({ ecrImageTags: [ne('latest')] }), true, 'absent attribute is not equal')
  assert.equal(matches({ ecrImageTags: [eq('latest')] }), false)
})

test('number, date and port range filters are inclusive ranges, ORed within a field', () => {
  assert.equal(matches({ inspectorScore: [{ lowerInclusive: 7.5, upperInclusive: 7.5 }] }), true)
  assert.equal(matches({ inspectorScore: [{ upperInclusive: 7 }, { lowerInclusive: 9 }] }), false)
  assert.equal(matches({ inspectorScore: [{ upperInclusive: 7 }, { lowerInclusive: 7 }] }), true)
  assert.equal(matches({ epssScore: [{ lowerInclusive: 0 }] }), false, 'absent number')
  const at = (s: number) => new Date(s * 1000)
  assert.equal(matches({ firstObservedAt: [{ startInclusive: at(1_700_000_000.5) }] }), true)
  assert.equal(matches({ firstObservedAt: [{ startInclusive: at(1_700_000_000.501) }] }), false)
  assert.equal(matches({ ecrImagePushedAt: [{ endInclusive: at(1_600_000_000) }] }), true)
  assert.equal(matches({ ecrImageInUseCount: [{ lowerInclusive: 3, upperInclusive: 3 }] }), true)
  assert.equal(matches({ portRange: [{ beginInclusive: 22, endInclusive: 22 }] }), true)
  assert.equal(matches({ portRange: [{ beginInclusive: 0, endInclusive: 21 }] }), false)
  assert.equal(matches({ portRange: [{ beginInclusive: 20 }] }), true)
})

test('map filters: key and value, or key alone', () => {
  assert.equal(
    matches({ resourceTags: [{ comparison: 'EQUALS', key: 'env', value: 'prod' }] }),
    true,
  )
  assert.equal(
    matches({ resourceTags: [{ comparison: 'EQUALS', key: 'env', value: 'dev' }] }),
    false,
  )
  assert.equal(matches({ resourceTags: [{ comparison: 'EQUALS', key: 'env' }] }), true)
  assert.equal(matches({ resourceTags: [{ comparison: 'EQUALS', key: 'team' }] }), false)
})

test('package filters hold when one package satisfies all their sub-filters', () => {
  const pkg = (f: i2.PackageFilter) => matches({ vulnerablePackages: [f] })
  assert.equal(pkg({ name: eq('openssl'), version: eq('3.0.13') }), true)
  assert.equal(
    pkg({ name: eq('openssl'), version: eq('1.1') }),
    false,
    'version of another package',
  )
  assert.equal(pkg({ name: prefix('libssl'), epoch: { lowerInclusive: 1 } }), true)
  assert.equal(pkg({ name: ne('openssl') }), true, 'some package is not openssl')
  assert.equal(
    matches({ vulnerablePackages: [{ name: eq('zlib') }, { version: prefix('3.') }] }),
    true,
    'package filters are ORed',
  )
})

test('invalid combinations are a ValidationException naming the field', () => {
  const field = (criteria: i2.FilterCriteria) => {
    try {
      parseFilterCriteria(criteria)
    } catch (error) {
      assert.ok(error instanceof ValidationException)
      const fields = error.members.fields as { name: string }[] | undefined
      return fields?.[0]?.name
    }
    return assert.fail('expected a ValidationException')
  }
  assert.equal(field({ inspectorScore: [{}] }), 'filterCriteria.inspectorScore')
  assert.equal(
    field({ inspectorScore: [{ lowerInclusive: 8, upperInclusive: 2 }] }),
    'filterCriteria.inspectorScore',
  )
  assert.equal(
    field({ updatedAt: [{ startInclusive: new Date(2000), endInclusive: new Date(1000) }] }),
    'filterCriteria.updatedAt',
  )
  assert.equal(field({ portRange: [{}] }), 'filterCriteria.portRange')
  assert.equal(field({ vulnerablePackages: [{}] }), 'filterCriteria.vulnerablePackages')
  assert.equal(
    field({ vulnerablePackages: [{ epoch: {} }] }),
    'filterCriteria.vulnerablePackages.epoch',
  )
})
