/**
 * The composition root: configuration → storage → services → app → HTTP server. The only place that
 * picks concrete adapters (SQLite, the system clock, the config-backed credential store). Used by
 * `vigil serve` and by the end-to-end tests, which start a real server on a free loopback port.
 */
import { guardDutyImportRoute } from './http/admin/guardduty-import-route.js'
import { INGEST_PATH, ingestRoutes } from './http/admin/ingest-routes.js'
import { inspectorImportRoute } from './http/admin/inspector-import-route.js'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAccountDirectory } from './auth/account-directory.js'
import { createIngestion, type IngestionService } from './engines/detection/ingest/index.js'
import { createCredentialStore } from './auth/credential-store.js'
import { SigV4Verifier } from './auth/sigv4.js'
import { databasePath, type VigilConfig } from './config/config.js'
import { systemClock, type Clock } from './core/clock.js'
import { createLogger, type Logger } from './core/logger.js'
import { startHttpServer } from './http/node-server.js'
import { ADMIN_SIGNING_NAME, VigilApp, type AnyService } from './http/vigil-app.js'
import { EventDispatcher } from './outputs/dispatcher/event-dispatcher.js'
import { guardDutyFindingFeed, inspectorFindingFeed } from './outputs/dispatcher/change-feed.js'
import { createSinks } from './outputs/sinks/create-sinks.js'
import { outputsRoutes } from './http/admin/outputs-routes.js'
import { FindingExporter } from './outputs/publishing/finding-exporter.js'
import { DESTINATION_KIND } from './services/guardduty/handlers/publishing-destinations.js'
import { ASSOCIATED } from './services/guardduty/domain/membership.js'
import { VigilMetrics } from './outputs/metrics/vigil-metrics.js'
import { S3ObjectStore } from './outputs/object-store/s3-object-store.js'
import { LocalDirectoryStore } from './outputs/object-store/local-directory-store.js'
import type { ObjectStore } from './outputs/object-store/object-store.js'
import { CoverageRegistry } from './services/guardduty/domain/coverage.js'
import { FindingAggregator } from './services/guardduty/domain/finding-aggregator.js'
import { FindingRetention } from './services/guardduty/domain/finding-retention.js'
import { guardDutyFindingAttributes } from './services/guardduty/domain/finding-attributes.js'
import { Organizations } from './services/guardduty/domain/organizations.js'
import { ThreatListRegistry } from './services/guardduty/domain/threat-list-registry.js'
import { createGuardDutyService } from './services/guardduty/guardduty-service.js'
import { createInspector2Service } from './services/inspector2/inspector2-service.js'
import type { FindingStore } from './storage/ports.js'
import { openSqliteStorage } from './storage/sqlite/sqlite-storage.js'

export interface RunningVigil {
  /** `http://host:port` of the endpoint. */
  readonly url: string
  readonly port: number
  readonly services: ReadonlyMap<string, AnyService>
  /** The object store lists are read from and exports written to. */
  readonly objectStore: ObjectStore
  /** Trusted/threat list matchers per scope, for the detection engine. */
  readonly threatLists: ThreatListRegistry
  /** Where the detection engine registers the resources it monitors (ListCoverage). */
  readonly coverage: CoverageRegistry
  /** The GuardDuty findings store, for the engines and importers. */
  readonly guardDutyFindings: FindingStore
  /** Create-or-update of findings by aggregation key, with suppression: what detectors call. */
  readonly findingAggregator: FindingAggregator
  /**
   * Log ingestion into the detection engine (every detector family, the operator's enrichment,
   * the processed-object ledger, usage and coverage); served at `/_vigil/ingest`.
   */
  readonly ingestion: IngestionService
  /** Findings export to GuardDuty publishing destinations (`tick()` runs one pass now). */
  readonly publishing: FindingExporter
  /** Event delivery to the configured sinks. */
  readonly outputs: EventDispatcher
  /** Operational metrics (`GET /_vigil/metrics`). */
  readonly metrics: VigilMetrics
  /** Deletes findings past the retention period (swept hourly; `sweep()` runs it now). */
  readonly findingRetention: FindingRetention
  /** Stops accepting, finishes in-flight requests, closes the database. */
  close(): Promise<void>
}

export interface StartOptions {
  readonly clock?: Clock
  readonly logger?: Logger
}

/** Vigil's version, from package.json. */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

