/**
 * Compiles a filter AST over Inspector findings to a SQLite `WHERE` fragment over `i2_finding f`.
 * Each node compiles to a piece: SQL that is either *exact* (selects exactly the rows the in-memory
 * evaluator selects) or only *necessary* (selects a superset), or no SQL at all:
 *
 * - a condition on a promoted column tests the column (`NULL` = absent: `notIn` keeps it);
 * - a string condition on an indexed key becomes a `pk IN / NOT IN` sub-select on the
 *   `i2_finding_attr (k, v, pk)` index (any-value / none-value semantics on multi-valued paths);
 * - `and` joins its children's SQL; `or` compiles only when every child has SQL;
 * - an `element` node cannot be answered from a flat index (the conditions must hold for the same
 *   element), so it compiles to a necessary condition — its positive conditions on the flattened
 *   paths — and is also evaluated exactly on the stored finding.
 *
 * Top-level nodes that are not exact go to the residual filter, which the store evaluates on the
 * stored JSON (`vigil_i2_match`) after the SQL has narrowed the rows. Values are always bound.
 *
 * Example: `severity in [HIGH] AND element(vulnerablePackages, [name in [openssl], version notIn [1]])`
 * → `f.severity IN (?) AND f.pk IN (SELECT pk FROM i2_finding_attr WHERE k = ? AND v IN (?))`, with the
 * element node left in the residual.
 */
import type { ConditionNode, CriteriaNode, FilterNode, ValueType } from '../query/criteria-ast.js'
import { criteria } from '../query/criteria-ast.js'

/** Single-valued finding paths stored as columns of `i2_finding`, with the type they hold. */
export const I2_PROMOTED: Readonly<
  Record<string, { readonly column: string; readonly type: ValueType }>
> = {
  findingArn: { column: 'f.arn', type: 'string' },
  awsAccountId: { column: 'f.account_id', type: 'string' },
  type: { column: 'f.type', type: 'string' },
  severity: { column: 'f.severity', type: 'string' },
  status: { column: 'f.status', type: 'string' },
  title: { column: 'f.title', type: 'string' },
  inspectorScore: { column: 'f.inspector_score', type: 'number' },
  'epss.score': { column: 'f.epss_score', type: 'number' },
  firstObservedAt: { column: 'f.first_observed_at', type: 'timestamp' },
  lastObservedAt: { column: 'f.last_observed_at', type: 'timestamp' },
  updatedAt: { column: 'f.updated_at', type: 'timestamp' },
  fixAvailable: { column: 'f.fix_available', type: 'string' },
  exploitAvailable: { column: 'f.exploit_available', type: 'string' },
  'packageVulnerabilityDetails.vulnerabilityId': { column: 'f.vulnerability_id', type: 'string' },
  'packageVulnerabilityDetails.source': { column: 'f.vulnerability_source', type: 'string' },
  'packageVulnerabilityDetails.vendorSeverity': { column: 'f.vendor_severity', type: 'string' },
  'networkReachabilityDetails.protocol': { column: 'f.network_protocol', type: 'string' },
}

/** How the compiler learns about the attribute index (string-valued keys only). */
export interface I2AttributeIndex {
  /** The integer standing for an indexed key; undefined when the key is not indexed. */
  keyId(key: string): number | undefined
}

export interface I2CompiledSql {
  readonly sql: string
  readonly params: (string | number)[]
  /** Top-level nodes the SQL does not answer exactly (undefined when there are none). */
  readonly residual?: FilterNode
}

interface Piece {
  /** Undefined: no SQL narrows this node. */
  readonly sql?: string
  readonly params: readonly (string | number)[]
  /** Whether `sql` selects exactly what the evaluator selects. */
  readonly exact: boolean
}

const NONE: Piece = { params: [], exact: false }
const COMPARATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const
const ATTR = 'SELECT pk FROM i2_finding_attr WHERE k = ?'

/** A prefix's length as SQLite's `substr` counts it: in characters (code points). */
const characters = (v: string | number) => [...String(v)].length
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ')
const bound = (values: readonly unknown[]) => values as readonly (string | number)[]

