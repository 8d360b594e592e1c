/**
 * EventBridge event patterns, for choosing which events a sink receives (no maintained npm package
 * implements them, so Vigil carries this one). Semantics as the EventBridge User Guide ("Event
 * patterns", "Content filtering") describes them:
 *
 * - A pattern is an object; every key in it must match (AND). A nested object descends into the
 *   event; an array lists alternatives (OR). `$or: [pattern, …]` matches when one sub-pattern does.
 * - A value in the event that is an array matches when any element does.
 * - Alternatives: a literal (string, number — compared as numbers —, boolean, null) matches an equal
 *   value; `{prefix}`, `{suffix}` (each also with `{equals-ignore-case}` inside), `{equals-ignore-case}`,
 *   `{wildcard}` (`*` any run of characters), `{anything-but: literal | [literals] | {prefix} |
 *   {suffix}}`, `{numeric: [op, n, (op, n)]}` with `=`, `<`, `<=`, `>`, `>=`, `{exists: true|false}`
 *   and `{cidr: "a.b.c.d/n"}` (IPv4).
 * - A field missing from the event matches only `{exists: false}`.
 *
 * Example: `{"source":["aws.guardduty"],"detail":{"severity":[{"numeric":[">=",7]}]}}` selects
 * GuardDuty findings of high severity.
 */
import ipaddr from 'ipaddr.js'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** A pattern that is not valid, with where. */
export class EventPatternError extends Error {
  override readonly name = 'EventPatternError'
}

type Matcher = (value: Json | undefined) => boolean

const isObject = (v: unknown): v is Record<string, Json> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

function scalarMatcher(spec: Json, path: string): Matcher {
  if (spec === null || typeof spec === 'boolean' || typeof spec === 'string')
    return (v) => v === spec
  if (typeof spec === 'number') return (v) => typeof v === 'number' && v === spec
  if (!isObject(spec) || Object.keys(spec).length !== 1)
    throw new EventPatternError(`${path}: expected a value or a one-key matcher object`)
  const [op, arg] = Object.entries(spec)[0] as [string, Json]
  const text = (v: Json | undefined): v is string => typeof v === 'string'
  switch (op) {
    case 'prefix':
    case 'suffix': {
      const inner = isObject(arg) ? arg['equals-ignore-case'] : undefined
      const ignoreCase = typeof inner === 'string'
      const needle = ignoreCase ? inner : arg
      if (typeof needle !== 'string') throw new EventPatternError(`${path}: ${op} takes a string`)
      const n = ignoreCase ? needle.toLowerCase() : needle
      return (v) => {
        if (!text(v)) return false
        const s = ignoreCase ? v.toLowerCase() : v
        return op === 'prefix' ? s.startsWith(n) : s.endsWith(n)
      }
    }
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw new EventPatternError(`${path}: ${op} takes a string`)
      return (v) => text(v) && v.toLowerCase() === arg.toLowerCase()
    case 'wildcard': {
      if (typeof arg !== 'string') throw new EventPatternError(`${path}: ${op} takes a string`)
      const re = new RegExp(
        `^${arg
          .split('*')
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        's',
      )
      return (v) => text(v) && re.test(v)
    }
    case 'anything-but': {
      const inner: Matcher = Array.isArray(arg)
        ? anyOf(
            arg.map((a, i) => scalarMatcher(a, `${path}/anything-but/${i}`)),
            `${path}/anything-but`,
          )
        : scalarMatcher(arg, `${path}/anything-but`)
      return (v) => v !== undefined && !inner(v)
    }
    case 'numeric': {
      if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4)
        throw new EventPatternError(`${path}: numeric takes [op, number] or [op, n, op, n]`)
      const tests: ((n: number) => boolean)[] = []
      for (let i = 0; i < arg.length; i += 2) {
        const [cmp, bound] = [arg[i], arg[i + 1]]
        if (typeof bound !== 'number') throw new EventPatternError(`${path}: numeric bound`)
        const t = {
          '=': (n: number) => n === bound,
          '<': (n: number) => n < bound,
          '<=': (n: number) => n <= bound,
          '>': (n: number) => n > bound,
          '>=': (n: number) => n >= bound,
        }[typeof cmp === 'string' ? cmp : '']
        if (!t) throw new EventPatternError(`${path}: numeric operator ${JSON.stringify(cmp)}`)
        tests.push(t)
      }
      return (v) => typeof v === 'number' && tests.every((t) => t(v))
    }
    case 'exists':
      if (typeof arg !== 'boolean') throw new EventPatternError(`${path}: exists takes a boolean`)
      return (v) => (v !== undefined) === arg
    case 'cidr': {
      let range: [ipaddr.IPv4 | ipaddr.IPv6, number]
      try {
        if (typeof arg !== 'string') throw new Error('not a string')
        range = ipaddr.parseCIDR(arg)
      } catch {
        throw new EventPatternError(`${path}: cidr ${JSON.stringify(arg)} is not a CIDR block`)
      }
      return (v) => {
        if (!text(v) || !ipaddr.isValid(v)) return false
        const ip = ipaddr.parse(v)
        return ip.kind() === range[0].kind() && ip.match(range)
      }
    }
    default:
      throw new EventPatternError(`${path}: unknown matcher ${op}`)
  }
}

function anyOf(matchers: Matcher[], path: string): Matcher {
  if (matchers.length === 0) throw new EventPatternError(`${path}: an empty list matches nothing`)
  return (v) => matchers.some((m) => m(v))
}

/** Compiles an object pattern into a test of the object at the same level of the event. */
function objectMatcher(
  pattern: Record<string, Json>,
  path: string,
): (obj: Json | undefined) => boolean {
  const tests: ((obj: Record<string, Json>) => boolean)[] = []
  for (const [key, spec] of Object.entries(pattern)) {
    const here = `${path}/${key}`
    if (key === '$or') {
      if (!Array.isArray(spec) || spec.length < 2)
        throw new EventPatternError(`${here}: $or takes at least two patterns`)
      const alternatives = spec.map((p, i) => {
        if (!isObject(p)) throw new EventPatternError(`${here}/${i}: expected a pattern object`)
        return objectMatcher(p, `${here}/${i}`)
      })
      tests.push((obj) => alternatives.some((a) => a(obj)))
    } else if (Array.isArray(spec)) {
      const values = anyOf(
        spec.map((s, i) => scalarMatcher(s, `${here}/${i}`)),
        here,
      )
      const existsOnly = spec.every((s) => isObject(s) && 'exists' in s)
      tests.push((obj) => {
        const v = obj[key]
        if (Array.isArray(v) && !existsOnly) return v.some((item) => values(item))
        return values(v)
      })
    } else if (isObject(spec)) {
      const inner = objectMatcher(spec, here)
      tests.push((obj) => {
        const v = obj[key]
        if (Array.isArray(v)) return v.some((item) => inner(item))
        return inner(v)
      })
    } else throw new EventPatternError(`${here}: expected a list of values or a nested pattern`)
  }
  return (obj) => isObject(obj) && tests.every((t) => t(obj))
}

/** A compiled event pattern. */
export class EventPattern {
  readonly #match: (event: Json | undefined) => boolean

  /**
   * @param pattern the pattern as parsed JSON
   * @throws EventPatternError when it is not a valid pattern (the message says where)
   */
  constructor(pattern: unknown) {
    if (!isObject(pattern)) throw new EventPatternError('an event pattern is a JSON object')
    this.#match = objectMatcher(pattern, '')
  }

  /** Whether `event` matches. */
  matches(event: unknown): boolean {
    return this.#match(event as Json)
  }
}
