/**
 * EC2 deep inspection: GetEc2DeepInspectionConfiguration and UpdateEc2DeepInspectionConfiguration for
 * the caller's account (`inspector2:deep-inspection`), UpdateOrgEc2DeepInspectionConfiguration for the
 * delegated administrator's organization-wide package paths (`inspector2:org-deep-inspection` in the
 * administrator's scope, reported to the administrator and its associated members as
 * `orgPackagePaths`), and the administrator's batch read and update of its members' activation.
 * Activation applies at once: status ACTIVATED or DEACTIVATED, never PENDING.
 */
import type { Clock } from '../../../core/clock.js'
import type { Scope, Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { type InspectorOrganizations, scopeOfAccount } from './organization-state.js'
import { getDocument, putDocument } from './pages.js'

export const DEEP_INSPECTION_KIND = 'inspector2:deep-inspection'
export const ORG_DEEP_INSPECTION_KIND = 'inspector2:org-deep-inspection'

/** One account's deep inspection settings. */
export interface DeepInspectionBody {
  readonly activated: boolean
  readonly packagePaths: readonly string[]
}

/** The administrator's organization-wide package paths. */
export interface OrgDeepInspectionBody {
  readonly orgPackagePaths: readonly string[]
}

export interface DeepInspectionDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: InspectorOrganizations
}

export function deepInspectionHandlers({ storage, clock, organizations }: DeepInspectionDeps) {
  const settings = async (scope: Scope): Promise<DeepInspectionBody> =>
    (await getDocument<DeepInspectionBody>(
      storage,
      scope,
      DEEP_INSPECTION_KIND,
      'configuration',
    )) ?? {
      activated: false,
      packagePaths: [],
    }

  /** The org package paths that apply to `scope`: its own as administrator, else its administrator's. */
  async function orgPaths(scope: Scope): Promise<string[]> {
    const org = organizations.directory.organizationOf(scope.accountId)
    const adminId = org ? await organizations.delegatedAdmin(org, scope.region) : undefined
    if (adminId === undefined) return []
    const admin = scopeOfAccount(scope, adminId)
    if (adminId !== scope.accountId && !(await organizations.isAssociated(admin, scope.accountId)))
      return []
    const body = await getDocument<OrgDeepInspectionBody>(
      storage,
      admin,
      ORG_DEEP_INSPECTION_KIND,
      'configuration',
    )
    return [...(body?.orgPackagePaths ?? [])]
  }

  async function view(scope: Scope): Promise<i2.GetEc2DeepInspectionConfigurationResponse> {
    const body = await settings(scope)
    return {
      packagePaths: [...body.packagePaths],
      orgPackagePaths: await orgPaths(scope),
      status: body.activated ? 'ACTIVATED' : 'DEACTIVATED',
    }
  }

  /**
   * The caller's own scope and its associated members among `accountIds`, and the others as failures.
   * @param accountIds undefined or empty = the caller only
   */
  async function targets(ctx: ServiceContext, accountIds: readonly string[] | undefined) {
    const own = scopeOf(ctx)
    const ids = accountIds?.length ? [...new Set(accountIds)] : [ctx.accountId]
    const scopes: Scope[] = []
    const failed: i2.FailedMemberAccountEc2DeepInspectionStatusState[] = []
    for (const id of ids) {
      if (id === ctx.accountId) scopes.push(own)
      else if (await organizations.isAssociated(own, id)) scopes.push(scopeOfAccount(own, id))
      else
        failed.push({
          accountId: id,
          errorMessage: `Account ${id} is not an associated member of the caller.`,
        })
    }
    return { scopes, failed }
  }

  async function save(scope: Scope, body: DeepInspectionBody): Promise<void> {
    await putDocument(storage, scope, DEEP_INSPECTION_KIND, 'configuration', body, clock.now())
  }

  return {
    async GetEc2DeepInspectionConfiguration(
      _input: i2.GetEc2DeepInspectionConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetEc2DeepInspectionConfigurationResponse> {
      return view(scopeOf(ctx))
    },

    async UpdateEc2DeepInspectionConfiguration(
      input: i2.UpdateEc2DeepInspectionConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.UpdateEc2DeepInspectionConfigurationResponse> {
      if (input.activateDeepInspection === undefined && input.packagePaths === undefined)
        throw invalidField(
          'activateDeepInspection',
          'At least one of activateDeepInspection and packagePaths must be given.',
        )
      const scope = scopeOf(ctx)
      const current = await settings(scope)
      await save(scope, {
        activated: input.activateDeepInspection ?? current.activated,
        packagePaths: input.packagePaths ? [...new Set(input.packagePaths)] : current.packagePaths,
      })
      return view(scope)
    },

    async UpdateOrgEc2DeepInspectionConfiguration(
      input: i2.UpdateOrgEc2DeepInspectionConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.UpdateOrgEc2DeepInspectionConfigurationResponse> {
      const admin = scopeOf(ctx)
      await organizations.requireAdmin(admin)
      await putDocument<OrgDeepInspectionBody>(
        storage,
        admin,
        ORG_DEEP_INSPECTION_KIND,
        'configuration',
        { orgPackagePaths: [...new Set(input.orgPackagePaths)] },
        clock.now(),
      )
      return {}
    },

    async BatchGetMemberEc2DeepInspectionStatus(
      input: i2.BatchGetMemberEc2DeepInspectionStatusRequest,
      ctx: ServiceContext,
    ): Promise<i2.BatchGetMemberEc2DeepInspectionStatusResponse> {
      const { scopes, failed } = await targets(ctx, input.accountIds)
      const accountIds: i2.MemberAccountEc2DeepInspectionStatusState[] = []
      for (const scope of scopes)
        accountIds.push({
          accountId: scope.accountId,
          status: (await settings(scope)).activated ? 'ACTIVATED' : 'DEACTIVATED',
        })
      return { accountIds, failedAccountIds: failed }
    },

    async BatchUpdateMemberEc2DeepInspectionStatus(
      input: i2.BatchUpdateMemberEc2DeepInspectionStatusRequest,
      ctx: ServiceContext,
    ): Promise<i2.BatchUpdateMemberEc2DeepInspectionStatusResponse> {
      const wanted = new Map(input.accountIds.map((a) => [a.accountId, a.activateDeepInspection]))
      if (wanted.size === 0) return { accountIds: [], failedAccountIds: [] }
      const { scopes, failed } = await targets(ctx, [...wanted.keys()])
      const accountIds: i2.MemberAccountEc2DeepInspectionStatusState[] = []
      for (const scope of scopes) {
        const activated = wanted.get(scope.accountId) ?? false
        await save(scope, { ...(await settings(scope)), activated })
        accountIds.push({
          accountId: scope.accountId,
          status: activated ? 'ACTIVATED' : 'DEACTIVATED',
        })
      }
      return { accountIds, failedAccountIds: failed }
    },
  }
}
