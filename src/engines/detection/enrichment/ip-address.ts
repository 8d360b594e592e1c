/**
 * What detectors need to know about an address string from a log: whether it is an IPv4 or IPv6
 * address at all (CloudTrail's `sourceIPAddress` may also be a service name such as
 * `ec2.amazonaws.com` or `AWS Internal`), its canonical text, and whether it is publicly routable.
 * This module owns that classification (delegated to ipaddr.js), including the tolerance for
 * anonymised logs whose IPv4 octets carry leading zeros (`08.1.250.216`): such text is still an
 * IPv4 address for the finding, but never matches a list or a range. For the flow-log hot path it
 * also reads strict IPv4 text as a 32-bit integer and classifies it as public or not without
 * allocating (`ipv4ToInt`, `isPublicIpv4`, agreeing with ipaddr.js's special ranges).
 */
import ipaddr from 'ipaddr.js'

/** An address read from a log. */
export interface IpAddressInfo {
  readonly version: 4 | 6
  /** The text as logged. */
  readonly text: string
  /**
   * Canonical text (IPv4 dotted quad without leading zeros, IPv6 in ipaddr.js's normalised form;
   * an IPv4-mapped IPv6 address as its IPv4 address), or undefined when the text is not strictly
   * valid (e.g. leading zeros), in which case no list or range can contain it.
   */
  readonly canonical: string | undefined
}

const LOOSE_IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/
/** Four decimal octets 0–255 without leading zeros. */
const STRICT_IPV4 =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/**
 * Reads `text` as an IP address, or undefined when it is not one (a host name, `AWS Internal`).
 * Called for most events, so a strict IPv4 dotted quad (already canonical) is recognised without
 * parsing.
 */
export function readIpAddress(text: string | undefined): IpAddressInfo | undefined {
  if (text === undefined || text === '') return undefined
  if (LOOSE_IPV4.test(text)) {
    return { version: 4, text, canonical: STRICT_IPV4.test(text) ? text : undefined }
  }
  if (!text.includes(':') || !ipaddr.IPv6.isValid(text)) return undefined
  const v6 = ipaddr.IPv6.parse(text)
  if (v6.isIPv4MappedAddress()) {
    return { version: 4, text, canonical: v6.toIPv4Address().toString() }
  }
  return { version: 6, text, canonical: v6.toNormalizedString() }
}

/**
 * ipaddr.js's range name of the address — `unicast` for publicly routable addresses, `private`,
 * `loopback`, `reserved` (documentation ranges)… — or `unknown` when it is not strictly valid.
 */
export function addressRange(info: IpAddressInfo): string {
  return info.canonical === undefined ? 'unknown' : ipaddr.parse(info.canonical).range()
}

/** Whether the address is publicly routable (ipaddr.js range `unicast`). */
export function isPublicAddress(info: IpAddressInfo): boolean {
  return addressRange(info) === 'unicast'
}

/**
 * A coarse network of the address, for comparing where requests came from when no GeoIP database
 * is available: the IPv4 /16 or the IPv6 /32 (`203.0/16`, `2001:db8/32`). Undefined for addresses
 * that are not strictly valid.
 */
export function networkPrefix(info: IpAddressInfo): string | undefined {
  if (info.canonical === undefined) return undefined
  if (info.version === 4) {
    const [a, b] = info.canonical.split('.')
    return `${a}.${b}/16`
  }
  const parts = ipaddr.IPv6.parse(info.canonical).parts
  return `${(parts[0] ?? 0).toString(16)}:${(parts[1] ?? 0).toString(16)}/32`
}

/** Reads a strict dotted-quad IPv4 address as an unsigned 32-bit integer, or -1. */
export function ipv4ToInt(text: string): number {
  const length = text.length
  if (length < 7 || length > 15) return -1
  let value = 0
  let octet = 0
  let digits = 0
  let dots = 0
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1
      value = value * 256 + octet
      octet = 0
      digits = 0
      dots++
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1 // leading zero
      octet = octet * 10 + (c - 48)
      if (octet > 255) return -1
      digits++
    } else {
      return -1
    }
  }
  if (dots !== 3 || digits === 0) return -1
  return value * 256 + octet
}

/** `[network, prefix length]` of the IPv4 ranges ipaddr.js does not call `unicast`. */
const NON_PUBLIC: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['192.175.48.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3], // multicast 224/4 and reserved 240/4 (broadcast included)
]

const RANGES: readonly (readonly [number, number])[] = NON_PUBLIC.map(([network, bits]) => {
  const size = 2 ** (32 - bits)
  const start = ipv4ToInt(network)
  return [start, start + size] as const
})

/** Whether an IPv4 address (as `ipv4ToInt` reads it) is publicly routable. */
export function isPublicIpv4(address: number): boolean {
  // Most addresses in flow logs are 10/8 or public; the first range check settles 10/8.
  for (const [start, end] of RANGES) if (address >= start && address < end) return false
  return address >= 0
}
