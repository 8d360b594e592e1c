/**
 * GuardDuty's finding retention: findings not updated for the retention period (AWS keeps findings
 * for 90 days — "GuardDuty retains generated findings for 90 days") are deleted. The sweep reads the
 * injectable clock, so tests move time instead of waiting; a running server sweeps at startup and
 * then every `intervalMs`, in bounded batches so a sweep never holds the database for long.
 */
import type { Clock } from '../../../core/clock.js'
import type { FindingStore } from '../../../storage/ports.js'

const DAY_MS = 86_400_000
/** Findings deleted per transaction. */
const BATCH = 5_000

export class FindingRetention {
  #timer: NodeJS.Timeout | undefined

  /**
   * @param retentionDays findings whose `updatedAt` is older than this many days are deleted
   */
  constructor(
    private readonly findings: FindingStore,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  /** Deletes every expired finding now; returns how many. */
  async sweep(): Promise<number> {
    const cutoff = this.clock.now() - this.retentionDays * DAY_MS
    let total = 0
    for (;;) {
      const deleted = await this.findings.deleteUpdatedBefore(cutoff, BATCH)
      total += deleted
      if (deleted < BATCH) return total
      // Let requests in between batches.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /**
   * Sweeps now and then every `intervalMs` milliseconds (the timer does not keep the process alive).
   * @param onError receives a failed sweep's error
   */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    const run = () => void this.sweep().catch(onError)
    run()
    this.#timer = setInterval(run, intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }
}
