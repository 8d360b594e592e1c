/**
 * The CloudTrail detectors against Vigil's finding-type catalog: every type a detector declares is
 * a catalogued GuardDuty type with the same default severity, resource type and variable-severity
 * flag, ids are unique, and each declares the features its events need.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FINDING_CATALOG } from '../../../../services/guardduty/domain/sample-findings/finding-catalog.js'
import { cloudTrailDetectors } from './index.js'

test('every declared type is catalogued with the same severity and resource type', () => {
  const detectors = cloudTrailDetectors()
  assert.equal(new Set(detectors.map((d) => d.id)).size, detectors.length)
  const types = new Set<string>()
  for (const detector of detectors) {
    assert.equal(detector.source, 'cloudtrail')
    assert.ok(detector.features.length > 0, detector.id)
    for (const spec of detector.findingTypes) {
      const entry = FINDING_CATALOG.get(spec.type)
      assert.ok(entry, `${spec.type} is catalogued`)
      assert.equal(spec.severity, entry.severity, spec.type)
      assert.equal(spec.resourceType, entry.resourceType, spec.type)
      assert.equal(spec.variableSeverity ?? false, entry.variableSeverity, spec.type)
      assert.ok(!types.has(spec.type), `${spec.type} has one detector`)
      types.add(spec.type)
    }
  }
  assert.equal(types.size, 25)
})
