/**
 * The Inspector delegated administrator: EnableDelegatedAdminAccount, DisableDelegatedAdminAccount,
 * GetDelegatedAdminAccount and ListDelegatedAdminAccounts. The administrator is chosen by the
 * organization's management account, per region, and kept in the management account's scope
 * (`inspector2:delegated-admin`). Disabling the administrator removes its members, its organization
 * configuration and its organization deep-inspection paths; the members keep their own enablement. Rules in `docs/inspector-organization.md`.
 */
import type { Organization } from '../../../auth/account-directory.js'
import type { Clock } from '../../../core/clock.js'
import type { Scope, Storage } from '../../../storage/ports.js'
import { idempotent } from '../../idempotency.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import {
  AccessDeniedException,
  ConflictException,
  ResourceNotFoundException,
} from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import {
  DELEGATED_ADMIN_KIND,
  type InspectorOrganizations,
  MEMBER_KIND,
  ORG_CONFIG_KIND,
  scopeOfAccount,
} from './organization-state.js'
import { ORG_DEEP_INSPECTION_KIND } from './deep-inspection.js'
import { listAll, sortedPage } from './pages.js'

export interface DelegatedAdminDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: InspectorOrganizations
}

export function delegatedAdminHandlers({ storage, clock, organizations }: DelegatedAdminDeps) {
  /**
   * The organization the caller manages.
   * @throws AccessDeniedException when the caller is not an organization's management account
   */
  function managedOrganization(ctx: ServiceContext): Organization {
    const org = organizations.directory.organizationOf(ctx.accountId)
    if (org?.managementAccountId !== ctx.accountId)
      throw new AccessDeniedException(
        `Account ${ctx.accountId} is not the management account of an organization.`,
      )
    return org
  }

  /** Removes the administrator's record, its members and its organization configuration. */
  async function removeAdmin(management: Scope, adminId: string): Promise<void> {
    const admin = scopeOfAccount(management, adminId)
    const members = await listAll(storage, admin, MEMBER_KIND)
    await storage.resources.apply([
      ...members.map((m) => ({
        delete: { scope: admin, kind: MEMBER_KIND, parentId: '', id: m.id },
      })),
      { delete: { scope: admin, kind: ORG_CONFIG_KIND, parentId: '', id: 'configuration' } },
      {
        delete: { scope: admin, kind: ORG_DEEP_INSPECTION_KIND, parentId: '', id: 'configuration' },
      },
      { delete: { scope: management, kind: DELEGATED_ADMIN_KIND, parentId: '', id: adminId } },
    ])
  }

  return {
    async EnableDelegatedAdminAccount(
      input: i2.EnableDelegatedAdminAccountRequest,
      ctx: ServiceContext,
    ): Promise<i2.EnableDelegatedAdminAccountResponse> {
      const org = managedOrganization(ctx)
      const { clientToken, ...parameters } = input
      return idempotent({
        store: storage.idempotency,
        scope: scopeOf(ctx),
        operation: 'inspector2:EnableDelegatedAdminAccount',
        token: clientToken,
        parameters,
        mismatch: () =>
          invalidField(
            'clientToken',
            'The clientToken was already used with different parameters.',
          ),
        run: async () => {
          const id = input.delegatedAdminAccountId
          if (organizations.directory.organizationOf(id)?.id !== org.id)
            throw invalidField(
              'delegatedAdminAccountId',
              `Account ${id} is not a member of organization ${org.id}.`,
            )
          const current = await organizations.delegatedAdmin(org, ctx.region)
          if (current !== undefined && current !== id)
            throw new ConflictException(
              `Account ${current} is already the delegated administrator of organization ${org.id}.`,
              { resourceId: current, resourceType: 'DELEGATED_ADMIN_ACCOUNT' },
            )
          if (current === undefined) {
            const now = clock.now()
            await storage.resources.insert({
              scope: scopeOf(ctx),
              kind: DELEGATED_ADMIN_KIND,
              parentId: '',
              id,
              sortKey: id,
              createdAtMs: now,
              updatedAtMs: now,
              body: {},
            })
          }
          return { delegatedAdminAccountId: id }
        },
      })
    },

    async DisableDelegatedAdminAccount(
      input: i2.DisableDelegatedAdminAccountRequest,
      ctx: ServiceContext,
    ): Promise<i2.DisableDelegatedAdminAccountResponse> {
      const org = managedOrganization(ctx)
      const id = input.delegatedAdminAccountId
      if ((await organizations.delegatedAdmin(org, ctx.region)) !== id)
        throw new ResourceNotFoundException(
          `Account ${id} is not the delegated administrator of organization ${org.id}.`,
        )
      await removeAdmin(scopeOf(ctx), id)
      return { delegatedAdminAccountId: id }
    },

    async GetDelegatedAdminAccount(
      _input: i2.GetDelegatedAdminAccountRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetDelegatedAdminAccountResponse> {
      const org = organizations.directory.organizationOf(ctx.accountId)
      const admin = org ? await organizations.delegatedAdmin(org, ctx.region) : undefined
      if (!org || (org.managementAccountId !== ctx.accountId && admin !== ctx.accountId))
        throw new AccessDeniedException(
          `Account ${ctx.accountId} is neither the management account nor the delegated administrator of an organization.`,
        )
      return admin === undefined
        ? {}
        : { delegatedAdmin: { accountId: admin, relationshipStatus: 'ENABLED' } }
    },

    async ListDelegatedAdminAccounts(
      input: i2.ListDelegatedAdminAccountsRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListDelegatedAdminAccountsResponse> {
      managedOrganization(ctx)
      const admins = await listAll(storage, scopeOf(ctx), DELEGATED_ADMIN_KIND)
      const page = sortedPage(
        admins.map((a) => a.id),
        (id) => id,
        ['ListDelegatedAdminAccounts', scopeOf(ctx)],
        input.maxResults,
        input.nextToken,
        5,
      )
      return {
        delegatedAdminAccounts: page.items.map((accountId) => ({ accountId, status: 'ENABLED' })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      }
    },
  }
}
