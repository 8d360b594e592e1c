/**
 * GuardDuty trusted and threat lists — IPSets, ThreatIntelSets, TrustedEntitySets, ThreatEntitySets —
 * with one implementation for the four kinds (differences in `threat-list-kinds.ts`). Activating a list
 * reads its file through the object store and parses it in its format: a list that loads is ACTIVE, one
 * whose object is missing, too large, unparsable or over the entry quota is in ERROR with the reason
 * (entity lists report it in `errorDetails`). Reads within the transition time after a change report
 * ACTIVATING / DEACTIVATING, as GuardDuty does while it applies a change. Deleting a list removes it at
 * once. Lists changed through Update keep matching their last loaded entries until re-activated.
 */
import type { Clock } from '../../../core/clock.js'
import { randomHex } from '../../../core/ids.js'
import {
  parseThreatList,
  ThreatListFormatError,
  type ThreatListEntries,
  type ThreatListFormat,
} from '../../../engines/detection/threat-lists/parse-threat-list.js'
import type { ObjectStore } from '../../../outputs/object-store/object-store.js'
import { parseObjectLocation } from '../../../outputs/object-store/object-store.js'
import type { ResourceChange, ResourceRecord, Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import {
  MAX_LIST_FILE_BYTES,
  THREAT_LIST_KINDS,
  type ThreatListKind,
} from '../domain/threat-list-kinds.js'
import type { ThreatListRegistry } from '../domain/threat-list-registry.js'
import { invalidInput } from '../guardduty-errors.js'
import { requireDetector } from './detectors.js'
import { idempotentCreate, resourcePage } from './resource-pages.js'

/** A stored list. */
export interface ThreatListBody {
  readonly name: string
  readonly format: ThreatListFormat
  readonly location: string
  readonly expectedBucketOwner?: string
  readonly tags: Readonly<Record<string, string>>
  /** What the list is, or is becoming during the transition. */
  readonly state: 'ACTIVE' | 'INACTIVE' | 'ERROR'
  /** The last change deactivated the list (INACTIVE reads as DEACTIVATING during the transition). */
  readonly deactivated: boolean
  /** Last state change, epoch milliseconds. */
  readonly changedAtMs: number
  readonly errorDetails?: string
  /** Entries loaded at the last successful activation. */
  readonly entryCount: number
}

export interface ThreatListHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly objectStore: ObjectStore
  readonly threatLists: ThreatListRegistry
  /** Duration of ACTIVATING/DEACTIVATING, milliseconds. */
  readonly transitionMs: number
}

type Loaded =
  | { readonly ok: true; readonly entries: ThreatListEntries; readonly count: number }
  | { readonly ok: false; readonly details: string }

/** Kind of the stored entries of a list kind. */
export function entriesKind(spec: ThreatListKind): string {
  return `${spec.kind}:entries`
}

function statusOf(body: ThreatListBody, nowMs: number, transitionMs: number): string {
  const settling = nowMs - body.changedAtMs < transitionMs
  if (body.state === 'ACTIVE') return settling ? 'ACTIVATING' : 'ACTIVE'
  if (body.state === 'INACTIVE') return settling && body.deactivated ? 'DEACTIVATING' : 'INACTIVE'
  return 'ERROR'
}

type Input = Record<string, unknown> & { DetectorId: string }
type Handler = (input: Input, ctx: ServiceContext) => Promise<Record<string, unknown>>

