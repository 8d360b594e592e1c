/**
 * Telling from content which log an object holds, and checking a caller's `--source` hint against
 * it. This module owns the recognition rules (what makes a value a CloudTrail record, a Kubernetes
 * audit event, a Resolver query record, and a line a flow log header or record), the decision of how
 * the object is laid out (JSON lines, one JSON document, text lines), and the wording of what was
 * seen, which every format error quotes. It looks at the beginning of an object only.
 */
import { constants as zlibConstants, gunzipSync } from 'node:zlib'
import { isTimestamp } from './json-fields.js'
import { isAuditApiVersion } from './kubernetes-audit-event.js'
import {
  DEFAULT_FLOW_LOG_LAYOUT,
  readFlowLogHeader,
  type FlowLogLayout,
} from './flow-log-fields.js'
import { FlowLogLineParser } from './flow-log-line.js'
import { scanJsonDocument } from './json-document.js'
import {
  CONTAINER_KEYS,
  decodeMessage,
  ENVELOPE_NAMES,
  errorText,
  openEnvelope,
  preview,
  skipExportTimestamp,
} from './log-envelope.js'
import { LOG_SOURCE_NAMES, LogFormatError, type LogSource } from './log-source.js'

/** What the beginning of an object looks like. */
export interface LogFormatDetection {
  /** The recognised source, or undefined when the content is none of the four. */
  readonly source: LogSource | undefined
  /** A short description of what was seen, quoted by format errors. */
  readonly seen: string
}

/**
 * How the object is laid out: `json-lines` (one JSON value per line, each possibly a wrapper),
 * `json-document` (one JSON value spanning lines: an array or a pretty-printed object), `text-lines`
 * (flow log lines), `empty` (nothing but whitespace).
 */
export type LogShape = 'json-lines' | 'json-document' | 'text-lines' | 'empty'

/** The full result of looking at an object's beginning, as the reader needs it. */
export interface LogSniff extends LogFormatDetection {
  readonly shape: LogShape
  /** Lines start with a CloudWatch Logs export timestamp (`2024-05-01T10:00:00.000Z `). */
  readonly exportTimestamps: boolean
  /** The flow log header line's layout, when the first non-blank line is one. */
  readonly flowHeader?: FlowLogLayout
}

/** Options of `detectLogFormat` / `sniffLogText`. */
export interface DetectOptions {
  /** The configured flow log format for objects without a header (see `parseFlowLogFormat`). */
  readonly flowLogFormat?: FlowLogLayout
  /** The sample is the whole object (its last line is complete even without a line break). */
  readonly complete?: boolean
}

const MAX_SNIFF_LINES = 20
/** Longest line parsed whole for detection; longer ones are scanned for their first record. */
const MAX_SNIFF_LINE_CHARS = 16 * 1024 * 1024
/** Lines longer than this are first scanned for their first records rather than parsed whole. */
const PARSE_LINE_CHARS = 64 * 1024
const GZIP_MAGIC_0 = 0x1f
const GZIP_MAGIC_1 = 0x8b

interface RecordClass {
  readonly source: LogSource | undefined
  readonly seen: string
}

function keyList(value: object): string {
  const keys = Object.keys(value)
  const shown = keys.slice(0, 8).join(', ')
  return keys.length > 8 ? `${shown}, … (${keys.length} keys)` : shown
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return `a JSON array of ${value.length} values`
  if (typeof value !== 'object' || value === null)
    return `a JSON ${value === null ? 'null' : typeof value}`
  const text = JSON.stringify(value)
  if (text.length <= 60) return `a JSON object ${text}`
  return `a JSON object with keys ${keyList(value)}`
}

