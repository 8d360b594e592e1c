/**
 * AWS Signature Version 4 verification for incoming requests (Authorization-header form,
 * AWS4-HMAC-SHA256). This module owns parsing the Authorization header, rebuilding the canonical
 * request exactly as the AWS SDK signers do for non-S3 services, checking scope, clock skew and payload
 * hash, and mapping every failure to the error code, HTTP status and message AWS answers with. It does
 * no I/O: the HTTP layer hands it the raw request pieces and turns an `AuthError` into a response.
 */

import { createHmac, hash, timingSafeEqual } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import type { CredentialStore } from './credential-store.js'

/** The parts of an incoming request that SigV4 covers, as they arrived on the wire. */
export interface SignedRequest {
  /** HTTP method, upper case as sent (`GET`, `POST`, ...). */
  readonly method: string
  /** The request path exactly as on the wire, still percent-encoded, without the query. */
  readonly rawPath: string
  /** The raw query string without the leading `?`; `''` when there is none. */
  readonly rawQuery: string
  /**
   * Header values keyed by lower-case name; a header sent several times has several entries (the
   * shape of Node's `req.headersDistinct`).
   */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>
  /** The complete request body; empty when there is none. */
  readonly body: Uint8Array
}

/** Who signed a request that verified. */
export interface Caller {
  readonly accessKeyId: string
  /** The 12-digit account the access key acts for. */
  readonly accountId: string
  /** Region from the credential scope, e.g. `us-east-1`. */
  readonly region: string
  /** Service from the credential scope; one of the verifier's `services`. */
  readonly service: string
  /** The request's signing time (`X-Amz-Date`) in epoch milliseconds. */
  readonly signedAtMs: number
}

/** The AWS error codes an authentication failure is reported with. */
export type AuthErrorCode =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'

/** Why a request was rejected: the AWS error code, the HTTP status to answer with, and the message. */
export interface AuthError {
  readonly code: AuthErrorCode
  /** HTTP status code: 400 for malformed signatures, 403 otherwise. */
  readonly status: number
  readonly message: string
}

/** Outcome of {@link SigV4Verifier.verify}. */
export type AuthResult =
  { readonly ok: true; readonly caller: Caller } | { readonly ok: false; readonly error: AuthError }

/** Configuration of a {@link SigV4Verifier}. */
export interface SigV4VerifierOptions {
  /** Where access key ids are resolved to secrets and accounts. */
  readonly credentials: CredentialStore
  /** Source of "now" for the clock-skew check. */
  readonly clock: Clock
  /** Signing names accepted in the credential scope, e.g. `['guardduty', 'inspector2']`. */
  readonly services: readonly string[]
  /** Largest accepted distance between the signing time and now, in milliseconds; default 15 minutes. */
  readonly maxSkewMs?: number
}

const ALGORITHM = 'AWS4-HMAC-SHA256'
const TERMINATOR = 'aws4_request'
const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000
const CACHE_SIZE = 512
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const PRESIGN_QUERY_KEYS = new Set(['x-amz-signature', 'x-amz-credential', 'x-amz-algorithm'])

const AMZ_DATE = /^\d{8}T\d{6}Z$/
// Two-letter prefix, one to three word parts, a number: us-east-1, us-gov-west-1, eu-isoe-west-1.
const REGION = /^[a-z]{2}(?:-[a-z]+){1,3}-\d{1,2}$/
const SIGNATURE_HEX = /^[0-9a-f]{64}$/
// The exact layout the AWS SDKs send; anything else goes through the general parser.
const SDK_AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^\s,=]+), SignedHeaders=([^\s,=]+), Signature=([^\s,=]+)$/
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const MS_PER_400_YEARS = 146_097 * 86_400_000
// Header values needing canonicalization: outer whitespace, tabs/line breaks, or runs of spaces.
const HEADER_WS_WORK = /^[ \t\r\n]|[ \t\r\n]$|[\t\r\n]| {2}/
const HEADER_WS_RUN = /[ \t\r\n]+/g

const MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS ' +
  'Secret Access Key and signing method. Consult the service documentation for details.'

/** 1 for the RFC 3986 unreserved characters A-Z a-z 0-9 - . _ ~, indexed by char code. */
const UNRESERVED = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  if (/[A-Za-z0-9\-._~]/.test(ch)) UNRESERVED[c] = 1
}
/** `%XX` (upper-case hex) for every byte value. */
const PERCENT_BYTE = Array.from(
  { length: 256 },
  (_, b) => '%' + b.toString(16).toUpperCase().padStart(2, '0'),
)

