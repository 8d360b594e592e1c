/**
 * GuardDuty filters: CreateFilter, GetFilter, UpdateFilter, DeleteFilter, ListFilters. Filters live
 * under their detector, are unique by name, at most 100 per detector, and are kept ranked 1..n without
 * gaps: a filter created or moved to rank r takes that place and the ones from r on move down by one; a
 * rank past the end (or none) puts it last; deleting one closes the gap. ListFilters lists in rank order.
 * Finding criteria are checked against the finding attributes GuardDuty knows.
 */
import type { Clock } from '../../../core/clock.js'
import type { ResourceChange, ResourceRecord, Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { checkFindingCriteria } from '../domain/finding-criteria.js'
import type * as gd from '../generated/types.js'
import { invalidInput } from '../guardduty-errors.js'
import { requireDetector } from './detectors.js'
import { idempotentCreate, resourcePage } from './resource-pages.js'

export const FILTER_KIND = 'guardduty:filter'
/** Filters per detector (GuardDuty quota). */
export const MAX_FILTERS = 100
const NAME = /^[A-Za-z0-9._-]+$/

/** A stored filter. */
export interface FilterBody {
  readonly name: string
  readonly description?: string
  readonly action: gd.FilterAction
  readonly rank: number
  readonly findingCriteria: gd.FindingCriteria
  readonly tags: Readonly<Record<string, string>>
}

export interface FilterHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
}

const sortKey = (rank: number) => String(rank).padStart(3, '0')

function filterNotFound(name: string) {
  return invalidInput(`The request is rejected because the input filterName ${name} is not found.`)
}

export function filterHandlers({ storage, clock }: FilterHandlerDeps) {
  async function ranked(ctx: ServiceContext, detectorId: string) {
    return storage.resources.list<FilterBody>(
      scopeOf(ctx),
      FILTER_KIND,
      detectorId,
      undefined,
      MAX_FILTERS + 1,
    )
  }

  /** Puts `moved` at `rank` (clamped to the end) among `others`, renumbering 1..n; returns the puts. */
  function placeAt(
    others: readonly ResourceRecord<FilterBody>[],
    moved: ResourceRecord<FilterBody>,
    rank: number | undefined,
    now: number,
  ): ResourceChange[] {
    const order = [...others]
    const position = Math.min(rank ?? order.length + 1, order.length + 1)
    order.splice(position - 1, 0, moved)
    const changes: ResourceChange[] = []
    order.forEach((r, i) => {
      const newRank = i + 1
      if (r === moved || r.body.rank !== newRank)
        changes.push({
          put: {
            ...r,
            sortKey: sortKey(newRank),
            updatedAtMs: r === moved ? now : r.updatedAtMs,
            body: { ...r.body, rank: newRank },
          },
        })
    })
    return changes
  }

  async function requireFilter(ctx: ServiceContext, detectorId: string, name: string) {
    const found = await storage.resources.get<FilterBody>({
      scope: scopeOf(ctx),
      kind: FILTER_KIND,
      parentId: detectorId,
      id: name,
    })
    if (!found) throw filterNotFound(name)
    return found
  }

  return {
    async CreateFilter(
      input: gd.CreateFilterRequest,
      ctx: ServiceContext,
    ): Promise<gd.CreateFilterResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const { ClientToken, ...parameters } = input
      return idempotentCreate(
        storage,
        scopeOf(ctx),
        'CreateFilter',
        ClientToken,
        parameters,
        async () => {
          if (!NAME.test(input.Name))
            throw invalidInput(
              'The request is rejected because the filter name may contain only alphanumeric characters, periods (.), underscores (_) and dashes (-).',
            )
          checkFindingCriteria(input.FindingCriteria)
          const existing = await ranked(ctx, input.DetectorId)
          if (existing.some((f) => f.id === input.Name))
            throw invalidInput(
              `The request is rejected because a filter named ${input.Name} already exists.`,
            )
          if (existing.length >= MAX_FILTERS)
            throw invalidInput(
              `The request is rejected because the detector already has the maximum of ${MAX_FILTERS} filters.`,
            )
          const now = clock.now()
          const record: ResourceRecord<FilterBody> = {
            scope: scopeOf(ctx),
            kind: FILTER_KIND,
            parentId: input.DetectorId,
            id: input.Name,
            sortKey: '',
            createdAtMs: now,
            updatedAtMs: now,
            body: {
              name: input.Name,
              ...(input.Description !== undefined ? { description: input.Description } : {}),
              action: input.Action ?? 'NOOP',
              rank: 0,
              findingCriteria: input.FindingCriteria,
              tags: input.Tags ?? {},
            },
          }
          await storage.resources.apply(placeAt(existing, record, input.Rank, now))
          return { Name: input.Name }
        },
      )
    },

    async GetFilter(
      input: gd.GetFilterRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetFilterResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const { body } = await requireFilter(ctx, input.DetectorId, input.FilterName)
      return {
        Name: body.name,
        ...(body.description !== undefined ? { Description: body.description } : {}),
        Action: body.action,
        Rank: body.rank,
        FindingCriteria: body.findingCriteria,
        Tags: { ...body.tags },
      }
    },

    async UpdateFilter(
      input: gd.UpdateFilterRequest,
      ctx: ServiceContext,
    ): Promise<gd.UpdateFilterResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const current = await requireFilter(ctx, input.DetectorId, input.FilterName)
      if (input.FindingCriteria) checkFindingCriteria(input.FindingCriteria)
      const now = clock.now()
      const updated: ResourceRecord<FilterBody> = {
        ...current,
        body: {
          ...current.body,
          ...(input.Description !== undefined ? { description: input.Description } : {}),
          ...(input.Action !== undefined ? { action: input.Action } : {}),
          ...(input.FindingCriteria !== undefined
            ? { findingCriteria: input.FindingCriteria }
            : {}),
        },
      }
      const others = (await ranked(ctx, input.DetectorId)).filter((f) => f.id !== current.id)
      await storage.resources.apply(placeAt(others, updated, input.Rank ?? current.body.rank, now))
      return { Name: current.body.name }
    },

    async DeleteFilter(
      input: gd.DeleteFilterRequest,
      ctx: ServiceContext,
    ): Promise<gd.DeleteFilterResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const current = await requireFilter(ctx, input.DetectorId, input.FilterName)
      const others = (await ranked(ctx, input.DetectorId)).filter((f) => f.id !== current.id)
      const changes: ResourceChange[] = [{ delete: current }]
      others.forEach((r, i) => {
        if (r.body.rank !== i + 1)
          changes.push({ put: { ...r, sortKey: sortKey(i + 1), body: { ...r.body, rank: i + 1 } } })
      })
      await storage.resources.apply(changes)
      return {}
    },

    async ListFilters(
      input: gd.ListFiltersRequest,
      ctx: ServiceContext,
    ): Promise<gd.ListFiltersResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const page = await resourcePage<FilterBody>(storage, {
        scope: scopeOf(ctx),
        kind: FILTER_KIND,
        parentId: input.DetectorId,
        query: ['ListFilters'],
        maxResults: input.MaxResults,
        nextToken: input.NextToken,
      })
      return {
        FilterNames: page.items.map((f) => f.body.name),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      }
    },
  }
}
