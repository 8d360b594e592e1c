/**
 * The context every operation handler receives: who is calling (the authenticated account and the
 * region of the credential scope) and the request id. Handlers derive their storage scope from it, so
 * every read and write is confined to the caller's (account, region).
 */
import type { Scope } from '../storage/ports.js'

export interface ServiceContext {
  readonly requestId: string
  /** 12-digit account id of the caller's credentials. */
  readonly accountId: string
  /** Region from the SigV4 credential scope. */
  readonly region: string
  readonly accessKeyId: string
}

/** The caller's (account, region) scope. */
export function scopeOf(ctx: ServiceContext): Scope {
  return { accountId: ctx.accountId, region: ctx.region }
}
