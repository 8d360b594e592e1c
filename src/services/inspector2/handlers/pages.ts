/**
 * Inspector's pagination and stored-document plumbing: pages over a list sorted in memory, with opaque
 * tokens bound to the query that made them (see `services/page-token.ts`) and Inspector's
 * `ValidationException` for a token that is malformed or replayed with another query; and small
 * helpers to read and write one-per-scope JSON documents in the generic `ResourceStore`.
 */
import type { ResourceRecord, Scope, Storage } from '../../../storage/ports.js'
import { decodePageToken, encodePageToken, queryFingerprint } from '../../page-token.js'
import { invalidField } from '../inspector2-errors.js'

/** The `ValidationException` for a `nextToken` that is not one of ours for this query. */
export function invalidNextToken() {
  return invalidField('nextToken', 'The nextToken is invalid or belongs to another request.')
}

/**
 * One page of a list already filtered and sorted in memory; the token holds the last item's key.
 * @param query operation name, scope and every parameter that shapes the list
 * @param defaultMax page size when `maxResults` is absent
 * @throws ValidationException for a token that is malformed, from another query, or past the list
 */
export function sortedPage<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  query: readonly unknown[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  defaultMax: number,
): { items: T[]; nextToken?: string } {
  const fingerprint = queryFingerprint(query)
  let start = 0
  if (nextToken !== undefined) {
    const key = decodePageToken(nextToken, fingerprint)?.key
    if (typeof key !== 'string') throw invalidNextToken()
    start = sorted.findIndex((item) => keyOf(item) > key)
    if (start === -1) start = sorted.length
  }
  const limit = maxResults ?? defaultMax
  const items = sorted.slice(start, start + limit)
  const last = items.at(-1)
  return start + limit < sorted.length && last !== undefined
    ? { items, nextToken: encodePageToken(fingerprint, keyOf(last)) }
    : { items }
}

/** Every record of `kind` under the top level of `scope`, in (sort key, id) order. */
export async function listAll<T>(
  storage: Storage,
  scope: Scope,
  kind: string,
): Promise<ResourceRecord<T>[]> {
  const out: ResourceRecord<T>[] = []
  for (;;) {
    const last = out.at(-1)
    const page = await storage.resources.list<T>(
      scope,
      kind,
      '',
      last ? { sortKey: last.sortKey, id: last.id } : undefined,
      500,
    )
    out.push(...page)
    if (page.length < 500) return out
  }
}

/** The body of the top-level document `id` of `kind` in `scope`, or undefined. */
export async function getDocument<T>(
  storage: Storage,
  scope: Scope,
  kind: string,
  id: string,
): Promise<T | undefined> {
  return (await storage.resources.get<T>({ scope, kind, parentId: '', id }))?.body
}

/**
 * Inserts or replaces the top-level document `id` of `kind` in `scope`.
 * @param nowMs time of the write, epoch milliseconds
 */
export async function putDocument<T>(
  storage: Storage,
  scope: Scope,
  kind: string,
  id: string,
  body: T,
  nowMs: number,
): Promise<void> {
  const key = { scope, kind, parentId: '', id }
  const existing = await storage.resources.get(key)
  await storage.resources.apply([
    {
      put: {
        ...key,
        sortKey: id,
        createdAtMs: existing?.createdAtMs ?? nowMs,
        updatedAtMs: nowMs,
        body,
      },
    },
  ])
}
