/**
 * Response serialization for restJson1: turns a handler's output or a `ModeledError` (both keyed by
 * Smithy member names) into an HTTP response: JSON body under `jsonName`s, timestamps as epoch seconds
 * (or the member's `timestampFormat`), blobs as base64, header-bound members as headers, the operation's
 * success code, and for errors the `httpError` status plus `X-Amzn-ErrorType`. Members the model does not
 * know are dropped, so a handler can never leak internal fields onto the wire.
 */
import type { ModeledError } from './modeled-error.js'
import type {
  MemberSchema,
  ServiceSchema,
  ShapeSchema,
  StructureSchema,
  TimestampFormat,
} from './schema.js'

/** A structure's members with their wire names, computed once per shape. */
type MemberTable = readonly (readonly [name: string, member: MemberSchema, wire: string])[]
const memberTables = new WeakMap<StructureSchema, MemberTable>()

function membersOf(shape: StructureSchema): MemberTable {
  let table = memberTables.get(shape)
  if (!table) {
    table = Object.entries(shape.members).map(([name, m]) => [name, m, m.jsonName ?? name] as const)
    memberTables.set(shape, table)
  }
  return table
}

export interface EncodedMessage {
  readonly headers: Record<string, string>
  readonly body: Record<string, unknown>
}

/**
 * Encodes a structure of shape `ref`.
 * @param value output keyed by member name; timestamps as `Date` (a number is taken as epoch seconds)
 */
export function writeStructure(schema: ServiceSchema, ref: string, value: object): EncodedMessage {
  const shape = schema.shapes[ref]
  if (!shape || (shape.type !== 'structure' && shape.type !== 'union'))
    throw new Error(`${ref} is not a structure`)
  const headers: Record<string, string> = {}
  const body: Record<string, unknown> = {}
  const obj = value as Record<string, unknown>
  for (const [name, member, wire] of membersOf(shape)) {
    let v = obj[name]
    if (v === undefined || v === null) {
      if (member.default === undefined || !member.required) continue
      v = member.default
    }
    if (member.location === 'header') {
      headers[member.locationName ?? name] = headerText(schema, member, v)
      continue
    }
    if (member.location !== undefined) continue
    body[wire] = writeValue(schema, member.target, v, member)
  }
  return { headers, body }
}

function writeValue(
  schema: ServiceSchema,
  ref: string,
  value: unknown,
  member?: MemberSchema,
): unknown {
  const shape = schema.shapes[ref] as ShapeSchema
  switch (shape.type) {
    case 'structure':
    case 'union':
      return typeof value === 'object'
        ? writeStructure(schema, ref, value as object).body
        : undefined
    case 'list':
      return Array.isArray(value)
        ? value
            .filter((v) => v !== undefined && v !== null)
            .map((v) => writeValue(schema, shape.member, v))
        : []
    case 'map': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        if (v !== undefined && v !== null) out[k] = writeValue(schema, shape.value, v)
      return out
    }
    case 'timestamp':
      return formatTimestamp(
        value,
        member?.timestampFormat ?? shape.timestampFormat ?? 'epoch-seconds',
      )
    case 'blob':
      return Buffer.from(value as Uint8Array).toString('base64')
    case 'float':
    case 'double':
    case 'bigDecimal':
      if (typeof value === 'number' && !Number.isFinite(value))
        return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
      return value
    default:
      return value
  }
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value
  if (typeof value === 'number') return new Date(value * 1000)
  return new Date(String(value))
}

function formatTimestamp(value: unknown, format: TimestampFormat): number | string {
  const date = toDate(value)
  if (format === 'date-time') return date.toISOString()
  if (format === 'http-date') return date.toUTCString()
  return date.getTime() / 1000
}

function headerText(schema: ServiceSchema, member: MemberSchema, value: unknown): string {
  const shape = schema.shapes[member.target] as ShapeSchema
  if (shape.type === 'timestamp')
    return String(
      formatTimestamp(value, member.timestampFormat ?? shape.timestampFormat ?? 'http-date'),
    )
  if (Array.isArray(value)) return value.map(String).join(', ')
  return String(value)
}

/** Encodes a modeled error: its members under wire names, plus `message` when the shape names it otherwise. */
export function writeError(schema: ServiceSchema, error: ModeledError): EncodedMessage {
  const encoded = writeStructure(schema, error.info.shape, error.members)
  if (encoded.body.message === undefined) encoded.body.message = error.message
  return encoded
}
