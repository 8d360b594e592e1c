/**
 * Transport-free HTTP messages: what the node:http adapter builds from a socket and what the protocol
 * engine returns. Keeping the engine on these plain objects lets tests and benchmarks call it without a
 * server, and lets another transport mount it later.
 */

export interface HttpRequest {
  readonly method: string
  /** Path exactly as received, still percent-encoded, without the query string. */
  readonly rawPath: string
  /** Raw query string without the leading `?` (may be empty). */
  readonly rawQuery: string
  /** Header values by lowercase name; a repeated header has several entries. */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>
  readonly body: Uint8Array
}

export interface HttpResponse {
  readonly status: number
  /** Response headers (names as they should be written). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | Uint8Array
}

/** First value of a header, or undefined. */
export function headerValue(request: HttpRequest, name: string): string | undefined {
  return request.headers[name]?.[0]
}

/**
 * Splits a raw query string into decoded keys and values, keeping repeated keys in order.
 * `+` is kept literally (AWS clients encode spaces as `%20`). Throws `URIError` on bad percent-encoding.
 */
export function parseQuery(rawQuery: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  if (rawQuery === '') return out
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq))
    const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1))
    const list = out.get(key)
    if (list) list.push(value)
    else out.set(key, [value])
  }
  return out
}
