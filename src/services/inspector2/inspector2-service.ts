/**
 * The Inspector service (API 2020-06-08): the generated model table, the handlers implemented so far, and
 * Inspector's `ValidationException` for bad requests. Operations without a handler answer 501.
 */
import type { Clock } from '../../core/clock.js'
import { RestJsonService } from '../../protocol/rest-json-service.js'
import type { Storage } from '../../storage/ports.js'
import type { ServiceContext } from '../service-context.js'
import { schema } from './generated/schema.js'
import type { Inspector2Operations } from './generated/types.js'
import { accountStatusHandlers } from './handlers/account-status.js'
import { inspectorInternalError, inspectorRequestError } from './inspector2-errors.js'

export interface Inspector2ServiceDeps {
  readonly storage: Storage
  readonly clock: Clock
  /** Duration of the ENABLING/DISABLING states, milliseconds. */
  readonly transitionMs: number
}

export type Inspector2Service = RestJsonService<Inspector2Operations, ServiceContext>

/** Builds the Inspector service over the given storage and clock. */
export function createInspector2Service(deps: Inspector2ServiceDeps): Inspector2Service {
  return new RestJsonService<Inspector2Operations, ServiceContext>({
    schema,
    handlers: { ...accountStatusHandlers(deps) },
    requestError: inspectorRequestError,
    internalError: inspectorInternalError,
  })
}
