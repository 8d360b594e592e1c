/**
 * Tags on Inspector resources: TagResource, UntagResource and ListTagsForResource. Tags are kept per
 * resource ARN (`inspector2:tags`, id = the ARN) in the owner's scope, but only for a resource that
 * exists: each taggable kind (`owner/<account>/<kind>/<id>`) registers a resolver in `TAGGABLE`
 * (filters, CIS and code security configurations, ...). A well-formed ARN of the caller's account
 * naming nothing answers `ResourceNotFoundException`; an ARN that is not an Inspector ARN is a
 * `ValidationException`, and one of another account an `AccessDeniedException`.
 */
import type { Clock } from '../../../core/clock.js'
import type { Scope, Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { AccessDeniedException, ResourceNotFoundException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { cisConfigurationExists } from './cis-state.js'
import { codeSecurityConfigurationExists } from './code-security-state.js'
import { filterExists } from '../domain/filter-records.js'
import { getDocument, putDocument } from './pages.js'

export const TAGS_KIND = 'inspector2:tags'
/** Tags one resource may carry. */
export const MAX_TAGS = 50

/** Whether the resource `id` of a kind exists in `scope`. */
export type TaggableResolver = (storage: Storage, scope: Scope, id: string) => Promise<boolean>

/** Resolvers of the taggable resource kinds by ARN kind segment. */
export const TAGGABLE: Readonly<Record<string, TaggableResolver>> = {
  'cis-configuration': cisConfigurationExists,
  'codesecurity-configuration': codeSecurityConfigurationExists,
  filter: filterExists,
}

const ARN =
  /^arn:aws(?:-cn|-us-gov)?:inspector2:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):owner\/(\d{12})\/([a-z-]+)\/([^/]+)$/

export interface TagDeps {
  readonly storage: Storage
  readonly clock: Clock
}

export function tagHandlers({ storage, clock }: TagDeps) {
  /**
   * The scope of the resource `arn` names, once it is known to exist.
   * @throws ValidationException for an ARN that is not an Inspector resource ARN
   * @throws AccessDeniedException for a resource of another account
   * @throws ResourceNotFoundException when it does not exist
   */
  async function resolve(arn: string, ctx: ServiceContext): Promise<Scope> {
    const m = ARN.exec(arn)
    const [, region, account, owner, kind, id] = m ?? []
    if (!region || !account || !owner || !kind || !id || account !== owner)
      throw invalidField('resourceArn', `${arn} is not an Amazon Inspector resource ARN.`)
    if (account !== ctx.accountId)
      throw new AccessDeniedException(
        `Account ${ctx.accountId} is not authorized to access the resource ${arn}.`,
      )
    const scope = scopeOf(ctx)
    const exists = region === ctx.region && (await TAGGABLE[kind]?.(storage, scope, id))
    if (!exists) throw new ResourceNotFoundException(`The resource ${arn} does not exist.`)
    return scope
  }

  const tagsOf = async (scope: Scope, arn: string) =>
    (await getDocument<Record<string, string>>(storage, scope, TAGS_KIND, arn)) ?? {}

  return {
    async TagResource(
      input: i2.TagResourceRequest,
      ctx: ServiceContext,
    ): Promise<i2.TagResourceResponse> {
      const scope = await resolve(input.resourceArn, ctx)
      const tags = { ...(await tagsOf(scope, input.resourceArn)), ...input.tags }
      if (Object.keys(tags).length > MAX_TAGS)
        throw invalidField('tags', `A resource can have at most ${MAX_TAGS} tags.`)
      await putDocument(storage, scope, TAGS_KIND, input.resourceArn, tags, clock.now())
      return {}
    },

    async UntagResource(
      input: i2.UntagResourceRequest,
      ctx: ServiceContext,
    ): Promise<i2.UntagResourceResponse> {
      const scope = await resolve(input.resourceArn, ctx)
      const tags = await tagsOf(scope, input.resourceArn)
      for (const key of input.tagKeys) delete tags[key]
      await putDocument(storage, scope, TAGS_KIND, input.resourceArn, tags, clock.now())
      return {}
    },

    async ListTagsForResource(
      input: i2.ListTagsForResourceRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListTagsForResourceResponse> {
      const scope = await resolve(input.resourceArn, ctx)
      return { tags: await tagsOf(scope, input.resourceArn) }
    },
  }
}
