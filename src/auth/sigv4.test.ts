/**
 * SigV4 verification tests. The AWS SDK's own signer (`@smithy/signature-v4`) is the oracle: requests
 * are signed with it, converted to the wire shape the HTTP layer hands the verifier, and checked.
 */

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import {
  GuardDutyClient,
  ListDetectorsCommand,
  TagResourceCommand,
} from '@aws-sdk/client-guardduty'
import {
  Inspector2Client,
  ListFindingsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-inspector2'
import { Hash } from '@smithy/hash-node'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import fc from 'fast-check'
import { ManualClock } from '../core/clock.js'
import { createCredentialStore } from './credential-store.js'
import type { Credential } from './credential-store.js'
import { SigV4Verifier } from './sigv4.js'
import type { AuthErrorCode, AuthResult, Caller, SignedRequest } from './sigv4.js'

/** 2024-05-24T12:00:00Z, the default signing time and clock. */
const T0 = Date.UTC(2024, 4, 24, 12, 0, 0)
const MINUTE = 60_000
const SERVICES = ['guardduty', 'inspector2'] as const
const EXPLICIT: Credential = {
  accessKeyId: 'AKIAVIGILEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  accountId: '111122223333',
}
/** The SDK's SHA-256 for Node (`@smithy/hash-node` exports a generic `Hash`, not a `Sha256`). */
const Sha256 = Hash.bind(null, 'sha256')
const MISMATCH = /^The request signature we calculated does not match the signature you provided\./

interface SignOptions {
  readonly method?: string
  /** The path as the SDK puts it on the wire (already percent-encoded). */
  readonly path?: string
  readonly query?: Record<string, string | string[]>
  readonly headers?: Record<string, string>
  readonly body?: string | Uint8Array
  readonly service?: string
  readonly region?: string
  readonly accessKeyId?: string
  readonly secretAccessKey?: string
  readonly sessionToken?: string
  readonly signingDateMs?: number
  readonly applyChecksum?: boolean
}

/** What the signer hands back: the fields of a signed `HttpRequest` this test reads. */
interface OracleRequest {
  readonly method: string
  readonly path: string
  readonly query?: Record<string, string | (string | null)[] | null>
  readonly headers: Record<string, string>
}

/** RFC 3986 encoding as the SDK applies it to query keys, values and path labels. */
function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** The query string the SDK would send for a query object: encoded pairs, repeated keys repeated. */
function rawQueryOf(query: OracleRequest['query']): string {
  const parts: string[] = []
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null) parts.push(`${escapeUri(key)}=${escapeUri(item)}`)
    }
  }
  return parts.join('&')
}

function bodyBytes(body: string | Uint8Array | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0)
  return typeof body === 'string' ? new TextEncoder().encode(body) : body
}

function oracle(o: SignOptions): SignatureV4 {
  return new SignatureV4({
    credentials: {
      accessKeyId: o.accessKeyId ?? 'test',
      secretAccessKey: o.secretAccessKey ?? 'test',
      ...(o.sessionToken === undefined ? {} : { sessionToken: o.sessionToken }),
    },
    region: o.region ?? 'us-east-1',
    service: o.service ?? 'guardduty',
    sha256: Sha256,
    applyChecksum: o.applyChecksum ?? true,
  })
}

function oracleRequest(o: SignOptions): HttpRequest {
  return new HttpRequest({
    method: o.method ?? 'GET',
    protocol: 'http:',
    hostname: 'localhost',
    port: 4566,
    path: o.path ?? '/detector',
    query: o.query ?? {},
    headers: { host: 'localhost:4566', ...o.headers },
    ...(o.body === undefined ? {} : { body: o.body }),
  })
}

/** Converts a signed request to the wire shape: lower-case names, one entry per header line. */
function toWire(signed: OracleRequest, body: Uint8Array): SignedRequest {
  const headers: Record<string, string[]> = {}
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = [value]
  return {
    method: signed.method,
    rawPath: signed.path,
    rawQuery: rawQueryOf(signed.query),
    headers,
    body,
  }
}

