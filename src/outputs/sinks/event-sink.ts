/**
 * The event-sink port: somewhere events are delivered (a webhook, a file, an event bus). A sink
 * delivers a batch and says, event by event, what failed; the dispatcher retries those and keeps its
 * cursor and dead letters.
 */
import type { EventPattern } from '../events/event-pattern.js'
import type { VigilEvent } from '../events/vigil-event.js'

/** The outcome of one event's delivery: ok, or the reason it failed. */
export type DeliveryOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string }

export interface EventSink {
  readonly name: string
  /** Events the sink takes; all when absent. */
  readonly pattern?: EventPattern
  /** Delivers `events`; one outcome per event, in order. Never throws. */
  deliver(events: readonly VigilEvent[]): Promise<DeliveryOutcome[]>
  close?(): void
}
