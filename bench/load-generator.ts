/**
 * Load generator process for the HTTP benchmarks: reads one job (URL, pre-signed request, connections,
 * duration) as JSON from argv, drives it with autocannon, and prints the result as one JSON line. Runs
 * in its own process so that it does not share an event loop with the server it measures.
 */
import autocannon from 'autocannon'

interface Job {
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly headers: Record<string, string>
  readonly body?: string
  readonly connections: number
  readonly durationSeconds: number
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job
const result = await autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.durationSeconds,
  requests: [
    {
      method: job.method,
      path: job.path,
      headers: job.headers,
      ...(job.body ? { body: job.body } : {}),
    },
  ],
})
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }) + '\n',
)
