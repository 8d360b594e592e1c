/**
 * The GuardDuty service (API 2017-11-28): the generated model table, the handlers implemented so far,
 * and GuardDuty's way of reporting bad requests. Operations without a handler answer 501.
 */
import type { Clock } from '../../core/clock.js'
import { RestJsonService } from '../../protocol/rest-json-service.js'
import type { Storage } from '../../storage/ports.js'
import type { ServiceContext } from '../service-context.js'
import { schema } from './generated/schema.js'
import type { GuardDutyOperations } from './generated/types.js'
import {
  guardDutyErrorBody,
  guardDutyInternalError,
  guardDutyRequestError,
} from './guardduty-errors.js'
import { detectorHandlers } from './handlers/detectors.js'
import { filterHandlers } from './handlers/filters.js'
import { tagHandlers } from './handlers/tags.js'

export interface GuardDutyServiceDeps {
  readonly storage: Storage
  readonly clock: Clock
}

export type GuardDutyService = RestJsonService<GuardDutyOperations, ServiceContext>

/** Builds the GuardDuty service over the given storage and clock. */
export function createGuardDutyService(deps: GuardDutyServiceDeps): GuardDutyService {
  return new RestJsonService<GuardDutyOperations, ServiceContext>({
    schema,
    handlers: { ...detectorHandlers(deps), ...filterHandlers(deps), ...tagHandlers(deps) },
    requestError: guardDutyRequestError,
    internalError: guardDutyInternalError,
    errorBody: guardDutyErrorBody,
  })
}
