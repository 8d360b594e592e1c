/**
 * Parsing one VPC flow log line into a `FlowLogRecord`, fast. This module owns the hot loop of flow
 * log ingestion: a line is read in place inside the decoded chunk (offsets, no per-line substring,
 * no `split`, no regex), integers are accumulated digit by digit without slicing, enumerated words
 * (`ACCEPT`, `OK`…) are matched against constants, and identifier columns that repeat from line to
 * line (account, interface, VPC…) reuse the previous line's string instead of allocating a new one.
 * The default (v2) format has a hand-written path that builds the record as one object literal; any
 * other layout goes through a per-column loop.
 *
 * Strings in records may be V8 slices of the decoded chunk; a consumer that keeps a handful of them
 * for a long time keeps that chunk (≤ about 64 KiB) alive too.
 */
import type {
  FlowLogAction,
  FlowLogFieldSpec,
  FlowLogLayout,
  FlowLogRecord,
  FlowLogStatus,
} from './flow-log-fields.js'

const SPACE = 32
const DASH = 45
const DIGIT_0 = 48
const DIGIT_9 = 57
/** Above this many digits an integer may not be exact in a double. */
const SAFE_DIGITS = 15

const ACTIONS: readonly FlowLogAction[] = ['ACCEPT', 'REJECT']
const STATUSES: readonly FlowLogStatus[] = ['OK', 'NODATA', 'SKIPDATA']

/**
 * Reads the space-separated fields of one line, left to right. A failed read records why in
 * `failure` and returns undefined; the caller checks `failure` once per line.
 */
class FieldCursor {
  text = ''
  pos = 0
  end = 0
  column = 0
  failure: string | undefined = undefined
  /** Per column, the last string read, to reuse when the next line repeats it. */
  private readonly last: (string | undefined)[]

  constructor(columnCount: number) {
    this.last = new Array<string | undefined>(columnCount).fill(undefined)
  }

  reset(text: string, start: number, end: number): void {
    this.text = text
    this.pos = start
    this.end = end
    this.column = 0
    this.failure = undefined
  }

  /** A non-negative integer, or undefined for `-`. */
  int(): number | undefined {
    const text = this.text
    const end = this.end
    const start = this.pos
    this.column++
    if (start >= end) return this.fail('is missing')
    if (
      text.charCodeAt(start) === DASH &&
      (start + 1 === end || text.charCodeAt(start + 1) === SPACE)
    ) {
      this.pos = start + 2
      return undefined
    }
    let value = 0
    let p = start
    while (p < end) {
      const c = text.charCodeAt(p)
      if (c === SPACE) break
      if (c < DIGIT_0 || c > DIGIT_9) return this.fail('is not a number')
      value = value * 10 + (c - DIGIT_0)
      p++
    }
    if (p === start) return this.fail('is empty')
    if (p - start > SAFE_DIGITS && !Number.isSafeInteger(value)) {
      return this.fail('is too large for an exact number')
    }
    this.pos = p + 1
    return value
  }

  /** The field as written, or undefined for `-`; repeats of the previous line's value are reused. */
  str(): string | undefined {
    const text = this.text
    const start = this.pos
    const column = this.column++
    if (start >= this.end) return this.fail('is missing')
    let stop = text.indexOf(' ', start)
    if (stop === -1 || stop > this.end) stop = this.end
    if (stop === start) return this.fail('is empty')
    this.pos = stop + 1
    const length = stop - start
    if (length === 1 && text.charCodeAt(start) === DASH) return undefined
    const previous = this.last[column]
    if (previous !== undefined && previous.length === length && text.startsWith(previous, start)) {
      return previous
    }
    const value = text.slice(start, stop)
    this.last[column] = value
    return value
  }

  /** One of `words` (the constant itself, no allocation), or undefined for `-`. */
  word<T extends string>(words: readonly T[]): T | undefined {
    const text = this.text
    const start = this.pos
    this.column++
    if (start >= this.end) return this.fail('is missing')
    for (const word of words) {
      const stop = start + word.length
      if (
        text.startsWith(word, start) &&
        (stop === this.end || (stop < this.end && text.charCodeAt(stop) === SPACE))
      ) {
        this.pos = stop + 1
        return word
      }
    }
    if (
      text.charCodeAt(start) === DASH &&
      (start + 1 === this.end || text.charCodeAt(start + 1) === SPACE)
    ) {
      this.pos = start + 2
      return undefined
    }
    return this.fail(`is not one of ${words.join(', ')}, -`)
  }