/** A parsed `Credential=` value, `keyid/date/region/service/aws4_request`, with its signing key. */
interface CredentialScope {
  readonly accessKeyId: string
  readonly date: string
  readonly region: string
  readonly service: string
  /** The secret `signingKey` was derived from; a different secret means deriving again. */
  secret: string | undefined
  signingKey: Buffer | undefined
}

/** A parsed `SignedHeaders=` value. */
interface SignedHeaderList {
  /** Lower-case header names in the order given. */
  readonly names: readonly string[]
  /** `names` joined by `;`, as it enters the canonical request. */
  readonly joined: string
}

/** A Map holding at most `limit` entries; adding to a full cache drops the oldest entry. */
class BoundedCache<V> {
  readonly #map = new Map<string, V>()
  readonly #limit: number
  constructor(limit: number) {
    this.#limit = limit
  }
  get(key: string): V | undefined {
    return this.#map.get(key)
  }
  set(key: string, value: V): void {
    if (this.#map.size >= this.#limit) {
      // Maps iterate in insertion order.
      const oldest = this.#map.keys().next()
      if (oldest.done !== true) this.#map.delete(oldest.value)
    }
    this.#map.set(key, value)
  }
}

/**
 * Verifies SigV4-signed requests against a credential store. Create one per server: it keeps bounded
 * caches of parsed credential scopes, signed-header lists and derived signing keys, so that a request
 * from a known client costs one SHA-256 and one HMAC-SHA256 (plus hashing the body).
 */
export class SigV4Verifier {
  readonly #credentials: CredentialStore
  readonly #clock: Clock
  readonly #services: ReadonlySet<string>
  readonly #serviceList: string
  readonly #maxSkewMs: number
  readonly #skewLabel: string
  /** Derived signing keys by `date/region/service/secret`. */
  readonly #signingKeys = new BoundedCache<Buffer>(CACHE_SIZE)
  /** Parsed well-formed `Credential=` values by their text. */
  readonly #scopes = new BoundedCache<CredentialScope>(CACHE_SIZE)
  /** Parsed `SignedHeaders=` values (that include `host`) by their text. */
  readonly #headerLists = new BoundedCache<SignedHeaderList>(CACHE_SIZE)

  /** @throws RangeError when `services` is empty or `maxSkewMs` is negative or not finite. */
  constructor(options: SigV4VerifierOptions) {
    if (options.services.length === 0)
      throw new RangeError('SigV4Verifier needs at least one service')
    const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS
    if (!Number.isFinite(maxSkewMs) || maxSkewMs < 0) {
      throw new RangeError(
        `maxSkewMs must be a non-negative number of milliseconds, got ${maxSkewMs}`,
      )
    }
    this.#credentials = options.credentials
    this.#clock = options.clock
    this.#services = new Set(options.services)
    this.#serviceList = options.services.map((s) => `'${s}'`).join(' or ')
    this.#maxSkewMs = maxSkewMs
    this.#skewLabel = `${maxSkewMs / 60_000} min.`
  }

