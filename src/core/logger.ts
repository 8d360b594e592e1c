/**
 * Logging: one pino logger writing JSON lines to stderr (or to a given stream), at the level of
 * `VIGIL_LOG_LEVEL` (default `info`). The access log goes through it. Lines to stderr are buffered in
 * 4 KiB chunks (flushed at least every second and on exit), so that a busy server pays one write per
 * chunk instead of one per request.
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
  const level = options.level ?? 'info'
  if (options.destination)
    return pino({ level, name: 'vigil' }, options.destination as pino.DestinationStream)
  const stream = pino.destination({ fd: 2, sync: false, minLength: 4096 })
  setInterval(() => stream.flush(), 1000).unref()
  process.once('exit', () => stream.flushSync())
  return pino({ level, name: 'vigil' }, stream)
}
