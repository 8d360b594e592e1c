/**
 * The value reader for records kept as wire-form JSON whose criteria paths are plain wire paths
 * (Inspector findings): the values a condition tests are found by following the dotted path,
 * descending into every list on the way, and read in the condition's type. Used by the in-memory
 * evaluator and by stores that promote or index values, so that every tier reads a value the same way.
 *
 * - `timestamp`: a number is epoch seconds (the wire form) → epoch milliseconds, rounded to whole
 *   milliseconds; a string is parsed as a date.
 * - `number`, `boolean`, `string`: only values of that JSON type count.
 * - A path that ends at an object (a map such as resource tags) yields one string per entry:
 *   `key + MAP_ENTRY_SEPARATOR + value` (entries whose value is not a string are skipped).
 */
import type { ConditionNode, ScalarValue, ValueType } from './criteria-ast.js'

/**
 * Separates a map entry's key from its value in the strings read at a map path (U+001F, the
 * information separator "unit": not NUL, which SQLite's string functions stop at).
 */
export const MAP_ENTRY_SEPARATOR = '\u001f'

/** One raw JSON value read as `type`, or undefined when it is not of that type. */
export function typedValue(raw: unknown, type: ValueType): ScalarValue | undefined {
  switch (type) {
    case 'timestamp':
      if (typeof raw === 'number' && Number.isFinite(raw)) return Math.round(raw * 1000)
      if (typeof raw === 'string') {
        const ms = Date.parse(raw)
        return Number.isFinite(ms) ? ms : undefined
      }
      return undefined
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined
    case 'string':
      return typeof raw === 'string' ? raw : undefined
  }
}

function collect(value: unknown, segments: readonly string[], i: number, out: unknown[]): void {
  if (value === undefined || value === null) return
  if (Array.isArray(value)) {
    for (const item of value) collect(item, segments, i, out)
    return
  }
  if (i === segments.length) {
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        if (typeof v === 'string') out.push(`${k}${MAP_ENTRY_SEPARATOR}${v}`)
    } else out.push(value)
    return
  }
  if (typeof value !== 'object') return
  collect((value as Record<string, unknown>)[segments[i] as string], segments, i + 1, out)
}

/** The values at `path` of a wire-form record, read as `type`. */
export function readPathValues(
  record: Readonly<Record<string, unknown>>,
  path: string,
  type: ValueType,
): ScalarValue[] {
  const raw: unknown[] = []
  collect(record, path.split('.'), 0, raw)
  const out: ScalarValue[] = []
  for (const r of raw) {
    const v = typedValue(r, type)
    if (v !== undefined) out.push(v)
  }
  return out
}

/** The values a condition tests, read from a wire-form record (the evaluator's `ValueReader`). */
export function readJsonValues(
  record: Readonly<Record<string, unknown>>,
  node: ConditionNode,
): ScalarValue[] {
  return readPathValues(record, node.path, node.valueType)
}