function promotedCondition(node: ConditionNode, column: string): Piece {
  const values = bound(node.values)
  switch (node.op) {
    case 'in':
      return { sql: `${column} IN (${marks(values.length)})`, params: values, exact: true }
    case 'notIn':
      return {
        sql: `(${column} IS NULL OR ${column} NOT IN (${marks(values.length)}))`,
        params: values,
        exact: true,
      }
    case 'prefix':
      return {
        sql: `(${values.map(() => `substr(${column}, 1, ?) = ?`).join(' OR ')})`,
        params: values.flatMap((v) => [characters(v), v]),
        exact: true,
      }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return {
        sql: `${column} ${COMPARATORS[node.op]} ?`,
        params: [values[0] as string | number],
        exact: true,
      }
  }
}

function indexedCondition(node: ConditionNode, k: number): Piece {
  const values = bound(node.values)
  switch (node.op) {
    case 'in':
    case 'notIn':
      return {
        sql: `f.pk ${node.op === 'in' ? 'IN' : 'NOT IN'} (${ATTR} AND v IN (${marks(values.length)}))`,
        params: [k, ...values],
        exact: true,
      }
    case 'prefix':
      return {
        sql: `f.pk IN (${ATTR} AND (${values.map(() => '(v >= ? AND substr(v, 1, ?) = ?)').join(' OR ')}))`,
        params: [k, ...values.flatMap((v) => [v, characters(v), v])],
        exact: true,
      }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      // String order differs between JavaScript (UTF-16) and SQLite (UTF-8 bytes): left to the residual.
      return NONE
  }
}

function compileCondition(node: ConditionNode, index: I2AttributeIndex): Piece {
  if (node.integerPart) return NONE
  const promoted = I2_PROMOTED[node.path]
  if (promoted)
    return promoted.type === node.valueType ? promotedCondition(node, promoted.column) : NONE
  const k = node.valueType === 'string' ? index.keyId(node.path) : undefined
  return k === undefined ? NONE : indexedCondition(node, k)
}

const POSITIVE = new Set(['in', 'prefix', 'gt', 'gte', 'lt', 'lte'])

function compileNode(node: CriteriaNode, index: I2AttributeIndex): Piece {
  switch (node.kind) {
    case 'condition':
      return compileCondition(node, index)
    case 'and': {
      const pieces = node.conditions.map((c) => compileNode(c, index))
      const withSql = pieces.filter((p) => p.sql !== undefined)
      const exact = pieces.every((p) => p.exact)
      if (node.conditions.length === 0) return { sql: '1', params: [], exact: true }
      if (withSql.length === 0) return NONE
      return {
        sql: `(${withSql.map((p) => p.sql).join(' AND ')})`,
        params: withSql.flatMap((p) => p.params),
        exact,
      }
    }
    case 'or': {
      if (node.conditions.length === 0) return { sql: '0', params: [], exact: true }
      const pieces = node.conditions.map((c) => compileNode(c, index))
      if (pieces.some((p) => p.sql === undefined)) return NONE
      return {
        sql: `(${pieces.map((p) => p.sql).join(' OR ')})`,
        params: pieces.flatMap((p) => p.params),
        exact: pieces.every((p) => p.exact),
      }
    }
    case 'element': {
      // Necessary: every positive condition holds on the values of all elements together.
      const flattened = node.conditions.flatMap((c) =>
        c.kind === 'condition' && POSITIVE.has(c.op)
          ? [criteria.condition({ ...c, path: `${node.path}.${c.path}` })]
          : [],
      )
      const pieces = flattened.map((c) => compileCondition(c, index)).filter((p) => p.sql)
      if (pieces.length === 0) return NONE
      return {
        sql: `(${pieces.map((p) => p.sql).join(' AND ')})`,
        params: pieces.flatMap((p) => p.params),
        exact: false,
      }
    }
  }
}

/** The `WHERE` fragment (without the keyword) for `filter`; `1` when nothing narrows it. */
export function compileInspectorCriteria(
  filter: FilterNode,
  index: I2AttributeIndex,
): I2CompiledSql {
  const parts: string[] = []
  const params: (string | number)[] = []
  const residual: CriteriaNode[] = []
  for (const node of filter.conditions) {
    const piece = compileNode(node, index)
    if (piece.sql !== undefined) {
      parts.push(piece.sql)
      params.push(...piece.params)
    }
    if (!piece.exact || piece.sql === undefined) residual.push(node)
  }
  return {
    sql: parts.length ? parts.join(' AND ') : '1',
    params,
    ...(residual.length ? { residual: criteria.and(residual) } : {}),
  }
}
