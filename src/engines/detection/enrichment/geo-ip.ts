/**
 * The GeoIP/ASN port: where an address is and who operates it, for `remoteIpDetails` (country,
 * city, geoLocation, organization) and for the console-login location comparison. Vigil ships no
 * database; when no lookup is supplied these members stay empty and detectors fall back to coarse
 * network prefixes where they need a location.
 */
import type { WireRemoteIpDetails } from '../finding-wire.js'

/** What a GeoIP/ASN database knows about one address. */
export interface GeoIpRecord {
  /** ISO 3166-1 alpha-2 (`FR`). */
  readonly countryCode?: string
  readonly countryName?: string
  readonly cityName?: string
  readonly lat?: number
  readonly lon?: number
  readonly asn?: string
  readonly asnOrg?: string
  readonly isp?: string
  readonly org?: string
}

/** The port. */
export interface GeoIpLookup {
  lookup(ip: string): GeoIpRecord | undefined
}

/** The `remoteIpDetails` members a GeoIP record fills (none when it is undefined). */
export function geoDetails(record: GeoIpRecord | undefined): WireRemoteIpDetails {
  if (record === undefined) return {}
  const details: WireRemoteIpDetails = {}
  if (record.countryCode !== undefined || record.countryName !== undefined) {
    details.country = {
      ...(record.countryCode !== undefined ? { countryCode: record.countryCode } : {}),
      ...(record.countryName !== undefined ? { countryName: record.countryName } : {}),
    }
  }
  if (record.cityName !== undefined) details.city = { cityName: record.cityName }
  if (record.lat !== undefined && record.lon !== undefined) {
    details.geoLocation = { lat: record.lat, lon: record.lon }
  }
  if (record.asn ?? record.asnOrg ?? record.isp ?? record.org) {
    details.organization = {
      ...(record.asn !== undefined ? { asn: record.asn } : {}),
      ...(record.asnOrg !== undefined ? { asnOrg: record.asnOrg } : {}),
      ...(record.isp !== undefined ? { isp: record.isp } : {}),
      ...(record.org !== undefined ? { org: record.org } : {}),
    }
  }
  return details
}
