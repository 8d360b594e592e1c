/**
 * Inspector filters as stored: one `inspector2:filter` document per filter in its owner's scope
 * (id = the filter id), its ARN form `arn:aws:inspector2:<region>:<account>:owner/<account>/filter/<id>`,
 * and the criteria kept in wire form (timestamps as epoch seconds) so they survive JSON. Shared by the
 * filter handlers, the suppression rules and the tag registry.
 */
import type { Scope, Storage } from '../../../storage/ports.js'
import { schema } from '../generated/schema.js'
import type * as i2 from '../generated/types.js'
import { decodeWire } from '../../../protocol/read-input.js'

export const FILTER_KIND = 'inspector2:filter'

/** A stored filter. */
export interface FilterBody {
  readonly name: string
  readonly action: i2.FilterAction
  readonly description?: string
  readonly reason?: string
  /** `FilterCriteria` in wire form. */
  readonly criteria: Readonly<Record<string, unknown>>
}

/** The ARN of filter `id` of `scope`. */
export function filterArn(scope: Scope, id: string): string {
  return `arn:aws:inspector2:${scope.region}:${scope.accountId}:owner/${scope.accountId}/filter/${id}`
}

const ARN = /^arn:aws[a-z-]*:inspector2:([a-z0-9-]+):(\d{12}):owner\/(\d{12})\/filter\/([^/]+)$/

/** The region, account and id a filter ARN names, or undefined when it is not a filter ARN. */
export function parseFilterArn(
  arn: string,
): { readonly region: string; readonly accountId: string; readonly id: string } | undefined {
  const [, region, account, owner, id] = ARN.exec(arn) ?? []
  if (!region || !account || !id || owner !== account) return undefined
  return { region, accountId: account, id }
}

/** Whether filter `id` exists in `scope` (the `filter` kind of the tag registry). */
export async function filterExists(storage: Storage, scope: Scope, id: string): Promise<boolean> {
  return (await storage.resources.get({ scope, kind: FILTER_KIND, parentId: '', id })) !== undefined
}

/** A JSON value with every `Date` replaced by epoch seconds (the wire form of timestamps). */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000
  if (Array.isArray(value)) return value.map(toWire)
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]))
  return value
}

/** Criteria as a handler received them → stored (wire) form. */
export function criteriaToStored(criteria: i2.FilterCriteria): Record<string, unknown> {
  return toWire(criteria) as Record<string, unknown>
}

/** Stored criteria → the form handlers work with (timestamps as `Date`). */
export function criteriaFromStored(stored: Readonly<Record<string, unknown>>): i2.FilterCriteria {
  return decodeWire(schema, 'FilterCriteria', stored) ?? {}
}
