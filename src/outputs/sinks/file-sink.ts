/**
 * A JSON-lines file of events: each delivery appends one line per event (the folder is created).
 * A write error fails the whole batch.
 */
import { appendFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { FileSinkConfig } from '../outputs-config.js'
import type { VigilEvent } from '../events/vigil-event.js'
import type { DeliveryOutcome, EventSink } from './event-sink.js'

export class FileSink implements EventSink {
  readonly name: string
  readonly pattern
  constructor(private readonly config: FileSinkConfig) {
    this.name = config.name
    this.pattern = config.pattern
  }

  async deliver(events: readonly VigilEvent[]): Promise<DeliveryOutcome[]> {
    try {
      await mkdir(dirname(this.config.path), { recursive: true })
      await appendFile(this.config.path, events.map((e) => `${JSON.stringify(e)}\n`).join(''))
      return events.map(() => ({ ok: true }))
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return events.map(() => ({ ok: false, error: message }))
    }
  }
}
