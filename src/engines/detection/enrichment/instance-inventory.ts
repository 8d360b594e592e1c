/**
 * The EC2 inventory the credential-exfiltration detector asks "which addresses are this instance's
 * own?" and "is this address one of the account's egress addresses?", and the flow-log detectors
 * ask "which instance is this network interface attached to?". This module owns the port and an
 * in-memory implementation filled from two places:
 *
 * - **learned** from CloudTrail: `RunInstances` responses (private IPv4 and IPv6 addresses, any
 *   public address and the network interface ids of each instance's interfaces),
 *   `AttachNetworkInterface` requests, `AssociateAddress` requests that name a public IP,
 *   `AllocateAddress` responses (Elastic IPs) and `CreateNatGateway` responses (NAT gateway public
 *   IPs) — only from successful calls;
 * - **supplied** by the operator: `aws ec2 describe-instances` output, or Vigil's own
 *   `{"instances": [{accountId, region, instanceId, addresses, networkInterfaces}],
 *   "accountAddresses": [{accountId, region, address}]}` (`networkInterfaces`: `eni-…` ids).
 *
 * Addresses are kept in canonical text. The inventory is per scope (account, Region). An
 * instance's addresses are **complete** when the operator supplied them or a public address of the
 * instance is known: a `RunInstances` response alone usually holds only private addresses (public
 * ones are assigned at start), which cannot tell the instance's own public use from someone else's.
 */
import { readFile } from 'node:fs/promises'
import type { Scope } from '../../../storage/ports.js'
import type { CloudTrailRecord } from '../sources/index.js'
import { isPublicAddress, readIpAddress } from './ip-address.js'

/** What the inventory knows of one instance. */
export interface InstanceAddresses {
  /** Its addresses, canonical text. */
  readonly addresses: ReadonlySet<string>
  /** Whether they include its public egress (see the module comment). */
  readonly complete: boolean
}

/** The port. */
export interface InstanceInventory {
  /** What is known of the instance, or undefined when the instance is unknown. */
  addressesOf(scope: Scope, instanceId: string): InstanceAddresses | undefined
  /**
   * Whether the address is known to be one of the account's own egress addresses: an address of
   * any of its instances, an Elastic IP, a NAT gateway's public IP.
   */
  isAccountAddress(scope: Scope, ip: string): boolean
  /**
   * The instance a network interface (`eni-…`) is attached to, or undefined when unknown.
   * Optional: an inventory that knows no interfaces need not answer.
   */
  instanceOfInterface?(scope: Scope, interfaceId: string): string | undefined
  /**
   * Learns from one CloudTrail record of the scope (see the module comment); returns whether it
   * taught anything. Optional: an inventory fed only by the operator need not learn.
   */
  learn?(scope: Scope, record: CloudTrailRecord): boolean
}

/** Event names `learn` reads. */
export const INVENTORY_EVENT_NAMES: ReadonlySet<string> = new Set([
  'RunInstances',
  'AttachNetworkInterface',
  'AssociateAddress',
  'AllocateAddress',
  'CreateNatGateway',
])

