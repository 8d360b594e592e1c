/**
 * DistinctWindows: a key reaches its threshold with distinct values inside the window only
 * (repeats and expired values do not count), hands the window out once, stays quiet for one
 * window, then counts afresh; keys are bounded.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DistinctWindows } from './distinct-windows.js'

test('distinct values within the window reach the threshold once, then the key is quiet', () => {
  const windows = new DistinctWindows<number>({ windowMs: 1000, threshold: 3 })
  assert.equal(windows.add('g', 'k', 1, 0), undefined)
  assert.equal(windows.add('g', 'k', 1, 100), undefined) // a repeat
  assert.equal(windows.add('g', 'k', 2, 200), undefined)
  const hit = windows.add('g', 'k', 3, 300)
  assert.deepEqual(hit && [...hit.values.keys()], [1, 2, 3])
  assert.equal(hit?.firstMs, 100)
  assert.equal(hit?.lastMs, 300)
  // Quiet until 1300.
  for (const [value, time] of [
    [4, 400],
    [5, 500],
    [6, 600],
    [7, 1299],
  ] as const) {
    assert.equal(windows.add('g', 'k', value, time), undefined)
  }
  assert.equal(windows.add('g', 'k', 8, 1300), undefined)
  assert.equal(windows.add('g', 'k', 9, 1400), undefined)
  assert.ok(windows.add('g', 'k', 10, 1500))
})

test('values older than the window do not count; other keys are separate', () => {
  const windows = new DistinctWindows<string>({ windowMs: 1000, threshold: 3 })
  windows.add('g', 'a', 'x', 0)
  windows.add('g', 'a', 'y', 500)
  windows.add('g', 'b', 'z', 1200)
  assert.equal(windows.add('g', 'a', 'z', 1200), undefined) // x expired
  assert.ok(windows.add('g', 'a', 'w', 1300))
})

test('keys are bounded: expired keys go first, then the oldest', () => {
  const windows = new DistinctWindows<number>({ windowMs: 1000, threshold: 2, maxKeys: 10 })
  for (let i = 0; i < 10; i++) windows.add(`g${i}`, 'old', 1, 0)
  windows.add('g', 'new', 1, 5000)
  assert.equal(windows.size, 1)
  for (let i = 0; i < 20; i++) windows.add('g', `k${i}`, 1, 5000)
  assert.ok(windows.size <= 10)
})
