/**
 * Shared plumbing of GuardDuty's resource operations: idempotent creates with GuardDuty's mismatch
 * error, keyset pages over stored resources, and pages over a result list sorted in memory. Tokens are
 * opaque and bound to the query that made them (see `services/page-token.ts`).
 */
import type { ResourceRecord, Scope, Storage } from '../../../storage/ports.js'
import { idempotent } from '../../idempotency.js'
import { decodePageToken, encodePageToken, queryFingerprint } from '../../page-token.js'
import { invalidInput, invalidNextToken } from '../guardduty-errors.js'

/** Runs a create once per `clientToken`; the same token with other parameters is refused. */
export function idempotentCreate<T>(
  storage: Storage,
  scope: Scope,
  operation: string,
  token: string | undefined,
  parameters: unknown,
  run: () => Promise<T>,
): Promise<T> {
  return idempotent({
    store: storage.idempotency,
    scope,
    operation: `guardduty:${operation}`,
    token,
    parameters,
    mismatch: () =>
      invalidInput(
        'The request is rejected because the clientToken was already used with different parameters.',
      ),
    run,
  })
}

export interface ResourcePageRequest {
  readonly scope: Scope
  readonly kind: string
  readonly parentId: string
  /** Operation name and any parameter that shapes the result, for the token fingerprint. */
  readonly query: readonly unknown[]
  readonly maxResults: number | undefined
  readonly nextToken: string | undefined
}

/**
 * One keyset page of stored resources in (sort key, id) order.
 * @throws BadRequestException for a token that is malformed or from another query
 */
export async function resourcePage<T>(
  storage: Storage,
  request: ResourcePageRequest,
): Promise<{ items: ResourceRecord<T>[]; nextToken?: string }> {
  const fingerprint = queryFingerprint([...request.query, request.scope, request.parentId])
  let after: { sortKey: string; id: string } | undefined
  if (request.nextToken !== undefined) {
    const key = decodePageToken(request.nextToken, fingerprint)?.key as
      { s?: unknown; i?: unknown } | undefined
    if (typeof key?.s !== 'string' || typeof key.i !== 'string') throw invalidNextToken()
    after = { sortKey: key.s, id: key.i }
  }
  const limit = request.maxResults ?? 50
  const page = await storage.resources.list<T>(
    request.scope,
    request.kind,
    request.parentId,
    after,
    limit + 1,
  )
  const items = page.slice(0, limit)
  const last = items.at(-1)
  return page.length > limit && last
    ? { items, nextToken: encodePageToken(fingerprint, { s: last.sortKey, i: last.id }) }
    : { items }
}

/**
 * One page of a list already filtered and sorted in memory; the token holds the last item's key.
 * @throws BadRequestException for a token that is malformed, from another query, or past the list
 */
export function sortedPage<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  query: readonly unknown[],
  maxResults: number | undefined,
  nextToken: string | undefined,
): { items: T[]; nextToken?: string } {
  const fingerprint = queryFingerprint(query)
  let start = 0
  if (nextToken !== undefined) {
    const key = decodePageToken(nextToken, fingerprint)?.key
    if (typeof key !== 'string') throw invalidNextToken()
    start = sorted.findIndex((item) => keyOf(item) === key) + 1
    if (start === 0) throw invalidNextToken()
  }
  const limit = maxResults ?? 50
  const items = sorted.slice(start, start + limit)
  const last = items.at(-1)
  return start + limit < sorted.length && last !== undefined
    ? { items, nextToken: encodePageToken(fingerprint, keyOf(last)) }
    : { items }
}
