/**
 * Administrator–member relationships between accounts, as stored: the administrator keeps a member
 * record per account (`guardduty:member`, in its own scope); an invited account holds the invitation
 * (`guardduty:invitation`, in its scope, keyed by the inviter); an associated member holds its
 * administrator (`guardduty:administrator`). Relationships are per region, like everything else.
 *
 * `relationshipStatus` values (GuardDuty's): Created (added, not invited), Invited, Enabled
 * (associated and monitored), Disabled (associated, monitoring stopped), Removed (the administrator
 * disassociated it), Resigned (the member disassociated, or declined or deleted the invitation).
 */
import type { Clock } from '../../../core/clock.js'
import type { ResourceRecord, Scope, Storage } from '../../../storage/ports.js'

export const MEMBER_KIND = 'guardduty:member'
export const INVITATION_KIND = 'guardduty:invitation'
export const ADMINISTRATOR_KIND = 'guardduty:administrator'

export type RelationshipStatus =
  'Created' | 'Invited' | 'Enabled' | 'Disabled' | 'Removed' | 'Resigned'

/** Statuses of a member that is associated with its administrator. */
export const ASSOCIATED: readonly RelationshipStatus[] = ['Enabled', 'Disabled']

export interface MemberBody {
  readonly email: string
  readonly status: RelationshipStatus
  /** Epoch milliseconds of the last invitation. */
  readonly invitedAtMs?: number
  readonly invitationId?: string
  /** Added by an organization's delegated administrator (no invitation needed). */
  readonly viaOrganization: boolean
}

export interface InvitationBody {
  readonly invitationId: string
  /** Epoch milliseconds. */
  readonly invitedAtMs: number
}

export interface AdministratorBody {
  readonly accountId: string
  readonly invitationId?: string
  /** Epoch milliseconds. */
  readonly invitedAtMs?: number
}

/** The scope of another account in the same region. */
export function scopeOfAccount(scope: Scope, accountId: string): Scope {
  return { accountId, region: scope.region }
}

/** Reads and writes the three relationship records. */
export class Membership {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  member(admin: Scope, accountId: string): Promise<ResourceRecord<MemberBody> | undefined> {
    return this.storage.resources.get<MemberBody>({
      scope: admin,
      kind: MEMBER_KIND,
      parentId: '',
      id: accountId,
    })
  }

  /** Members of `admin` after account id `after`, at most `limit`, by account id. */
  members(
    admin: Scope,
    after: string | undefined,
    limit: number,
  ): Promise<ResourceRecord<MemberBody>[]> {
    return this.storage.resources.list<MemberBody>(
      admin,
      MEMBER_KIND,
      '',
      after === undefined ? undefined : { sortKey: after, id: after },
      limit,
    )
  }

  /** Writes a member record (new or changed). */
  async putMember(
    admin: Scope,
    accountId: string,
    body: MemberBody,
    existing?: ResourceRecord<MemberBody>,
  ) {
    const now = this.clock.now()
    await this.storage.resources.apply([
      {
        put: {
          scope: admin,
          kind: MEMBER_KIND,
          parentId: '',
          id: accountId,
          sortKey: accountId,
          createdAtMs: existing?.createdAtMs ?? now,
          updatedAtMs: now,
          body,
        },
      },
    ])
  }

  deleteMember(admin: Scope, accountId: string): Promise<boolean> {
    return this.storage.resources.delete({
      scope: admin,
      kind: MEMBER_KIND,
      parentId: '',
      id: accountId,
    })
  }

  /** Whether `scope` administers any member that is not Removed or Resigned. */
  async isAdministrator(scope: Scope): Promise<boolean> {
    const all = await this.members(scope, undefined, 10_000)
    return all.some((m) => m.body.status !== 'Removed' && m.body.status !== 'Resigned')
  }

  administrator(member: Scope): Promise<ResourceRecord<AdministratorBody> | undefined> {
    return this.storage.resources.get<AdministratorBody>({
      scope: member,
      kind: ADMINISTRATOR_KIND,
      parentId: '',
      id: 'administrator',
    })
  }

  async setAdministrator(member: Scope, body: AdministratorBody): Promise<void> {
    const now = this.clock.now()
    await this.storage.resources.apply([
      {
        put: {
          scope: member,
          kind: ADMINISTRATOR_KIND,
          parentId: '',
          id: 'administrator',
          sortKey: '',
          createdAtMs: now,
          updatedAtMs: now,
          body,
        },
      },
    ])
  }

  clearAdministrator(member: Scope): Promise<boolean> {
    return this.storage.resources.delete({
      scope: member,
      kind: ADMINISTRATOR_KIND,
      parentId: '',
      id: 'administrator',
    })
  }

  invitation(
    member: Scope,
    adminAccountId: string,
  ): Promise<ResourceRecord<InvitationBody> | undefined> {
    return this.storage.resources.get<InvitationBody>({
      scope: member,
      kind: INVITATION_KIND,
      parentId: '',
      id: adminAccountId,
    })
  }

  invitations(
    member: Scope,
    after: string | undefined,
    limit: number,
  ): Promise<ResourceRecord<InvitationBody>[]> {
    return this.storage.resources.list<InvitationBody>(
      member,
      INVITATION_KIND,
      '',
      after === undefined ? undefined : { sortKey: after, id: after },
      limit,
    )
  }

  invitationCount(member: Scope): Promise<number> {
    return this.storage.resources.count(member, INVITATION_KIND, '')
  }

  async putInvitation(member: Scope, adminAccountId: string, body: InvitationBody): Promise<void> {
    await this.storage.resources.apply([
      {
        put: {
          scope: member,
          kind: INVITATION_KIND,
          parentId: '',
          id: adminAccountId,
          sortKey: adminAccountId,
          createdAtMs: body.invitedAtMs,
          updatedAtMs: body.invitedAtMs,
          body,
        },
      },
    ])
  }

  deleteInvitation(member: Scope, adminAccountId: string): Promise<boolean> {
    return this.storage.resources.delete({
      scope: member,
      kind: INVITATION_KIND,
      parentId: '',
      id: adminAccountId,
    })
  }
}
