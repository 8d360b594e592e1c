/**
 * Test harness: starts a real Vigil server on a free loopback port with an in-memory database and hands
 * out real AWS SDK clients pointed at it, plus a raw signed-request helper for cases the SDKs cannot
 * produce (malformed bodies, wrong content types, tampered signatures).
 */
import { GuardDutyClient } from '@aws-sdk/client-guardduty'
import { Inspector2Client } from '@aws-sdk/client-inspector2'
import { Hash } from '@smithy/hash-node'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { Writable } from 'node:stream'
import { DEFAULTS, type VigilConfig } from '../../src/config/config.js'
import type { Clock } from '../../src/core/clock.js'
import { createLogger } from '../../src/core/logger.js'
import { startVigil, type RunningVigil } from '../../src/main.js'

export interface TestServer extends RunningVigil {
  /** Log lines written by the server (JSON objects). */
  readonly logs: Record<string, unknown>[]
}

/** Starts Vigil on 127.0.0.1 with an in-memory database. */
export async function startTestServer(
  config: Partial<VigilConfig> = {},
  clock?: Clock,
): Promise<TestServer> {
  const logs: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const vigil = await startVigil(
    { ...DEFAULTS, host: '127.0.0.1', port: 0, dataDir: ':memory:', ...config },
    { logger: createLogger({ level: 'info', destination: sink }), ...(clock ? { clock } : {}) },
  )
  return Object.assign(vigil, { logs })
}

export interface ClientOptions {
  readonly accessKeyId?: string
  readonly secretAccessKey?: string
  readonly region?: string
}

function clientConfig(url: string, options: ClientOptions) {
  return {
    endpoint: url,
    region: options.region ?? 'us-east-1',
    credentials: {
      accessKeyId: options.accessKeyId ?? 'test',
      secretAccessKey: options.secretAccessKey ?? 'test',
    },
    maxAttempts: 1,
  }
}

export function guardDutyClient(url: string, options: ClientOptions = {}): GuardDutyClient {
  return new GuardDutyClient(clientConfig(url, options))
}

export function inspectorClient(url: string, options: ClientOptions = {}): Inspector2Client {
  return new Inspector2Client(clientConfig(url, options))
}

export interface RawRequest {
  readonly method: string
  /** Path as sent on the wire (already percent-encoded). */
  readonly path: string
  readonly query?: Record<string, string>
  readonly body?: string | Uint8Array
  readonly headers?: Record<string, string>
  readonly service?: string
  readonly region?: string
  readonly accessKeyId?: string
  readonly secretAccessKey?: string
  readonly signingDate?: Date
  /** Skip signing entirely. */
  readonly unsigned?: boolean
  /** Change the request after signing (tampering). */
  readonly afterSigning?: (req: {
    headers: Record<string, string>
    body: string | Uint8Array
  }) => void
}

export interface RawResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  json(): Record<string, unknown>
}

/** Sends one SigV4-signed request with fetch and returns status, headers and body. */
export async function rawRequest(url: string, req: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(url)
  const body = req.body ?? ''
  let headers: Record<string, string> = {
    host: `${hostname}:${port}`,
    ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...req.headers,
  }
  if (!req.unsigned) {
    const signer = new SignatureV4({
      service: req.service ?? 'guardduty',
      region: req.region ?? 'us-east-1',
      credentials: {
        accessKeyId: req.accessKeyId ?? 'test',
        secretAccessKey: req.secretAccessKey ?? 'test',
      },
      sha256: Hash.bind(null, 'sha256'),
    })
    const signed = await signer.sign(
      new HttpRequest({
        method: req.method,
        protocol: 'http:',
        hostname,
        port: Number(port),
        path: req.path,
        ...(req.query ? { query: req.query } : {}),
        headers,
        body,
      }),
      req.signingDate ? { signingDate: req.signingDate } : {},
    )
    headers = signed.headers
  }
  const mutable = { headers: { ...headers }, body }
  req.afterSigning?.(mutable)
  delete mutable.headers.host
  const qs = req.query ? '?' + new URLSearchParams(req.query).toString().replaceAll('+', '%20') : ''
  const res = await fetch(`${url}${req.path}${qs}`, {
    method: req.method,
    headers: mutable.headers,
    ...(req.method !== 'GET' && req.method !== 'HEAD' ? { body: mutable.body } : {}),
  })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  }
}
