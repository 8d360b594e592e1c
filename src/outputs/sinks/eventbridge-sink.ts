/**
 * An EventBridge-compatible bus: events go out through PutEvents (`@aws-sdk/client-eventbridge`), ten
 * per call as the API allows, with `Source`, `DetailType`, `Detail`, `Resources`, `Time` and the
 * configured `EventBusName`. Per-entry failures (`ErrorCode`) fail just those events.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge'
import type { EventBridgeSinkConfig } from '../outputs-config.js'
import type { VigilEvent } from '../events/vigil-event.js'
import type { DeliveryOutcome, EventSink } from './event-sink.js'

export class EventBridgeSink implements EventSink {
  readonly name: string
  readonly pattern
  readonly #client: EventBridgeClient

  constructor(private readonly config: EventBridgeSinkConfig) {
    this.name = config.name
    this.pattern = config.pattern
    this.#client = new EventBridgeClient({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.accessKeyId && config.secretAccessKey
        ? {
            credentials: {
              accessKeyId: config.accessKeyId,
              secretAccessKey: config.secretAccessKey,
            },
          }
        : {}),
      maxAttempts: 1,
    })
  }

  async deliver(events: readonly VigilEvent[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = []
    for (let i = 0; i < events.length; i += 10) {
      const chunk = events.slice(i, i + 10)
      try {
        const res = await this.#client.send(
          new PutEventsCommand({
            Entries: chunk.map((e) => ({
              Source: e.source,
              DetailType: e['detail-type'],
              Detail: JSON.stringify(e.detail),
              Resources: [...e.resources],
              Time: new Date(e.time),
              ...(this.config.eventBusName ? { EventBusName: this.config.eventBusName } : {}),
            })),
          }),
        )
        chunk.forEach((_, j) => {
          const entry = res.Entries?.[j]
          outcomes.push(
            entry?.ErrorCode
              ? { ok: false, error: `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}` }
              : { ok: true },
          )
        })
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
        for (const _ of chunk) outcomes.push({ ok: false, error: message })
      }
    }
    return outcomes
  }

  close(): void {
    this.#client.destroy()
  }
}
