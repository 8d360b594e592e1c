/**
 * What a single entry of a GuardDuty trusted/threat list may be, whatever file format it came from:
 * a publicly routable IPv4 address, an IPv4 CIDR block, or (entity lists only) a domain name,
 * possibly a `*.` wildcard. This module owns validating and normalizing one such value, the
 * "publicly routable" rule (delegated to ipaddr.js's range classification), turning an inclusive
 * address range into CIDR blocks, and the 32-bit integer form of addresses the matcher hashes on.
 */
import ipaddr from 'ipaddr.js'
import { ipv4ToInt } from '../enrichment/ip-address.js'

/** The outcome of reading one value: an accepted entry of one of three kinds, or a refusal. */
export type ThreatListEntryReading =
  | { readonly kind: 'ip'; readonly value: string }
  | { readonly kind: 'cidr'; readonly value: string }
  | { readonly kind: 'domain'; readonly value: string }
  | { readonly kind: 'rejected'; readonly reason: string }

/**
 * What the surrounding format says the value is: `address` (an IPv4 address or CIDR column),
 * `domain` (a domain column) or `any` (formats whose single indicator column holds either).
 */
export type ThreatListEntryExpectation = 'address' | 'domain' | 'any'

/** Reasons shared by the formats, so every parser words the same refusal the same way. */
export const REJECTION = {
  ipv6: 'IPv6 is not supported; lists hold IPv4 addresses and CIDRs only',
  domainNotAllowed:
    'domain names are accepted only in entity lists; IP lists hold IPv4 addresses and CIDRs only',
} as const

/**
 * Reads one list value (surrounding whitespace ignored).
 *
 * - IPv4 addresses must be strict dotted quads (see {@link ipv4ToUint32}: no hex, octal, leading
 *   zeros or shortened forms) and be classified `unicast` by ipaddr.js; the value is returned
 *   normalized.
 * - CIDRs (`a.b.c.d/n`) are normalized to their network address; a `/32` is returned as an `ip`.
 *   Every address of the block must be publicly routable (see {@link nonPublicReason}).
 * - Domains are normalized by {@link normalizeDomain} and accepted only when `allowDomains` is true
 *   (GuardDuty entity lists); IPSets and ThreatIntelSets are IPv4-only.
 * - IPv6 addresses and blocks are refused: the GuardDuty list formats carry IPv4 only.
 *
 * Never throws; every refusal comes back as `{ kind: 'rejected', reason }`.
 */
export function readThreatListEntry(
  text: string,
  expect: ThreatListEntryExpectation,
  allowDomains: boolean,
): ThreatListEntryReading {
  const value = text.trim()
  if (value === '') return { kind: 'rejected', reason: 'empty value' }
  if (expect !== 'domain') {
    if (value.includes(':')) {
      if (ipaddr.IPv6.isValid(value) || ipaddr.IPv6.isValidCIDR(value)) {
        return { kind: 'rejected', reason: REJECTION.ipv6 }
      }
    } else if (value.includes('/')) {
      return readCidr(value)
    } else if (/^[0-9.]+$/.test(value)) {
      return readAddress(value)
    }
    if (expect === 'address') return { kind: 'rejected', reason: 'not an IPv4 address or CIDR' }
  }
  const domain = normalizeDomain(value)
  if (domain === undefined) {
    const reason =
      expect === 'domain'
        ? 'not a valid domain name'
        : allowDomains
          ? 'not an IPv4 address, CIDR or domain name'
          : 'not an IPv4 address or CIDR'
    return { kind: 'rejected', reason }
  }
  if (!allowDomains) return { kind: 'rejected', reason: REJECTION.domainNotAllowed }
  return { kind: 'domain', value: domain }
}

/**
 * Reads an inclusive IPv4 range `start..end` (STIX `condition="InclusiveBetween"`) as the minimal
 * list of CIDR blocks covering it, a one-address block being returned as an `ip`. Both ends must
 * be strict dotted quads with `start <= end`, and every block must be publicly routable; otherwise
 * the whole range is refused with a single `rejected` reading (no partial acceptance).
 */
export function readIpv4Range(startText: string, endText: string): ThreatListEntryReading[] {
  const start = ipv4ToUint32(startText.trim())
  const end = ipv4ToUint32(endText.trim())
  if (start === undefined || end === undefined) {
    return [{ kind: 'rejected', reason: 'range ends are not both IPv4 addresses' }]
  }
  if (start > end) return [{ kind: 'rejected', reason: 'range start is above range end' }]
  const readings: ThreatListEntryReading[] = []
  for (const [network, prefix] of rangeToBlocks(start, end)) {
    const reason = nonPublicReason(network, prefix)
    if (reason !== undefined) {
      return [
        { kind: 'rejected', reason: `block ${blockText(network, prefix)} of the range: ${reason}` },
      ]
    }
    readings.push(
      prefix === 32
        ? { kind: 'ip', value: uint32ToIpv4(network) }
        : { kind: 'cidr', value: blockText(network, prefix) },
    )
  }
  return readings
}

/**
 * Normalizes a domain name for storage and lookup: trimmed, lowercased, one trailing dot removed.
 * Returns `undefined` unless the result is a plausible hostname: labels of ASCII letters, digits
 * and hyphens, each 1–63 characters, at least two labels, at most 253 characters (RFC 1035 §2.3.4),
 * and a top-level label that is not all digits (RFC 3696 §2, which also keeps a mistyped IPv4
 * address like `300.1.2.3` from passing as a name). A leading `*.` wildcard is kept; the rest must
 * still have two labels, so `*.com` is refused.
 */