/** Signs with the SDK signer and returns the request as the verifier will see it. */
async function sign(o: SignOptions = {}): Promise<SignedRequest> {
  const signed = await oracle(o).sign(oracleRequest(o), {
    signingDate: new Date(o.signingDateMs ?? T0),
  })
  return toWire(signed, bodyBytes(o.body))
}

function verifier(nowMs = T0, devCredentials = true): SigV4Verifier {
  return new SigV4Verifier({
    credentials: createCredentialStore({ devCredentials, credentials: [EXPLICIT] }),
    clock: new ManualClock(nowMs),
    services: SERVICES,
  })
}

function withHeaders(
  request: SignedRequest,
  changes: Record<string, readonly string[] | undefined>,
): SignedRequest {
  return { ...request, headers: { ...request.headers, ...changes } }
}

function authorizationOf(request: SignedRequest): string {
  const value = request.headers['authorization']?.[0]
  assert.ok(value !== undefined, 'request carries an Authorization header')
  return value
}

function assertCaller(result: AuthResult, expected: Partial<Caller>): Caller {
  if (!result.ok) {
    assert.fail(`expected success, got ${result.error.code}: ${result.error.message}`)
  }
  for (const [key, value] of Object.entries(expected)) {
    assert.equal(result.caller[key as keyof Caller], value, `caller.${key}`)
  }
  return result.caller
}

function assertError(
  result: AuthResult,
  code: AuthErrorCode,
  status: number,
  message?: string | RegExp,
): void {
  if (result.ok) assert.fail(`expected ${code}, but the request verified`)
  assert.equal(result.error.code, code, result.error.message)
  assert.equal(result.error.status, status)
  if (typeof message === 'string') assert.equal(result.error.message, message)
  else if (message !== undefined) assert.match(result.error.message, message)
}

// ---------------------------------------------------------------------------------------------
// Requests that verify

for (const service of SERVICES) {
  void test(`${service}: GET with an encoded query and repeated keys verifies`, async () => {
    const request = await sign({
      service,
      path: '/detector/abc/findings',
      query: { filter: 'a b/c', tag: ['z', 'a b', 'm*'], 'key with space': '!()', empty: '' },
    })
    assert.match(request.rawQuery, /filter=a%20b%2Fc/)
    assertCaller(verifier().verify(request), {
      accessKeyId: 'test',
      accountId: '123456789012',
      region: 'us-east-1',
      service,
      signedAtMs: T0,
    })
  })

  void test(`${service}: POST with a JSON body verifies`, async () => {
    const request = await sign({
      service,
      method: 'POST',
      path: '/detector',
      region: 'eu-central-2',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enable: true, findingPublishingFrequency: 'SIX_HOURS', name: 'é ✓' }),
    })
    assertCaller(verifier().verify(request), { service, region: 'eu-central-2' })
  })

  void test(`${service}: paths with encoded ARNs and spaces verify`, async () => {
    for (const path of [
      '/tags/arn%3Aaws%3Aguardduty%3Aus-east-1%3A123456789012%3Adetector%2Fabc',
      '/filters/my%20filter/name',
    ]) {
      const request = await sign({ service, path })
      assert.equal(request.rawPath, path)
      assertCaller(verifier().verify(request), { service })
    }
  })
}

test('header values with extra whitespace are canonicalized like the signer does', async () => {
  const request = await sign({
    headers: { 'x-custom': '  a   b \t c  ', 'x-tabs': '\tx\t\ty\t', 'x-empty': '' },
  })
  assert.equal(request.headers['x-custom']?.[0], '  a   b \t c  ')
  assertCaller(verifier().verify(request), { accessKeyId: 'test' })
})

test('a header sent on several lines is joined with commas', async () => {
  const request = await sign({ headers: { 'x-multi': 'a,b c' } })
  assertCaller(verifier().verify(withHeaders(request, { 'x-multi': ['a', '  b   c '] })), {})
  assertError(
    verifier().verify(withHeaders(request, { 'x-multi': ['a', 'b d'] })),
    'InvalidSignatureException',
    403,
    MISMATCH,
  )
})

