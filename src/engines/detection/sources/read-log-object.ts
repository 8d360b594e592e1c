/**
 * Reading one log object (an S3 object, a file, an upload) into typed records, streaming. This
 * module owns the reading pipeline: bytes (gzip inflated, see `object-bytes.ts`) → UTF-8 text →
 * detection of source and layout from the first lines (`detect-log-format.ts`), checked against the
 * caller's `--source` hint → records, yielded in per-chunk batches (or one by one), with every
 * record that could not be read counted and reported by line while the records around it still
 * flow. JSON lines and flow log lines are split and parsed chunk by chunk and never held whole; a
 * JSON document (an array or a pretty-printed object) is held whole, which is bounded by
 * `maxDocumentChars`.
 *
 * Accepted forms (see `log-envelope.ts` for the JSON wrappers):
 * - CloudTrail: `{"Records":[…]}` (one line, as CloudTrail writes it, or pretty-printed), a JSON
 *   array of records, JSON lines of records, CloudWatch Logs forms.
 * - VPC Flow Logs: text lines; the field list comes from a header line (default v2 or any custom
 *   order — a later header line switches the layout, so concatenated objects work), else from
 *   `flowLogFormat`, else the default format; CloudWatch Logs export lines (`<timestamp> <record>`).
 * - Route 53 Resolver query logs: JSON lines (plus JSON arrays and CloudWatch Logs forms).
 * - Kubernetes audit: JSON lines of `Event`s, `EventList`s, JSON arrays, and the EKS CloudWatch
 *   Logs forms (export lines `<timestamp> {event}`, subscription payloads, `{timestamp, message}`
 *   lines, `GetLogEvents` / `FilterLogEvents` output).
 */
import type { Readable } from 'node:stream'
import { readCloudTrailRecord } from './cloudtrail-record.js'
import {
  checkSourceHint,
  classifyRecord,
  sniffLogText,
  unknownFormatError,
  type LogShape,
} from './detect-log-format.js'
import {
  DEFAULT_FLOW_LOG_LAYOUT,
  parseFlowLogFormat,
  readFlowLogHeader,
  type FlowLogLayout,
} from './flow-log-fields.js'
import { FlowLogLineParser } from './flow-log-line.js'
import { LineCounter, scanJsonDocument, type JsonTopValue } from './json-document.js'
import { readKubernetesAuditEvent } from './kubernetes-audit-event.js'
import {
  CONTAINER_KEYS,
  decodeMessage,
  errorText,
  openEnvelope,
  preview,
  skipExportTimestamp,
} from './log-envelope.js'
import {
  LOG_SOURCE_NAMES,
  LogFormatError,
  type LogEntry,
  type LogSource,
  type MalformedRecord,
} from './log-source.js'
import { objectBytes } from './object-bytes.js'
import { readResolverQueryRecord } from './resolver-query-record.js'
import { TextPump } from './text-pump.js'

/** Options of `readLogObject`. */
export interface ReadLogObjectOptions {
  /** The object's name or S3 key, for messages. */
  readonly name?: string
  /**
   * What the caller says the object holds (`--source`). Content recognised as another source is an
   * error naming what was seen; content recognised as nothing is read as this source.
   */
  readonly hint?: LogSource
  /**
   * The flow log's configured `LogFormat` (`${version} ${account-id} …`) or its layout, used when
   * the object has no header line. A header line, when present, wins.
   */
  readonly flowLogFormat?: string | FlowLogLayout
  /** How many malformed records to keep details of (all are counted). Default 1,000. */
  readonly maxReportedMalformed?: number
  /**
   * Largest JSON document (or single line) held in memory, in characters. Default 256 Mi, about the
   * most a V8 string holds; CloudTrail objects are far smaller.
   */
  readonly maxDocumentChars?: number
}

