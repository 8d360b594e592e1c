/**
 * The dialect-neutral filter AST for findings queries: immutable `{ kind }` nodes that service-specific
 * parsers build from API criteria (GuardDuty `findingCriteria`, Inspector `filterCriteria`) and that
 * backends compile (to SQL) or evaluate (in memory). A filter is a conjunction of conditions on
 * attribute paths; each condition tests the values found at its path.
 */

/** How values at a path compare. `timestamp` values are epoch milliseconds. */
export type ValueType = 'string' | 'number' | 'boolean' | 'timestamp'

export type ScalarValue = string | number | boolean

/** Operators after normalisation of the API's spellings. */
export type ConditionOp = 'in' | 'notIn' | 'gt' | 'gte' | 'lt' | 'lte'

export interface ConditionNode {
  readonly kind: 'condition'
  /** Attribute path as the API names it, e.g. `resource.instanceDetails.instanceId`. */
  readonly path: string
  readonly valueType: ValueType
  readonly op: ConditionOp
  /** For `in`/`notIn`: the set; for comparisons: one value. Typed per `valueType`. */
  readonly values: readonly ScalarValue[]
  /**
   * For numbers compared with `in`/`notIn`: compare the integer part of the attribute (GuardDuty's
   * severity filters use whole numbers: Low = 1, 2, 3).
   */
  readonly integerPart?: true
}

export interface AndNode {
  readonly kind: 'and'
  readonly conditions: readonly ConditionNode[]
}

export type FilterNode = AndNode

/** Node factories; nodes are frozen. */
export const criteria = {
  condition(node: Omit<ConditionNode, 'kind'>): ConditionNode {
    return Object.freeze({ kind: 'condition', ...node, values: Object.freeze([...node.values]) })
  },
  and(conditions: readonly ConditionNode[]): AndNode {
    return Object.freeze({ kind: 'and', conditions: Object.freeze([...conditions]) })
  },
}
