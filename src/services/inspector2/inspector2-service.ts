/**
 * The Inspector service (API 2020-06-08): the generated model table, the handlers implemented so far, and
 * Inspector's `ValidationException` for bad requests. Operations without a handler answer 501.
 * Organization operations look accounts up in the account directory shared with GuardDuty.
 */
import type { AccountDirectory } from '../../auth/account-directory.js'
import type { Clock } from '../../core/clock.js'
import type { ObjectStore } from '../../outputs/object-store/object-store.js'
import { RestJsonService } from '../../protocol/rest-json-service.js'
import type { Storage } from '../../storage/ports.js'
import type { ServiceContext } from '../service-context.js'
import { schema } from './generated/schema.js'
import type { Inspector2Operations } from './generated/types.js'
import { accountInfoHandlers } from './handlers/account-info.js'
import { aggregationHandlers } from './handlers/aggregations.js'
import { accountEnablement, accountStatusHandlers } from './handlers/account-status.js'
import { cisHandlers } from './handlers/cis.js'
import { codeSecurityHandlers } from './handlers/code-security.js'
import { configurationHandlers } from './handlers/configuration.js'
import { coverageHandlers } from './handlers/coverage.js'
import { deepInspectionHandlers } from './handlers/deep-inspection.js'
import { delegatedAdminHandlers } from './handlers/delegated-admin.js'
import { encryptionKeyHandlers } from './handlers/encryption-key.js'
import { filterHandlers } from './handlers/filters.js'
import { findingDetailHandlers } from './handlers/finding-details.js'
import { findingHandlers } from './handlers/findings.js'
import { memberHandlers } from './handlers/members.js'
import { InspectorOrganizations } from './handlers/organization-state.js'
import { reportHandlers } from './handlers/reports.js'
import { InspectorFindingAccess } from './domain/suppression.js'
import { tagHandlers } from './handlers/tags.js'
import { usageHandlers } from './handlers/usage.js'
import { inspectorInternalError, inspectorRequestError } from './inspector2-errors.js'

export interface Inspector2ServiceDeps {
  readonly storage: Storage
  readonly clock: Clock
  /** Duration of the ENABLING/DISABLING states, milliseconds. */
  readonly transitionMs: number
  /** Organizations and their management accounts. */
  readonly directory: AccountDirectory
  /** Where findings reports are written. */
  readonly objectStore: ObjectStore
}

export type Inspector2Service = RestJsonService<Inspector2Operations, ServiceContext>

/** Builds the Inspector service over the given storage and clock. */
export function createInspector2Service(deps: Inspector2ServiceDeps): Inspector2Service {
  const organizations = new InspectorOrganizations(deps.storage, deps.directory)
  const shared = { ...deps, organizations }
  return new RestJsonService<Inspector2Operations, ServiceContext>({
    schema,
    handlers: {
      ...accountStatusHandlers(shared),
      ...delegatedAdminHandlers(shared),
      ...memberHandlers({ ...shared, enablement: accountEnablement(deps) }),
      ...configurationHandlers(deps),
      ...deepInspectionHandlers(shared),
      ...encryptionKeyHandlers(deps),
      ...accountInfoHandlers(shared),
      ...tagHandlers(deps),
      ...findingHandlers({
        ...deps,
        access: new InspectorFindingAccess(deps.storage, organizations, deps.clock),
      }),
      ...filterHandlers({
        ...deps,
        access: new InspectorFindingAccess(deps.storage, organizations, deps.clock),
      }),
      ...cisHandlers(shared),
      ...codeSecurityHandlers(shared),
      ...aggregationHandlers({
        ...deps,
        access: new InspectorFindingAccess(deps.storage, organizations, deps.clock),
      }),
      ...coverageHandlers({
        ...deps,
        access: new InspectorFindingAccess(deps.storage, organizations, deps.clock),
      }),
      ...usageHandlers({
        ...deps,
        access: new InspectorFindingAccess(deps.storage, organizations, deps.clock),
      }),
      ...reportHandlers({
        ...deps,
        access: new InspectorFindingAccess(deps.storage, organizations, deps.clock),
      }),
      ...findingDetailHandlers({
        ...deps,
        access: new InspectorFindingAccess(deps.storage, organizations, deps.clock),
      }),
    },
    requestError: inspectorRequestError,
    internalError: inspectorInternalError,
  })
}
