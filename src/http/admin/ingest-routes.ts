/**
 * The detection ingestion's signed admin routes:
 *
 * - `POST /_vigil/ingest/<source>` (`cloudtrail`, `vpc-flow`, `dns`, `k8s-audit`, or `auto` to
 *   tell from the content): the body is one log object, raw or gzip. Query: `name` (the S3 key or
 *   file name, read for key hints and named in messages), `flowLogFormat` (the flow log's
 *   `LogFormat`, for objects without a header line), `cluster` (a declared Kubernetes cluster),
 *   and `location` + `lastModified` (epoch ms): the object's ledger identity (`file:///…` or
 *   `s3://…`; its size is the body's), with which an object read before answers
 *   `already-processed` without being read. Answers the `IngestResult`.
 * - `POST /_vigil/ingest?location=s3://bucket/prefix`: reads the objects under a prefix of the
 *   server's object store that the ledger does not hold yet (`source`, `flowLogFormat`,
 *   `cluster`, `maxObjects` as above; default 1,000 objects per call, `truncated` says more
 *   remain). Answers the `LocationResult`.
 * - `POST /_vigil/ingest/ledger`: body `{"objects": [{"location", "size", "lastModified"}]}` (at
 *   most 10,000); answers `{"processed": [true|false, …]}` — which of them the ledger holds, so a
 *   client sends only new objects.
 *
 * Errors are 400 `BadRequestException` with `reason`: `log-format` (the content is not the log
 * the source names, or no log at all — `message` says what was seen, `seen` and `detected` too),
 * `unreadable` (corrupt gzip, an oversized document) or `request` (bad parameters). Events are
 * attributed to the accounts and Regions their records name, whoever signed the request.
 */
import type {
  IngestionService,
  IngestResult,
  LocationResult,
} from '../../engines/detection/ingest/index.js'
import { IngestRequestError, UnreadableObjectError } from '../../engines/detection/ingest/index.js'
import { isLogSource, LOG_SOURCES, LogFormatError } from '../../engines/detection/sources/index.js'
import type { LogSource } from '../../engines/detection/sources/index.js'
import type { HttpRequest, HttpResponse } from '../../protocol/http-message.js'
import { parseQuery } from '../../protocol/http-message.js'
import { errorResponse, jsonResponse } from '../../protocol/protocol-error.js'
import type { AdminRoute } from '../vigil-app.js'

/** The path prefix of the routes. */
export const INGEST_PATH = '/_vigil/ingest'

/** What the routes report to metrics (`VigilMetrics` satisfies it). */
export interface IngestRouteMetrics {
  objectIngested(source: string, status: 'ingested' | 'already_processed' | 'failed'): void
}

const LEDGER_BATCH = 10_000

function badRequest(
  reason: 'log-format' | 'unreadable' | 'request',
  message: string,
  extra: Record<string, unknown> = {},
): HttpResponse {
  return errorResponse(400, 'BadRequestException', {
    message,
    __type: 'BadRequestException',
    reason,
    ...extra,
  })
}

/** The query as single values (the first of repeated keys); undefined when it is malformed. */
function queryOf(request: HttpRequest): Map<string, string> | undefined {
  try {
    const out = new Map<string, string>()
    for (const [key, values] of parseQuery(request.rawQuery)) {
      const first = values[0]
      if (first !== undefined) out.set(key, first)
    }
    return out
  } catch {
    return undefined
  }
}

/** The response for an error the ingestion throws, or undefined when it is not a client error. */
function clientError(error: unknown): HttpResponse | undefined {
  if (error instanceof LogFormatError) {
    return badRequest('log-format', error.message, {
      seen: error.seen,
      ...(error.detected !== undefined ? { detected: error.detected } : {}),
    })
  }
  if (error instanceof UnreadableObjectError) return badRequest('unreadable', error.message)
  if (error instanceof IngestRequestError) return badRequest('request', error.message)
  return undefined
}

function sourceParameter(text: string | undefined): LogSource | undefined | Error {
  if (text === undefined || text === '' || text === 'auto') return undefined
  if (isLogSource(text)) return text
  return new Error(`source must be one of ${[...LOG_SOURCES, 'auto'].join(', ')}; got '${text}'`)
}