/** What reading one object found; complete once iteration has finished (`done`). */
export interface LogObjectReport {
  readonly name: string | undefined
  /** The source the records were read as. */
  readonly source: LogSource | undefined
  /** What detection saw at the start of the object. */
  readonly seen: string | undefined
  readonly shape: LogShape | undefined
  /** Whether the object was gzip-compressed. */
  readonly compressed: boolean
  /** Decompressed bytes read. */
  readonly bytes: number
  /** Records yielded. */
  readonly records: number
  /** Records (or lines, or values) that could not be read; each is counted once. */
  readonly malformedCount: number
  /** The first `maxReportedMalformed` of them, in object order. */
  readonly malformed: readonly MalformedRecord[]
  /** Object-level remarks: truncation, a header switching the flow layout, unknown flow fields. */
  readonly notes: readonly string[]
  /** The flow log field names in use at the end of the object (vpc-flow only). */
  readonly flowFields: readonly string[] | undefined
  /** Whether the whole object has been read. */
  readonly done: boolean
}

type JsonSource = Exclude<LogSource, 'vpc-flow'>

/** Reads one line `text[start, end)` (trimmed, not blank) of an object. */
interface LineHandler {
  line(text: string, start: number, end: number, line: number): void
}
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const SNIFF_CHARS = 64 * 1024
const BATCH_ENTRIES = 1024
const DEFAULT_MAX_MALFORMED = 1000
const DEFAULT_MAX_DOCUMENT_CHARS = 256 * 1024 * 1024
/** Header-less flow lines that may all fail the default format before the object is refused. */
const FLOW_PROBE_LINES = 20

const JSON_READERS: Readonly<Record<JsonSource, (value: unknown) => object | string>> = {
  cloudtrail: readCloudTrailRecord,
  dns: readResolverQueryRecord,
  'k8s-audit': readKubernetesAuditEvent,
}

function makeEntry(source: JsonSource, record: object, line: number, index?: number): LogEntry {
  const entry = index === undefined ? { source, record, line } : { source, record, line, index }
  return entry as LogEntry
}

/** Collects one object's records and problems. */
class Sink {
  batch: LogEntry[] = []

  constructor(
    private readonly report: Mutable<LogObjectReport>,
    private readonly malformed: MalformedRecord[],
    private readonly maxMalformed: number,
  ) {}

  bad(line: number, reason: string, index?: number): void {
    this.report.malformedCount++
    if (this.malformed.length < this.maxMalformed) {
      this.malformed.push(index === undefined ? { line, reason } : { line, index, reason })
    }
  }

  note(text: string): void {
    ;(this.report.notes as string[]).push(text)
  }

  take(): LogEntry[] {
    const batch = this.batch
    this.report.records += batch.length
    this.batch = []
    return batch
  }
}

/** Checks JSON values as records of one source and files them into a sink. */
class JsonRecords implements LineHandler {
  private readonly read: (value: unknown) => object | string

  constructor(
    private readonly source: JsonSource,
    private readonly sink: Sink,
  ) {
    this.read = JSON_READERS[source]
  }

  /** One record candidate. */
  record(value: unknown, line: number, index?: number): void {
    const record = this.read(value)
    if (typeof record !== 'string') {
      this.sink.batch.push(makeEntry(this.source, record, line, index))
      return
    }
    const other = classifyRecord(value).source
    const reason =
      other !== undefined && other !== this.source
        ? `not a ${LOG_SOURCE_NAMES[this.source]} record (looks like ${LOG_SOURCE_NAMES[other]}): ${record}`
        : record
    this.sink.bad(line, reason, index)
  }

  /** A parsed value that may wrap records; `lineOf(i)` gives the line of the i-th wrapped item. */
  value(value: unknown, line: number, lineOf?: (index: number) => number, index?: number): void {
    const envelope = openEnvelope(value)
    if (envelope.form === 'record') {
      this.record(value, line, index)
      return
    }
    envelope.items.forEach((item, i) => {
      const itemLine = lineOf?.(i) ?? line
      const itemIndex = index ?? (envelope.form === 'cloudwatch-event' ? undefined : i)
      if (!envelope.messages) {
        this.record(item, itemLine, itemIndex)
        return
      }
      const decoded = decodeMessage(item)
      if (decoded.ok) this.record(decoded.value, itemLine, itemIndex)
      else this.sink.bad(itemLine, decoded.reason, itemIndex)
    })
  }

