/** Awaiting an SDK call that must fail: the error as the SDK surfaced it, or a test failure. */
import assert from 'node:assert/strict'

export interface ServiceError {
  readonly name: string
  readonly message: string
  readonly $metadata: { readonly httpStatusCode?: number }
  /** GuardDuty's error `Type`. */
  readonly Type?: string
  /** Inspector's ValidationException fields. */
  readonly reason?: string
  readonly fields?: readonly { readonly name: string; readonly message: string }[]
}

/** Resolves to the error `call` rejected with; fails the test when it succeeded. */
export function rejection(call: Promise<unknown>): Promise<ServiceError> {
  return call.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e as ServiceError,
  )
}
