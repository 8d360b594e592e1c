/**
 * `POST /_vigil/guardduty/findings/import?detectorId=ID`: loads findings exported from AWS (any form
 * `finding-import.ts` accepts, as the request body) into one of the caller's detectors. Answers
 * `{"form", "imported", "problems": [{"line", "reason"}]}`; a record that is not a finding is reported
 * with its line and skipped, the others are stored. An unknown detector is a 400, a body that holds no
 * finding at all is a 400 that lists the problems.
 */
import type { HttpRequest, HttpResponse } from '../../protocol/http-message.js'
import { parseQuery } from '../../protocol/http-message.js'
import { errorResponse, jsonResponse } from '../../protocol/protocol-error.js'
import {
  findingsForDetector,
  parseFindingExport,
} from '../../services/guardduty/domain/finding-import.js'
import type { Storage } from '../../storage/ports.js'
import type { AdminCaller, AdminRoute } from '../vigil-app.js'

/** Findings written per transaction. */
const BATCH = 1_000

/**
 * @param onImported called with the number of findings stored by each request (for metrics)
 */
export function guardDutyImportRoute(
  storage: Storage,
  onImported?: (count: number) => void,
): AdminRoute {
  return {
    method: 'POST',
    path: '/_vigil/guardduty/findings/import',
    async handle(request: HttpRequest, caller: AdminCaller): Promise<HttpResponse> {
      let detectorId: string | undefined
      try {
        detectorId = parseQuery(request.rawQuery).get('detectorId')?.[0]
      } catch {
        // malformed percent-encoding: treated as missing
      }
      if (!detectorId)
        return errorResponse(400, 'BadRequestException', {
          message: 'The query parameter detectorId names the detector to import into.',
        })
      const scope = { accountId: caller.accountId, region: caller.region }
      if (!(await storage.detectors.get(scope, detectorId)))
        return errorResponse(400, 'BadRequestException', {
          message: `No detector ${detectorId} in account ${scope.accountId}, region ${scope.region}.`,
        })
      const parsed = parseFindingExport(Buffer.from(request.body).toString('utf8'))
      if (parsed.findings.length === 0 && parsed.problems.length > 0)
        return errorResponse(400, 'BadRequestException', {
          message: 'The body holds no valid GuardDuty finding.',
          problems: parsed.problems.slice(0, 100),
        })
      const stored = findingsForDetector(parsed, scope, detectorId)
      for (let i = 0; i < stored.length; i += BATCH)
        await storage.findings.upsert(stored.slice(i, i + BATCH))
      onImported?.(stored.length)
      return jsonResponse(200, {
        form: parsed.form,
        imported: stored.length,
        problems: parsed.problems,
      })
    },
  }
}