test('the caller carries the account of the access key', async () => {
  const dev12 = await sign({ accessKeyId: '210987654321', region: 'ap-southeast-5' })
  assertCaller(verifier().verify(dev12), {
    accessKeyId: '210987654321',
    accountId: '210987654321',
    region: 'ap-southeast-5',
    service: 'guardduty',
  })
  const explicit = await sign({
    accessKeyId: EXPLICIT.accessKeyId,
    secretAccessKey: EXPLICIT.secretAccessKey,
    service: 'inspector2',
    region: 'us-gov-west-1',
  })
  assertCaller(verifier().verify(explicit), {
    accessKeyId: EXPLICIT.accessKeyId,
    accountId: EXPLICIT.accountId,
    region: 'us-gov-west-1',
    service: 'inspector2',
  })
  // Without the dev rules, only the explicit key is known.
  assertCaller(verifier(T0, false).verify(explicit), { accountId: EXPLICIT.accountId })
  assertError(verifier(T0, false).verify(dev12), 'UnrecognizedClientException', 403)
})

test('a session token is accepted and does not change the identity', async () => {
  const request = await sign({ sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+=' })
  assert.ok(request.headers['x-amz-security-token'] !== undefined)
  assert.match(authorizationOf(request), /x-amz-security-token/)
  assertCaller(verifier().verify(request), { accessKeyId: 'test', accountId: '123456789012' })
})

test('requests signed without x-amz-content-sha256 verify', async () => {
  const request = await sign({ method: 'POST', body: '{"a":1}', applyChecksum: false })
  assert.equal(request.headers['x-amz-content-sha256'], undefined)
  assertCaller(verifier().verify(request), {})
})

test('dot segments and empty segments in the path are normalized', async () => {
  for (const path of ['/a/./b//c/../d/', '/..', '//', '/a/%2E%2E/b', '/a/b/.']) {
    const request = await sign({ path })
    assertCaller(verifier().verify(request), {})
  }
})

test('query keys without "=" count as empty values; percent escapes are case-insensitive', async () => {
  const flag = await sign({ query: { flag: '', k: 'v' } })
  assertCaller(verifier().verify({ ...flag, rawQuery: 'k=v&flag' }), {})
  const colon = await sign({ query: { arn: 'arn:aws:x' } })
  assert.equal(colon.rawQuery, 'arn=arn%3Aaws%3Ax')
  assertCaller(verifier().verify({ ...colon, rawQuery: 'arn=arn%3aaws%3ax' }), {})
  assertCaller(verifier().verify({ ...colon, rawQuery: 'arn=arn:aws:x' }), {})
  // Escaped unreserved characters are decoded before re-encoding.
  const plain = await sign({ query: { k: 'A~b' } })
  assert.equal(plain.rawQuery, 'k=A~b')
  assertCaller(verifier().verify({ ...plain, rawQuery: 'k=%41%7E%62' }), {})
  assertError(
    verifier().verify({ ...plain, rawQuery: 'k=%2541~b' }),
    'InvalidSignatureException',
    403,
    MISMATCH,
  )
})

test('raw non-ASCII characters in path and query are taken as UTF-8', async () => {
  const text = 'é✓😀'
  const request = await sign({ path: `/x/${text}`, query: { [text]: text } })
  assertCaller(verifier().verify({ ...request, rawQuery: `${text}=${text}` }), {})
  // A lone surrogate cannot be UTF-8 encoded; it must not throw.
  const lone = verifier().verify({ ...request, rawPath: '/x/\ud800', rawQuery: 'k=\udc00' })
  assertError(lone, 'InvalidSignatureException', 403, MISMATCH)
})

test('all AWS region shapes are accepted', async () => {
  for (const region of [
    'us-east-1',
    'eu-central-2',
    'us-gov-west-1',
    'cn-north-1',
    'ap-southeast-5',
    'il-central-1',
    'us-isob-east-1',
  ]) {
    assertCaller(verifier().verify(await sign({ region })), { region })
  }
})

test('clock skew: 14 minutes either way passes, exactly 15 passes', async () => {
  const request = await sign()
  assertCaller(verifier(T0 + 14 * MINUTE).verify(request), {})
  assertCaller(verifier(T0 - 14 * MINUTE).verify(request), {})
  assertCaller(verifier(T0 + 15 * MINUTE).verify(request), {})
  assertCaller(verifier(T0 - 15 * MINUTE).verify(request), {})
  assertError(verifier(T0 + 15 * MINUTE + 1).verify(request), 'InvalidSignatureException', 403)
})

test('unsigned headers may be added or changed without breaking the signature', async () => {
  const request = await sign({ headers: { 'user-agent': 'aws-sdk-js/3' } })
  assert.doesNotMatch(authorizationOf(request), /user-agent/)
  const changed = withHeaders(request, {
    'user-agent': ['something else'],
    'x-forwarded-for': ['10.0.0.1'],
    'x-amzn-trace-id': ['Root=1-abc'],
  })
  assertCaller(verifier().verify(changed), {})
})

// ---------------------------------------------------------------------------------------------
// Property: anything the SDK signer signs verifies; flipping one body byte breaks it.

const pathSegment = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).map(escapeUri) },
  { weight: 2, arbitrary: fc.constantFrom('.', '..', '', '%20', 'a%2Fb', 'arn%3Aaws') },
)
const queryText = fc.string({ unit: 'binary', maxLength: 8 })
const signedInput = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  segments: fc.array(pathSegment, { maxLength: 5 }),
  trailingSlash: fc.boolean(),
  query: fc.dictionary(
    queryText.filter((k) => k !== '__proto__' && !k.toLowerCase().startsWith('x-amz-')),
    fc.oneof(queryText, fc.array(queryText, { minLength: 1, maxLength: 3 })),
    { maxKeys: 4, noNullPrototype: true },
  ),
  headers: fc.dictionary(
    fc.stringMatching(/^x-t-[a-z0-9-]{1,8}$/),
    fc.stringMatching(/^[ \t!-~]{0,16}$/),
    { maxKeys: 4, noNullPrototype: true },
  ),
  body: fc.uint8Array({ maxLength: 64 }),
  service: fc.constantFrom(...SERVICES),
  region: fc.constantFrom('us-east-1', 'eu-west-3', 'us-gov-east-1', 'cn-northwest-1'),
  accessKeyId: fc.oneof(fc.constant('test'), fc.stringMatching(/^\d{12}$/)),
  skewMs: fc.integer({ min: -14 * MINUTE, max: 14 * MINUTE }),
  applyChecksum: fc.boolean(),
  flipAt: fc.nat(),
  flipMask: fc.integer({ min: 1, max: 255 }),
})

