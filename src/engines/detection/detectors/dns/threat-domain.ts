/**
 * The domain-list DNS detectors: a query from an instance for a listed domain.
 *
 * - `awsTestDomains`: GuardDuty's published test domains (`test-domains.ts`) → their documented
 *   types (`Backdoor:EC2/C&CActivity.B!DNS`, `CryptoCurrency:EC2/BitcoinTool.B!DNS`,
 *   `Trojan:EC2/BlackholeTraffic!DNS`, `Trojan:EC2/DropPoint!DNS`,
 *   `Trojan:EC2/PhishingDomainRequest!DNS`, `Trojan:EC2/DriveBySourceTraffic!DNS`,
 *   `Trojan:EC2/DGADomainRequest.C!DNS`, the four `Impact:EC2/*DomainRequest.Reputation` types),
 *   with `evidence.threatIntelligenceDetails` naming the built-in list and the threat.
 * - `maliciousDomainCustom`: `Impact:EC2/MaliciousDomainRequest.Custom` (Medium 5), a domain on an
 *   active customer threat entity list of the scope (exactly, or through a `*.` wildcard entry);
 *   `additionalInfo.threatListName` and the evidence name the list(s).
 *
 * Every query counts, whatever its answer (the instance asked). A domain on an active trusted entity
 * list never raises. Resource role ACTOR. Aggregation: type + querying instance (else source
 * address) + domain (+ list for the custom type).
 */
import {
  defineDetector,
  type DetectionContext,
  type Detector,
  type DetectorEvent,
} from '../../detector.js'
import type { ThreatListMatch } from '../../threat-lists/threat-list-matcher.js'
import { aggregationKey, findingContent, threatEvidence } from '../finding-content.js'
import {
  describeQuerySource,
  dnsRequestAction,
  isTrustedDomain,
  queryDomain,
  queryResource,
  querySourceKey,
} from './dns-request.js'
import { TEST_DOMAIN_TYPES, testDomainOf, type TestDomain } from './test-domains.js'

/** The name of the built-in test-domain list in findings. */
export const TEST_DOMAIN_LIST = 'GuardDutyTestDomains'

/** The finding type. */
export const MALICIOUS_DOMAIN_REQUEST_CUSTOM = 'Impact:EC2/MaliciousDomainRequest.Custom'

interface TestMatch {
  readonly domain: string
  readonly test: TestDomain
}

/** The GuardDuty test-domain detector. */
export function awsTestDomains(): Detector<'dns', TestMatch> {
  return defineDetector<'dns', TestMatch>({
    id: 'dns/aws-test-domains',
    source: 'dns',
    features: ['DNS_LOGS'],
    findingTypes: TEST_DOMAIN_TYPES.map(({ type, severity }) => ({
      type,
      severity,
      resourceType: 'Instance',
    })),
    prefilter: (record) => record.query_name.toLowerCase().includes('guardduty'),
    match(event: DetectorEvent<'dns'>, context: DetectionContext): TestMatch | undefined {
      const domain = queryDomain(event.record)
      const test = testDomainOf(domain)
      if (test === undefined || isTrustedDomain(context.threatLists, domain)) return undefined
      return { domain, test }
    },
    build(match: TestMatch, event: DetectorEvent<'dns'>) {
      const { record, scope } = event
      const { domain, test } = match
      const who = describeQuerySource(record)
      return {
        scope,
        aggregationKey: aggregationKey(test.type, querySourceKey(record), domain),
        eventTimeMs: event.eventTimeMs,
        finding: findingContent({
          type: test.type,
          severity: test.severity,
          title: `${who} is querying ${domain}, a domain on the ${test.threatName} test list.`,
          description:
            `${who} queried ${domain}. GuardDuty publishes this domain to test its ` +
            `${test.type} finding; a real query for it means someone ran the test, or the ` +
            'instance is compromised.',
          resource: queryResource(record),
          action: dnsRequestAction(record, domain),
          resourceRole: 'ACTOR',
          info: { threatListName: TEST_DOMAIN_LIST, threatName: test.threatName },
          evidence: threatEvidence([{ name: TEST_DOMAIN_LIST, threatNames: [test.threatName] }]),
        }),
      }
    },
  })
}

interface CustomMatch {
  readonly domain: string
  readonly lists: readonly ThreatListMatch[]
}

/** The customer threat-list domain detector. */
export function maliciousDomainCustom(): Detector<'dns', CustomMatch> {
  return defineDetector<'dns', CustomMatch>({
    id: 'dns/malicious-domain-custom',
    source: 'dns',
    features: ['DNS_LOGS'],
    findingTypes: [
      { type: MALICIOUS_DOMAIN_REQUEST_CUSTOM, severity: 5, resourceType: 'Instance' },
    ],
    match(event: DetectorEvent<'dns'>, context: DetectionContext): CustomMatch | undefined {
      const domain = queryDomain(event.record)
      const found = context.threatLists.matchDomain(domain)
      if (found.length === 0 || found.some((list) => list.kind === 'trusted')) return undefined
      return { domain, lists: found }
    },
    build(match: CustomMatch, event: DetectorEvent<'dns'>) {
      const { record, scope } = event
      const { domain } = match
      const who = describeQuerySource(record)
      const listName = match.lists[0]?.name ?? 'unknown'
      return {
        scope,
        aggregationKey: aggregationKey(
          MALICIOUS_DOMAIN_REQUEST_CUSTOM,
          listName,
          querySourceKey(record),
          domain,
        ),
        eventTimeMs: event.eventTimeMs,
        finding: findingContent({
          type: MALICIOUS_DOMAIN_REQUEST_CUSTOM,
          severity: 5,
          title: `${who} is querying a domain on your threat list.`,
          description: `${who} queried ${domain}, which is on your threat list ${listName}.`,
          resource: queryResource(record),
          action: dnsRequestAction(record, domain),
          resourceRole: 'ACTOR',
          info: { threatListName: listName },
          evidence: threatEvidence(match.lists),
        }),
      }
    },
  })
}