  /**
   * Checks that `request` carries a valid AWS4-HMAC-SHA256 Authorization header for a known access
   * key, scoped to an accepted service, signed within the allowed clock skew. Never throws: every
   * failure comes back as `{ ok: false, error }`. Checks run in this order:
   *
   * - `X-Amz-Signature`/`-Credential`/`-Algorithm` in the query (presigned URL, unsupported): 400
   *   `IncompleteSignatureException`.
   * - No Authorization header: 403 `MissingAuthenticationTokenException`.
   * - Malformed Authorization (other algorithm, missing `Credential`/`SignedHeaders`/`Signature`,
   *   credential not `keyid/date/region/service/aws4_request`, `host` unsigned), no `X-Amz-Date`
   *   (or `Date`) header, or a date not in `YYYYMMDDTHHMMSSZ` form: 400 `IncompleteSignatureException`.
   * - Scope date not the date of `X-Amz-Date`, region not shaped like an AWS region, service not
   *   accepted, signing time more than `maxSkewMs` from `clock.now()`: 403 `InvalidSignatureException`.
   * - Unknown access key: 403 `UnrecognizedClientException`.
   * - `x-amz-content-sha256` present but not the body's SHA-256, a signed header missing from the
   *   request, or a signature that does not match: 403 `InvalidSignatureException`.
   *
   * `x-amz-security-token` is verified like any signed header but plays no part in the identity.
   */
  verify(request: SignedRequest): AuthResult {
    const query = canonicalQueryPairs(request.rawQuery)
    for (const [key] of query) {
      if (key.length >= 15 && PRESIGN_QUERY_KEYS.has(key.toLowerCase())) {
        return fail(
          'IncompleteSignatureException',
          400,
          'Query-string (presigned URL) authentication is not supported; sign the request with an ' +
            'Authorization header.',
        )
      }
    }

    const headers = request.headers
    const authorizations = headerValues(headers, 'authorization')
    if (authorizations === undefined) {
      return fail('MissingAuthenticationTokenException', 403, 'Missing Authentication Token')
    }
    if (authorizations.length > 1) {
      return fail('IncompleteSignatureException', 400, 'Only one Authorization header is allowed.')
    }
    const authorization = authorizations[0] ?? ''
    const auth = parseAuthorization(authorization)
    if (!auth.ok) return auth

    const amzDates = headerValues(headers, 'x-amz-date') ?? headerValues(headers, 'date')
    const missing = auth.missing
    if (amzDates === undefined) {
      missing.push(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      )
    }
    if (missing.length > 0) {
      return fail(
        'IncompleteSignatureException',
        400,
        `${missing.join(' ')} Authorization=${authorization}`,
      )
    }
    const { credential, signature } = auth
    const scope = this.#scopes.get(credential) ?? this.#parseScope(credential)
    if ('ok' in scope) return scope
    const headerList =
      this.#headerLists.get(auth.signedHeaders) ?? this.#parseHeaderList(auth.signedHeaders)
    if ('ok' in headerList) return headerList
    const { accessKeyId, region, service } = scope

    const amzDate = (amzDates?.[0] ?? '').trim()
    const signedAtMs = parseAmzDate(amzDate)
    if (signedAtMs === undefined) {
      return fail(
        'IncompleteSignatureException',
        400,
        `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. ` +
          'See http://en.wikipedia.org/wiki/ISO_8601',
      )
    }

    const dateStamp = amzDate.slice(0, 8)
    if (scope.date !== dateStamp) {
      return fail(
        'InvalidSignatureException',
        403,
        'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
          `'${scope.date}' != '${dateStamp}', from '${amzDate}'.`,
      )
    }
    if (!REGION.test(region)) {
      return fail(
        'InvalidSignatureException',
        403,
        `Credential should be scoped to a valid region, not '${region}'.`,
      )
    }
    if (!this.#services.has(service)) {
      return fail(
        'InvalidSignatureException',
        403,
        `Credential should be scoped to correct service: ${this.#serviceList}.`,
      )
    }

    const nowMs = this.#clock.now()
    if (signedAtMs < nowMs - this.#maxSkewMs) {
      return fail(
        'InvalidSignatureException',
        403,
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(nowMs - this.#maxSkewMs)} ` +
          `(${formatAmzDate(nowMs)} - ${this.#skewLabel})`,
      )
    }
    if (signedAtMs > nowMs + this.#maxSkewMs) {
      return fail(
        'InvalidSignatureException',
        403,
        `Signature not yet current: ${amzDate} is still later than ` +
          `${formatAmzDate(nowMs + this.#maxSkewMs)} (${formatAmzDate(nowMs)} + ${this.#skewLabel})`,
      )
    }

    const found = this.#credentials.lookup(accessKeyId)
    if (found === undefined) {
      return fail(
        'UnrecognizedClientException',
        403,
        'The security token included in the request is invalid.',
      )
    }

    const payloadHash =
      request.body.byteLength === 0 ? EMPTY_SHA256 : hash('sha256', request.body, 'hex')
    const declaredHash = headerValues(headers, 'x-amz-content-sha256')
    if (declaredHash !== undefined && declaredHash.join(',').trim().toLowerCase() !== payloadHash) {
      return fail(
        'InvalidSignatureException',
        403,
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      )
    }

    let canonicalHeaders = ''
    for (const name of headerList.names) {
      const values = headerValues(headers, name)
      if (values === undefined) return fail('InvalidSignatureException', 403, MISMATCH_MESSAGE)
      canonicalHeaders += `${name}:${canonicalHeaderValue(values)}\n`
    }
    const canonicalRequest =
      `${request.method}\n${canonicalUri(request.rawPath)}\n${joinQuery(query)}\n` +
      `${canonicalHeaders}\n${headerList.joined}\n${payloadHash}`
    const stringToSign =
      `${ALGORITHM}\n${amzDate}\n${dateStamp}/${region}/${service}/${TERMINATOR}\n` +
      hash('sha256', canonicalRequest, 'hex')
    const expected = createHmac('sha256', this.#signingKey(scope, found.secretAccessKey))
      .update(stringToSign)
      .digest()
    if (
      !SIGNATURE_HEX.test(signature) ||
      !timingSafeEqual(expected, Buffer.from(signature, 'hex'))
    ) {
      return fail('InvalidSignatureException', 403, MISMATCH_MESSAGE)
    }

    return {
      ok: true,
      caller: { accessKeyId, accountId: found.accountId, region, service, signedAtMs },
    }
  }

  /** Splits and checks a `Credential=` value, caching it when well-formed. */
  #parseScope(credential: string): CredentialScope | AuthResult {
    const parts = credential.split('/')
    if (parts.length !== 5) {
      return fail(
        'IncompleteSignatureException',
        400,
        'Credential must have exactly 5 slash-delimited elements, e.g. ' +
          `keyid/date/region/service/term, got '${credential}'`,
      )
    }
    const [accessKeyId, date, region, service, terminator] = parts as [
      string,
      string,
      string,
      string,
      string,
    ]
    if (terminator !== TERMINATOR) {
      return fail(
        'IncompleteSignatureException',
        400,
        `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'.`,
      )
    }
    const scope: CredentialScope = {
      accessKeyId,
      date,
      region,
      service,
      secret: undefined,
      signingKey: undefined,
    }
    this.#scopes.set(credential, scope)
    return scope
  }

  /** Splits and checks a `SignedHeaders=` value, caching it when it includes `host`. */
  #parseHeaderList(signedHeaders: string): SignedHeaderList | AuthResult {
    const joined = signedHeaders.toLowerCase()
    const names = joined.split(';')
    if (!names.includes('host')) {
      return fail(
        'IncompleteSignatureException',
        400,
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      )
    }
    const list: SignedHeaderList = { names, joined }
    this.#headerLists.set(signedHeaders, list)
    return list
  }

