/**
 * `UnauthorizedAccess:EC2/MetadataDNSRebind` (High 8, resource role TARGET): an instance resolved a
 * public name whose answer is the instance metadata service's address — `169.254.169.254` (A) or
 * `fd00:ec2::254` (AAAA) — the first step of a DNS-rebinding attack that makes software on the
 * instance fetch its own credentials for an outside page. Names that legitimately point there never
 * count: single-label names (`instance-data`) and internal ones (`.internal`, `.local`,
 * `.localdomain`, `.lan`, `.home.arpa`), such as `instance-data.ec2.internal`. A domain on an active
 * trusted entity list never raises. Aggregation: type + querying instance (else source address) +
 * domain.
 */
import {
  defineDetector,
  type DetectionContext,
  type Detector,
  type DetectorEvent,
} from '../../detector.js'
import type { ResolverQueryRecord } from '../../sources/index.js'
import { aggregationKey, findingContent } from '../finding-content.js'
import {
  describeQuerySource,
  dnsRequestAction,
  isTrustedDomain,
  queryDomain,
  queryResource,
  querySourceKey,
} from './dns-request.js'

/** The finding type. */
export const METADATA_DNS_REBIND = 'UnauthorizedAccess:EC2/MetadataDNSRebind'

/** The metadata service's addresses. */
const METADATA_ADDRESSES: ReadonlySet<string> = new Set(['169.254.169.254', 'fd00:ec2::254'])

const INTERNAL_SUFFIXES: readonly string[] = [
  '.internal',
  '.local',
  '.localdomain',
  '.lan',
  '.home.arpa',
]

interface Match {
  readonly domain: string
  readonly address: string
}

/** The metadata address among the answers, if any. */
function metadataAnswer(record: ResolverQueryRecord): string | undefined {
  for (const answer of record.answers ?? []) {
    const data = answer.Rdata?.trim().toLowerCase()
    if (data !== undefined && METADATA_ADDRESSES.has(data)) return data
  }
  return undefined
}

/** The detector. */
export function metadataDnsRebind(): Detector<'dns', Match> {
  return defineDetector<'dns', Match>({
    id: 'dns/metadata-dns-rebind',
    source: 'dns',
    features: ['DNS_LOGS'],
    findingTypes: [{ type: METADATA_DNS_REBIND, severity: 8, resourceType: 'Instance' }],
    prefilter: (record: ResolverQueryRecord) =>
      record.answers !== undefined && record.answers.length > 0,
    match(event: DetectorEvent<'dns'>, context: DetectionContext): Match | undefined {
      const address = metadataAnswer(event.record)
      if (address === undefined) return undefined
      const domain = queryDomain(event.record)
      if (!domain.includes('.')) return undefined
      for (const suffix of INTERNAL_SUFFIXES) if (domain.endsWith(suffix)) return undefined
      if (isTrustedDomain(context.threatLists, domain)) return undefined
      return { domain, address }
    },
    build(match: Match, event: DetectorEvent<'dns'>) {
      const { record, scope } = event
      const who = describeQuerySource(record)
      return {
        scope,
        aggregationKey: aggregationKey(METADATA_DNS_REBIND, querySourceKey(record), match.domain),
        eventTimeMs: event.eventTimeMs,
        finding: findingContent({
          type: METADATA_DNS_REBIND,
          severity: 8,
          title: `${who} resolved ${match.domain} to the instance metadata address.`,
          description:
            `${match.domain}, queried by ${who}, resolves to ${match.address}, the EC2 instance ` +
            'metadata service. An outside page may be using DNS rebinding to read the ' +
            "instance's metadata and credentials.",
          resource: queryResource(record),
          action: dnsRequestAction(record, match.domain),
          resourceRole: 'TARGET',
          info: { resolvedAddress: match.address },
        }),
      }
    },
  })
}
