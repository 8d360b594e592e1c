/**
 * The command line's client for the ingestion routes: SigV4-signed (service `vigil`) requests
 * with a JSON body, and uploads of a file as the request body without holding it in memory — the
 * file is read once to hash it (SigV4 signs the body's SHA-256, sent as `x-amz-content-sha256`) and
 * once more as the streamed body. Credentials and Region as `admin-client.ts` reads them.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { VigilError } from '../core/vigil-error.js'
import { vigilSigner } from './admin-client.js'

export interface IngestClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:4580`. */
  readonly endpointUrl: string
  readonly env: NodeJS.ProcessEnv
}

export interface ClientResponse {
  readonly status: number
  readonly body: Record<string, unknown>
}

type Body =
  | { readonly kind: 'json'; readonly text: string }
  | { readonly kind: 'file'; readonly path: string; readonly sha256: string }

/** The SHA-256 of a file, hex, read as a stream. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path), hash)
  return hash.digest('hex')
}

async function send(
  options: IngestClientOptions,
  path: string,
  query: Record<string, string>,
  body: Body,
): Promise<ClientResponse> {
  const url = new URL(options.endpointUrl)
  const { env } = options
  const signer = vigilSigner(env)
  const headers: Record<string, string> =
    body.kind === 'json'
      ? { host: url.host, 'content-type': 'application/json' }
      : {
          host: url.host,
          'content-type': 'application/octet-stream',
          'x-amz-content-sha256': body.sha256,
        }
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path,
    query,
    headers,
    ...(body.kind === 'json' ? { body: body.text } : {}),
  })
  const sent: Record<string, string> = { ...signed.headers }
  delete sent.host
  const qs = new URLSearchParams(query).toString().replaceAll('+', '%20')
  let res: Response
  try {
    res = await fetch(`${url.origin}${path}${qs ? `?${qs}` : ''}`, {
      method: 'POST',
      headers: sent,
      ...(body.kind === 'json'
        ? { body: body.text }
        : {
            body: Readable.toWeb(createReadStream(body.path)) as ReadableStream<Uint8Array>,
            duplex: 'half',
          }),
    })
  } catch (cause) {
    throw new VigilError('VIGIL_UNREACHABLE', `cannot reach Vigil at ${url.origin}`, { cause })
  }
  const text = await res.text()
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(text) as Record<string, unknown>
  } catch {
    parsed = { message: text }
  }
  return { status: res.status, body: parsed }
}

/**
 * POSTs a JSON body to a signed route.
 * @throws VigilError `VIGIL_UNREACHABLE` when the server cannot be reached
 */
export function postJson(
  options: IngestClientOptions,
  path: string,
  query: Record<string, string>,
  body: unknown,
): Promise<ClientResponse> {
  return send(options, path, query, { kind: 'json', text: JSON.stringify(body) })
}

/**
 * POSTs a file as the body of a signed route, streamed (hashed first).
 * @throws VigilError `VIGIL_UNREACHABLE` when the server cannot be reached; the file system's
 *   error when the file cannot be read
 */
export async function postFile(
  options: IngestClientOptions,
  path: string,
  query: Record<string, string>,
  file: string,
): Promise<ClientResponse> {
  return send(options, path, query, { kind: 'file', path: file, sha256: await fileSha256(file) })
}
