/**
 * Delegated administrators of organizations, as both services keep them: one record of a service's
 * kind, whose id is the administrator's account, in the management account's scope of each region.
 */
import type { AccountDirectory, Organization } from '../auth/account-directory.js'
import type { Scope, Storage } from '../storage/ports.js'

/** The delegated administrator of `org` in `region` for records of `kind`, if one is enabled. */
export async function delegatedAdminOf(
  storage: Storage,
  kind: string,
  org: Organization,
  region: string,
): Promise<string | undefined> {
  const [admin] = await storage.resources.list(
    { accountId: org.managementAccountId, region },
    kind,
    '',
    undefined,
    1,
  )
  return admin?.id
}

/** The organization that `scope`'s account administers as delegated administrator, if any. */
export async function administeredOrganization(
  storage: Storage,
  kind: string,
  directory: AccountDirectory,
  scope: Scope,
): Promise<Organization | undefined> {
  const org = directory.organizationOf(scope.accountId)
  if (!org) return undefined
  return (await delegatedAdminOf(storage, kind, org, scope.region)) === scope.accountId
    ? org
    : undefined
}
