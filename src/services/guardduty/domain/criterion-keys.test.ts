import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ModeledError } from '../../../protocol/modeled-error.js'
import type { FindingCriteria } from '../generated/types.js'
import { CRITERION_KEYS } from './criterion-keys.js'
import { checkFindingCriteria } from './finding-criteria.js'

test('the documented criterion keys are all accepted', () => {
  for (const key of [
    'accountId',
    'region',
    'confidence',
    'id',
    'severity',
    'type',
    'updatedAt',
    'resource.instanceDetails.instanceId',
    'resource.instanceDetails.tags.key',
    'resource.instanceDetails.networkInterfaces.securityGroups.groupId',
    'resource.instanceDetails.networkInterfaces.privateIpAddresses.privateIpAddress',
    'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4',
    'service.action.dnsRequestAction.domainWithSuffix',
    'service.additionalInfo.threatListName',
    'service.archived',
    'service.resourceRole',
    'resource.kubernetesDetails.kubernetesWorkloadDetails.containers.imagePrefix',
    'resource.s3BucketDetails.publicAccess.effectivePermissions',
    'service.runtimeDetails.process.name',
  ])
    assert.ok(CRITERION_KEYS.has(key), key)
  assert.ok(CRITERION_KEYS.size > 400)
  assert.ok(!CRITERION_KEYS.has('resource'), 'structures are not leaves')
})

test('unknown keys, conditions without operators and empty lists are refused naming the key', () => {
  assert.doesNotThrow(() =>
    checkFindingCriteria({
      Criterion: { severity: { Gte: 4 }, type: { Equals: ['Recon:EC2/Portscan'] } },
    }),
  )
  const cases: [FindingCriteria, RegExp][] = [
    [{ Criterion: { 'resource.nope': { Eq: ['x'] } } }, /'resource\.nope'/],
    [{ Criterion: { severity: {} } }, /'severity' has no operator/],
    [{ Criterion: { type: { Equals: [] } } }, /'type' has an empty equals list/],
  ]
  for (const [criteria, pattern] of cases) {
    assert.throws(
      () => checkFindingCriteria(criteria),
      (e: unknown) =>
        e instanceof ModeledError &&
        e.info.shape === 'BadRequestException' &&
        pattern.test(e.message),
    )
  }
})
