/**
 * The wrappers records arrive in, and how to take records out of them. This module owns the list
 * of accepted wrappings of a JSON record:
 *
 * - none: the record itself (one JSON object per line, or one element of a JSON array);
 * - a JSON array of records;
 * - CloudTrail's S3 object `{"Records": [ … ]}`;
 * - a Kubernetes `EventList` (`{"kind": "EventList", "items": [ … ]}`, what an audit webhook posts);
 * - a CloudWatch Logs subscription payload (`{"messageType": "DATA_MESSAGE", "logEvents": [{"id",
 *   "timestamp", "message"}]}`, as delivered to Firehose/Lambda; `CONTROL_MESSAGE` payloads hold no
 *   records);
 * - a CloudWatch Logs `GetLogEvents` / `FilterLogEvents` response (`{"events": [{"timestamp",
 *   "message", …}]}`);
 * - one CloudWatch Logs event on its own line (`{"timestamp": …, "message": "…"}`, also
 *   `@timestamp`/`@message` as Logs Insights exports write them);
 *
 * where a CloudWatch `message` is the record as a JSON string (EKS writes each audit event, CloudTrail
 * each record, Route 53 each query as one message). And, for lines, the CloudWatch Logs S3 export
 * form: each line is `<ISO-8601 timestamp> <message>` (`2024-05-01T10:00:00.123Z {"kind":"Event",…}`).
 */

/** The container keys whose array of records `json-document.ts` locates element by element. */
export const CONTAINER_KEYS: ReadonlySet<string> = new Set([
  'Records',
  'items',
  'logEvents',
  'events',
])

/** How a parsed JSON value wrapped its records. */
export type EnvelopeForm =
  | 'record'
  | 'array'
  | 'cloudtrail-records'
  | 'k8s-event-list'
  | 'cloudwatch-subscription'
  | 'cloudwatch-control'
  | 'cloudwatch-events'
  | 'cloudwatch-event'

/** Human wording of the forms, for descriptions. */
export const ENVELOPE_NAMES: Readonly<Record<EnvelopeForm, string>> = {
  record: 'a JSON object',
  array: 'a JSON array',
  'cloudtrail-records': 'a CloudTrail {"Records": [...]} object',
  'k8s-event-list': 'a Kubernetes EventList',
  'cloudwatch-subscription': 'a CloudWatch Logs subscription payload',
  'cloudwatch-control': 'a CloudWatch Logs control message',
  'cloudwatch-events': 'a CloudWatch Logs events response',
  'cloudwatch-event': 'a CloudWatch Logs event',
}

/** What a parsed JSON value holds. */
export interface Envelope {
  readonly form: EnvelopeForm
  /**
   * The record candidates. For the CloudWatch forms these are the `message` values still to be
   * decoded with `decodeMessage`; for the others, parsed values to check as records.
   */
  readonly items: readonly unknown[]
  /** Whether `items` are CloudWatch messages (strings holding the record as JSON). */
  readonly messages: boolean
  /** The key the items sit under in the JSON (`Records`, `items`, `logEvents`, `events`), if any. */
  readonly containerKey?: string
}

type Fields = { readonly [key: string]: unknown }

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function messageOf(event: unknown): unknown {
  if (!isObject(event)) return event
  return event.message ?? event['@message']
}

/** Whether an object looks like one CloudWatch Logs event (and not like a log record). */
function isCloudWatchEvent(value: Fields): boolean {
  const message = value.message ?? value['@message']
  if (typeof message !== 'string') return false
  return (
    value.timestamp !== undefined ||
    value['@timestamp'] !== undefined ||
    value.ingestionTime !== undefined ||
    value.logStreamName !== undefined ||
    value['@logStream'] !== undefined
  )
}

/** Looks inside one parsed JSON value (a line, a document, an array element) for its records. */
export function openEnvelope(value: unknown): Envelope {
  if (Array.isArray(value)) return { form: 'array', items: value, messages: false }
  if (!isObject(value)) return { form: 'record', items: [value], messages: false }
  if (Array.isArray(value.Records)) {
    return {
      form: 'cloudtrail-records',
      items: value.Records,
      messages: false,
      containerKey: 'Records',
    }
  }
  if (value.kind === 'EventList' && Array.isArray(value.items)) {
    return { form: 'k8s-event-list', items: value.items, messages: false, containerKey: 'items' }
  }
  if (typeof value.messageType === 'string' && Array.isArray(value.logEvents)) {
    if (value.messageType !== 'DATA_MESSAGE') {
      return { form: 'cloudwatch-control', items: [], messages: true }
    }
    return {
      form: 'cloudwatch-subscription',
      items: value.logEvents.map(messageOf),
      messages: true,
      containerKey: 'logEvents',
    }
  }
  if (
    Array.isArray(value.events) &&
    value.events.length > 0 &&
    value.events.every((event) => isObject(event) && typeof event.message === 'string')
  ) {
    return {
      form: 'cloudwatch-events',
      items: value.events.map(messageOf),
      messages: true,
      containerKey: 'events',
    }
  }
  if (isCloudWatchEvent(value)) {
    return { form: 'cloudwatch-event', items: [messageOf(value)], messages: true }
  }
  return { form: 'record', items: [value], messages: false }
}

/** A decoded CloudWatch message: the record value, or why it could not be read. */
export type DecodedMessage =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string }

/** Parses a CloudWatch Logs `message` holding a JSON record. */
export function decodeMessage(message: unknown): DecodedMessage {
  if (typeof message !== 'string')
    return { ok: false, reason: 'CloudWatch Logs event has no message' }
  const text = message.trim()
  if (!text.startsWith('{')) {
    return { ok: false, reason: `CloudWatch Logs message is not JSON: ${preview(text)}` }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, reason: `CloudWatch Logs message is not valid JSON: ${errorText(error)}` }
  }
}

const DIGIT_0 = 48
const DIGIT_9 = 57

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i)
  return c >= DIGIT_0 && c <= DIGIT_9
}

/**
 * When `text` at `start` begins with a CloudWatch Logs export timestamp and a space
 * (`2024-05-01T10:00:00.123Z `), the offset just after that space; otherwise `start`.
 */
export function skipExportTimestamp(text: string, start: number): number {
  if (
    !isDigitAt(text, start) ||
    !isDigitAt(text, start + 3) ||
    text.charCodeAt(start + 4) !== 45 ||
    text.charCodeAt(start + 7) !== 45 ||
    text.charCodeAt(start + 10) !== 84 // 'T'
  ) {
    return start
  }
  const space = text.indexOf(' ', start + 11)
  if (space === -1 || space - start > 40) return start
  const last = text.charCodeAt(space - 1)
  if (last !== 90 && !isDigitAt(text, space - 1)) return start // 'Z' or an offset's digit
  return space + 1
}

/** A short quoted preview of some text, for messages. */
export function preview(text: string, max = 60): string {
  const short = text.length > max ? `${text.slice(0, max)}…` : text
  return JSON.stringify(short)
}

/** The message of a thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
