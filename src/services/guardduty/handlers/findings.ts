/**
 * GuardDuty findings queries and updates over the findings store: ListFindings (criteria, sort, keyset
 * pages), GetFindings, GetFindingsStatistics (count by severity; grouped by account, date, finding type
 * or severity), ArchiveFindings, UnarchiveFindings and UpdateFindingsFeedback. An administrator reads
 * its associated members' findings too (filter them with `accountId`); only an account that is not
 * itself a member archives findings. Findings are stored in wire form and decoded through the model on
 * the way out.
 */
import type { Clock } from '../../../core/clock.js'
import { decodeWire } from '../../../protocol/read-input.js'
import type { FindingGrouping, Scope, Storage, StoredFinding } from '../../../storage/ports.js'
import { decodePageToken, encodePageToken, queryFingerprint } from '../../page-token.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { parseFindingCriteria, readFindingValues } from '../domain/finding-criteria.js'
import { ASSOCIATED, scopeOfAccount } from '../domain/membership.js'
import type { Organizations } from '../domain/organizations.js'
import { schema } from '../generated/schema.js'
import type * as gd from '../generated/types.js'
import { invalidInput, invalidNextToken } from '../guardduty-errors.js'
import { requireDetector } from './detectors.js'

export interface FindingHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: Organizations
}

type WireFinding = Record<string, unknown>

