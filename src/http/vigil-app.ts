/**
 * The transport-free front of Vigil: `/_vigil/` admin routes, then SigV4 authentication, then the
 * service named by the credential scope (`guardduty` or `inspector2` — both models define
 * `/tags/{resourceArn}`, so the scope, not the path, picks the model), then that service's pipeline.
 * Returns the response plus the facts the access log records.
 */
import type { SigV4Verifier } from '../auth/sigv4.js'
import type { HttpRequest, HttpResponse } from '../protocol/http-message.js'
import { errorResponse, jsonResponse } from '../protocol/protocol-error.js'
import type { RestJsonService } from '../protocol/rest-json-service.js'
import type { ServiceContext } from '../services/service-context.js'

/** A service pipeline, whatever its operation map. */
export type AnyService = Pick<
  RestJsonService<never, ServiceContext>,
  'handle' | 'schema' | 'implementedOperations'
>

export interface VigilAppOptions {
  readonly verifier: SigV4Verifier
  /** Services by SigV4 signing name. */
  readonly services: ReadonlyMap<string, AnyService>
  readonly version: string
}

export interface AppResult {
  readonly response: HttpResponse
  readonly service?: string
  readonly operation?: string
  readonly accountId?: string
  /** An unexpected error that became a 500. */
  readonly failure?: unknown
}

export class VigilApp {
  constructor(private readonly options: VigilAppOptions) {}

  /** Serves one request. Never throws. */
  async handle(request: HttpRequest, requestId: string): Promise<AppResult> {
    if (request.rawPath.startsWith('/_vigil/')) return { response: this.#admin(request) }
    const auth = this.options.verifier.verify(request)
    if (!auth.ok) {
      const { code, status, message } = auth.error
      return { response: errorResponse(status, code, { message, __type: code }) }
    }
    const caller = auth.caller
    const service = this.options.services.get(caller.service)
    if (!service) {
      const message = `Vigil serves no service named '${caller.service}'`
      return {
        response: errorResponse(400, 'UnknownServiceException', { message }),
        accountId: caller.accountId,
      }
    }
    const ctx: ServiceContext = {
      requestId,
      accountId: caller.accountId,
      region: caller.region,
      accessKeyId: caller.accessKeyId,
    }
    const result = await service.handle(request, ctx)
    return { ...result, service: caller.service, accountId: caller.accountId }
  }

  #admin(request: HttpRequest): HttpResponse {
    if (
      request.rawPath === '/_vigil/health' &&
      (request.method === 'GET' || request.method === 'HEAD')
    ) {
      const services: Record<string, unknown> = {}
      for (const [name, svc] of this.options.services)
        services[name] = {
          apiVersion: svc.schema.version,
          operations: Object.keys(svc.schema.operations).length,
          implemented: svc.implementedOperations().length,
        }
      return jsonResponse(200, { status: 'ok', version: this.options.version, services })
    }
    return errorResponse(404, 'NotFoundException', {
      message: `No Vigil admin route ${request.method} ${request.rawPath}`,
    })
  }
}
