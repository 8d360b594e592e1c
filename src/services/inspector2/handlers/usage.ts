/**
 * Inspector ListUsageTotals: the usage Vigil's scanner recorded (`domain/usage.ts`) over the last 30
 * days, one `UsageTotal` per account with an entry for every usage type (`estimatedMonthlyCost` 0,
 * currency USD: Vigil charges nothing). Without `accountIds` it lists the caller and, for a delegated
 * administrator, its associated members; `accountIds` narrows that, and naming any other account is an
 * `AccessDeniedException`. Accounts are listed in id order, in pages (default 100).
 */
import type { Clock } from '../../../core/clock.js'
import type { Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import type { InspectorFindingAccess } from '../domain/suppression.js'
import { usageTotals } from '../domain/usage.js'
import { AccessDeniedException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { scopeOfAccount } from './organization-state.js'
import { sortedPage } from './pages.js'

export interface UsageHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly access: InspectorFindingAccess
}

/** Accounts per page when `maxResults` is absent. */
const DEFAULT_PAGE = 100

/** ListUsageTotals. */
export function usageHandlers({ storage, clock, access }: UsageHandlerDeps) {
  return {
    async ListUsageTotals(
      input: i2.ListUsageTotalsRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListUsageTotalsResponse> {
      const own = scopeOf(ctx)
      const readable = new Set((await access.readableScopes(own)).map((s) => s.accountId))
      const requested = (input.accountIds ? [...new Set(input.accountIds)] : [...readable]).sort()
      const foreign = requested.find((id) => !readable.has(id))
      if (foreign !== undefined)
        throw new AccessDeniedException(
          `Account ${ctx.accountId} may not read the usage of account ${foreign}: it is neither the caller nor one of its associated members.`,
        )
      const page = sortedPage(
        requested,
        (id) => id,
        ['ListUsageTotals', own, requested],
        input.maxResults,
        input.nextToken,
        DEFAULT_PAGE,
      )
      const now = clock.now()
      const totals: i2.UsageTotal[] = []
      for (const accountId of page.items)
        totals.push({
          accountId,
          usage: await usageTotals(storage, scopeOfAccount(own, accountId), now),
        })
      return { totals, ...(page.nextToken ? { nextToken: page.nextToken } : {}) }
    },
  }
}