export function normalizeDomain(text: string): string | undefined {
  let name = text.trim().toLowerCase()
  if (name.endsWith('.')) name = name.slice(0, -1)
  const wildcard = name.startsWith('*.')
  const body = wildcard ? name.slice(2) : name
  if (body.length > 253) return undefined
  const labels = body.split('.')
  if (labels.length < 2) return undefined
  for (const label of labels) if (!/^[a-z0-9-]{1,63}$/.test(label)) return undefined
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return undefined
  return name
}

/**
 * The address as an unsigned 32-bit integer, or `undefined` unless `text` is a strict dotted quad:
 * the format ipaddr.js's `isValidFourPartDecimal` accepts (four decimal octets 0–255, no leading
 * zeros), read character by character without allocating, since the matcher calls this once per
 * event (flow-log records included).
 */
export function ipv4ToUint32(text: string): number | undefined {
  const address = ipv4ToInt(text)
  return address < 0 ? undefined : address
}

/**
 * The network mask of a prefix length as an unsigned 32-bit integer (`/0` is 0). `network & mask`
 * must be followed by `>>> 0` to stay unsigned.
 */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
}

/**
 * Why the block `network/prefix` is not entirely publicly routable, or `undefined` if it is.
 * The network address must be classified `unicast` by ipaddr.js; a block wider than a special
 * range (say `8.0.0.0/5`, which holds the private `10.0.0.0/8`) is refused too, checked against
 * ipaddr.js's own table of special ranges.
 */
export function nonPublicReason(network: number, prefix: number): string | undefined {
  const range = ipaddr.IPv4.parse(uint32ToIpv4(network)).range()
  if (range !== 'unicast') return `not publicly routable (${range})`
  if (prefix === 32) return undefined
  if (SPECIAL_BLOCKS === undefined) {
    // ipaddr.js no longer exposes its table: fall back to classifying the last address as well.
    const last = (network | ~prefixMask(prefix)) >>> 0
    const lastRange = ipaddr.IPv4.parse(uint32ToIpv4(last)).range()
    return lastRange === 'unicast' ? undefined : `includes non-public addresses (${lastRange})`
  }
  const mask = prefixMask(prefix)
  for (const special of SPECIAL_BLOCKS) {
    if (special.prefix > prefix && (special.network & mask) >>> 0 === network) {
      return `includes the ${special.name} range ${blockText(special.network, special.prefix)}`
    }
  }
  return undefined
}

/** `a.b.c.d` of an unsigned 32-bit address. */
export function uint32ToIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`
}

function readAddress(value: string): ThreatListEntryReading {
  const address = ipv4ToUint32(value)
  if (address === undefined) return { kind: 'rejected', reason: 'invalid IPv4 address' }
  const reason = nonPublicReason(address, 32)
  if (reason !== undefined) return { kind: 'rejected', reason }
  return { kind: 'ip', value: uint32ToIpv4(address) }
}

function readCidr(value: string): ThreatListEntryReading {
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(value)) {
    return { kind: 'rejected', reason: 'invalid IPv4 CIDR' }
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(value)
  const network = (octetsToUint32(address.octets) & prefixMask(prefix)) >>> 0
  const reason = nonPublicReason(network, prefix)
  if (reason !== undefined) return { kind: 'rejected', reason }
  return prefix === 32
    ? { kind: 'ip', value: uint32ToIpv4(network) }
    : { kind: 'cidr', value: blockText(network, prefix) }
}

function octetsToUint32(octets: readonly number[]): number {
  const [a = 0, b = 0, c = 0, d = 0] = octets
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0
}

function blockText(network: number, prefix: number): string {
  return `${uint32ToIpv4(network)}/${prefix}`
}

/** The minimal CIDR blocks covering `start..end` (inclusive, unsigned 32-bit, start <= end). */
function rangeToBlocks(start: number, end: number): [network: number, prefix: number][] {
  const blocks: [number, number][] = []
  let next = start
  while (next <= end) {
    // The largest block aligned on `next` (its lowest set bit), shrunk until it fits the range.
    let size = next === 0 ? 2 ** 32 : (next & -next) >>> 0
    while (size > end - next + 1) size /= 2
    blocks.push([next, 32 - Math.log2(size)])
    next += size
  }
  return blocks
}

interface SpecialBlock {
  readonly name: string
  readonly network: number
  readonly prefix: number
}

/**
 * ipaddr.js's table of special IPv4 ranges (the one `range()` classifies with). It is a property of
 * the IPv4 prototype that the typings leave out, so its shape is checked before use; `undefined`
 * if it is missing or unrecognizable.
 */
const SPECIAL_BLOCKS: readonly SpecialBlock[] | undefined = loadSpecialBlocks()

function loadSpecialBlocks(): SpecialBlock[] | undefined {
  const table = (ipaddr.IPv4.prototype as unknown as { SpecialRanges?: unknown }).SpecialRanges
  if (typeof table !== 'object' || table === null) return undefined
  const blocks: SpecialBlock[] = []
  for (const [name, entry] of Object.entries(table)) {
    if (!Array.isArray(entry)) return undefined
    const pairs: unknown[] = Array.isArray(entry[0]) ? entry : [entry]
    for (const pair of pairs) {
      if (!Array.isArray(pair)) return undefined
      const [address, prefix] = pair as unknown[]
      if (!(address instanceof ipaddr.IPv4) || typeof prefix !== 'number') return undefined
      blocks.push({ name, network: octetsToUint32(address.octets), prefix })
    }
  }
  return blocks.length > 0 ? blocks : undefined
}