  /**
   * The signing key `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`,
   * memoized on the scope and shared across scopes through a cache keyed by secret/date/region/service.
   */
  #signingKey(scope: CredentialScope, secret: string): Buffer {
    if (scope.secret === secret && scope.signingKey !== undefined) return scope.signingKey
    const { date, region, service } = scope
    // date, region and service never contain '/' (they were validated), so the secret can go last.
    const cacheKey = `${date}/${region}/${service}/${secret}`
    let key = this.#signingKeys.get(cacheKey)
    if (key === undefined) {
      const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest()
      const kRegion = createHmac('sha256', kDate).update(region).digest()
      const kService = createHmac('sha256', kRegion).update(service).digest()
      key = createHmac('sha256', kService).update(TERMINATOR).digest()
      this.#signingKeys.set(cacheKey, key)
    }
    scope.secret = secret
    scope.signingKey = key
    return key
  }
}

function fail(code: AuthErrorCode, status: number, message: string): AuthResult {
  return { ok: false, error: { code, status, message } }
}

/** The values of header `name`, or `undefined` when absent (guards against prototype keys). */
function headerValues(
  headers: SignedRequest['headers'],
  name: string,
): readonly string[] | undefined {
  const values = headers[name]
  return Array.isArray(values) && values.length > 0 ? (values as readonly string[]) : undefined
}

type ParsedAuthorization =
  | {
      readonly ok: true
      readonly credential: string
      readonly signedHeaders: string
      readonly signature: string
      /** AWS-style messages for each required parameter that is absent. */
      readonly missing: string[]
    }
  | { readonly ok: false; readonly error: AuthError }

/**
 * Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. Parameter separators may
 * carry any amount of whitespace; unknown parameters are ignored.
 */
