/**
 * Inspector in an organization — the records every organization operation shares, kept in the generic
 * `ResourceStore`:
 *
 * - `inspector2:delegated-admin` — the delegated administrator chosen by the management account, one
 *   record (id = the administrator's account id) in the management account's scope per region;
 * - `inspector2:member` — the administrator's members (id = member account id) in the administrator's
 *   scope, with `relationshipStatus` ENABLED while associated and REMOVED after DisassociateMember;
 * - `inspector2:org-config` — the administrator's auto-enable settings (`configuration`).
 *
 * A member's own state (enablement, configuration, ...) stays in the member's scope; the administrator
 * acts on it through `memberScope`.
 */
import type { AccountDirectory, Organization } from '../../../auth/account-directory.js'
import { administeredOrganization, delegatedAdminOf } from '../../organization-admins.js'
import type { Scope, Storage } from '../../../storage/ports.js'
import { AccessDeniedException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { getDocument, listAll } from './pages.js'

export const DELEGATED_ADMIN_KIND = 'inspector2:delegated-admin'
export const MEMBER_KIND = 'inspector2:member'
export const ORG_CONFIG_KIND = 'inspector2:org-config'

/** A member as stored in its administrator's scope. */
export interface MemberBody {
  readonly relationshipStatus: 'ENABLED' | 'REMOVED'
}

/** The administrator's auto-enable settings, as the API names them. */
export interface OrgConfigBody {
  readonly autoEnable: Required<i2.AutoEnable>
}

/** Auto-enable of an administrator that never set one: nothing. */
export const DEFAULT_AUTO_ENABLE: Required<i2.AutoEnable> = {
  ec2: false,
  ecr: false,
  lambda: false,
  lambdaCode: false,
  codeRepository: false,
}

/** The (account, region) scope of `accountId` in the region of `scope`. */
export function scopeOfAccount(scope: Scope, accountId: string): Scope {
  return { accountId, region: scope.region }
}

/** Organization lookups over the account directory and the stored records. */
export class InspectorOrganizations {
  constructor(
    private readonly storage: Storage,
    readonly directory: AccountDirectory,
  ) {}

  /** The delegated administrator of `org` in `region`, if one is enabled. */
  delegatedAdmin(org: Organization, region: string): Promise<string | undefined> {
    return delegatedAdminOf(this.storage, DELEGATED_ADMIN_KIND, org, region)
  }

  /** The organization `scope`'s account administers as delegated administrator, if any. */
  administered(scope: Scope): Promise<Organization | undefined> {
    return administeredOrganization(this.storage, DELEGATED_ADMIN_KIND, this.directory, scope)
  }

  /**
   * The organization `scope`'s account administers.
   * @throws AccessDeniedException when it is not a delegated administrator in this region
   */
  async requireAdmin(scope: Scope): Promise<Organization> {
    const org = await this.administered(scope)
    if (!org)
      throw new AccessDeniedException(
        `Account ${scope.accountId} is not the Inspector delegated administrator of an organization in ${scope.region}.`,
      )
    return org
  }

  /** Whether `accountId` is an associated (ENABLED) member of the administrator `admin`. */
  async isAssociated(admin: Scope, accountId: string): Promise<boolean> {
    const record = await this.storage.resources.get<MemberBody>({
      scope: admin,
      kind: MEMBER_KIND,
      parentId: '',
      id: accountId,
    })
    return record?.body.relationshipStatus === 'ENABLED'
  }

  /** The members of `admin` (associated and removed), by account id. */
  async members(admin: Scope) {
    return listAll<MemberBody>(this.storage, admin, MEMBER_KIND)
  }

  /** The auto-enable settings of the administrator `admin`. */
  async config(admin: Scope): Promise<OrgConfigBody> {
    return (
      (await getDocument<OrgConfigBody>(this.storage, admin, ORG_CONFIG_KIND, 'configuration')) ?? {
        autoEnable: DEFAULT_AUTO_ENABLE,
      }
    )
  }
}
