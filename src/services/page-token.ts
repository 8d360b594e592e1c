/**
 * Opaque pagination tokens. A token carries the keyset position after the last item returned (never an
 * offset) and a fingerprint of the query that produced it, so a token replayed with another query, or
 * any garbage, is recognised and refused instead of silently returning the wrong page.
 *
 * Wire form: base64url of `{"q":"<fingerprint>","k":<position>}`.
 */
import { createHash } from 'node:crypto'

/** Fingerprint of a query: operation, scope and every parameter that shapes the result set. */
export function queryFingerprint(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16)
}

/** Encodes a token for the position `key` (any JSON value) of the query `fingerprint`. */
export function encodePageToken(fingerprint: string, key: unknown): string {
  return Buffer.from(JSON.stringify({ q: fingerprint, k: key })).toString('base64url')
}

/**
 * Decodes a token of the query `fingerprint`.
 * @returns the position, or undefined when the token is malformed or belongs to another query
 */
export function decodePageToken(token: string, fingerprint: string): { key: unknown } | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown
    if (typeof parsed !== 'object' || parsed === null || !('q' in parsed) || !('k' in parsed))
      return undefined
    if (parsed.q !== fingerprint) return undefined
    return { key: parsed.k }
  } catch {
    return undefined
  }
}