function parseAuthorization(value: string): ParsedAuthorization {
  const sdk = SDK_AUTHORIZATION.exec(value)
  if (sdk !== null) {
    const [, credential = '', signedHeaders = '', signature = ''] = sdk
    return { ok: true, credential, signedHeaders, signature, missing: [] }
  }
  const trimmed = value.trim()
  const space = trimmed.search(/[ \t]/)
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space)
  if (algorithm !== ALGORITHM) {
    return {
      ok: false,
      error: {
        code: 'IncompleteSignatureException',
        status: 400,
        message: `Unsupported AWS 'algorithm': '${algorithm}'. Only '${ALGORITHM}' is supported.`,
      },
    }
  }
  let credential = ''
  let signedHeaders = ''
  let signature = ''
  if (space >= 0) {
    for (const raw of trimmed.slice(space + 1).split(',')) {
      const part = raw.trim()
      if (part === '') continue
      const eq = part.indexOf('=')
      if (eq < 0) {
        return {
          ok: false,
          error: {
            code: 'IncompleteSignatureException',
            status: 400,
            message: `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${value}'.`,
          },
        }
      }
      const name = part.slice(0, eq).trim()
      const v = part.slice(eq + 1).trim()
      if (name === 'Credential') credential = v
      else if (name === 'SignedHeaders') signedHeaders = v
      else if (name === 'Signature') signature = v
    }
  }
  const missing: string[] = []
  if (credential === '') missing.push("Authorization header requires 'Credential' parameter.")
  if (signature === '') missing.push("Authorization header requires 'Signature' parameter.")
  if (signedHeaders === '') missing.push("Authorization header requires 'SignedHeaders' parameter.")
  return { ok: true, credential, signedHeaders, signature, missing }
}

/** Parses `YYYYMMDDTHHMMSSZ` (UTC) to epoch milliseconds; `undefined` if malformed or not a real time. */
function parseAmzDate(value: string): number | undefined {
  if (!AMZ_DATE.test(value)) return undefined
  const year = digits(value, 0, 4)
  const month = digits(value, 4, 6)
  const day = digits(value, 6, 8)
  const hour = digits(value, 9, 11)
  const minute = digits(value, 11, 13)
  const second = digits(value, 13, 15)
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const monthDays = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0)
  if (day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) return undefined
  // Date.UTC maps years 0-99 to 1900-1999; 400 Gregorian years later the calendar repeats exactly.
  return year < 100
    ? Date.UTC(year + 400, month - 1, day, hour, minute, second) - MS_PER_400_YEARS
    : Date.UTC(year, month - 1, day, hour, minute, second)
}

/** The decimal number in `s[start..end)`, which must be ASCII digits. */
function digits(s: string, start: number, end: number): number {
  let n = 0
  for (let i = start; i < end; i++) n = n * 10 + s.charCodeAt(i) - 48
  return n
}

/** Formats epoch milliseconds as `YYYYMMDDTHHMMSSZ`, dropping the milliseconds. */
function formatAmzDate(ms: number): string {
  const iso = new Date(ms).toISOString() // 2013-05-24T00:10:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
}

/**
 * The canonical URI: the wire path with empty and `.` segments dropped and `..` popping, then
 * percent-encoded once more (so `%3A` becomes `%253A`), keeping `/`.
 */
function canonicalUri(rawPath: string): string {
  return percentEncode(normalizePath(rawPath), true)
}

function normalizePath(path: string): string {
  if (path === '') return '/'
  if (path.charCodeAt(0) === 47 && !path.includes('//') && !path.includes('/.')) return path
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  let normalized = (path.startsWith('/') ? '/' : '') + segments.join('/')
  if (segments.length > 0 && path.endsWith('/')) normalized += '/'
  return normalized === '' ? '/' : normalized
}

/**
 * The canonical query as encoded `[key, value]` pairs sorted by key, then value: each raw `k=v` is
 * percent-decoded and re-encoded RFC 3986 style; a pair without `=` has an empty value.
 */
function canonicalQueryPairs(rawQuery: string): [string, string][] {
  if (rawQuery === '') return []
  const pairs: [string, string][] = []
  for (const part of rawQuery.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    pairs.push(
      eq < 0
        ? [recodeComponent(part), '']
        : [recodeComponent(part.slice(0, eq)), recodeComponent(part.slice(eq + 1))],
    )
  }
  if (pairs.length > 1) {
    pairs.sort((a, b) =>
      a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
    )
  }
  return pairs
}

function joinQuery(pairs: readonly (readonly [string, string])[]): string {
  let out = ''
  for (let i = 0; i < pairs.length; i++) {
    const [key, value] = pairs[i] as readonly [string, string]
    out += i === 0 ? `${key}=${value}` : `&${key}=${value}`
  }
  return out
}

