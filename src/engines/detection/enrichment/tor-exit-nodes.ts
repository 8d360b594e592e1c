/**
 * The Tor exit-node list the `TorIPCaller` detectors consult: an operator-supplied snapshot (Vigil
 * never downloads it). This module owns the port and reading the two formats the Tor Project
 * publishes — the bulk exit list (one address per line, `https://check.torproject.org/torbulkexitlist`)
 * and the exit-addresses document (`ExitAddress <ip> <date> <time>` lines among `ExitNode`,
 * `Published` and `LastStatus` lines). Without a list, no Tor finding is ever raised.
 */
import { readFile } from 'node:fs/promises'
import { ipv4ToInt, readIpAddress } from './ip-address.js'

/** The port: is this address a Tor exit node? */
export interface TorExitNodeLookup {
  isExitNode(ip: string): boolean
}

/** A set of Tor exit addresses (canonical text). Immutable. */
export class TorExitNodes implements TorExitNodeLookup {
  readonly #addresses: ReadonlySet<string>

  /** @param addresses exit-node addresses; entries that are not IP addresses are ignored */
  constructor(addresses: Iterable<string>) {
    const set = new Set<string>()
    for (const address of addresses) {
      const canonical = readIpAddress(address.trim())?.canonical
      if (canonical !== undefined) set.add(canonical)
    }
    this.#addresses = set
  }

  /** Number of addresses. */
  get size(): number {
    return this.#addresses.size
  }

  /**
   * Reads a bulk exit list or an exit-addresses document: every `ExitAddress` line's address, and
   * every line that is just an address; comments (`#`) and other lines are ignored.
   */
  static parse(text: string): TorExitNodes {
    const addresses: string[] = []
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim()
      if (line === '' || line.startsWith('#')) continue
      const words = line.split(/\s+/)
      if (words[0] === 'ExitAddress' && words[1] !== undefined) addresses.push(words[1])
      else if (words.length === 1 && words[0] !== undefined) addresses.push(words[0])
    }
    return new TorExitNodes(addresses)
  }

  /** Reads a list file (see `parse`). */
  static async readFile(path: string): Promise<TorExitNodes> {
    return TorExitNodes.parse(await readFile(path, 'utf8'))
  }

  isExitNode(ip: string): boolean {
    // A strict dotted quad is its own canonical text: one set lookup, no parsing.
    if (this.#addresses.has(ip)) return true
    if (ipv4ToInt(ip) >= 0) return false
    const canonical = readIpAddress(ip)?.canonical
    return canonical !== undefined && this.#addresses.has(canonical)
  }
}