  /**
   * A top-level value of a JSON text (a document, or one line that did not parse whole): parsed
   * whole when possible, else element by element so one bad record does not take the others down.
   */
  topValue(text: string, top: JsonTopValue, lines: (offset: number) => number): void {
    const line = lines(top.start)
    const slice = text.slice(top.start, top.end)
    const first = text.charCodeAt(top.start)
    if (first !== 91 && first !== 123) {
      this.sink.bad(line, `not JSON: ${preview(slice)}`)
      return
    }
    const elements = top.elements
    if (first === 91 && elements !== undefined) {
      elements.forEach((element, i) => {
        const elementLine = lines(element.start)
        const parsed = parseJson(text.slice(element.start, element.end))
        if (parsed.ok) this.value(parsed.value, elementLine, undefined, i)
        else this.sink.bad(elementLine, `invalid JSON: ${parsed.reason}`, i)
      })
      if (!top.complete)
        this.sink.note(`the JSON array starting on line ${line} is not closed (truncated?)`)
      return
    }
    const whole = top.complete ? parseJson(slice) : undefined
    if (whole?.ok === true) {
      const envelope = openEnvelope(whole.value)
      const elementLines =
        elements !== undefined &&
        envelope.containerKey === top.containerKey &&
        elements.length === envelope.items.length
          ? elements.map((element) => lines(element.start))
          : undefined
      this.value(whole.value, line, elementLines && ((i) => elementLines[i] ?? line))
      return
    }
    const reason = whole === undefined ? 'the text ends inside it' : whole.reason
    if (elements === undefined || elements.length === 0) {
      this.sink.bad(line, `invalid JSON: ${reason}`)
      return
    }
    this.sink.note(
      `the JSON object starting on line ${line} is not valid JSON (${reason}); its ${top.containerKey ?? ''} records were read one by one`,
    )
    elements.forEach((element, i) => {
      const elementLine = lines(element.start)
      const parsed = parseJson(text.slice(element.start, element.end))
      if (parsed.ok) this.value(parsed.value, elementLine, undefined, i)
      else this.sink.bad(elementLine, `invalid JSON: ${parsed.reason}`, i)
    })
  }

  /** One JSON line `text[start, end)` (trimmed, not blank). */
  line(text: string, start: number, end: number, line: number): void {
    let from = start
    let c = text.charCodeAt(from)
    if (c !== 123 && c !== 91) {
      from = skipExportTimestamp(text, start)
      c = text.charCodeAt(from)
      if (from === start || (c !== 123 && c !== 91)) {
        this.sink.bad(line, `not JSON: ${preview(text.slice(start, end))}`)
        return
      }
    }
    const slice = text.slice(from, end)
    const parsed = parseJson(slice)
    if (parsed.ok) {
      this.value(parsed.value, line)
      return
    }
    const [top] = scanJsonDocument(slice, CONTAINER_KEYS)
    if (top?.elements !== undefined && top.elements.length > 1) {
      this.topValue(slice, top, () => line)
      return
    }
    this.sink.bad(line, `invalid JSON: ${parsed.reason}`)
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, reason: errorText(error) }
  }
}

/** Parses flow log lines, following header lines. */
class FlowRecords implements LineHandler {
  private parser: FlowLogLineParser
  /** No header and no configured format yet: still probing whether the default format fits. */
  private probing: boolean
  private probeFailures = 0

  constructor(
    layout: FlowLogLayout | undefined,
    private readonly exportTimestamps: boolean,
    private readonly sink: Sink,
    private readonly report: Mutable<LogObjectReport>,
    private readonly name: string,
  ) {
    this.parser = new FlowLogLineParser(layout ?? DEFAULT_FLOW_LOG_LAYOUT)
    this.probing = layout === undefined
    this.report.flowFields = this.parser.layout.names
  }

