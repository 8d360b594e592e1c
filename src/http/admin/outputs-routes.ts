/**
 * Signed admin routes of the outputs: `GET /_vigil/outputs/status` (every sink's cursors, backlog,
 * dead-letter count and last error, plus the oldest dead letters) and
 * `POST /_vigil/outputs/replay?sink=NAME[&id=N]` (delivers dead letters again; those delivered are
 * removed). Outputs are server-wide, so any signed caller may read them.
 */
import { parseQuery, type HttpRequest } from '../../protocol/http-message.js'
import { errorResponse, jsonResponse } from '../../protocol/protocol-error.js'
import type { EventDispatcher } from '../../outputs/dispatcher/event-dispatcher.js'
import type { OutputStateStore } from '../../storage/ports.js'
import type { AdminRoute } from '../vigil-app.js'

export function outputsRoutes(dispatcher: EventDispatcher, state: OutputStateStore): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/_vigil/outputs/status',
      async handle() {
        const letters = await state.deadLetters(undefined, 20)
        return jsonResponse(200, {
          sinks: await dispatcher.status(),
          deadLetters: letters.map((l) => ({
            id: l.id,
            sink: l.output,
            eventId: l.eventId,
            error: l.error,
            attempts: l.attempts,
            failedAt: new Date(l.failedAtMs).toISOString(),
          })),
        })
      },
    },
    {
      method: 'POST',
      path: '/_vigil/outputs/replay',
      async handle(request: HttpRequest) {
        let query: Map<string, string[]>
        try {
          query = parseQuery(request.rawQuery)
        } catch {
          query = new Map()
        }
        const sink = query.get('sink')?.[0]
        const idText = query.get('id')?.[0]
        if (!sink)
          return errorResponse(400, 'BadRequestException', {
            message: 'The query parameter sink names the sink whose dead letters to replay.',
          })
        if (idText !== undefined && !/^\d+$/.test(idText))
          return errorResponse(400, 'BadRequestException', {
            message: `The query parameter id must be a dead letter's number, not '${idText}'.`,
          })
        const known = (await dispatcher.status()).some((s) => s.name === sink)
        if (!known)
          return errorResponse(404, 'NotFoundException', { message: `No sink named ${sink}.` })
        return jsonResponse(
          200,
          await dispatcher.replay(sink, idText === undefined ? undefined : Number(idText)),
        )
      },
    },
  ]
}
