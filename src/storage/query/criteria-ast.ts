/**
 * The dialect-neutral filter AST for findings queries: immutable `{ kind }` nodes that service-specific
 * parsers build from API criteria (GuardDuty `findingCriteria`, Inspector `filterCriteria`) and that
 * backends compile (to SQL) or evaluate (in memory). A filter is a conjunction (`and`) of nodes; a node
 * is a condition on the values at an attribute path, a disjunction (`or`), a nested conjunction, or an
 * `element` node that asks for one element of a list to satisfy several conditions at once.
 *
 * GuardDuty builds only flat conjunctions of `in`/`notIn`/comparison conditions; Inspector adds `or`,
 * `prefix` and `element` (`docs/inspector-findings.md`). Semantics: `evaluate-criteria.ts`.
 */

/** How values at a path compare. `timestamp` values are epoch milliseconds. */
export type ValueType = 'string' | 'number' | 'boolean' | 'timestamp'

export type ScalarValue = string | number | boolean

/**
 * Operators after normalisation of the API's spellings. `prefix`: some value starts with one of the
 * given strings (string values only).
 */
export type ConditionOp = 'in' | 'notIn' | 'gt' | 'gte' | 'lt' | 'lte' | 'prefix'

export interface ConditionNode {
  readonly kind: 'condition'
  /**
   * Attribute path as the API names it, e.g. `resource.instanceDetails.instanceId`; inside an
   * `element` node, relative to the list element.
   */
  readonly path: string
  readonly valueType: ValueType
  readonly op: ConditionOp
  /** For `in`/`notIn`/`prefix`: the set; for comparisons: one value. Typed per `valueType`. */
  readonly values: readonly ScalarValue[]
  /**
   * For numbers compared with `in`/`notIn`: compare the integer part of the attribute (GuardDuty's
   * severity filters use whole numbers: Low = 1, 2, 3).
   */
  readonly integerPart?: true
}

/** Every child holds (true when there is none). */
export interface AndNode<C extends CriteriaNode = CriteriaNode> {
  readonly kind: 'and'
  readonly conditions: readonly C[]
}

/** Some child holds (false when there is none). */
export interface OrNode {
  readonly kind: 'or'
  readonly conditions: readonly CriteriaNode[]
}

/**
 * Some element of the list(s) found at `path` satisfies every one of `conditions` (whose paths are
 * relative to the element). False when there is no element. Example: "some vulnerable package is
 * named openssl *and* has version 3.0.13", which two separate conditions cannot say.
 */
export interface ElementNode {
  readonly kind: 'element'
  readonly path: string
  readonly conditions: readonly CriteriaNode[]
}

export type CriteriaNode = ConditionNode | AndNode | OrNode | ElementNode

/** A whole filter: a conjunction. */
export type FilterNode = AndNode

/** Node factories; nodes are frozen. */
export const criteria = {
  condition(node: Omit<ConditionNode, 'kind'>): ConditionNode {
    return Object.freeze({ kind: 'condition', ...node, values: Object.freeze([...node.values]) })
  },
  and<C extends CriteriaNode>(conditions: readonly C[]): AndNode<C> {
    return Object.freeze({ kind: 'and', conditions: Object.freeze([...conditions]) })
  },
  or(conditions: readonly CriteriaNode[]): OrNode {
    return Object.freeze({ kind: 'or', conditions: Object.freeze([...conditions]) })
  },
  element(path: string, conditions: readonly CriteriaNode[]): ElementNode {
    return Object.freeze({ kind: 'element', path, conditions: Object.freeze([...conditions]) })
  },
}
