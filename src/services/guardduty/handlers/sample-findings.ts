/**
 * GuardDuty `CreateSampleFindings`: sample findings of the requested finding types — of every type of
 * the catalog when `findingTypes` is absent or empty — created in the caller's detector through the
 * finding aggregator, so they are stored, listed, filtered, archived and suppressed like any finding. Each
 * type has one sample finding per detector (aggregation key `sample:<type>`): creating samples again
 * updates it, adding to `service.count`, rather than adding a copy. An unknown type rejects the whole
 * request before anything is created. A disabled detector records nothing, as for all activity.
 */
import type { Clock } from '../../../core/clock.js'
import type { Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { FindingAggregator } from '../domain/finding-aggregator.js'
import type { Organizations } from '../domain/organizations.js'
import { FINDING_CATALOG } from '../domain/sample-findings/finding-catalog.js'
import { sampleAggregationKey, sampleFinding } from '../domain/sample-findings/sample-finding.js'
import type * as gd from '../generated/types.js'
import { invalidInput } from '../guardduty-errors.js'
import { requireDetector } from './detectors.js'

export interface SampleFindingHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: Organizations
}

/** The `CreateSampleFindings` handler. */
export function sampleFindingHandlers({ storage, clock, organizations }: SampleFindingHandlerDeps) {
  const aggregator = new FindingAggregator(storage, clock, organizations.membership)
  return {
    async CreateSampleFindings(
      input: gd.CreateSampleFindingsRequest,
      ctx: ServiceContext,
    ): Promise<gd.CreateSampleFindingsResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const requested = input.FindingTypes?.length
        ? [...new Set(input.FindingTypes)]
        : [...FINDING_CATALOG.keys()]
      const unknown = requested.filter((type) => !FINDING_CATALOG.has(type))
      if (unknown.length > 0)
        throw invalidInput(
          `The request is rejected because the following finding types are not supported: ${unknown.join(', ')}.`,
        )
      const scope = scopeOf(ctx)
      const now = clock.now()
      for (const type of requested)
        await aggregator.record({
          scope,
          aggregationKey: sampleAggregationKey(type),
          finding: sampleFinding(type, scope),
          eventTimeMs: now,
        })
      return {}
    },
  }
}
