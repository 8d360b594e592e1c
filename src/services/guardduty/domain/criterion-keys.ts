/**
 * The finding attributes a `findingCriteria` may name, with the type their values compare as. GuardDuty
 * accepts the dotted wire path of any leaf attribute of a finding (`resource.instanceDetails.instanceId`,
 * `service.archived`, tag `.key`/`.value`, ...), so the set is derived from the model's `Finding` shape
 * rather than typed by hand; a few documented spellings that are not leaf paths are added. Numbers,
 * booleans and model timestamps take their type from the model; GuardDuty's ISO-8601 string dates
 * (`createdAt`, `updatedAt`, `eventFirstSeen`, `eventLastSeen`, `launchTime`) compare as timestamps.
 */
import type { ServiceSchema, ShapeSchema } from '../../../protocol/schema.js'
import type { ValueType } from '../../../storage/query/criteria-ast.js'
import { schema } from '../generated/schema.js'

/**
 * Documented criterion keys that are not leaf paths of the model's `Finding`: an older spelling, and a
 * key inside `service.additionalInfo.value` (a JSON document in the model).
 */
const DOCUMENTED_EXTRAS: readonly (readonly [string, ValueType])[] = [
  ['resource.s3BucketDetails.publicAccess.effectivePermissions', 'string'],
  ['service.additionalInfo.threatListName', 'string'],
]

/** GuardDuty's string-typed dates (ISO-8601 on the wire). */
const STRING_DATES = new Set([
  'createdAt',
  'updatedAt',
  'eventFirstSeen',
  'eventLastSeen',
  'launchTime',
])

function valueType(shape: ShapeSchema, path: string): ValueType {
  switch (shape.type) {
    case 'boolean':
      return 'boolean'
    case 'timestamp':
      return 'timestamp'
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'bigInteger':
    case 'bigDecimal':
      return 'number'
    default:
      return STRING_DATES.has(path.slice(path.lastIndexOf('.') + 1)) ? 'timestamp' : 'string'
  }
}

/** Every dotted wire path to a scalar (or map key/value) under shape `ref`, with its value type. */
export function leafPaths(model: ServiceSchema, ref: string): Map<string, ValueType> {
  const out = new Map<string, ValueType>()
  const walk = (shapeRef: string, path: string, stack: readonly string[]): void => {
    const shape = model.shapes[shapeRef] as ShapeSchema
    switch (shape.type) {
      case 'structure':
      case 'union':
        if (stack.includes(shapeRef)) return
        for (const [name, m] of Object.entries(shape.members)) {
          const wire = m.jsonName ?? name
          walk(m.target, path ? `${path}.${wire}` : wire, [...stack, shapeRef])
        }
        return
      case 'list':
        walk(shape.member, path, stack)
        return
      case 'map':
        out.set(path, 'string')
        out.set(`${path}.key`, 'string')
        out.set(
          `${path}.value`,
          valueType(model.shapes[shape.value] as ShapeSchema, `${path}.value`),
        )
        return
      default:
        out.set(path, valueType(shape, path))
    }
  }
  walk(ref, '', [])
  return out
}

/** The criterion keys GuardDuty accepts, with the type their values compare as. */
export const CRITERION_KEYS: ReadonlyMap<string, ValueType> = new Map([
  ...leafPaths(schema, 'Finding'),
  ...DOCUMENTED_EXTRAS,
])
