/**
 * AWS's published address space, from an operator-supplied copy of `ip-ranges.json`
 * (https://ip-ranges.amazonaws.com/ip-ranges.json; Vigil never fetches it at run time). This
 * module owns reading that file — `{syncToken, createDate, prefixes: [{ip_prefix, region, service,
 * network_border_group}], ipv6_prefixes: [{ipv6_prefix, …}]}` — and answering whether an address
 * lies in AWS space, which the `InstanceCredentialExfiltration.InsideAWS`/`.OutsideAWS` split needs.
 * IPv4 prefixes are kept in one hash map per prefix length (at most 33 lookups per address), IPv6
 * prefixes likewise keyed by the address's leading bits as a bigint.
 */
import { readFile } from 'node:fs/promises'
import ipaddr from 'ipaddr.js'
import { readIpAddress } from './ip-address.js'

/** Where an AWS address belongs. */
export interface AwsIpRange {
  /** The prefix as published (`18.236.0.0/15`). */
  readonly prefix: string
  readonly region: string
  /** Every service the prefix is published for (`AMAZON`, `EC2`, …). */
  readonly services: readonly string[]
}

/** The port detectors use: is this address AWS's? */
export interface AwsAddressSpace {
  /** The most specific published prefix containing the address, or undefined. */
  lookup(ip: string): AwsIpRange | undefined
}

interface RangeFile {
  readonly syncToken?: string
  readonly createDate?: string
  readonly prefixes?: readonly { ip_prefix?: string; region?: string; service?: string }[]
  readonly ipv6_prefixes?: readonly { ipv6_prefix?: string; region?: string; service?: string }[]
}

/** The file is not an `ip-ranges.json`. */
export class AwsIpRangesFormatError extends Error {
  override readonly name = 'AwsIpRangesFormatError'
}

type Builder = Map<
  number,
  Map<number | bigint, { prefix: string; region: string; services: string[] }>
>

/** AWS's address space from one `ip-ranges.json`. Immutable. */
export class AwsIpRanges implements AwsAddressSpace {
  /** `syncToken` of the file (publication time, epoch seconds as text). */
  readonly syncToken: string | undefined
  /** `createDate` of the file (`YYYY-MM-DD-hh-mm-ss`). */
  readonly createDate: string | undefined
  readonly #v4: readonly { bits: number; map: Map<number | bigint, AwsIpRange> }[]
  readonly #v6: readonly { bits: number; map: Map<number | bigint, AwsIpRange> }[]

  private constructor(file: RangeFile, v4: Builder, v6: Builder) {
    this.syncToken = file.syncToken
    this.createDate = file.createDate
    const order = (b: Builder) =>
      [...b].sort(([x], [y]) => y - x).map(([bits, map]) => ({ bits, map }))
    this.#v4 = order(v4)
    this.#v6 = order(v6)
  }

  /**
   * Reads the parsed JSON of an `ip-ranges.json`.
   * @throws AwsIpRangesFormatError when it has no `prefixes` array or a prefix is not a CIDR
   */
  static fromJson(value: unknown): AwsIpRanges {
    if (
      typeof value !== 'object' ||
      value === null ||
      !Array.isArray((value as RangeFile).prefixes)
    ) {
      throw new AwsIpRangesFormatError('not an AWS ip-ranges.json: no "prefixes" array')
    }
    const file = value as RangeFile
    const v4: Builder = new Map()
    const v6: Builder = new Map()
    const add = (
      builder: Builder,
      bits: number,
      key: number | bigint,
      prefix: string,
      region: string,
      service: string,
    ) => {
      let map = builder.get(bits)
      if (map === undefined) {
        map = new Map<number | bigint, { prefix: string; region: string; services: string[] }>()
        builder.set(bits, map)
      }
      const known = map.get(key)
      if (known === undefined) map.set(key, { prefix, region, services: [service] })
      else if (!known.services.includes(service)) known.services.push(service)
    }
    for (const entry of file.prefixes ?? []) {
      const prefix = entry.ip_prefix ?? ''
      if (!ipaddr.IPv4.isValidCIDR(prefix)) {
        throw new AwsIpRangesFormatError(`invalid IPv4 prefix ${JSON.stringify(prefix)}`)
      }
      const [address, bits] = ipaddr.IPv4.parseCIDR(prefix)
      add(
        v4,
        bits,
        v4Key(address.toByteArray(), bits),
        prefix,
        entry.region ?? '',
        entry.service ?? '',
      )
    }
    for (const entry of file.ipv6_prefixes ?? []) {
      const prefix = entry.ipv6_prefix ?? ''
      if (!ipaddr.IPv6.isValidCIDR(prefix)) {
        throw new AwsIpRangesFormatError(`invalid IPv6 prefix ${JSON.stringify(prefix)}`)
      }
      const [address, bits] = ipaddr.IPv6.parseCIDR(prefix)
      add(
        v6,
        bits,
        v6Key(address.toByteArray(), bits),
        prefix,
        entry.region ?? '',
        entry.service ?? '',
      )
    }
    return new AwsIpRanges(file, v4, v6)
  }

  /** Reads an `ip-ranges.json` text. @throws AwsIpRangesFormatError */
  static parse(text: string): AwsIpRanges {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new AwsIpRangesFormatError(`not JSON: ${(error as Error).message}`)
    }
    return AwsIpRanges.fromJson(value)
  }

  /** Reads an `ip-ranges.json` file. @throws AwsIpRangesFormatError, or the file system's error */
  static async readFile(path: string): Promise<AwsIpRanges> {
    return AwsIpRanges.parse(await readFile(path, 'utf8'))
  }

  lookup(ip: string): AwsIpRange | undefined {
    const info = readIpAddress(ip)
    if (info?.canonical === undefined) return undefined
    if (info.version === 4) {
      const bytes = ipaddr.IPv4.parse(info.canonical).toByteArray()
      for (const { bits, map } of this.#v4) {
        const found = map.get(v4Key(bytes, bits))
        if (found) return found
      }
      return undefined
    }
    const bytes = ipaddr.IPv6.parse(info.canonical).toByteArray()
    for (const { bits, map } of this.#v6) {
      const found = map.get(v6Key(bytes, bits))
      if (found) return found
    }
    return undefined
  }
}

function v4Key(bytes: readonly number[], bits: number): number {
  const value =
    (((bytes[0] ?? 0) << 24) |
      ((bytes[1] ?? 0) << 16) |
      ((bytes[2] ?? 0) << 8) |
      (bytes[3] ?? 0)) >>>
    0
  return bits === 0 ? 0 : Math.floor(value / 2 ** (32 - bits))
}

function v6Key(bytes: readonly number[], bits: number): bigint {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return value >> BigInt(128 - bits)
}
