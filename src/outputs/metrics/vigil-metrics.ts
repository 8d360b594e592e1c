/**
 * Vigil's operational metrics in the Prometheus text format (`GET /_vigil/metrics`), kept with
 * prom-client in a registry of this server's own (several servers in one process keep separate
 * numbers). Owns the metric names and labels:
 *
 * - `vigil_requests_total{service,operation,status}` and `vigil_request_duration_seconds{service,operation}`
 *   (a histogram) for every API and admin request; `service`/`operation` are empty when the request
 *   never reached an operation (bad signature, unknown route);
 * - `vigil_findings_recorded_total{service,outcome}` — findings created or updated by the engines
 *   (`outcome` `created` | `updated`);
 * - `vigil_findings_imported_total{service}` — findings loaded by import;
 * - `vigil_events_delivered_total{sink}`, `vigil_events_dead_lettered_total{sink}`, and the gauge
 *   `vigil_outbox_backlog{sink,feed}` (changes not yet delivered, read at each scrape);
 * - `vigil_ingest_objects_total{source,status}` (`status` `ingested` | `already_processed` |
 *   `failed`), `vigil_ingest_events_total{source}`, `vigil_ingest_bytes_total{source}`
 *   (decompressed), `vigil_ingest_malformed_total{source}` and the histogram
 *   `vigil_ingest_duration_seconds{source}` for log objects read by the detection ingestion;
 * - the process metrics prom-client collects by default (`process_*`, `nodejs_*`).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

export interface RequestFacts {
  readonly service?: string | undefined
  readonly operation?: string | undefined
  readonly status: number
  /** Seconds from the first byte read to the response written. */
  readonly seconds: number
}

export class VigilMetrics {
  readonly registry = new Registry()
  readonly #requests = new Counter({
    name: 'vigil_requests_total',
    help: 'Requests served, by service, operation and HTTP status.',
    labelNames: ['service', 'operation', 'status'] as const,
    registers: [this.registry],
  })
  readonly #duration = new Histogram({
    name: 'vigil_request_duration_seconds',
    help: 'Time to serve a request, seconds.',
    labelNames: ['service', 'operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  })
  readonly #recorded = new Counter({
    name: 'vigil_findings_recorded_total',
    help: 'Findings created or updated by the detection and scanning engines.',
    labelNames: ['service', 'outcome'] as const,
    registers: [this.registry],
  })
  readonly #imported = new Counter({
    name: 'vigil_findings_imported_total',
    help: 'Findings loaded by import.',
    labelNames: ['service'] as const,
    registers: [this.registry],
  })

  readonly #delivered = new Counter({
    name: 'vigil_events_delivered_total',
    help: 'Events delivered to a sink.',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  })
  readonly #deadLettered = new Counter({
    name: 'vigil_events_dead_lettered_total',
    help: 'Events a sink gave up on after its retries.',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  })

  readonly #ingestObjects = new Counter({
    name: 'vigil_ingest_objects_total',
    help: 'Log objects the detection ingestion read, skipped as already processed, or failed to read.',
    labelNames: ['source', 'status'] as const,
    registers: [this.registry],
  })
  readonly #ingestEvents = new Counter({
    name: 'vigil_ingest_events_total',
    help: 'Log records read by the detection ingestion.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  })
  readonly #ingestBytes = new Counter({
    name: 'vigil_ingest_bytes_total',
    help: 'Decompressed log bytes read by the detection ingestion.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  })
  readonly #ingestMalformed = new Counter({
    name: 'vigil_ingest_malformed_total',
    help: 'Log records the detection ingestion could not read.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  })
  readonly #ingestDuration = new Histogram({
    name: 'vigil_ingest_duration_seconds',
    help: 'Time to read one log object through the detection engine, seconds.',
    labelNames: ['source'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    registers: [this.registry],
  })

  /** Where the outbox backlog is read from at each scrape (set by the server). */
  #backlog: (() => Promise<readonly { sink: string; feed: string; backlog: number }[]>) | undefined
  readonly #backlogGauge = new Gauge({
    name: 'vigil_outbox_backlog',
    help: 'Finding changes written but not yet delivered to a sink, per change feed.',
    labelNames: ['sink', 'feed'] as const,
    registers: [this.registry],
    collect: async () => {
      if (!this.#backlog) return
      this.#backlogGauge.reset()
      for (const b of await this.#backlog())
        this.#backlogGauge.set({ sink: b.sink, feed: b.feed }, b.backlog)
    },
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry })
  }

  /** Counts one served request. */
  request(facts: RequestFacts): void {
    const service = facts.service ?? ''
    const operation = facts.operation ?? ''
    this.#requests.inc({ service, operation, status: String(facts.status) })
    this.#duration.observe({ service, operation }, facts.seconds)
  }

  /** Counts a finding an engine created or updated. */
  findingRecorded(service: 'guardduty' | 'inspector2', created: boolean): void {
    this.#recorded.inc({ service, outcome: created ? 'created' : 'updated' })
  }

  /** Counts imported findings. */
  findingsImported(service: 'guardduty' | 'inspector2', count: number): void {
    this.#imported.inc({ service }, count)
  }

  /** Sets where `vigil_outbox_backlog` reads the backlog of each sink and feed. */
  backlogFrom(source: () => Promise<readonly { sink: string; feed: string; backlog: number }[]>) {
    this.#backlog = source
  }

  /** Counts a sink's deliveries and dead letters. */
  eventsDelivered(sink: string, delivered: number, deadLettered: number): void {
    this.#delivered.inc({ sink }, delivered)
    this.#deadLettered.inc({ sink }, deadLettered)
  }

  /**
   * Counts one log object of the ingestion. `source` is the log source (`unknown` when the object
   * could not be read); `seconds` the time it took.
   */
  objectIngested(
    source: string,
    status: 'ingested' | 'already_processed' | 'failed',
    facts: { events: number; bytes: number; malformed: number; seconds: number } = {
      events: 0,
      bytes: 0,
      malformed: 0,
      seconds: 0,
    },
  ): void {
    this.#ingestObjects.inc({ source, status })
    if (status !== 'ingested') return
    this.#ingestEvents.inc({ source }, facts.events)
    this.#ingestBytes.inc({ source }, facts.bytes)
    this.#ingestMalformed.inc({ source }, facts.malformed)
    this.#ingestDuration.observe({ source }, facts.seconds)
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() }
  }
}