/** Which source one parsed record value belongs to, by the fields that only that source has. */
export function classifyRecord(value: unknown): RecordClass {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { source: undefined, seen: describeJson(value) }
  }
  const v = value as { readonly [key: string]: unknown }
  if (
    typeof v.eventSource === 'string' &&
    typeof v.eventName === 'string' &&
    (v.eventVersion !== undefined || v.eventTime !== undefined)
  ) {
    const version = typeof v.eventVersion === 'string' ? `eventVersion ${v.eventVersion}, ` : ''
    return {
      source: 'cloudtrail',
      seen: `CloudTrail record (${version}eventSource ${v.eventSource}, eventName ${v.eventName})`,
    }
  }
  if (
    v.kind === 'Event' &&
    (isAuditApiVersion(v.apiVersion) ||
      (v.apiVersion === undefined && typeof v.auditID === 'string'))
  ) {
    const api = typeof v.apiVersion === 'string' ? `apiVersion ${v.apiVersion}` : 'no apiVersion'
    const verb = typeof v.verb === 'string' ? `, verb ${v.verb}` : ''
    return { source: 'k8s-audit', seen: `Kubernetes audit Event (${api}${verb})` }
  }
  if (
    typeof v.query_name === 'string' &&
    (typeof v.query_timestamp === 'string' || v.rcode !== undefined || v.srcids !== undefined)
  ) {
    const time =
      typeof v.query_timestamp === 'string' && isTimestamp(v.query_timestamp)
        ? `, query_timestamp ${v.query_timestamp}`
        : ''
    return {
      source: 'dns',
      seen: `Route 53 Resolver query record (query_name ${v.query_name}${time})`,
    }
  }
  return { source: undefined, seen: `${describeJson(value)}, not a known log record` }
}

/** Classifies a parsed value that may wrap records: the first item that is recognised decides. */
function classifyValue(value: unknown): RecordClass {
  const envelope = openEnvelope(value)
  const wrapper = envelope.form === 'record' ? '' : `${ENVELOPE_NAMES[envelope.form]}; `
  if (envelope.items.length === 0) {
    return { source: undefined, seen: `${ENVELOPE_NAMES[envelope.form]} with no records` }
  }
  let first: RecordClass | undefined
  for (const item of envelope.items.slice(0, MAX_SNIFF_LINES)) {
    let record: unknown = item
    if (envelope.messages) {
      const decoded = decodeMessage(item)
      if (!decoded.ok) {
        first ??= { source: undefined, seen: decoded.reason }
        continue
      }
      record = decoded.value
    }
    const found = classifyRecord(record)
    if (found.source !== undefined) return { source: found.source, seen: `${wrapper}${found.seen}` }
    first ??= found
  }
  return { source: undefined, seen: `${wrapper}${first?.seen ?? 'no records in it'}` }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false }
  }
}

/** Classifies a JSON document (array or multi-line object) by its first complete element. */
function sniffDocument(text: string, complete: boolean): RecordClass {
  const [top] = scanJsonDocument(text, CONTAINER_KEYS, MAX_SNIFF_LINES)
  if (top === undefined) return { source: undefined, seen: 'an empty JSON document' }
  const isArray = text.charCodeAt(top.start) === 91
  const wrapper = isArray
    ? 'a JSON array'
    : top.containerKey === 'Records'
      ? ENVELOPE_NAMES['cloudtrail-records']
      : 'a JSON document'
  if (top.complete || complete) {
    const whole = parseJson(text.slice(top.start, top.end))
    if (whole.ok) {
      const found = classifyValue(whole.value)
      const bare = openEnvelope(whole.value).form === 'record'
      return { source: found.source, seen: bare ? `a JSON document; ${found.seen}` : found.seen }
    }
  }
  let firstSeen: string | undefined
  for (const element of top.elements ?? []) {
    if (element.end >= text.length && !complete) break
    const parsed = parseJson(text.slice(element.start, element.end))
    const found = parsed.ok
      ? classifyRecord(parsed.value)
      : {
          source: undefined,
          seen: `invalid JSON ${preview(text.slice(element.start, element.end))}`,
        }
    if (found.source !== undefined)
      return { source: found.source, seen: `${wrapper}; ${found.seen}` }
    firstSeen ??= found.seen
  }
  return {
    source: undefined,
    seen: `${wrapper}; ${firstSeen ?? `no complete record in the first ${text.length} characters`}`,
  }
}

function looksBinary(text: string): boolean {
  const head = text.slice(0, 512)
  return head.includes('\u0000') || (head.match(/\uFFFD/g)?.length ?? 0) > 4
}

/** Whether the tokens of a data line have the vocabulary of a flow log record. */
function hasFlowWords(line: string): boolean {
  return (
    / eni-[0-9a-f]+ /.test(` ${line} `) ||
    (/ (ACCEPT|REJECT|-) /.test(` ${line} `) && / (OK|NODATA|SKIPDATA) /.test(` ${line} `))
  )
}

