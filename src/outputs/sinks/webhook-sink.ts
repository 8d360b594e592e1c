/**
 * HTTP webhooks: each event is POSTed as JSON, up to 16 at a time, with headers `x-vigil-event-id`,
 * `x-vigil-timestamp` (epoch seconds) and, when the sink has a secret,
 * `x-vigil-signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` so a receiver can check both
 * origin and freshness. Any 2xx is a delivery; anything else (status, network error, 10 s timeout)
 * is a failure the dispatcher retries.
 */
import { createHmac } from 'node:crypto'
import type { WebhookSinkConfig } from '../outputs-config.js'
import type { VigilEvent } from '../events/vigil-event.js'
import type { DeliveryOutcome, EventSink } from './event-sink.js'

const CONCURRENCY = 16
const TIMEOUT_MS = 10_000

/** The signature header value for a body sent at `timestamp` (epoch seconds). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export class WebhookSink implements EventSink {
  readonly name: string
  readonly pattern
  constructor(private readonly config: WebhookSinkConfig) {
    this.name = config.name
    this.pattern = config.pattern
  }

  async #post(event: VigilEvent): Promise<DeliveryOutcome> {
    const body = JSON.stringify(event)
    const timestamp = String(Math.floor(Date.now() / 1000))
    try {
      const res = await fetch(this.config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-vigil-event-id': event.id,
          'x-vigil-timestamp': timestamp,
          ...(this.config.secret
            ? { 'x-vigil-signature': webhookSignature(this.config.secret, timestamp, body) }
            : {}),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
      await res.arrayBuffer()
      return res.ok ? { ok: true } : { ok: false, error: `HTTP ${res.status}` }
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      return { ok: false, error: cause ?? (error instanceof Error ? error.message : String(error)) }
    }
  }

  async deliver(events: readonly VigilEvent[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = new Array<DeliveryOutcome>(events.length)
    let next = 0
    const worker = async () => {
      while (next < events.length) {
        const i = next++
        outcomes[i] = await this.#post(events[i] as VigilEvent)
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, events.length) }, worker))
    return outcomes
  }
}
