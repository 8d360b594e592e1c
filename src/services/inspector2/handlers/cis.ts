/**
 * Inspector CIS scans: CreateCisScanConfiguration, UpdateCisScanConfiguration,
 * DeleteCisScanConfiguration, ListCisScanConfigurations and ListCisScans here, plus the result
 * operations of `cis-results.ts` and the SSM plugin's session operations of `cis-sessions.ts`, all
 * returned by `cisHandlers`.
 *
 * Configurations are kept per (account, region); `SELF` in the target accounts is stored as the
 * caller's account id (as AWS lists it), and naming any other account (or `ALL_ACCOUNTS`) requires the
 * Inspector delegated administrator. Tags live in the shared tag store, so TagResource and
 * ListTagsForResource see them. Deleting a configuration keeps the scans it already started. Scans are
 * created as described in `cis-state.ts`: finished, without a target.
 */
import { randomUUID } from 'node:crypto'
import type { Clock } from '../../../core/clock.js'
import type { ResourceRecord, Scope, Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { ResourceNotFoundException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import {
  keysetPage,
  matchesDates,
  matchesNumbers,
  matchesStrings,
  matchesTags,
  type Position,
} from './cis-filters.js'
import { cisResultHandlers } from './cis-results.js'
import { checkSchedule } from './cis-schedule.js'
import { cisSessionHandlers } from './cis-sessions.js'
import {
  CIS_CONFIGURATION_KIND,
  type CisConfigurationBody,
  cisArn,
  CisScans,
  type CisScanBody,
  newScanId,
  ownedId,
  scanPut,
  toCisScan,
} from './cis-state.js'
import type { InspectorOrganizations } from './organization-state.js'
import { tagsChange, tagsOf } from './resource-tags.js'

/** Scans one ListCisScans page holds at most (the model's `CisScanList` length). */
export const MAX_SCANS_PAGE = 50

export interface CisDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: InspectorOrganizations
}

export function cisHandlers(deps: CisDeps) {
  const { storage, clock, organizations } = deps
  const cis = new CisScans(storage, clock)

  /**
   * The target accounts as stored: `SELF` becomes the caller's id.
   * @throws AccessDeniedException when another account is named by a non-administrator
   */
  async function targetAccounts(accountIds: readonly string[], ctx: ServiceContext) {
    const resolved = [...new Set(accountIds.map((a) => (a === 'SELF' ? ctx.accountId : a)))]
    if (resolved.some((a) => a !== ctx.accountId)) await organizations.requireAdmin(scopeOf(ctx))
    return resolved
  }

  /** The configuration an ARN names. @throws ResourceNotFoundException when there is none */
  async function requireConfiguration(
    arn: string,
    ctx: ServiceContext,
  ): Promise<ResourceRecord<CisConfigurationBody>> {
    const id = ownedId(arn, 'cis-configuration', ctx, 'scanConfigurationArn')
    const record =
      id === undefined
        ? undefined
        : await storage.resources.get<CisConfigurationBody>({
            scope: scopeOf(ctx),
            kind: CIS_CONFIGURATION_KIND,
            parentId: '',
            id,
          })
    if (!record)
      throw new ResourceNotFoundException(`The CIS scan configuration ${arn} does not exist.`)
    return record
  }

  const toConfiguration = async (
    scope: Scope,
    record: ResourceRecord<CisConfigurationBody>,
  ): Promise<i2.CisScanConfiguration> => {
    const arn = cisArn(scope, 'cis-configuration', record.id)
    return {
      scanConfigurationArn: arn,
      ownerId: scope.accountId,
      scanName: record.body.scanName,
      securityLevel: record.body.securityLevel,
      schedule: record.body.schedule,
      targets: record.body.targets,
      tags: await tagsOf(storage, scope, arn),
    }
  }

  return {
    ...cisResultHandlers({ cis }),
    ...cisSessionHandlers({ storage, clock, cis }),

    async CreateCisScanConfiguration(
      input: i2.CreateCisScanConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.CreateCisScanConfigurationResponse> {
      const scope = scopeOf(ctx)
      checkSchedule(input.schedule, 'schedule')
      const accountIds = await targetAccounts(input.targets.accountIds, ctx)
      const now = clock.now()
      const id = randomUUID()
      const arn = cisArn(scope, 'cis-configuration', id)
      const body: CisConfigurationBody = {
        scanName: input.scanName,
        securityLevel: input.securityLevel,
        schedule: input.schedule,
        targets: { accountIds, targetResourceTags: input.targets.targetResourceTags },
        scheduledThroughMs: now,
      }
      const config = { id, body }
      await storage.resources.apply([
        {
          put: {
            scope,
            kind: CIS_CONFIGURATION_KIND,
            parentId: '',
            id,
            sortKey: id,
            createdAtMs: now,
            updatedAtMs: now,
            body,
          },
        },
        tagsChange(scope, arn, input.tags, now),
        ...(input.schedule.oneTime ? [scanPut(scope, config, now, now, newScanId())] : []),
      ])
      return { scanConfigurationArn: arn }
    },

    async UpdateCisScanConfiguration(
      input: i2.UpdateCisScanConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.UpdateCisScanConfigurationResponse> {
      const scope = scopeOf(ctx)
      const found = await requireConfiguration(input.scanConfigurationArn, ctx)
      if (input.schedule) checkSchedule(input.schedule, 'schedule')
      const accountIds = input.targets?.accountIds
        ? await targetAccounts(input.targets.accountIds, ctx)
        : undefined
      // Scans due under the old schedule start before it changes.
      await cis.catchUp(scope, [found])
      const current = (await requireConfiguration(input.scanConfigurationArn, ctx)).body
      const now = clock.now()
      const body: CisConfigurationBody = {
        scanName: input.scanName ?? current.scanName,
        securityLevel: input.securityLevel ?? current.securityLevel,
        schedule: input.schedule ?? current.schedule,
        targets: {
          accountIds: accountIds ?? current.targets.accountIds,
          targetResourceTags:
            input.targets?.targetResourceTags ?? current.targets.targetResourceTags,
        },
        scheduledThroughMs: input.schedule ? now : current.scheduledThroughMs,
      }
      const runsNow = input.schedule?.oneTime !== undefined && !current.schedule.oneTime
      await storage.resources.apply([
        { put: { ...found, updatedAtMs: now, body } },
        ...(runsNow ? [scanPut(scope, { id: found.id, body }, now, now, newScanId())] : []),
      ])
      return { scanConfigurationArn: input.scanConfigurationArn }
    },

    async DeleteCisScanConfiguration(
      input: i2.DeleteCisScanConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.DeleteCisScanConfigurationResponse> {
      const scope = scopeOf(ctx)
      const found = await requireConfiguration(input.scanConfigurationArn, ctx)
      await cis.catchUp(scope, [found])
      await storage.resources.apply([
        { delete: { scope, kind: CIS_CONFIGURATION_KIND, parentId: '', id: found.id } },
        tagsChange(scope, cisArn(scope, 'cis-configuration', found.id), undefined, clock.now()),
      ])
      return { scanConfigurationArn: input.scanConfigurationArn }
    },

    async ListCisScanConfigurations(
      input: i2.ListCisScanConfigurationsRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListCisScanConfigurationsResponse> {
      const scope = scopeOf(ctx)
      const f = input.filterCriteria
      const matching = (await cis.configurations(scope)).filter(
        (c) =>
          matchesStrings(f?.scanNameFilters, [c.body.scanName]) &&
          matchesTags(f?.targetResourceTagFilters, c.body.targets.targetResourceTags) &&
          matchesStrings(f?.scanConfigurationArnFilters, [
            cisArn(scope, 'cis-configuration', c.id),
          ]),
      )
      const sortBy = input.sortBy ?? 'SCAN_NAME'
      const page = keysetPage(
        matching,
        (c): Position => [
          sortBy === 'SCAN_NAME' ? c.body.scanName : cisArn(scope, 'cis-configuration', c.id),
          c.id,
        ],
        input.sortOrder === 'DESC',
        ['ListCisScanConfigurations', scope, f ?? null, sortBy, input.sortOrder ?? 'ASC'],
        input.maxResults,
        input.nextToken,
        100,
      )
      return {
        scanConfigurations: await Promise.all(page.items.map((c) => toConfiguration(scope, c))),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      }
    },

    async ListCisScans(
      input: i2.ListCisScansRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListCisScansResponse> {
      const scope = scopeOf(ctx)
      const f = input.filterCriteria
      const scans = (await cis.scans(scope)).filter((s) => {
        const b = s.body
        return (
          matchesStrings(f?.scanNameFilters, [b.scanName]) &&
          matchesTags(f?.targetResourceTagFilters, b.targets.targetResourceTags) &&
          matchesStrings(f?.targetResourceIdFilters, []) &&
          matchesStrings(f?.scanStatusFilters, [b.status]) &&
          matchesDates(f?.scanAtFilters, b.scanDateMs) &&
          matchesStrings(f?.scanConfigurationArnFilters, [b.scanConfigurationArn]) &&
          matchesStrings(f?.scanArnFilters, [cisArn(scope, 'cis-scan', s.id)]) &&
          matchesStrings(f?.scheduledByFilters, [b.scheduledBy]) &&
          matchesNumbers(f?.failedChecksFilters, b.failedChecks) &&
          matchesStrings(f?.targetAccountIdFilters, b.targets.accountIds)
        )
      })
      const sortBy = input.sortBy ?? 'SCAN_START_DATE'
      const valueOf = (b: CisScanBody): string | number => {
        switch (sortBy) {
          case 'STATUS':
            return b.status
          case 'SCHEDULED_BY':
            return b.scheduledBy
          case 'FAILED_CHECKS':
            return b.failedChecks
          case 'SCAN_START_DATE':
            return b.scanDateMs
        }
      }
      const page = keysetPage(
        scans,
        (s): Position => [valueOf(s.body), s.id],
        input.sortOrder === 'DESC',
        ['ListCisScans', scope, f ?? null, sortBy, input.sortOrder ?? 'ASC'],
        Math.min(input.maxResults ?? MAX_SCANS_PAGE, MAX_SCANS_PAGE),
        input.nextToken,
        MAX_SCANS_PAGE,
      )
      return {
        scans: page.items.map((s) => toCisScan(scope, s)),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      }
    },
  }
}
