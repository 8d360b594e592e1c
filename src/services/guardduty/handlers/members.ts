/**
 * GuardDuty administrator and member accounts: CreateMembers, InviteMembers, GetMembers, ListMembers,
 * DeleteMembers, DisassociateMembers, Start/StopMonitoringMembers and Get/UpdateMemberDetectors on the
 * administrator's side; ListInvitations, GetInvitationsCount, AcceptAdministratorInvitation
 * (AcceptInvitation), DeclineInvitations, DeleteInvitations, GetAdministratorAccount (GetMasterAccount)
 * and DisassociateFromAdministratorAccount (DisassociateFromMasterAccount) on the member's. The
 * deprecated "master" operations are the same operations under their old names and shapes.
 *
 * Rules: an account cannot be both administrator and member; an organization's delegated administrator
 * adds organization accounts as Enabled members without invitations; accounts that cannot be acted on
 * come back in `unprocessedAccounts` with the reason, the others are processed.
 */
import type { Clock } from '../../../core/clock.js'
import { randomHex } from '../../../core/ids.js'
import type { ResourceRecord, Scope, Storage } from '../../../storage/ports.js'
import { decodePageToken, encodePageToken, queryFingerprint } from '../../page-token.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import {
  dataSourcesResult,
  featuresResult,
  FOUNDATIONAL_SOURCES,
  requestedFeatures,
  updatedFeatures,
} from '../domain/detector-features.js'
import {
  ASSOCIATED,
  scopeOfAccount,
  type MemberBody,
  type RelationshipStatus,
} from '../domain/membership.js'
import { detectorOfScope } from '../domain/detector-record.js'
import type { Organizations } from '../domain/organizations.js'
import type * as gd from '../generated/types.js'
import { invalidInput, invalidNextToken } from '../guardduty-errors.js'
import { requireDetector } from './detectors.js'

export interface MemberHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: Organizations
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())

const unprocessed = (AccountId: string, Result: string): gd.UnprocessedAccount => ({
  AccountId,
  Result,
})

