/**
 * Ingestion: log objects in, findings out. This module owns the path of one object — processed-
 * object ledger check, log reader (`readLogObject`), per-scope metering, detection engine run,
 * usage and coverage recording, ledger update — and of a location (a file, a directory walked
 * recursively, an `s3://bucket/prefix` of the object store) object by object. Engine runs are
 * serialised: detectors keep state across runs and the object context is one at a time.
 *
 * The ledger: an object given with its identity (location, size, last-modified time) is skipped
 * when the ledger holds the same identity, and recorded once read (also when some of its records
 * were malformed; not when it could not be read at all, so a corrected call can retry it). An
 * object whose size or time changed is read again, whole.
 */
import type { Readable } from 'node:stream'
import type { IngestLedgerStore, ProcessedObject } from '../../../storage/ports.js'
import type { DetectionEngine, DetectionSummary } from '../detection-engine.js'
import type { DetectorStates } from '../detector-states.js'
import type { SourceAttributions } from '../detectors/index.js'
import type {
  KubernetesClusterDetails,
  KubernetesClusters,
} from '../enrichment/kubernetes-clusters.js'
import type { LogObjectContext, LogObjectContextHolder } from '../object-context.js'
import {
  LOG_SOURCES,
  LogFormatError,
  parseS3LogKey,
  readLogObject,
  type LogEntry,
  type LogSource,
  type MalformedRecord,
} from '../sources/index.js'
import type { ObjectStore } from '../../../outputs/object-store/object-store.js'
import { CoverageTracker, type CoverageSink } from './coverage-tracker.js'
import {
  listStoreObjects,
  parseIngestLocation,
  walkFiles,
  type LogObjectRef,
} from './object-sources.js'
import { ScopeMeter } from './scope-meter.js'
import { USAGE_PRICES, type UsageRecorder } from './usage-recorder.js'

/** A request the service cannot serve as asked (unknown cluster, bad location…): a client error. */
export class IngestRequestError extends Error {
  override readonly name = 'IngestRequestError'
}

/**
 * The object could not be read (corrupt gzip, a JSON document over the size limit…): a problem of
 * the object, not of the service. `LogFormatError`s (wrong or unknown format) are thrown as they are.
 */
export class UnreadableObjectError extends Error {
  override readonly name = 'UnreadableObjectError'
}

/** The reader's batches, its failures other than `LogFormatError` turned into `UnreadableObjectError`. */
async function* guarded(
  batches: AsyncGenerator<LogEntry[], void, undefined>,
): AsyncGenerator<LogEntry[], void, undefined> {
  try {
    yield* batches
  } catch (error) {
    if (error instanceof LogFormatError) throw error
    throw new UnreadableObjectError(error instanceof Error ? error.message : String(error), {
      cause: error,
    })
  }
}

/** The identity the ledger knows an object by. */
export interface ObjectIdentity {
  /** `s3://bucket/key` or `file:///absolute/path`. */
  readonly location: string
  /** Bytes as stored. */
  readonly size: number
  /** Last modification, epoch milliseconds. */
  readonly lastModifiedMs: number
}

/** How to read one object. */
export interface IngestObjectOptions {
  /** Its S3 key or file name: named in messages, and read for key hints (account, Region). */
  readonly name?: string
  /** What the object holds (`--source`); undefined reads the content to tell. */
  readonly source?: LogSource
  /** The flow log's `LogFormat`, for flow logs without a header line. */
  readonly flowLogFormat?: string
  /** The Kubernetes cluster of an audit log (a name from `kubernetesClusters`). */
  readonly cluster?: string
  /** The object's identity: given, the ledger is checked before and updated after. */
  readonly identity?: ObjectIdentity
}

/** Usage one object added for one scope and data source. */
export interface UsageLine {
  readonly accountId: string
  readonly region: string
  /** GuardDuty `DataSource` (`CLOUD_TRAIL`, `S3_LOGS`, `FLOW_LOGS`…). */
  readonly dataSource: string
  readonly events: number
  /** Decompressed bytes. */
  readonly bytes: number
  /** Estimated cost, USD. */
  readonly usd: number
}

