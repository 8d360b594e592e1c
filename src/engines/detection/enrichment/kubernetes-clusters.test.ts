/**
 * StaticKubernetesClusters: clusters by name, the default (marked, or the only one), the JSON
 * configuration and describe-cluster output, and refusals of unusable entries.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clusterArn, StaticKubernetesClusters } from './kubernetes-clusters.js'

test('by name; the only cluster is the default; a marked one wins', () => {
  const clusters = new StaticKubernetesClusters([
    { name: 'prod', accountId: '111122223333', region: 'us-east-1' },
  ])
  assert.equal(clusters.cluster('prod')?.region, 'us-east-1')
  assert.equal(clusters.cluster()?.name, 'prod')
  assert.equal(clusters.cluster('dev'), undefined)
  clusters.add({ name: 'dev', accountId: '444455556666', region: 'eu-west-1' })
  assert.equal(clusters.cluster(), undefined)
  clusters.add({ name: 'dev', accountId: '444455556666', region: 'eu-west-1' }, true)
  assert.equal(clusters.cluster()?.name, 'dev')
  assert.equal(
    clusterArn({ name: 'dev', accountId: '444455556666', region: 'eu-west-1' }),
    'arn:aws:eks:eu-west-1:444455556666:cluster/dev',
  )
})

test('the JSON configuration and describe-cluster output', () => {
  const clusters = new StaticKubernetesClusters()
  assert.equal(
    clusters.load({
      clusters: [
        {
          name: 'prod',
          accountId: '111122223333',
          region: 'us-east-1',
          vpcId: 'vpc-1',
          tags: { team: 'web' },
          default: true,
        },
        { arn: 'arn:aws:eks:eu-west-1:444455556666:cluster/dev' },
      ],
    }),
    2,
  )
  assert.deepEqual(clusters.cluster(), {
    name: 'prod',
    accountId: '111122223333',
    region: 'us-east-1',
    vpcId: 'vpc-1',
    tags: { team: 'web' },
  })
  assert.equal(clusters.cluster('dev')?.accountId, '444455556666')
  clusters.load({
    cluster: {
      name: 'ml',
      arn: 'arn:aws:eks:us-west-2:777788889999:cluster/ml',
      createdAt: '2024-05-01T10:00:00Z',
      status: 'ACTIVE',
      resourcesVpcConfig: { vpcId: 'vpc-2' },
    },
  })
  assert.equal(clusters.cluster('ml')?.vpcId, 'vpc-2')
  assert.equal(clusters.cluster('ml')?.createdAt, 1714557600)
  assert.throws(
    () => clusters.load({ clusters: [{ name: 'x', region: 'us-east-1' }] }),
    /accountId/,
  )
  assert.throws(() => clusters.load({ other: 1 }), TypeError)
})
