/**
 * The sliding window over event time: counts and distinct values within the window of the latest
 * event, out-of-order events placed by their own time, too-old events not counted, the key and item
 * bounds, and sweeping idle keys.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { WindowedCounter } from './windowed-counter.js'

const MIN = 60_000

test('counts items and distinct values within the window ending at the latest event', () => {
  const counter = new WindowedCounter<string>({ windowMs: 10 * MIN, distinctKey: (v) => v })
  assert.deepEqual(
    [0, 1, 2]
      .map((i) => counter.add('k', i * MIN, i === 2 ? 'b' : 'a'))
      .map((v) => [v.count, v.distinct]),
    [
      [1, 1],
      [2, 1],
      [3, 2],
    ],
  )
  const later = counter.add('k', 11 * MIN, 'a')
  assert.equal(later.count, 2, 'items at 0 and 1 min fell out of (1 min, 11 min]')
  assert.equal(later.distinct, 2)
  assert.equal(later.firstMs, 2 * MIN)
  assert.equal(later.lastMs, 11 * MIN)
  const after = counter.add('k', 30 * MIN, 'c')
  assert.equal(after.count, 1)
  assert.equal(after.distinct, 1)
})

test('an event exactly one window after another does not share its window', () => {
  const counter = new WindowedCounter<number>({ windowMs: MIN })
  counter.add('k', 0, 1)
  assert.equal(counter.add('k', MIN, 2).count, 1)
})

test('late events are placed by their own time; too-old ones are not counted', () => {
  const counter = new WindowedCounter<string>({ windowMs: 10 * MIN, distinctKey: (v) => v })
  counter.add('k', 20 * MIN, 'x')
  const late = counter.add('k', 15 * MIN, 'y')
  assert.equal(late.count, 2)
  assert.deepEqual(
    late.items.map((i) => i.item),
    ['y', 'x'],
  )
  const tooOld = counter.add('k', 5 * MIN, 'z')
  assert.equal(tooOld.count, 2)
  assert.equal(tooOld.distinct, 2)
})

test('keys are independent; the least recently updated key is forgotten first', () => {
  const counter = new WindowedCounter<number>({ windowMs: MIN, maxKeys: 2 })
  counter.add('a', 0, 1)
  counter.add('b', 0, 1)
  counter.add('a', 1, 1)
  counter.add('c', 2, 1)
  assert.equal(counter.size, 2)
  assert.equal(counter.peek('b'), undefined)
  assert.equal(counter.peek('a')?.count, 2)
})

test('items per key are bounded, oldest dropped with their distinct values', () => {
  const counter = new WindowedCounter<string>({
    windowMs: MIN,
    maxItemsPerKey: 2,
    distinctKey: (v) => v,
  })
  counter.add('k', 1, 'a')
  counter.add('k', 2, 'b')
  const view = counter.add('k', 3, 'c')
  assert.equal(view.count, 2)
  assert.equal(view.distinct, 2)
  assert.deepEqual(
    view.items.map((i) => i.item),
    ['b', 'c'],
  )
})

test('sweep forgets keys idle for a window; a non-positive window is refused', () => {
  const counter = new WindowedCounter<number>({ windowMs: MIN })
  counter.add('old', 0, 1)
  counter.add('new', 5 * MIN, 1)
  counter.sweep(5 * MIN)
  assert.equal(counter.peek('old'), undefined)
  assert.ok(counter.peek('new'))
  assert.throws(() => new WindowedCounter({ windowMs: 0 }), RangeError)
})
