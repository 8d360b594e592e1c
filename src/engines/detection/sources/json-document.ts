/**
 * Finding the records inside a JSON document without trusting it to be well formed: a JSON array of
 * records (Stratus Red Team's detonation logs), a CloudTrail `{"Records":[…]}` object (pretty-printed
 * or not), a Kubernetes `EventList`, or several such values one after another. This module owns a
 * single forward scan that finds each top-level value and, for a top-level array or the array under
 * one of the container keys of a top-level object, the start and end of every element — so each
 * element can be parsed (and refused) on its own and its line reported — plus the offset → line
 * mapping. Structure is matched by brackets and strings only; whether an element is valid JSON is
 * left to `JSON.parse`.
 */

const QUOTE = 34
const BACKSLASH = 92
const COMMA = 44
const COLON = 58
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93
const OPEN_BRACE = 123
const CLOSE_BRACE = 125

/** A value's place in the text: `text.slice(start, end)`. */
export interface JsonSpan {
  readonly start: number
  readonly end: number
}

/** A top-level value of a document, with the element spans of its record array when it has one. */
export interface JsonTopValue extends JsonSpan {
  /** For an object: the container key whose array value was scanned (`Records`, `items`…). */
  readonly containerKey?: string
  /** Elements of the top-level array, or of the container key's array; absent otherwise. */
  readonly elements?: readonly JsonSpan[]
  /** False when the text ended before the value did (a truncated object). */
  readonly complete: boolean
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9
}

function skipSpace(text: string, p: number): number {
  while (p < text.length && isSpace(text.charCodeAt(p))) p++
  return p
}

/** Index after the string whose opening quote is at `p`, or -1 when it is not terminated. */
function skipString(text: string, p: number): number {
  let from = p + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote === -1) return -1
    let backslashes = 0
    for (let b = quote - 1; text.charCodeAt(b) === BACKSLASH; b--) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}

/**
 * Index after the value starting at `p` (an object, array, string or scalar), matching brackets and
 * skipping strings; -1 when the text ends first. A scalar runs to the next delimiter or space; at
 * least one character is always consumed.
 */
export function skipJsonValue(text: string, p: number): number {
  const first = text.charCodeAt(p)
  if (first === QUOTE) return skipString(text, p)
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0
    for (let i = p; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === QUOTE) {
        const after = skipString(text, i)
        if (after === -1) return -1
        i = after - 1
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1
      }
    }
    return -1
  }
  let i = p + 1
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isSpace(c)) break
    i++
  }
  return i
}

interface ArrayScan {
  /** Index after the closing bracket, or -1 when the text ended first. */
  readonly end: number
  readonly elements: JsonSpan[]
}

/**
 * Scans the array whose `[` is at `p`, element by element; garbage between elements is an element.
 * Stops (as if the text ended) after `maxElements`.
 */
function scanArray(text: string, p: number, maxElements: number): ArrayScan {
  const elements: JsonSpan[] = []
  let i = p + 1
  for (;;) {
    if (elements.length >= maxElements) return { end: -1, elements }
    i = skipSpace(text, i)
    if (i >= text.length) return { end: -1, elements }
    if (text.charCodeAt(i) === CLOSE_BRACKET) return { end: i + 1, elements }
    const after = skipJsonValue(text, i)
    if (after === -1) {
      elements.push({ start: i, end: text.length })
      return { end: -1, elements }
    }
    elements.push({ start: i, end: after })
    i = skipSpace(text, after)
    if (text.charCodeAt(i) === COMMA) i++
  }
}

/** Scans the object whose `{` is at `p`, looking for the first container key holding an array. */
function scanObject(
  text: string,
  p: number,
  containerKeys: ReadonlySet<string>,
  maxElements: number,
): JsonTopValue {
  let i = p + 1
  let containerKey: string | undefined
  let elements: JsonSpan[] | undefined
  const irregular = (): JsonTopValue => {
    const end = skipJsonValue(text, p)
    return end === -1
      ? { start: p, end: text.length, containerKey, elements, complete: false }
      : { start: p, end, containerKey, elements, complete: true }
  }
  for (;;) {
    i = skipSpace(text, i)
    if (i >= text.length)
      return { start: p, end: text.length, containerKey, elements, complete: false }
    if (text.charCodeAt(i) === CLOSE_BRACE) {
      return { start: p, end: i + 1, containerKey, elements, complete: true }
    }
    if (text.charCodeAt(i) !== QUOTE) return irregular()
    const keyEnd = skipString(text, i)
    if (keyEnd === -1) return irregular()
    const key = text.slice(i + 1, keyEnd - 1)
    i = skipSpace(text, keyEnd)
    if (text.charCodeAt(i) !== COLON) return irregular()
    i = skipSpace(text, i + 1)
    if (
      containerKey === undefined &&
      containerKeys.has(key) &&
      text.charCodeAt(i) === OPEN_BRACKET
    ) {
      const scan = scanArray(text, i, maxElements)
      containerKey = key
      elements = scan.elements
      if (scan.end === -1) {
        return { start: p, end: text.length, containerKey, elements, complete: false }
      }
      i = scan.end
    } else {
      const after = skipJsonValue(text, i)
      if (after === -1) return irregular()
      i = after
    }
    i = skipSpace(text, i)
    const c = text.charCodeAt(i)
    if (c === COMMA) i++
    else if (c !== CLOSE_BRACE) return irregular()
  }
}

/**
 * Splits a JSON text into its top-level values (normally one). For a top-level array every element
 * is located; for a top-level object, the elements of the array under the first of `containerKeys`
 * it has. Text that is not a JSON value at top level becomes a value of its own (up to the next
 * line break) so the caller can report it. With `maxElements`, scanning stops after that many
 * elements of the first array (the value is then reported incomplete) — enough to look at a start.
 */
export function scanJsonDocument(
  text: string,
  containerKeys: ReadonlySet<string>,
  maxElements = Infinity,
): JsonTopValue[] {
  const values: JsonTopValue[] = []
  let i = skipSpace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0)
  while (i < text.length) {
    const c = text.charCodeAt(i)
    let value: JsonTopValue
    if (c === OPEN_BRACKET) {
      const scan = scanArray(text, i, maxElements)
      value =
        scan.end === -1
          ? { start: i, end: text.length, elements: scan.elements, complete: false }
          : { start: i, end: scan.end, elements: scan.elements, complete: true }
    } else if (c === OPEN_BRACE) {
      value = scanObject(text, i, containerKeys, maxElements)
    } else {
      const lineEnd = text.indexOf('\n', i)
      value = { start: i, end: lineEnd === -1 ? text.length : lineEnd, complete: true }
    }
    values.push(value)
    i = skipSpace(text, Math.max(value.end, i + 1))
  }
  return values
}

/**
 * Maps offsets of one text to 1-based line numbers. Queries must come in non-decreasing offset order
 * (as a forward scan produces them); each costs the line breaks between it and the previous one.
 */
export class LineCounter {
  private offset = 0
  private line = 1

  constructor(
    private readonly text: string,
    /** Line number of offset 0 (when the text is a tail of a larger object). */
    firstLine = 1,
  ) {
    this.line = firstLine
  }

  lineAt(offset: number): number {
    if (offset < this.offset) throw new Error('LineCounter: offsets must not go backwards')
    let next = this.text.indexOf('\n', this.offset)
    while (next !== -1 && next < offset) {
      this.line++
      next = this.text.indexOf('\n', next + 1)
    }
    this.offset = offset
    return this.line
  }
}
