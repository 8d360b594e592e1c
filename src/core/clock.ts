/**
 * The clock port. Everything that reads the time (timestamps on resources, SigV4 skew checks, retention,
 * publishing schedules) takes a `Clock`, so tests can move time instead of waiting.
 */

export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  #ms: number
  /** @param startMs initial time in epoch milliseconds */
  constructor(startMs: number) {
    this.#ms = startMs
  }
  now(): number {
    return this.#ms
  }
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#ms += ms
  }
  /** Sets the clock to `ms` epoch milliseconds. */
  set(ms: number): void {
    this.#ms = ms
  }
}
