/**
 * GuardDuty's published test domains and the finding type each one raises, as the GuardDuty
 * tester defines them (`awslabs/amazon-guardduty-tester`, `lib/common/testResources/
 * definitions.json`): AWS keeps these names on its own threat feeds so that querying them from an
 * instance produces the documented finding. AWS's real feeds (command-and-control, mining,
 * sinkhole, drop-point, phishing, drive-by, DGA, reputation models) are not public; these names are
 * the deterministic part of those families, so Vigil raises the same types for them.
 *
 * Matching: the names under `guarddutyc2activityb.com` (one registrable domain shared by several
 * families and by the tester's DNS-exfiltration names) match exactly, as does that domain itself
 * (C&C); each dedicated domain (`guarddutyblackholeactivity.com`…) matches itself and its
 * subdomains.
 */

/** A test domain's finding type and the threat name findings show. */
export interface TestDomain {
  readonly type: string
  readonly severity: number
  readonly threatName: string
}

const C2: TestDomain = {
  type: 'Backdoor:EC2/C&CActivity.B!DNS',
  severity: 8,
  threatName: 'CommandAndControlServer',
}

/** Names matched exactly. */
const EXACT: ReadonlyMap<string, TestDomain> = new Map([
  ['guarddutyc2activityb.com', C2],
  ['c2.guarddutyc2activityb.com', C2],
  [
    'crypto.guarddutyc2activityb.com',
    { type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS', severity: 8, threatName: 'CryptoCurrency' },
  ],
  [
    'abused-rep.guarddutyc2activityb.com',
    {
      type: 'Impact:EC2/AbusedDomainRequest.Reputation',
      severity: 5,
      threatName: 'AbusedDomain',
    },
  ],
  [
    'crypto-rep.guarddutyc2activityb.com',
    {
      type: 'Impact:EC2/BitcoinDomainRequest.Reputation',
      severity: 8,
      threatName: 'CryptoCurrencyDomain',
    },
  ],
  [
    'malicious-rep.guarddutyc2activityb.com',
    {
      type: 'Impact:EC2/MaliciousDomainRequest.Reputation',
      severity: 8,
      threatName: 'MaliciousDomain',
    },
  ],
  [
    'suspicious-rep.guarddutyc2activityb.com',
    {
      type: 'Impact:EC2/SuspiciousDomainRequest.Reputation',
      severity: 2,
      threatName: 'SuspiciousDomain',
    },
  ],
])

/** Domains matched with their subdomains. */
const WITH_SUBDOMAINS: ReadonlyMap<string, TestDomain> = new Map([
  [
    'guarddutyblackholeactivity.com',
    { type: 'Trojan:EC2/BlackholeTraffic!DNS', severity: 5, threatName: 'SinkholedDomain' },
  ],
  [
    'guarddutydroppointactivity.com',
    { type: 'Trojan:EC2/DropPoint!DNS', severity: 5, threatName: 'MalwareDropPoint' },
  ],
  [
    'guarddutyphishingactivity.com',
    { type: 'Trojan:EC2/PhishingDomainRequest!DNS', severity: 8, threatName: 'PhishingSite' },
  ],
  [
    'guarddutydrivebyactivity.com',
    { type: 'Trojan:EC2/DriveBySourceTraffic!DNS', severity: 8, threatName: 'DriveBySource' },
  ],
  [
    'guarddutydgaactivity.com',
    { type: 'Trojan:EC2/DGADomainRequest.C!DNS', severity: 8, threatName: 'GeneratedDomain' },
  ],
])

/** Every type a test domain raises, with its severity. */
export const TEST_DOMAIN_TYPES: readonly TestDomain[] = [
  ...new Map([...EXACT.values(), ...WITH_SUBDOMAINS.values()].map((d) => [d.type, d])).values(),
]

/** The test domain a (lower-case, dot-less) name is, if any. */
export function testDomainOf(domain: string): TestDomain | undefined {
  if (!domain.includes('guardduty')) return undefined
  const exact = EXACT.get(domain) ?? WITH_SUBDOMAINS.get(domain)
  if (exact !== undefined) return exact
  for (let dot = domain.indexOf('.'); dot !== -1; dot = domain.indexOf('.', dot + 1)) {
    const parent = WITH_SUBDOMAINS.get(domain.slice(dot + 1))
    if (parent !== undefined) return parent
  }
  return undefined
}
