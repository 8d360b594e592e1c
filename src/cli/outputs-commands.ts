/**
 * `vigil outputs status` and `vigil outputs replay SINK [--id N]`: the signed `/_vigil/outputs/*`
 * routes of a running server, printed for people. Exit status 0, or 2 when the server refuses.
 */
import { VigilError } from '../core/vigil-error.js'
import { adminRequest } from './admin-client.js'

export interface OutputsCommandOptions {
  readonly endpointUrl: string
  readonly env: NodeJS.ProcessEnv
  readonly out: (line: string) => void
}

interface SinkStatusJson {
  name: string
  feeds: { feed: string; cursor: number; end: number; backlog: number }[]
  deadLetters: number
  lastError?: string
}

function refused(status: number, body: Record<string, unknown>): VigilError {
  const message = typeof body.message === 'string' ? body.message : `HTTP ${status}`
  return new VigilError('VIGIL_INPUT_INVALID', message)
}

/** Prints every sink's state; returns the exit status. */
export async function outputsStatus(options: OutputsCommandOptions): Promise<number> {
  const res = await adminRequest(options, 'GET', '/_vigil/outputs/status', {}, '')
  if (res.status !== 200) throw refused(res.status, res.body)
  const sinks = res.body.sinks as SinkStatusJson[]
  if (sinks.length === 0) options.out('no sinks are configured (config file: outputs)')
  for (const s of sinks) {
    const backlog = s.feeds.map((f) => `${f.feed} ${f.backlog} behind (at ${f.cursor} of ${f.end})`)
    options.out(
      `${s.name}: ${backlog.join(', ')}; ${s.deadLetters} dead letters${s.lastError ? `; last error: ${s.lastError}` : ''}`,
    )
  }
  const letters = res.body.deadLetters as {
    id: number
    sink: string
    eventId: string
    error: string
    failedAt: string
  }[]
  for (const l of letters)
    options.out(`  dead letter ${l.id} (${l.sink}): event ${l.eventId}, ${l.error}, ${l.failedAt}`)
  return 0
}

/** Replays dead letters; returns the exit status. */
export async function outputsReplay(
  sink: string,
  id: string | undefined,
  options: OutputsCommandOptions,
): Promise<number> {
  const res = await adminRequest(
    options,
    'POST',
    '/_vigil/outputs/replay',
    { sink, ...(id !== undefined ? { id } : {}) },
    '',
  )
  if (res.status !== 200) throw refused(res.status, res.body)
  options.out(
    `${sink}: delivered ${String(res.body.delivered)}; ${String(res.body.remaining)} dead letters remain`,
  )
  return 0
}
