/**
 * Parsers for the six file formats GuardDuty accepts for trusted and threat lists (IPSets,
 * ThreatIntelSets and the newer entity sets): TXT, STIX, OTX_CSV, ALIEN_VAULT, PROOF_POINT and
 * FIRE_EYE. This module owns reading a whole file into deduplicated IPv4 addresses, CIDR blocks and
 * domains, reporting every refused entry with its line, and deciding when a file as a whole is not
 * in the format it claims. What one value may be is owned by `read-threat-list-entry.ts`.
 *
 * Format layouts follow the "List formats" section of the GuardDuty user guide
 * (docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html).
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import {
  readIpv4Range,
  readThreatListEntry,
  REJECTION,
  type ThreatListEntryExpectation,
  type ThreatListEntryReading,
} from './read-threat-list-entry.js'

/** The file formats of GuardDuty's `IpSetFormat` / `ThreatIntelSetFormat` enums. */
export type ThreatListFormat =
  'TXT' | 'STIX' | 'OTX_CSV' | 'ALIEN_VAULT' | 'PROOF_POINT' | 'FIRE_EYE'

/** The usable content of a list. Each array is deduplicated and keeps first-seen order. */
export interface ThreatListEntries {
  /** Single IPv4 addresses, dotted quad. */
  readonly ips: readonly string[]
  /** `a.b.c.d/n` blocks normalized to the network address; a `/32` is listed under `ips`. */
  readonly cidrs: readonly string[]
  /** Lowercase domain names without trailing dot; wildcard ones keep their leading `*.`. */
  readonly domains: readonly string[]
}

/** An entry the parser refused, with the 1-based line it starts on. */
export interface RejectedEntry {
  readonly line: number
  /** The refused value as written (trimmed), or the whole line when no value could be read. */
  readonly text: string
  readonly reason: string
}

/** The result of {@link parseThreatList}. */
export interface ParsedThreatList {
  readonly entries: ThreatListEntries
  readonly rejected: readonly RejectedEntry[]
  /** `ips.length + cidrs.length + domains.length`. */
  readonly count: number
}

/**
 * The file as a whole is not in the claimed format: not XML or not a STIX package, a CSV without
 * its header or not parseable as CSV, or data that yields no usable entry at all. The message says
 * what was expected and what was seen.
 */