test('property: SDK-signed random requests verify, and fail with one body byte flipped', async () => {
  let runs = 0
  await fc.assert(
    fc.asyncProperty(signedInput, async (input) => {
      runs++
      const path =
        '/' +
        input.segments.join('/') +
        (input.trailingSlash && input.segments.length > 0 ? '/' : '')
      const request = await sign({
        method: input.method,
        path,
        query: input.query,
        headers: input.headers,
        body: input.body,
        service: input.service,
        region: input.region,
        accessKeyId: input.accessKeyId,
        applyChecksum: input.applyChecksum,
        signingDateMs: T0 + input.skewMs,
      })
      const v = verifier()
      assertCaller(v.verify(request), {
        accessKeyId: input.accessKeyId,
        accountId: input.accessKeyId === 'test' ? '123456789012' : input.accessKeyId,
        service: input.service,
        region: input.region,
      })

      const tampered =
        input.body.length === 0 ? Uint8Array.of(input.flipMask) : Uint8Array.from(input.body)
      if (input.body.length > 0) {
        const i = input.flipAt % tampered.length
        tampered[i] = (tampered[i] ?? 0) ^ input.flipMask
      }
      assertError(v.verify({ ...request, body: tampered }), 'InvalidSignatureException', 403)
    }),
    { numRuns: 200, seed: 20240524 },
  )
  assert.equal(runs, 200)
})

