/**
 * GuardDuty detector operations: CreateDetector, GetDetector, ListDetectors, UpdateDetector and
 * DeleteDetector (which deletes everything that hangs on the detector). One detector per account and region (a second create is refused as AWS refuses it);
 * ids are 32 hex characters; `createdAt`/`updatedAt` are ISO-8601 strings with milliseconds, as GuardDuty
 * sends them; `findingPublishingFrequency` defaults to SIX_HOURS.
 */
import type { Clock } from '../../../core/clock.js'
import { VigilError } from '../../../core/vigil-error.js'
import type { DetectorRecord, Storage } from '../../../storage/ports.js'
import { idempotent } from '../../idempotency.js'
import { decodePageToken, encodePageToken, queryFingerprint } from '../../page-token.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import {
  dataSourcesResult,
  featuresResult,
  requestedFeatures,
  updatedFeatures,
} from '../domain/detector-features.js'
import { newDetectorRecord } from '../domain/detector-record.js'
import type { Organizations } from '../domain/organizations.js'
import type * as gd from '../generated/types.js'
import { detectorNotOwned, invalidInput, invalidNextToken } from '../guardduty-errors.js'

export interface DetectorHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  /** Enrols new detectors of organization accounts whose administrator auto-enables them. */
  readonly organizations: Organizations
}

/** The service-linked role GuardDuty reports for a detector of `accountId`. */
export function guardDutyServiceRole(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`
}

/**
 * Loads the caller's detector or throws the error AWS gives for a detector the caller does not own.
 * @throws BadRequestException when the id is unknown in the caller's scope
 */
export async function requireDetector(
  storage: Storage,
  ctx: ServiceContext,
  detectorId: string,
): Promise<DetectorRecord> {
  const detector = await storage.detectors.get(scopeOf(ctx), detectorId)
  if (!detector) throw detectorNotOwned()
  return detector
}

export function detectorHandlers({ storage, clock, organizations }: DetectorHandlerDeps) {
  return {
    async CreateDetector(
      input: gd.CreateDetectorRequest,
      ctx: ServiceContext,
    ): Promise<gd.CreateDetectorResponse> {
      const scope = scopeOf(ctx)
      const { ClientToken, ...parameters } = input
      return idempotent({
        store: storage.idempotency,
        scope,
        operation: 'guardduty:CreateDetector',
        token: ClientToken,
        parameters,
        mismatch: () =>
          invalidInput(
            'The request is rejected because the clientToken was already used with different parameters.',
          ),
        run: async () => {
          const record = newDetectorRecord(scope, clock.now(), {
            enable: input.Enable,
            features: requestedFeatures(input.Features, input.DataSources),
            ...(input.FindingPublishingFrequency
              ? { findingPublishingFrequency: input.FindingPublishingFrequency }
              : {}),
            ...(input.Tags ? { tags: input.Tags } : {}),
          })
          try {
            await storage.detectors.insert(record)
          } catch (error) {
            if (error instanceof VigilError && error.code === 'VIGIL_STORAGE_CONFLICT')
              throw invalidInput(
                'The request is rejected because a detector already exists for the current account.',
              )
            throw error
          }
          await organizations.enrolIfAutoEnabled(scope)
          return { DetectorId: record.detectorId }
        },
      })
    },

    async GetDetector(
      input: gd.GetDetectorRequest,
      ctx: ServiceContext,
    ): Promise<gd.GetDetectorResponse> {
      const d = await requireDetector(storage, ctx, input.DetectorId)
      return {
        CreatedAt: new Date(d.createdAtMs).toISOString(),
        FindingPublishingFrequency: d.findingPublishingFrequency as gd.FindingPublishingFrequency,
        ServiceRole: guardDutyServiceRole(d.scope.accountId),
        Status: d.status,
        UpdatedAt: new Date(d.updatedAtMs).toISOString(),
        DataSources: dataSourcesResult(d.features, d.scope.accountId),
        Tags: { ...d.tags },
        Features: featuresResult(d.features),
      }
    },

    async ListDetectors(
      input: gd.ListDetectorsRequest,
      ctx: ServiceContext,
    ): Promise<gd.ListDetectorsResponse> {
      const scope = scopeOf(ctx)
      const limit = input.MaxResults ?? 50
      const fingerprint = queryFingerprint(['guardduty:ListDetectors', scope])
      let after: string | undefined
      if (input.NextToken !== undefined) {
        const position = decodePageToken(input.NextToken, fingerprint)
        if (!position || typeof position.key !== 'string') throw invalidNextToken()
        after = position.key
      }
      const page = await storage.detectors.listIds(scope, after, limit + 1)
      const ids = page.slice(0, limit)
      const last = ids.at(-1)
      return {
        DetectorIds: ids,
        ...(page.length > limit && last ? { NextToken: encodePageToken(fingerprint, last) } : {}),
      }
    },

    async UpdateDetector(
      input: gd.UpdateDetectorRequest,
      ctx: ServiceContext,
    ): Promise<gd.UpdateDetectorResponse> {
      const d = await requireDetector(storage, ctx, input.DetectorId)
      const changes = requestedFeatures(input.Features, input.DataSources)
      const now = clock.now()
      const updated: DetectorRecord = {
        ...d,
        status: input.Enable === undefined ? d.status : input.Enable ? 'ENABLED' : 'DISABLED',
        findingPublishingFrequency:
          input.FindingPublishingFrequency ?? d.findingPublishingFrequency,
        features: updatedFeatures(d.features, changes, now),
        updatedAtMs: now,
      }
      if (!(await storage.detectors.update(updated))) throw detectorNotOwned()
      return {}
    },

    async DeleteDetector(
      input: gd.DeleteDetectorRequest,
      ctx: ServiceContext,
    ): Promise<gd.DeleteDetectorResponse> {
      if (!(await storage.detectors.delete(scopeOf(ctx), input.DetectorId)))
        throw detectorNotOwned()
      await storage.findings.deleteOfDetector(scopeOf(ctx), input.DetectorId)
      return {}
    },
  }
}
