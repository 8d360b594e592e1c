/**
 * Delivers findings events to the sinks, at least once. The source is the findings' change feed:
 * every write of a finding takes the next change number in the write's own transaction, so the feed
 * is a transactional outbox and a crash loses nothing. Each sink runs its own loop and keeps its own
 * cursor (`output_cursor`): read the changes after the cursor, turn them into events, keep those the
 * sink's pattern matches, deliver, retry the failures with exponential backoff, turn the events that
 * still fail into dead letters (`output_dead_letter`, listable and replayable), then move the cursor.
 * A crash between delivery and the cursor move redelivers that batch (at-least-once; event ids are
 * stable per finding version). A sink seen for the first time starts at the end of the feed (no
 * backfill of older findings). Several writes of one finding between two reads are one event: the
 * latest version.
 */
import type { ChangeFeed } from './change-feed.js'
import type { OutputStateStore } from '../../storage/ports.js'
import type { VigilEvent } from '../events/vigil-event.js'
import type { RetryPolicy } from '../outputs-config.js'
import type { EventSink } from '../sinks/event-sink.js'

export interface EventDispatcherOptions {
  readonly feeds: readonly ChangeFeed[]
  readonly sinks: readonly EventSink[]
  readonly state: OutputStateStore
  readonly retry: RetryPolicy
  /** Changes read per step. */
  readonly batchSize?: number
  /** How long an idle loop waits before looking again, milliseconds (a nudge wakes it sooner). */
  readonly pollMs?: number
  /** Epoch-milliseconds clock for dead-letter times. */
  readonly now?: () => number
  /** Told about deliveries, for metrics. */
  readonly onDelivered?: (sink: string, delivered: number, deadLettered: number) => void
}

export interface SinkStatus {
  readonly name: string
  readonly feeds: readonly { feed: string; cursor: number; end: number; backlog: number }[]
  readonly deadLetters: number
  /** The last delivery error, if the last attempt failed. */
  readonly lastError?: string
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

export class EventDispatcher {
  readonly #options: EventDispatcherOptions
  readonly #stop = new AbortController()
  #wake = new AbortController()
  readonly #loops: Promise<void>[] = []
  readonly #lastError = new Map<string, string | undefined>()

  constructor(options: EventDispatcherOptions) {
    this.#options = options
  }

  /** Starts one loop per sink. */
  start(): void {
    for (const sink of this.#options.sinks) this.#loops.push(this.#loop(sink))
  }

  /** Wakes idle loops (after findings were written). */
  nudge(): void {
    this.#wake.abort()
    this.#wake = new AbortController()
  }

  /** Stops the loops after their current step. */
  async stop(): Promise<void> {
    this.#stop.abort()
    this.nudge()
    await Promise.all(this.#loops)
    for (const sink of this.#options.sinks) sink.close?.()
  }

  async #loop(sink: EventSink): Promise<void> {
    const pollMs = this.#options.pollMs ?? 1000
    while (!this.#stop.signal.aborted) {
      let moved = false
      try {
        moved = await this.step(sink)
      } catch (error) {
        this.#lastError.set(sink.name, error instanceof Error ? error.message : String(error))
      }
      if (!moved) {
        const wake = this.#wake.signal
        await sleep(pollMs, AbortSignal.any([wake, this.#stop.signal]))
      }
    }
  }

  /**
   * One step of a sink over every feed: deliver the next batch and move the cursor.
   * @returns whether any change was read (so the loop continues without waiting)
   */
  async step(sink: EventSink): Promise<boolean> {
    const { state, feeds } = this.#options
    let moved = false
    for (const feed of feeds) {
      let cursor = await state.cursor(sink.name, feed.name)
      if (cursor === undefined) {
        cursor = await feed.lastChangeSeq()
        await state.setCursor(sink.name, feed.name, cursor)
        continue
      }
      const changes = await feed.changesAfter(cursor, this.#options.batchSize ?? 500)
      if (changes.length === 0) continue
      moved = true
      const events = changes
        .map((c) => feed.toEvent(c))
        .filter((e) => !sink.pattern || sink.pattern.matches(e))
      await this.#deliver(sink, events)
      await state.setCursor(sink.name, feed.name, (changes.at(-1) as { seq: number }).seq)
    }
    return moved
  }

  /** Delivers with retries; what still fails becomes dead letters. */
  async #deliver(sink: EventSink, events: readonly VigilEvent[]): Promise<void> {
    const { retry } = this.#options
    let pending = events
    let errors: string[] = []
    let delivered = 0
    for (let attempt = 1; pending.length > 0; attempt++) {
      const outcomes = await sink.deliver(pending)
      const failed: VigilEvent[] = []
      errors = []
      outcomes.forEach((o, i) => {
        if (o.ok) delivered++
        else {
          failed.push(pending[i] as VigilEvent)
          errors.push(o.error)
        }
      })
      pending = failed
      this.#lastError.set(sink.name, errors[0])
      if (pending.length === 0 || attempt >= retry.attempts) {
        if (pending.length > 0) {
          const now = (this.#options.now ?? Date.now)()
          await this.#options.state.addDeadLetters(
            pending.map((event, i) => ({
              output: sink.name,
              eventId: event.id,
              event: event as unknown as Record<string, unknown>,
              error: errors[i] ?? 'unknown',
              attempts: attempt,
              failedAtMs: now,
            })),
          )
        }
        break
      }
      if (this.#stop.signal.aborted) return
      await sleep(Math.min(retry.maxMs, retry.baseMs * 2 ** (attempt - 1)), this.#stop.signal)
      if (this.#stop.signal.aborted) return
    }
    this.#options.onDelivered?.(sink.name, delivered, pending.length)
  }

  /**
   * Delivers dead letters again (all of a sink, or one by id); those delivered are removed.
   * @returns how many were delivered and how many remain
   */
  async replay(sinkName: string, id?: number): Promise<{ delivered: number; remaining: number }> {
    const sink = this.#options.sinks.find((s) => s.name === sinkName)
    if (!sink) throw new Error(`no sink named ${sinkName}`)
    const { state } = this.#options
    const letters = (await state.deadLetters(sinkName, 10_000)).filter(
      (l) => id === undefined || l.id === id,
    )
    const outcomes = await sink.deliver(letters.map((l) => l.event as unknown as VigilEvent))
    let delivered = 0
    for (const [i, o] of outcomes.entries())
      if (o.ok) {
        await state.removeDeadLetter((letters[i] as { id: number }).id)
        delivered++
      }
    return { delivered, remaining: (await state.deadLetterCounts())[sinkName] ?? 0 }
  }

  /** Cursors, backlogs and dead letters of every sink. */
  async status(): Promise<SinkStatus[]> {
    const { state, feeds, sinks } = this.#options
    const counts = await state.deadLetterCounts()
    const out: SinkStatus[] = []
    for (const sink of sinks) {
      const perFeed = []
      for (const feed of feeds) {
        const end = await feed.lastChangeSeq()
        const cursor = (await state.cursor(sink.name, feed.name)) ?? end
        perFeed.push({ feed: feed.name, cursor, end, backlog: Math.max(0, end - cursor) })
      }
      const lastError = this.#lastError.get(sink.name)
      out.push({
        name: sink.name,
        feeds: perFeed,
        deadLetters: counts[sink.name] ?? 0,
        ...(lastError ? { lastError } : {}),
      })
    }
    return out
  }
}
