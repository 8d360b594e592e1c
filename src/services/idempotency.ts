/**
 * Idempotent creates: an operation called again with the same idempotency token (`clientToken`) and the
 * same parameters returns the first call's answer instead of creating a second resource. The same token
 * with different parameters is refused through the service's own error.
 */
import { createHash } from 'node:crypto'
import type { IdempotencyStore, Scope } from '../storage/ports.js'

export interface IdempotentCall<T> {
  readonly store: IdempotencyStore
  readonly scope: Scope
  /** `service:Operation`, e.g. `guardduty:CreateDetector`. */
  readonly operation: string
  /** The token, or undefined when the caller sent none (then `run` simply runs). */
  readonly token: string | undefined
  /** The request parameters other than the token. */
  readonly parameters: unknown
  readonly run: () => Promise<T>
  /** The error to throw when the token was used with other parameters. */
  readonly mismatch: () => Error
}

/** Runs `call.run` at most once per token; answers must be JSON-serializable. */
export async function idempotent<T>(call: IdempotentCall<T>): Promise<T> {
  if (call.token === undefined) return call.run()
  const fingerprint = createHash('sha256').update(JSON.stringify(call.parameters)).digest('hex')
  const replay = async (): Promise<T | undefined> => {
    const seen = await call.store.recall(call.scope, call.operation, call.token as string)
    if (!seen) return undefined
    if (seen.fingerprint !== fingerprint) throw call.mismatch()
    return JSON.parse(seen.answer) as T
  }
  const earlier = await replay()
  if (earlier !== undefined) return earlier
  let answer: T
  try {
    answer = await call.run()
  } catch (error) {
    const concurrent = await replay()
    if (concurrent !== undefined) return concurrent
    throw error
  }
  await call.store.remember(
    call.scope,
    call.operation,
    call.token,
    fingerprint,
    JSON.stringify(answer),
  )
  return answer
}
