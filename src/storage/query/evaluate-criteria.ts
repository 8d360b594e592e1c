/**
 * In-memory evaluation of a filter AST against one record. It defines the query semantics that every
 * compiled backend must reproduce (the SQL compilers are property-tested against it) and serves single
 * records directly (suppression rules on a new finding). Semantics, for the values `V` found at a path:
 *
 * - `in S`: some value of `V` is in `S`; false when `V` is empty.
 * - `notIn S`: no value of `V` is in `S`; true when `V` is empty.
 * - `prefix S`: some (string) value of `V` starts with some string of `S`; false when `V` is empty.
 * - `gt/gte/lt/lte x`: some value of `V` compares so with `x`; false when `V` is empty.
 * - `and`: every child holds (true when empty); `or`: some child holds (false when empty).
 * - `element P [c…]`: some element of the list(s) at `P` satisfies every `c`, each read relative to
 *   that element; false when there is no element.
 */
import type { ConditionNode, CriteriaNode, FilterNode, ScalarValue } from './criteria-ast.js'

/** Reads the values at a path of a record (empty when absent). */
export type ValueReader<R> = (record: R, node: ConditionNode) => readonly ScalarValue[]

/** Reads the elements of the list(s) at a path of a record, as records (empty when absent). */
export type ElementReader<R> = (record: R, path: string) => readonly R[]

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
    case 'prefix':
      return values.some(
        (v) => typeof v === 'string' && node.values.some((x) => v.startsWith(String(x))),
      )
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

/** The objects at a dotted path of a JSON value, descending into every list on the way. */
export function jsonElements<R>(record: R, path: string): R[] {
  const out: R[] = []
  const visit = (value: unknown, segments: readonly string[], i: number) => {
    if (value === null || value === undefined) return
    if (Array.isArray(value)) {
      for (const item of value) visit(item, segments, i)
      return
    }
    if (typeof value !== 'object') return
    if (i === segments.length) {
      out.push(value as R)
      return
    }
    visit((value as Record<string, unknown>)[segments[i] as string], segments, i + 1)
  }
  visit(record, path.split('.'), 0)
  return out
}

/** Whether `record` satisfies one node. */
export function nodeHolds<R>(
  node: CriteriaNode,
  record: R,
  read: ValueReader<R>,
  elements: ElementReader<R> = jsonElements,
): boolean {
  switch (node.kind) {
    case 'condition':
      return conditionHolds(node, read(record, node))
    case 'and':
      return node.conditions.every((c) => nodeHolds(c, record, read, elements))
    case 'or':
      return node.conditions.some((c) => nodeHolds(c, record, read, elements))
    case 'element':
      return elements(record, node.path).some((e) =>
        node.conditions.every((c) => nodeHolds(c, e, read, elements)),
      )
  }
}

/**
 * Whether `record` satisfies `filter`.
 * @param elements how `element` nodes find list elements; by default JSON objects along the path
 */
export function evaluateCriteria<R>(
  filter: FilterNode,
  record: R,
  read: ValueReader<R>,
  elements: ElementReader<R> = jsonElements,
): boolean {
  return nodeHolds(filter, record, read, elements)
}
