/**
 * The made-up but realistic values sample findings are filled with: a deterministic value stream seeded
 * by a string (SHA-256 in counter mode, so the same seed always yields the same ids, addresses and names),
 * AWS-shaped identifiers (instance, AMI, ENI, security group, access key, principal ids), addresses from
 * the documentation ranges (remote peers in 198.51.100.0/24 and 203.0.113.0/25, the account's own
 * public addresses in 203.0.113.128/25, private addresses in 10.0.0.0/8), remote-peer details with a
 * location and a documentation ASN (RFC 5398), and the fixed dates samples use.
 */
import { createHash } from 'node:crypto'

type Wire = Record<string, unknown>

const HEX = '0123456789abcdef'
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** A deterministic stream of pseudo-random values derived from a seed string. */
export class SampleValues {
  #block = Buffer.alloc(0)
  #offset = 0
  #counter = 0

  constructor(private readonly seed: string) {}

  /** The next 32-bit unsigned value. */
  next(): number {
    if (this.#offset + 4 > this.#block.length) {
      this.#block = createHash('sha256').update(`${this.seed}\u0000${this.#counter++}`).digest()
      this.#offset = 0
    }
    const n = this.#block.readUInt32BE(this.#offset)
    this.#offset += 4
    return n
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + (this.next() % (max - min + 1))
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[this.next() % items.length] as T
  }

  /** `length` characters drawn from `alphabet`. */
  chars(length: number, alphabet: string): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[this.next() % alphabet.length]
    return out
  }

  /** `length` lower-case hex digits. */
  hex(length: number): string {
    return this.chars(length, HEX)
  }

  /** `length` lower-case letters and digits. */
  alnum(length: number): string {
    return this.chars(length, ALNUM)
  }

  /** An AWS resource id: `prefix-` and 17 hex digits (`i-0…`, `ami-0…`, `vol-0…`). */
  resourceId(prefix: string): string {
    return `${prefix}-0${this.hex(16)}`
  }

  /** An access key id: `AKIA` (long-term) or `ASIA` (temporary) and 16 base-32 characters. */
  accessKeyId(temporary: boolean): string {
    return `${temporary ? 'ASIA' : 'AKIA'}${this.chars(16, BASE32)}`
  }

  /** A unique id of an IAM entity: `AIDA` (user) or `AROA` (role) and 17 base-32 characters. */
  principalId(kind: 'user' | 'role'): string {
    return `${kind === 'user' ? 'AIDA' : 'AROA'}${this.chars(17, BASE32)}`
  }

  /** A UUID-shaped identifier. */
  uuid(): string {
    const h = this.hex(32)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`
  }

  /** A SHA-256-shaped hex digest. */
  sha256(): string {
    return this.hex(64)
  }

  /** A remote peer address in a documentation range (198.51.100.0/24, 203.0.113.0/25). */
  remoteIpV4(): string {
    return this.int(0, 1) === 0 ? `198.51.100.${this.int(2, 254)}` : `203.0.113.${this.int(2, 127)}`
  }

  /** A public address of one of the account's own resources (203.0.113.128/25). */
  ownPublicIpV4(): string {
    return `203.0.113.${this.int(128, 254)}`
  }

  /** A private address in 10.0.0.0/8. */
  privateIpV4(): string {
    return `10.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(4, 254)}`
  }

  /** An ephemeral (client-side) port. */
  ephemeralPort(): number {
    return this.int(32768, 60999)
  }
}

/** A remote peer's location and network owner. */
interface Place {
  readonly city: string
  readonly countryCode: string
  readonly country: string
  readonly lat: number
  readonly lon: number
  /** The operator of the address block (fictitious; the ASN is a documentation one). */
  readonly org: string
}

const PLACES: readonly Place[] = [
  {
    city: 'Frankfurt am Main',
    countryCode: 'DE',
    country: 'Germany',
    lat: 50.1109,
    lon: 8.6821,
    org: 'Example Hosting GmbH',
  },
  {
    city: 'Amsterdam',
    countryCode: 'NL',
    country: 'Netherlands',
    lat: 52.3676,
    lon: 4.9041,
    org: 'Sample Cloud B.V.',
  },
  {
    city: 'Singapore',
    countryCode: 'SG',
    country: 'Singapore',
    lat: 1.3521,
    lon: 103.8198,
    org: 'Demo Datacenter Pte Ltd',
  },
  {
    city: 'Sao Paulo',
    countryCode: 'BR',
    country: 'Brazil',
    lat: -23.5505,
    lon: -46.6333,
    org: 'Exemplo Telecom S.A.',
  },
  {
    city: 'Bucharest',
    countryCode: 'RO',
    country: 'Romania',
    lat: 44.4268,
    lon: 26.1025,
    org: 'Placeholder Networks SRL',
  },
  {
    city: 'Ashburn',
    countryCode: 'US',
    country: 'United States',
    lat: 39.0438,
    lon: -77.4874,
    org: 'Illustrative Transit Inc',
  },
  {
    city: 'Seoul',
    countryCode: 'KR',
    country: 'Korea, Republic of',
    lat: 37.5665,
    lon: 126.978,
    org: 'Example Broadband Co',
  },
  {
    city: 'Johannesburg',
    countryCode: 'ZA',
    country: 'South Africa',
    lat: -26.2041,
    lon: 28.0473,
    org: 'Sample Fibre (Pty) Ltd',
  },
]

/** A remote peer as GuardDuty describes it (`RemoteIpDetails`, wire form). */
export function remoteIpDetails(values: SampleValues, ipAddressV4 = values.remoteIpV4()): Wire {
  const place = values.pick(PLACES)
  const asn = String(values.int(64496, 64511))
  return {
    ipAddressV4,
    organization: {
      asn,
      asnOrg: place.org
        .toUpperCase()
        .replaceAll(/[^A-Z0-9]+/g, '-')
        .replace(/-$/, ''),
      isp: place.org,
      org: place.org,
    },
    country: { countryCode: place.countryCode, countryName: place.country },
    city: { cityName: place.city },
    geoLocation: { lat: place.lat, lon: place.lon },
  }
}

/** The fixed epoch (2025-01-06T00:00:00Z) sample dates count from, so samples do not drift in time. */
export const SAMPLE_EPOCH_MS = Date.UTC(2025, 0, 6)

/** A fixed date `days` (and a deterministic part of a day) after the sample epoch. */
export function sampleDate(values: SampleValues, days: number): Date {
  return new Date(SAMPLE_EPOCH_MS + days * 86_400_000 + values.int(0, 86_399) * 1000)
}

/** A date as GuardDuty's string dates are written (`2025-01-06T10:11:12.000Z`). */
export function isoDate(date: Date): string {
  return date.toISOString()
}

/** A date as a model timestamp travels in the wire form (epoch seconds). */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000)
}
