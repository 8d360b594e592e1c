/**
 * Builds inputs from the generated model tables: a minimal *valid* value for any shape (required members
 * only, strings that satisfy length, pattern and enum, numbers inside their range), and the list of
 * top-level constraints an operation's input carries, for generating invalid cases. Deterministic for a
 * given seed.
 */
import fc from 'fast-check'
import type { MemberSchema, ServiceSchema, ShapeSchema } from '../../src/protocol/schema.js'

const FALLBACK_STRINGS = [
  'vigil',
  'a',
  '123456789012',
  '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  'arn:aws:guardduty:us-east-1:123456789012:detector/0123456789abcdef0123456789abcdef',
]

export function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u')
  } catch {
    return new RegExp(pattern)
  }
}

function codePoints(s: string): number {
  return [...s].length
}

/** A string satisfying the pattern and length bounds, or undefined when none was found. */
export function validString(
  pattern: string | undefined,
  length: { min?: number; max?: number } | undefined,
  seed: number,
): string | undefined {
  const min = length?.min ?? 1
  const max = length?.max ?? 4096
  const fits = (s: string) => codePoints(s) >= min && codePoints(s) <= max
  if (pattern === undefined) {
    const base = 'vigil-'.padEnd(Math.max(min, 6), 'x')
    return base.slice(0, Math.min(max, base.length))
  }
  const re = compilePattern(pattern)
  for (const s of FALLBACK_STRINGS) if (re.test(s) && fits(s)) return s
  try {
    const samples = fc.sample(fc.stringMatching(re), { seed, numRuns: 200 })
    return samples
      .filter((s) => fits(s) && re.test(s))
      .sort((a, b) => a.length - b.length || a.localeCompare(b))[0]
  } catch {
    return undefined
  }
}

/**
 * A minimal valid value of shape `ref` (member names as keys, as the SDK input takes them).
 * @throws Error when no valid value could be built
 */
export function validValue(
  schema: ServiceSchema,
  ref: string,
  seed = 1,
  member?: MemberSchema,
  depth = 0,
): unknown {
  const shape = schema.shapes[ref] as ShapeSchema
  const length = member?.length ?? ('length' in shape ? shape.length : undefined)
  const range = member?.range ?? ('range' in shape ? shape.range : undefined)
  switch (shape.type) {
    case 'structure':
    case 'union': {
      const out: Record<string, unknown> = {}
      const entries = Object.entries(shape.members)
      const chosen =
        shape.type === 'union' ? entries.slice(0, 1) : entries.filter(([, m]) => m.required)
      for (const [name, m] of chosen) out[name] = validValue(schema, m.target, seed, m, depth + 1)
      return out
    }
    case 'list': {
      // A required list gets one item: an empty list cannot travel in a query string.
      const n = Math.max(length?.min ?? 0, member?.required ? 1 : 0)
      const items = Array.from({ length: n }, (_, i) =>
        validValue(schema, shape.member, seed + i, undefined, depth + 1),
      )
      return items
    }
    case 'map': {
      const n = length?.min ?? 0
      const out: Record<string, unknown> = {}
      for (let i = 0; i < n; i++)
        out[String(validValue(schema, shape.key, seed + i))] = validValue(
          schema,
          shape.value,
          seed + i,
        )
      return out
    }
    case 'string': {
      if (shape.enum?.length) return shape.enum[0]
      const pattern = member?.pattern ?? shape.pattern
      const s = validString(pattern, length, seed)
      if (s === undefined) throw new Error(`no valid string for ${ref} /${pattern ?? ''}/`)
      return s
    }
    case 'boolean':
      return true
    case 'timestamp':
      return new Date(1_700_000_000_000)
    case 'blob':
      return new Uint8Array([1, 2, 3])
    case 'document':
      return {}
    default: {
      if (shape.enum?.length) return shape.enum[0]
      const lo = range?.min ?? 1
      return Math.max(lo, Math.min(range?.max ?? lo, 1))
    }
  }
}

export type ConstraintKind = 'required' | 'length' | 'range' | 'enum' | 'pattern'

export interface ConstraintCase {
  readonly member: string
  /** Wire name the error must name. */
  readonly wireName: string
  readonly kind: ConstraintKind
  /** The invalid value to send (undefined for `required`). */
  readonly value: unknown
}

/** Invalid single-member cases for the top-level members of an operation's input. */
export function constraintCases(schema: ServiceSchema, inputRef: string): ConstraintCase[] {
  const shape = schema.shapes[inputRef]
  if (!shape || shape.type !== 'structure') return []
  const cases: ConstraintCase[] = []
  for (const [name, m] of Object.entries(shape.members)) {
    const target = schema.shapes[m.target] as ShapeSchema
    const wireName = m.jsonName ?? m.locationName ?? name
    // The SDKs refuse to send a request with a missing label; that case never reaches a server.
    if (m.required && m.location !== 'label')
      cases.push({ member: name, wireName, kind: 'required', value: undefined })
    if (target.type === 'string' && (!('enum' in target) || !target.enum)) {
      const length = m.length ?? target.length
      if (length?.max !== undefined && length.max < 5000)
        cases.push({ member: name, wireName, kind: 'length', value: 'x'.repeat(length.max + 1) })
      const pattern = m.pattern ?? target.pattern
      if (pattern !== undefined && !compilePattern(pattern).test('!!'))
        cases.push({ member: name, wireName, kind: 'pattern', value: '!!' })
    }
    if (target.type === 'string' && 'enum' in target && target.enum)
      cases.push({ member: name, wireName, kind: 'enum', value: 'NOT_A_VALUE' })
    if (['integer', 'long', 'short', 'byte'].includes(target.type)) {
      const range = m.range ?? ('range' in target ? target.range : undefined)
      if (range?.max !== undefined)
        cases.push({ member: name, wireName, kind: 'range', value: range.max + 1 })
      else if (range?.min !== undefined)
        cases.push({ member: name, wireName, kind: 'range', value: range.min - 1 })
    }
  }
  return cases
}
