/**
 * The finding attributes a `findingCriteria` may name. GuardDuty accepts the dotted wire path of any
 * leaf attribute of a finding (`resource.instanceDetails.instanceId`, `service.archived`, tag
 * `.key`/`.value`, ...), so the set is derived from the model's `Finding` shape rather than typed by
 * hand; a few documented spellings that are not leaf paths are added. Also checks each condition.
 */
import type { ServiceSchema, ShapeSchema } from '../../../protocol/schema.js'
import { schema } from '../generated/schema.js'
import type * as gd from '../generated/types.js'
import { invalidInput } from '../guardduty-errors.js'

/**
 * Documented criterion keys that are not leaf paths of the model's `Finding`: an older spelling, and a
 * key inside `service.additionalInfo.value` (a JSON document in the model).
 */
const DOCUMENTED_EXTRAS = [
  'resource.s3BucketDetails.publicAccess.effectivePermissions',
  'service.additionalInfo.threatListName',
]

/** Every dotted wire path to a scalar (or map key/value) under shape `ref`. */
export function leafPaths(model: ServiceSchema, ref: string): Set<string> {
  const out = new Set<string>()
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
        out.add(path)
        out.add(`${path}.key`)
        out.add(`${path}.value`)
        return
      default:
        out.add(path)
    }
  }
  walk(ref, '', [])
  return out
}

/** The criterion keys GuardDuty accepts. */
export const CRITERION_KEYS: ReadonlySet<string> = new Set([
  ...leafPaths(schema, 'Finding'),
  ...DOCUMENTED_EXTRAS,
])

const OPERATORS = [
  'Eq',
  'Neq',
  'Gt',
  'Gte',
  'Lt',
  'Lte',
  'Equals',
  'NotEquals',
  'GreaterThan',
  'GreaterThanOrEqual',
  'LessThan',
  'LessThanOrEqual',
] as const

/**
 * Checks a finding criteria: known keys, at least one operator per condition, non-empty value lists.
 * @throws BadRequestException naming the offending key
 */
export function checkFindingCriteria(criteria: gd.FindingCriteria | undefined): void {
  for (const [key, condition] of Object.entries(criteria?.Criterion ?? {})) {
    if (!CRITERION_KEYS.has(key))
      throw invalidInput(
        `The request is rejected because the criterion key '${key}' is not a finding attribute GuardDuty can filter on.`,
      )
    const used = OPERATORS.filter((op) => condition[op] !== undefined)
    if (used.length === 0)
      throw invalidInput(
        `The request is rejected because the condition for '${key}' has no operator.`,
      )
    for (const op of ['Eq', 'Neq', 'Equals', 'NotEquals'] as const) {
      const values = condition[op]
      if (values !== undefined && values.length === 0)
        throw invalidInput(
          `The request is rejected because the condition for '${key}' has an empty ${op.charAt(0).toLowerCase() + op.slice(1)} list.`,
        )
    }
  }
}
