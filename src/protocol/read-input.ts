/**
 * Request binding for restJson1: builds an operation's typed input (keyed by Smithy member names) from
 * URI labels, query parameters, headers and the JSON body (keyed by `jsonName`), coercing text to the
 * target types, decoding timestamps and blobs, filling `default`s, and collecting every type and
 * constraint violation in one pass. A body that is not JSON at all is a `MalformedRequestError`.
 */
import type { HttpRequest } from './http-message.js'
import type {
  MemberSchema,
  OperationSchema,
  ServiceSchema,
  ShapeSchema,
  TimestampFormat,
} from './schema.js'
import { checkConstraints, violation, type Violation } from './validate.js'

/** The body could not be read as the operation's input at all (not JSON, not an object). */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError'
}

export interface ReadInputResult {
  readonly input: Record<string, unknown>
  readonly violations: readonly Violation[]
}

const INVALID = Symbol('invalid')
type Decoded = unknown

/**
 * Reads the input of `operation` from `request`.
 * @param labels percent-decoded URI label values from the router
 * @param query decoded query parameters
 * @throws MalformedRequestError when the body is not a JSON object
 */
export function readInput(
  schema: ServiceSchema,
  operation: OperationSchema,
  request: HttpRequest,
  labels: Readonly<Record<string, string>>,
  query: ReadonlyMap<string, readonly string[]>,
): ReadInputResult {
  const violations: Violation[] = []
  const input: Record<string, unknown> = {}
  if (!operation.input) return { input, violations }
  const shape = schema.shapes[operation.input]
  if (!shape || shape.type !== 'structure')
    throw new Error(`input ${operation.input} is not a structure`)

  let body: Record<string, unknown> | undefined
  const readBody = (): Record<string, unknown> => {
    if (body) return body
    body = parseJsonObject(request.body)
    return body
  }
  const reader = new ValueReader(schema, violations)

  for (const [name, member] of Object.entries(shape.members)) {
    const target = schema.shapes[member.target] as ShapeSchema
    const path = '/' + (member.jsonName ?? member.locationName ?? name)
    let value: Decoded = undefined
    switch (member.location) {
      case undefined: {
        const raw = readBody()[member.jsonName ?? name]
        if (raw !== undefined && raw !== null) value = reader.read(member.target, raw, path, member)
        break
      }
      case 'label': {
        const text = labels[member.locationName ?? name]
        if (text !== undefined) value = reader.fromText(member, target, text, path, 'date-time')
        break
      }
      case 'query': {
        const texts = query.get(member.locationName ?? name)
        if (texts) value = reader.fromTexts(member, target, texts, path, 'date-time')
        break
      }
      case 'header': {
        const texts = request.headers[(member.locationName ?? name).toLowerCase()]
        if (texts) {
          const split = target.type === 'list' ? texts.flatMap((t) => t.split(',')) : texts
          value = reader.fromTexts(
            member,
            target,
            split.map((t) => t.trim()),
            path,
            'http-date',
          )
        }
        break
      }
      case 'queryParams': {
        const params: Record<string, unknown> = {}
        const valueShape = target.type === 'map' ? schema.shapes[target.value] : undefined
        for (const [k, v] of query) params[k] = valueShape?.type === 'list' ? v : v[0]
        if (query.size > 0) value = params
        break
      }
      case 'prefixHeaders': {
        const prefix = (member.locationName ?? '').toLowerCase()
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(request.headers))
          if (k.startsWith(prefix) && v) headers[k.slice(prefix.length)] = v.join(',')
        if (Object.keys(headers).length > 0) value = headers
        break
      }
      case 'payload': {
        if (request.body.byteLength === 0) break
        if (target.type === 'blob') value = request.body
        else if (target.type === 'string') value = Buffer.from(request.body).toString('utf8')
        else value = reader.read(member.target, parseJsonValue(request.body), path)
        break
      }
    }
    if (value === INVALID) continue
    if (value === undefined) {
      if (member.default !== undefined) input[name] = member.default
      else if (member.required) violation(violations, 'required', path, 'Member must not be null')
      continue
    }
    if (member.location !== undefined && member.location !== 'payload')
      checkConstraints(value, member, target, path, violations)
    input[name] = value
  }
  return { input, violations }
}

