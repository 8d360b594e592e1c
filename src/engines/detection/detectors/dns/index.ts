/**
 * The DNS (Route 53 Resolver query log) detector set: one call builds every DNS detector. Each
 * detector's rule is documented in its own module and in docs/detection.md.
 */
import type { AnyDetector } from '../../detector.js'
import { dnsDataExfiltration, type DnsDataExfiltrationOptions } from './dns-data-exfiltration.js'
import { metadataDnsRebind } from './metadata-dns-rebind.js'
import { awsTestDomains, maliciousDomainCustom } from './threat-domain.js'

/** Tuning of the DNS detectors; everything optional. */
export interface DnsDetectorOptions {
  /** DNSDataExfiltration thresholds. */
  readonly dnsDataExfiltration?: DnsDataExfiltrationOptions
}

/** Every DNS detector, in a fixed order. */
export function dnsDetectors(options: DnsDetectorOptions = {}): AnyDetector[] {
  return [
    awsTestDomains(),
    maliciousDomainCustom(),
    dnsDataExfiltration(options.dnsDataExfiltration),
    metadataDnsRebind(),
  ]
}

export { dnsDataExfiltration, looksEncoded, nameStats } from './dns-data-exfiltration.js'
export { registrableDomain } from './dns-request.js'
export { metadataDnsRebind } from './metadata-dns-rebind.js'
export { testDomainOf } from './test-domains.js'
export { awsTestDomains, maliciousDomainCustom } from './threat-domain.js'
