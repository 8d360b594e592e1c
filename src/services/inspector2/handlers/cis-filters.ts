/**
 * The filter and paging vocabulary of the CIS list operations: string filters (`EQUALS`, `PREFIX`,
 * `NOT_EQUALS`), tag filters, number and date ranges, and keyset pages over a list sorted in memory in
 * either direction by any attribute.
 *
 * Matching rules: the criteria of different fields must all hold. Within one field's list, the positive
 * filters (`EQUALS`, `PREFIX`) are alternatives (any one may match), while each `NOT_EQUALS` filter
 * excludes its value; tag filters, number ranges and date ranges are alternatives. A field the item
 * does not have matches no positive filter and every `NOT_EQUALS` filter.
 */
import type * as i2 from '../generated/types.js'
import { decodePageToken, encodePageToken, queryFingerprint } from '../../page-token.js'
import { invalidNextToken } from './pages.js'

/** A string, tag or status filter as the CIS operations take them. */
export interface StringCriterion {
  readonly comparison: string
  readonly value: string
}

/**
 * Whether a field with the values `values` (none when absent) passes the string filters of one field.
 * Absent or empty filter lists pass everything.
 */
export function matchesStrings(
  filters: readonly StringCriterion[] | undefined,
  values: readonly string[],
): boolean {
  if (!filters || filters.length === 0) return true
  const positive = filters.filter((f) => f.comparison !== 'NOT_EQUALS')
  const excluded = filters.filter((f) => f.comparison === 'NOT_EQUALS').map((f) => f.value)
  if (values.some((v) => excluded.includes(v))) return false
  if (positive.length === 0) return true
  return values.some((v) =>
    positive.some((f) => (f.comparison === 'PREFIX' ? v.startsWith(f.value) : v === f.value)),
  )
}

/** Whether `tags` (key to values) carries one of the filters' key/value pairs. */
export function matchesTags(
  filters: readonly i2.TagFilter[] | undefined,
  tags: Readonly<Record<string, readonly string[]>> | undefined,
): boolean {
  if (!filters || filters.length === 0) return true
  return filters.some((f) => tags?.[f.key]?.includes(f.value) ?? false)
}

/** Whether `value` lies in one of the inclusive ranges (an absent bound is open). */
export function matchesNumbers(
  filters: readonly i2.CisNumberFilter[] | undefined,
  value: number,
): boolean {
  if (!filters || filters.length === 0) return true
  return filters.some(
    (f) =>
      (f.lowerInclusive === undefined || value >= f.lowerInclusive) &&
      (f.upperInclusive === undefined || value <= f.upperInclusive),
  )
}

/** Whether the instant `ms` lies in one of the inclusive date ranges. */
export function matchesDates(
  filters: readonly i2.CisDateFilter[] | undefined,
  ms: number,
): boolean {
  if (!filters || filters.length === 0) return true
  return filters.some(
    (f) =>
      (f.earliestScanStartTime === undefined || ms >= f.earliestScanStartTime.getTime()) &&
      (f.latestScanStartTime === undefined || ms <= f.latestScanStartTime.getTime()),
  )
}

/** An item's place in a sorted list: the sort attribute's value, then a unique id. */
export type Position = readonly [string | number, string]

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

function isPosition(key: unknown): key is Position {
  return (
    Array.isArray(key) &&
    key.length === 2 &&
    (typeof key[0] === 'string' || typeof key[0] === 'number') &&
    typeof key[1] === 'string'
  )
}

/**
 * One page of `items` sorted by `positionOf` (value, then id; both reversed when `descending`). The
 * token holds the last item's position, so items added or removed between pages shift nothing.
 * @param query operation name, scope and every parameter that shapes the list
 * @throws ValidationException for a token that is malformed or from another query
 */
export function keysetPage<T>(
  items: readonly T[],
  positionOf: (item: T) => Position,
  descending: boolean,
  query: readonly unknown[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  defaultMax: number,
): { items: T[]; nextToken?: string } {
  const sign = descending ? -1 : 1
  const compare = (a: Position, b: Position) =>
    sign * (compareValues(a[0], b[0]) || compareValues(a[1], b[1]))
  const sorted = items
    .map((item) => ({ item, at: positionOf(item) }))
    .sort((a, b) => compare(a.at, b.at))
  const fingerprint = queryFingerprint(query)
  let start = 0
  if (nextToken !== undefined) {
    const key = decodePageToken(nextToken, fingerprint)?.key
    if (!isPosition(key)) throw invalidNextToken()
    start = sorted.findIndex((s) => compare(s.at, key) > 0)
    if (start === -1) start = sorted.length
  }
  const limit = maxResults ?? defaultMax
  const page = sorted.slice(start, start + limit)
  const last = page.at(-1)
  return {
    items: page.map((s) => s.item),
    ...(start + limit < sorted.length && last
      ? { nextToken: encodePageToken(fingerprint, last.at) }
      : {}),
  }
}
