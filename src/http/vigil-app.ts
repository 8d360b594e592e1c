/**
 * The transport-free front of Vigil: `/_vigil/` admin routes (health and metrics unsigned; the others signed with
 * SigV4 for the service name `vigil`, which names the caller's account and region), then SigV4
 * authentication, then the
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

/** The SigV4 service name of the signed `/_vigil/` routes. */
export const ADMIN_SIGNING_NAME = 'vigil'

/** Who called a signed admin route. */
export interface AdminCaller {
  readonly accountId: string
  readonly region: string
}

/** A signed `/_vigil/` route. */
export interface AdminRoute {
  readonly method: string
  /** The exact path, e.g. `/_vigil/guardduty/findings/import`. */
  readonly path: string
  /** Serves the request; client mistakes are answered as 4xx JSON errors, never thrown. */
  handle(request: HttpRequest, caller: AdminCaller): Promise<HttpResponse>
}

export interface VigilAppOptions {
  readonly verifier: SigV4Verifier
  /** Services by SigV4 signing name. */
  readonly services: ReadonlyMap<string, AnyService>
  readonly version: string
  /** Signed admin routes (the verifier must accept `ADMIN_SIGNING_NAME`). */
  readonly adminRoutes?: readonly AdminRoute[]
  /** The Prometheus exposition served unsigned at `GET /_vigil/metrics`. */
  readonly metrics?: () => Promise<{ contentType: string; text: string }>
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
    if (request.rawPath.startsWith('/_vigil/')) return this.#admin(request)
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

  async #admin(request: HttpRequest): Promise<AppResult> {
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
      return {
        response: jsonResponse(200, { status: 'ok', version: this.options.version, services }),
      }
    }
    if (request.rawPath === '/_vigil/metrics' && request.method === 'GET' && this.options.metrics) {
      const { contentType, text } = await this.options.metrics()
      return { response: { status: 200, headers: { 'content-type': contentType }, body: text } }
    }
    const routes = (this.options.adminRoutes ?? []).filter((r) => r.path === request.rawPath)
    const route = routes.find((r) => r.method === request.method)
    if (!route) {
      if (routes.length > 0)
        return {
          response: errorResponse(405, 'MethodNotAllowedException', {
            message: `${request.rawPath} takes ${routes.map((r) => r.method).join(', ')}, not ${request.method}`,
          }),
        }
      return {
        response: errorResponse(404, 'NotFoundException', {
          message: `No Vigil admin route ${request.method} ${request.rawPath}`,
        }),
      }
    }
    const auth = this.options.verifier.verify(request)
    if (!auth.ok) {
      const { code, status, message } = auth.error
      return { response: errorResponse(status, code, { message, __type: code }) }
    }
    if (auth.caller.service !== ADMIN_SIGNING_NAME) {
      const message = `Vigil admin routes are signed for the service '${ADMIN_SIGNING_NAME}', not '${auth.caller.service}'`
      return { response: errorResponse(400, 'InvalidSignatureException', { message }) }
    }
    const caller = { accountId: auth.caller.accountId, region: auth.caller.region }
    try {
      return {
        response: await route.handle(request, caller),
        service: ADMIN_SIGNING_NAME,
        accountId: caller.accountId,
      }
    } catch (failure) {
      return {
        response: errorResponse(500, 'InternalFailure', {
          message: 'Vigil failed to serve the request.',
        }),
        failure,
        accountId: caller.accountId,
      }
    }
  }
}
