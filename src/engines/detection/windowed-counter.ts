/**
 * Sliding-window counting for threshold detectors: per key (a principal, an instance and port…),
 * the items seen within the last `windowMs` of **event time**, their count and the number of
 * distinct values among them. This module owns the window semantics: an item belongs to the window
 * ending at the latest event time seen for its key, so events arriving slightly out of order are
 * placed by their own time and never push newer items out; memory is bounded by `maxKeys` (the key
 * updated longest ago is forgotten first) and `maxItemsPerKey` (the oldest items go first).
 */

/** One counted item and when it happened. */
export interface WindowItem<T> {
  /** Event time, epoch milliseconds. */
  readonly timeMs: number
  readonly item: T
}

/** The window of one key after an `add`. */
export interface WindowView<T> {
  /** Items in the window. */
  readonly count: number
  /** Distinct values among them (`distinctKey`), or `count` when no `distinctKey` was given. */
  readonly distinct: number
  /** Event time of the oldest and newest item in the window, epoch milliseconds. */
  readonly firstMs: number
  readonly lastMs: number
  /** The items, oldest first. */
  readonly items: readonly WindowItem<T>[]
}

/** Options of a `WindowedCounter`. */
export interface WindowedCounterOptions<T> {
  /** Window length in milliseconds. */
  readonly windowMs: number
  /** What makes two items the same for `distinct` (e.g. the source country). */
  readonly distinctKey?: (item: T) => string
  /** Keys kept at most (default 100,000). */
  readonly maxKeys?: number
  /** Items kept per key at most (default 10,000). */
  readonly maxItemsPerKey?: number
}

interface KeyWindow<T> {
  readonly items: WindowItem<T>[]
  readonly distinct: Map<string, number>
  /** Latest event time seen for the key, epoch milliseconds. */
  latestMs: number
}

/** Per-key sliding windows over event time. */
export class WindowedCounter<T> {
  readonly #windowMs: number
  readonly #distinctKey: ((item: T) => string) | undefined
  readonly #maxKeys: number
  readonly #maxItems: number
  /** In least-recently-updated order (a key is moved to the end when updated). */
  readonly #keys = new Map<string, KeyWindow<T>>()

  constructor(options: WindowedCounterOptions<T>) {
    if (!(options.windowMs > 0)) throw new RangeError('windowMs must be positive')
    this.#windowMs = options.windowMs
    this.#distinctKey = options.distinctKey
    this.#maxKeys = options.maxKeys ?? 100_000
    this.#maxItems = options.maxItemsPerKey ?? 10_000
  }

  /** Number of keys currently held. */
  get size(): number {
    return this.#keys.size
  }

  /**
   * Counts `item` for `key` at `timeMs` (epoch milliseconds) and returns the key's window. An item
   * older than the window of the key's latest event is not counted (the view is returned as is).
   */
  add(key: string, timeMs: number, item: T): WindowView<T> {
    let window = this.#keys.get(key)
    if (window === undefined) {
      window = { items: [], distinct: new Map(), latestMs: timeMs }
      if (this.#keys.size >= this.#maxKeys) {
        const oldest = this.#keys.keys().next()
        if (!oldest.done) this.#keys.delete(oldest.value)
      }
    } else {
      this.#keys.delete(key)
    }
    this.#keys.set(key, window)
    if (timeMs > window.latestMs) window.latestMs = timeMs
    const start = window.latestMs - this.#windowMs
    if (timeMs > start) {
      insertByTime(window.items, { timeMs, item })
      if (this.#distinctKey) {
        const value = this.#distinctKey(item)
        window.distinct.set(value, (window.distinct.get(value) ?? 0) + 1)
      }
    }
    this.#expire(window, start)
    while (window.items.length > this.#maxItems) this.#drop(window)
    return this.#view(window)
  }

  /** The current window of `key`, or undefined when nothing is held for it. */
  peek(key: string): WindowView<T> | undefined {
    const window = this.#keys.get(key)
    return window === undefined ? undefined : this.#view(window)
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.#keys.delete(key)
  }

  /**
   * Forgets every key whose latest event is more than one window before `nowMs` (event time, epoch
   * milliseconds — typically the latest event time the caller has seen).
   */
  sweep(nowMs: number): void {
    for (const [key, window] of this.#keys) {
      if (window.latestMs <= nowMs - this.#windowMs) this.#keys.delete(key)
    }
  }

  #view(window: KeyWindow<T>): WindowView<T> {
    const { items } = window
    return {
      count: items.length,
      distinct: this.#distinctKey ? window.distinct.size : items.length,
      firstMs: items[0]?.timeMs ?? window.latestMs,
      lastMs: items.at(-1)?.timeMs ?? window.latestMs,
      items,
    }
  }

  /** Drops items at or before `start` (the window is `(start, latest]`). */
  #expire(window: KeyWindow<T>, start: number): void {
    while (window.items.length > 0 && (window.items[0]?.timeMs ?? Infinity) <= start) {
      this.#drop(window)
    }
  }

  #drop(window: KeyWindow<T>): void {
    const dropped = window.items.shift()
    if (dropped === undefined || !this.#distinctKey) return
    const value = this.#distinctKey(dropped.item)
    const left = (window.distinct.get(value) ?? 1) - 1
    if (left <= 0) window.distinct.delete(value)
    else window.distinct.set(value, left)
  }
}

/** Inserts keeping `items` sorted by time (stable: equal times keep arrival order). */
function insertByTime<T>(items: WindowItem<T>[], entry: WindowItem<T>): void {
  const last = items.at(-1)
  if (last === undefined || last.timeMs <= entry.timeMs) {
    items.push(entry)
    return
  }
  let low = 0
  let high = items.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((items[mid]?.timeMs ?? 0) <= entry.timeMs) low = mid + 1
    else high = mid
  }
  items.splice(low, 0, entry)
}