type Json = Readonly<Record<string, unknown>>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `{items: [...]}` / `{item: [...]}` (EC2's XML-shaped JSON) or a plain array, as an array. */
function itemsOf(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value
  if (!isObject(value)) return []
  const inner = value.items ?? value.item
  if (Array.isArray(inner)) return inner
  return inner === undefined ? [] : [inner]
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

interface KnownInstance {
  readonly addresses: Set<string>
  complete: boolean
}

interface ScopeInventory {
  readonly instances: Map<string, KnownInstance>
  readonly accountAddresses: Set<string>
  /** Network interface id → instance id. */
  readonly interfaces: Map<string, string>
}

/** An inventory held in memory. */
export class MemoryInstanceInventory implements InstanceInventory {
  readonly #scopes = new Map<string, ScopeInventory>()

  #scope(scope: Scope): ScopeInventory {
    const key = `${scope.accountId}\u0000${scope.region}`
    let found = this.#scopes.get(key)
    if (found === undefined) {
      found = { instances: new Map(), accountAddresses: new Set(), interfaces: new Map() }
      this.#scopes.set(key, found)
    }
    return found
  }

  /**
   * Adds addresses to an instance (creating it); returns how many were new. `complete` marks the
   * instance's addresses complete (operator-supplied); a public address marks them complete too.
   */
  addInstance(
    scope: Scope,
    instanceId: string,
    addresses: Iterable<string>,
    complete = false,
  ): number {
    const inventory = this.#scope(scope)
    let known = inventory.instances.get(instanceId)
    if (known === undefined) {
      known = { addresses: new Set(), complete: false }
      inventory.instances.set(instanceId, known)
    }
    if (complete) known.complete = true
    let added = 0
    for (const address of addresses) {
      const info = readIpAddress(address)
      const canonical = info?.canonical
      if (info === undefined || canonical === undefined) continue
      if (isPublicAddress(info)) known.complete = true
      if (known.addresses.has(canonical)) continue
      known.addresses.add(canonical)
      inventory.accountAddresses.add(canonical)
      added++
    }
    return added
  }

  /** Records that the network interface is attached to the instance; returns whether it is new. */
  addInterface(scope: Scope, interfaceId: string, instanceId: string): boolean {
    const interfaces = this.#scope(scope).interfaces
    if (interfaces.get(interfaceId) === instanceId) return false
    interfaces.set(interfaceId, instanceId)
    return true
  }

  instanceOfInterface(scope: Scope, interfaceId: string): string | undefined {
    return this.#scopes.get(`${scope.accountId}\u0000${scope.region}`)?.interfaces.get(interfaceId)
  }

  /** Records an address as one of the account's egress addresses (Elastic IP, NAT gateway). */
  addAccountAddress(scope: Scope, address: string): boolean {
    const canonical = readIpAddress(address)?.canonical
    if (canonical === undefined) return false
    const inventory = this.#scope(scope)
    if (inventory.accountAddresses.has(canonical)) return false
    inventory.accountAddresses.add(canonical)
    return true
  }

  addressesOf(scope: Scope, instanceId: string): InstanceAddresses | undefined {
    return this.#scopes.get(`${scope.accountId}\u0000${scope.region}`)?.instances.get(instanceId)
  }

  isAccountAddress(scope: Scope, ip: string): boolean {
    const canonical = readIpAddress(ip)?.canonical
    if (canonical === undefined) return false
    return (
      this.#scopes
        .get(`${scope.accountId}\u0000${scope.region}`)
        ?.accountAddresses.has(canonical) ?? false
    )
  }

  learn(scope: Scope, record: CloudTrailRecord): boolean {
    if (record.errorCode !== undefined || record.eventSource !== 'ec2.amazonaws.com') return false
    const request = isObject(record.requestParameters) ? record.requestParameters : {}
    const response = isObject(record.responseElements) ? record.responseElements : {}
    switch (record.eventName) {
      case 'RunInstances': {
        let learned = false
        for (const instance of itemsOf(response.instancesSet)) {
          if (!isObject(instance)) continue
          const id = text(instance.instanceId)
          if (id === undefined) continue
          this.addInstance(scope, id, instanceAddresses(instance))
          for (const eni of itemsOf(instance.networkInterfaceSet)) {
            const eniId = isObject(eni) ? text(eni.networkInterfaceId) : undefined
            if (eniId !== undefined) this.addInterface(scope, eniId, id)
          }
          learned = true
        }
        return learned
      }
      case 'AttachNetworkInterface': {
        const id = text(request.instanceId)
        const eniId = text(request.networkInterfaceId)
        return id !== undefined && eniId !== undefined && this.addInterface(scope, eniId, id)
      }
      case 'AssociateAddress': {
        const id = text(request.instanceId)
        const ip = text(request.publicIp)
        return id !== undefined && ip !== undefined && this.addInstance(scope, id, [ip]) > 0
      }
      case 'AllocateAddress': {
        const ip = text(response.publicIp)
        return ip !== undefined && this.addAccountAddress(scope, ip)
      }
      case 'CreateNatGateway': {
        const gateway = isObject(response.natGateway)
          ? response.natGateway
          : isObject(response.CreateNatGatewayResponse)
            ? response.CreateNatGatewayResponse.natGateway
            : undefined
        let learned = false
        if (isObject(gateway)) {
          for (const address of itemsOf(gateway.natGatewayAddressSet)) {
            const ip = isObject(address) ? text(address.publicIp) : undefined
            if (ip !== undefined) learned = this.addAccountAddress(scope, ip) || learned
          }
        }
        return learned
      }
      default:
        return false
    }
  }

  /**
   * Loads operator-supplied inventory: `aws ec2 describe-instances` output (`Reservations[].Instances[]`;
   * account from the reservation's `OwnerId` unless `defaults.accountId` is given, Region from
   * `defaults.region` or the instance's Availability Zone) or Vigil's `{instances, accountAddresses}`.
   * Returns how many instances were read.
   * @throws TypeError when the value is neither form
   */
  load(value: unknown, defaults: Partial<Scope> = {}): number {
    if (!isObject(value)) throw new TypeError('inventory: expected a JSON object')
    if (Array.isArray(value.Reservations))
      return this.#loadDescribeInstances(value.Reservations, defaults)
    if (!Array.isArray(value.instances) && !Array.isArray(value.accountAddresses)) {
      throw new TypeError('inventory: expected describe-instances output or {"instances": [...]}')
    }
    let count = 0
    for (const entry of (value.instances as unknown[] | undefined) ?? []) {
      if (!isObject(entry)) continue
      const scope = scopeOf(entry.accountId, entry.region, defaults)
      const id = text(entry.instanceId)
      if (scope === undefined || id === undefined) continue
      const addresses = Array.isArray(entry.addresses)
        ? entry.addresses.filter((a) => typeof a === 'string')
        : []
      this.addInstance(scope, id, addresses, true)
      if (Array.isArray(entry.networkInterfaces)) {
        for (const eniId of entry.networkInterfaces) {
          if (typeof eniId === 'string' && eniId !== '') this.addInterface(scope, eniId, id)
        }
      }
      count++
    }
    for (const entry of (value.accountAddresses as unknown[] | undefined) ?? []) {
      if (!isObject(entry)) continue
      const scope = scopeOf(entry.accountId, entry.region, defaults)
      const address = text(entry.address)
      if (scope !== undefined && address !== undefined) this.addAccountAddress(scope, address)
    }
    return count
  }

  /** Reads a JSON file and `load`s it. */
  async loadFile(path: string, defaults: Partial<Scope> = {}): Promise<number> {
    return this.load(JSON.parse(await readFile(path, 'utf8')) as unknown, defaults)
  }

  #loadDescribeInstances(reservations: readonly unknown[], defaults: Partial<Scope>): number {
    let count = 0
    for (const reservation of reservations) {
      if (!isObject(reservation) || !Array.isArray(reservation.Instances)) continue
      for (const instance of reservation.Instances as unknown[]) {
        if (!isObject(instance)) continue
        const id = text(instance.InstanceId)
        const zone = isObject(instance.Placement)
          ? text(instance.Placement.AvailabilityZone)
          : undefined
        const scope = scopeOf(
          reservation.OwnerId,
          zone === undefined ? undefined : regionOfZone(zone),
          defaults,
        )
        if (id === undefined || scope === undefined) continue
        const addresses: string[] = []
        for (const key of ['PrivateIpAddress', 'PublicIpAddress', 'Ipv6Address']) {
          const address = text(instance[key])
          if (address !== undefined) addresses.push(address)
        }
        for (const eni of Array.isArray(instance.NetworkInterfaces)
          ? instance.NetworkInterfaces
          : []) {
          if (!isObject(eni)) continue
          const eniId = text(eni.NetworkInterfaceId)
          if (eniId !== undefined) this.addInterface(scope, eniId, id)
          for (const key of ['PrivateIpAddress']) {
            const address = text(eni[key])
            if (address !== undefined) addresses.push(address)
          }
          const association = isObject(eni.Association) ? text(eni.Association.PublicIp) : undefined
          if (association !== undefined) addresses.push(association)
          for (const item of Array.isArray(eni.PrivateIpAddresses) ? eni.PrivateIpAddresses : []) {
            if (!isObject(item)) continue
            const address = text(item.PrivateIpAddress)
            if (address !== undefined) addresses.push(address)
            const publicIp = isObject(item.Association)
              ? text(item.Association.PublicIp)
              : undefined
            if (publicIp !== undefined) addresses.push(publicIp)
          }
          for (const item of Array.isArray(eni.Ipv6Addresses) ? eni.Ipv6Addresses : []) {
            const address = isObject(item) ? text(item.Ipv6Address) : undefined
            if (address !== undefined) addresses.push(address)
          }
        }
        this.addInstance(scope, id, addresses, true)
        count++
      }
    }
    return count
  }
}

