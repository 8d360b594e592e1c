/**
 * Constraint validation of input values against the model's traits: `required`, `length`, `range`,
 * `pattern`, enum value sets and `uniqueItems`. Produces `Violation`s whose messages follow the wording
 * Smithy servers use ("Value with length 300 at '/name' failed to satisfy constraint: Member must have
 * length between 1 and 64, inclusive"), naming the field by its wire path. Services turn the violations
 * into their own modeled error (GuardDuty `BadRequestException`, Inspector `ValidationException`).
 */
import type { Bounds, Constraints, ShapeSchema } from './schema.js'

export type ViolationKind =
  'required' | 'type' | 'length' | 'range' | 'pattern' | 'enum' | 'uniqueItems' | 'union'

export interface Violation {
  readonly kind: ViolationKind
  /** Wire path of the offending value, JSON-pointer style: `/dataSources/s3Logs/enable`, `/accountIds/3`. */
  readonly path: string
  /** The full human message, e.g. `Value at '/enable' failed to satisfy constraint: Member must not be null`. */
  readonly message: string
  /** The rule alone, e.g. `Member must not be null`. */
  readonly rule: string
}

const patternCache = new Map<string, RegExp>()

function compiled(pattern: string): RegExp {
  let re = patternCache.get(pattern)
  if (!re) {
    try {
      re = new RegExp(pattern, 'u')
    } catch {
      re = new RegExp(pattern)
    }
    patternCache.set(pattern, re)
  }
  return re
}

function describeBounds(b: Bounds, what: 'length' | 'value'): string {
  const prefix = what === 'length' ? 'Member must have length' : 'Member must be'
  if (b.min !== undefined && b.max !== undefined)
    return `${prefix} between ${b.min} and ${b.max}, inclusive`
  if (b.min !== undefined) return `${prefix} greater than or equal to ${b.min}`
  return `${prefix} less than or equal to ${String(b.max)}`
}

function outside(n: number, b: Bounds): boolean {
  return (b.min !== undefined && n < b.min) || (b.max !== undefined && n > b.max)
}

/** Records a violation with the standard message. */
export function violation(
  out: Violation[],
  kind: ViolationKind,
  path: string,
  rule: string,
  valuePrefix = 'Value',
): void {
  out.push({
    kind,
    path,
    rule,
    message: `${valuePrefix} at '${path}' failed to satisfy constraint: ${rule}`,
  })
}

function quoted(value: unknown, sensitive: boolean | undefined): string {
  return sensitive ? 'Value' : `Value '${String(value)}'`
}

/** Length of a string in Unicode code points, as Smithy counts it. */
function codePoints(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++
    n++
  }
  return n
}

/**
 * Checks one present value against the constraints of its member (which win) and of its shape.
 * @param value an already type-checked value: string, number, boolean, Date, Uint8Array, array or object
 */
export function checkConstraints(
  value: unknown,
  member: Constraints | undefined,
  shape: ShapeSchema,
  path: string,
  out: Violation[],
): void {
  const length = member?.length ?? ('length' in shape ? shape.length : undefined)
  const range = member?.range ?? ('range' in shape ? shape.range : undefined)
  const pattern = member?.pattern ?? ('pattern' in shape ? shape.pattern : undefined)
  const sensitive = 'sensitive' in shape ? shape.sensitive : undefined
  if (length) {
    let n: number | undefined
    if (typeof value === 'string') n = codePoints(value)
    else if (Array.isArray(value)) n = value.length
    else if (value instanceof Uint8Array) n = value.byteLength
    else if (value !== null && typeof value === 'object') n = Object.keys(value).length
    if (n !== undefined && outside(n, length))
      violation(out, 'length', path, describeBounds(length, 'length'), `Value with length ${n}`)
  }
  if (range && typeof value === 'number' && outside(value, range))
    violation(out, 'range', path, describeBounds(range, 'value'), `Value ${value}`)
  if (pattern !== undefined && typeof value === 'string' && !compiled(pattern).test(value))
    violation(
      out,
      'pattern',
      path,
      `Member must satisfy regular expression pattern: ${pattern}`,
      quoted(value, sensitive),
    )
  if ('enum' in shape && shape.enum && !shape.enum.includes(value as string | number))
    violation(
      out,
      'enum',
      path,
      `Member must satisfy enum value set: [${shape.enum.join(', ')}]`,
      quoted(value, sensitive),
    )
  if (shape.type === 'list' && shape.uniqueItems && Array.isArray(value)) {
    const seen = new Map<string, number>()
    const repeated: number[] = []
    value.forEach((item, i) => {
      const key = JSON.stringify(item)
      if (seen.has(key)) repeated.push(i)
      else seen.set(key, i)
    })
    if (repeated.length > 0)
      violation(
        out,
        'uniqueItems',
        path,
        'Member must have unique values',
        `Value with repeated values at indices [${repeated.join(', ')}]`,
      )
  }
}
