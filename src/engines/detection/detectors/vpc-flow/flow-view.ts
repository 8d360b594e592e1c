/**
 * What every flow-log detector needs to know about a record, worked out once per record and shared:
 * which side is the network interface's (local) and which is remote, whether the local side sent
 * the record's packets (egress) and whether it opened the connection (outbound), the ports on each
 * side, and whether the remote address is publicly routable. This module owns those inferences and
 * the fast IPv4 reading they rest on (no regex, no allocation besides the view itself).
 *
 * Local side, in order: the record's `flow-direction` (v5); an address already known to be the
 * interface's; the only non-public address of the two (an interface's own address in a flow record
 * is always its private one); the address the record shares with the interface's previous record;
 * the instance inventory's addresses of the interface's instance. A record none of these settle is
 * left undecided (no view) — in practice only the first records of an interface that talks to one
 * private peer. Only IPv4 is analysed: GuardDuty's flow-log findings ignore IPv6 traffic.
 *
 * Who opened the connection, in order: TCP flags of a record that holds only a SYN (the opener) or
 * only a SYN-ACK (the answerer); else the ports: a port below 1024 against one above is the
 * server's; else a port outside the ephemeral range (32768–65535) against one inside is the
 * server's; else the lower port is. ICMP and other protocols: the sender opened it.
 */
import type { Scope } from '../../../../storage/ports.js'
import type { InstanceInventory } from '../../enrichment/instance-inventory.js'
import { ipv4ToInt, isPublicIpv4 } from '../../enrichment/ip-address.js'
import type { FlowLogRecord } from '../../sources/index.js'

/** A flow record seen from its network interface. */
export interface FlowView {
  /**
   * The interface and its address (`eni-…/10.0.1.5`; the address alone when the record names no
   * interface), the key per-interface windows count by.
   */
  readonly interfaceKey: string
  /** The interface's address (IPv4 dotted quad as logged). */
  readonly localIp: string
  readonly remoteIp: string
  /** The remote address as an unsigned 32-bit integer. */
  readonly remoteInt: number
  /** Whether the remote address is publicly routable (ipaddr.js range `unicast`). */
  readonly remotePublic: boolean
  readonly localPort: number
  readonly remotePort: number
  /** IANA protocol number (6 TCP, 17 UDP, 1 ICMP); -1 when absent. */
  readonly protocol: number
  /** Whether the record's packets left the interface. */
  readonly egress: boolean
  /** Whether the local side opened the connection (OUTBOUND) rather than the remote (INBOUND). */
  readonly outbound: boolean
  /** The server's port of the connection (remote port when outbound, local port when inbound). */
  readonly servicePort: number
  readonly packets: number
  readonly bytes: number
  /** Whether security groups / network ACLs accepted the traffic (action `ACCEPT` or absent). */
  readonly accepted: boolean
}

const SYN = 2
const ACK = 16
const EPHEMERAL_START = 32768

/** Which side is the server by ports: true when the destination port is the server's. */
export function destinationIsServer(srcport: number, dstport: number): boolean {
  if (dstport < 1024 && srcport >= 1024) return true
  if (srcport < 1024 && dstport >= 1024) return false
  if (dstport < 1024) return dstport <= srcport
  const srcEphemeral = srcport >= EPHEMERAL_START
  const dstEphemeral = dstport >= EPHEMERAL_START
  if (srcEphemeral !== dstEphemeral) return srcEphemeral
  return dstport <= srcport
}

interface InterfaceState {
  readonly interfaceId: string
  /** Addresses known to be the interface's. */
  readonly locals: string[]
  lastSrc: string
  lastDst: string
  /** The interface key of the last local address (built once, not per record). */
  keyLocal: string
  key: string
}

/** Options of a `FlowClassifier`. */
export interface FlowClassifierOptions {
  /** Interfaces remembered at most (default 100,000); the oldest is forgotten first. */
  readonly maxInterfaces?: number
  /** Instance addresses, for records the traffic itself does not settle. */
  readonly instanceInventory?: InstanceInventory
}

/**
 * Turns records into `FlowView`s, remembering each interface's own addresses. One instance is shared
 * by the flow-log detectors of an engine: the view of the record just classified is cached, so the
 * detectors after the first get it for one comparison.
 */
export class FlowClassifier {
  readonly #interfaces = new Map<string, InterfaceState>()
  readonly #maxInterfaces: number
  readonly #inventory: InstanceInventory | undefined
  #lastRecord: FlowLogRecord | undefined
  #lastView: FlowView | undefined