/**
 * Classifies a data line that is not a header: a flow record when it parses in the configured
 * format (or the default one), or at least has flow log words (`eni-…`, `ACCEPT`/`REJECT` with
 * `OK`/`NODATA`/`SKIPDATA`).
 */
function sniffFlowLine(line: string, configured: FlowLogLayout | undefined): RecordClass {
  const fields = line.split(' ').length
  const layout = configured ?? DEFAULT_FLOW_LOG_LAYOUT
  const which = configured === undefined ? 'default format' : 'configured format'
  const parsed = new FlowLogLineParser(layout).parse(line, 0, line.length)
  if (typeof parsed !== 'string') {
    return {
      source: 'vpc-flow',
      seen: `VPC flow log record without header (${fields} fields, the ${which}) ${preview(line)}`,
    }
  }
  if (hasFlowWords(line)) {
    return {
      source: 'vpc-flow',
      seen: `VPC flow log record without header (${fields} fields, not the ${which}) ${preview(line)}`,
    }
  }
  const count = fields === 1 ? '1 field' : `${fields} fields`
  return { source: undefined, seen: `a text line of ${count} ${preview(line)}` }
}

interface SampleLine {
  /** The line, trimmed; at most `MAX_SNIFF_LINE_CHARS` long. */
  readonly text: string
  /** The line is longer than `MAX_SNIFF_LINE_CHARS` and was cut. */
  readonly cut: boolean
  /** The sample ends inside the line. */
  readonly partial: boolean
}

/** The first non-blank lines of a sample (a partial last line only when it is the only one). */
function sampleLines(body: string, from: number, complete: boolean): SampleLine[] {
  const lines: SampleLine[] = []
  while (lines.length < MAX_SNIFF_LINES && from < body.length) {
    const newline = body.indexOf('\n', from)
    const partial = newline === -1 && !complete
    if (partial && lines.length > 0) break
    const stop = newline === -1 ? body.length : newline
    const cut = stop - from > MAX_SNIFF_LINE_CHARS
    const text = body.slice(from, cut ? from + MAX_SNIFF_LINE_CHARS : stop).trim()
    if (text !== '') lines.push({ text, cut, partial })
    from = stop + 1
  }
  return lines
}

/**
 * Classifies one JSON line. A line that is cut or partial is not parsed whole: its first complete
 * record inside a wrapper (`Records`, an array…) is found by scanning instead.
 */
function classifyJsonLine(json: string, line: SampleLine): RecordClass {
  if (json.length > PARSE_LINE_CHARS) {
    // A long line is mostly a wrapper of many records (a one-line CloudTrail object): its first
    // records tell, and the reader does not pay for parsing the whole line twice.
    const scanned = sniffDocument(json, false)
    if (scanned.source !== undefined) return scanned
  }
  const value = line.cut ? undefined : parseJson(json)
  if (value?.ok === true) return classifyValue(value.value)
  if (line.cut || line.partial) return sniffDocument(json, false)
  return { source: undefined, seen: `invalid JSON ${preview(json)}` }
}

/**
 * Looks at the decoded beginning of an object (`text`, BOM allowed) and tells its source, layout
 * and what was seen. Up to 20 non-blank lines are examined: the first recognised record decides, so
 * a malformed first record does not hide a good object.
 */