function parseJsonValue(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw new MalformedRequestError(
      `The request body could not be parsed as JSON: ${(cause as Error).message}`,
      { cause },
    )
  }
}

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.byteLength === 0) return {}
  const value = parseJsonValue(bytes)
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new MalformedRequestError('The request body must be a JSON object')
  return value as Record<string, unknown>
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean',
  byte: 'an integer',
  short: 'an integer',
  integer: 'an integer',
  long: 'an integer',
  float: 'a number',
  double: 'a number',
  bigInteger: 'an integer',
  bigDecimal: 'a number',
  timestamp: 'a timestamp',
  blob: 'a base64-encoded string',
  list: 'a list',
  map: 'a map',
  structure: 'an object',
  union: 'an object with exactly one member set',
}

const INTEGER_TYPES = new Set(['byte', 'short', 'integer', 'long', 'bigInteger'])
const FLOAT_TYPES = new Set(['float', 'double', 'bigDecimal'])

class ValueReader {
  constructor(
    private readonly schema: ServiceSchema,
    private readonly violations: Violation[],
  ) {}

  private wrongType(shape: ShapeSchema, path: string): typeof INVALID {
    violation(
      this.violations,
      'type',
      path,
      `Member must be ${TYPE_NAMES[shape.type] ?? shape.type}`,
    )
    return INVALID
  }

  /** Decodes a JSON value of shape `ref` and checks the shape's own constraints. */
  read(ref: string, raw: unknown, path: string, member?: MemberSchema): Decoded {
    const shape = this.schema.shapes[ref]
    if (!shape) throw new Error(`unknown shape ${ref}`)
    const value = this.decode(shape, raw, path, member)
    if (value !== INVALID) checkConstraints(value, member, shape, path, this.violations)
    return value
  }

