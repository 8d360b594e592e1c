/**
 * GuardDuty coverage, usage and free trial: ListCoverage and GetCoverageStatistics over the coverage
 * records the detection engine registers (an administrator also sees its associated members'),
 * GetUsageStatistics over recorded usage (every requested group is reported, with a zero total until
 * the engines record usage), and GetRemainingFreeTrialDays (30 days from the detector's creation).
 */
import type { Clock } from '../../../core/clock.js'
import type { ResourceRecord, Scope, Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { detectorOfScope } from '../domain/detector-record.js'
import { COVERAGE_KIND, coverageValue, type CoverageBody } from '../domain/coverage.js'
import { ASSOCIATED, scopeOfAccount } from '../domain/membership.js'
import type { Organizations } from '../domain/organizations.js'
import { schema } from '../generated/schema.js'
import type * as gd from '../generated/types.js'
import { invalidInput, invalidNextToken } from '../guardduty-errors.js'
import { requireDetector } from './detectors.js'
import { sortedPage } from './resource-pages.js'

export const USAGE_KIND = 'guardduty:usage'
const FREE_TRIAL_DAYS = 30
const DAY_MS = 86_400_000

/** Recorded usage (written by the engines). `amount` is in `unit`, a decimal string. */
export interface UsageBody {
  readonly dataSource?: gd.DataSource
  readonly feature?: gd.UsageFeature
  readonly resource?: string
  readonly amount: string
  readonly unit: string
}

export interface CoverageUsageDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: Organizations
}

function enumValues(shape: string): string[] {
  const s = schema.shapes[shape]
  return s && 'enum' in s && s.enum ? s.enum.map(String) : []
}