  constructor(options: FlowClassifierOptions = {}) {
    this.#maxInterfaces = options.maxInterfaces ?? 100_000
    this.#inventory = options.instanceInventory
  }

  /**
   * The view of `record` (of `scope`, for inventory lookups), or undefined when it is not IPv4 or
   * its local side is undecided.
   */
  view(record: FlowLogRecord, scope?: Scope): FlowView | undefined {
    if (record === this.#lastRecord) return this.#lastView
    this.#lastRecord = record
    this.#lastView = this.#classify(record, scope)
    return this.#lastView
  }

  /** Whether the inventory knows `address` as the record's instance's: true, false, or unknown. */
  #inventoryLocal(
    record: FlowLogRecord,
    scope: Scope | undefined,
    address: string,
  ): boolean | undefined {
    const inventory = this.#inventory
    if (inventory === undefined || scope === undefined) return undefined
    const eni = record.interfaceId
    const instanceId =
      record.instanceId ??
      (eni === undefined ? undefined : inventory.instanceOfInterface?.(scope, eni))
    if (instanceId === undefined) return undefined
    return inventory.addressesOf(scope, instanceId)?.addresses.has(address)
  }

  #classify(record: FlowLogRecord, scope: Scope | undefined): FlowView | undefined {
    const src = record.srcaddr
    const dst = record.dstaddr
    if (src === undefined || dst === undefined) return undefined
    const srcInt = ipv4ToInt(src)
    const dstInt = srcInt < 0 ? -1 : ipv4ToInt(dst)
    if (dstInt < 0) return undefined
    const state = this.#state(record.interfaceId ?? '')
    let egress: boolean | undefined
    const direction = record.flowDirection
    if (direction === 'egress') egress = true
    else if (direction === 'ingress') egress = false
    else if (state.locals.includes(src)) egress = true
    else if (state.locals.includes(dst)) egress = false
    else {
      const srcPublic = isPublicIpv4(srcInt)
      const dstPublic = isPublicIpv4(dstInt)
      if (srcPublic !== dstPublic) egress = dstPublic
      else {
        const srcShared = src === state.lastSrc || src === state.lastDst
        const dstShared = dst === state.lastSrc || dst === state.lastDst
        if (srcShared !== dstShared) egress = srcShared
        else {
          const srcLocal = this.#inventoryLocal(record, scope, src)
          const dstLocal = this.#inventoryLocal(record, scope, dst)
          if (srcLocal === true && dstLocal !== true) egress = true
          else if (dstLocal === true && srcLocal !== true) egress = false
        }
      }
    }
    state.lastSrc = src
    state.lastDst = dst
    if (egress === undefined) return undefined
    const local = egress ? src : dst
    if (!state.locals.includes(local) && state.locals.length < 8) state.locals.push(local)
    if (state.keyLocal !== local) {
      state.keyLocal = local
      state.key = state.interfaceId === '' ? local : `${state.interfaceId}/${local}`
    }
    const remoteInt = egress ? dstInt : srcInt
    const protocol = record.protocol ?? -1
    const srcport = record.srcport ?? 0
    const dstport = record.dstport ?? 0
    let opener: boolean // whether the record's sender opened the connection
    if (protocol === 6 || protocol === 17) {
      const flags = protocol === 6 ? record.tcpFlags : undefined
      if (flags === SYN) opener = true
      else if (flags === SYN + ACK) opener = false
      else opener = destinationIsServer(srcport, dstport)
    } else {
      opener = true
    }
    const outbound = egress === opener
    const localPort = egress ? srcport : dstport
    const remotePort = egress ? dstport : srcport
    return {
      interfaceKey: state.key,
      localIp: local,
      remoteIp: egress ? dst : src,
      remoteInt,
      remotePublic: isPublicIpv4(remoteInt),
      localPort,
      remotePort,
      protocol,
      egress,
      outbound,
      servicePort: outbound ? remotePort : localPort,
      packets: record.packets ?? 0,
      bytes: record.bytes ?? 0,
      accepted: record.action !== 'REJECT',
    }
  }

  #state(interfaceId: string): InterfaceState {
    let state = this.#interfaces.get(interfaceId)
    if (state === undefined) {
      if (this.#interfaces.size >= this.#maxInterfaces) {
        const oldest = this.#interfaces.keys().next()
        if (!oldest.done) this.#interfaces.delete(oldest.value)
      }
      state = { interfaceId, locals: [], lastSrc: '', lastDst: '', keyLocal: '', key: '' }
      this.#interfaces.set(interfaceId, state)
    }
    return state
  }
}
