/**
 * The GuardDuty service (API 2017-11-28): the generated model table, the handlers implemented so far,
 * and GuardDuty's way of reporting bad requests. Operations without a handler answer 501.
 */
import type { Clock } from '../../core/clock.js'
import { RestJsonService, type OperationHandlers } from '../../protocol/rest-json-service.js'
import type { ObjectStore } from '../../outputs/object-store/object-store.js'
import type { Storage } from '../../storage/ports.js'
import type { ServiceContext } from '../service-context.js'
import type { Organizations } from './domain/organizations.js'
import type { ThreatListRegistry } from './domain/threat-list-registry.js'
import { schema } from './generated/schema.js'
import type { GuardDutyOperations } from './generated/types.js'
import {
  guardDutyErrorBody,
  guardDutyInternalError,
  guardDutyRequestError,
} from './guardduty-errors.js'
import { detectorHandlers } from './handlers/detectors.js'
import { coverageUsageHandlers } from './handlers/coverage-usage.js'
import { filterHandlers } from './handlers/filters.js'
import { findingHandlers } from './handlers/findings.js'
import { malwareProtectionHandlers } from './handlers/malware-protection.js'
import { memberHandlers } from './handlers/members.js'
import { organizationHandlers } from './handlers/organizations.js'
import { publishingDestinationHandlers } from './handlers/publishing-destinations.js'
import { sampleFindingHandlers } from './handlers/sample-findings.js'
import { tagHandlers } from './handlers/tags.js'
import { threatListHandlers } from './handlers/threat-lists.js'

export interface GuardDutyServiceDeps {
  readonly storage: Storage
  readonly clock: Clock
  /** Where list files are read from. */
  readonly objectStore: ObjectStore
  readonly threatLists: ThreatListRegistry
  /** Duration of lists' ACTIVATING/DEACTIVATING states, milliseconds. */
  readonly listTransitionMs: number
  readonly organizations: Organizations
}

export type GuardDutyService = RestJsonService<GuardDutyOperations, ServiceContext>

/** Builds the GuardDuty service over the given storage and clock. */
export function createGuardDutyService(deps: GuardDutyServiceDeps): GuardDutyService {
  return new RestJsonService<GuardDutyOperations, ServiceContext>({
    schema,
    handlers: {
      ...detectorHandlers(deps),
      ...filterHandlers(deps),
      ...tagHandlers(deps),
      ...memberHandlers(deps),
      ...organizationHandlers(deps),
      ...malwareProtectionHandlers(deps),
      ...coverageUsageHandlers(deps),
      ...findingHandlers(deps),
      ...sampleFindingHandlers(deps),
      ...publishingDestinationHandlers(deps),
      ...(threatListHandlers({ ...deps, transitionMs: deps.listTransitionMs }) as OperationHandlers<
        GuardDutyOperations,
        ServiceContext
      >),
    },
    requestError: guardDutyRequestError,
    internalError: guardDutyInternalError,
    errorBody: guardDutyErrorBody,
  })
}
