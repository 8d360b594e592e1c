/**
 * The credential store: maps an access key id to its secret and the AWS account it acts for. The SigV4
 * verifier asks it for the secret of every signed request; the account id it returns decides which
 * tenant's data the request sees. It holds explicitly configured credentials and, when enabled, the
 * development convention of LocalStack-style emulators (secret `test`, account derived from the key).
 */

/** One access key and what it stands for. */
export interface Credential {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** The 12-digit AWS account id the key acts for. */
  readonly accountId: string
}

/** Resolves access key ids to credentials. */
export interface CredentialStore {
  /**
   * Returns the credential for `accessKeyId`, or `undefined` when the key is unknown. Never throws.
   * Lookups are case-sensitive, as in AWS.
   */
  lookup(accessKeyId: string): Credential | undefined
}

/** How {@link createCredentialStore} builds a store. */
export interface CredentialStoreOptions {
  /**
   * Enables the development credentials: access key `test` (secret `test`) acts for
   * {@link DEFAULT_ACCOUNT_ID}, and any access key id of exactly 12 digits (secret `test`) acts for the
   * account with that id.
   */
  readonly devCredentials: boolean
  /** Explicitly configured credentials; they always apply and take precedence over the dev rules. */
  readonly credentials?: readonly Credential[]
}

/** The account the development access key `test` acts for. */
export const DEFAULT_ACCOUNT_ID = '123456789012'

const DEV_ACCESS_KEY_ID = 'test'
const DEV_SECRET = 'test'
const ACCOUNT_ID = /^\d{12}$/

/**
 * Builds a credential store from configuration.
 *
 * @throws Error when an explicit credential has an empty access key id or secret, an account id that is
 *   not exactly 12 digits, or an access key id that appears more than once.
 */
export function createCredentialStore(options: CredentialStoreOptions): CredentialStore {
  const explicit = new Map<string, Credential>()
  for (const c of options.credentials ?? []) {
    if (c.accessKeyId === '' || c.secretAccessKey === '') {
      throw new Error('A credential needs a non-empty access key id and secret access key')
    }
    if (!ACCOUNT_ID.test(c.accountId)) {
      throw new Error(
        `Credential ${c.accessKeyId}: account id must be exactly 12 digits, got '${c.accountId}'`,
      )
    }
    if (explicit.has(c.accessKeyId)) {
      throw new Error(`Credential ${c.accessKeyId} is configured more than once`)
    }
    explicit.set(
      c.accessKeyId,
      Object.freeze({
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        accountId: c.accountId,
      }),
    )
  }

  if (!options.devCredentials) {
    return { lookup: (accessKeyId) => explicit.get(accessKeyId) }
  }

  const devDefault: Credential = Object.freeze({
    accessKeyId: DEV_ACCESS_KEY_ID,
    secretAccessKey: DEV_SECRET,
    accountId: DEFAULT_ACCOUNT_ID,
  })
  return {
    lookup(accessKeyId) {
      const found = explicit.get(accessKeyId)
      if (found !== undefined) return found
      if (accessKeyId === DEV_ACCESS_KEY_ID) return devDefault
      if (ACCOUNT_ID.test(accessKeyId)) {
        return { accessKeyId, secretAccessKey: DEV_SECRET, accountId: accessKeyId }
      }
      return undefined
    },
  }
}
