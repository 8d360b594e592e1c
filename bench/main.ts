/**
 * `npm run bench`: runs Vigil's benchmarks and prints their numbers. `VIGIL_BENCH_SECONDS` sets the
 * seconds per HTTP measurement (default 10); `VIGIL_BENCH_FINDINGS` the number of findings loaded
 * (default 1,000,000); `VIGIL_BENCH_EVENTS` the findings events delivered (default 20,000); `VIGIL_BENCH_ONLY` runs one
 * benchmark (`http`, `findings`, `sources`, `ingest`, `inspector` or `outputs`).
 */
import { findingsStore } from './findings-store.js'
import { httpThroughput } from './http-throughput.js'
import { runIngestBench } from './ingest.js'
import { runInspectorAggregationsBench } from './inspector-aggregations.js'
import { runLogSourceBench } from './log-sources.js'
import { outputsDelivery } from './outputs-delivery.js'

const only = process.env.VIGIL_BENCH_ONLY
const seconds = Number(process.env.VIGIL_BENCH_SECONDS ?? '10')
const findings = Number(process.env.VIGIL_BENCH_FINDINGS ?? '1000000')
if (!only || only === 'http') await httpThroughput({ durationSeconds: seconds, connections: 32 })
if (!only || only === 'findings') await findingsStore(findings)
if (!only || only === 'sources') await runLogSourceBench()
if (!only || only === 'ingest') await runIngestBench()
if (!only || only === 'inspector') await runInspectorAggregationsBench()
if (!only || only === 'outputs')
  await outputsDelivery(Number(process.env.VIGIL_BENCH_EVENTS ?? '20000'))