export function findingHandlers({ storage, organizations }: FindingHandlerDeps) {
  /** The caller's scope and its associated members' scopes. */
  async function readable(ctx: ServiceContext): Promise<Scope[]> {
    const scope = scopeOf(ctx)
    const members = await organizations.membership.members(scope, undefined, 10_000)
    return [
      scope,
      ...members
        .filter((m) => ASSOCIATED.includes(m.body.status))
        .map((m) => scopeOfAccount(scope, m.id)),
    ]
  }

  const decode = (s: StoredFinding) => decodeWire(schema, 'Finding', s.finding) as gd.Finding

  async function rewrite(
    ctx: ServiceContext,
    detectorId: string,
    ids: readonly string[],
    change: (f: WireFinding) => WireFinding,
  ) {
    await requireDetector(storage, ctx, detectorId)
    const found = await storage.findings.getByIds(await readable(ctx), ids)
    await storage.findings.upsert(
      found.map((s) => ({ ...s, finding: change(structuredClone(s.finding) as WireFinding) })),
    )
  }

  async function setArchived(
    ctx: ServiceContext,
    input: gd.ArchiveFindingsRequest,
    archived: boolean,
  ) {
    if (await organizations.membership.administrator(scopeOf(ctx)))
      throw invalidInput(
        'The request is rejected because member accounts cannot archive findings; their administrator account does.',
      )
    await rewrite(ctx, input.DetectorId, input.FindingIds, (f) => ({
      ...f,
      service: { ...(f.service as WireFinding | undefined), archived },
    }))
    return {}
  }

  return {
    async ListFindings(
      input: gd.ListFindingsRequest,
      ctx: ServiceContext,
    ): Promise<gd.ListFindingsResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const filter = parseFindingCriteria(input.FindingCriteria)
      const attribute = input.SortCriteria?.AttributeName ?? 'updatedAt'
      if (!storage.findings.sortable.has(attribute))
        throw invalidInput(
          `The request is rejected because findings cannot be sorted by '${attribute}'; sort by one of ${[...storage.findings.sortable].join(', ')}.`,
        )
      const order = input.SortCriteria?.OrderBy ?? 'DESC'
      const scopes = await readable(ctx)
      const fingerprint = queryFingerprint([
        'ListFindings',
        scopes,
        input.FindingCriteria ?? null,
        attribute,
        order,
      ])
      let after: { sortValue: string | number | null; pk: number } | undefined
      if (input.NextToken !== undefined) {
        const key = decodePageToken(input.NextToken, fingerprint)?.key as
          { v?: unknown; p?: unknown } | undefined
        if (
          !key ||
          typeof key.p !== 'number' ||
          (typeof key.v !== 'string' && typeof key.v !== 'number')
        )
          throw invalidNextToken()
        after = { sortValue: key.v, pk: key.p }
      }
      const page = await storage.findings.query({
        scopes,
        filter,
        sort: { attribute, order },
        limit: input.MaxResults ?? 50,
        ...(after ? { after } : {}),
      })
      return {
        FindingIds: page.findings.map((s) => String(s.finding.id)),
        ...(page.next
          ? { NextToken: encodePageToken(fingerprint, { v: page.next.sortValue, p: page.next.pk }) }
          : {}),
      }
    },

    async GetFindings(
      input: gd.GetFindingsRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetFindingsResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      let found = await storage.findings.getByIds(await readable(ctx), input.FindingIds)
      const sort = input.SortCriteria
      if (sort?.AttributeName) {
        const node = parseFindingCriteria({
          Criterion: { [sort.AttributeName]: { Neq: ['\u0000'] } },
        }).conditions[0]
        if (node) {
          const sign = sort.OrderBy === 'DESC' ? -1 : 1
          const first = (s: StoredFinding) => readFindingValues(s.finding, node)[0] ?? ''
          found = [...found].sort((a, b) => {
            const x = first(a)
            const y = first(b)
            return sign * (x < y ? -1 : x > y ? 1 : 0)
          })
        }
      }
      return { Findings: found.map(decode) }
    },

    async GetFindingsStatistics(
      input: gd.GetFindingsStatisticsRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetFindingsStatisticsResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const filter = parseFindingCriteria(input.FindingCriteria)
      const scopes = await readable(ctx)
      const stats: gd.FindingStatistics = {}
      if (input.FindingStatisticTypes?.includes('COUNT_BY_SEVERITY')) {
        const groups = await storage.findings.aggregate(scopes, filter, 'severity', {
          countsOnly: true,
        })
        stats.CountBySeverity = Object.fromEntries(
          groups.map((g) => [Number(g.key).toFixed(1), g.total]),
        )
      }
      if (input.GroupBy) {
        const by: Record<gd.GroupByType, FindingGrouping> = {
          ACCOUNT: 'account',
          DATE: 'day',
          FINDING_TYPE: 'type',
          RESOURCE: 'resource',
          SEVERITY: 'severity',
        }
        const groups = await storage.findings.aggregate(scopes, filter, by[input.GroupBy])
        const sign = input.OrderBy === 'ASC' ? 1 : -1
        groups.sort(
          (a, b) => sign * (a.total - b.total) || String(a.key).localeCompare(String(b.key)),
        )
        const top = groups.slice(0, input.MaxResults ?? 25)
        const last = (g: (typeof top)[number]) => new Date(g.lastUpdatedMs)
        switch (input.GroupBy) {
          case 'ACCOUNT':
            stats.GroupedByAccount = top.map((g) => ({
              AccountId: String(g.key),
              LastGeneratedAt: last(g),
              TotalFindings: g.total,
            }))
            break
          case 'DATE':
            stats.GroupedByDate = top.map((g) => ({
              Date: new Date(Number(g.key)),
              LastGeneratedAt: last(g),
              Severity: g.maxSeverity,
              TotalFindings: g.total,
            }))
            break
          case 'FINDING_TYPE':
            stats.GroupedByFindingType = top.map((g) => ({
              FindingType: String(g.key),
              LastGeneratedAt: last(g),
              TotalFindings: g.total,
            }))
            break
          case 'RESOURCE':
            stats.GroupedByResource = top.map((g) => ({
              AccountId: g.accountId ?? '',
              LastGeneratedAt: last(g),
              ResourceId: String(g.key),
              ResourceType: g.resourceType ?? '',
              TotalFindings: g.total,
            }))
            break
          case 'SEVERITY':
            stats.GroupedBySeverity = top.map((g) => ({
              Severity: Number(g.key),
              LastGeneratedAt: last(g),
              TotalFindings: g.total,
            }))
            break
        }
      }
      if (!input.GroupBy && !input.FindingStatisticTypes?.length)
        throw invalidInput(
          'The request is rejected because neither groupBy nor findingStatisticTypes is given.',
        )
      return { FindingStatistics: stats }
    },

    ArchiveFindings: (input: gd.ArchiveFindingsRequest, ctx: ServiceContext) =>
      setArchived(ctx, input, true),
    UnarchiveFindings: (input: gd.UnarchiveFindingsRequest, ctx: ServiceContext) =>
      setArchived(ctx, input, false),

    async UpdateFindingsFeedback(
      input: gd.UpdateFindingsFeedbackRequest,
      ctx: ServiceContext,
    ): Promise<gd.UpdateFindingsFeedbackResponse> {
      await rewrite(ctx, input.DetectorId, input.FindingIds, (f) => ({
        ...f,
        service: { ...(f.service as WireFinding | undefined), userFeedback: input.Feedback },
      }))
      return {}
    },
  }
}
