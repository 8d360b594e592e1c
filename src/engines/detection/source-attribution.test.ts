/**
 * The flow-log, DNS and Kubernetes attributions: scope from the record, else from the object's S3
 * key (flow logs: Region; DNS: account) or its cluster (Kubernetes: the context's, else the default
 * declared one, also through `currentObject`); time units; what is not analysed.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { StaticKubernetesClusters } from './enrichment/kubernetes-clusters.js'
import {
  createDnsAttribution,
  createVpcFlowAttribution,
  kubernetesAuditAttribution,
} from './source-attribution.js'
import { parseS3LogKey } from './sources/index.js'
import { TEST_SCOPE } from './testing/harness.js'
import {
  auditEvent,
  CLUSTER_CONTEXT,
  FLOW_CONTEXT,
  flowRecord,
  resolverRecord,
  TEST_CLUSTER,
} from './testing/records.js'

test('flow logs: account-id, Region from the record or the S3 key, start in milliseconds', () => {
  const attribution = createVpcFlowAttribution()
  const record = flowRecord({ start: 1_790_000_000 })
  assert.equal(attribution.attribute(record), 'no-scope') // default format: no Region
  const attributed = attribution.attribute(record, FLOW_CONTEXT)
  assert.ok(typeof attributed === 'object')
  assert.deepEqual(attributed.scope, TEST_SCOPE)
  assert.equal(attributed.eventTimeMs, 1_790_000_000_000)
  assert.equal(attributed.feature, 'FLOW_LOGS')
  assert.equal(attributed.eventId, undefined)
  const v4 = attribution.attribute(flowRecord({ region: 'eu-west-3' }))
  assert.ok(typeof v4 === 'object')
  assert.deepEqual(v4.scope, { accountId: TEST_SCOPE.accountId, region: 'eu-west-3' })
  // `unknown` account (AWS-managed interfaces): the key's account.
  const unknown = attribution.attribute(flowRecord({ 'account-id': 'unknown' }), FLOW_CONTEXT)
  assert.ok(typeof unknown === 'object')
  assert.equal(unknown.scope.accountId, TEST_SCOPE.accountId)
  assert.equal(
    attribution.attribute(flowRecord({ 'log-status': 'NODATA' }), FLOW_CONTEXT),
    'event-not-analyzed',
  )
})

test('flow logs: the current object when run without a context', () => {
  let current = FLOW_CONTEXT
  const attribution = createVpcFlowAttribution({ currentObject: () => current })
  const first = attribution.attribute(flowRecord())
  assert.ok(typeof first === 'object')
  assert.equal(first.scope.region, TEST_SCOPE.region)
  const key = 'AWSLogs/444455556666/vpcflowlogs/ap-south-1/2026/09/21/x.log.gz'
  current = { name: key, ...(parseS3LogKey(key) ? { keyHint: parseS3LogKey(key) } : {}) }
  const second = attribution.attribute(flowRecord())
  assert.ok(typeof second === 'object')
  assert.equal(second.scope.region, 'ap-south-1')
})

test('DNS: account_id and region; query_timestamp', () => {
  const attribution = createDnsAttribution()
  const attributed = attribution.attribute(
    resolverRecord({ query_timestamp: '2026-11-20T10:00:01Z' }),
  )
  assert.ok(typeof attributed === 'object')
  assert.deepEqual(attributed.scope, TEST_SCOPE)
  assert.equal(attributed.eventTimeMs, Date.UTC(2026, 10, 20, 10, 0, 1))
  assert.equal(attributed.feature, 'DNS_LOGS')
  assert.equal(attribution.attribute(resolverRecord({ region: undefined })), 'no-scope')
})

test('Kubernetes: the context cluster, else the default; stages; auditID as event id', () => {
  const attribution = kubernetesAuditAttribution()
  const event = auditEvent()
  assert.equal(attribution.attribute(event), 'no-scope')
  const attributed = attribution.attribute(event, CLUSTER_CONTEXT)
  assert.ok(typeof attributed === 'object')
  assert.deepEqual(attributed.scope, TEST_SCOPE)
  assert.equal(attributed.cluster?.name, TEST_CLUSTER.name)
  assert.equal(attributed.feature, 'EKS_AUDIT_LOGS')
  assert.equal(attributed.eventId, event.auditID)
  assert.equal(attributed.eventTimeMs, Date.parse('2026-11-20T10:00:00.010000Z'))
  assert.equal(
    attribution.attribute(auditEvent({ stage: 'RequestReceived' }), CLUSTER_CONTEXT),
    'event-not-analyzed',
  )
  const withDefault = kubernetesAuditAttribution({
    clusters: new StaticKubernetesClusters([
      { name: 'dev', accountId: '444455556666', region: 'eu-west-1' },
    ]),
  })
  const byDefault = withDefault.attribute(event)
  assert.ok(typeof byDefault === 'object')
  assert.deepEqual(byDefault.scope, { accountId: '444455556666', region: 'eu-west-1' })
})