  /** One line `text[start, end)` (trimmed, not blank). */
  line(text: string, start: number, end: number, line: number): void {
    const from = this.exportTimestamps ? skipExportTimestamp(text, start) : start
    const record = this.parser.parse(text, from, end)
    if (typeof record !== 'string') {
      this.probing = false
      this.sink.batch.push({ source: 'vpc-flow', record, line })
      return
    }
    const header = readFlowLogHeader(text.slice(from, end))
    if (header !== undefined) {
      this.useHeader(header, line)
      return
    }
    if (this.probing && ++this.probeFailures >= FLOW_PROBE_LINES) this.refuse(line, record)
    this.sink.bad(line, record)
  }

  /** At the end of the object: a header-less object none of whose lines fit the default format. */
  finish(): void {
    if (this.probing && this.probeFailures > 0) this.refuse()
  }

  private refuse(line?: number, reason?: string): never {
    const where = line === undefined ? '' : ` (line ${line}: ${reason})`
    const seen = `${this.probeFailures} lines without a header, none in the default format${where}`
    throw new LogFormatError(
      `${this.name} holds VPC flow log lines in a custom format and no header line: pass the flow log's LogFormat (flowLogFormat / --flow-log-format); saw ${seen}`,
      seen,
      'vpc-flow',
    )
  }

  private useHeader(header: FlowLogLayout, line: number): void {
    this.probing = false
    const current = this.parser.layout.names
    if (header.names.length === current.length && header.names.every((n, i) => n === current[i])) {
      return
    }
    if (line > 1) this.sink.note(`line ${line}: a header line changes the flow log fields`)
    if (header.unknownNames.length > 0) {
      this.sink.note(
        `line ${line}: unknown flow log fields skipped: ${header.unknownNames.join(', ')}`,
      )
    }
    this.parser = new FlowLogLineParser(header)
    this.report.flowFields = header.names
  }
}

/**
 * One log object being read. Iterate it once — record by record (`for await … of`) or chunk by
 * chunk (`batches()`, cheaper per record) — then read `report`. Errors (a format error, a wrong
 * hint, corrupt gzip, an oversized document) are thrown from the iteration.
 */
export class LogObjectReader implements AsyncIterable<LogEntry> {
  private readonly state: Mutable<LogObjectReport>
  private readonly malformed: MalformedRecord[] = []
  private started = false

  constructor(
    private readonly input: Readable | Uint8Array,
    private readonly options: ReadLogObjectOptions = {},
  ) {
    this.state = {
      name: options.name,
      source: undefined,
      seen: undefined,
      shape: undefined,
      compressed: false,
      bytes: 0,
      records: 0,
      malformedCount: 0,
      malformed: this.malformed,
      notes: [],
      flowFields: undefined,
      done: false,
    }
  }

  /** What has been read so far; final once `done` is true. */
  get report(): LogObjectReport {
    return this.state
  }

  /**
   * Record by record. Hand-written rather than an async generator: within a batch, `next()` is one
   * already-resolved promise, which roughly halves the per-record cost of `for await`.
   */
  [Symbol.asyncIterator](): AsyncIterator<LogEntry> {
    const batches = this.batches()
    let batch: LogEntry[] = []
    let index = 0
    const pull = async (): Promise<IteratorResult<LogEntry>> => {
      for (;;) {
        const next = await batches.next()
        if (next.done === true) return { done: true, value: undefined }
        batch = next.value
        index = 0
        const entry = batch[index++]
        if (entry !== undefined) return { done: false, value: entry }
      }
    }
    return {
      next(): Promise<IteratorResult<LogEntry>> {
        const entry = batch[index]
        if (entry === undefined) return pull()
        index++
        return Promise.resolve({ done: false, value: entry })
      },
      async return(): Promise<IteratorResult<LogEntry>> {
        await batches.return()
        return { done: true, value: undefined }
      },
    }
  }

