/**
 * Inspector usage: what Vigil's scanner did, per account, usage type and UTC day
 * (`inspector2:usage` documents in the account's scope, id `<day>|<type>`), recorded by the scanner
 * through `recordUsage` — imported findings count nothing — and summed over the last 30 days for
 * ListUsageTotals. Units are AWS's: hours for `*_HOURS` types, scans for `ECR_INITIAL_SCAN` /
 * `ECR_RESCAN` and `CODE_REPOSITORY_*`. Vigil charges nothing: every total's `estimatedMonthlyCost` is 0
 * and its currency USD.
 */
import type { ResourceRecord, Scope, Storage } from '../../../storage/ports.js'
import type * as i2 from '../generated/types.js'

export const USAGE_KIND = 'inspector2:usage'

/** Every usage type of the model, in the order totals list them. */
export const USAGE_TYPES: readonly i2.UsageType[] = [
  'EC2_INSTANCE_HOURS',
  'ECR_INITIAL_SCAN',
  'ECR_RESCAN',
  'LAMBDA_FUNCTION_HOURS',
  'LAMBDA_FUNCTION_CODE_HOURS',
  'CODE_REPOSITORY_SAST',
  'CODE_REPOSITORY_IAC',
  'CODE_REPOSITORY_SCA',
  'EC2_AGENTLESS_INSTANCE_HOURS',
]

/** The window ListUsageTotals sums, in days (today included). */
export const USAGE_WINDOW_DAYS = 30

const DAY_MS = 86_400_000

/** One account's usage of one type on one UTC day. */
export interface UsageBody {
  readonly type: i2.UsageType
  /** `YYYY-MM-DD`, UTC. */
  readonly day: string
  readonly total: number
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/**
 * Adds `amount` of `type` to the usage of `scope` on the UTC day of `atMs` — the scanner's entry
 * point (e.g. 1 `ECR_INITIAL_SCAN` per first scan of an image, the hours an instance was covered).
 * Calls for one scope are expected one at a time (read, add, write).
 * @param atMs when the usage happened, epoch milliseconds
 */
export async function recordUsage(
  storage: Storage,
  scope: Scope,
  type: i2.UsageType,
  amount: number,
  atMs: number,
): Promise<void> {
  if (!Number.isFinite(amount) || amount <= 0) return
  const day = dayOf(atMs)
  const key = { scope, kind: USAGE_KIND, parentId: '', id: `${day}|${type}` }
  const existing = await storage.resources.get<UsageBody>(key)
  await storage.resources.apply([
    {
      put: {
        ...key,
        sortKey: key.id,
        createdAtMs: existing?.createdAtMs ?? atMs,
        updatedAtMs: atMs,
        body: { type, day, total: (existing?.body.total ?? 0) + amount },
      },
    },
  ])
}

/**
 * The usage of `scope` over the last `USAGE_WINDOW_DAYS` days ending at `nowMs`: one entry per usage
 * type (0 when none was recorded), cost 0 USD.
 */
export async function usageTotals(
  storage: Storage,
  scope: Scope,
  nowMs: number,
): Promise<i2.Usage[]> {
  const from = dayOf(nowMs - (USAGE_WINDOW_DAYS - 1) * DAY_MS)
  const sums = new Map<string, number>()
  let after: { sortKey: string; id: string } | undefined = { sortKey: from, id: from }
  for (;;) {
    const page: ResourceRecord<UsageBody>[] = await storage.resources.list<UsageBody>(
      scope,
      USAGE_KIND,
      '',
      after,
      500,
    )
    for (const r of page) sums.set(r.body.type, (sums.get(r.body.type) ?? 0) + r.body.total)
    const last = page.at(-1)
    if (page.length < 500 || !last) break
    after = { sortKey: last.sortKey, id: last.id }
  }
  return USAGE_TYPES.map((type) => ({
    type,
    total: sums.get(type) ?? 0,
    estimatedMonthlyCost: 0,
    currency: 'USD',
  }))
}
