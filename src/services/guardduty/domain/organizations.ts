/**
 * GuardDuty in an organization: the delegated administrator chosen by the management account
 * (`guardduty:org-admin`, kept in the management account's scope), the administrator's organization
 * configuration (`guardduty:org-config`), and enrolment — making an organization account a member
 * without an invitation, creating its detector when it has none and enabling the features the
 * configuration auto-enables.
 *
 * Auto-enable (documented in `docs/guardduty-organizations.md`): NEW enrols organization accounts that
 * create their detector after the configuration was set; ALL also enrols, at the time of the update,
 * every organization account that already has a detector in the region (and every account listed for a
 * configured organization).
 */
import type { AccountDirectory, Organization } from '../../../auth/account-directory.js'
import { administeredOrganization, delegatedAdminOf } from '../../organization-admins.js'
import type { Clock } from '../../../core/clock.js'
import type { DetectorRecord, Scope, Storage } from '../../../storage/ports.js'
import type * as gd from '../generated/types.js'
import { updatedFeatures } from './detector-features.js'
import { detectorOfScope, newDetectorRecord } from './detector-record.js'
import { Membership, scopeOfAccount } from './membership.js'

export const ORG_ADMIN_KIND = 'guardduty:org-admin'
export const ORG_CONFIG_KIND = 'guardduty:org-config'

export type AutoEnable = 'NEW' | 'ALL' | 'NONE'

export interface OrgFeatureSetting {
  readonly name: string
  readonly autoEnable: AutoEnable
  readonly additionalConfiguration: readonly {
    readonly name: string
    readonly autoEnable: AutoEnable
  }[]
}

export interface OrgConfigBody {
  readonly autoEnableOrganizationMembers: AutoEnable
  readonly features: readonly OrgFeatureSetting[]
  /** Epoch milliseconds. */
  readonly updatedAtMs: number
}

const ORG_FEATURES: readonly (readonly [string, readonly string[]])[] = [
  ['S3_DATA_EVENTS', []],
  ['EKS_AUDIT_LOGS', []],
  ['EBS_MALWARE_PROTECTION', []],
  ['RDS_LOGIN_EVENTS', []],
  ['EKS_RUNTIME_MONITORING', ['EKS_ADDON_MANAGEMENT']],
  ['LAMBDA_NETWORK_LOGS', []],
  [
    'RUNTIME_MONITORING',
    ['EKS_ADDON_MANAGEMENT', 'ECS_FARGATE_AGENT_MANAGEMENT', 'EC2_AGENT_MANAGEMENT'],
  ],
]

/** The configuration of an administrator that never set one. */
export function defaultOrgConfig(nowMs: number): OrgConfigBody {
  return {
    autoEnableOrganizationMembers: 'NONE',
    features: ORG_FEATURES.map(([name, additional]) => ({
      name,
      autoEnable: 'NONE',
      additionalConfiguration: additional.map((a) => ({ name: a, autoEnable: 'NONE' as const })),
    })),
    updatedAtMs: nowMs,
  }
}

export class Organizations {
  readonly membership: Membership

  constructor(
    private readonly storage: Storage,
    readonly directory: AccountDirectory,
    private readonly clock: Clock,
  ) {
    this.membership = new Membership(storage, clock)
  }

  /** The delegated administrator of `org` in `region`, if one is enabled. */
  delegatedAdmin(org: Organization, region: string): Promise<string | undefined> {
    return delegatedAdminOf(this.storage, ORG_ADMIN_KIND, org, region)
  }

  /** The organization `scope`'s account administers as delegated administrator, if any. */
  administered(scope: Scope): Promise<Organization | undefined> {
    return administeredOrganization(this.storage, ORG_ADMIN_KIND, this.directory, scope)
  }

  /** Whether `accountId` is in the organization that `admin` administers (and is not `admin`). */
  async canEnrol(admin: Scope, accountId: string): Promise<boolean> {
    if (accountId === admin.accountId) return false
    const org = await this.administered(admin)
    return org !== undefined && this.directory.organizationOf(accountId)?.id === org.id
  }

  async config(admin: Scope): Promise<OrgConfigBody> {
    const record = await this.storage.resources.get<OrgConfigBody>({
      scope: admin,
      kind: ORG_CONFIG_KIND,
      parentId: '',
      id: 'configuration',
    })
    return record?.body ?? defaultOrgConfig(this.clock.now())
  }

  async saveConfig(admin: Scope, body: OrgConfigBody): Promise<void> {
    await this.storage.resources.apply([
      {
        put: {
          scope: admin,
          kind: ORG_CONFIG_KIND,
          parentId: '',
          id: 'configuration',
          sortKey: '',
          createdAtMs: body.updatedAtMs,
          updatedAtMs: body.updatedAtMs,
          body,
        },
      },
    ])
  }

  /**
   * Makes `accountId` an Enabled member of `admin` without an invitation; creates its detector when it
   * has none, and turns on the features the configuration auto-enables for ALL accounts (and for NEW
   * ones when `newAccount`).
   * @param newAccount the account joins now (CreateMembers, or its detector was just created); false for
   *   existing accounts enrolled by auto-enable ALL
   * @returns the member's detector
   */
  async enrol(
    admin: Scope,
    accountId: string,
    email: string,
    newAccount: boolean,
  ): Promise<DetectorRecord> {
    const applies = (a: AutoEnable) => a === 'ALL' || (a === 'NEW' && newAccount)
    const memberScope = scopeOfAccount(admin, accountId)
    const now = this.clock.now()
    const config = await this.config(admin)
    const auto: gd.DetectorFeatureConfiguration[] = config.features
      .filter((f) => applies(f.autoEnable))
      .map((f) => ({
        Name: f.name as gd.DetectorFeature,
        Status: 'ENABLED',
        AdditionalConfiguration: f.additionalConfiguration
          .filter((a) => applies(a.autoEnable))
          .map((a) => ({
            Name: a.name as gd.FeatureAdditionalConfiguration,
            Status: 'ENABLED' as const,
          })),
      }))
    let detector = await detectorOfScope(this.storage, memberScope)
    if (!detector) {
      detector = newDetectorRecord(memberScope, now, { enable: true, features: auto })
      await this.storage.detectors.insert(detector)
    } else if (auto.length > 0) {
      detector = {
        ...detector,
        features: updatedFeatures(detector.features, auto, now),
        updatedAtMs: now,
      }
      await this.storage.detectors.update(detector)
    }
    const existing = await this.membership.member(admin, accountId)
    await this.membership.putMember(
      admin,
      accountId,
      { email: existing?.body.email ?? email, status: 'Enabled', viaOrganization: true },
      existing,
    )
    await this.membership.setAdministrator(memberScope, { accountId: admin.accountId })
    return detector
  }

  /** Enrols `scope`'s account if its organization's administrator auto-enables new accounts. */
  async enrolIfAutoEnabled(scope: Scope): Promise<void> {
    const org = this.directory.organizationOf(scope.accountId)
    if (!org) return
    const admin = await this.delegatedAdmin(org, scope.region)
    if (admin === undefined || admin === scope.accountId) return
    const adminScope = scopeOfAccount(scope, admin)
    if ((await this.config(adminScope)).autoEnableOrganizationMembers === 'NONE') return
    if (await this.membership.administrator(scope)) return
    await this.enrol(adminScope, scope.accountId, `${scope.accountId}@organization.invalid`, true)
  }
}
