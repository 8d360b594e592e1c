/**
 * Inspector ListFindingAggregations: the caller reads the aggregations of the findings it may read
 * (its own; a delegated administrator's associated members' too) — what each aggregation type counts,
 * filters and sorts is `domain/finding-aggregations.ts`.
 */
import type { Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { listFindingAggregations } from '../domain/finding-aggregations.js'
import type { InspectorFindingAccess } from '../domain/suppression.js'
import type * as i2 from '../generated/types.js'

export interface AggregationHandlerDeps {
  readonly storage: Storage
  readonly access: InspectorFindingAccess
}

/** The ListFindingAggregations handler. */
export function aggregationHandlers({ storage, access }: AggregationHandlerDeps) {
  return {
    async ListFindingAggregations(
      input: i2.ListFindingAggregationsRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListFindingAggregationsResponse> {
      return listFindingAggregations(storage, await access.readableScopes(scopeOf(ctx)), input)
    },
  }
}
