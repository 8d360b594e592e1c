/**
 * A strict conformance check of a value in wire form against a shape of a service model, for tests:
 * unlike `decodeWire`, which skips members the shape does not know and drops values of the wrong type,
 * this reports them — every member must be one of the structure's `jsonName`s, required members must be
 * present, scalars must have the model's type (model timestamps are epoch seconds in wire form), lists and
 * maps must hold well-typed entries, and the model's constraints (enum values, lengths, ranges, patterns)
 * must hold, except those a caller waives by path.
 */
import type { ServiceSchema, ShapeSchema } from '../../../../protocol/schema.js'
import { checkConstraints, type Violation } from '../../../../protocol/validate.js'

/** One way the value does not conform, with its wire path (`/service/action/actionType`). */
export interface WireProblem {
  readonly path: string
  readonly problem: string
}

const INTEGERS = new Set(['byte', 'short', 'integer', 'long', 'bigInteger'])
const NUMBERS = new Set(['float', 'double', 'bigDecimal'])

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/**
 * Every problem of `value` against shape `ref`; empty when it conforms.
 * @param waived constraint violations to ignore, by path (`/type`)
 */
export function wireProblems(
  schema: ServiceSchema,
  ref: string,
  value: unknown,
  waived: readonly string[] = [],
): WireProblem[] {
  const problems: WireProblem[] = []
  const violations: Violation[] = []
  const walk = (shapeRef: string, v: unknown, path: string, format?: string): void => {
    const shape = schema.shapes[shapeRef]
    if (!shape) {
      problems.push({ path, problem: `unknown shape ${shapeRef}` })
      return
    }
    const wrong = (expected: string): void => {
      problems.push({ path, problem: `expected ${expected}, got ${JSON.stringify(v)}` })
    }
    switch (shape.type) {
      case 'structure':
      case 'union': {
        if (!isObject(v)) return wrong(`a ${shapeRef} object`)
        const byWire = new Map(
          Object.entries(shape.members).map(([name, m]) => [m.jsonName ?? name, m]),
        )
        for (const key of Object.keys(v))
          if (!byWire.has(key))
            problems.push({ path, problem: `unknown member '${key}' of ${shapeRef}` })
        let set = 0
        for (const [wireName, m] of byWire) {
          const child = v[wireName]
          if (child === undefined || child === null) {
            if (m.required && shape.type === 'structure')
              problems.push({
                path,
                problem: `missing required member '${wireName}' of ${shapeRef}`,
              })
            continue
          }
          set++
          walk(m.target, child, `${path}/${wireName}`, m.timestampFormat)
          checkConstraints(
            child,
            m,
            schema.shapes[m.target] as ShapeSchema,
            `${path}/${wireName}`,
            violations,
          )
        }
        if (shape.type === 'union' && set !== 1) wrong('exactly one union member')
        return
      }
      case 'list':
        if (!Array.isArray(v)) return wrong('a list')
        v.forEach((item, i) => {
          walk(shape.member, item, `${path}/${i}`)
          checkConstraints(
            item,
            undefined,
            schema.shapes[shape.member] as ShapeSchema,
            `${path}/${i}`,
            violations,
          )
        })
        return
      case 'map':
        if (!isObject(v)) return wrong('a map')
        for (const [k, item] of Object.entries(v)) {
          walk(shape.key, k, `${path}/${k}`)
          walk(shape.value, item, `${path}/${k}`)
          checkConstraints(
            item,
            undefined,
            schema.shapes[shape.value] as ShapeSchema,
            `${path}/${k}`,
            violations,
          )
        }
        return
      case 'string':
        if (typeof v !== 'string') wrong('a string')
        return
      case 'boolean':
        if (typeof v !== 'boolean') wrong('a boolean')
        return
      case 'timestamp': {
        const f = format ?? shape.timestampFormat ?? 'epoch-seconds'
        if (f === 'epoch-seconds' ? typeof v !== 'number' : typeof v !== 'string')
          wrong(`a ${f} timestamp`)
        return
      }
      case 'blob':
        if (typeof v !== 'string') wrong('a base64 string')
        return
      case 'document':
        return
      default:
        if (INTEGERS.has(shape.type)) {
          if (typeof v !== 'number' || !Number.isInteger(v)) wrong('an integer')
        } else if (NUMBERS.has(shape.type)) {
          if (typeof v !== 'number' || !Number.isFinite(v)) wrong('a number')
        }
    }
  }
  walk(ref, value, '')
  for (const v of violations)
    if (!waived.includes(v.path)) problems.push({ path: v.path, problem: v.message })
  return problems
}