/** What ingesting one object did. */
export interface IngestResult {
  /** `ingested`, or `already-processed` when the ledger knew the object (nothing was read). */
  readonly status: 'ingested' | 'already-processed'
  readonly name?: string
  readonly location?: string
  /** The source the records were read as. */
  readonly source?: LogSource
  /** What format detection saw at the start of the object. */
  readonly seen?: string
  readonly compressed: boolean
  /** Bytes received (as stored; compressed size for gzip), when known. */
  readonly objectBytes?: number
  /** Decompressed bytes read. */
  readonly bytes: number
  /** Records read. */
  readonly events: number
  /** Records that could not be read. */
  readonly malformedCount: number
  /** The first of them (bounded), with their 1-based line. */
  readonly malformed: readonly MalformedRecord[]
  /** Object-level remarks of the reader. */
  readonly notes: readonly string[]
  /** Usage recorded, per scope and data source. */
  readonly usage: readonly UsageLine[]
  /** Covered resources (instances, clusters) newly registered. */
  readonly coverageRegistered: number
  /** Milliseconds spent reading and detecting. */
  readonly durationMs: number
  /** The engine's summary (undefined when nothing was read). */
  readonly summary?: DetectionSummary
  /** The ledger entry that made the object `already-processed`. */
  readonly previous?: ProcessedObject
}

/** An object of a location that could not be read. */
export interface IngestFailure {
  readonly name: string
  readonly location: string
  readonly error: string
  /**
   * `log-format`: not a log the readers know, or not the `source` given; `unreadable`: corrupt
   * gzip, an oversized document; `error`: anything else (the object store failed…).
   */
  readonly reason: 'log-format' | 'unreadable' | 'error'
  /** The source the content looked like, when the error is a wrong `source`. */
  readonly detected?: LogSource
}

/** What ingesting a location did. */
export interface LocationResult {
  readonly location: string
  /** Objects read, in order. */
  readonly objects: readonly IngestResult[]
  /** Objects the ledger already knew (not read again). */
  readonly alreadyProcessed: number
  /** Objects that could not be read. */
  readonly failed: readonly IngestFailure[]
  /** Whether `maxObjects` stopped the listing early (call again for the rest). */
  readonly truncated: boolean
}

/** How to read a location. */
export interface IngestLocationOptions {
  readonly source?: LogSource
  readonly flowLogFormat?: string
  readonly cluster?: string
  /** Objects to read at most (default 1,000; objects the ledger skips do not count). */
  readonly maxObjects?: number
  /** Called after each object (progress). */
  readonly onObject?: (result: IngestResult | IngestFailure) => void
}

/** What the service is made of. */
export interface IngestionServiceOptions {
  readonly engine: DetectionEngine
  /**
   * Attributions built like the engine's (`buildAttribution`, own instances), for per-scope usage
   * and coverage.
   */
  readonly attribution: SourceAttributions
  readonly detectorStates: DetectorStates
  readonly ledger: IngestLedgerStore
  /** Where usage records go (GuardDuty's storage). */
  readonly usage: UsageRecorder
  readonly coverage?: CoverageSink
  /** The object store `s3://` locations are read from. */
  readonly objectStore?: ObjectStore
  /** Set around each run for attributions that need the object (`currentObject`). */
  readonly context: LogObjectContextHolder
  /** The declared clusters (`?cluster=` names one; an EKS log group name in the key too). */
  readonly kubernetesClusters?: KubernetesClusters
  /** Epoch-milliseconds clock. */
  readonly now: () => number
  /** Awaited before each run (e.g. loading the GeoIP database). */
  readonly prepare?: () => Promise<void>
  /** Called after each object read (metrics). */
  readonly onIngested?: (result: IngestResult) => void
  /** Malformed records listed per object (all are counted). Default 100. */
  readonly maxReportedMalformed?: number
}

const EKS_LOG_GROUP = /(?:^|\/)aws\/eks\/([^/]+)\/cluster(?:\/|$)/

