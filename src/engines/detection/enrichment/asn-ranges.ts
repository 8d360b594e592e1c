/**
 * Which autonomous system announces an address: a table of inclusive address ranges, each with
 * its AS number and the AS organisation's name, read from the CSV layout of the ip-location-db
 * `asn` data (`start,end,asn,organisation`; addresses as text — `1.0.0.0` — or as numbers —
 * `16777216`; the organisation quoted when it holds a comma). This module owns parsing that
 * layout and looking addresses up (binary search: IPv4 ranges in typed arrays, IPv6 ranges as
 * bigints). Bundled data: `@ip-location-db/asn` (RouteViews, the five RIRs via NRO, DB-IP ASN
 * Lite; CC BY 4.0).
 */
import { readFile } from 'node:fs/promises'
import ipaddr from 'ipaddr.js'

/** The AS of an address. */
export interface AsnRecord {
  /** The AS number, as text (`16509`). */
  readonly asn: string
  /** The organisation the AS is registered to (`Amazon.com, Inc.`); may be empty. */
  readonly organization: string
}

/** A CSV line that is not `start,end,asn,organisation`. */
export class AsnFormatError extends Error {
  override readonly name = 'AsnFormatError'
}

/** Ranges of one address family as read, in file order. */
class Family<N extends number | bigint> {
  readonly start: N[] = []
  readonly end: N[] = []
  readonly asn: number[] = []
  readonly org: number[] = []
  sorted = true

  push(start: N, end: N, asn: number, org: number): void {
    const previous = this.start[this.start.length - 1]
    if (previous !== undefined && start < previous) this.sorted = false
    this.start.push(start)
    this.end.push(end)
    this.asn.push(asn)
    this.org.push(org)
  }

  /** The indices in start order. */
  order(): number[] {
    const indices = this.start.map((_, i) => i)
    if (!this.sorted) {
      indices.sort((x, y) => {
        const a = this.start[x] as N
        const b = this.start[y] as N
        return a < b ? -1 : a > b ? 1 : 0
      })
    }
    return indices
  }
}

class Builder {
  readonly v4 = new Family<number>()
  readonly v6 = new Family<bigint>()
  readonly orgs: string[] = []
  readonly #orgIndex = new Map<string, number>()
  #lastOrg = ''
  #lastIndex = -1

  org(name: string): number {
    // Consecutive ranges usually belong to the same organisation.
    if (this.#lastIndex >= 0 && name === this.#lastOrg) return this.#lastIndex
    let index = this.#orgIndex.get(name)
    if (index === undefined) {
      index = this.orgs.length
      this.orgs.push(name)
      this.#orgIndex.set(name, index)
    }
    this.#lastOrg = name
    this.#lastIndex = index
    return index
  }
}

/** Splits one CSV line into at most 4 fields (the last may be quoted, with `""` escapes). */
function fields(line: string): [string, string, string, string] {
  const a = line.indexOf(',')
  const b = a === -1 ? -1 : line.indexOf(',', a + 1)
  const c = b === -1 ? -1 : line.indexOf(',', b + 1)
  if (c === -1) return [line, '', '', '']
  let last = line.slice(c + 1)
  if (last.length >= 2 && last.charCodeAt(0) === 34 && last.charCodeAt(last.length - 1) === 34) {
    last = last.slice(1, -1).replaceAll('""', '"')
  }
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), last]
}

function v6Number(text: string): bigint {
  let value = 0n
  for (const byte of ipaddr.IPv6.parse(text).toByteArray()) value = (value << 8n) | BigInt(byte)
  return value
}

const DIGITS = /^\d+$/

function readRow(builder: Builder, line: string, lineNumber: number, name: string): void {
  const [start, end, asnText, org] = fields(line)
  const asn = Number(asnText)
  if (asnText === '' || !Number.isInteger(asn) || asn < 0) {
    throw new AsnFormatError(`${name}:${lineNumber}: expected start,end,asn,organisation`)
  }
  const orgIndex = builder.org(org)
  if (DIGITS.test(start) && DIGITS.test(end)) {
    // Numeric form: IPv4 ranges fit 32 bits; anything larger is an IPv6 range.
    if (end.length <= 10 && Number(end) <= 0xffffffff) {
      builder.v4.push(Number(start), Number(end), asn, orgIndex)
    } else {
      builder.v6.push(BigInt(start), BigInt(end), asn, orgIndex)
    }
    return
  }
  if (start.includes(':') || end.includes(':')) {
    if (!ipaddr.IPv6.isValid(start) || !ipaddr.IPv6.isValid(end)) {
      throw new AsnFormatError(`${name}:${lineNumber}: invalid IPv6 range ${start},${end}`)
    }
    builder.v6.push(v6Number(start), v6Number(end), asn, orgIndex)
    return
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(start) || !ipaddr.IPv4.isValidFourPartDecimal(end)) {
    throw new AsnFormatError(`${name}:${lineNumber}: invalid IPv4 range ${start},${end}`)
  }
  builder.v4.push(v4Number(start), v4Number(end), asn, orgIndex)
}