export function sniffLogText(text: string, options: DetectOptions = {}): LogSniff {
  const complete = options.complete ?? false
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const firstContent = body.search(/\S/)
  if (firstContent === -1) {
    return { source: undefined, seen: 'no content', shape: 'empty', exportTimestamps: false }
  }
  if (looksBinary(body)) {
    return {
      source: undefined,
      seen: 'binary data, not text',
      shape: 'text-lines',
      exportTimestamps: false,
    }
  }
  const lines = sampleLines(body, firstContent, complete)
  const firstLine = lines[0] ?? { text: '', cut: false, partial: false }
  const afterStamp = skipExportTimestamp(firstLine.text, 0)
  const exportTimestamps = afterStamp > 0
  const first = firstLine.text.slice(afterStamp)
  const base = { exportTimestamps }

  if (first.startsWith('[')) {
    return { ...sniffDocument(body, complete), shape: 'json-document', ...base }
  }
  if (first.startsWith('{')) {
    // A pretty-printed document's first line is short and not JSON on its own (`{`, `{"Records": [`).
    const isDocument =
      !firstLine.cut &&
      !exportTimestamps &&
      (firstLine.partial || !first.endsWith('}')) &&
      !parseJson(first).ok
    if (isDocument) return { ...sniffDocument(body, complete), shape: 'json-document', ...base }
    const stamp = exportTimestamps ? 'CloudWatch Logs export lines' : 'JSON lines'
    let seen: string | undefined
    for (const [i, line] of lines.entries()) {
      const json = line.text.slice(skipExportTimestamp(line.text, 0))
      const found = classifyJsonLine(json, line)
      const where = i === 0 ? '' : ` on line ${i + 1} of the sample`
      if (found.source !== undefined) {
        return {
          source: found.source,
          seen: `${stamp}; ${found.seen}${where}`,
          shape: 'json-lines',
          ...base,
        }
      }
      seen ??= `${stamp}; ${found.seen}`
    }
    return { source: undefined, seen: seen ?? stamp, shape: 'json-lines', ...base }
  }

  const header = exportTimestamps ? undefined : readFlowLogHeader(first)
  if (header !== undefined) {
    const kind = header.isDefault
      ? 'default format'
      : `custom format, version ${header.version}${header.unknownNames.length > 0 ? `, unknown fields ${header.unknownNames.join(', ')}` : ''}`
    return {
      source: 'vpc-flow',
      seen: `VPC flow log header line (${header.names.length} fields, ${kind})`,
      shape: 'text-lines',
      flowHeader: header,
      ...base,
    }
  }
  const found = sniffFlowLine(first, options.flowLogFormat)
  const stamp = exportTimestamps ? 'CloudWatch Logs export line; ' : ''
  return { source: found.source, seen: `${stamp}${found.seen}`, shape: 'text-lines', ...base }
}

/**
 * Tells the source of an object from its first bytes (a gzip stream is inflated as far as the
 * sample goes; Parquet is recognised and refused), from its decoded text, or from one already parsed
 * JSON value (a record, or a wrapper of records such as `{"Records":[…]}`). Undefined `source` means
 * none of the four; `seen` says what it was instead.
 */
export function detectLogFormat(
  sample: Uint8Array | string | object,
  options: DetectOptions = {},
): LogFormatDetection {
  if (typeof sample === 'string') return pick(sniffLogText(sample, options))
  if (!(sample instanceof Uint8Array)) return classifyValue(sample)
  const bytes = Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength)
  if (isParquet(bytes)) return { source: undefined, seen: PARQUET_SEEN }
  if (!isGzip(bytes)) return pick(sniffLogText(bytes.toString('utf8'), options))
  let text: string
  try {
    text = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('utf8')
  } catch (error) {
    return { source: undefined, seen: `gzip data that does not inflate (${errorText(error)})` }
  }
  const found = sniffLogText(text, options)
  return { source: found.source, seen: `gzip-compressed ${found.seen}` }
}

function pick(sniff: LogSniff): LogFormatDetection {
  return { source: sniff.source, seen: sniff.seen }
}

/** What Parquet content is described as. */
export const PARQUET_SEEN =
  'Apache Parquet data (flow logs delivered as Parquet are not supported; deliver them as text)'

/** Whether bytes start with gzip's magic number (whatever the object's name says). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1
}

/** Whether bytes start with Apache Parquet's magic `PAR1` (flow logs can be delivered as Parquet). */
export function isParquet(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31
}

/**
 * Checks a `--source` hint against a detection: throws `LogFormatError` when the content was
 * recognised as a different source, naming what was seen. A hint for content nothing recognised
 * passes (the hint decides; records that do not fit are reported one by one).
 */
export function checkSourceHint(
  hint: LogSource,
  detection: LogFormatDetection,
  name = 'the object',
): void {
  if (detection.source === undefined || detection.source === hint) return
  throw new LogFormatError(
    `--source ${hint} was given, but ${name} looks like ${LOG_SOURCE_NAMES[detection.source]} (${detection.source}): ${detection.seen}`,
    detection.seen,
    detection.source,
  )
}

/** The error for content that is none of the four sources and came without a hint. */
export function unknownFormatError(
  detection: LogFormatDetection,
  name = 'the object',
): LogFormatError {
  return new LogFormatError(
    `cannot tell which log ${name} holds: saw ${detection.seen}; pass --source (cloudtrail, vpc-flow, dns or k8s-audit)`,
    detection.seen,
  )
}
