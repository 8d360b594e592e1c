/**
 * GuardDuty publishing destinations: Create, Describe, Update, Delete and ListPublishingDestinations.
 * A destination is an S3 bucket ARN (optionally with a key prefix) and a KMS key ARN; one per detector.
 * Its status is checked against the object store whenever it is read: a bucket that exists is
 * PUBLISHING; a missing one is UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY, with
 * `publishingFailureStartTimestamp` (epoch milliseconds) set when the failure began and 0 otherwise.
 * The export of findings is the outputs' `FindingExporter`; it marks a destination failing when its
 * writes fail (`exportFailingSinceMs`) and clears that when they work again. A new destination's
 * cursor on the findings change feed is set at creation, so every finding written from then on is
 * exported.
 */
import type { Clock } from '../../../core/clock.js'
import { randomHex } from '../../../core/ids.js'
import type { ObjectStore } from '../../../outputs/object-store/object-store.js'
import { isBucketName } from '../../../outputs/object-store/object-store.js'
import { PUBLISHING_FEED, publishingCursor } from '../../../outputs/publishing/finding-exporter.js'
import type { ResourceRecord, Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import type * as gd from '../generated/types.js'
import { invalidInput } from '../guardduty-errors.js'
import { requireDetector } from './detectors.js'
import { idempotentCreate, resourcePage } from './resource-pages.js'

export const DESTINATION_KIND = 'guardduty:publishingdestination'
/** Destinations per detector. */
const MAX_DESTINATIONS = 1
const S3_ARN = /^arn:aws[a-z-]*:s3:::([^/]+)(?:\/(.*))?$/
const KMS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/

export interface DestinationBody {
  readonly destinationType: gd.DestinationType
  readonly destinationArn: string
  readonly kmsKeyArn: string
  /** When the bucket was found missing, epoch milliseconds; 0 while it exists. */
  readonly failingSinceMs: number
  /** When the exporter's writes started failing, epoch milliseconds; 0 or absent while they work. */
  readonly exportFailingSinceMs?: number
}

/** When publishing started failing (the earliest of the two failure times), or 0. */
function failureStart(body: DestinationBody): number {
  const times = [body.failingSinceMs, body.exportFailingSinceMs ?? 0].filter((t) => t > 0)
  return times.length ? Math.min(...times) : 0
}

export interface DestinationHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly objectStore: ObjectStore
}

/** The bucket of a destination ARN, or throws the error for a malformed one. */
function checkProperties(p: gd.DestinationProperties | undefined): {
  bucket: string
  arn: string
  kms: string
} {
  const arn = p?.DestinationArn
  const kms = p?.KmsKeyArn
  const m = arn === undefined ? null : S3_ARN.exec(arn)
  if (!arn || !m || !isBucketName(m[1] as string))
    throw invalidInput(
      `The request is rejected because the destinationArn ${arn ?? '(missing)'} is not an S3 bucket ARN.`,
    )
  if (!kms || !KMS_ARN.test(kms))
    throw invalidInput(
      `The request is rejected because the kmsKeyArn ${kms ?? '(missing)'} is not a KMS key ARN.`,
    )
  return { bucket: m[1] as string, arn, kms }
}