function objectRoute(
  service: IngestionService,
  source: LogSource | 'auto',
  metrics: IngestRouteMetrics | undefined,
): AdminRoute {
  return {
    method: 'POST',
    path: `${INGEST_PATH}/${source}`,
    async handle(request: HttpRequest): Promise<HttpResponse> {
      const query = queryOf(request)
      if (query === undefined) return badRequest('request', 'The query string is malformed.')
      if (request.body.byteLength === 0) {
        return badRequest('request', 'The request body is the log object to ingest; it is empty.')
      }
      const location = query.get('location')
      const lastModified = query.get('lastModified')
      if ((location === undefined) !== (lastModified === undefined)) {
        return badRequest('request', 'location and lastModified (epoch ms) go together.')
      }
      if (lastModified !== undefined && !/^\d{1,15}$/.test(lastModified)) {
        return badRequest(
          'request',
          `lastModified must be epoch milliseconds; got '${lastModified}'`,
        )
      }
      const name = query.get('name')
      const flowLogFormat = query.get('flowLogFormat')
      const cluster = query.get('cluster')
      let result: IngestResult
      try {
        result = await service.ingestObject(request.body, {
          ...(name !== undefined && name !== '' ? { name } : {}),
          ...(source !== 'auto' ? { source } : {}),
          ...(flowLogFormat !== undefined && flowLogFormat !== '' ? { flowLogFormat } : {}),
          ...(cluster !== undefined && cluster !== '' ? { cluster } : {}),
          ...(location !== undefined && lastModified !== undefined
            ? {
                identity: {
                  location,
                  size: request.body.byteLength,
                  lastModifiedMs: Number(lastModified),
                },
              }
            : {}),
        })
      } catch (error) {
        const response = clientError(error)
        if (response === undefined) throw error
        metrics?.objectIngested(source === 'auto' ? 'unknown' : source, 'failed')
        return response
      }
      if (result.status === 'already-processed') {
        metrics?.objectIngested(result.source ?? 'unknown', 'already_processed')
      }
      return jsonResponse(200, result)
    },
  }
}

function locationRoute(
  service: IngestionService,
  metrics: IngestRouteMetrics | undefined,
): AdminRoute {
  return {
    method: 'POST',
    path: INGEST_PATH,
    async handle(request: HttpRequest): Promise<HttpResponse> {
      const query = queryOf(request)
      if (query === undefined) return badRequest('request', 'The query string is malformed.')
      const location = query.get('location')
      if (location === undefined || !location.startsWith('s3://')) {
        return badRequest(
          'request',
          `location=s3://bucket/prefix names the objects to ingest from the server's object store; send a single object to ${INGEST_PATH}/<source>.`,
        )
      }
      const source = sourceParameter(query.get('source'))
      if (source instanceof Error) return badRequest('request', source.message)
      const maxText = query.get('maxObjects')
      if (maxText !== undefined && !/^[1-9]\d{0,5}$/.test(maxText)) {
        return badRequest('request', `maxObjects must be 1 to 999999; got '${maxText}'`)
      }
      const flowLogFormat = query.get('flowLogFormat')
      const cluster = query.get('cluster')
      let result: LocationResult
      try {
        result = await service.ingestLocation(location, {
          ...(source !== undefined ? { source } : {}),
          ...(flowLogFormat !== undefined && flowLogFormat !== '' ? { flowLogFormat } : {}),
          ...(cluster !== undefined && cluster !== '' ? { cluster } : {}),
          ...(maxText !== undefined ? { maxObjects: Number(maxText) } : {}),
        })
      } catch (error) {
        const response = clientError(error)
        if (response === undefined) throw error
        return response
      }
      for (let i = 0; i < result.alreadyProcessed; i++) {
        metrics?.objectIngested(source ?? 'unknown', 'already_processed')
      }
      for (const failure of result.failed) {
        metrics?.objectIngested(failure.detected ?? source ?? 'unknown', 'failed')
      }
      return jsonResponse(200, result)
    },
  }
}

function ledgerRoute(service: IngestionService): AdminRoute {
  return {
    method: 'POST',
    path: `${INGEST_PATH}/ledger`,
    async handle(request: HttpRequest): Promise<HttpResponse> {
      let parsed: unknown
      try {
        parsed = JSON.parse(Buffer.from(request.body).toString('utf8'))
      } catch {
        return badRequest('request', 'The body must be JSON: {"objects": [...]}.')
      }
      const objects = (parsed as { objects?: unknown } | null)?.objects
      if (!Array.isArray(objects) || objects.length > LEDGER_BATCH) {
        return badRequest(
          'request',
          `The body must be {"objects": [{"location", "size", "lastModified"}]} with at most ${LEDGER_BATCH} objects.`,
        )
      }
      const processed: boolean[] = []
      for (const [i, item] of objects.entries()) {
        const o = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>
        if (
          typeof o.location !== 'string' ||
          typeof o.size !== 'number' ||
          typeof o.lastModified !== 'number'
        ) {
          return badRequest(
            'request',
            `objects[${i}] must have a location (string), a size and a lastModified (numbers).`,
          )
        }
        processed.push(
          (await service.processed({
            location: o.location,
            size: o.size,
            lastModifiedMs: o.lastModified,
          })) !== undefined,
        )
      }
      return jsonResponse(200, { processed })
    },
  }
}

/** Every ingestion route. */
export function ingestRoutes(
  service: IngestionService,
  metrics?: IngestRouteMetrics,
): AdminRoute[] {
  return [
    ...[...LOG_SOURCES, 'auto' as const].map((source) => objectRoute(service, source, metrics)),
    locationRoute(service, metrics),
    ledgerRoute(service),
  ]
}