export function coverageUsageHandlers({ storage, clock, organizations }: CoverageUsageDeps) {
  /** The caller and its associated members: the accounts whose data it may read. */
  async function visibleAccounts(scope: Scope): Promise<string[]> {
    const members = await organizations.membership.members(scope, undefined, 10_000)
    return [
      scope.accountId,
      ...members.filter((m) => ASSOCIATED.includes(m.body.status)).map((m) => m.id),
    ]
  }

  async function coverageRecords(
    ctx: ServiceContext,
    criteria: gd.CoverageFilterCriteria | undefined,
  ) {
    const scope = scopeOf(ctx)
    const out: { accountId: string; detectorId: string; record: ResourceRecord<CoverageBody> }[] =
      []
    for (const accountId of await visibleAccounts(scope)) {
      const accountScope = scopeOfAccount(scope, accountId)
      const [detectorId] = await storage.detectors.listIds(accountScope, undefined, 1)
      if (detectorId === undefined) continue
      for (const record of await storage.resources.list<CoverageBody>(
        accountScope,
        COVERAGE_KIND,
        detectorId,
        undefined,
        100_000,
      ))
        out.push({ accountId, detectorId, record })
    }
    return out.filter(({ accountId, record }) =>
      (criteria?.FilterCriterion ?? []).every((c) => {
        if (!c.CriterionKey || !c.FilterCondition) return true
        const v = coverageValue(c.CriterionKey, accountId, record.body, record.updatedAtMs)
        if (c.FilterCondition.Equals && !c.FilterCondition.Equals.includes(v ?? '')) return false
        if (c.FilterCondition.NotEquals && c.FilterCondition.NotEquals.includes(v ?? ''))
          return false
        return true
      }),
    )
  }

  async function usageRecords(scope: Scope, accounts: readonly string[]) {
    const out: { accountId: string; body: UsageBody }[] = []
    for (const accountId of accounts) {
      const accountScope = scopeOfAccount(scope, accountId)
      const [detectorId] = await storage.detectors.listIds(accountScope, undefined, 1)
      if (detectorId === undefined) continue
      for (const r of await storage.resources.list<UsageBody>(
        accountScope,
        USAGE_KIND,
        detectorId,
        undefined,
        100_000,
      ))
        out.push({ accountId, body: r.body })
    }
    return out
  }

  const total = (amount: number): gd.Total => ({ Amount: String(amount), Unit: 'USD' })
  const sum = (items: readonly { body: UsageBody }[]) =>
    items.reduce((n, i) => n + Number(i.body.amount), 0)

  return {
    async ListCoverage(
      input: gd.ListCoverageRequest,
      ctx: ServiceContext,
    ): Promise<gd.ListCoverageResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const records = await coverageRecords(ctx, input.FilterCriteria)
      const sortKey = input.SortCriteria?.AttributeName ?? 'ACCOUNT_ID'
      const sign = input.SortCriteria?.OrderBy === 'DESC' ? -1 : 1
      records.sort((a, b) => {
        const va = coverageValue(sortKey, a.accountId, a.record.body, a.record.updatedAtMs) ?? ''
        const vb = coverageValue(sortKey, b.accountId, b.record.body, b.record.updatedAtMs) ?? ''
        return (
          sign *
          (va.localeCompare(vb) ||
            `${a.accountId}/${a.record.id}`.localeCompare(`${b.accountId}/${b.record.id}`))
        )
      })
      const page = sortedPage(
        records,
        (r) => `${r.accountId}/${r.record.id}`,
        ['ListCoverage', scopeOf(ctx), input.FilterCriteria, input.SortCriteria],
        input.MaxResults,
        input.NextToken,
      )
      return {
        Resources: page.items.map(({ accountId, detectorId, record }) => ({
          ResourceId: record.id,
          DetectorId: detectorId,
          AccountId: accountId,
          ResourceDetails: { ...record.body.details, ResourceType: record.body.resourceType },
          CoverageStatus: record.body.coverageStatus,
          ...(record.body.issue !== undefined ? { Issue: record.body.issue } : {}),
          UpdatedAt: new Date(record.updatedAtMs),
        })),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      }
    },

    async GetCoverageStatistics(
      input: gd.GetCoverageStatisticsRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetCoverageStatisticsResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const records = await coverageRecords(ctx, input.FilterCriteria)
      const count = (pick: (b: CoverageBody) => string, keys: string[]) => {
        const out: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]))
        for (const { record } of records) out[pick(record.body)] = (out[pick(record.body)] ?? 0) + 1
        return out
      }
      const types = new Set(input.StatisticsType)
      return {
        CoverageStatistics: {
          ...(types.has('COUNT_BY_RESOURCE_TYPE')
            ? { CountByResourceType: count((b) => b.resourceType, enumValues('ResourceType')) }
            : {}),
          ...(types.has('COUNT_BY_COVERAGE_STATUS')
            ? {
                CountByCoverageStatus: count((b) => b.coverageStatus, enumValues('CoverageStatus')),
              }
            : {}),
        },
      }
    },

    async GetUsageStatistics(
      input: gd.GetUsageStatisticsRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetUsageStatisticsResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      // One page holds every group, so no token this service gave out can be presented.
      if (input.NextToken !== undefined) throw invalidNextToken()
      const scope = scopeOf(ctx)
      const visible = await visibleAccounts(scope)
      const criteria = input.UsageCriteria
      const foreign = (criteria.AccountIds ?? []).find((a) => !visible.includes(a))
      if (foreign !== undefined)
        throw invalidInput(
          `The request is rejected because the account ${foreign} is not the current account or one of its members.`,
        )
      const accounts = criteria.AccountIds?.length ? [...criteria.AccountIds] : visible
      const records = (await usageRecords(scope, accounts)).filter(
        (r) =>
          (!criteria.DataSources?.length ||
            (r.body.dataSource && criteria.DataSources.includes(r.body.dataSource))) &&
          (!criteria.Features?.length ||
            (r.body.feature && criteria.Features.includes(r.body.feature))) &&
          (!criteria.Resources?.length ||
            (r.body.resource && criteria.Resources.includes(r.body.resource))),
      )
      const limit = input.MaxResults ?? 50
      const byResource = () => {
        const totals = new Map<string, number>()
        for (const r of records)
          if (r.body.resource)
            totals.set(r.body.resource, (totals.get(r.body.resource) ?? 0) + Number(r.body.amount))
        return [...totals].map(([Resource, amount]) => ({ Resource, amount }))
      }
      let stats: gd.UsageStatistics
      switch (input.UsageStatisticType) {
        case 'SUM_BY_ACCOUNT':
          stats = {
            SumByAccount: accounts.map((AccountId) => ({
              AccountId,
              Total: total(sum(records.filter((r) => r.accountId === AccountId))),
            })),
          }
          break
        case 'SUM_BY_DATA_SOURCE': {
          const sources = criteria.DataSources?.length
            ? criteria.DataSources
            : (enumValues('DataSource') as gd.DataSource[])
          stats = {
            SumByDataSource: sources.map((DataSource) => ({
              DataSource,
              Total: total(sum(records.filter((r) => r.body.dataSource === DataSource))),
            })),
          }
          break
        }
        case 'SUM_BY_FEATURES': {
          const features = criteria.Features?.length
            ? criteria.Features
            : (enumValues('UsageFeature') as gd.UsageFeature[])
          stats = {
            SumByFeature: features.map((Feature) => ({
              Feature,
              Total: total(sum(records.filter((r) => r.body.feature === Feature))),
            })),
          }
          break
        }
        case 'SUM_BY_RESOURCE':
          stats = {
            SumByResource: byResource().map(({ Resource, amount }) => ({
              Resource,
              Total: total(amount),
            })),
          }
          break
        case 'TOP_RESOURCES':
          stats = {
            TopResources: byResource()
              .sort((a, b) => b.amount - a.amount)
              .slice(0, limit)
              .map(({ Resource, amount }) => ({ Resource, Total: total(amount) })),
          }
          break
        case 'TOP_ACCOUNTS_BY_FEATURE': {
          const features = criteria.Features?.length
            ? criteria.Features
            : (enumValues('UsageFeature') as gd.UsageFeature[])
          stats = {
            TopAccountsByFeature: features.map((Feature) => ({
              Feature,
              Accounts: accounts
                .map((AccountId) => ({
                  AccountId,
                  amount: sum(
                    records.filter((r) => r.accountId === AccountId && r.body.feature === Feature),
                  ),
                }))
                .sort((a, b) => b.amount - a.amount)
                .slice(0, limit)
                .map(({ AccountId, amount }) => ({ AccountId, Total: total(amount) })),
            })),
          }
          break
        }
      }
      return { UsageStatistics: stats }
    },

    async GetRemainingFreeTrialDays(
      input: gd.GetRemainingFreeTrialDaysRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetRemainingFreeTrialDaysResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const scope = scopeOf(ctx)
      const visible = await visibleAccounts(scope)
      const Accounts: gd.AccountFreeTrialInfo[] = []
      const UnprocessedAccounts: gd.UnprocessedAccount[] = []
      for (const accountId of input.AccountIds?.length ? input.AccountIds : [ctx.accountId]) {
        const accountScope = scopeOfAccount(scope, accountId)
        const detector = visible.includes(accountId)
          ? await detectorOfScope(storage, accountScope)
          : undefined
        if (!detector) {
          UnprocessedAccounts.push({
            AccountId: accountId,
            Result:
              'The request is rejected because the account is not the current account or one of its members with a detector.',
          })
          continue
        }
        const days = Math.max(
          0,
          FREE_TRIAL_DAYS - Math.floor((clock.now() - detector.createdAtMs) / DAY_MS),
        )
        const left = { FreeTrialDaysRemaining: days }
        Accounts.push({
          AccountId: accountId,
          DataSources: {
            CloudTrail: left,
            DnsLogs: left,
            FlowLogs: left,
            S3Logs: left,
            Kubernetes: { AuditLogs: left },
            MalwareProtection: { ScanEc2InstanceWithFindings: left },
          },
          Features: (enumValues('FreeTrialFeatureResult') as gd.FreeTrialFeatureResult[]).map(
            (Name) => ({ Name, ...left }),
          ),
        })
      }
      return { Accounts, UnprocessedAccounts }
    },
  }
}
