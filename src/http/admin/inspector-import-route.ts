/**
 * `POST /_vigil/inspector2/findings/import`: loads Inspector findings exported from AWS (any form
 * `finding-import.ts` accepts, as the request body) for the caller. A finding is stored in its own
 * account's scope when that account is the caller's or one of the caller's associated members (the
 * caller being their delegated administrator) and its ARN's region is the caller's; the caller's
 * suppression rules (and its administrator's) set its status, and the resources the findings name are
 * registered in Inspector's coverage (`domain/coverage.ts`). Answers `{"form", "imported",
 * "problems": [{"line", "reason"}]}`: a record that cannot be imported is reported with its line and
 * skipped, the others are stored. A body that holds no finding at all is a 400 that lists the problems.
 */
import type { AccountDirectory } from '../../auth/account-directory.js'
import type { Clock } from '../../core/clock.js'
import type { HttpRequest, HttpResponse } from '../../protocol/http-message.js'
import { errorResponse, jsonResponse } from '../../protocol/protocol-error.js'
import { registerFindingResources } from '../../services/inspector2/domain/coverage.js'
import {
  parseInspectorExport,
  placeFindings,
} from '../../services/inspector2/domain/finding-import.js'
import { InspectorFindingAccess } from '../../services/inspector2/domain/suppression.js'
import { InspectorOrganizations } from '../../services/inspector2/handlers/organization-state.js'
import type { Storage } from '../../storage/ports.js'
import type { AdminCaller, AdminRoute } from '../vigil-app.js'

/** Findings written per transaction. */
const BATCH = 1_000

export interface InspectorImportDeps {
  readonly storage: Storage
  readonly directory: AccountDirectory
  readonly clock: Clock
}

export function inspectorImportRoute({
  storage,
  directory,
  clock,
}: InspectorImportDeps): AdminRoute {
  const access = new InspectorFindingAccess(
    storage,
    new InspectorOrganizations(storage, directory),
    clock,
  )
  return {
    method: 'POST',
    path: '/_vigil/inspector2/findings/import',
    async handle(request: HttpRequest, caller: AdminCaller): Promise<HttpResponse> {
      const parsed = parseInspectorExport(Buffer.from(request.body).toString('utf8'))
      if (parsed.findings.length === 0 && parsed.problems.length > 0)
        return errorResponse(400, 'BadRequestException', {
          message: 'The body holds no valid Inspector finding.',
          problems: parsed.problems.slice(0, 100),
        })
      const readable = await access.readableScopes({
        accountId: caller.accountId,
        region: caller.region,
      })
      const placed = placeFindings(parsed, readable)
      const stored = await access.applyAll(placed.findings)
      for (let i = 0; i < stored.length; i += BATCH) {
        await storage.inspectorFindings.upsert(stored.slice(i, i + BATCH))
        await registerFindingResources(storage, stored.slice(i, i + BATCH), clock.now())
      }
      return jsonResponse(200, {
        form: parsed.form,
        imported: stored.length,
        problems: [...parsed.problems, ...placed.problems].sort((a, b) => a.line - b.line),
      })
    },
  }
}
