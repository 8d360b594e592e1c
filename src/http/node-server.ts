/**
 * The node:http adapter: accepts connections, reads each request body up to a size cap (413 beyond it),
 * turns the request into a transport-free `HttpRequest`, lets the app answer, writes the response with
 * `x-amzn-RequestId` and `content-length`, and logs one access-log line per request (request id,
 * service, operation, account, status, milliseconds). Malformed HTTP gets a JSON 400, never HTML.
 * `close()` stops accepting, lets in-flight requests finish and closes idle keep-alive sockets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { newRequestId } from '../core/ids.js'
import type { Logger } from '../core/logger.js'
import type { HttpRequest, HttpResponse } from '../protocol/http-message.js'
import { errorResponse } from '../protocol/protocol-error.js'
import type { AppResult, VigilApp } from './vigil-app.js'

export interface HttpServerOptions {
  readonly host: string
  /** TCP port; 0 picks a free one. */
  readonly port: number
  /** Largest accepted request body, bytes. */
  readonly maxBodyBytes: number
  /** A different body limit for some paths (bytes), e.g. log uploads; `maxBodyBytes` otherwise. */
  readonly bodyLimit?: (path: string) => number | undefined
  readonly app: VigilApp
  readonly logger: Logger
  /** Called once per served request (for metrics). */
  readonly onRequest?: (facts: {
    service?: string | undefined
    operation?: string | undefined
    status: number
    seconds: number
  }) => void
}

export interface RunningHttpServer {
  readonly server: Server
  /** `http://host:port` */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

class BodyTooLarge extends Error {}

const EMPTY = Buffer.alloc(0)

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0')
  if (declared > max) return Promise.reject(new BodyTooLarge())
  if (declared === 0 && req.headers['transfer-encoding'] === undefined) {
    req.resume()
    return Promise.resolve(EMPTY)
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > max) {
        reject(new BodyTooLarge())
        req.pause()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    )
    req.on('error', reject)
  })
}

function writeResponse(res: ServerResponse, response: HttpResponse, requestId: string): void {
  const body = response.body
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
  res.writeHead(response.status, {
    ...response.headers,
    'x-amzn-requestid': requestId,
    'content-length': String(length),
  })
  res.end(body)
}

/** Starts listening; resolves once the port is bound. */
export function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { app, logger, maxBodyBytes } = options

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now()
    const requestId = newRequestId()
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const limit = options.bodyLimit?.(q < 0 ? url : url.slice(0, q)) ?? maxBodyBytes
    let result: AppResult
    try {
      const body = await readBody(req, limit)
      const request: HttpRequest = {
        method: req.method ?? 'GET',
        rawPath: q < 0 ? url : url.slice(0, q),
        rawQuery: q < 0 ? '' : url.slice(q + 1),
        headers: req.headersDistinct,
        body,
      }
      result = await app.handle(request, requestId)
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        result = {
          response: errorResponse(413, 'RequestEntityTooLargeException', {
            message: `The request body exceeds the limit of ${limit} bytes`,
          }),
        }
        res.setHeader('connection', 'close')
      } else {
        result = {
          response: errorResponse(500, 'InternalFailure', { message: 'Internal error' }),
          failure: error,
        }
      }
    }
    writeResponse(res, result.response, requestId)
    const fields = {
      requestId,
      method: req.method,
      path: q < 0 ? url : url.slice(0, q),
      service: result.service,
      operation: result.operation,
      account: result.accountId,
      status: result.response.status,
      ms: Math.round((performance.now() - started) * 1000) / 1000,
    }
    if (result.failure !== undefined)
      logger.error({ ...fields, err: result.failure }, 'request failed')
    else logger.info(fields, 'request')
    options.onRequest?.({
      service: result.service,
      operation: result.operation,
      status: result.response.status,
      seconds: (performance.now() - started) / 1000,
    })
  }

  const server = createServer(
    { requestTimeout: 60_000, headersTimeout: 30_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      void serve(req, res)
    },
  )
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy()
    const body = JSON.stringify({ message: `Malformed HTTP request: ${err.code ?? err.message}` })
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nx-amzn-errortype: BadRequest\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    )
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      const host = options.host.includes(':') ? `[${options.host}]` : options.host
      resolve({
        server,
        port,
        url: `http://${host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeIdleConnections()
          }),
      })
    })
  })
}
