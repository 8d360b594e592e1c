/**
 * A new detector's record: a 32-hex id, the default publishing frequency (SIX_HOURS), and the default
 * features with any requested changes applied. Used by CreateDetector and by organization enrolment.
 */
import { randomHex } from '../../../core/ids.js'
import type { DetectorRecord, Scope, Storage } from '../../../storage/ports.js'
import type * as gd from '../generated/types.js'
import { initialFeatures } from './detector-features.js'

const DEFAULT_PUBLISHING_FREQUENCY = 'SIX_HOURS'

/** A new detector record for `scope` with the given feature changes applied to the defaults. */
export function newDetectorRecord(
  scope: Scope,
  nowMs: number,
  options: {
    readonly enable: boolean
    readonly features?: readonly gd.DetectorFeatureConfiguration[]
    readonly findingPublishingFrequency?: string
    readonly tags?: Readonly<Record<string, string>>
  },
): DetectorRecord {
  return {
    scope,
    detectorId: randomHex(32),
    status: options.enable ? 'ENABLED' : 'DISABLED',
    findingPublishingFrequency: options.findingPublishingFrequency ?? DEFAULT_PUBLISHING_FREQUENCY,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    features: initialFeatures(options.features ?? [], nowMs),
    tags: options.tags ?? {},
  }
}

/** The detector of `scope` (GuardDuty has at most one per account and region), or undefined. */
export async function detectorOfScope(
  storage: Storage,
  scope: Scope,
): Promise<DetectorRecord | undefined> {
  const [id] = await storage.detectors.listIds(scope, undefined, 1)
  return id === undefined ? undefined : storage.detectors.get(scope, id)
}
