/**
 * The account directory: which organization an account belongs to and which account manages it. A
 * configuration file may declare organizations (`{ id, managementAccountId, accounts }`); without one,
 * every account belongs to one development organization managed by `123456789012`.
 */
import { DEFAULT_ACCOUNT_ID } from './credential-store.js'

export interface Organization {
  /** `o-` followed by 10–32 lowercase letters or digits. */
  readonly id: string
  readonly managementAccountId: string
  /** Member accounts (besides the management account); undefined = every account. */
  readonly accounts?: readonly string[]
}

export interface AccountDirectory {
  /** The organization of `accountId`, or undefined when it belongs to none. */
  organizationOf(accountId: string): Organization | undefined
}

/** The development organization used when none is configured. */
export const DEVELOPMENT_ORGANIZATION: Organization = {
  id: 'o-vigildev0001',
  managementAccountId: DEFAULT_ACCOUNT_ID,
}

/** A directory over the configured organizations (the development one when none is given). */
export function createAccountDirectory(organizations?: readonly Organization[]): AccountDirectory {
  const orgs = organizations ?? [DEVELOPMENT_ORGANIZATION]
  return {
    organizationOf(accountId) {
      return orgs.find(
        (o) =>
          o.managementAccountId === accountId ||
          o.accounts === undefined ||
          o.accounts.includes(accountId),
      )
    },
  }
}
