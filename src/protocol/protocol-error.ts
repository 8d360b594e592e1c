/**
 * Errors of the protocol itself, raised before a handler runs and not modeled by any service: unknown
 * route (404 `UnknownOperationException`), unsupported content type (415), body too large (413),
 * operation without a handler (501 `NotImplementedException`), and authentication failures. Each is
 * written the restJson1 way: `X-Amzn-ErrorType` plus a JSON body with `message` and `__type`.
 */
import type { HttpResponse } from './http-message.js'

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  /**
   * @param status HTTP status to answer with
   * @param type error name sent as `X-Amzn-ErrorType` and `__type`
   */
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message)
  }
}

/** A JSON response with the given status and body object. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: status === 204 ? '' : JSON.stringify(body),
  }
}

/** The restJson1 error response for an error name and message. */
export function errorResponse(
  status: number,
  type: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): HttpResponse {
  return jsonResponse(status, body, { 'x-amzn-errortype': type, ...headers })
}

/** The response for a `ProtocolError`. */
export function protocolErrorResponse(error: ProtocolError): HttpResponse {
  return errorResponse(error.status, error.type, { message: error.message, __type: error.type })
}
