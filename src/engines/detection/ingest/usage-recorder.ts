/**
 * GuardDuty usage from ingestion: the events and bytes analysed per (account, Region, data
 * source), kept as the usage records GetUsageStatistics reads (`guardduty:usage` resources under
 * the scope's detector, one per data source per UTC day: id `<feature>/<YYYY-MM-DD>`), each with
 * an estimated cost in USD. This module owns the price table, the mapping from detector features
 * to GuardDuty's `DataSource` / `UsageFeature` names, and the read-add-write of the daily records.
 *
 * Prices: Amazon GuardDuty's list prices for US East (N. Virginia), first volume tier, from
 * https://aws.amazon.com/guardduty/pricing/ (see docs/detection.md, "Usage"). Volume tiers, other
 * Regions and the 30-day free trial are not applied: the amount is an estimate of what the same
 * analysis would cost on AWS.
 */
import type { UsageBody } from '../../../services/guardduty/handlers/coverage-usage.js'
import { USAGE_KIND } from '../../../services/guardduty/handlers/coverage-usage.js'
import type * as gd from '../../../services/guardduty/generated/types.js'
import type { Scope, Storage } from '../../../storage/ports.js'
import type { DataSourceFeature } from '../detector.js'

/** How one detector feature is billed. */
export interface UsagePrice {
  /** GuardDuty's data source name (GetUsageStatistics `SUM_BY_DATA_SOURCE`). */
  readonly dataSource: gd.DataSource
  /** GuardDuty's usage feature name (`SUM_BY_FEATURES`). */
  readonly feature: gd.UsageFeature
  /** What is billed: analysed events (per million) or analysed bytes (per GB, 2^30 bytes). */
  readonly unit: 'events' | 'bytes'
  /** USD per million events, or per GB. */
  readonly usd: number
}

/** The price table (US East (N. Virginia), first tier; see the module comment). */
export const USAGE_PRICES: Readonly<Record<DataSourceFeature, UsagePrice>> = {
  CLOUD_TRAIL: { dataSource: 'CLOUD_TRAIL', feature: 'CLOUD_TRAIL', unit: 'events', usd: 4.0 },
  S3_DATA_EVENTS: { dataSource: 'S3_LOGS', feature: 'S3_DATA_EVENTS', unit: 'events', usd: 0.8 },
  FLOW_LOGS: { dataSource: 'FLOW_LOGS', feature: 'FLOW_LOGS', unit: 'bytes', usd: 1.0 },
  DNS_LOGS: { dataSource: 'DNS_LOGS', feature: 'DNS_LOGS', unit: 'bytes', usd: 1.0 },
  EKS_AUDIT_LOGS: {
    dataSource: 'KUBERNETES_AUDIT_LOGS',
    feature: 'EKS_AUDIT_LOGS',
    unit: 'events',
    usd: 1.6,
  },
}

const GB = 1024 ** 3

/**
 * Estimated cost in USD of analysing `events` events holding `bytes` bytes (decompressed) of one
 * feature's logs.
 */
export function estimateUsd(feature: DataSourceFeature, events: number, bytes: number): number {
  const price = USAGE_PRICES[feature]
  return price.unit === 'events' ? (events / 1e6) * price.usd : (bytes / GB) * price.usd
}

/** A USD amount as a decimal string without exponent (up to 10 decimals). */
export function usdText(amount: number): string {
  const fixed = amount.toFixed(10)
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed
}

/** Analysed volume of one feature in one scope. */
export interface FeatureUsage {
  readonly scope: Scope
  readonly feature: DataSourceFeature
  /** Events analysed. */
  readonly events: number
  /** Decompressed bytes those events took in their objects. */
  readonly bytes: number
}

/** A stored daily usage record. */
export interface DailyUsageBody extends UsageBody {
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string
  readonly events: number
  readonly bytes: number
}

/** Writes usage records. */
export class UsageRecorder {
  /**
   * @param now epoch-milliseconds clock (decides the day of the record)
   */
  constructor(
    private readonly storage: Pick<Storage, 'detectors' | 'resources'>,
    private readonly now: () => number,
  ) {}

  /**
   * Adds the usage to the scopes' records of today; scopes without a detector record nothing.
   * Returns what was added, with its estimated cost.
   */
  async record(usage: readonly FeatureUsage[]): Promise<(FeatureUsage & { usd: number })[]> {
    const day = new Date(this.now()).toISOString().slice(0, 10)
    const added: (FeatureUsage & { usd: number })[] = []
    for (const item of usage) {
      if (item.events === 0 && item.bytes === 0) continue
      const [detectorId] = await this.storage.detectors.listIds(item.scope, undefined, 1)
      if (detectorId === undefined) continue
      const id = `${item.feature}/${day}`
      const key = { scope: item.scope, kind: USAGE_KIND, parentId: detectorId, id }
      const existing = await this.storage.resources.get<DailyUsageBody>(key)
      const events = (existing?.body.events ?? 0) + item.events
      const bytes = (existing?.body.bytes ?? 0) + item.bytes
      const price = USAGE_PRICES[item.feature]
      const now = this.now()
      const body: DailyUsageBody = {
        dataSource: price.dataSource,
        feature: price.feature,
        amount: usdText(estimateUsd(item.feature, events, bytes)),
        unit: 'USD',
        day,
        events,
        bytes,
      }
      await this.storage.resources.apply([
        {
          put: {
            ...key,
            sortKey: id,
            createdAtMs: existing?.createdAtMs ?? now,
            updatedAtMs: now,
            body,
          },
        },
      ])
      added.push({ ...item, usd: estimateUsd(item.feature, item.events, item.bytes) })
    }
    return added
  }
}
