/**
 * Per-scope accounting of one log object, taken on the way into the engine: the entries pass
 * through unchanged while each is attributed with the engine's own attribution functions and
 * counted per (account, Region, detector feature) — analysed only when the scope has an enabled
 * detector with that feature enabled, as the engine decides — and the resources the records show
 * are collected for coverage. The engine's summary has no per-scope counts; usage (GuardDuty bills
 * per account and data source) and coverage need them, so this module owns computing them.
 *
 * Like the engine, records of a source no detector reads are not analysed. Difference from the
 * engine's own counting: an event the engine drops as a duplicate delivery (same `eventID` already
 * read) is still counted here.
 */
import type { Scope } from '../../../storage/ports.js'
import type { DataSourceFeature } from '../detector.js'
import { featureEnabled, type DetectorStates } from '../detector-states.js'
import type { LogObjectContext } from '../object-context.js'
import type { SourceAttributions } from '../detectors/index.js'
import type { SourceAttribution } from '../source-attribution.js'
import type { LogEntry, LogSource } from '../sources/index.js'
import { observedResources, type ObservedResource } from './coverage-tracker.js'

interface ScopeCounts {
  readonly scope: Scope
  /** Whether the scope has an enabled detector. */
  readonly active: boolean
  readonly enabled: ReadonlySet<DataSourceFeature>
  /** Records attributed to the scope, analysed or not. */
  records: number
  /** Analysed events per feature. */
  readonly analysed: Map<DataSourceFeature, number>
  /** Resources seen in analysed events, by id. */
  readonly resources: Map<string, ObservedResource>
}

/** Analysed events of one feature in one scope. */
export interface ScopeFeatureCount {
  readonly scope: Scope
  readonly feature: DataSourceFeature
  readonly events: number
}

const FEATURES: readonly DataSourceFeature[] = [
  'CLOUD_TRAIL',
  'S3_DATA_EVENTS',
  'FLOW_LOGS',
  'DNS_LOGS',
  'EKS_AUDIT_LOGS',
]

/** Counts one object's entries per scope. Use once per object. */
export class ScopeMeter {
  readonly #attribution: Readonly<Record<LogSource, SourceAttribution<LogSource>>>
  readonly #scopes = new Map<string, ScopeCounts>()
  /** Entries read. */
  records = 0

  /**
   * @param attribution attributions built like the engine's (`buildAttribution`), not shared with
   *   it (they cache per object)
   * @param context the object being read, given to the attributions
   */
  constructor(
    attribution: SourceAttributions,
    private readonly detectorStates: DetectorStates,
    private readonly context: LogObjectContext,
    /** Sources some detector reads; records of the others are not analysed (the engine's rule). */
    private readonly analysedSources: ReadonlySet<LogSource>,
  ) {
    this.#attribution = attribution as unknown as Readonly<
      Record<LogSource, SourceAttribution<LogSource>>
    >
  }

  /** The entries, unchanged, counted on the way. */
  async *meter(batches: AsyncIterable<LogEntry[]>): AsyncGenerator<LogEntry[], void, undefined> {
    for await (const batch of batches) {
      for (const entry of batch) {
        this.records++
        if (!this.analysedSources.has(entry.source)) continue
        const attributed = this.#attribution[entry.source].attribute(entry.record, this.context)
        if (typeof attributed === 'string') continue
        const key = `${attributed.scope.accountId}\u0000${attributed.scope.region}`
        const counts = this.#scopes.get(key) ?? (await this.#load(key, attributed.scope))
        counts.records++
        if (!counts.active || !counts.enabled.has(attributed.feature)) continue
        counts.analysed.set(attributed.feature, (counts.analysed.get(attributed.feature) ?? 0) + 1)
        for (const resource of observedResources(entry, attributed.cluster)) {
          if (!counts.resources.has(resource.id)) counts.resources.set(resource.id, resource)
        }
      }
      yield batch
    }
  }

  async #load(key: string, scope: Scope): Promise<ScopeCounts> {
    const detector = await this.detectorStates.detectorOf(scope)
    const active = detector?.status === 'ENABLED'
    const counts: ScopeCounts = {
      scope,
      active,
      enabled: new Set(
        active && detector ? FEATURES.filter((feature) => featureEnabled(detector, feature)) : [],
      ),
      records: 0,
      analysed: new Map(),
      resources: new Map(),
    }
    this.#scopes.set(key, counts)
    return counts
  }

  /** Analysed events per scope and feature. */
  analysed(): ScopeFeatureCount[] {
    const out: ScopeFeatureCount[] = []
    for (const counts of this.#scopes.values()) {
      for (const [feature, events] of counts.analysed)
        out.push({ scope: counts.scope, feature, events })
    }
    return out
  }

  /** Resources seen in analysed events, with their scope. */
  resources(): { scope: Scope; resource: ObservedResource }[] {
    const out: { scope: Scope; resource: ObservedResource }[] = []
    for (const counts of this.#scopes.values()) {
      for (const resource of counts.resources.values()) out.push({ scope: counts.scope, resource })
    }
    return out
  }
}
