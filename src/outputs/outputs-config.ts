/**
 * The `outputs` section of Vigil's config file: event sinks (HTTP webhooks, JSON-lines files,
 * EventBridge-compatible PutEvents endpoints), each with an optional EventBridge event pattern, and
 * the delivery retry policy. Validated here; a bad value is a `VIGIL_CONFIG_INVALID` naming it.
 *
 * ```json
 * { "outputs": {
 *     "webhooks": [{ "name": "alerts", "url": "https://hooks.example/x", "secret": "…",
 *                    "pattern": { "detail": { "severity": [{ "numeric": [">=", 7] }] } } }],
 *     "files": [{ "name": "archive", "path": "/var/log/vigil/events.jsonl" }],
 *     "eventBridge": [{ "name": "bus", "endpoint": "http://127.0.0.1:4566", "region": "us-east-1",
 *                       "eventBusName": "default" }],
 *     "retry": { "attempts": 6, "baseMs": 1000, "maxMs": 60000 } } }
 * ```
 */
import { VigilError } from '../core/vigil-error.js'
import { EventPattern, EventPatternError } from './events/event-pattern.js'

interface SinkCommon {
  /** Unique among the sinks; names the sink's cursor and dead letters. */
  readonly name: string
  /** Events the sink receives; all when absent. */
  readonly pattern?: EventPattern
}

export interface WebhookSinkConfig extends SinkCommon {
  readonly url: string
  /** Key of the `x-vigil-signature` HMAC-SHA256; unsigned when absent. */
  readonly secret?: string
}

export interface FileSinkConfig extends SinkCommon {
  readonly path: string
}

export interface EventBridgeSinkConfig extends SinkCommon {
  /** An EventBridge-compatible endpoint; AWS's own when absent. */
  readonly endpoint?: string
  readonly region: string
  readonly eventBusName?: string
  readonly accessKeyId?: string
  readonly secretAccessKey?: string
}

export interface RetryPolicy {
  /** Deliveries tried before an event becomes a dead letter. */
  readonly attempts: number
  /** First wait between attempts, milliseconds; doubles each time up to `maxMs`. */
  readonly baseMs: number
  readonly maxMs: number
}

export interface OutputsConfig {
  readonly webhooks: readonly WebhookSinkConfig[]
  readonly files: readonly FileSinkConfig[]
  readonly eventBridge: readonly EventBridgeSinkConfig[]
  readonly retry: RetryPolicy
  /** How often an idle sink looks for new findings, milliseconds (writes also wake it). */
  readonly pollMs: number
  /** How often publishing destinations are checked for findings to export, milliseconds. */
  readonly publishingTickMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 1000, maxMs: 60_000 }

export const NO_OUTPUTS: OutputsConfig = {
  webhooks: [],
  files: [],
  eventBridge: [],
  retry: DEFAULT_RETRY,
  pollMs: 1000,
  publishingTickMs: 5000,
}

function invalid(name: string, problem: string): VigilError {
  return new VigilError('VIGIL_CONFIG_INVALID', `${name}: ${problem}`)
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function text(obj: Obj, key: string, where: string, required: boolean): string | undefined {
  const v = obj[key]
  if (v === undefined && !required) return undefined
  if (typeof v !== 'string' || v === '') throw invalid(`${where}.${key}`, 'expected a string')
  return v
}

function common(obj: Obj, where: string, names: Set<string>): SinkCommon {
  const name = text(obj, 'name', where, true) as string
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name))
    throw invalid(`${where}.name`, 'expected 1–64 letters, digits, `_`, `.` or `-`')
  if (names.has(name)) throw invalid(`${where}.name`, `the name ${name} is used twice`)
  names.add(name)
  if (obj.pattern === undefined) return { name }
  try {
    return { name, pattern: new EventPattern(obj.pattern) }
  } catch (error) {
    if (error instanceof EventPatternError) throw invalid(`${where}.pattern`, error.message)
    throw error
  }
}

function list(obj: Obj, key: string): Obj[] {
  const v = obj[key] ?? []
  if (!Array.isArray(v) || !v.every(isObj))
    throw invalid(`outputs.${key}`, 'expected a list of objects')
  return v
}

function url(value: string, where: string): string {
  try {
    const u = new URL(value)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error()
  } catch {
    throw invalid(where, `expected an http(s) URL, got '${value}'`)
  }
  return value
}

/** Reads the `outputs` value of the config file. */
export function parseOutputsConfig(raw: unknown): OutputsConfig {
  if (!isObj(raw)) throw invalid('outputs', 'expected an object')
  const names = new Set<string>()
  const webhooks = list(raw, 'webhooks').map((o, i) => {
    const where = `outputs.webhooks[${i}]`
    const secret = text(o, 'secret', where, false)
    return {
      ...common(o, where, names),
      url: url(text(o, 'url', where, true) as string, `${where}.url`),
      ...(secret ? { secret } : {}),
    }
  })
  const files = list(raw, 'files').map((o, i) => {
    const where = `outputs.files[${i}]`
    return { ...common(o, where, names), path: text(o, 'path', where, true) as string }
  })
  const eventBridge = list(raw, 'eventBridge').map((o, i) => {
    const where = `outputs.eventBridge[${i}]`
    const endpoint = text(o, 'endpoint', where, false)
    const optional = (key: string) => {
      const v = text(o, key, where, false)
      return v === undefined ? {} : { [key]: v }
    }
    return {
      ...common(o, where, names),
      ...(endpoint ? { endpoint: url(endpoint, `${where}.endpoint`) } : {}),
      region: text(o, 'region', where, false) ?? 'us-east-1',
      ...optional('eventBusName'),
      ...optional('accessKeyId'),
      ...optional('secretAccessKey'),
    }
  })
  let retry = DEFAULT_RETRY
  if (raw.retry !== undefined) {
    if (!isObj(raw.retry)) throw invalid('outputs.retry', 'expected an object')
    const n = (key: keyof RetryPolicy, min: number, max: number) => {
      const v = (raw.retry as Obj)[key] ?? DEFAULT_RETRY[key]
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
        throw invalid(`outputs.retry.${key}`, `expected a whole number from ${min} to ${max}`)
      return v
    }
    retry = {
      attempts: n('attempts', 1, 100),
      baseMs: n('baseMs', 1, 3_600_000),
      maxMs: n('maxMs', 1, 86_400_000),
    }
  }
  const pollMs = raw.pollMs ?? NO_OUTPUTS.pollMs
  if (typeof pollMs !== 'number' || !Number.isInteger(pollMs) || pollMs < 10 || pollMs > 3_600_000)
    throw invalid('outputs.pollMs', 'expected a whole number from 10 to 3600000')
  const publishingTickMs = raw.publishingTickMs ?? NO_OUTPUTS.publishingTickMs
  if (
    typeof publishingTickMs !== 'number' ||
    !Number.isInteger(publishingTickMs) ||
    publishingTickMs < 10 ||
    publishingTickMs > 3_600_000
  )
    throw invalid('outputs.publishingTickMs', 'expected a whole number from 10 to 3600000')
  return { webhooks, files, eventBridge, retry, pollMs, publishingTickMs }
}
