/**
 * The storage conformance suite: the behaviour every `Storage` adapter must show, written once and run
 * against each backend (`runStorageSuite` is called from each adapter's test file). Covers scoping,
 * the one-detector-per-scope conflict, keyset listing, Inspector account state and idempotency records.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { VigilError } from '../../core/vigil-error.js'
import type { DetectorRecord, ResourceRecord, Scope, Storage } from '../ports.js'

const A: Scope = { accountId: '111111111111', region: 'us-east-1' }
const B: Scope = { accountId: '222222222222', region: 'us-east-1' }
const A2: Scope = { accountId: '111111111111', region: 'eu-west-1' }

function detector(scope: Scope, id: string): DetectorRecord {
  return {
    scope,
    detectorId: id,
    status: 'ENABLED',
    findingPublishingFrequency: 'SIX_HOURS',
    createdAtMs: 1000,
    updatedAtMs: 1000,
    features: [{ name: 'CLOUD_TRAIL', status: 'ENABLED', updatedAtMs: 1000 }],
    tags: { k: 'v' },
  }
}

function resource(
  scope: Scope,
  id: string,
  sortKey: string,
  parentId = 'det',
): ResourceRecord<{ n: string }> {
  return {
    scope,
    kind: 'test:thing',
    parentId,
    id,
    sortKey,
    createdAtMs: 1,
    updatedAtMs: 2,
    body: { n: id },
  }
}

/** Runs the suite; `open` must return a fresh, empty storage each call. */
export function runStorageSuite(name: string, open: () => Storage): void {
  test(`${name}: resources list in (sortKey, id) order with keyset positions, scoped`, async () => {
    const s = open()
    try {
      for (const [id, key] of [
        ['b', '2'],
        ['a', '2'],
        ['c', '1'],
        ['d', '3'],
      ] as const)
        await s.resources.insert(resource(A, id, key))
      await s.resources.insert(resource(B, 'x', '1'))
      const all = await s.resources.list<{ n: string }>(A, 'test:thing', 'det', undefined, 10)
      assert.deepEqual(
        all.map((r) => r.id),
        ['c', 'a', 'b', 'd'],
      )
      assert.deepEqual(all[0], resource(A, 'c', '1'))
      const page = await s.resources.list(A, 'test:thing', 'det', { sortKey: '2', id: 'a' }, 2)
      assert.deepEqual(
        page.map((r) => r.id),
        ['b', 'd'],
      )
      assert.equal(await s.resources.count(A, 'test:thing', 'det'), 4)
      assert.equal(await s.resources.count(A2, 'test:thing', 'det'), 0)
      assert.equal(
        await s.resources.get({ scope: B, kind: 'test:thing', parentId: 'det', id: 'a' }),
        undefined,
      )
      await assert.rejects(
        s.resources.insert(resource(A, 'a', '9')),
        (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_STORAGE_CONFLICT',
      )
    } finally {
      s.close()
    }
  })

  test(`${name}: apply is atomic; deleteUnder removes a parent's resources only`, async () => {
    const s = open()
    try {
      await s.resources.insert(resource(A, 'a', '1'))
      await s.resources.insert(resource(A, 'b', '2'))
      await s.resources.insert(resource(A, 'z', '1', 'other'))
      await s.resources.apply([
        { put: { ...resource(A, 'a', '5'), body: { n: 'changed' } } },
        { delete: { scope: A, kind: 'test:thing', parentId: 'det', id: 'b' } },
        { put: resource(A, 'c', '0') },
      ])
      const all = await s.resources.list<{ n: string }>(A, 'test:thing', 'det', undefined, 10)
      assert.deepEqual(
        all.map((r) => [r.id, r.sortKey, r.body.n]),
        [
          ['c', '0', 'c'],
          ['a', '5', 'changed'],
        ],
      )
      assert.equal(all[1]?.createdAtMs, 1, 'a replace keeps the creation time')
      assert.equal(await s.resources.deleteUnder(A, 'det'), 2)
      assert.equal(await s.resources.count(A, 'test:thing', 'det'), 0)
      assert.equal(await s.resources.count(A, 'test:thing', 'other'), 1)
      assert.equal(
        await s.resources.delete({ scope: A, kind: 'test:thing', parentId: 'other', id: 'z' }),
        true,
      )
      assert.equal(
        await s.resources.delete({ scope: A, kind: 'test:thing', parentId: 'other', id: 'z' }),
        false,
      )
    } finally {
      s.close()
    }
  })

  test(`${name}: detectors are scoped by account and region`, async () => {
    const s = open()
    try {
      await s.detectors.insert(detector(A, 'a'.repeat(32)))
      await s.detectors.insert(detector(A2, 'b'.repeat(32)))
      assert.deepEqual(await s.detectors.get(A, 'a'.repeat(32)), detector(A, 'a'.repeat(32)))
      assert.equal(await s.detectors.get(B, 'a'.repeat(32)), undefined)
      assert.equal(await s.detectors.get(A2, 'a'.repeat(32)), undefined)
      assert.deepEqual(await s.detectors.accountsInRegion('us-east-1'), [A.accountId])
      assert.deepEqual(await s.detectors.accountsInRegion('eu-west-1'), [A.accountId])
      assert.deepEqual(await s.detectors.accountsInRegion('ap-south-1'), [])
      assert.equal(await s.detectors.delete(B, 'a'.repeat(32)), false)
      assert.equal(
        await s.detectors.update({ ...detector(B, 'a'.repeat(32)), status: 'DISABLED' }),
        false,
      )
      assert.equal((await s.detectors.get(A, 'a'.repeat(32)))?.status, 'ENABLED')
    } finally {
      s.close()
    }
  })

  test(`${name}: a second detector in a scope is a conflict`, async () => {
    const s = open()
    try {
      await s.detectors.insert(detector(A, 'a'.repeat(32)))
      await assert.rejects(
        s.detectors.insert(detector(A, 'c'.repeat(32))),
        (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_STORAGE_CONFLICT',
      )
      await s.detectors.insert(detector(B, 'c'.repeat(32)))
    } finally {
      s.close()
    }
  })

  test(`${name}: update, list after a key, delete`, async () => {
    const s = open()
    try {
      const d = detector(A, 'd'.repeat(32))
      await s.detectors.insert(d)
      assert.equal(await s.detectors.update({ ...d, status: 'DISABLED', updatedAtMs: 2000 }), true)
      const got = await s.detectors.get(A, d.detectorId)
      assert.equal(got?.status, 'DISABLED')
      assert.equal(got?.updatedAtMs, 2000)
      assert.deepEqual(
        (await s.detectors.list(A, undefined, 10)).map((x) => x.detectorId),
        [d.detectorId],
      )
      assert.deepEqual(await s.detectors.list(A, d.detectorId, 10), [])
      assert.deepEqual(await s.detectors.listIds(A, undefined, 10), [d.detectorId])
      assert.deepEqual(await s.detectors.listIds(A, d.detectorId, 10), [])
      assert.deepEqual(await s.detectors.listIds(B, undefined, 10), [])
      assert.deepEqual(await s.detectors.list(B, undefined, 10), [])
      assert.equal(await s.detectors.delete(A, d.detectorId), true)
      assert.equal(await s.detectors.get(A, d.detectorId), undefined)
      assert.equal(await s.detectors.update(d), false, 'an update after delete finds nothing')
      assert.equal(await s.detectors.get(A, d.detectorId), undefined)
    } finally {
      s.close()
    }
  })

  test(`${name}: Inspector account state round-trips per scope`, async () => {
    const s = open()
    try {
      assert.equal(await s.inspectorAccounts.get(A), undefined)
      await s.inspectorAccounts.put({
        scope: A,
        resources: { ecr: { target: 'ENABLED', changedAtMs: 5 } },
      })
      await s.inspectorAccounts.put({
        scope: A,
        resources: { ecr: { target: 'DISABLED', changedAtMs: 6 } },
      })
      assert.deepEqual(await s.inspectorAccounts.get(A), {
        scope: A,
        resources: { ecr: { target: 'DISABLED', changedAtMs: 6 } },
      })
      assert.equal(await s.inspectorAccounts.get(A2), undefined)
    } finally {
      s.close()
    }
  })

  test(`${name}: idempotency records keep the first answer`, async () => {
    const s = open()
    try {
      await s.idempotency.remember(A, 'gd:Create', 't', 'f1', '{"a":1}')
      await s.idempotency.remember(A, 'gd:Create', 't', 'f2', '{"a":2}')
      assert.deepEqual(await s.idempotency.recall(A, 'gd:Create', 't'), {
        fingerprint: 'f1',
        answer: '{"a":1}',
      })
      assert.equal(await s.idempotency.recall(B, 'gd:Create', 't'), undefined)
      assert.equal(await s.idempotency.recall(A, 'gd:Other', 't'), undefined)
    } finally {
      s.close()
    }
  })
}