// ---------------------------------------------------------------------------------------------
// Requests that fail

test('tampered body fails (with and without x-amz-content-sha256)', async () => {
  const body = '{"detectorId":"abc"}'
  const tamperedBody = new TextEncoder().encode('{"detectorId":"abd"}')
  const withHash = await sign({ method: 'POST', body })
  assertError(
    verifier().verify({ ...withHash, body: tamperedBody }),
    'InvalidSignatureException',
    403,
  )
  const withoutHash = await sign({ method: 'POST', body, applyChecksum: false })
  assertError(
    verifier().verify({ ...withoutHash, body: tamperedBody }),
    'InvalidSignatureException',
    403,
    MISMATCH,
  )
})

test('tampered method, path, query or signed header fails', async () => {
  const request = await sign({
    path: '/detector/abc',
    query: { maxResults: '5' },
    headers: { 'x-custom': 'one' },
  })
  assertCaller(verifier().verify(request), {})
  const variants: SignedRequest[] = [
    { ...request, method: 'POST' },
    { ...request, rawPath: '/detector/abd' },
    { ...request, rawQuery: 'maxResults=6' },
    { ...request, rawQuery: '' },
    withHeaders(request, { 'x-custom': ['two'] }),
    withHeaders(request, { host: ['evil.example:4566'] }),
    withHeaders(request, { 'x-custom': undefined }),
  ]
  for (const variant of variants) {
    assertError(verifier().verify(variant), 'InvalidSignatureException', 403, MISMATCH)
  }
})

test('wrong secret fails with a signature mismatch', async () => {
  const request = await sign({ secretAccessKey: 'not-the-secret' })
  assertError(verifier().verify(request), 'InvalidSignatureException', 403, MISMATCH)
})

test('a signature that is not 64 lower-case hex digits fails with a signature mismatch', async () => {
  const request = await sign()
  const auth = authorizationOf(request)
  const signature = /Signature=([0-9a-f]{64})$/.exec(auth)?.[1] ?? assert.fail('no signature')
  for (const bad of [signature.slice(0, 63), signature.toUpperCase(), `${signature}00`, 'zz']) {
    const variant = withHeaders(request, {
      authorization: [auth.replace(signature, bad)],
    })
    assertError(verifier().verify(variant), 'InvalidSignatureException', 403, MISMATCH)
  }
})

test('unknown access key fails with UnrecognizedClientException', async () => {
  const request = await sign({ accessKeyId: 'AKIAUNKNOWN' })
  assertError(
    verifier().verify(request),
    'UnrecognizedClientException',
    403,
    'The security token included in the request is invalid.',
  )
})

test('wrong service in the scope fails', async () => {
  const request = await sign({ service: 'sts' })
  assertError(
    verifier().verify(request),
    'InvalidSignatureException',
    403,
    "Credential should be scoped to correct service: 'guardduty' or 'inspector2'.",
  )
})

test('invalid region in the scope fails', async () => {
  for (const region of ['mars-1', 'US-EAST-1', 'useast1', 'us-east', 'us-east-1-', 'local']) {
    const request = await sign({ region })
    assertError(
      verifier().verify(request),
      'InvalidSignatureException',
      403,
      `Credential should be scoped to a valid region, not '${region}'.`,
    )
  }
})

test('stale date (16 minutes old) fails with AWS wording', async () => {
  const request = await sign()
  assertError(
    verifier(T0 + 16 * MINUTE).verify(request),
    'InvalidSignatureException',
    403,
    'Signature expired: 20240524T120000Z is now earlier than 20240524T120100Z ' +
      '(20240524T121600Z - 15 min.)',
  )
})

