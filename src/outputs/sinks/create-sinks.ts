/** Builds the configured event sinks. */
import type { OutputsConfig } from '../outputs-config.js'
import type { EventSink } from './event-sink.js'
import { EventBridgeSink } from './eventbridge-sink.js'
import { FileSink } from './file-sink.js'
import { WebhookSink } from './webhook-sink.js'

export function createSinks(config: OutputsConfig): EventSink[] {
  return [
    ...config.webhooks.map((c) => new WebhookSink(c)),
    ...config.files.map((c) => new FileSink(c)),
    ...config.eventBridge.map((c) => new EventBridgeSink(c)),
  ]
}
