/**
 * Customer managed KMS keys for Inspector's code snippets: GetEncryptionKey, UpdateEncryptionKey and
 * ResetEncryptionKey, one `inspector2:encryption-key` document per (scanType, resourceType) in the
 * caller's scope. As AWS documents it, a `ResourceNotFoundException` from GetEncryptionKey means an AWS
 * owned key is in use: that is the answer until a key is set, and again after a reset. The key must be
 * a KMS key ARN of the caller's region; Vigil does not call KMS.
 */
import type { Clock } from '../../../core/clock.js'
import type { Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { ResourceNotFoundException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { getDocument, putDocument } from './pages.js'

export const ENCRYPTION_KEY_KIND = 'inspector2:encryption-key'

/** A customer managed key as stored. */
export interface EncryptionKeyBody {
  readonly kmsKeyId: string
}

export interface EncryptionKeyDeps {
  readonly storage: Storage
  readonly clock: Clock
}

const idOf = (input: { scanType: i2.ScanType; resourceType: i2.ResourceType }) =>
  `${input.scanType}:${input.resourceType}`

export function encryptionKeyHandlers({ storage, clock }: EncryptionKeyDeps) {
  const noKey = (input: { scanType: i2.ScanType; resourceType: i2.ResourceType }) =>
    new ResourceNotFoundException(
      `No customer managed key is set for scanType ${input.scanType} and resourceType ${input.resourceType}: an AWS owned key is used.`,
    )

  return {
    async GetEncryptionKey(
      input: i2.GetEncryptionKeyRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetEncryptionKeyResponse> {
      const body = await getDocument<EncryptionKeyBody>(
        storage,
        scopeOf(ctx),
        ENCRYPTION_KEY_KIND,
        idOf(input),
      )
      if (!body) throw noKey(input)
      return { kmsKeyId: body.kmsKeyId }
    },

    async UpdateEncryptionKey(
      input: i2.UpdateEncryptionKeyRequest,
      ctx: ServiceContext,
    ): Promise<i2.UpdateEncryptionKeyResponse> {
      const region = /^arn:[^:]+:kms:([^:]*):/.exec(input.kmsKeyId)?.[1]
      if (region !== ctx.region)
        throw invalidField('kmsKeyId', `The KMS key must be a key of region ${ctx.region}.`)
      await putDocument<EncryptionKeyBody>(
        storage,
        scopeOf(ctx),
        ENCRYPTION_KEY_KIND,
        idOf(input),
        { kmsKeyId: input.kmsKeyId },
        clock.now(),
      )
      return {}
    },

    async ResetEncryptionKey(
      input: i2.ResetEncryptionKeyRequest,
      ctx: ServiceContext,
    ): Promise<i2.ResetEncryptionKeyResponse> {
      await storage.resources.delete({
        scope: scopeOf(ctx),
        kind: ENCRYPTION_KEY_KIND,
        parentId: '',
        id: idOf(input),
      })
      return {}
    },
  }
}