  /** The field as written, or undefined for `-`; for values that rarely repeat (addresses). */
  fresh(): string | undefined {
    const text = this.text
    const start = this.pos
    this.column++
    if (start >= this.end) return this.fail('is missing')
    let stop = text.indexOf(' ', start)
    if (stop === -1 || stop > this.end) stop = this.end
    if (stop === start) return this.fail('is empty')
    this.pos = stop + 1
    if (stop - start === 1 && text.charCodeAt(start) === DASH) return undefined
    return text.slice(start, stop)
  }

  /** Skips a column whose field is unknown. */
  skip(): void {
    this.str()
  }

  /** Whether every field was consumed and nothing is left on the line. */
  get atEnd(): boolean {
    return this.pos > this.end
  }

  private fail(problem: string): undefined {
    if (this.failure === undefined) this.failure = `field ${this.column} ${problem}`
    this.pos = this.end + 1
    return undefined
  }
}

/** The text of the `column`-th (1-based) space-separated field of a line, for messages. */
function fieldText(line: string, column: number): string {
  return line.split(' ')[column - 1] ?? ''
}

/**
 * Parses the lines of one flow log layout. One parser per object (it remembers the previous line's
 * identifiers); `parse` returns the record, or a string saying why the line is not one.
 */
export class FlowLogLineParser {
  private readonly cursor: FieldCursor

  constructor(readonly layout: FlowLogLayout) {
    this.cursor = new FieldCursor(layout.columns.length)
  }

  /**
   * Parses `text[start, end)` — one line without its line break; the caller has removed a trailing
   * `\r`. Fields are separated by single spaces; `-` is an absent value.
   */
  parse(text: string, start: number, end: number): FlowLogRecord | string {
    const cursor = this.cursor
    cursor.reset(text, start, end)
    const record = this.layout.isDefault ? readDefault(cursor) : readColumns(cursor, this.layout)
    if (cursor.failure !== undefined || !cursor.atEnd) return this.explain(text, start, end)
    return record
  }

  private explain(text: string, start: number, end: number): string {
    const line = text.slice(start, end)
    const count = line === '' ? 0 : line.split(' ').length
    const expected = this.layout.columns.length
    if (count !== expected) return `has ${count} fields, the format has ${expected}`
    const failure = this.cursor.failure ?? 'unreadable'
    const match = /^field (\d+) (.*)$/.exec(failure)
    if (match?.[1] === undefined) return failure
    const column = Number(match[1])
    const name = this.layout.names[column - 1] ?? '?'
    return `field ${column} (${name}) ${JSON.stringify(fieldText(line, column))} ${match[2]}`
  }
}

/** The default format, in its fixed order, as one object literal (one hidden class). */
function readDefault(c: FieldCursor): FlowLogRecord {
  return {
    version: c.int(),
    accountId: c.str(),
    interfaceId: c.str(),
    srcaddr: c.fresh(),
    dstaddr: c.fresh(),
    srcport: c.int(),
    dstport: c.int(),
    protocol: c.int(),
    packets: c.int(),
    bytes: c.int(),
    start: c.int(),
    end: c.int(),
    action: c.word(ACTIONS),
    logStatus: c.word(STATUSES),
  }
}

function readValue(c: FieldCursor, spec: FlowLogFieldSpec): unknown {
  switch (spec.kind) {
    case 'int':
      return c.int()
    case 'string':
      return c.str()
    case 'address':
      return c.fresh()
    case 'action':
      return c.word(ACTIONS)
    case 'log-status':
      return c.word(STATUSES)
  }
}

/** Any layout: one property per known column, in column order; unknown columns skipped. */
function readColumns(c: FieldCursor, layout: FlowLogLayout): FlowLogRecord {
  const record: Record<string, unknown> = {}
  for (const spec of layout.columns) {
    if (spec === undefined) c.skip()
    else record[spec.key] = readValue(c, spec)
  }
  return record
}
