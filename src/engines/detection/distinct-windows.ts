/**
 * The threshold counting the flow-log and DNS detectors share, built for their volume: per key —
 * a group (an interface, a source) and a member (a remote host, a port, a domain) — the distinct
 * values (ports, addresses, names) seen within the last `windowMs` of event time, each held once
 * with the latest time it was seen. No per-item objects and no key concatenation: counting a record
 * costs two map lookups, and a key that has seen one value holds it inline (most keys — the
 * remote hosts an instance talks to on one port — never see a second). When a key reaches
 * `threshold` distinct values the window is handed to the caller (a detection), and the key starts
 * over and stays quiet for one window: activity that goes on makes one detection per window rather
 * than one per record. Memory is bounded by `maxKeys` (expired keys are swept first, then the
 * oldest groups are dropped) and by the threshold (a key never holds more values than it).
 */

/** Options of `DistinctWindows`. */
export interface DistinctWindowsOptions {
  /** Window length, milliseconds of event time. */
  readonly windowMs: number
  /** Distinct values within the window that make a detection (at least 1). */
  readonly threshold: number
  /** Keys (group + member) kept at most (default 200,000). */
  readonly maxKeys?: number
}

interface KeyState<V> {
  /** The only value seen since the key (re)started, while `values` is undefined. */
  first: V | undefined
  firstSeenMs: number
  /** Value → latest event time seen, epoch milliseconds, once a second value came. */
  values: Map<V, number> | undefined
  /** Latest event time seen for the key. */
  latestMs: number
  /** No counting before this time (after a detection). */
  quietUntilMs: number
}

/** A window that reached the threshold. */
export interface DistinctWindow<V> {
  /** The distinct values and when each was last seen (epoch milliseconds). */
  readonly values: ReadonlyMap<V, number>
  /** Oldest and newest time among them, epoch milliseconds. */
  readonly firstMs: number
  readonly lastMs: number
}

/** Per-key distinct-value windows with a threshold (see the module comment). */
export class DistinctWindows<V> {
  readonly #windowMs: number
  readonly #threshold: number
  readonly #maxKeys: number
  readonly #groups = new Map<string, Map<string | number, KeyState<V>>>()
  #keys = 0
  /** Latest event time seen over all keys. */
  #nowMs = -Infinity

  constructor(options: DistinctWindowsOptions) {
    if (!(options.windowMs > 0)) throw new RangeError('windowMs must be positive')
    this.#windowMs = options.windowMs
    this.#threshold = Math.max(1, Math.floor(options.threshold))
    this.#maxKeys = options.maxKeys ?? 200_000
  }

  /** Keys held. */
  get size(): number {
    return this.#keys
  }

  /**
   * Counts `value` for the key (`group`, `member`) at `timeMs` (epoch milliseconds). Returns the
   * window when the key now holds `threshold` distinct values within `windowMs` (the key then
   * starts over, quiet for one window), else undefined.
   */
  add(
    group: string,
    member: string | number,
    value: V,
    timeMs: number,
  ): DistinctWindow<V> | undefined {
    if (timeMs > this.#nowMs) this.#nowMs = timeMs
    let members = this.#groups.get(group)
    if (members === undefined) {
      members = new Map()
      this.#groups.set(group, members)
    }
    let state = members.get(member)
    if (state === undefined) {
      if (this.#keys >= this.#maxKeys) {
        this.#evict()
        // The group may have been dropped.
        if (!this.#groups.has(group)) this.#groups.set(group, members)
      }
      state = {
        first: value,
        firstSeenMs: timeMs,
        values: undefined,
        latestMs: timeMs,
        quietUntilMs: -Infinity,
      }
      members.set(member, state)
      this.#keys++
      return this.#threshold === 1 ? this.#fire(state, timeMs) : undefined
    }
    if (timeMs > state.latestMs) state.latestMs = timeMs
    if (timeMs < state.quietUntilMs || timeMs <= state.latestMs - this.#windowMs) return undefined
    let values = state.values
    if (values === undefined) {
      if (state.first === undefined) {
        state.first = value
        state.firstSeenMs = timeMs
        return this.#threshold === 1 ? this.#fire(state, timeMs) : undefined
      }
      if (value === state.first) {
        if (timeMs > state.firstSeenMs) state.firstSeenMs = timeMs
        return undefined
      }
      values = new Map([[state.first, state.firstSeenMs]])
      state.values = values
    }
    const seen = values.get(value)
    if (seen === undefined || seen < timeMs) values.set(value, timeMs)
    if (values.size < this.#threshold) return undefined
    const start = state.latestMs - this.#windowMs
    for (const [item, at] of values) if (at <= start) values.delete(item)
    if (values.size < this.#threshold) return undefined
    return this.#fire(state, timeMs)
  }

  /** Hands out the key's window and restarts the key, quiet for one window. */
  #fire(state: KeyState<V>, timeMs: number): DistinctWindow<V> {
    const values = state.values ?? new Map([[state.first as V, state.firstSeenMs]])
    let firstMs = Infinity
    for (const at of values.values()) if (at < firstMs) firstMs = at
    state.values = undefined
    state.first = undefined
    state.quietUntilMs = state.latestMs + this.#windowMs
    return { values, firstMs, lastMs: Math.max(state.latestMs, timeMs) }
  }

  /** Drops expired keys; when that frees less than a tenth, the oldest groups too. */
  #evict(): void {
    const expiredBefore = this.#nowMs - this.#windowMs
    for (const [group, members] of this.#groups) {
      for (const [member, state] of members) {
        if (state.latestMs <= expiredBefore && state.quietUntilMs <= this.#nowMs) {
          members.delete(member)
          this.#keys--
        }
      }
      if (members.size === 0) this.#groups.delete(group)
    }
    const target = Math.floor(this.#maxKeys * 0.9)
    for (const [group, members] of this.#groups) {
      if (this.#keys <= target) break
      this.#keys -= members.size
      this.#groups.delete(group)
    }
  }
}
