/**
 * The detector-state port of the detection engine: for an (account, region), the GuardDuty
 * detector's id, status and features, which decide whether an event of that scope is analysed at
 * all. This module owns the port, the rule for features a record does not list (the foundational
 * sources CLOUD_TRAIL, DNS_LOGS and FLOW_LOGS count as enabled, every other feature as disabled),
 * an adapter over the storage ports and a fixed in-memory implementation for tests and tools.
 */
import type { DetectorRecord, FeatureState, Scope, Storage } from '../../storage/ports.js'
import type { DataSourceFeature } from './detector.js'

/** What the engine needs of a detector. `DetectorRecord` satisfies it. */
export interface DetectorState {
  readonly detectorId: string
  readonly status: 'ENABLED' | 'DISABLED'
  readonly features: readonly Pick<FeatureState, 'name' | 'status'>[]
}

/** The port: the detector of a scope, or undefined when the scope has none. */
export interface DetectorStates {
  detectorOf(scope: Scope): Promise<DetectorState | undefined>
}

const FOUNDATIONAL: ReadonlySet<string> = new Set(['CLOUD_TRAIL', 'DNS_LOGS', 'FLOW_LOGS'])

/** Whether `feature` is enabled on the detector (see the module comment for unlisted features). */
export function featureEnabled(detector: DetectorState, feature: DataSourceFeature): boolean {
  const state = detector.features.find((f) => f.name === feature)
  return state === undefined ? FOUNDATIONAL.has(feature) : state.status === 'ENABLED'
}

/** Detector state read through the storage ports (one detector per scope, as GuardDuty has). */
export function storageDetectorStates(storage: Pick<Storage, 'detectors'>): DetectorStates {
  return {
    async detectorOf(scope: Scope): Promise<DetectorRecord | undefined> {
      const [id] = await storage.detectors.listIds(scope, undefined, 1)
      return id === undefined ? undefined : storage.detectors.get(scope, id)
    },
  }
}

/**
 * A fixed answer per scope: `detectors` maps `account/region` (or `account/*` for every region) to
 * a state; scopes not listed get `fallback` (default: no detector).
 */
export function staticDetectorStates(
  detectors: Readonly<Record<string, DetectorState>>,
  fallback?: DetectorState,
): DetectorStates {
  return {
    detectorOf(scope: Scope): Promise<DetectorState | undefined> {
      return Promise.resolve(
        detectors[`${scope.accountId}/${scope.region}`] ??
          detectors[`${scope.accountId}/*`] ??
          fallback,
      )
    },
  }
}

/** An enabled detector with the given features enabled (others as `featureEnabled` defaults). */
export function enabledDetector(
  detectorId: string,
  enabled: readonly DataSourceFeature[] = ['CLOUD_TRAIL', 'S3_DATA_EVENTS'],
  disabled: readonly DataSourceFeature[] = [],
): DetectorState {
  return {
    detectorId,
    status: 'ENABLED',
    features: [
      ...enabled.map((name) => ({ name, status: 'ENABLED' as const })),
      ...disabled.map((name) => ({ name, status: 'DISABLED' as const })),
    ],
  }
}