function v4Number(text: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = text.split('.').map(Number)
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0
}

/** An immutable range table. */
export class AsnRanges {
  readonly #v4Start: Uint32Array
  readonly #v4End: Uint32Array
  readonly #v4Asn: Uint32Array
  readonly #v4Org: Uint32Array
  readonly #v6Start: readonly bigint[]
  readonly #v6End: readonly bigint[]
  readonly #v6Asn: Uint32Array
  readonly #v6Org: Uint32Array
  readonly #orgs: readonly string[]

  private constructor(builder: Builder) {
    const v4 = builder.v4
    const order4 = v4.order()
    this.#v4Start = Uint32Array.from(order4, (i) => v4.start[i] ?? 0)
    this.#v4End = Uint32Array.from(order4, (i) => v4.end[i] ?? 0)
    this.#v4Asn = Uint32Array.from(order4, (i) => v4.asn[i] ?? 0)
    this.#v4Org = Uint32Array.from(order4, (i) => v4.org[i] ?? 0)
    const v6 = builder.v6
    const order6 = v6.order()
    this.#v6Start = order6.map((i) => v6.start[i] ?? 0n)
    this.#v6End = order6.map((i) => v6.end[i] ?? 0n)
    this.#v6Asn = Uint32Array.from(order6, (i) => v6.asn[i] ?? 0)
    this.#v6Org = Uint32Array.from(order6, (i) => v6.org[i] ?? 0)
    this.#orgs = builder.orgs
  }

  /** Number of ranges (IPv4 and IPv6). */
  get size(): number {
    return this.#v4Start.length + this.#v6Start.length
  }

  /**
   * Reads CSV texts (one per file; IPv4 and IPv6 may be in the same text or in separate ones).
   * @param name names the texts in error messages
   * @throws AsnFormatError on a line that is not `start,end,asn,organisation`
   */
  static parse(texts: readonly string[], name = 'ASN data'): AsnRanges {
    const builder = new Builder()
    for (const text of texts) {
      let lineNumber = 0
      let pos = 0
      while (pos < text.length) {
        let newline = text.indexOf('\n', pos)
        if (newline === -1) newline = text.length
        lineNumber++
        const line = text.slice(pos, newline).trim()
        pos = newline + 1
        if (line === '' || line.startsWith('#')) continue
        readRow(builder, line, lineNumber, name)
      }
    }
    return new AsnRanges(builder)
  }

  /** Reads CSV files (see `parse`). @throws AsnFormatError, or the file system's error */
  static async readFiles(paths: readonly string[]): Promise<AsnRanges> {
    const texts = await Promise.all(paths.map((path) => readFile(path, 'utf8')))
    return AsnRanges.parse(texts, paths.join(', '))
  }

  /** The AS of a canonical IPv4 or IPv6 address, or undefined (unknown, private, not an address). */
  lookup(ip: string): AsnRecord | undefined {
    if (ip.includes(':')) {
      if (!ipaddr.IPv6.isValid(ip)) return undefined
      const value = v6Number(ip)
      const i = lastAtOrBefore(this.#v6Start.length, (k) => (this.#v6Start[k] ?? 0n) <= value)
      if (i < 0 || (this.#v6End[i] ?? -1n) < value) return undefined
      return this.#record(this.#v6Asn[i], this.#v6Org[i])
    }
    if (!ipaddr.IPv4.isValidFourPartDecimal(ip)) return undefined
    const value = v4Number(ip)
    const i = lastAtOrBefore(this.#v4Start.length, (k) => (this.#v4Start[k] ?? 0) <= value)
    if (i < 0 || (this.#v4End[i] ?? -1) < value) return undefined
    return this.#record(this.#v4Asn[i], this.#v4Org[i])
  }

  #record(asn: number | undefined, org: number | undefined): AsnRecord | undefined {
    if (asn === undefined || asn === 0) return undefined
    return { asn: String(asn), organization: this.#orgs[org ?? 0] ?? '' }
  }
}

/** The last index in [0, length) for which `atOrBefore` holds (it holds for a prefix), or -1. */
function lastAtOrBefore(length: number, atOrBefore: (index: number) => boolean): number {
  let lo = 0
  let hi = length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (atOrBefore(mid)) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}