export function memberHandlers({ storage, clock, organizations }: MemberHandlerDeps) {
  const membership = organizations.membership

  async function memberDetectorId(admin: Scope, accountId: string): Promise<string | undefined> {
    const [id] = await storage.detectors.listIds(scopeOfAccount(admin, accountId), undefined, 1)
    return id
  }

  async function view(admin: Scope, record: ResourceRecord<MemberBody>): Promise<gd.Member> {
    const detectorId = ASSOCIATED.includes(record.body.status)
      ? await memberDetectorId(admin, record.id)
      : undefined
    const invitedAt = iso(record.body.invitedAtMs)
    return {
      AccountId: record.id,
      ...(detectorId !== undefined ? { DetectorId: detectorId } : {}),
      MasterId: admin.accountId,
      AdministratorId: admin.accountId,
      Email: record.body.email,
      RelationshipStatus: record.body.status,
      ...(invitedAt !== undefined ? { InvitedAt: invitedAt } : {}),
      UpdatedAt: new Date(record.updatedAtMs).toISOString(),
    }
  }

  /** Sets a member's status (and detaches it from its administrator when it leaves Enabled/Disabled). */
  async function setStatus(
    admin: Scope,
    record: ResourceRecord<MemberBody>,
    status: RelationshipStatus,
  ) {
    const { invitationId: _i, ...rest } = record.body
    const keepInvitation = status === 'Invited' || ASSOCIATED.includes(status)
    await membership.putMember(
      admin,
      record.id,
      keepInvitation ? { ...record.body, status } : { ...rest, status },
      record,
    )
    if (!ASSOCIATED.includes(status)) {
      const memberScope = scopeOfAccount(admin, record.id)
      const administrator = await membership.administrator(memberScope)
      if (administrator?.body.accountId === admin.accountId)
        await membership.clearAdministrator(memberScope)
      await membership.deleteInvitation(memberScope, admin.accountId)
    }
  }

  /** Applies `act` to each listed member of the caller; others are unprocessed. */
  async function forMembers(
    ctx: ServiceContext,
    accountIds: readonly string[],
    act: (admin: Scope, record: ResourceRecord<MemberBody>) => Promise<string | undefined>,
  ): Promise<gd.UnprocessedAccount[]> {
    const admin = scopeOf(ctx)
    const out: gd.UnprocessedAccount[] = []
    for (const id of accountIds) {
      const record = await membership.member(admin, id)
      if (!record) {
        out.push(
          unprocessed(
            id,
            'The request is rejected because the input account is not a member of the current account.',
          ),
        )
        continue
      }
      const problem = await act(admin, record)
      if (problem !== undefined) out.push(unprocessed(id, problem))
    }
    return out
  }

  /** An associated member's detector, or the reason it cannot be acted on. */
  async function associatedDetector(admin: Scope, record: ResourceRecord<MemberBody>) {
    if (!ASSOCIATED.includes(record.body.status))
      return 'The request is rejected because the account is not associated with the current account.'
    const detector = await detectorOfScope(storage, scopeOfAccount(admin, record.id))
    return (
      detector ??
      'The request is rejected because the member account has no detector in this region.'
    )
  }

  /** Starts (Enabled) or stops (Disabled) monitoring associated members. */
  async function setMonitoring(
    ctx: ServiceContext,
    detectorId: string,
    accountIds: readonly string[],
    status: 'Enabled' | 'Disabled',
  ): Promise<{ UnprocessedAccounts: gd.UnprocessedAccount[] }> {
    await requireDetector(storage, ctx, detectorId)
    const UnprocessedAccounts = await forMembers(ctx, accountIds, async (admin, record) => {
      if (!ASSOCIATED.includes(record.body.status))
        return 'The request is rejected because the account is not associated with the current account.'
      await membership.putMember(admin, record.id, { ...record.body, status }, record)
      return undefined
    })
    return { UnprocessedAccounts }
  }

  async function acceptInvitation(
    ctx: ServiceContext,
    detectorId: string,
    adminId: string,
    invitationId: string,
  ) {
    await requireDetector(storage, ctx, detectorId)
    const scope = scopeOf(ctx)
    const invitation = await membership.invitation(scope, adminId)
    if (!invitation || invitation.body.invitationId !== invitationId)
      throw invalidInput('The request is rejected because the input invitationId is not valid.')
    if (await membership.isAdministrator(scope))
      throw invalidInput(
        'The request is rejected because the current account is an administrator account and cannot become a member.',
      )
    const current = await membership.administrator(scope)
    if (current && current.body.accountId !== adminId)
      throw invalidInput(
        'The request is rejected because the current account is already associated with an administrator account.',
      )
    const adminScope = scopeOfAccount(scope, adminId)
    const record = await membership.member(adminScope, ctx.accountId)
    if (!record || record.body.status !== 'Invited')
      throw invalidInput('The request is rejected because the invitation is no longer valid.')
    await membership.setAdministrator(scope, {
      accountId: adminId,
      invitationId,
      invitedAtMs: invitation.body.invitedAtMs,
    })
    await membership.deleteInvitation(scope, adminId)
    await membership.putMember(
      adminScope,
      ctx.accountId,
      { ...record.body, status: 'Enabled' },
      record,
    )
    return {}
  }

  async function administratorOf(
    ctx: ServiceContext,
    detectorId: string,
  ): Promise<gd.Administrator> {
    await requireDetector(storage, ctx, detectorId)
    const record = await membership.administrator(scopeOf(ctx))
    if (!record) return {}
    const adminScope = scopeOfAccount(scopeOf(ctx), record.body.accountId)
    const member = await membership.member(adminScope, ctx.accountId)
    const invitedAt = iso(record.body.invitedAtMs)
    return {
      AccountId: record.body.accountId,
      ...(record.body.invitationId !== undefined ? { InvitationId: record.body.invitationId } : {}),
      RelationshipStatus: member?.body.status ?? 'Enabled',
      ...(invitedAt !== undefined ? { InvitedAt: invitedAt } : {}),
    }
  }

  async function leaveAdministrator(ctx: ServiceContext, detectorId: string) {
    await requireDetector(storage, ctx, detectorId)
    const scope = scopeOf(ctx)
    const record = await membership.administrator(scope)
    if (!record)
      throw invalidInput(
        'The request is rejected because the current account is not associated with an administrator account.',
      )
    await membership.clearAdministrator(scope)
    const adminScope = scopeOfAccount(scope, record.body.accountId)
    const member = await membership.member(adminScope, ctx.accountId)
    if (member)
      await membership.putMember(
        adminScope,
        ctx.accountId,
        { ...member.body, status: 'Resigned' },
        member,
      )
    return {}
  }

  async function resignInvitations(ctx: ServiceContext, accountIds: readonly string[]) {
    const scope = scopeOf(ctx)
    const out: gd.UnprocessedAccount[] = []
    for (const adminId of accountIds) {
      if (!(await membership.deleteInvitation(scope, adminId))) {
        out.push(
          unprocessed(
            adminId,
            'The request is rejected because there is no invitation from this account.',
          ),
        )
        continue
      }
      const adminScope = scopeOfAccount(scope, adminId)
      const member = await membership.member(adminScope, ctx.accountId)
      if (member?.body.status === 'Invited')
        await membership.putMember(
          adminScope,
          ctx.accountId,
          { ...member.body, status: 'Resigned' },
          member,
        )
    }
    return { UnprocessedAccounts: out }
  }

  return {
    async CreateMembers(
      input: gd.CreateMembersRequest,
      ctx: ServiceContext,
    ): Promise<gd.CreateMembersResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const admin = scopeOf(ctx)
      if (await membership.administrator(admin))
        throw invalidInput(
          'The request is rejected because the current account is a member account and cannot add members.',
        )
      const out: gd.UnprocessedAccount[] = []
      for (const { AccountId, Email } of input.AccountDetails) {
        if (AccountId === ctx.accountId) {
          out.push(
            unprocessed(
              AccountId,
              'The request is rejected because the current account cannot be its own member.',
            ),
          )
          continue
        }
        const memberScope = scopeOfAccount(admin, AccountId)
        const existing = await membership.member(admin, AccountId)
        if (existing && existing.body.status !== 'Removed' && existing.body.status !== 'Resigned') {
          out.push(
            unprocessed(
              AccountId,
              'The request is rejected because the account is already a member.',
            ),
          )
          continue
        }
        if (await membership.isAdministrator(memberScope)) {
          out.push(
            unprocessed(
              AccountId,
              'The request is rejected because the account is an administrator account.',
            ),
          )
          continue
        }
        const otherAdmin = await membership.administrator(memberScope)
        if (otherAdmin && otherAdmin.body.accountId !== ctx.accountId) {
          out.push(
            unprocessed(
              AccountId,
              'The request is rejected because the account is already associated with another administrator account.',
            ),
          )
          continue
        }
        if (await organizations.canEnrol(admin, AccountId))
          await organizations.enrol(admin, AccountId, Email, true)
        else
          await membership.putMember(
            admin,
            AccountId,
            { email: Email, status: 'Created', viaOrganization: false },
            existing,
          )
      }
      return { UnprocessedAccounts: out }
    },

    async InviteMembers(
      input: gd.InviteMembersRequest,
      ctx: ServiceContext,
    ): Promise<gd.InviteMembersResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const UnprocessedAccounts = await forMembers(ctx, input.AccountIds, async (admin, record) => {
        if (ASSOCIATED.includes(record.body.status))
          return 'The request is rejected because the account is already associated with the current account.'
        const memberScope = scopeOfAccount(admin, record.id)
        const other = await membership.administrator(memberScope)
        if (other && other.body.accountId !== admin.accountId)
          return 'The request is rejected because the account is already associated with another administrator account.'
        const invitedAtMs = clock.now()
        const invitationId = randomHex(32)
        await membership.putMember(
          admin,
          record.id,
          { ...record.body, status: 'Invited', invitedAtMs, invitationId },
          record,
        )
        await membership.putInvitation(memberScope, admin.accountId, { invitationId, invitedAtMs })
        return undefined
      })
      return { UnprocessedAccounts }
    },

    async GetMembers(
      input: gd.GetMembersRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetMembersResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const admin = scopeOf(ctx)
      const Members: gd.Member[] = []
      const UnprocessedAccounts = await forMembers(ctx, input.AccountIds, async (_a, record) => {
        Members.push(await view(admin, record))
        return undefined
      })
      return { Members, UnprocessedAccounts }
    },

    async ListMembers(
      input: gd.ListMembersRequest,
      ctx: ServiceContext,
    ): Promise<gd.ListMembersResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const admin = scopeOf(ctx)
      const onlyAssociated = (input.OnlyAssociated ?? 'true').toLowerCase() !== 'false'
      const limit = input.MaxResults ?? 50
      const fingerprint = queryFingerprint(['guardduty:ListMembers', admin, onlyAssociated])
      let after: string | undefined
      if (input.NextToken !== undefined) {
        const key = decodePageToken(input.NextToken, fingerprint)?.key
        if (typeof key !== 'string') throw invalidNextToken()
        after = key
      }
      const Members: gd.Member[] = []
      let more = false
      let last: string | undefined
      // Scan forward in batches until a page of matching members is full.
      for (let cursor = after; ;) {
        const batch = await membership.members(admin, cursor, 200)
        for (const record of batch) {
          if (onlyAssociated && !ASSOCIATED.includes(record.body.status)) continue
          if (Members.length === limit) {
            more = true
            break
          }
          Members.push(await view(admin, record))
          last = record.id
        }
        if (more || batch.length < 200) break
        cursor = batch.at(-1)?.id
      }
      return {
        Members,
        ...(more && last !== undefined ? { NextToken: encodePageToken(fingerprint, last) } : {}),
      }
    },

    async DisassociateMembers(
      input: gd.DisassociateMembersRequest,
      ctx: ServiceContext,
    ): Promise<gd.DisassociateMembersResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const UnprocessedAccounts = await forMembers(ctx, input.AccountIds, async (admin, record) => {
        await setStatus(admin, record, 'Removed')
        return undefined
      })
      return { UnprocessedAccounts }
    },

    async DeleteMembers(
      input: gd.DeleteMembersRequest,
      ctx: ServiceContext,
    ): Promise<gd.DeleteMembersResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const UnprocessedAccounts = await forMembers(ctx, input.AccountIds, async (admin, record) => {
        await setStatus(admin, record, 'Removed')
        await membership.deleteMember(admin, record.id)
        return undefined
      })
      return { UnprocessedAccounts }
    },

    StartMonitoringMembers: (input: gd.StartMonitoringMembersRequest, ctx: ServiceContext) =>
      setMonitoring(ctx, input.DetectorId, input.AccountIds, 'Enabled'),
    StopMonitoringMembers: (input: gd.StopMonitoringMembersRequest, ctx: ServiceContext) =>
      setMonitoring(ctx, input.DetectorId, input.AccountIds, 'Disabled'),

    async GetMemberDetectors(
      input: gd.GetMemberDetectorsRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetMemberDetectorsResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const configurations: gd.MemberDataSourceConfiguration[] = []
      const UnprocessedAccounts = await forMembers(ctx, input.AccountIds, async (admin, record) => {
        const detector = await associatedDetector(admin, record)
        if (typeof detector === 'string') return detector
        configurations.push({
          AccountId: record.id,
          DataSources: dataSourcesResult(detector.features, record.id),
          // Members report the optional features only (the foundational sources are always on).
          Features: featuresResult(
            detector.features.filter((f) => !FOUNDATIONAL_SOURCES.includes(f.name)),
          ) as gd.MemberFeaturesConfigurationResult[],
        })
        return undefined
      })
      return { MemberDataSourceConfigurations: configurations, UnprocessedAccounts }
    },

    async UpdateMemberDetectors(
      input: gd.UpdateMemberDetectorsRequest,
      ctx: ServiceContext,
    ): Promise<gd.UpdateMemberDetectorsResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const changes = requestedFeatures(input.Features, input.DataSources)
      const UnprocessedAccounts = await forMembers(ctx, input.AccountIds, async (admin, record) => {
        const detector = await associatedDetector(admin, record)
        if (typeof detector === 'string') return detector
        const now = clock.now()
        await storage.detectors.update({
          ...detector,
          features: updatedFeatures(detector.features, changes, now),
          updatedAtMs: now,
        })
        return undefined
      })
      return { UnprocessedAccounts }
    },

    async ListInvitations(
      input: gd.ListInvitationsRequest,
      ctx: ServiceContext,
    ): Promise<gd.ListInvitationsResponse> {
      const scope = scopeOf(ctx)
      const limit = input.MaxResults ?? 50
      const fingerprint = queryFingerprint(['guardduty:ListInvitations', scope])
      let after: string | undefined
      if (input.NextToken !== undefined) {
        const key = decodePageToken(input.NextToken, fingerprint)?.key
        if (typeof key !== 'string') throw invalidNextToken()
        after = key
      }
      const page = await membership.invitations(scope, after, limit + 1)
      const items = page.slice(0, limit)
      const last = items.at(-1)
      return {
        Invitations: items.map((i) => ({
          AccountId: i.id,
          InvitationId: i.body.invitationId,
          RelationshipStatus: 'Invited',
          InvitedAt: new Date(i.body.invitedAtMs).toISOString(),
        })),
        ...(page.length > limit && last
          ? { NextToken: encodePageToken(fingerprint, last.id) }
          : {}),
      }
    },

    async GetInvitationsCount(
      _input: gd.GetInvitationsCountRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetInvitationsCountResponse> {
      return { InvitationsCount: await membership.invitationCount(scopeOf(ctx)) }
    },

    AcceptAdministratorInvitation: (
      input: gd.AcceptAdministratorInvitationRequest,
      ctx: ServiceContext,
    ) => acceptInvitation(ctx, input.DetectorId, input.AdministratorId, input.InvitationId),
    AcceptInvitation: (input: gd.AcceptInvitationRequest, ctx: ServiceContext) =>
      acceptInvitation(ctx, input.DetectorId, input.MasterId, input.InvitationId),
    DeclineInvitations: (input: gd.DeclineInvitationsRequest, ctx: ServiceContext) =>
      resignInvitations(ctx, input.AccountIds),
    DeleteInvitations: (input: gd.DeleteInvitationsRequest, ctx: ServiceContext) =>
      resignInvitations(ctx, input.AccountIds),
    async GetAdministratorAccount(
      input: gd.GetAdministratorAccountRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetAdministratorAccountResponse> {
      return { Administrator: await administratorOf(ctx, input.DetectorId) }
    },
    async GetMasterAccount(
      input: gd.GetMasterAccountRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetMasterAccountResponse> {
      return { Master: await administratorOf(ctx, input.DetectorId) }
    },
    DisassociateFromAdministratorAccount: (
      input: gd.DisassociateFromAdministratorAccountRequest,
      ctx: ServiceContext,
    ) => leaveAdministrator(ctx, input.DetectorId),
    DisassociateFromMasterAccount: (
      input: gd.DisassociateFromMasterAccountRequest,
      ctx: ServiceContext,
    ) => leaveAdministrator(ctx, input.DetectorId),
  }
}
