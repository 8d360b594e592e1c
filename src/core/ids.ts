/**
 * Identifier generation: random lowercase-hex ids of the lengths AWS uses (GuardDuty detector ids are
 * 32 hex characters) and request ids in the UUID form AWS sends as `x-amzn-RequestId`.
 */
import { randomBytes, randomUUID } from 'node:crypto'

/** `length` random lowercase hex characters (length must be even). */
export function randomHex(length: number): string {
  return randomBytes(length / 2).toString('hex')
}

/** A new request id (UUID v4). */
export function newRequestId(): string {
  return randomUUID()
}