export class ThreatListFormatError extends Error {
  override readonly name = 'ThreatListFormatError'
  /**
   * @param format the format the file was read as
   * @param message what was expected and what was seen
   */
  constructor(
    readonly format: ThreatListFormat,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${format} list: ${message}`, options)
  }
}

/**
 * Parses a trusted/threat list file.
 *
 * Layouts (lines are 1-based; CRLF, CR and a leading byte-order mark are tolerated everywhere):
 * - `TXT`: one IPv4 address, CIDR or (entity lists) domain per line; blank lines and lines starting
 *   with `#` are skipped.
 * - `STIX`: a STIX 1.2 `STIX_Package`; CybOX `AddressObject` values (`Address_Value`, category
 *   `ipv4-addr` by default, `condition="InclusiveBetween"` with `start##comma##end` for a range,
 *   `##comma##`-separated lists otherwise) and `DomainNameObject` values (`Value`), wherever they
 *   appear (`Observables` or `Indicators`). Elements are matched by local name, whatever the prefix.
 * - `OTX_CSV`: header `Indicator type, Indicator, Description`; types `IPv4`, `CIDR` and
 *   `Domain name` (case-insensitive) are read, `IPv6` is refused, any other type is ignored.
 * - `FIRE_EYE`: FireEye iSIGHT CSV; the `cidr`, `ip` and `domain` columns, found by header name.
 * - `PROOF_POINT`: Proofpoint ET CSV, header `domain|ip, category, score, first_seen, last_seen,
 *   ports (|)`; the first column is the indicator.
 * - `ALIEN_VAULT`: `indicator#reliability#risk#activity#country#city#lat,lon#flag` lines (at least
 *   8 `#`-separated fields); lines starting with `#` and blank lines are skipped.
 * CSV formats allow spaces around values, blank lines and whole-line `#` comments.
 *
 * A file that is empty or whitespace only, or has no data (only comments, or only a CSV header, or
 * a STIX package without objects) parses to an empty list. A file with data of which not a single
 * entry is usable throws.
 *
 * @param options.allowDomains true for entity lists; IPSets and ThreatIntelSets are IPv4-only, so
 *   their domains are refused like any other bad entry.
 * @throws ThreatListFormatError when the file as a whole is not in `format`.
 */
export function parseThreatList(
  format: ThreatListFormat,
  content: string,
  options: { readonly allowDomains: boolean },
): ParsedThreatList {
  const text = (content.startsWith('\uFEFF') ? content.slice(1) : content).replace(/\r\n?/g, '\n')
  const collector = new EntryCollector(options.allowDomains)
  if (text.trim() === '') return collector.result()
  switch (format) {
    case 'TXT':
      readTxt(text, collector)
      break
    case 'ALIEN_VAULT':
      readAlienVault(text, collector)
      break
    case 'OTX_CSV':
      readOtxCsv(text, collector)
      break
    case 'PROOF_POINT':
      readProofpoint(text, collector)
      break
    case 'FIRE_EYE':
      readFireEye(text, collector)
      break
    case 'STIX':
      readStix(text, collector)
      break
    default:
      throw new ThreatListFormatError(format, `unknown list format '${String(format)}'`)
  }
  if (collector.dataItems > 0 && collector.count === 0) {
    throw new ThreatListFormatError(format, noUsableEntryMessage(format, collector))
  }
  return collector.result()
}

/** What each format's data is expected to hold, for "no usable entry" messages. */
const EXPECTED_DATA: Readonly<Record<ThreatListFormat, string>> = {
  TXT: 'one IPv4 address, CIDR or domain per line',
  STIX: 'AddressObject (ipv4-addr) or DomainNameObject values',
  OTX_CSV: "rows of type 'IPv4', 'CIDR' or 'Domain name'",
  ALIEN_VAULT: 'indicator#reliability#risk#activity#country#city#lat,lon#flag lines',
  PROOF_POINT: 'rows starting with an IPv4 address or domain',
  FIRE_EYE: 'rows with a cidr, ip or domain value',
}

function noUsableEntryMessage(format: ThreatListFormat, collector: EntryCollector): string {
  const parts = [`${collector.dataItems} data item(s)`, `${collector.rejected.length} rejected`]
  if (collector.ignored > 0) parts.push(`${collector.ignored} ignored`)
  const first = collector.rejected[0]
  const example =
    first === undefined
      ? ''
      : `; first: line ${first.line} '${snippet(first.text)}': ${first.reason}`
  return `no usable entry: expected ${EXPECTED_DATA[format]}, saw ${parts.join(', ')}${example}`
}

/** Accumulates accepted entries (deduplicated), refusals and the tallies the final checks need. */
class EntryCollector {
  readonly #ips = new Set<string>()
  readonly #cidrs = new Set<string>()
  readonly #domains = new Set<string>()
  readonly rejected: RejectedEntry[] = []
  /** Data lines, rows or values seen: what "no usable entry" is measured against. */
  dataItems = 0
  /** Data items that are well-formed but not network indicators (e.g. an OTX `URL` row). */
  ignored = 0

  constructor(readonly allowDomains: boolean) {}

  get count(): number {
    return this.#ips.size + this.#cidrs.size + this.#domains.size
  }

  /** Reads `value` as the format says and records the outcome against `line`. */
  read(line: number, value: string, expect: ThreatListEntryExpectation): void {
    this.add(line, value, readThreatListEntry(value, expect, this.allowDomains))
  }

  add(line: number, text: string, reading: ThreatListEntryReading): void {
    switch (reading.kind) {
      case 'ip':
        this.#ips.add(reading.value)
        break
      case 'cidr':
        this.#cidrs.add(reading.value)
        break
      case 'domain':
        this.#domains.add(reading.value)
        break
      case 'rejected':
        this.reject(line, text, reading.reason)
        break
    }
  }

  reject(line: number, text: string, reason: string): void {
    this.rejected.push({ line, text: text.trim(), reason })
  }

  result(): ParsedThreatList {
    return {
      entries: { ips: [...this.#ips], cidrs: [...this.#cidrs], domains: [...this.#domains] },
      rejected: this.rejected,
      count: this.count,
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Line formats: TXT and ALIEN_VAULT

/** Non-blank lines not starting with `#`, trimmed, with their 1-based line numbers. */
function* dataLines(text: string): Generator<[line: number, content: string]> {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const content = (lines[i] ?? '').trim()
    if (content !== '' && !content.startsWith('#')) yield [i + 1, content]
  }
}

function readTxt(text: string, collector: EntryCollector): void {
  for (const [line, content] of dataLines(text)) {
    collector.dataItems++
    collector.read(line, content, 'any')
  }
}

/** AlienVault reputation data: `indicator#reliability#risk#activity#country#city#lat,lon#flag`. */
const ALIEN_VAULT_FIELDS = 8

function readAlienVault(text: string, collector: EntryCollector): void {
  for (const [line, content] of dataLines(text)) {
    collector.dataItems++
    const fields = content.split('#')
    if (fields.length < ALIEN_VAULT_FIELDS) {
      collector.reject(
        line,
        content,
        `expected ${ALIEN_VAULT_FIELDS} '#'-separated fields ` +
          `(indicator#reliability#risk#activity#country#city#lat,lon#flag), saw ${fields.length}`,
      )
      continue
    }
    collector.read(line, fields[0] ?? '', 'any')
  }
}

// ---------------------------------------------------------------------------------------------
// CSV formats: OTX_CSV, PROOF_POINT and FIRE_EYE

interface CsvRecord {
  /** 1-based line the record starts on. */
  readonly line: number
  readonly fields: readonly string[]
}

/**
 * The records of a CSV file, values trimmed, blank lines, all-empty rows and whole-line `#`
 * comments skipped. Rows may have any number of columns.
 *
 * @throws ThreatListFormatError when csv-parse cannot read the file (an unclosed quote, say).
 */
function csvRecords(format: ThreatListFormat, text: string): CsvRecord[] {
  let rows: { record: string[]; info: { lines: number } }[]
  try {
    // csv-parse's typings do not model `info: true`, which wraps each record with its position.
    rows = parseCsv(text, {
      info: true,
      trim: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      comment: '#',
      comment_no_infix: true,
    }) as unknown as typeof rows
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new ThreatListFormatError(format, `expected CSV, saw unreadable CSV: ${detail}`, {
      cause: error,
    })
  }
  // csv-parse reports the line a record ends on; quoted values may span lines.
  return rows.map(({ record, info }) => ({
    line: info.lines - record.reduce((n, value) => n + value.split('\n').length - 1, 0),
    fields: record,
  }))
}

/** The header row (first record) and the data rows, or a format error naming the expected header. */
function splitHeader(
  format: ThreatListFormat,
  records: CsvRecord[],
  expectedHeader: string,
  isHeader: (names: readonly string[]) => boolean,
): { header: readonly string[]; rows: CsvRecord[] } {
  const [first, ...rows] = records
  // Only called when the text has non-blank content, so an absent first record means comments only.
  if (first === undefined) return { header: [], rows: [] }
  const header = first.fields.map((name) => name.toLowerCase())
  if (!isHeader(header)) {
    throw new ThreatListFormatError(
      format,
      `expected the header '${expectedHeader}', saw '${snippet(first.fields.join(', '))}' ` +
        `on line ${first.line}`,
    )
  }
  return { header, rows }
}

function readOtxCsv(text: string, collector: EntryCollector): void {
  const { header, rows } = splitHeader(
    'OTX_CSV',
    csvRecords('OTX_CSV', text),
    'Indicator type, Indicator, Description',
    (names) => names.includes('indicator type') && names.includes('indicator'),
  )
  const typeColumn = header.indexOf('indicator type')
  const valueColumn = header.indexOf('indicator')
  for (const { line, fields } of rows) {
    collector.dataItems++
    const type = fields[typeColumn] ?? ''
    const value = fields[valueColumn] ?? ''
    switch (type.toLowerCase()) {
      case 'ipv4':
      case 'cidr':
        collector.read(line, value, 'address')
        break
      case 'domain name':
        collector.read(line, value, 'domain')
        break
      case 'ipv6':
        collector.reject(line, value, REJECTION.ipv6)
        break
      default:
        collector.ignored++
    }
  }
}

function readProofpoint(text: string, collector: EntryCollector): void {
  const { rows } = splitHeader(
    'PROOF_POINT',
    csvRecords('PROOF_POINT', text),
    'domain|ip, category, score, first_seen, last_seen, ports (|)',
    (names) => ['domain', 'ip', 'domain|ip'].includes(names[0] ?? '') && names[1] === 'category',
  )
  for (const { line, fields } of rows) {
    collector.dataItems++
    collector.read(line, fields[0] ?? '', 'any')
  }
}

/** The FireEye iSIGHT columns that hold network indicators, and how each is read. */
const FIRE_EYE_COLUMNS: readonly [name: string, expect: ThreatListEntryExpectation][] = [
  ['cidr', 'address'],
  ['ip', 'address'],
  ['domain', 'domain'],
]

function readFireEye(text: string, collector: EntryCollector): void {
  const { header, rows } = splitHeader(
    'FIRE_EYE',
    csvRecords('FIRE_EYE', text),
    'reportId, title, threatScape, …, cidr, domain, …, ip, …, observationTime',
    (names) => FIRE_EYE_COLUMNS.every(([name]) => names.includes(name)),
  )
  const columns = FIRE_EYE_COLUMNS.map(([name, expect]) => [header.indexOf(name), expect] as const)
  for (const { line, fields } of rows) {
    collector.dataItems++
    let values = 0
    for (const [column, expect] of columns) {
      const value = fields[column] ?? ''
      if (value === '') continue
      values++
      collector.read(line, value, expect)
    }
    // A report row about something else (a file hash, an e-mail sender...).
    if (values === 0) collector.ignored++
  }
}

// ---------------------------------------------------------------------------------------------
// STIX 1.2

/** CybOX list delimiter (CybOX 2.1 `BaseObjectPropertyType`), also the `InclusiveBetween` separator. */
const CYBOX_LIST_DELIMITER = '##comma##'

const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  captureMetaData: true,
})
const XML_META = XMLParser.getMetaDataSymbol() as unknown as symbol

interface XmlElement {
  /** Local name (namespace prefix removed). */
  readonly name: string
  /** Attributes by qualified name (`xsi:type`, `category`). */
  readonly attributes: Readonly<Record<string, unknown>>
  readonly children: readonly unknown[]
  /** Offset of the element's `<` in the parsed text. */
  readonly start: number | undefined
}

/** Reads one node of fast-xml-parser's `preserveOrder` tree; `undefined` for text nodes. */
function asElement(node: unknown): XmlElement | undefined {
  if (typeof node !== 'object' || node === null) return undefined
  const record = node as Record<string | symbol, unknown>
  const tag = Object.keys(record).find((key) => key !== ':@' && key !== '#text')
  if (tag === undefined) return undefined
  const children = record[tag]
  const attributes = record[':@']
  const meta = record[XML_META]
  const start =
    typeof meta === 'object' && meta !== null && 'startIndex' in meta ? meta.startIndex : undefined
  return {
    name: tag.slice(tag.indexOf(':') + 1),
    attributes:
      typeof attributes === 'object' && attributes !== null
        ? (attributes as Record<string, unknown>)
        : {},
    children: Array.isArray(children) ? children : [],
    start: typeof start === 'number' ? start : undefined,
  }
}

function childElements(element: XmlElement): XmlElement[] {
  return element.children.map(asElement).filter((child) => child !== undefined)
}

function textOf(element: XmlElement): string {
  return element.children
    .map((node) => {
      const text = typeof node === 'object' && node !== null && '#text' in node && node['#text']
      return typeof text === 'string' ? text : ''
    })
    .join('')
}

function attribute(element: XmlElement, name: string): string | undefined {
  const value = element.attributes[name]
  return typeof value === 'string' ? value : undefined
}

/** Local part of the `xsi:type` attribute (any prefix), e.g. `AddressObjectType`. */
function xsiType(element: XmlElement): string | undefined {
  for (const [name, value] of Object.entries(element.attributes)) {
    if (name.endsWith(':type') && typeof value === 'string')
      return value.slice(value.indexOf(':') + 1)
  }
  return undefined
}

function readStix(text: string, collector: EntryCollector): void {
  const head = text.trimStart()
  if (!head.startsWith('<')) {
    throw new ThreatListFormatError(
      'STIX',
      `expected an XML document (a STIX 1.2 STIX_Package), saw text starting '${snippet(head)}'`,
    )
  }
  // Whitespace before the XML declaration is not well-formed XML, but common and harmless: the
  // document is read without it, and positions are mapped back to lines of the whole file.
  const skipped = text.length - head.length
  const skippedLines = text.slice(0, skipped).split('\n').length - 1
  const validation = XMLValidator.validate(head)
  if (validation !== true) {
    const { msg, line, col } = validation.err
    throw new ThreatListFormatError(
      'STIX',
      `expected well-formed XML, saw an error at line ${line + skippedLines}, column ${col}: ${msg}`,
    )
  }
  const roots = (xmlParser.parse(head) as unknown[]).map(asElement).filter((e) => e !== undefined)
  const root = roots[0]
  if (roots.length !== 1 || root?.name !== 'STIX_Package') {
    const seen = roots.map((element) => `<${element.name}>`).join(', ') || 'no element'
    throw new ThreatListFormatError(
      'STIX',
      `expected a single STIX_Package root element, saw ${seen}`,
    )
  }
  const locate = lineLocator(text)
  walkStix(root, collector, (offset) => locate(offset === undefined ? undefined : offset + skipped))
}

/** Visits every CybOX object `Properties` element under `element`, in document order. */
function walkStix(
  element: XmlElement,
  collector: EntryCollector,
  lineAt: (offset: number | undefined) => number,
): void {
  for (const child of childElements(element)) {
    if (child.name === 'Properties') readStixObject(child, collector, lineAt)
    else walkStix(child, collector, lineAt)
  }
}

/** CybOX Address object categories (`CategoryTypeEnum`) that hold IPv4 addresses or blocks. */
const IPV4_CATEGORIES = new Set(['ipv4-addr', 'ipv4-net', 'cidr'])
const IPV6_CATEGORIES = new Set(['ipv6-addr', 'ipv6-net', 'ipv6-netmask'])

function readStixObject(
  properties: XmlElement,
  collector: EntryCollector,
  lineAt: (offset: number | undefined) => number,
): void {
  const type = xsiType(properties)
  const children = childElements(properties)
  const isAddress =
    type === 'AddressObjectType' ||
    (type === undefined && children.some((child) => child.name === 'Address_Value'))
  const valueName = isAddress ? 'Address_Value' : type === 'DomainNameObjectType' ? 'Value' : null
  const values = children.filter((child) => child.name === valueName)
  if (valueName === null || values.length === 0) {
    // Another kind of observable (file hash, URL, e-mail...), or an object without a value.
    collector.dataItems++
    collector.ignored++
    return
  }
  // CybOX Address_Object.xsd: `category` defaults to ipv4-addr.
  const category = isAddress ? (attribute(properties, 'category') ?? 'ipv4-addr') : null
  for (const valueElement of values) {
    const line = lineAt(valueElement.start)
    const raw = textOf(valueElement).trim()
    const condition = attribute(valueElement, 'condition') ?? 'Equals'
    collector.dataItems++
    if (category !== null && IPV6_CATEGORIES.has(category)) {
      collector.reject(line, raw, REJECTION.ipv6)
    } else if (category !== null && !IPV4_CATEGORIES.has(category)) {
      collector.ignored++ // an e-mail, MAC or ASN address
    } else if (category !== null && condition === 'InclusiveBetween') {
      const ends = raw.split(CYBOX_LIST_DELIMITER)
      const [start, end] = ends
      if (ends.length !== 2 || start === undefined || end === undefined) {
        collector.reject(line, raw, `expected 'start${CYBOX_LIST_DELIMITER}end' for a range`)
      } else {
        for (const reading of readIpv4Range(start, end)) collector.add(line, raw, reading)
      }
    } else if (condition !== 'Equals') {
      collector.reject(line, raw, `unsupported condition '${condition}'; expected Equals`)
    } else {
      for (const value of raw.split(CYBOX_LIST_DELIMITER)) {
        collector.read(line, value, category === null ? 'domain' : 'address')
      }
    }
  }
}

/** Maps an offset in `text` to its 1-based line (0 when the offset is unknown). */
function lineLocator(text: string): (offset: number | undefined) => number {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return (offset) => {
    if (offset === undefined) return 0
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if ((starts[middle] ?? 0) <= offset) low = middle
      else high = middle - 1
    }
    return low + 1
  }
}

/** The first 60 characters of `text`'s first line, for messages. */
function snippet(text: string): string {
  const line = text.split('\n', 1)[0] ?? ''
  return line.length > 60 ? `${line.slice(0, 60)}…` : line
}
