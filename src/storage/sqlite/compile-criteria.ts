/**
 * Compiles a filter AST to a SQLite `WHERE` fragment over `gd_finding f`, in three tiers:
 *
 * 1. conditions on promoted attributes test their column;
 * 2. conditions on indexed keys are answered by the `gd_finding_attr` index (one `(k, v, pk)` row per
 *    value, `k` a small integer standing for the key) with `IN` / `NOT IN` sub-selects, which gives the
 *    any-value / none-value semantics of `evaluate-criteria.ts` on multi-valued paths;
 * 3. every other node — conditions on other keys, `prefix` conditions, `or` and `element` nodes — is
 *    left in a residual filter that the store evaluates on the stored finding (through a SQL function),
 *    after the first two tiers have narrowed the rows.
 *
 * Example: `severity gte 7 AND securityGroups.groupId notIn [sg-1]` →
 * `f.severity >= ? AND f.pk NOT IN (SELECT pk FROM gd_finding_attr WHERE k = ? AND v IN (?))`
 *
 * Attribute values are stored as numbers for number and timestamp keys and as text otherwise (booleans as
 * `true`/`false`), so comparisons only ever meet values of their own kind. Values are always bound,
 * never spliced.
 */
import type { ConditionNode, CriteriaNode, FilterNode, ScalarValue } from '../query/criteria-ast.js'
import { criteria } from '../query/criteria-ast.js'

/** Criterion keys stored as columns of `gd_finding`, with how their values are bound. */
export const PROMOTED: Readonly<
  Record<string, { readonly column: string; readonly kind: 'text' | 'num' | 'bool' }>
> = {
  id: { column: 'f.id', kind: 'text' },
  accountId: { column: 'f.account_id', kind: 'text' },
  region: { column: 'f.region', kind: 'text' },
  type: { column: 'f.type', kind: 'text' },
  severity: { column: 'f.severity', kind: 'num' },
  confidence: { column: 'f.confidence', kind: 'num' },
  createdAt: { column: 'f.created_at', kind: 'num' },
  updatedAt: { column: 'f.updated_at', kind: 'num' },
  'service.archived': { column: 'f.archived', kind: 'bool' },
}

/** How the compiler learns about the attribute index. */
export interface AttributeIndex {
  /** The integer standing for an indexed key; undefined when the key is not indexed. */
  keyId(key: string): number | undefined
}

export interface CompiledSql {
  readonly sql: string
  readonly params: (string | number)[]
  /** Conditions neither a column nor the index answers (undefined when there are none). */
  readonly residual?: FilterNode
}

const COMPARATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

function bind(value: ScalarValue, kind: 'text' | 'num' | 'bool'): string | number {
  if (kind === 'bool') return value === true ? 1 : 0
  return typeof value === 'boolean' ? String(value) : value
}

function compileCondition(
  node: ConditionNode,
  keyId: number,
  params: (string | number)[],
): string | undefined {
  if (node.op === 'prefix') return undefined
  const promoted = PROMOTED[node.path]
  if (promoted) {
    const column = node.integerPart ? `CAST(${promoted.column} AS INTEGER)` : promoted.column
    const values = node.values.map((v) => bind(v, promoted.kind))
    if (node.op === 'in' || node.op === 'notIn') {
      params.push(...values)
      return `${column} ${node.op === 'in' ? 'IN' : 'NOT IN'} (${values.map(() => '?').join(', ')})`
    }
    params.push(values[0] as string | number)
    return `${column} ${COMPARATORS[node.op]} ?`
  }
  if (node.integerPart) return undefined
  const values = node.values.map((v) => (typeof v === 'boolean' ? String(v) : v))
  params.push(keyId)
  if (node.op === 'in' || node.op === 'notIn') {
    params.push(...values)
    const sub = `SELECT pk FROM gd_finding_attr WHERE k = ? AND v IN (${values.map(() => '?').join(', ')})`
    return `f.pk ${node.op === 'in' ? 'IN' : 'NOT IN'} (${sub})`
  }
  params.push(values[0] as string | number)
  return `f.pk IN (SELECT pk FROM gd_finding_attr WHERE k = ? AND v ${COMPARATORS[node.op]} ?)`
}

/** The `WHERE` fragment (without the keyword) for `filter`; `1` when it has no condition. */
export function compileCriteria(filter: FilterNode, index: AttributeIndex): CompiledSql {
  const params: (string | number)[] = []
  const parts: string[] = []
  const residual: CriteriaNode[] = []
  for (const c of filter.conditions) {
    const keyId = c.kind === 'condition' ? index.keyId(c.path) : undefined
    const sql =
      c.kind === 'condition' && c.op !== 'prefix' && (PROMOTED[c.path] || keyId !== undefined)
        ? compileCondition(c, keyId ?? -1, params)
        : undefined
    if (sql === undefined) residual.push(c)
    else parts.push(sql)
  }
  return {
    sql: parts.length ? parts.join(' AND ') : '1',
    params,
    ...(residual.length ? { residual: criteria.and(residual) } : {}),
  }
}