/** The five operations of one list kind, keyed by operation name. */
function handlersFor(spec: ThreatListKind, deps: ThreatListHandlerDeps): Record<string, Handler> {
  const { storage, clock, objectStore, threatLists, transitionMs } = deps
  const entries = entriesKind(spec)

  async function load(location: string, format: ThreatListFormat): Promise<Loaded> {
    const where = parseObjectLocation(location)
    if (!where) return { ok: false, details: `The location ${location} is not an S3 object URL.` }
    const bytes = await objectStore.getObject(where)
    if (!bytes)
      return { ok: false, details: `The object s3://${where.bucket}/${where.key} does not exist.` }
    if (bytes.byteLength > MAX_LIST_FILE_BYTES)
      return {
        ok: false,
        details: `The list file is ${bytes.byteLength} bytes; at most ${MAX_LIST_FILE_BYTES} are allowed.`,
      }
    try {
      const parsed = parseThreatList(format, Buffer.from(bytes).toString('utf8'), {
        allowDomains: spec.allowDomains,
      })
      if (parsed.count > spec.maxEntries)
        return {
          ok: false,
          details: `The list has ${parsed.count} entries; a ${spec.noun} holds at most ${spec.maxEntries}.`,
        }
      return { ok: true, entries: parsed.entries, count: parsed.count }
    } catch (error) {
      if (error instanceof ThreatListFormatError)
        return { ok: false, details: `The list file is not valid ${format}: ${error.message}` }
      throw error
    }
  }

  /** The new body (and entry changes) after an activation attempt. */
  async function activated(
    record: ResourceRecord<ThreatListBody>,
    body: ThreatListBody,
    now: number,
  ): Promise<{ body: ThreatListBody; changes: ResourceChange[] }> {
    const loaded = await load(body.location, body.format)
    const key = { scope: record.scope, kind: entries, parentId: record.parentId, id: record.id }
    if (!loaded.ok) {
      const { errorDetails: _old, ...rest } = body
      return {
        body: {
          ...rest,
          state: 'ERROR',
          deactivated: false,
          changedAtMs: now,
          errorDetails: loaded.details,
        },
        changes: [{ delete: key }],
      }
    }
    const { errorDetails: _old, ...rest } = body
    return {
      body: {
        ...rest,
        state: 'ACTIVE',
        deactivated: false,
        changedAtMs: now,
        entryCount: loaded.count,
      },
      changes: [
        {
          put: {
            ...key,
            sortKey: record.sortKey,
            createdAtMs: now,
            updatedAtMs: now,
            body: loaded.entries,
          },
        },
      ],
    }
  }

  const checkLocation = (location: string) => {
    if (!parseObjectLocation(location))
      throw invalidInput(
        `The request is rejected because the location ${location} is not a valid S3 object URL.`,
      )
  }

  async function requireList(ctx: ServiceContext, detectorId: string, id: string) {
    const found = await storage.resources.get<ThreatListBody>({
      scope: scopeOf(ctx),
      kind: spec.kind,
      parentId: detectorId,
      id,
    })
    if (!found)
      throw invalidInput(`The request is rejected because the ${spec.noun} ${id} does not exist.`)
    return found
  }

  return {
    async [`Create${spec.noun}`](input, ctx) {
      await requireDetector(storage, ctx, input.DetectorId)
      const { ClientToken, ...parameters } = input
      return idempotentCreate(
        storage,
        scopeOf(ctx),
        `Create${spec.noun}`,
        ClientToken as string | undefined,
        parameters,
        async () => {
          const location = input.Location as string
          checkLocation(location)
          const scope = scopeOf(ctx)
          if ((await storage.resources.count(scope, spec.kind, input.DetectorId)) >= spec.maxLists)
            throw invalidInput(
              `The request is rejected because the detector already has the maximum of ${spec.maxLists} ${spec.noun}${spec.maxLists === 1 ? '' : 's'}.`,
            )
          const now = clock.now()
          const id = randomHex(32)
          const record: ResourceRecord<ThreatListBody> = {
            scope,
            kind: spec.kind,
            parentId: input.DetectorId,
            id,
            sortKey: String(now).padStart(15, '0'),
            createdAtMs: now,
            updatedAtMs: now,
            body: {
              name: input.Name as string,
              format: input.Format as ThreatListFormat,
              location,
              ...(input.ExpectedBucketOwner !== undefined
                ? { expectedBucketOwner: input.ExpectedBucketOwner as string }
                : {}),
              tags: (input.Tags as Record<string, string> | undefined) ?? {},
              state: 'INACTIVE',
              deactivated: false,
              changedAtMs: now,
              entryCount: 0,
            },
          }
          const result = input.Activate
            ? await activated(record, record.body, now)
            : { body: record.body, changes: [] }
          await storage.resources.apply([
            { put: { ...record, body: result.body } },
            ...result.changes,
          ])
          threatLists.invalidate(scope)
          return { [spec.idMember]: id }
        },
      )
    },

    async [`Get${spec.noun}`](input, ctx) {
      await requireDetector(storage, ctx, input.DetectorId)
      const { body, createdAtMs, updatedAtMs } = await requireList(
        ctx,
        input.DetectorId,
        input[spec.idMember] as string,
      )
      return {
        Name: body.name,
        Format: body.format,
        Location: body.location,
        Status: statusOf(body, clock.now(), transitionMs),
        Tags: { ...body.tags },
        ...(body.expectedBucketOwner !== undefined
          ? { ExpectedBucketOwner: body.expectedBucketOwner }
          : {}),
        ...(spec.detailed
          ? {
              CreatedAt: new Date(createdAtMs),
              UpdatedAt: new Date(updatedAtMs),
              ...(body.errorDetails !== undefined ? { ErrorDetails: body.errorDetails } : {}),
            }
          : {}),
      }
    },

    async [`Update${spec.noun}`](input, ctx) {
      await requireDetector(storage, ctx, input.DetectorId)
      const current = await requireList(ctx, input.DetectorId, input[spec.idMember] as string)
      if (input.Location !== undefined) checkLocation(input.Location as string)
      const now = clock.now()
      let body: ThreatListBody = {
        ...current.body,
        ...(input.Name !== undefined ? { name: input.Name as string } : {}),
        ...(input.Location !== undefined ? { location: input.Location as string } : {}),
        ...(input.ExpectedBucketOwner !== undefined
          ? { expectedBucketOwner: input.ExpectedBucketOwner as string }
          : {}),
      }
      let changes: ResourceChange[] = []
      if (input.Activate === true) ({ body, changes } = await activated(current, body, now))
      else if (input.Activate === false && body.state !== 'INACTIVE') {
        body = {
          ...body,
          state: 'INACTIVE',
          deactivated: body.state === 'ACTIVE',
          changedAtMs: now,
        }
        changes = [
          {
            delete: {
              scope: current.scope,
              kind: entries,
              parentId: current.parentId,
              id: current.id,
            },
          },
        ]
      }
      await storage.resources.apply([{ put: { ...current, updatedAtMs: now, body } }, ...changes])
      threatLists.invalidate(current.scope)
      return {}
    },

    async [`Delete${spec.noun}`](input, ctx) {
      await requireDetector(storage, ctx, input.DetectorId)
      const current = await requireList(ctx, input.DetectorId, input[spec.idMember] as string)
      await storage.resources.apply([
        { delete: current },
        {
          delete: {
            scope: current.scope,
            kind: entries,
            parentId: current.parentId,
            id: current.id,
          },
        },
      ])
      threatLists.invalidate(current.scope)
      return {}
    },

    async [`List${spec.noun}s`](input, ctx) {
      await requireDetector(storage, ctx, input.DetectorId)
      const page = await resourcePage(storage, {
        scope: scopeOf(ctx),
        kind: spec.kind,
        parentId: input.DetectorId,
        query: [`List${spec.noun}s`],
        maxResults: input.MaxResults as number | undefined,
        nextToken: input.NextToken as string | undefined,
      })
      return {
        [spec.idsMember]: page.items.map((r) => r.id),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      }
    },
  }
}

/** Handlers of all four list kinds. */
export function threatListHandlers(deps: ThreatListHandlerDeps): Record<string, Handler> {
  return Object.assign(
    {},
    ...Object.values(THREAT_LIST_KINDS).map((spec) => handlersFor(spec, deps)),
  ) as Record<string, Handler>
}
