/**
 * The restJson1 pipeline of one service: route → bind input → validate → call the handler → serialize
 * the output or the error. It is driven only by the generated service table and knows no service: the
 * service supplies its handlers and how its own modeled errors express a malformed or invalid request.
 * Phases and the errors each can raise are drawn in `docs/request-lifecycle.md`.
 */
import { headerValue, parseQuery, type HttpRequest, type HttpResponse } from './http-message.js'
import { ModeledError } from './modeled-error.js'
import {
  errorResponse,
  jsonResponse,
  ProtocolError,
  protocolErrorResponse,
} from './protocol-error.js'
import { MalformedRequestError, readInput } from './read-input.js'
import { Router } from './router.js'
import type { ServiceSchema } from './schema.js'
import type { Violation } from './validate.js'
import { writeError, writeStructure } from './write-output.js'

/** Operation map shape as generated in `types.ts`. */
export type OperationMap<Ops> = { [K in keyof Ops]: { input: unknown; output: unknown } }

/** One async-or-sync function per implemented operation; absent operations answer 501. */
export type OperationHandlers<Ops extends OperationMap<Ops>, Ctx> = {
  [K in keyof Ops]?: (
    input: Ops[K]['input'],
    ctx: Ctx,
  ) => Ops[K]['output'] | Promise<Ops[K]['output']>
}

/** What was wrong with a request before its handler ran. */
export type RequestProblem =
  | { readonly kind: 'malformed'; readonly message: string }
  | { readonly kind: 'invalid'; readonly violations: readonly Violation[] }

export interface RestJsonServiceOptions<Ops extends OperationMap<Ops>, Ctx> {
  readonly schema: ServiceSchema
  readonly handlers: OperationHandlers<Ops, Ctx>
  /** The service's modeled error for a malformed or invalid request (status 400). */
  readonly requestError: (problem: RequestProblem) => ModeledError
  /** The service's modeled error for an unexpected failure (status 500). */
  readonly internalError: () => ModeledError
  /**
   * Adjusts an encoded error body before it is sent, for wire facts the model cannot express (GuardDuty
   * sends its error `Type` under both `__type` and `type`: older and newer models disagree on the name).
   */
  readonly errorBody?: (body: Record<string, unknown>) => Record<string, unknown>
}

export interface HandleResult {
  readonly response: HttpResponse
  /** The operation the request was routed to, if any. */
  readonly operation?: string
  /** An unexpected error turned into a 500; for logging. */
  readonly failure?: unknown
}

const JSON_MEDIA = /^application\/(?:[\w.+-]*\+)?(?:x-amz-)?json(?:-1\.[01])?\s*(?:;|$)/i

export class RestJsonService<Ops extends OperationMap<Ops>, Ctx> {
  readonly schema: ServiceSchema
  readonly #router: Router
  readonly #options: RestJsonServiceOptions<Ops, Ctx>

  constructor(options: RestJsonServiceOptions<Ops, Ctx>) {
    this.schema = options.schema
    this.#options = options
    this.#router = new Router(Object.values(options.schema.operations))
  }

  /** Names of the operations that have a handler. */
  implementedOperations(): string[] {
    return Object.keys(this.schema.operations).filter(
      (name) => typeof (this.#options.handlers as Record<string, unknown>)[name] === 'function',
    )
  }

  /** Serves one request whose caller has already been authenticated. Never throws. */
  async handle(request: HttpRequest, ctx: Ctx): Promise<HandleResult> {
    let operationName: string | undefined
    try {
      let query: Map<string, string[]>
      let match
      try {
        query = parseQuery(request.rawQuery)
        match = this.#router.match(request.method, request.rawPath, query)
      } catch (cause) {
        if (cause instanceof URIError)
          throw new ProtocolError(
            400,
            'SerializationException',
            'The request URI has invalid percent-encoding',
          )
        throw cause
      }
      if (!match)
        throw new ProtocolError(
          404,
          'UnknownOperationException',
          `No ${this.schema.sdkId} operation matches ${request.method} ${request.rawPath}`,
        )
      const operation = match.operation
      operationName = operation.name
      if (request.body.byteLength > 0) {
        const contentType = headerValue(request, 'content-type')
        if (contentType !== undefined && !JSON_MEDIA.test(contentType))
          throw new ProtocolError(
            415,
            'UnsupportedMediaTypeException',
            `Content-Type '${contentType}' is not supported; send application/json`,
          )
      }
      let result
      try {
        result = readInput(this.schema, operation, request, match.labels, query)
      } catch (cause) {
        if (cause instanceof MalformedRequestError)
          throw this.#options.requestError({ kind: 'malformed', message: cause.message })
        throw cause
      }
      if (result.violations.length > 0)
        throw this.#options.requestError({ kind: 'invalid', violations: result.violations })
      const handler = (this.#options.handlers as Record<string, unknown>)[operation.name] as
        ((input: unknown, ctx: Ctx) => unknown) | undefined
      if (!handler)
        throw new ProtocolError(
          501,
          'NotImplementedException',
          `Vigil does not implement the ${this.schema.sdkId} operation ${operation.name} yet`,
        )
      const output = (await handler(result.input, ctx)) ?? {}
      if (!operation.output)
        return { response: jsonResponse(operation.code, {}), operation: operationName }
      const encoded = writeStructure(this.schema, operation.output, output)
      return {
        response: jsonResponse(operation.code, encoded.body, encoded.headers),
        operation: operationName,
      }
    } catch (error) {
      return this.#errorResult(error, operationName)
    }
  }

  #errorResult(error: unknown, operation: string | undefined): HandleResult {
    if (error instanceof ProtocolError)
      return { response: protocolErrorResponse(error), ...(operation ? { operation } : {}) }
    const modeled = error instanceof ModeledError ? error : this.#options.internalError()
    const encoded = writeError(this.schema, modeled)
    const body = this.#options.errorBody ? this.#options.errorBody(encoded.body) : encoded.body
    return {
      response: errorResponse(modeled.info.status, modeled.info.shape, body, encoded.headers),
      ...(operation ? { operation } : {}),
      ...(modeled === error ? {} : { failure: error }),
    }
  }
}
