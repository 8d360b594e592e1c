/**
 * What the S3 detectors remember of Block Public Access: the last configuration seen per bucket
 * (`PutBucketPublicAccessBlock` / `DeleteBucketPublicAccessBlock`) and per account
 * (`PutAccountPublicAccessBlock` / `DeleteAccountPublicAccessBlock`), from successful calls. The
 * Block Public Access detector writes it; the bucket-exposure detector reads it to skip grants that
 * `RestrictPublicBuckets` (policies) or `IgnorePublicAcls` (ACLs) make ineffective, and to report
 * the settings in `publicAccess`. Unknown means "not seen", never "on".
 */
import type { BlockPublicAccess } from './s3-exposure.js'

/** Block Public Access as last seen. */
export class S3PublicAccessState {
  readonly #buckets = new Map<string, BlockPublicAccess>()
  readonly #accounts = new Map<string, BlockPublicAccess>()

  /** The bucket's own settings, if seen (bucket names are global; the account keeps them apart). */
  bucket(accountId: string, bucket: string): BlockPublicAccess | undefined {
    return this.#buckets.get(`${accountId}\u0000${bucket}`)
  }

  /** The account's settings (all Regions), if seen. */
  account(accountId: string): BlockPublicAccess | undefined {
    return this.#accounts.get(accountId)
  }

  setBucket(accountId: string, bucket: string, config: BlockPublicAccess): void {
    this.#buckets.set(`${accountId}\u0000${bucket}`, config)
  }

  setAccount(accountId: string, config: BlockPublicAccess): void {
    this.#accounts.set(accountId, config)
  }

  /** Whether a known bucket or account setting `key` is on. */
  isOn(accountId: string, bucket: string, key: keyof BlockPublicAccess): boolean {
    return this.bucket(accountId, bucket)?.[key] === true || this.account(accountId)?.[key] === true
  }
}
