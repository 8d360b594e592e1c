/**
 * Tags on GuardDuty resources by ARN: TagResource, UntagResource, ListTagsForResource. An ARN names a
 * detector or a resource under one (filter, IP set, threat intel set, threat/trusted entity set). A
 * malformed ARN is a `BadRequestException`; an ARN of another account or region is an
 * `AccessDeniedException`; a well-formed ARN of nothing is a `BadRequestException`. At most 50 tags
 * per resource; keys starting with `aws:` are reserved.
 */
import type { Clock } from '../../../core/clock.js'
import type { Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { parseGuardDutyArn } from '../domain/guardduty-arn.js'
import { AccessDeniedException } from '../generated/errors.js'
import type * as gd from '../generated/types.js'
import { invalidInput } from '../guardduty-errors.js'

export interface TagHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
}

/** ARN segment → resource kind of the resources that carry tags in their body. */
export const TAGGABLE_SEGMENTS: Readonly<Record<string, string>> = {
  filter: 'guardduty:filter',
  ipset: 'guardduty:ipset',
  threatintelset: 'guardduty:threatintelset',
  threatentityset: 'guardduty:threatentityset',
  trustedentityset: 'guardduty:trustedentityset',
}

const MAX_TAGS = 50

type Tags = Readonly<Record<string, string>>

export function tagHandlers({ storage, clock }: TagHandlerDeps) {
  /** Reads the tags of the resource named by `arn` and returns a function that replaces them. */
  async function locate(
    ctx: ServiceContext,
    arn: string,
  ): Promise<{ tags: Tags; save: (t: Tags) => Promise<void> }> {
    const parsed = parseGuardDutyArn(arn)
    if (!parsed)
      throw invalidInput(`The request is rejected because the resourceArn ${arn} is invalid.`)
    if (parsed.accountId !== ctx.accountId || parsed.region !== ctx.region)
      throw new AccessDeniedException(
        `The request is rejected because the caller is not authorized to access the resource ${arn}.`,
        { Type: 'AccessDeniedException' },
      )
    const missing = () =>
      invalidInput(`The request is rejected because the resource ${arn} does not exist.`)
    const scope = scopeOf(ctx)
    const detector = await storage.detectors.get(scope, parsed.detectorId)
    if (!detector) throw missing()
    if (parsed.segment === undefined)
      return {
        tags: detector.tags,
        save: async (tags) => {
          await storage.detectors.update({ ...detector, tags, updatedAtMs: clock.now() })
        },
      }
    const kind = TAGGABLE_SEGMENTS[parsed.segment]
    if (!kind || parsed.id === undefined) throw missing()
    const record = await storage.resources.get<{ tags?: Tags }>({
      scope,
      kind,
      parentId: parsed.detectorId,
      id: parsed.id,
    })
    if (!record) throw missing()
    return {
      tags: record.body.tags ?? {},
      save: async (tags) => {
        await storage.resources.apply([{ put: { ...record, body: { ...record.body, tags } } }])
      },
    }
  }

  return {
    async TagResource(
      input: gd.TagResourceRequest,
      ctx: ServiceContext,
    ): Promise<gd.TagResourceResponse> {
      const reserved = Object.keys(input.Tags).find((k) => k.toLowerCase().startsWith('aws:'))
      if (reserved !== undefined)
        throw invalidInput(
          `The request is rejected because the tag key ${reserved} uses the reserved prefix aws:.`,
        )
      const target = await locate(ctx, input.ResourceArn)
      const tags = { ...target.tags, ...input.Tags }
      if (Object.keys(tags).length > MAX_TAGS)
        throw invalidInput(
          `The request is rejected because a resource can have at most ${MAX_TAGS} tags.`,
        )
      await target.save(tags)
      return {}
    },

    async UntagResource(
      input: gd.UntagResourceRequest,
      ctx: ServiceContext,
    ): Promise<gd.UntagResourceResponse> {
      const target = await locate(ctx, input.ResourceArn)
      const tags = Object.fromEntries(
        Object.entries(target.tags).filter(([k]) => !input.TagKeys.includes(k)),
      )
      await target.save(tags)
      return {}
    },

    async ListTagsForResource(
      input: gd.ListTagsForResourceRequest,
      ctx: ServiceContext,
    ): Promise<gd.ListTagsForResourceResponse> {
      const target = await locate(ctx, input.ResourceArn)
      return { Tags: { ...target.tags } }
    },
  }
}
