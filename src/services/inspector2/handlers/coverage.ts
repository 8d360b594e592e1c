/**
 * Inspector ListCoverage and ListCoverageStatistics over the coverage registry (`domain/coverage.ts`).
 * The caller sees the resources of its own account and, as a delegated administrator, those of its
 * associated members. Each resource's scan status is computed from its owner's current enablement of
 * the resource type, then `filterCriteria` is applied (so `scanStatusCode` / `scanStatusReason`
 * filters see the status the answer shows).
 *
 * ListCoverage lists by owner account, then (resource type, scan type, resource id), in keyset pages
 * whose tokens are bound to the query (default page: 100). ListCoverageStatistics counts the matching
 * resources (`totalCounts`) and, with `groupBy`, per group value: `groupKey` holds the group's value
 * (`ACTIVE`, `AWS_EC2_INSTANCE`, an account id, a repository name, ...); a resource without a value for
 * the grouping (an EC2 instance under ECR_REPOSITORY_NAME) counts in the total only. Groups are listed
 * in value order, 100 per page.
 */
import type { Clock } from '../../../core/clock.js'
import type { ResourceRecord, Scope, Storage } from '../../../storage/ports.js'
import type { FilterNode } from '../../../storage/query/criteria-ast.js'
import { decodePageToken, encodePageToken, queryFingerprint } from '../../page-token.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import {
  type CoverageBody,
  coverageMatches,
  coverageRecords,
  coveredResourceWire,
  decodeCoveredResource,
  enablementKey,
  groupValue,
  parseCoverageCriteria,
} from '../domain/coverage.js'
import type { InspectorFindingAccess } from '../domain/suppression.js'
import type * as i2 from '../generated/types.js'
import { accountEnablement } from './account-status.js'
import { invalidNextToken, sortedPage } from './pages.js'

export interface CoverageHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  /** Duration of the ENABLING/DISABLING states, milliseconds. */
  readonly transitionMs: number
  readonly access: InspectorFindingAccess
}

/** ListCoverage's page size when `maxResults` is absent. */
const DEFAULT_PAGE = 100
/** Groups per ListCoverageStatistics page. */
const GROUPS_PER_PAGE = 100

type Wire = Readonly<Record<string, unknown>>

/** ListCoverage and ListCoverageStatistics. */
export function coverageHandlers(deps: CoverageHandlerDeps) {
  const { storage, access } = deps
  const enablement = accountEnablement(deps)

  /** The caller's readable scopes in account order. */
  async function scopesOf(ctx: ServiceContext): Promise<Scope[]> {
    const scopes = await access.readableScopes(scopeOf(ctx))
    return [...scopes].sort((a, b) => (a.accountId < b.accountId ? -1 : 1))
  }

  /**
   * The covered resources of `scopes` matching `filter`, in wire form, with their records, from the
   * position after `after`.
   */
  async function* matching(
    scopes: readonly Scope[],
    filter: FilterNode,
    after?: { accountId: string; id: string },
  ): AsyncGenerator<{ record: ResourceRecord<CoverageBody>; wire: Wire }> {
    const states = new Map<string, i2.ResourceState>()
    for await (const record of coverageRecords(storage, scopes, after)) {
      let state = states.get(record.scope.accountId)
      if (!state) {
        state = (await enablement.state(record.scope)).resourceState
        states.set(record.scope.accountId, state)
      }
      const key = enablementKey(record.body.resourceType, record.body.scanType)
      const wire = coveredResourceWire(record, state[key]?.status ?? 'DISABLED')
      if (coverageMatches(filter, wire)) yield { record, wire }
    }
  }

  /** The position a ListCoverage token holds. */
  function position(token: string, fingerprint: string): { accountId: string; id: string } {
    const key = decodePageToken(token, fingerprint)?.key as { a?: unknown; k?: unknown } | undefined
    if (!key || typeof key.a !== 'string' || typeof key.k !== 'string') throw invalidNextToken()
    return { accountId: key.a, id: key.k }
  }

  return {
    async ListCoverage(
      input: i2.ListCoverageRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListCoverageResponse> {
      const filter = parseCoverageCriteria(input.filterCriteria)
      const scopes = await scopesOf(ctx)
      const fingerprint = queryFingerprint(['ListCoverage', scopes, input.filterCriteria ?? null])
      const after =
        input.nextToken === undefined ? undefined : position(input.nextToken, fingerprint)
      const limit = input.maxResults ?? DEFAULT_PAGE
      const items: { record: ResourceRecord<CoverageBody>; wire: Wire }[] = []
      let more = false
      for await (const item of matching(scopes, filter, after)) {
        if (items.length === limit) {
          more = true
          break
        }
        items.push(item)
      }
      const last = items.at(-1)
      return {
        coveredResources: items.map((i) => decodeCoveredResource(i.wire)),
        ...(more && last
          ? {
              nextToken: encodePageToken(fingerprint, {
                a: last.record.scope.accountId,
                k: last.record.id,
              }),
            }
          : {}),
      }
    },

    async ListCoverageStatistics(
      input: i2.ListCoverageStatisticsRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListCoverageStatisticsResponse> {
      const filter = parseCoverageCriteria(input.filterCriteria)
      const scopes = await scopesOf(ctx)
      let total = 0
      const groups = new Map<string, number>()
      for await (const { wire } of matching(scopes, filter)) {
        total++
        if (input.groupBy === undefined) continue
        const value = groupValue(wire, input.groupBy)
        if (value !== undefined) groups.set(value, (groups.get(value) ?? 0) + 1)
      }
      if (input.groupBy === undefined) {
        if (input.nextToken !== undefined) throw invalidNextToken()
        return { totalCounts: total }
      }
      const sorted = [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      const page = sortedPage(
        sorted,
        ([value]) => value,
        ['ListCoverageStatistics', scopes, input.filterCriteria ?? null, input.groupBy],
        undefined,
        input.nextToken,
        GROUPS_PER_PAGE,
      )
      return {
        totalCounts: total,
        countsByGroup: page.items.map(([value, count]) => ({
          count,
          // The model types groupKey as GroupKey; it carries the group's value, as AWS answers.
          groupKey: value as i2.GroupKey,
        })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      }
    },
  }
}
