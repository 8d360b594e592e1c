/**
 * Inspector filters: CreateFilter, UpdateFilter, DeleteFilter and ListFilters. A filter belongs to the
 * caller's account (`domain/filter-records.ts`), has an action (NONE, or SUPPRESS for a suppression
 * rule), a name, optional description, reason and tags (kept by the tag handlers under the filter's
 * ARN, so TagResource and ListTagsForResource work on it). Creating, changing or deleting a SUPPRESS
 * filter re-evaluates the status of the findings its owner reads (`domain/suppression.ts`).
 * ListFilters lists the caller's filters in creation order, optionally only some ARNs or one action.
 */
import type { Clock } from '../../../core/clock.js'
import { randomHex } from '../../../core/ids.js'
import type { ResourceRecord, Scope, Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import {
  criteriaFromStored,
  criteriaToStored,
  FILTER_KIND,
  type FilterBody,
  filterArn,
  parseFilterArn,
} from '../domain/filter-records.js'
import { parseFilterCriteria } from '../domain/finding-criteria.js'
import type { InspectorFindingAccess } from '../domain/suppression.js'
import {
  AccessDeniedException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
} from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { getDocument, listAll, putDocument, sortedPage } from './pages.js'
import { MAX_TAGS, TAGS_KIND } from './tags.js'

/** Filters one account may have. */
export const MAX_FILTERS = 500

export interface FilterHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly access: InspectorFindingAccess
}

/**
 * Checks criteria a filter is to keep.
 * @throws ValidationException naming the field: no criterion at all, or an invalid combination
 */
function checkCriteria(criteria: i2.FilterCriteria): void {
  if (Object.values(criteria).every((v) => v === undefined))
    throw invalidField('filterCriteria', 'A filter needs at least one filter criterion.')
  parseFilterCriteria(criteria)
}

/** Fixed-width creation time, so that listing order is creation order. */
const sortKey = (createdAtMs: number) => String(createdAtMs).padStart(15, '0')

export function filterHandlers({ storage, clock, access }: FilterHandlerDeps) {
  /**
   * The caller's filter named by `arn`.
   * @throws ValidationException for a string that is not a filter ARN (field `field`)
   * @throws AccessDeniedException for another account's filter
   * @throws ResourceNotFoundException when it does not exist
   */
  async function requireFilter(
    arn: string,
    ctx: ServiceContext,
    field: string,
  ): Promise<ResourceRecord<FilterBody>> {
    const parsed = parseFilterArn(arn)
    if (!parsed) throw invalidField(field, `${arn} is not an Amazon Inspector filter ARN.`)
    if (parsed.accountId !== ctx.accountId)
      throw new AccessDeniedException(
        `Account ${ctx.accountId} is not authorized to access the filter ${arn}.`,
      )
    const record =
      parsed.region === ctx.region
        ? await storage.resources.get<FilterBody>({
            scope: scopeOf(ctx),
            kind: FILTER_KIND,
            parentId: '',
            id: parsed.id,
          })
        : undefined
    if (!record) throw new ResourceNotFoundException(`The filter ${arn} does not exist.`)
    return record
  }

  const tagsOf = async (scope: Scope, arn: string) =>
    (await getDocument<Record<string, string>>(storage, scope, TAGS_KIND, arn)) ?? {}

  async function toFilter(record: ResourceRecord<FilterBody>): Promise<i2.Filter> {
    const arn = filterArn(record.scope, record.id)
    const tags = await tagsOf(record.scope, arn)
    const { body } = record
    return {
      arn,
      ownerId: record.scope.accountId,
      name: body.name,
      criteria: criteriaFromStored(body.criteria),
      action: body.action,
      createdAt: new Date(record.createdAtMs),
      updatedAt: new Date(record.updatedAtMs),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
      ...(Object.keys(tags).length ? { tags } : {}),
    }
  }

  return {
    async CreateFilter(
      input: i2.CreateFilterRequest,
      ctx: ServiceContext,
    ): Promise<i2.CreateFilterResponse> {
      checkCriteria(input.filterCriteria)
      if (input.tags && Object.keys(input.tags).length > MAX_TAGS)
        throw invalidField('tags', `A filter can have at most ${MAX_TAGS} tags.`)
      const scope = scopeOf(ctx)
      if ((await storage.resources.count(scope, FILTER_KIND, '')) >= MAX_FILTERS)
        throw new ServiceQuotaExceededException(
          `Account ${ctx.accountId} already has ${MAX_FILTERS} filters.`,
          { resourceId: ctx.accountId },
        )
      const now = clock.now()
      const id = randomHex(32)
      const arn = filterArn(scope, id)
      const body: FilterBody = {
        name: input.name,
        action: input.action,
        criteria: criteriaToStored(input.filterCriteria),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
      }
      await storage.resources.insert({
        scope,
        kind: FILTER_KIND,
        parentId: '',
        id,
        sortKey: sortKey(now),
        createdAtMs: now,
        updatedAtMs: now,
        body,
      })
      if (input.tags && Object.keys(input.tags).length)
        await putDocument(storage, scope, TAGS_KIND, arn, input.tags, now)
      if (body.action === 'SUPPRESS') await access.refresh(scope)
      return { arn }
    },

    async UpdateFilter(
      input: i2.UpdateFilterRequest,
      ctx: ServiceContext,
    ): Promise<i2.UpdateFilterResponse> {
      const record = await requireFilter(input.filterArn, ctx, 'filterArn')
      if (input.filterCriteria !== undefined) checkCriteria(input.filterCriteria)
      const old = record.body
      const body: FilterBody = {
        ...old,
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.action !== undefined ? { action: input.action } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
        ...(input.filterCriteria !== undefined
          ? { criteria: criteriaToStored(input.filterCriteria) }
          : {}),
      }
      await storage.resources.apply([{ put: { ...record, updatedAtMs: clock.now(), body } }])
      if (old.action === 'SUPPRESS' || body.action === 'SUPPRESS')
        await access.refresh(record.scope)
      return { arn: input.filterArn }
    },

    async DeleteFilter(
      input: i2.DeleteFilterRequest,
      ctx: ServiceContext,
    ): Promise<i2.DeleteFilterResponse> {
      const record = await requireFilter(input.arn, ctx, 'arn')
      const arn = filterArn(record.scope, record.id)
      await storage.resources.apply([
        { delete: { scope: record.scope, kind: FILTER_KIND, parentId: '', id: record.id } },
        { delete: { scope: record.scope, kind: TAGS_KIND, parentId: '', id: arn } },
      ])
      if (record.body.action === 'SUPPRESS') await access.refresh(record.scope)
      return { arn: input.arn }
    },

    async ListFilters(
      input: i2.ListFiltersRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListFiltersResponse> {
      const scope = scopeOf(ctx)
      const wanted = input.arns?.length ? new Set(input.arns) : undefined
      const records = (await listAll<FilterBody>(storage, scope, FILTER_KIND)).filter(
        (r) =>
          (!wanted || wanted.has(filterArn(scope, r.id))) &&
          (input.action === undefined || r.body.action === input.action),
      )
      const page = sortedPage(
        records,
        (r) => `${r.sortKey}/${r.id}`,
        ['ListFilters', scope, input.arns ?? null, input.action ?? null],
        input.maxResults,
        input.nextToken,
        100,
      )
      return {
        filters: await Promise.all(page.items.map(toFilter)),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      }
    },
  }
}