/** Starts a Vigil server with `config`. */
export async function startVigil(
  config: VigilConfig,
  options: StartOptions = {},
): Promise<RunningVigil> {
  const clock = options.clock ?? systemClock
  const logger = options.logger ?? createLogger({ level: config.logLevel })
  const storage = openSqliteStorage({
    path: databasePath(config),
    synchronous: config.sqliteSynchronous,
    now: () => clock.now(),
    findingAttributes: guardDutyFindingAttributes,
  })
  const objectStore: ObjectStore = config.s3
    ? new S3ObjectStore(config.s3)
    : new LocalDirectoryStore(
        config.objectStoreDir ??
          (config.dataDir === ':memory:'
            ? mkdtempSync(join(tmpdir(), 'vigil-s3-'))
            : join(config.dataDir, 's3')),
      )
  const threatLists = new ThreatListRegistry(storage)
  const directory = createAccountDirectory(config.organizations)
  const organizations = new Organizations(storage, directory, clock)
  const guardduty = createGuardDutyService({
    storage,
    clock,
    objectStore,
    threatLists,
    listTransitionMs: config.listTransitionMs,
    organizations,
  })
  const inspector2 = createInspector2Service({
    storage,
    clock,
    transitionMs: config.inspectorTransitionMs,
    directory,
    objectStore,
  })
  const services = new Map<string, AnyService>([
    [guardduty.schema.signingName, guardduty],
    [inspector2.schema.signingName, inspector2],
  ])
  const verifier = new SigV4Verifier({
    credentials: createCredentialStore({
      devCredentials: config.devCredentials,
      credentials: config.credentials,
    }),
    clock,
    services: [...services.keys(), ADMIN_SIGNING_NAME],
  })
  const findingRetention = new FindingRetention(
    storage.findings,
    clock,
    config.findingRetentionDays,
  )
  const metrics = new VigilMetrics()
  const coverage = new CoverageRegistry(storage, clock)
  const exporter = new FindingExporter({
    storage,
    objectStore,
    clock,
    destinationKind: DESTINATION_KIND,
    members: {
      async memberAccounts(scope) {
        const members = await organizations.membership.members(scope, undefined, 10_000)
        return members.filter((m) => ASSOCIATED.includes(m.body.status)).map((m) => m.id)
      },
    },
    tickMs: config.outputs.publishingTickMs,
    onError: (error) => logger.warn({ err: error }, 'publishing destination export failed'),
  })
  const dispatcher = new EventDispatcher({
    feeds: [
      guardDutyFindingFeed(storage.findings),
      inspectorFindingFeed(storage.inspectorFindings),
    ],
    sinks: createSinks(config.outputs),
    state: storage.outputs,
    retry: config.outputs.retry,
    pollMs: config.outputs.pollMs,
    now: () => clock.now(),
    onDelivered: (sink, delivered, dead) => metrics.eventsDelivered(sink, delivered, dead),
  })
  metrics.backlogFrom(async () =>
    (await dispatcher.status()).flatMap((s) =>
      s.feeds.map((f) => ({ sink: s.name, feed: f.feed, backlog: f.backlog })),
    ),
  )
  const findingAggregator = new FindingAggregator(storage, clock, organizations.membership, (r) => {
    metrics.findingRecorded('guardduty', r.created)
    dispatcher.nudge()
  })
  let ingestion
  try {
    ingestion = await createIngestion(config, {
      storage,
      record: (activity) => findingAggregator.record(activity),
      threatLists,
      coverage,
      objectStore,
      now: () => clock.now(),
      onIngested: (result) =>
        metrics.objectIngested(result.source ?? 'unknown', 'ingested', {
          events: result.events,
          bytes: result.bytes,
          malformed: result.malformedCount,
          seconds: result.durationMs / 1000,
        }),
      onGeoIpError: (error) =>
        logger.warn({ err: error }, 'GeoIP database not loaded; findings carry no locations'),
    })
  } catch (error) {
    storage.close()
    throw error
  }
  logger.info({ enrichment: ingestion.facts }, 'detection engine ready')
  const app = new VigilApp({
    metrics: () => metrics.exposition(),
    verifier,
    services,
    version: VERSION,
    adminRoutes: [
      guardDutyImportRoute(storage, (n) => {
        metrics.findingsImported('guardduty', n)
        dispatcher.nudge()
      }),
      ...outputsRoutes(dispatcher, storage.outputs),
      inspectorImportRoute({ storage, directory, clock }),
      ...ingestRoutes(ingestion.service, metrics),
    ],
  })
  let http
  try {
    http = await startHttpServer({
      host: config.host,
      port: config.port,
      maxBodyBytes: config.maxBodyBytes,
      bodyLimit: (path) =>
        path.startsWith(`${INGEST_PATH}/`) && path !== `${INGEST_PATH}/ledger`
          ? config.maxIngestBodyBytes
          : undefined,
      onRequest: (facts) => metrics.request(facts),
      app,
      logger,
    })
  } catch (error) {
    storage.close()
    throw error
  }
  dispatcher.start()
  exporter.start()
  findingRetention.start(3_600_000, (error) =>
    logger.error({ err: error }, 'finding retention sweep failed'),
  )
  return {
    url: http.url,
    port: http.port,
    services,
    objectStore,
    threatLists,
    coverage,
    guardDutyFindings: storage.findings,
    findingAggregator,
    ingestion: ingestion.service,
    outputs: dispatcher,
    publishing: exporter,
    metrics,
    findingRetention,
    close: async () => {
      findingRetention.stop()
      await http.close()
      await dispatcher.stop()
      await exporter.stop()
      storage.close()
      if (objectStore instanceof S3ObjectStore) objectStore.close()
      logger.flush()
    },
  }
}
