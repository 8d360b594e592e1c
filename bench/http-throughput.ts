/**
 * Benchmark: signed-request throughput of GetDetector and ListDetectors over loopback, against a bare
 * node:http server answering a fixed JSON body as the baseline measured in the same run. The server runs
 * in this process (access log on, written to /dev/null); autocannon runs in a child process. Requests are
 * signed once with SigV4 and replayed (each is still fully verified by the server).
 */
import { CreateDetectorCommand, GuardDutyClient } from '@aws-sdk/client-guardduty'
import { Hash } from '@smithy/hash-node'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { pino } from 'pino'
import { DEFAULTS } from '../src/config/config.js'
import { startVigil } from '../src/main.js'

const run = promisify(execFile)

export interface LoadResult {
  readonly requestsPerSecond: number
  readonly total: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly non2xx: number
  readonly errors: number
  readonly timeouts: number
}

interface LoadJob {
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly headers: Record<string, string>
  readonly connections: number
  readonly durationSeconds: number
}

async function load(job: LoadJob): Promise<LoadResult> {
  const script = new URL('./load-generator.ts', import.meta.url).pathname
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, JSON.stringify(job)], {
    maxBuffer: 1 << 20,
  })
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadResult
}

async function signedGet(url: string, path: string, query: Record<string, string> = {}) {
  const { hostname, port } = new URL(url)
  const signer = new SignatureV4({
    service: 'guardduty',
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    sha256: Hash.bind(null, 'sha256'),
  })
  const signed = await signer.sign(
    new HttpRequest({
      method: 'GET',
      protocol: 'http:',
      hostname,
      port: Number(port),
      path,
      query,
      headers: { host: `${hostname}:${port}` },
    }),
  )
  const qs = new URLSearchParams(query).toString()
  return { path: qs ? `${path}?${qs}` : path, headers: signed.headers }
}

export interface HttpThroughputOptions {
  readonly durationSeconds: number
  readonly connections: number
}

/** Runs the benchmark and prints its table. */
export async function httpThroughput(options: HttpThroughputOptions): Promise<void> {
  const body = JSON.stringify({ detectorIds: ['0123456789abcdef0123456789abcdef'] })
  const baseline = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    })
    res.end(body)
  })
  await new Promise<void>((r) => baseline.listen(0, '127.0.0.1', r))
  const baseUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}`

  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }))
  const vigil = await startVigil({ ...DEFAULTS, port: 0, dataDir: ':memory:' }, { logger })
  const gd = new GuardDutyClient({
    endpoint: vigil.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  })
  const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
  const get = await signedGet(vigil.url, `/detector/${DetectorId ?? ''}`)
  const list = await signedGet(vigil.url, '/detector', { maxResults: '50' })

  const common = { connections: options.connections, durationSeconds: options.durationSeconds }
  const rows: [string, LoadResult][] = []
  rows.push([
    'baseline: bare node:http, fixed JSON',
    await load({ ...common, url: baseUrl, method: 'GET', path: '/', headers: {} }),
  ])
  rows.push([
    'GetDetector (SigV4, SQLite, access log)',
    await load({ ...common, url: vigil.url, method: 'GET', ...get }),
  ])
  rows.push([
    'ListDetectors (SigV4, SQLite, access log)',
    await load({ ...common, url: vigil.url, method: 'GET', ...list }),
  ])

  await vigil.close()
  await new Promise((r) => baseline.close(r))

  const base = rows[0]?.[1].requestsPerSecond ?? 1
  console.log(
    `\nHTTP throughput over loopback — ${options.connections} connections, ${options.durationSeconds} s each, load generator in a separate process`,
  )
  console.log('| target | requests/s | p50 ms | p99 ms | vs baseline | non-2xx | errors |')
  console.log('|---|---:|---:|---:|---:|---:|---:|')
  for (const [name, r] of rows)
    console.log(
      `| ${name} | ${Math.round(r.requestsPerSecond)} | ${r.p50Ms} | ${r.p99Ms} | ${(r.requestsPerSecond / base).toFixed(2)} | ${r.non2xx} | ${r.errors + r.timeouts} |`,
    )
}
