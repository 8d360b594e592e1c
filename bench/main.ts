/**
 * `npm run bench`: runs Vigil's benchmarks and prints their numbers. Durations are short by default;
 * `VIGIL_BENCH_SECONDS` sets the seconds per measurement.
 */
import { httpThroughput } from './http-throughput.js'

const seconds = Number(process.env.VIGIL_BENCH_SECONDS ?? '10')
await httpThroughput({ durationSeconds: seconds, connections: 32 })