  private decode(shape: ShapeSchema, raw: unknown, path: string, member?: MemberSchema): Decoded {
    switch (shape.type) {
      case 'structure':
      case 'union': {
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
          return this.wrongType(shape, path)
        const obj = raw as Record<string, unknown>
        const out: Record<string, unknown> = {}
        let set = 0
        for (const [name, m] of Object.entries(shape.members)) {
          const wire = m.jsonName ?? name
          const v = obj[wire]
          const childPath = `${path}/${wire}`
          if (v === undefined || v === null) {
            if (m.default !== undefined) out[name] = m.default
            else if (m.required && shape.type === 'structure')
              violation(this.violations, 'required', childPath, 'Member must not be null')
            continue
          }
          set++
          const decoded = this.read(m.target, v, childPath, m)
          if (decoded !== INVALID) out[name] = decoded
        }
        if (shape.type === 'union' && set !== 1)
          violation(this.violations, 'union', path, 'Member must have exactly one member set')
        return out
      }
      case 'list': {
        if (!Array.isArray(raw)) return this.wrongType(shape, path)
        return raw.map((item: unknown, i) => {
          if (item === null)
            return this.wrongType(this.schema.shapes[shape.member] as ShapeSchema, `${path}/${i}`)
          return this.read(shape.member, item, `${path}/${i}`)
        })
      }
      case 'map': {
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
          return this.wrongType(shape, path)
        const out: Record<string, unknown> = {}
        for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
          this.read(shape.key, k, `${path}/${k}`)
          if (v === null) continue
          out[k] = this.read(shape.value, v, `${path}/${k}`)
        }
        return out
      }
      case 'string':
        return typeof raw === 'string' ? raw : this.wrongType(shape, path)
      case 'boolean':
        return typeof raw === 'boolean' ? raw : this.wrongType(shape, path)
      case 'byte':
      case 'short':
      case 'integer':
      case 'long':
      case 'bigInteger':
        return typeof raw === 'number' && Number.isInteger(raw) ? raw : this.wrongType(shape, path)
      case 'float':
      case 'double':
      case 'bigDecimal':
        if (typeof raw === 'number') return raw
        if (raw === 'NaN') return NaN
        if (raw === 'Infinity') return Infinity
        if (raw === '-Infinity') return -Infinity
        return this.wrongType(shape, path)
      case 'timestamp': {
        const format = member?.timestampFormat ?? shape.timestampFormat ?? 'epoch-seconds'
        const date = parseTimestamp(raw, format)
        return date ?? this.wrongType(shape, path)
      }
      case 'blob':
        return typeof raw === 'string' ? Buffer.from(raw, 'base64') : this.wrongType(shape, path)
      case 'document':
        return raw
    }
  }

  /** Coerces one text value (label, query, header) to the member's type. */
  fromText(
    member: MemberSchema,
    shape: ShapeSchema,
    text: string,
    path: string,
    defaultFormat: TimestampFormat,
  ): Decoded {
    if (shape.type === 'string') return text
    if (shape.type === 'boolean') {
      if (text === 'true') return true
      if (text === 'false') return false
      return this.wrongType(shape, path)
    }
    if (INTEGER_TYPES.has(shape.type))
      return /^-?\d+$/.test(text) ? Number(text) : this.wrongType(shape, path)
    if (FLOAT_TYPES.has(shape.type)) {
      const n = Number(text)
      return Number.isNaN(n) && text !== 'NaN' ? this.wrongType(shape, path) : n
    }
    if (shape.type === 'timestamp') {
      const format = member.timestampFormat ?? shape.timestampFormat ?? defaultFormat
      const raw = format === 'epoch-seconds' ? Number(text) : text
      return parseTimestamp(raw, format) ?? this.wrongType(shape, path)
    }
    if (shape.type === 'blob') return Buffer.from(text, 'base64')
    return this.wrongType(shape, path)
  }

  /** Coerces repeated text values: a list member takes them all, a scalar takes the first. */
  fromTexts(
    member: MemberSchema,
    shape: ShapeSchema,
    texts: readonly string[],
    path: string,
    defaultFormat: TimestampFormat,
  ): Decoded {
    if (shape.type !== 'list')
      return this.fromText(member, shape, texts[0] ?? '', path, defaultFormat)
    const itemShape = this.schema.shapes[shape.member] as ShapeSchema
    const items = texts.map((t, i) => {
      const v = this.fromText(member, itemShape, t, `${path}/${i}`, defaultFormat)
      if (v !== INVALID) checkConstraints(v, undefined, itemShape, `${path}/${i}`, this.violations)
      return v
    })
    return items.includes(INVALID) ? INVALID : items
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i

function parseTimestamp(raw: unknown, format: TimestampFormat): Date | undefined {
  let ms: number
  if (format === 'epoch-seconds') {
    if (typeof raw !== 'number' || !Number.isFinite(raw)) return undefined
    ms = Math.round(raw * 1000)
  } else if (typeof raw !== 'string') {
    return undefined
  } else if (format === 'date-time') {
    if (!DATE_TIME.test(raw)) return undefined
    ms = Date.parse(raw)
  } else {
    ms = Date.parse(raw)
  }
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

/**
 * Decodes a JSON value in wire form (jsonName keys, epoch-second timestamps) into the member-name form
 * handlers work with, as the request reader does for bodies; for values kept in wire form (stored
 * findings) that a handler returns. Values that do not fit the shape are dropped.
 * @param ref the shape of `raw`
 */
export function decodeWire(schema: ServiceSchema, ref: string, raw: unknown): unknown {
  const value = new ValueReader(schema, []).read(ref, raw, '')
  return value === INVALID ? undefined : value
}