/** Every address of one `RunInstances` response item. */
function instanceAddresses(instance: Json): string[] {
  const addresses: string[] = []
  for (const key of ['privateIpAddress', 'ipAddress']) {
    const address = text(instance[key])
    if (address !== undefined) addresses.push(address)
  }
  for (const eni of itemsOf(instance.networkInterfaceSet)) {
    if (!isObject(eni)) continue
    const address = text(eni.privateIpAddress)
    if (address !== undefined) addresses.push(address)
    const publicIp = isObject(eni.association) ? text(eni.association.publicIp) : undefined
    if (publicIp !== undefined) addresses.push(publicIp)
    for (const item of itemsOf(eni.privateIpAddressesSet)) {
      if (!isObject(item)) continue
      const privateIp = text(item.privateIpAddress)
      if (privateIp !== undefined) addresses.push(privateIp)
      const itemPublic = isObject(item.association) ? text(item.association.publicIp) : undefined
      if (itemPublic !== undefined) addresses.push(itemPublic)
    }
    for (const item of itemsOf(eni.ipv6AddressesSet)) {
      const v6 = isObject(item) ? text(item.ipv6Address) : undefined
      if (v6 !== undefined) addresses.push(v6)
    }
  }
  return addresses
}

/** `us-east-1a` → `us-east-1`; `us-west-2-lax-1a` → `us-west-2`. */
export function regionOfZone(zone: string): string {
  const match = /^([a-z]{2}(?:-[a-z]+)+-\d+)/.exec(zone)
  return match?.[1] ?? zone
}

function scopeOf(accountId: unknown, region: unknown, defaults: Partial<Scope>): Scope | undefined {
  const account = defaults.accountId ?? text(accountId)
  const inRegion = defaults.region ?? text(region)
  return account === undefined || inRegion === undefined
    ? undefined
    : { accountId: account, region: inRegion }
}
