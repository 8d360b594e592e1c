/**
 * The command line's client for Vigil's signed `/_vigil/` routes: one SigV4-signed request (service
 * name `vigil`) with fetch. Credentials and region come from the usual AWS variables
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` /
 * `AWS_DEFAULT_REGION`), defaulting to Vigil's development credentials `test`/`test` in `us-east-1`.
 */
import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import { VigilError } from '../core/vigil-error.js'

export interface AdminClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:4580`. */
  readonly endpointUrl: string
  readonly env: NodeJS.ProcessEnv
}

export interface AdminResponse {
  readonly status: number
  readonly body: Record<string, unknown>
}

/** The region requests are signed for (the caller's region on the server). */
export function regionOf(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1'
}

/** A SigV4 signer for the `vigil` service with the credentials and Region of `env`. */
export function vigilSigner(env: NodeJS.ProcessEnv): SignatureV4 {
  return new SignatureV4({
    service: 'vigil',
    region: regionOf(env),
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'test',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'test',
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
    sha256: Hash.bind(null, 'sha256'),
  })
}

/**
 * Sends a signed request.
 * @throws VigilError `VIGIL_UNREACHABLE` when the server cannot be reached
 */
export async function adminRequest(
  options: AdminClientOptions,
  method: string,
  path: string,
  query: Record<string, string>,
  body: string,
): Promise<AdminResponse> {
  const url = new URL(options.endpointUrl)
  const { env } = options
  const signer = vigilSigner(env)
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path,
    query,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  })
  const headers = { ...signed.headers }
  delete headers.host
  const qs = new URLSearchParams(query).toString().replaceAll('+', '%20')
  let res: Response
  try {
    res = await fetch(`${url.origin}${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
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
