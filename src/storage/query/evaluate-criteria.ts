/**
 * In-memory evaluation of a filter AST against one record. It defines the query semantics that every
 * compiled backend must reproduce (the SQL compiler is property-tested against it) and serves single
 * records directly (suppression rules on a new finding). Semantics, for the values `V` found at a path:
 *
 * - `in S`: some value of `V` is in `S`; false when `V` is empty.
 * - `notIn S`: no value of `V` is in `S`; true when `V` is empty.
 * - `gt/gte/lt/lte x`: some value of `V` compares so with `x`; false when `V` is empty.
 * - All conditions must hold (AND).
 */
import type { ConditionNode, FilterNode, ScalarValue } from './criteria-ast.js'

/** Reads the values at a path of a record (empty when absent). */
export type ValueReader<R> = (record: R, node: ConditionNode) => readonly ScalarValue[]

function equal(a: ScalarValue, b: ScalarValue, node: ConditionNode): boolean {
  if (node.integerPart && typeof a === 'number') return Math.trunc(a) === b
  return a === b
}

function compare(a: ScalarValue, b: ScalarValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

/** Whether one condition holds for the values found at its path. */
export function conditionHolds(node: ConditionNode, values: readonly ScalarValue[]): boolean {
  switch (node.op) {
    case 'in':
      return values.some((v) => node.values.some((x) => equal(v, x, node)))
    case 'notIn':
      return !values.some((v) => node.values.some((x) => equal(v, x, node)))
    case 'gt':
      return values.some((v) => compare(v, node.values[0] as ScalarValue) > 0)
    case 'gte':
      return values.some((v) => compare(v, node.values[0] as ScalarValue) >= 0)
    case 'lt':
      return values.some((v) => compare(v, node.values[0] as ScalarValue) < 0)
    case 'lte':
      return values.some((v) => compare(v, node.values[0] as ScalarValue) <= 0)
  }
}

/** Whether `record` satisfies `filter`. */
export function evaluateCriteria<R>(filter: FilterNode, record: R, read: ValueReader<R>): boolean {
  return filter.conditions.every((c) => conditionHolds(c, read(record, c)))
}
