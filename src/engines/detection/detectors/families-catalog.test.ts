/**
 * The flow-log, DNS and Kubernetes detector families against Vigil's finding-type catalog: every
 * declared type is catalogued with the same default severity, resource type and variable-severity
 * flag and comes from the data source its detector's feature is; detector ids are unique across
 * every family (`buildDetectors`), each type has one detector, and the engine accepts them all with
 * its built-in attributions.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  FINDING_CATALOG,
  type FindingDataSource,
} from '../../../services/guardduty/domain/sample-findings/finding-catalog.js'
import { DetectionEngine } from '../detection-engine.js'
import type { DataSourceFeature } from '../detector.js'
import { staticDetectorStates } from '../detector-states.js'
import { TorExitNodes } from '../enrichment/tor-exit-nodes.js'
import { dnsDetectors } from './dns/index.js'
import { buildDetectors } from './index.js'
import { kubernetesDetectors } from './kubernetes/index.js'
import { vpcFlowDetectors } from './vpc-flow/index.js'

const SOURCE_OF: Readonly<Partial<Record<DataSourceFeature, FindingDataSource>>> = {
  FLOW_LOGS: 'VPC_FLOW_LOGS',
  DNS_LOGS: 'DNS_LOGS',
  EKS_AUDIT_LOGS: 'EKS_AUDIT_LOGS',
}

test('every declared type is catalogued with the same severity, resource type and source', () => {
  const detectors = [
    ...vpcFlowDetectors({ torExitNodes: TorExitNodes.parse('185.220.101.1') }),
    ...dnsDetectors(),
    ...kubernetesDetectors(),
  ]
  const types = new Set<string>()
  for (const detector of detectors) {
    assert.deepEqual(detector.features.length, 1, detector.id)
    const [feature] = detector.features
    assert.ok(feature)
    for (const spec of detector.findingTypes) {
      const entry = FINDING_CATALOG.get(spec.type)
      assert.ok(entry, `${spec.type} is catalogued`)
      assert.equal(spec.severity, entry.severity, spec.type)
      assert.equal(spec.resourceType, entry.resourceType, spec.type)
      assert.equal(spec.variableSeverity ?? false, entry.variableSeverity, spec.type)
      assert.equal(entry.dataSource, SOURCE_OF[feature], spec.type)
      assert.ok(!types.has(spec.type), `${spec.type} has one detector`)
      types.add(spec.type)
    }
  }
  assert.equal(types.size, 11 + 14 + 22) // flow logs, DNS, Kubernetes
})

test('buildDetectors: unique ids over every family; the engine accepts them', () => {
  const detectors = buildDetectors()
  assert.equal(new Set(detectors.map((d) => d.id)).size, detectors.length)
  const engine = new DetectionEngine({
    detectors,
    detectorStates: staticDetectorStates({}),
    record: () => Promise.resolve(undefined),
  })
  for (const source of ['cloudtrail', 'vpc-flow', 'dns', 'k8s-audit'] as const) {
    assert.ok(engine.detectorsOf(source).length > 0, source)
  }
})
