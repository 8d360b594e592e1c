/**
 * `Trojan:EC2/DNSDataExfiltration` (High 8, resource role ACTOR): an instance sends data out
 * through DNS, encoding it in the names it queries under one domain the attacker controls.
 * GuardDuty does not publish its rule; Vigil's:
 *
 * - an **encoded name** is a query whose part below the registrable domain (`a.b.example.com` →
 *   `a.b`) holds at least `minEncodedChars` (default 60) characters besides dots — tunnelling tools
 *   fill names to carry as much as they can — that look random: a Shannon entropy of at least 4.2
 *   bits per character (base32/base64 payloads; long host names made of words stay near 4.0), or
 *   at least 3.5 bits with at most a quarter of the letters and digits being vowels (hex payloads:
 *   16 symbols cap their entropy at 4, but words are over a third vowels); reverse-lookup names
 *   (`*.arpa`), names under `amazonaws.com` and internal names (`.internal`, `.local`) never
 *   count;
 * - `minNames` (default 50) distinct encoded names under one registrable domain from one source
 *   (instance, else address) within `windowMs` (default 10 minutes) of event time make a
 *   detection; the pair is then quiet for one window (a tunnel that goes on adds one occurrence
 *   per window).
 *
 * The GuardDuty tester's 929 names (≈190–230 characters under `guarddutyc2activityb.com`) are far
 * above both thresholds. A domain on an active trusted entity list never raises. Aggregation: type
 * + source + registrable domain.
 */
import {
  defineDetector,
  type DetectionContext,
  type Detector,
  type DetectorEvent,
} from '../../detector.js'
import { DistinctWindows } from '../../distinct-windows.js'
import type { ResolverQueryRecord } from '../../sources/index.js'
import { aggregationKey, findingContent } from '../finding-content.js'
import {
  describeQuerySource,
  dnsRequestAction,
  isTrustedDomain,
  queryDomain,
  queryResource,
  querySourceKey,
  registrableDomain,
} from './dns-request.js'

/** The finding type. */
export const DNS_DATA_EXFILTRATION = 'Trojan:EC2/DNSDataExfiltration'

/** Registrable domains (and suffixes) whose names never count. */
const IGNORED_SUFFIXES: readonly string[] = ['.arpa', '.amazonaws.com', '.internal', '.local']

interface Match {
  readonly domain: string
  readonly base: string
  readonly names: number
}

/** Options of the detector. */
export interface DnsDataExfiltrationOptions {
  /** Distinct encoded names under one domain within the window (default 50). */
  readonly minNames?: number
  /** Window, milliseconds (default 600,000 = 10 minutes). */
  readonly windowMs?: number
  /** Characters (besides dots) below the registrable domain for a name to be encoded (default 60). */
  readonly minEncodedChars?: number
}

/** What `nameStats` measures of a name part. */
export interface NameStats {
  /** Characters, dots excluded. */
  readonly chars: number
  /** Shannon entropy of those characters, bits per character. */
  readonly bits: number
  /** Vowels (`aeiou`, any case) among the letters and digits. */
  readonly vowelRatio: number
}

const counts = new Int32Array(128)
const VOWELS = new Set([97, 101, 105, 111, 117, 65, 69, 73, 79, 85])

/**
 * The characters (dots excluded) of `text[0, end)`: how many, their Shannon entropy in bits per
 * character (characters outside ASCII count as one symbol) and the share of vowels among letters
 * and digits.
 */
export function nameStats(text: string, end = text.length): NameStats {
  counts.fill(0)
  let chars = 0
  let alphanumerics = 0
  let vowels = 0
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === 46) continue
    const slot = c < 128 ? c : 127
    counts[slot] = (counts[slot] ?? 0) + 1
    chars++
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      alphanumerics++
      if (VOWELS.has(c)) vowels++
    }
  }
  let bits = 0
  for (const count of counts) {
    if (count === 0) continue
    const p = count / chars
    bits -= p * Math.log2(p)
  }
  return { chars, bits, vowelRatio: alphanumerics === 0 ? 0 : vowels / alphanumerics }
}

/** Whether name statistics look like encoded data (see the module comment). */
export function looksEncoded(stats: NameStats, minChars: number): boolean {
  if (stats.chars < minChars) return false
  return stats.bits >= 4.2 || (stats.bits >= 3.5 && stats.vowelRatio <= 0.25)
}

/** The detector (one instance keeps the windows). */
export function dnsDataExfiltration(
  options: DnsDataExfiltrationOptions = {},
): Detector<'dns', Match> {
  const minChars = options.minEncodedChars ?? 60
  const windowMs = options.windowMs ?? 600_000
  const windows = new DistinctWindows<string>({ windowMs, threshold: options.minNames ?? 50 })
  return defineDetector<'dns', Match>({
    id: 'dns/dns-data-exfiltration',
    source: 'dns',
    features: ['DNS_LOGS'],
    findingTypes: [{ type: DNS_DATA_EXFILTRATION, severity: 8, resourceType: 'Instance' }],
    // Cheap length test first: the name must be longer than the encoded part alone.
    prefilter: (record: ResolverQueryRecord) => record.query_name.length > minChars,
    match(event: DetectorEvent<'dns'>, context: DetectionContext): Match | undefined {
      const domain = queryDomain(event.record)
      for (const suffix of IGNORED_SUFFIXES) if (domain.endsWith(suffix)) return undefined
      const base = registrableDomain(domain)
      const subLength = domain.length - base.length - 1
      if (subLength < minChars) return undefined
      if (!looksEncoded(nameStats(domain, subLength), minChars)) return undefined
      const window = windows.add(querySourceKey(event.record), base, domain, event.eventTimeMs)
      if (window === undefined || isTrustedDomain(context.threatLists, domain)) return undefined
      return { domain, base, names: window.values.size }
    },
    build(match: Match, event: DetectorEvent<'dns'>) {
      const { record, scope } = event
      const who = describeQuerySource(record)
      return {
        scope,
        aggregationKey: aggregationKey(DNS_DATA_EXFILTRATION, querySourceKey(record), match.base),
        eventTimeMs: event.eventTimeMs,
        finding: findingContent({
          type: DNS_DATA_EXFILTRATION,
          severity: 8,
          title: `Data exfiltration through DNS queries from ${who}.`,
          description:
            `${who} queried ${match.names} distinct long, high-entropy names under ` +
            `${match.base} within ${Math.round(windowMs / 60_000)} minutes, as tools that ` +
            'tunnel data out through DNS do.',
          resource: queryResource(record),
          action: dnsRequestAction(record, match.domain),
          resourceRole: 'ACTOR',
          info: { domain: match.base, encodedNames: match.names },
        }),
      }
    },
  })
}
