/**
 * The base class of every modeled AWS error (the generated `errors.ts` classes extend it). A handler
 * throws one; the restJson1 serializer turns it into the status of its `httpError` trait, an
 * `X-Amzn-ErrorType` header naming the shape and a JSON body of its members under their wire names.
 */

export interface ModeledErrorInfo {
  /** Error shape name, sent as `X-Amzn-ErrorType`. */
  readonly shape: string
  /** HTTP status from the shape's `httpError` trait. */
  readonly status: number
  readonly fault: 'client' | 'server'
}

export class ModeledError extends Error {
  readonly info: ModeledErrorInfo
  /** Member values keyed by Smithy member name (the serializer applies `jsonName`). */
  readonly members: Readonly<Record<string, unknown>>

  constructor(info: ModeledErrorInfo, message: string, members: object, options?: ErrorOptions) {
    super(message, options)
    this.name = info.shape
    this.info = info
    this.members = members as Record<string, unknown>
  }
}