test('future date (16 minutes ahead) fails with AWS wording', async () => {
  const request = await sign({ signingDateMs: T0 + 16 * MINUTE })
  assertError(
    verifier(T0).verify(request),
    'InvalidSignatureException',
    403,
    'Signature not yet current: 20240524T121600Z is still later than 20240524T121500Z ' +
      '(20240524T120000Z + 15 min.)',
  )
})

test('a custom maxSkewMs is honoured and named in the message', async () => {
  const request = await sign()
  const v = new SigV4Verifier({
    credentials: createCredentialStore({ devCredentials: true }),
    clock: new ManualClock(T0 + 6 * MINUTE),
    services: ['guardduty'],
    maxSkewMs: 5 * MINUTE,
  })
  assertError(
    v.verify(request),
    'InvalidSignatureException',
    403,
    /\(20240524T120600Z - 5 min\.\)$/,
  )
  const credentials = createCredentialStore({ devCredentials: true })
  const clock = new ManualClock(T0)
  assert.throws(() => new SigV4Verifier({ credentials, clock, services: [] }), RangeError)
  assert.throws(
    () => new SigV4Verifier({ credentials, clock, services: ['guardduty'], maxSkewMs: -1 }),
    RangeError,
  )
})

test('missing Authorization fails with MissingAuthenticationTokenException', async () => {
  const request = await sign()
  assertError(
    verifier().verify(withHeaders(request, { authorization: undefined })),
    'MissingAuthenticationTokenException',
    403,
    'Missing Authentication Token',
  )
  assertError(
    verifier().verify(withHeaders(request, { authorization: [] })),
    'MissingAuthenticationTokenException',
    403,
  )
})

test('missing X-Amz-Date fails with IncompleteSignatureException', async () => {
  const request = await sign()
  const auth = authorizationOf(request)
  assertError(
    verifier().verify(withHeaders(request, { 'x-amz-date': undefined })),
    'IncompleteSignatureException',
    400,
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
      `Authorization=${auth}`,
  )
})