export function publishingDestinationHandlers({
  storage,
  clock,
  objectStore,
}: DestinationHandlerDeps) {
  /** The record with its status refreshed against the object store (saved when it changed). */
  async function refreshed(
    record: ResourceRecord<DestinationBody>,
  ): Promise<ResourceRecord<DestinationBody>> {
    const bucket = S3_ARN.exec(record.body.destinationArn)?.[1] ?? ''
    const ok = await objectStore.bucketExists(bucket)
    const failingSinceMs = ok ? 0 : record.body.failingSinceMs || clock.now()
    if (failingSinceMs === record.body.failingSinceMs) return record
    const updated = { ...record, body: { ...record.body, failingSinceMs } }
    await storage.resources.apply([{ put: updated }])
    return updated
  }

  const status = (body: DestinationBody): gd.PublishingStatus =>
    failureStart(body) === 0 ? 'PUBLISHING' : 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY'

  async function requireDestination(ctx: ServiceContext, detectorId: string, id: string) {
    const found = await storage.resources.get<DestinationBody>({
      scope: scopeOf(ctx),
      kind: DESTINATION_KIND,
      parentId: detectorId,
      id,
    })
    if (!found)
      throw invalidInput(
        `The request is rejected because the publishing destination ${id} does not exist.`,
      )
    return refreshed(found)
  }

  return {
    async CreatePublishingDestination(
      input: gd.CreatePublishingDestinationRequest,
      ctx: ServiceContext,
    ): Promise<gd.CreatePublishingDestinationResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const { ClientToken, ...parameters } = input
      return idempotentCreate(
        storage,
        scopeOf(ctx),
        'CreatePublishingDestination',
        ClientToken,
        parameters,
        async () => {
          const { arn, kms } = checkProperties(input.DestinationProperties)
          const scope = scopeOf(ctx)
          if (
            (await storage.resources.count(scope, DESTINATION_KIND, input.DetectorId)) >=
            MAX_DESTINATIONS
          )
            throw invalidInput(
              'The request is rejected because the detector already has a publishing destination.',
            )
          const now = clock.now()
          const id = randomHex(32)
          await storage.resources.insert<DestinationBody>({
            scope,
            kind: DESTINATION_KIND,
            parentId: input.DetectorId,
            id,
            sortKey: String(now).padStart(15, '0'),
            createdAtMs: now,
            updatedAtMs: now,
            body: {
              destinationType: input.DestinationType,
              destinationArn: arn,
              kmsKeyArn: kms,
              failingSinceMs: 0,
            },
          })
          await storage.outputs.setCursor(
            publishingCursor(id),
            PUBLISHING_FEED,
            await storage.findings.lastChangeSeq(),
          )
          return { DestinationId: id }
        },
      )
    },

    async DescribePublishingDestination(
      input: gd.DescribePublishingDestinationRequest,
      ctx: ServiceContext,
    ): Promise<gd.DescribePublishingDestinationResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const { id, body } = await requireDestination(ctx, input.DetectorId, input.DestinationId)
      return {
        DestinationId: id,
        DestinationType: body.destinationType,
        Status: status(body),
        PublishingFailureStartTimestamp: failureStart(body),
        DestinationProperties: { DestinationArn: body.destinationArn, KmsKeyArn: body.kmsKeyArn },
      }
    },

    async UpdatePublishingDestination(
      input: gd.UpdatePublishingDestinationRequest,
      ctx: ServiceContext,
    ): Promise<gd.UpdatePublishingDestinationResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const current = await requireDestination(ctx, input.DetectorId, input.DestinationId)
      if (input.DestinationProperties) {
        const { arn, kms } = checkProperties({
          DestinationArn: input.DestinationProperties.DestinationArn ?? current.body.destinationArn,
          KmsKeyArn: input.DestinationProperties.KmsKeyArn ?? current.body.kmsKeyArn,
        })
        await storage.resources.apply([
          {
            put: {
              ...current,
              updatedAtMs: clock.now(),
              body: { ...current.body, destinationArn: arn, kmsKeyArn: kms, failingSinceMs: 0 },
            },
          },
        ])
      }
      return {}
    },

    async DeletePublishingDestination(
      input: gd.DeletePublishingDestinationRequest,
      ctx: ServiceContext,
    ): Promise<gd.DeletePublishingDestinationResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const current = await requireDestination(ctx, input.DetectorId, input.DestinationId)
      await storage.resources.delete(current)
      return {}
    },

    async ListPublishingDestinations(
      input: gd.ListPublishingDestinationsRequest,
      ctx: ServiceContext,
    ): Promise<gd.ListPublishingDestinationsResponse> {
      await requireDetector(storage, ctx, input.DetectorId)
      const page = await resourcePage<DestinationBody>(storage, {
        scope: scopeOf(ctx),
        kind: DESTINATION_KIND,
        parentId: input.DetectorId,
        query: ['ListPublishingDestinations'],
        maxResults: input.MaxResults,
        nextToken: input.NextToken,
      })
      const items = await Promise.all(page.items.map(refreshed))
      return {
        Destinations: items.map((d) => ({
          DestinationId: d.id,
          DestinationType: d.body.destinationType,
          Status: status(d.body),
        })),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      }
    },
  }
}
