/**
 * The in-memory index the detection engine asks, for each event, whether an IP address or domain is
 * on an active trusted or threat list. This module owns building that index from parsed lists and
 * answering lookups without scanning: IPv4 entries live in one hash map per prefix length, keyed by
 * the network address as a 32-bit integer, so an address costs at most 33 lookups whatever the list
 * sizes; domains live in a map of exact names and a map of wildcard suffixes, so a name costs one
 * lookup per label.
 */
import ipaddr from 'ipaddr.js'
import type { ThreatListEntries } from './parse-threat-list.js'
import { ipv4ToUint32, normalizeDomain, prefixMask } from './read-threat-list-entry.js'

/** One list to index: its identity and its parsed entries. */
export interface ThreatListSource {
  readonly id: string
  readonly name: string
  readonly kind: 'threat' | 'trusted'
  readonly entries: ThreatListEntries
}

/** A list that contains the address or domain asked about. */
export interface ThreatListMatch {
  readonly id: string
  readonly name: string
  readonly kind: 'threat' | 'trusted'
}

/** Indexes of the lists holding one key: a single index (the common case) or several. */
type ListIndexes = number | number[]

interface PrefixTable {
  readonly mask: number
  /**
   * Network addresses as signed 32-bit integers (`address & mask`, no `>>> 0`): V8 keeps those as
   * small integers, which hash about twice as fast as the unsigned values above 2^31.
   */
  readonly networks: Map<number, ListIndexes>
}

/**
 * Answers "which lists contain this?" for IPv4 addresses and domain names. Immutable once built;
 * build a new one when a list changes. Matches come back in the order the lists were given.
 */
export class ThreatListMatcher {
  readonly #lists: readonly ThreatListMatch[]
  /** Only the prefix lengths some list uses, longest first. */
  readonly #prefixes: readonly PrefixTable[]
  readonly #domains = new Map<string, ListIndexes>()
  /** `*.example.org` is stored as `example.org`. */
  readonly #wildcards = new Map<string, ListIndexes>()
  readonly #hasTrusted: boolean

  /**
   * @param lists the lists to index, with entries as {@link parseThreatList} produces them (CIDRs
   *   with host bits set are tolerated and masked).
   * @throws RangeError when an entry is not a valid IPv4 address, IPv4 CIDR or domain name.
   */
  constructor(lists: readonly ThreatListSource[]) {
    this.#lists = lists.map(({ id, name, kind }) => ({ id, name, kind }))
    this.#hasTrusted = lists.some((list) => list.kind === 'trusted')
    const byPrefix = new Map<number, Map<number, ListIndexes>>()
    const networksOf = (prefix: number): Map<number, ListIndexes> => {
      let networks = byPrefix.get(prefix)
      if (networks === undefined) byPrefix.set(prefix, (networks = new Map<number, ListIndexes>()))
      return networks
    }
    lists.forEach((list, index) => {
      const invalid = (what: string, value: string): RangeError =>
        new RangeError(`threat list ${list.id}: invalid ${what} '${value}'`)
      for (const ip of list.entries.ips) {
        const address = ipv4ToUint32(ip)
        if (address === undefined) throw invalid('IPv4 address', ip)
        addIndex(networksOf(32), address | 0, index)
      }
      for (const cidr of list.entries.cidrs) {
        if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr)) throw invalid('IPv4 CIDR', cidr)
        const slash = cidr.indexOf('/')
        const prefix = Number(cidr.slice(slash + 1))
        const address = ipv4ToUint32(cidr.slice(0, slash)) ?? 0
        addIndex(networksOf(prefix), address & prefixMask(prefix), index)
      }
      for (const domain of list.entries.domains) {
        const normalized = normalizeDomain(domain)
        if (normalized === undefined) throw invalid('domain name', domain)
        if (normalized.startsWith('*.')) addIndex(this.#wildcards, normalized.slice(2), index)
        else addIndex(this.#domains, normalized, index)
      }
    })
    this.#prefixes = [...byPrefix]
      .sort(([a], [b]) => b - a)
      .map(([prefix, networks]) => ({ mask: prefixMask(prefix), networks }))
  }

  /**
   * Every list containing the IPv4 address, exactly or through a CIDR block. An IPv4-mapped IPv6
   * address (`::ffff:a.b.c.d`) is looked up as its IPv4 address. Anything that is not a dotted-quad
   * IPv4 address yields `[]`.
   */
  matchIp(ip: string): ThreatListMatch[] {
    const address = toIpv4Integer(ip)
    if (address === undefined) return []
    let found: ListIndexes[] | undefined
    for (const { mask, networks } of this.#prefixes) {
      const indexes = networks.get(address & mask)
      if (indexes !== undefined) (found ??= []).push(indexes)
    }
    return found === undefined ? [] : this.#matches(found)
  }

  /**
   * Every list containing the domain: exactly (case-insensitive, a trailing dot ignored) or through
   * a wildcard entry. `*.example.org` matches `a.example.org` and `a.b.example.org`, not
   * `example.org`. Anything that is not a plausible hostname (including a wildcard) yields `[]`.
   */
  matchDomain(domain: string): ThreatListMatch[] {
    const name = normalizeDomain(domain)
    if (name === undefined || name.startsWith('*.')) return []
    const found: ListIndexes[] = []
    const exact = this.#domains.get(name)
    if (exact !== undefined) found.push(exact)
    if (this.#wildcards.size > 0) {
      // Proper suffixes only: 'a.b.example.org' tries 'b.example.org', 'example.org', 'org'.
      for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
        const indexes = this.#wildcards.get(name.slice(dot + 1))
        if (indexes !== undefined) found.push(indexes)
      }
    }
    return found.length === 0 ? [] : this.#matches(found)
  }

  /** Whether any trusted list contains the IPv4 address (see {@link matchIp}). */
  isTrusted(ip: string): boolean {
    return this.#hasTrusted && this.matchIp(ip).some((match) => match.kind === 'trusted')
  }

  /** The distinct lists behind `found`, in constructor order. */
  #matches(found: readonly ListIndexes[]): ThreatListMatch[] {
    const indexes = new Set<number>()
    for (const entry of found) {
      if (typeof entry === 'number') indexes.add(entry)
      else for (const index of entry) indexes.add(index)
    }
    const matches: ThreatListMatch[] = []
    for (const index of [...indexes].sort((a, b) => a - b)) {
      const list = this.#lists[index]
      if (list !== undefined) matches.push(list)
    }
    return matches
  }
}

function addIndex<K>(map: Map<K, ListIndexes>, key: K, index: number): void {
  const current = map.get(key)
  if (current === undefined) map.set(key, index)
  else if (typeof current === 'number') {
    if (current !== index) map.set(key, [current, index])
  } else if (!current.includes(index)) current.push(index)
}

function toIpv4Integer(ip: string): number | undefined {
  const address = ipv4ToUint32(ip)
  if (address !== undefined || !ip.includes(':') || !ipaddr.IPv6.isValid(ip)) return address
  const v6 = ipaddr.IPv6.parse(ip)
  return v6.isIPv4MappedAddress() ? ipv4ToUint32(v6.toIPv4Address().toString()) : undefined
}
