/**
 * Logging: one pino logger writing JSON lines to stderr (or to a given stream), at the level of
 * `VIGIL_LOG_LEVEL` (default `info`). The access log and startup lines go through it.
 */
import { pino, type Logger } from 'pino'

export type { Logger }

export interface LoggerOptions {
  /** pino level name: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. */
  readonly level?: string
  /** Destination stream; default stderr. */
  readonly destination?: NodeJS.WritableStream
}

/** Creates the process logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? 'info', name: 'vigil' },
    (options.destination ?? pino.destination({ fd: 2, sync: false })) as pino.DestinationStream,
  )
}