/** Ingests log objects into the detection engine. */
export class IngestionService {
  readonly #coverage: CoverageTracker | undefined
  readonly #analysedSources: ReadonlySet<LogSource>
  #queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: IngestionServiceOptions) {
    this.#coverage = options.coverage && new CoverageTracker(options.coverage, options.now)
    this.#analysedSources = new Set(
      LOG_SOURCES.filter((source) => options.engine.detectorsOf(source).length > 0),
    )
  }

  /** The ledger entry of an object identity when the ledger has it with the same size and time. */
  async processed(identity: ObjectIdentity): Promise<ProcessedObject | undefined> {
    const known = await this.options.ledger.get(identity.location)
    return known !== undefined &&
      known.size === identity.size &&
      known.lastModifiedMs === Math.trunc(identity.lastModifiedMs)
      ? known
      : undefined
  }

  /**
   * Reads one object (bytes or a stream, raw or gzip) through the engine.
   * @throws LogFormatError when the content is not a log the readers know, or not the `source`
   *   given (the message names what was seen); IngestRequestError for an unknown cluster;
   *   UnreadableObjectError for corrupt gzip or an oversized JSON document
   */
  async ingestObject(
    input: Readable | Uint8Array | (() => Promise<Readable | Uint8Array>),
    options: IngestObjectOptions = {},
  ): Promise<IngestResult> {
    const cluster = this.#cluster(options.name, options.cluster)
    return this.#exclusive(async () => {
      const { identity } = options
      if (identity !== undefined) {
        const previous = await this.processed(identity)
        if (previous !== undefined) {
          if (typeof input !== 'function' && !(input instanceof Uint8Array)) input.destroy()
          return this.#alreadyProcessed(options, identity, previous)
        }
      }
      const body = typeof input === 'function' ? await input() : input
      return this.#read(body, options, cluster)
    })
  }

  /**
   * Reads every object of a location not yet in the ledger: a file, a directory (recursively) or
   * `s3://bucket/prefix` of the object store. Objects that cannot be read are listed in `failed`;
   * the others go on.
   * @throws IngestRequestError for an `s3://` location without an object store or with a bad bucket
   *   name; the file system's error when a local path does not exist
   */
  async ingestLocation(
    location: string,
    options: IngestLocationOptions = {},
  ): Promise<LocationResult> {
    let parsed
    try {
      parsed = parseIngestLocation(location)
    } catch (error) {
      throw new IngestRequestError((error as Error).message)
    }
    let objects: AsyncIterable<LogObjectRef>
    if (parsed.kind === 's3') {
      const store = this.options.objectStore
      if (store === undefined) throw new IngestRequestError('no object store is configured')
      if (!(await store.bucketExists(parsed.bucket))) {
        throw new IngestRequestError(`the bucket ${parsed.bucket} does not exist`)
      }
      objects = listStoreObjects(store, parsed.bucket, parsed.prefix)
    } else {
      objects = walkFiles(parsed.path)
    }
    const max = Math.max(1, options.maxObjects ?? 1000)
    const results: IngestResult[] = []
    const failed: IngestFailure[] = []
    let alreadyProcessed = 0
    let truncated = false
    for await (const ref of objects) {
      const identity = {
        location: ref.location,
        size: ref.size,
        lastModifiedMs: ref.lastModifiedMs,
      }
      if ((await this.processed(identity)) !== undefined) {
        alreadyProcessed++
        continue
      }
      if (results.length + failed.length >= max) {
        truncated = true
        break
      }
      try {
        const result = await this.ingestObject(() => ref.open(), {
          name: ref.name,
          identity,
          ...(options.source !== undefined ? { source: options.source } : {}),
          ...(options.flowLogFormat !== undefined ? { flowLogFormat: options.flowLogFormat } : {}),
          ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
        })
        results.push(result)
        options.onObject?.(result)
      } catch (error) {
        if (error instanceof IngestRequestError) throw error
        const failure: IngestFailure = {
          name: ref.name,
          location: ref.location,
          error: error instanceof Error ? error.message : String(error),
          reason:
            error instanceof LogFormatError
              ? 'log-format'
              : error instanceof UnreadableObjectError
                ? 'unreadable'
                : 'error',
          ...(error instanceof LogFormatError && error.detected !== undefined
            ? { detected: error.detected }
            : {}),
        }
        failed.push(failure)
        options.onObject?.(failure)
      }
    }
    return { location, objects: results, alreadyProcessed, failed, truncated }
  }

  /** Runs `work` after every run queued before it. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work)
    this.#queue = run.catch(() => undefined)
    return run
  }

  /**
   * The cluster named by the caller (must be declared), else by an EKS log group in the object's
   * name (`/aws/eks/<cluster>/cluster/…`, when declared); undefined leaves the choice to the
   * attribution (the default cluster).
   */
  #cluster(
    name: string | undefined,
    explicit: string | undefined,
  ): KubernetesClusterDetails | undefined {
    const clusters = this.options.kubernetesClusters
    if (explicit !== undefined) {
      const found = clusters?.cluster(explicit)
      if (found === undefined) {
        throw new IngestRequestError(
          `unknown Kubernetes cluster '${explicit}' (declare it in the kubernetesClusters configuration)`,
        )
      }
      return found
    }
    const group = name === undefined ? undefined : EKS_LOG_GROUP.exec(name)?.[1]
    return group === undefined ? undefined : clusters?.cluster(group)
  }

  #alreadyProcessed(
    options: IngestObjectOptions,
    identity: ObjectIdentity,
    previous: ProcessedObject,
  ): IngestResult {
    return {
      status: 'already-processed',
      ...(options.name !== undefined ? { name: options.name } : {}),
      location: identity.location,
      ...(previous.source !== undefined ? { source: previous.source as LogSource } : {}),
      compressed: false,
      objectBytes: identity.size,
      bytes: 0,
      events: 0,
      malformedCount: 0,
      malformed: [],
      notes: [],
      usage: [],
      coverageRegistered: 0,
      durationMs: 0,
      previous,
    }
  }

  async #read(
    body: Readable | Uint8Array,
    options: IngestObjectOptions,
    cluster: KubernetesClusterDetails | undefined,
  ): Promise<IngestResult> {
    const started = performance.now()
    await this.options.prepare?.()
    const keyHint = options.name === undefined ? undefined : parseS3LogKey(options.name)
    const context: LogObjectContext = {
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(keyHint !== undefined ? { keyHint } : {}),
      ...(cluster !== undefined ? { cluster } : {}),
    }
    const reader = readLogObject(body, {
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.source !== undefined ? { hint: options.source } : {}),
      ...(options.flowLogFormat !== undefined ? { flowLogFormat: options.flowLogFormat } : {}),
      maxReportedMalformed: this.options.maxReportedMalformed ?? 100,
    })
    const meter = new ScopeMeter(
      this.options.attribution,
      this.options.detectorStates,
      context,
      this.#analysedSources,
    )
    const summary = await this.options.context.with(context, () =>
      this.options.engine.run(meter.meter(guarded(reader.batches())), context),
    )
    const report = reader.report
    const records = Math.max(1, meter.records)
    const usage = await this.options.usage.record(
      meter.analysed().map(({ scope, feature, events }) => ({
        scope,
        feature,
        events,
        bytes: Math.round((report.bytes * events) / records),
      })),
    )
    const coverageRegistered = (await this.#coverage?.register(meter.resources())) ?? 0
    const identity = options.identity
    if (identity !== undefined) {
      await this.options.ledger.put({
        location: identity.location,
        size: identity.size,
        lastModifiedMs: Math.trunc(identity.lastModifiedMs),
        ...(report.source !== undefined ? { source: report.source } : {}),
        events: report.records,
        malformed: report.malformedCount,
        processedAtMs: this.options.now(),
      })
    }
    const objectBytes = body instanceof Uint8Array ? body.byteLength : identity?.size
    const result: IngestResult = {
      status: 'ingested',
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(identity !== undefined ? { location: identity.location } : {}),
      ...(report.source !== undefined ? { source: report.source } : {}),
      ...(report.seen !== undefined ? { seen: report.seen } : {}),
      compressed: report.compressed,
      ...(objectBytes !== undefined ? { objectBytes } : {}),
      bytes: report.bytes,
      events: report.records,
      malformedCount: report.malformedCount,
      malformed: [...report.malformed],
      notes: [...report.notes],
      usage: usage.map((u) => ({
        accountId: u.scope.accountId,
        region: u.scope.region,
        dataSource: USAGE_PRICES[u.feature].dataSource,
        events: u.events,
        bytes: u.bytes,
        usd: u.usd,
      })),
      coverageRegistered,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      summary,
    }
    this.options.onIngested?.(result)
    return result
  }
}
