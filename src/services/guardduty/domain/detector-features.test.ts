import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ModeledError } from '../../../protocol/modeled-error.js'
import {
  dataSourcesResult,
  initialFeatures,
  requestedFeatures,
  updatedFeatures,
} from './detector-features.js'

test('dataSources translate to feature changes', () => {
  assert.deepEqual(
    requestedFeatures(undefined, {
      S3Logs: { Enable: false },
      Kubernetes: { AuditLogs: { Enable: true } },
      MalwareProtection: { ScanEc2InstanceWithFindings: { EbsVolumes: false } },
    }),
    [
      { Name: 'S3_DATA_EVENTS', Status: 'DISABLED' },
      { Name: 'EKS_AUDIT_LOGS', Status: 'ENABLED' },
      { Name: 'EBS_MALWARE_PROTECTION', Status: 'DISABLED' },
    ],
  )
})

test('duplicate features are refused', () => {
  assert.throws(
    () => requestedFeatures([{ Name: 'S3_DATA_EVENTS' }, { Name: 'S3_DATA_EVENTS' }], undefined),
    (e: unknown) => e instanceof ModeledError && /more than once/.test(e.message),
  )
})

test('initial features: foundational, submitted in order, then the rest; defaults applied', () => {
  const f = initialFeatures([{ Name: 'LAMBDA_NETWORK_LOGS', Status: 'DISABLED' }], 7)
  assert.deepEqual(
    f.map((x) => x.name),
    [
      'CLOUD_TRAIL',
      'DNS_LOGS',
      'FLOW_LOGS',
      'LAMBDA_NETWORK_LOGS',
      'S3_DATA_EVENTS',
      'EKS_AUDIT_LOGS',
      'EBS_MALWARE_PROTECTION',
      'RDS_LOGIN_EVENTS',
      'EKS_RUNTIME_MONITORING',
      'RUNTIME_MONITORING',
    ],
  )
  assert.equal(f.find((x) => x.name === 'LAMBDA_NETWORK_LOGS')?.status, 'DISABLED')
  assert.equal(f.find((x) => x.name === 'EKS_RUNTIME_MONITORING')?.status, 'DISABLED')
  assert.ok(f.every((x) => x.updatedAtMs === 7))
})

test('updates change status and updatedAt only where something changed', () => {
  const f = initialFeatures([], 1)
  const u = updatedFeatures(
    f,
    [
      { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
      {
        Name: 'RUNTIME_MONITORING',
        AdditionalConfiguration: [{ Name: 'EC2_AGENT_MANAGEMENT', Status: 'ENABLED' }],
      },
    ],
    2,
  )
  assert.equal(
    u.find((x) => x.name === 'S3_DATA_EVENTS')?.updatedAtMs,
    1,
    'unchanged status keeps its time',
  )
  const rm = u.find((x) => x.name === 'RUNTIME_MONITORING')
  assert.equal(
    rm?.additionalConfiguration?.find((a) => a.name === 'EC2_AGENT_MANAGEMENT')?.status,
    'ENABLED',
  )
  assert.equal(
    rm?.additionalConfiguration?.find((a) => a.name === 'EC2_AGENT_MANAGEMENT')?.updatedAtMs,
    2,
  )
  assert.equal(
    rm?.additionalConfiguration?.find((a) => a.name === 'EKS_ADDON_MANAGEMENT')?.updatedAtMs,
    1,
  )
  const ds = dataSourcesResult(u, '123456789012')
  assert.equal(ds.S3Logs.Status, 'ENABLED')
  assert.equal(ds.CloudTrail.Status, 'ENABLED')
})
