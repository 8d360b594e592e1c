/**
 * Compiles a filter AST to a SQLite `WHERE` fragment over `gd_finding f`: conditions on promoted
 * attributes test their column; every other attribute is answered by the `gd_finding_attr` index
 * (one row per value) with `IN` / `NOT IN` sub-selects, which gives the any-value / none-value semantics
 * of `evaluate-criteria.ts` on multi-valued paths. Values are always bound, never spliced.
 *
 * Example: `severity gte 7 AND securityGroups.groupId notIn [sg-1]` →
 * `f.severity >= ? AND f.pk NOT IN (SELECT finding_pk FROM gd_finding_attr WHERE key = ? AND v IN (?))`
 *
 * Attribute values are stored as numbers for number and timestamp keys and as text otherwise (booleans as
 * `true`/`false`), so comparisons only ever meet values of their own kind.
 */
import type { ConditionNode, FilterNode, ScalarValue } from '../query/criteria-ast.js'

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

export interface CompiledSql {
  readonly sql: string
  readonly params: (string | number)[]
}

const COMPARATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

function bind(value: ScalarValue, kind: 'text' | 'num' | 'bool'): string | number {
  if (kind === 'bool') return value === true ? 1 : 0
  return typeof value === 'boolean' ? String(value) : value
}

function compileCondition(node: ConditionNode, params: (string | number)[]): string {
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
  const column = 'v'
  const values = node.values.map((v) => (typeof v === 'boolean' ? String(v) : v))
  params.push(node.path)
  if (node.op === 'in' || node.op === 'notIn') {
    params.push(...values)
    const sub = `SELECT finding_pk FROM gd_finding_attr WHERE key = ? AND ${column} IN (${values.map(() => '?').join(', ')})`
    return `f.pk ${node.op === 'in' ? 'IN' : 'NOT IN'} (${sub})`
  }
  params.push(values[0] as string | number)
  return `f.pk IN (SELECT finding_pk FROM gd_finding_attr WHERE key = ? AND ${column} ${COMPARATORS[node.op]} ?)`
}

/** The `WHERE` fragment (without the keyword) for `filter`; `1` when it has no condition. */
export function compileCriteria(filter: FilterNode): CompiledSql {
  const params: (string | number)[] = []
  const parts = filter.conditions.map((c) => compileCondition(c, params))
  return { sql: parts.length ? parts.join(' AND ') : '1', params }
}
