/**
 * Checking the shape of one parsed JSON record before it is handed out under a record type. This
 * module owns the small field-type checks the CloudTrail, Resolver and Kubernetes record readers
 * share, so each reader declares its field types once (as a table) and every refusal is worded the
 * same way ("field eventTime is missing", "field readOnly is a string, not a boolean").
 */

/** A parsed JSON object: any keys, values not yet looked at. */
export interface JsonObject {
  readonly [key: string]: unknown
}

/** Whether a parsed JSON value is an object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The JSON type names a field table can ask for. */
export type JsonFieldType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'string-array'

/** A record's declared fields: which must be present, and every field's type (as a list). */
export interface JsonFieldTable {
  readonly required: readonly string[]
  readonly types: readonly (readonly [name: string, type: JsonFieldType])[]
}

/** Builds a field table from the required names and a name → type map. */
export function jsonFieldTable(
  required: readonly string[],
  types: Readonly<Record<string, JsonFieldType>>,
): JsonFieldTable {
  return { required, types: Object.entries(types) }
}

/** The JSON type name of a value, for messages. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string':
      return 'a string'
    case 'number':
      return 'a number'
    case 'boolean':
      return 'a boolean'
    case 'object':
      return 'an object'
    default:
      return typeof value
  }
}

function hasType(value: unknown, type: JsonFieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'number':
      return typeof value === 'number'
    case 'boolean':
      return typeof value === 'boolean'
    case 'object':
      return isJsonObject(value)
    case 'array':
      return Array.isArray(value)
    case 'string-array':
      return Array.isArray(value) && value.every((item) => typeof item === 'string')
  }
}

const TYPE_WORDS: Readonly<Record<JsonFieldType, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  'string-array': 'an array of strings',
}

/**
 * Checks `object` against `table`: every required field present (not null), every declared field
 * that is present (not null) of its declared type. JSON `null` counts as absent, as CloudTrail
 * writes `"responseElements": null`. Returns why the object does not fit, or undefined when it fits.
 * `prefix` names a nested object in messages (`userIdentity.`).
 */
export function checkJsonFields(
  object: JsonObject,
  table: JsonFieldTable,
  prefix = '',
): string | undefined {
  for (const name of table.required) {
    const value = object[name]
    if (value === undefined || value === null) return `field ${prefix}${name} is missing`
  }
  for (const [name, type] of table.types) {
    const value = object[name]
    if (value === undefined || value === null) continue
    if (!hasType(value, type)) {
      if (type === 'string-array' && Array.isArray(value)) {
        return `field ${prefix}${name} holds a value that is not a string`
      }
      return `field ${prefix}${name} is ${jsonTypeName(value)}, not ${TYPE_WORDS[type]}`
    }
  }
  return undefined
}

/** Whether `text` is an ISO-8601 timestamp `Date.parse` understands (`2024-07-31T13:06:24Z`). */
export function isTimestamp(text: string): boolean {
  return text.length >= 10 && !Number.isNaN(Date.parse(text))
}
