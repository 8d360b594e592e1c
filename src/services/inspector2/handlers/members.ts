/**
 * Inspector members: the delegated administrator's view of its organization's accounts —
 * AssociateMember, DisassociateMember, GetMember and ListMembers. Inspector has no invitations: an
 * organization account is associated directly (`relationshipStatus` ENABLED) and gets the resource types
 * the organization configuration auto-enables. DisassociateMember keeps the record with status REMOVED
 * (listed with `onlyAssociated: false`, still readable by GetMember) and leaves the member's own
 * enablement as it is. Also DescribeOrganizationConfiguration and UpdateOrganizationConfiguration.
 */
import type { Clock } from '../../../core/clock.js'
import type { Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { ResourceNotFoundException, ServiceQuotaExceededException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { type accountEnablement, KEY_OF } from './account-status.js'
import {
  DEFAULT_AUTO_ENABLE,
  type InspectorOrganizations,
  MEMBER_KIND,
  type MemberBody,
  ORG_CONFIG_KIND,
  type OrgConfigBody,
  scopeOfAccount,
} from './organization-state.js'
import { putDocument, sortedPage } from './pages.js'

/** Members an administrator may have, as AWS documents it. */
export const MAX_MEMBERS = 10_000

export interface MembersDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: InspectorOrganizations
  readonly enablement: ReturnType<typeof accountEnablement>
}

const AUTO_ENABLE_TYPES: readonly (keyof Required<i2.AutoEnable>)[] = [
  'ec2',
  'ecr',
  'lambda',
  'lambdaCode',
  'codeRepository',
]
const TYPE_OF: Record<keyof Required<i2.AutoEnable>, i2.ResourceScanType> = {
  ec2: 'EC2',
  ecr: 'ECR',
  lambda: 'LAMBDA',
  lambdaCode: 'LAMBDA_CODE',
  codeRepository: 'CODE_REPOSITORY',
}

export function memberHandlers({ storage, clock, organizations, enablement }: MembersDeps) {
  const toMember = (
    adminId: string,
    record: { id: string; updatedAtMs: number; body: MemberBody },
  ): i2.Member => ({
    accountId: record.id,
    relationshipStatus: record.body.relationshipStatus,
    delegatedAdminAccountId: adminId,
    updatedAt: new Date(record.updatedAtMs),
  })

  return {
    async AssociateMember(
      input: i2.AssociateMemberRequest,
      ctx: ServiceContext,
    ): Promise<i2.AssociateMemberResponse> {
      const admin = scopeOf(ctx)
      const org = await organizations.requireAdmin(admin)
      const id = input.accountId
      if (id === ctx.accountId)
        throw invalidField('accountId', 'The delegated administrator cannot be its own member.')
      if (organizations.directory.organizationOf(id)?.id !== org.id)
        throw invalidField('accountId', `Account ${id} is not a member of organization ${org.id}.`)
      if (await organizations.isAssociated(admin, id)) return { accountId: id }
      const members = await organizations.members(admin)
      if (members.filter((m) => m.body.relationshipStatus === 'ENABLED').length >= MAX_MEMBERS)
        throw new ServiceQuotaExceededException(
          `The delegated administrator already has ${MAX_MEMBERS} members.`,
          { resourceId: id },
        )
      await putDocument<MemberBody>(
        storage,
        admin,
        MEMBER_KIND,
        id,
        { relationshipStatus: 'ENABLED' },
        clock.now(),
      )
      const { autoEnable } = await organizations.config(admin)
      const keys = AUTO_ENABLE_TYPES.filter((t) => autoEnable[t]).map((t) => KEY_OF[TYPE_OF[t]])
      if (keys.length > 0) await enablement.change(scopeOfAccount(admin, id), keys, 'ENABLED')
      return { accountId: id }
    },

    async DisassociateMember(
      input: i2.DisassociateMemberRequest,
      ctx: ServiceContext,
    ): Promise<i2.DisassociateMemberResponse> {
      const admin = scopeOf(ctx)
      await organizations.requireAdmin(admin)
      if (!(await organizations.isAssociated(admin, input.accountId)))
        throw invalidField('accountId', `Account ${input.accountId} is not an associated member.`)
      await putDocument<MemberBody>(
        storage,
        admin,
        MEMBER_KIND,
        input.accountId,
        { relationshipStatus: 'REMOVED' },
        clock.now(),
      )
      return { accountId: input.accountId }
    },

    async GetMember(
      input: i2.GetMemberRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetMemberResponse> {
      const admin = scopeOf(ctx)
      await organizations.requireAdmin(admin)
      const record = await storage.resources.get<MemberBody>({
        scope: admin,
        kind: MEMBER_KIND,
        parentId: '',
        id: input.accountId,
      })
      if (!record)
        throw new ResourceNotFoundException(`Account ${input.accountId} is not a member.`)
      return { member: toMember(ctx.accountId, record) }
    },

    async ListMembers(
      input: i2.ListMembersRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListMembersResponse> {
      const admin = scopeOf(ctx)
      const onlyAssociated = input.onlyAssociated ?? true
      const members = (await organizations.members(admin)).filter(
        (m) => !onlyAssociated || m.body.relationshipStatus === 'ENABLED',
      )
      const page = sortedPage(
        members,
        (m) => m.id,
        ['ListMembers', admin, onlyAssociated],
        input.maxResults,
        input.nextToken,
        50,
      )
      return {
        members: page.items.map((m) => toMember(ctx.accountId, m)),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      }
    },

    async DescribeOrganizationConfiguration(
      _input: i2.DescribeOrganizationConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.DescribeOrganizationConfigurationResponse> {
      const admin = scopeOf(ctx)
      await organizations.requireAdmin(admin)
      const { autoEnable } = await organizations.config(admin)
      const members = await organizations.members(admin)
      return {
        autoEnable,
        maxAccountLimitReached:
          members.filter((m) => m.body.relationshipStatus === 'ENABLED').length >= MAX_MEMBERS,
      }
    },

    async UpdateOrganizationConfiguration(
      input: i2.UpdateOrganizationConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.UpdateOrganizationConfigurationResponse> {
      const admin = scopeOf(ctx)
      await organizations.requireAdmin(admin)
      const current = await organizations.config(admin)
      const autoEnable: Required<i2.AutoEnable> = { ...DEFAULT_AUTO_ENABLE, ...current.autoEnable }
      for (const t of AUTO_ENABLE_TYPES) {
        const value = input.autoEnable[t]
        if (value !== undefined) autoEnable[t] = value
      }
      await putDocument<OrgConfigBody>(
        storage,
        admin,
        ORG_CONFIG_KIND,
        'configuration',
        { autoEnable },
        clock.now(),
      )
      return { autoEnable }
    },
  }
}
