import assert from 'node:assert/strict'
import { test } from 'node:test'
import { criteria } from './criteria-ast.js'
import { conditionHolds, evaluateCriteria } from './evaluate-criteria.js'

const c = (
  op: 'in' | 'notIn' | 'gt' | 'gte' | 'lt' | 'lte' | 'prefix',
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

test('prefix: some string value starts with some prefix', () => {
  assert.equal(conditionHolds(c('prefix', ['ab', 'x']), ['zz', 'abc']), true)
  assert.equal(conditionHolds(c('prefix', ['ab']), ['a', 'b']), false)
  assert.equal(conditionHolds(c('prefix', ['1']), [12]), false, 'numbers never match a prefix')
  assert.equal(conditionHolds(c('prefix', ['a']), []), false)
})

test('or holds when some child holds; empty or and empty and', () => {
  const read = (r: { p: string[] }) => r.p
  const either = criteria.and([criteria.or([c('in', ['a']), c('prefix', ['z'])])])
  assert.equal(evaluateCriteria(either, { p: ['zed'] }, read), true)
  assert.equal(evaluateCriteria(either, { p: ['b'] }, read), false)
  assert.equal(evaluateCriteria(criteria.and([criteria.or([])]), { p: ['a'] }, read), false)
  assert.equal(evaluateCriteria(criteria.and([criteria.and([])]), { p: [] }, read), true)
})

test('element: all conditions must hold on one and the same list element', () => {
  const name = (op: 'in' | 'notIn', v: string) =>
    criteria.condition({ path: 'name', valueType: 'string', op, values: [v] })
  const version = criteria.condition({
    path: 'version',
    valueType: 'string',
    op: 'in',
    values: ['2'],
  })
  const record = {
    pkgs: [
      { name: 'openssl', version: '1' },
      { name: 'flask', version: '2' },
    ],
  }
  const read = (r: Record<string, unknown>, node: { path: string }) =>
    typeof r[node.path] === 'string' ? [r[node.path] as string] : []
  const same = (...conditions: ReturnType<typeof name>[]) =>
    criteria.and([criteria.element('pkgs', conditions)])
  assert.equal(evaluateCriteria(same(name('in', 'flask'), version), record, read), true)
  assert.equal(
    evaluateCriteria(same(name('in', 'openssl'), version), record, read),
    false,
    'the version belongs to another package',
  )
  assert.equal(
    evaluateCriteria(same(name('notIn', 'openssl')), record, read),
    true,
    'some package is not openssl',
  )
  assert.equal(evaluateCriteria(same(), { pkgs: [] }, read), false, 'no element, no match')
})
