/**
 * GuardDuty `findingCriteria` → filter AST, and the reader that finds a criterion's values in a finding
 * (the finding as GetFindings returns it: wire names, ISO-8601 string dates, epoch-second timestamps).
 *
 * - Operators: `eq`/`equals` → in, `neq`/`notEquals` → notIn, `gt`/`greaterThan`, `gte`/
 *   `greaterThanOrEqual`, `lt`/`lessThan`, `lte`/`lessThanOrEqual`; several in one condition all apply.
 * - Values are read in the key's type: numbers, `true`/`false`, timestamps as epoch milliseconds (or
 *   ISO-8601 strings in `equals`). Comparisons apply to number and timestamp keys only.
 * - `severity` in `equals`/`notEquals` compares its integer part (AWS documents Low as `["1","2","3"]`).
 * - A path through lists reaches every element (any-value semantics; see `evaluate-criteria.ts`).
 * Full semantics: `docs/guardduty-finding-criteria.md`.
 */
import {
  criteria as ast,
  type AndNode,
  type ConditionNode,
  type ScalarValue,
  type ValueType,
} from '../../../storage/query/criteria-ast.js'
import type * as gd from '../generated/types.js'
import { invalidInput } from '../guardduty-errors.js'
import { CRITERION_KEYS } from './criterion-keys.js'

const LIST_OPS = [
  ['Eq', 'in'],
  ['Equals', 'in'],
  ['Neq', 'notIn'],
  ['NotEquals', 'notIn'],
] as const

const COMPARE_OPS = [
  ['Gt', 'gt'],
  ['GreaterThan', 'gt'],
  ['Gte', 'gte'],
  ['GreaterThanOrEqual', 'gte'],
  ['Lt', 'lt'],
  ['LessThan', 'lt'],
  ['Lte', 'lte'],
  ['LessThanOrEqual', 'lte'],
] as const

const wireName = (member: string) => member.charAt(0).toLowerCase() + member.slice(1)

function typed(key: string, type: ValueType, text: string): ScalarValue {
  const bad = () =>
    invalidInput(
      `The request is rejected because '${text}' is not a valid ${type} value for the criterion '${key}'.`,
    )
  switch (type) {
    case 'string':
      return text
    case 'number': {
      const n = Number(text)
      if (text.trim() === '' || !Number.isFinite(n)) throw bad()
      return n
    }
    case 'boolean':
      if (/^true$/i.test(text)) return true
      if (/^false$/i.test(text)) return false
      throw bad()
    case 'timestamp': {
      const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text)
      if (!Number.isFinite(ms)) throw bad()
      return ms
    }
  }
}

/**
 * Parses and checks a finding criteria.
 * @throws BadRequestException naming the key: unknown key, condition without operator, empty list,
 *   value not of the key's type, comparison on a string or boolean key
 */
export function parseFindingCriteria(
  input: gd.FindingCriteria | undefined,
): AndNode<ConditionNode> {
  const conditions: ConditionNode[] = []
  for (const [key, condition] of Object.entries(input?.Criterion ?? {})) {
    const valueType = CRITERION_KEYS.get(key)
    if (valueType === undefined)
      throw invalidInput(
        `The request is rejected because the criterion key '${key}' is not a finding attribute GuardDuty can filter on.`,
      )
    const before = conditions.length
    for (const [member, op] of LIST_OPS) {
      const values = condition[member]
      if (values === undefined) continue
      if (values.length === 0)
        throw invalidInput(
          `The request is rejected because the condition for '${key}' has an empty ${wireName(member)} list.`,
        )
      conditions.push(
        ast.condition({
          path: key,
          valueType,
          op,
          values: values.map((v) => typed(key, valueType, v)),
          ...(key === 'severity' ? { integerPart: true as const } : {}),
        }),
      )
    }
    for (const [member, op] of COMPARE_OPS) {
      const value = condition[member]
      if (value === undefined) continue
      if (valueType !== 'number' && valueType !== 'timestamp')
        throw invalidInput(
          `The request is rejected because ${wireName(member)} does not apply to the ${valueType} criterion '${key}'.`,
        )
      conditions.push(ast.condition({ path: key, valueType, op: op, values: [value] }))
    }
    if (conditions.length === before)
      throw invalidInput(
        `The request is rejected because the condition for '${key}' has no operator.`,
      )
  }
  return ast.and(conditions)
}

/** Checks a finding criteria without keeping the result (filters store the criteria as given). */
export function checkFindingCriteria(input: gd.FindingCriteria | undefined): void {
  parseFindingCriteria(input)
}

/** A raw finding value read as a criterion of `type` (timestamps → epoch milliseconds). */
export function leaf(value: unknown, type: ValueType): ScalarValue | undefined {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    return undefined
  switch (type) {
    case 'timestamp':
      if (typeof value === 'number') return value * 1000
      if (typeof value === 'string') {
        const ms = Date.parse(value)
        return Number.isFinite(ms) ? ms : undefined
      }
      return undefined
    case 'number':
      return typeof value === 'number' ? value : Number(value)
    case 'boolean':
      return typeof value === 'boolean' ? value : String(value) === 'true'
    case 'string':
      return String(value)
  }
}

/** Collects the values at a dotted path, descending into every list element. */
function collect(value: unknown, segments: readonly string[], i: number, out: unknown[]): void {
  if (value === undefined || value === null) return
  if (Array.isArray(value)) {
    for (const item of value) collect(item, segments, i, out)
    return
  }
  if (i === segments.length) {
    out.push(value)
    return
  }
  if (typeof value !== 'object') return
  const segment = segments[i] as string
  const obj = value as Record<string, unknown>
  if (segment in obj) collect(obj[segment], segments, i + 1, out)
  else if (i === segments.length - 1 && (segment === 'key' || segment === 'value'))
    // A map-typed attribute: `.key` / `.value` reach its keys / values.
    out.push(...(segment === 'key' ? Object.keys(obj) : Object.values(obj)))
}

/** The values a condition tests, read from a finding in wire form. */
export function readFindingValues(
  finding: Readonly<Record<string, unknown>>,
  node: ConditionNode,
): ScalarValue[] {
  const raw: unknown[] = []
  if (node.path === 'service.additionalInfo.threatListName') {
    const text = (finding.service as { additionalInfo?: { value?: unknown } } | undefined)
      ?.additionalInfo?.value
    if (typeof text === 'string') {
      try {
        collect(JSON.parse(text), ['threatListName'], 0, raw)
      } catch {
        // additionalInfo that is not JSON carries no threat list name
      }
    }
  } else collect(finding, node.path.split('.'), 0, raw)
  const out: ScalarValue[] = []
  for (const r of raw) {
    const v = leaf(r, node.valueType)
    if (v !== undefined) out.push(v)
  }
  return out
}
