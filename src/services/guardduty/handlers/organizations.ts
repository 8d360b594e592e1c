/**
 * GuardDuty in AWS Organizations: EnableOrganizationAdminAccount, DisableOrganizationAdminAccount and
 * ListOrganizationAdminAccounts (the management account's operations), DescribeOrganizationConfiguration,
 * UpdateOrganizationConfiguration and GetOrganizationStatistics (the delegated administrator's). The
 * delegated administrator is per region, as in GuardDuty. Setting auto-enable to ALL enrols the
 * organization's existing accounts at once; NEW and ALL enrol accounts that create a detector later
 * (see `domain/organizations.ts`).
 */
import type { Clock } from '../../../core/clock.js'
import type { Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { updatedFeatures } from '../domain/detector-features.js'
import { detectorOfScope } from '../domain/detector-record.js'
import { ASSOCIATED, scopeOfAccount } from '../domain/membership.js'
import {
  ORG_ADMIN_KIND,
  type AutoEnable,
  type OrgConfigBody,
  type Organizations,
} from '../domain/organizations.js'
import type * as gd from '../generated/types.js'
import { invalidInput, invalidNextToken } from '../guardduty-errors.js'
import { requireDetector } from './detectors.js'

export interface OrganizationHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: Organizations
}

export function organizationHandlers({ storage, clock, organizations }: OrganizationHandlerDeps) {
  const { membership, directory } = organizations

  function requireManagement(ctx: ServiceContext) {
    const org = directory.organizationOf(ctx.accountId)
    if (!org || org.managementAccountId !== ctx.accountId)
      throw invalidInput(
        'The request is rejected because the current account is not the management account of an organization.',
      )
    return org
  }

  async function requireDelegatedAdmin(ctx: ServiceContext, detectorId?: string) {
    if (detectorId !== undefined) await requireDetector(storage, ctx, detectorId)
    const org = await organizations.administered(scopeOf(ctx))
    if (!org)
      throw invalidInput(
        'The request is rejected because the current account is not the delegated GuardDuty administrator of an organization.',
      )
    return org
  }

  function describe(config: OrgConfigBody): gd.DescribeOrganizationConfigurationResponse {
    const auto = (name: string): AutoEnable =>
      config.features.find((f) => f.name === name)?.autoEnable ?? 'NONE'
    return {
      AutoEnable: config.autoEnableOrganizationMembers !== 'NONE',
      AutoEnableOrganizationMembers: config.autoEnableOrganizationMembers,
      MemberAccountLimitReached: false,
      DataSources: {
        S3Logs: { AutoEnable: auto('S3_DATA_EVENTS') !== 'NONE' },
        Kubernetes: { AuditLogs: { AutoEnable: auto('EKS_AUDIT_LOGS') !== 'NONE' } },
        MalwareProtection: {
          ScanEc2InstanceWithFindings: {
            EbsVolumes: { AutoEnable: auto('EBS_MALWARE_PROTECTION') !== 'NONE' },
          },
        },
      },
      Features: config.features.map((f) => ({
        Name: f.name as gd.OrgFeature,
        AutoEnable: f.autoEnable,
        ...(f.additionalConfiguration.length
          ? {
              AdditionalConfiguration: f.additionalConfiguration.map((a) => ({
                Name: a.name as gd.OrgFeatureAdditionalConfiguration,
                AutoEnable: a.autoEnable,
              })),
            }
          : {}),
      })),
    }
  }

  return {
    async EnableOrganizationAdminAccount(
      input: gd.EnableOrganizationAdminAccountRequest,
      ctx: ServiceContext,
    ): Promise<gd.EnableOrganizationAdminAccountResponse> {
      const org = requireManagement(ctx)
      if (directory.organizationOf(input.AdminAccountId)?.id !== org.id)
        throw invalidInput(
          `The request is rejected because the account ${input.AdminAccountId} is not in the organization.`,
        )
      const current = await organizations.delegatedAdmin(org, ctx.region)
      if (current === input.AdminAccountId) return {}
      if (current !== undefined)
        throw invalidInput(
          `The request is rejected because the account ${current} is already the delegated administrator.`,
        )
      const now = clock.now()
      await storage.resources.insert({
        scope: scopeOf(ctx),
        kind: ORG_ADMIN_KIND,
        parentId: '',
        id: input.AdminAccountId,
        sortKey: input.AdminAccountId,
        createdAtMs: now,
        updatedAtMs: now,
        body: { status: 'ENABLED' },
      })
      return {}
    },

    async DisableOrganizationAdminAccount(
      input: gd.DisableOrganizationAdminAccountRequest,
      ctx: ServiceContext,
    ): Promise<gd.DisableOrganizationAdminAccountResponse> {
      requireManagement(ctx)
      const removed = await storage.resources.delete({
        scope: scopeOf(ctx),
        kind: ORG_ADMIN_KIND,
        parentId: '',
        id: input.AdminAccountId,
      })
      if (!removed)
        throw invalidInput(
          `The request is rejected because the account ${input.AdminAccountId} is not the delegated administrator.`,
        )
      return {}
    },

    async ListOrganizationAdminAccounts(
      input: gd.ListOrganizationAdminAccountsRequest,
      ctx: ServiceContext,
    ): Promise<gd.ListOrganizationAdminAccountsResponse> {
      const org = requireManagement(ctx)
      // One page holds every answer, so no token this service gave out can be presented.
      if (input.NextToken !== undefined) throw invalidNextToken()
      const admin = await organizations.delegatedAdmin(org, ctx.region)
      return {
        AdminAccounts:
          admin === undefined ? [] : [{ AdminAccountId: admin, AdminStatus: 'ENABLED' }],
      }
    },

    async DescribeOrganizationConfiguration(
      input: gd.DescribeOrganizationConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<gd.DescribeOrganizationConfigurationResponse> {
      await requireDelegatedAdmin(ctx, input.DetectorId)
      if (input.NextToken !== undefined) throw invalidNextToken()
      return describe(await organizations.config(scopeOf(ctx)))
    },

    async UpdateOrganizationConfiguration(
      input: gd.UpdateOrganizationConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<gd.UpdateOrganizationConfigurationResponse> {
      const org = await requireDelegatedAdmin(ctx, input.DetectorId)
      if (input.Features && input.DataSources)
        throw invalidInput(
          'The request is rejected because both dataSources and features were provided. Use only features.',
        )
      const admin = scopeOf(ctx)
      const current = await organizations.config(admin)
      const members: AutoEnable =
        input.AutoEnableOrganizationMembers ??
        (input.AutoEnable === undefined
          ? current.autoEnableOrganizationMembers
          : input.AutoEnable
            ? current.autoEnableOrganizationMembers === 'NONE'
              ? 'NEW'
              : current.autoEnableOrganizationMembers
            : 'NONE')
      const requested = new Map<string, gd.OrganizationFeatureConfiguration>()
      for (const f of input.Features ?? []) if (f.Name) requested.set(f.Name, f)
      const ds = input.DataSources
      if (ds?.S3Logs)
        requested.set('S3_DATA_EVENTS', {
          Name: 'S3_DATA_EVENTS',
          AutoEnable: ds.S3Logs.AutoEnable ? 'NEW' : 'NONE',
        })
      if (ds?.Kubernetes)
        requested.set('EKS_AUDIT_LOGS', {
          Name: 'EKS_AUDIT_LOGS',
          AutoEnable: ds.Kubernetes.AuditLogs.AutoEnable ? 'NEW' : 'NONE',
        })
      const ebs = ds?.MalwareProtection?.ScanEc2InstanceWithFindings?.EbsVolumes?.AutoEnable
      if (ebs !== undefined)
        requested.set('EBS_MALWARE_PROTECTION', {
          Name: 'EBS_MALWARE_PROTECTION',
          AutoEnable: ebs ? 'NEW' : 'NONE',
        })
      const now = clock.now()
      const config: OrgConfigBody = {
        autoEnableOrganizationMembers: members,
        updatedAtMs: now,
        features: current.features.map((f) => {
          const r = requested.get(f.name)
          if (!r) return f
          return {
            name: f.name,
            autoEnable: r.AutoEnable ?? f.autoEnable,
            additionalConfiguration: f.additionalConfiguration.map((a) => ({
              name: a.name,
              autoEnable:
                r.AdditionalConfiguration?.find((x) => x.Name === a.name)?.AutoEnable ??
                a.autoEnable,
            })),
          }
        }),
      }
      await organizations.saveConfig(admin, config)
      if (members === 'ALL') {
        const candidates = new Set([
          ...(org.accounts ?? []),
          ...(await storage.detectors.accountsInRegion(ctx.region)),
        ])
        for (const account of candidates) {
          if (account === ctx.accountId || directory.organizationOf(account)?.id !== org.id)
            continue
          const memberScope = scopeOfAccount(admin, account)
          const other = await membership.administrator(memberScope)
          if (other && other.body.accountId !== ctx.accountId) continue
          if (await membership.isAdministrator(memberScope)) continue
          await organizations.enrol(admin, account, `${account}@organization.invalid`, false)
        }
      }
      const forAll: gd.DetectorFeatureConfiguration[] = config.features
        .filter((f) => f.autoEnable === 'ALL')
        .map((f) => ({
          Name: f.name as gd.DetectorFeature,
          Status: 'ENABLED',
          AdditionalConfiguration: f.additionalConfiguration
            .filter((a) => a.autoEnable === 'ALL')
            .map((a) => ({
              Name: a.name as gd.FeatureAdditionalConfiguration,
              Status: 'ENABLED' as const,
            })),
        }))
      if (forAll.length > 0)
        for (const member of await membership.members(admin, undefined, 10_000)) {
          if (!member.body.viaOrganization || !ASSOCIATED.includes(member.body.status)) continue
          const memberScope = scopeOfAccount(admin, member.id)
          const detector = await detectorOfScope(storage, memberScope)
          if (detector)
            await storage.detectors.update({
              ...detector,
              features: updatedFeatures(detector.features, forAll, now),
              updatedAtMs: now,
            })
        }
      return {}
    },

    async GetOrganizationStatistics(
      _input: Record<string, never>,
      ctx: ServiceContext,
    ): Promise<gd.GetOrganizationStatisticsResponse> {
      await requireDelegatedAdmin(ctx)
      const admin = scopeOf(ctx)
      const members = (await membership.members(admin, undefined, 10_000)).filter((m) =>
        ASSOCIATED.includes(m.body.status),
      )
      const counts = new Map<string, number>()
      let enabled = 0
      for (const m of members) {
        const memberScope = scopeOfAccount(admin, m.id)
        const detector = await detectorOfScope(storage, memberScope)
        if (detector?.status !== 'ENABLED') continue
        enabled++
        for (const f of detector.features)
          if (f.status === 'ENABLED') counts.set(f.name, (counts.get(f.name) ?? 0) + 1)
      }
      const config = await organizations.config(admin)
      return {
        OrganizationDetails: {
          UpdatedAt: new Date(clock.now()),
          OrganizationStatistics: {
            TotalAccountsCount: members.length + 1,
            MemberAccountsCount: members.length,
            ActiveAccountsCount: members.filter((m) => m.body.status === 'Enabled').length,
            EnabledAccountsCount: enabled,
            CountByFeature: config.features.map((f) => ({
              Name: f.name as gd.OrgFeature,
              EnabledAccountsCount: counts.get(f.name) ?? 0,
            })),
          },
        },
      }
    },
  }
}