test('malformed date headers fail with IncompleteSignatureException', async () => {
  const request = await sign()
  for (const date of [
    '2024-05-24T12:00:00Z',
    '20240524T120000',
    '20241324T120000Z',
    '20240230T120000Z',
    '20240524T250000Z',
    'Fri, 24 May 2024 12:00:00 GMT',
  ]) {
    assertError(
      verifier().verify(withHeaders(request, { 'x-amz-date': [date] })),
      'IncompleteSignatureException',
      400,
      `Date must be in ISO-8601 'basic format'. Got '${date}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    )
  }
  const dateOnly = withHeaders(request, { 'x-amz-date': undefined, date: ['Fri, 24 May 2024'] })
  assertError(verifier().verify(dateOnly), 'IncompleteSignatureException', 400, /ISO-8601/)
})

test('malformed Authorization headers fail with IncompleteSignatureException', async () => {
  const request = await sign()
  const auth = authorizationOf(request)
  const credential = /Credential=([^,]+)/.exec(auth)?.[1] ?? assert.fail('no credential')
  const signature = /Signature=([0-9a-f]+)/.exec(auth)?.[1] ?? assert.fail('no signature')
  const cases: [string, string | RegExp][] = [
    [auth.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'), /Unsupported AWS 'algorithm'/],
    ['Bearer abc.def', /Unsupported AWS 'algorithm': 'Bearer'/],
    [
      auth.replace(/, Signature=[0-9a-f]+/, ''),
      /^Authorization header requires 'Signature' parameter\. Authorization=/,
    ],
    [
      auth.replace(/Credential=[^,]+, /, ''),
      /^Authorization header requires 'Credential' parameter\. Authorization=/,
    ],
    [
      auth.replace(/, SignedHeaders=[^,]+/, ''),
      /^Authorization header requires 'SignedHeaders' parameter\. Authorization=/,
    ],
    [
      'AWS4-HMAC-SHA256',
      "Authorization header requires 'Credential' parameter. Authorization header requires " +
        "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        'Authorization=AWS4-HMAC-SHA256',
    ],
    [auth.replace('Signature=', 'Signature'), /not a valid key=value pair \(missing equal-sign\)/],
    [
      auth.replace(credential, credential.replace('/us-east-1', '')),
      /^Credential must have exactly 5 slash-delimited elements, e\.g\. keyid\/date\/region\/service\/term, got '/,
    ],
    [
      auth.replace('aws4_request', 'aws4_requests'),
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requests'.",
    ],
    [
      auth.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=x-amz-content-sha256;x-amz-date'),
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    ],
    [`AWS4-HMAC-SHA256 Credential=${credential},Signature=${signature}`, /'SignedHeaders'/],
  ]
  for (const [authorization, message] of cases) {
    assertError(
      verifier().verify(withHeaders(request, { authorization: [authorization] })),
      'IncompleteSignatureException',
      400,
      message,
    )
  }
  assertError(
    verifier().verify(withHeaders(request, { authorization: [auth, auth] })),
    'IncompleteSignatureException',
    400,
  )
})

test('the separators of the Authorization header may vary', async () => {
  const request = await sign()
  const auth = authorizationOf(request)
  const compact = auth.replace(/, /g, ',')
  const loose = auth.replace(/, /g, ' ,  ').replace('AWS4-HMAC-SHA256 ', 'AWS4-HMAC-SHA256   ')
  for (const variant of [compact, loose, ` ${auth} `]) {
    assertCaller(verifier().verify(withHeaders(request, { authorization: [variant] })), {})
  }
})

test('scope date different from the X-Amz-Date date fails', async () => {
  const request = await sign()
  const auth = authorizationOf(request).replace('/20240524/', '/20240523/')
  assertError(
    verifier().verify(withHeaders(request, { authorization: [auth] })),
    'InvalidSignatureException',
    403,
    'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
      "'20240523' != '20240524', from '20240524T120000Z'.",
  )
})

test('x-amz-content-sha256 that does not match the body fails', async () => {
  const message = "The provided 'x-amz-content-sha256' header does not match what was computed."
  const otherHash = createHash('sha256').update('something else').digest('hex')
  const signedWrong = await sign({
    method: 'POST',
    body: '{}',
    headers: { 'x-amz-content-sha256': otherHash },
  })
  assertError(verifier().verify(signedWrong), 'InvalidSignatureException', 403, message)
  const unsigned = await sign({
    method: 'POST',
    body: '{}',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  })
  assertError(verifier().verify(unsigned), 'InvalidSignatureException', 403, message)
})

test('query-string (presigned) authentication is rejected as unsupported', async () => {
  const o: SignOptions = { path: '/detector', query: { maxResults: '5' } }
  const presigned = await oracle(o).presign(oracleRequest(o), {
    signingDate: new Date(T0),
    expiresIn: 300,
  })
  const request = toWire(presigned, new Uint8Array(0))
  assert.match(request.rawQuery, /X-Amz-Signature=/)
  assert.equal(request.headers['authorization'], undefined)
  assertError(
    verifier().verify(request),
    'IncompleteSignatureException',
    400,
    /presigned URL\) authentication is not supported/,
  )
  // Any one of the query auth parameters is enough, whatever its case, even next to a header.
  const signed = await sign(o)
  for (const rawQuery of [
    'X-Amz-Signature=abc',
    'x-amz-algorithm=AWS4-HMAC-SHA256',
    'X-Amz-Credential=a',
  ]) {
    assertError(
      verifier().verify({ ...signed, rawQuery: `${signed.rawQuery}&${rawQuery}` }),
      'IncompleteSignatureException',
      400,
      /not supported/,
    )
  }
})

test('a rotated secret takes effect at once despite the signing-key cache', async () => {
  let secret = 'first-secret'
  const v = new SigV4Verifier({
    credentials: {
      lookup: (accessKeyId) =>
        accessKeyId === 'AKIAROTATING'
          ? { accessKeyId, secretAccessKey: secret, accountId: '111122223333' }
          : undefined,
    },
    clock: new ManualClock(T0),
    services: SERVICES,
  })
  const oldSigned = await sign({ accessKeyId: 'AKIAROTATING', secretAccessKey: 'first-secret' })
  const newSigned = await sign({ accessKeyId: 'AKIAROTATING', secretAccessKey: 'second-secret' })
  assertCaller(v.verify(oldSigned), { accountId: '111122223333' })
  assertError(v.verify(newSigned), 'InvalidSignatureException', 403, MISMATCH)
  secret = 'second-secret'
  assertError(v.verify(oldSigned), 'InvalidSignatureException', 403, MISMATCH)
  assertCaller(v.verify(newSigned), { accountId: '111122223333' })
})

// ---------------------------------------------------------------------------------------------
// End to end: the real SDK clients over loopback HTTP

test('requests from the real GuardDuty and Inspector2 SDK clients verify on the wire', async () => {
  const v = new SigV4Verifier({
    credentials: createCredentialStore({ devCredentials: true }),
    clock: { now: () => Date.now() },
    services: SERVICES,
  })
  const seen: { path: string; result: AuthResult }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = req.url ?? '/'
      const q = url.indexOf('?')
      const result = v.verify({
        method: req.method ?? 'GET',
        rawPath: q < 0 ? url : url.slice(0, q),
        rawQuery: q < 0 ? '' : url.slice(q + 1),
        headers: req.headersDistinct,
        body: Buffer.concat(chunks),
      })
      seen.push({ path: url, result })
      if (result.ok) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      } else {
        res
          .writeHead(result.error.status, {
            'content-type': 'application/json',
            'x-amzn-errortype': result.error.code,
          })
          .end(JSON.stringify({ message: result.error.message }))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const guardduty = new GuardDutyClient({
    region: 'eu-central-2',
    endpoint,
    credentials: { accessKeyId: '210987654321', secretAccessKey: 'test', sessionToken: 'tok' },
    maxAttempts: 1,
  })
  const inspector = new Inspector2Client({
    region: 'us-gov-west-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  })
  const intruder = new GuardDutyClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' },
    maxAttempts: 1,
  })
  try {
    await guardduty.send(
      new TagResourceCommand({
        ResourceArn: 'arn:aws:guardduty:eu-central-2:210987654321:detector/abc',
        Tags: { 'team name': 'sec/ops' },
      }),
    )
    await guardduty.send(new ListDetectorsCommand({ MaxResults: 5, NextToken: 'a b+c/d=' }))
    await inspector.send(
      new ListTagsForResourceCommand({
        resourceArn: 'arn:aws-us-gov:inspector2:us-gov-west-1:123456789012:filter/my filter',
      }),
    )
    await inspector.send(new ListFindingsCommand({ maxResults: 3 }))
    await assert.rejects(intruder.send(new ListDetectorsCommand({})), {
      name: 'InvalidSignatureException',
    })
  } finally {
    guardduty.destroy()
    inspector.destroy()
    intruder.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  assert.equal(seen.length, 5)
  const [tag, list, tags, findings, intrusion] = seen.map((s) => s.result)
  assert.match(seen[0]?.path ?? '', /^\/tags\/arn%3Aaws%3Aguardduty%3A/)
  assert.match(seen[1]?.path ?? '', /[?&]nextToken=a%20b%2Bc%2Fd%3D(&|$)/)
  assert.match(seen[2]?.path ?? '', /%20filter$/)
  const gd = { accessKeyId: '210987654321', accountId: '210987654321', region: 'eu-central-2' }
  assertCaller(tag as AuthResult, { ...gd, service: 'guardduty' })
  assertCaller(list as AuthResult, { ...gd, service: 'guardduty' })
  const insp = { accessKeyId: 'test', accountId: '123456789012', region: 'us-gov-west-1' }
  assertCaller(tags as AuthResult, { ...insp, service: 'inspector2' })
  assertCaller(findings as AuthResult, { ...insp, service: 'inspector2' })
  assertError(intrusion as AuthResult, 'InvalidSignatureException', 403, MISMATCH)
})