/** Header values with outer whitespace trimmed and inner runs collapsed to one space, joined by `,`. */
function canonicalHeaderValue(values: readonly string[]): string {
  if (values.length === 1) return collapseWhitespace(values[0] as string)
  return values.map(collapseWhitespace).join(',')
}

function collapseWhitespace(value: string): string {
  if (!HEADER_WS_WORK.test(value)) return value
  const collapsed = value.replace(HEADER_WS_RUN, ' ')
  const start = collapsed.startsWith(' ') ? 1 : 0
  const end =
    collapsed.length > start && collapsed.endsWith(' ') ? collapsed.length - 1 : collapsed.length
  return collapsed.slice(start, end)
}

/** The value of hex digit char code `c`, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 65 && c <= 70) return c - 55
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

/**
 * Percent-decodes then RFC 3986-encodes a query component at the byte level: `%XX` escapes become
 * bytes, other characters their UTF-8 bytes, and every byte that is not unreserved is written as upper
 * case `%XX`. For valid UTF-8 this equals `encodeURIComponent(decodeURIComponent(s))` with `!'()*` also
 * escaped; invalid escapes or UTF-8 are carried through instead of throwing.
 */
function recodeComponent(s: string): string {
  let i = 0
  while (i < s.length) {
    const c = s.charCodeAt(i)
    if (c >= 128 || UNRESERVED[c] === 0) break
    i++
  }
  if (i === s.length) return s
  let out = s.slice(0, i)
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const high = c === 37 && i + 2 < s.length ? hexValue(s.charCodeAt(i + 1)) : -1
    const low = high < 0 ? -1 : hexValue(s.charCodeAt(i + 2))
    if (low >= 0) {
      const byte = high * 16 + low
      out += byte < 128 && UNRESERVED[byte] === 1 ? String.fromCharCode(byte) : PERCENT_BYTE[byte]
      i += 2
    } else if (c < 128) {
      out += UNRESERVED[c] === 1 ? s[i] : PERCENT_BYTE[c]
    } else {
      i = appendUtf8(s, i, (b) => (out += PERCENT_BYTE[b]))
    }
  }
  return out
}

/**
 * RFC 3986-encodes `s` (UTF-8, upper-case hex, only unreserved characters left alone), also keeping `/`
 * when `keepSlash`. Equals `encodeURIComponent` plus escaping `!'()*`; lone surrogates become U+FFFD.
 */
function percentEncode(s: string, keepSlash: boolean): string {
  let i = 0
  while (i < s.length) {
    const c = s.charCodeAt(i)
    if (c >= 128 || (UNRESERVED[c] === 0 && !(keepSlash && c === 47))) break
    i++
  }
  if (i === s.length) return s
  let out = s.slice(0, i)
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 128) {
      out += UNRESERVED[c] === 1 || (keepSlash && c === 47) ? s[i] : PERCENT_BYTE[c]
    } else {
      i = appendUtf8(s, i, (b) => (out += PERCENT_BYTE[b]))
    }
  }
  return out
}

/**
 * Emits the UTF-8 bytes of the non-ASCII code point at `s[i]` and returns the index of its last UTF-16
 * unit. A lone surrogate is emitted as U+FFFD.
 */
function appendUtf8(s: string, i: number, emit: (byte: number) => void): number {
  let cp = s.charCodeAt(i)
  if (cp >= 0xd800 && cp <= 0xdbff) {
    const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0
    if (next >= 0xdc00 && next <= 0xdfff) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00)
      i++
    } else {
      cp = 0xfffd
    }
  } else if (cp >= 0xdc00 && cp <= 0xdfff) {
    cp = 0xfffd
  }
  if (cp < 0x800) {
    emit(0xc0 | (cp >> 6))
    emit(0x80 | (cp & 0x3f))
  } else if (cp < 0x10000) {
    emit(0xe0 | (cp >> 12))
    emit(0x80 | ((cp >> 6) & 0x3f))
    emit(0x80 | (cp & 0x3f))
  } else {
    emit(0xf0 | (cp >> 18))
    emit(0x80 | ((cp >> 12) & 0x3f))
    emit(0x80 | ((cp >> 6) & 0x3f))
    emit(0x80 | (cp & 0x3f))
  }
  return i
}