  /** The records in batches (one per decoded chunk, at most ~1,000 for documents). */
  async *batches(): AsyncGenerator<LogEntry[], void, undefined> {
    if (this.started) throw new Error('a log object can be read only once')
    this.started = true
    const options = this.options
    const name = options.name ?? 'the object'
    const maxChars = options.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS
    const state = this.state
    const sink = new Sink(
      state,
      this.malformed,
      options.maxReportedMalformed ?? DEFAULT_MAX_MALFORMED,
    )
    const tooLong = (): Error =>
      new Error(`${name}: a JSON document or line is longer than ${maxChars} characters`)
    const bytes = objectBytes(this.input, state, name)
    const pump = new TextPump(bytes, (count) => (state.bytes += count), maxChars, tooLong)
    try {
      yield* this.readText(pump, sink, name)
    } finally {
      // Stops the byte stream (and destroys the input stream) when the caller stopped early.
      await bytes.return(undefined)
    }
  }

  private async *readText(
    pump: TextPump,
    sink: Sink,
    name: string,
  ): AsyncGenerator<LogEntry[], void, undefined> {
    const options = this.options
    const state = this.state

    let text = await pump.fill('')
    while (!pump.eof && !(text.length >= SNIFF_CHARS && hasCompleteLine(text))) {
      text = await pump.fill(text)
    }

    const configured =
      typeof options.flowLogFormat === 'string'
        ? parseFlowLogFormat(options.flowLogFormat)
        : options.flowLogFormat
    const sniff = sniffLogText(text, { complete: pump.eof, flowLogFormat: configured })
    if (options.hint !== undefined) checkSourceHint(options.hint, sniff, name)
    else if (sniff.source === undefined && sniff.shape !== 'empty')
      throw unknownFormatError(sniff, name)
    const source = options.hint ?? sniff.source
    state.source = source
    state.seen = sniff.seen
    state.shape = sniff.shape
    if (source === undefined) {
      state.done = true
      return
    }

    if (source !== 'vpc-flow' && sniff.shape === 'json-document') {
      text = await pump.all(text)
      const records = new JsonRecords(source, sink)
      const counter = new LineCounter(text)
      const lineOf = (offset: number): number => counter.lineAt(offset)
      for (const top of scanJsonDocument(text, CONTAINER_KEYS)) {
        records.topValue(text, top, lineOf)
        if (sink.batch.length >= BATCH_ENTRIES) yield sink.take()
      }
      if (sink.batch.length > 0) yield sink.take()
      state.done = true
      return
    }

    const flows =
      source === 'vpc-flow'
        ? new FlowRecords(sniff.flowHeader ?? configured, sniff.exportTimestamps, sink, state, name)
        : undefined
    const handler: LineHandler = flows ?? new JsonRecords(source as JsonSource, sink)

    let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0
    let line = 0
    if (pump.eof && text.length > 0 && !text.endsWith('\n')) text += '\n'
    for (;;) {
      let newline = text.indexOf('\n', pos)
      while (newline !== -1) {
        line++
        let start = pos
        let end = newline
        while (end > start && text.charCodeAt(end - 1) <= 32) end--
        while (start < end && text.charCodeAt(start) <= 32) start++
        if (start < end) handler.line(text, start, end, line)
        pos = newline + 1
        newline = text.indexOf('\n', pos)
      }
      if (sink.batch.length > 0) yield sink.take()
      if (pump.eof) break
      text = await pump.fill(text.slice(pos))
      pos = 0
      if (pump.eof && !text.endsWith('\n') && text.length > 0) text += '\n'
    }
    flows?.finish()
    state.done = true
  }
}

/** Whether `text` holds a line break after its first non-blank character. */
function hasCompleteLine(text: string): boolean {
  const first = text.search(/\S/)
  return first !== -1 && text.indexOf('\n', first) !== -1
}

/**
 * Reads one log object: returns a `LogObjectReader` to iterate (`for await (const entry of …)`, or
 * `.batches()`); its `report` lists malformed records by line once iteration is done.
 */
export function readLogObject(
  input: Readable | Uint8Array,
  options: ReadLogObjectOptions = {},
): LogObjectReader {
  return new LogObjectReader(input, options)
}
