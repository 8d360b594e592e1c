import assert from 'node:assert/strict'
import { test } from 'node:test'
import { criteria } from './criteria-ast.js'
import { conditionHolds, evaluateCriteria } from './evaluate-criteria.js'

const c = (
  op: 'in' | 'notIn' | 'gt' | 'gte' | 'lt' | 'lte',
  values: (string | number)[],
  integerPart = false,
) =>
  criteria.condition({
    path: 'p',
    valueType: typeof values[0] === 'number' ? 'number' : 'string',
    op,
    values,
    ...(integerPart ? { integerPart: true as const } : {}),
  })

test('in / notIn over several values and over none', () => {
  assert.equal(conditionHolds(c('in', ['a', 'b']), ['x', 'b']), true)
  assert.equal(conditionHolds(c('in', ['a']), ['x']), false)
  assert.equal(conditionHolds(c('in', ['a']), []), false, 'absent never equals')
  assert.equal(conditionHolds(c('notIn', ['a']), ['x', 'y']), true)
  assert.equal(
    conditionHolds(c('notIn', ['a']), ['x', 'a']),
    false,
    'one listed value excludes the record',
  )
  assert.equal(conditionHolds(c('notIn', ['a']), []), true, 'absent is not equal')
})

test('comparisons hold when some value compares so; never on absent values', () => {
  assert.equal(conditionHolds(c('gt', [5]), [1, 6]), true)
  assert.equal(conditionHolds(c('gt', [5]), [5]), false)
  assert.equal(conditionHolds(c('gte', [5]), [5]), true)
  assert.equal(conditionHolds(c('lt', [5]), [7, 4.9]), true)
  assert.equal(conditionHolds(c('lte', [5]), [5.1]), false)
  assert.equal(conditionHolds(c('gt', [0]), []), false)
})

test('integer-part equality for whole-number filters', () => {
  assert.equal(conditionHolds(c('in', [8], true), [8.3]), true)
  assert.equal(conditionHolds(c('in', [8]), [8.3]), false)
  assert.equal(conditionHolds(c('notIn', [2, 3], true), [2.9]), false)
})

test('every condition must hold', () => {
  const filter = criteria.and([c('in', ['a']), c('notIn', ['z'])])
  const read = (r: { p: string[] }) => r.p
  assert.equal(evaluateCriteria(filter, { p: ['a'] }, read), true)
  assert.equal(evaluateCriteria(filter, { p: ['a', 'z'] }, read), false)
  assert.equal(
    evaluateCriteria(criteria.and([]), { p: [] }, read),
    true,
    'no condition selects all',
  )
})
