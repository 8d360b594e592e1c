import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock, systemClock } from './clock.js'

test('ManualClock moves only when told', () => {
  const clock = new ManualClock(1_000)
  assert.equal(clock.now(), 1_000)
  clock.advance(500)
  assert.equal(clock.now(), 1_500)
  clock.set(42)
  assert.equal(clock.now(), 42)
})

test('systemClock reads Date.now', () => {
  const before = Date.now()
  const t = systemClock.now()
  assert.ok(t >= before && t <= Date.now())
})
