/**
 * The pieces every DNS finding is built from: the queried domain as findings show it (lower case,
 * no trailing dot), its registrable domain (`domainWithSuffix`), the `Instance` resource of the
 * querying instance (`srcids.instance`, with the source address and VPC), the `DNS_REQUEST` action,
 * the key findings about one querying host aggregate by, and the trusted-list check (a domain on an
 * active trusted entity list never raises: trusted beats threat). This module owns how Resolver
 * query-log fields map to those wire members.
 *
 * Registrable domain: the last two labels, or three when the last two are a common two-level public
 * suffix (`co.uk`, `com.au`…; a short built-in list, not the full Public Suffix List).
 */
import type { ThreatListLookup } from '../../detector.js'
import type { FindingContent, WireAction } from '../../finding-wire.js'
import type { ResolverQueryRecord } from '../../sources/index.js'

/** Two-level public suffixes under which registrable domains have three labels. */
const TWO_LEVEL_SUFFIXES: ReadonlySet<string> = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'ltd.uk',
  'me.uk',
  'net.uk',
  'com.au',
  'net.au',
  'org.au',
  'edu.au',
  'gov.au',
  'co.nz',
  'org.nz',
  'co.jp',
  'ne.jp',
  'or.jp',
  'ac.jp',
  'com.br',
  'net.br',
  'org.br',
  'com.cn',
  'net.cn',
  'org.cn',
  'com.hk',
  'com.tw',
  'co.kr',
  'co.in',
  'net.in',
  'org.in',
  'co.za',
  'com.mx',
  'com.tr',
  'com.sg',
  'com.ar',
  'co.id',
  'com.my',
  'com.ph',
  'com.vn',
  'co.il',
  'com.ua',
  'com.pl',
  'amazonaws.com',
  'cloudfront.net',
  'herokuapp.com',
  'github.io',
  'azurewebsites.net',
  'appspot.com',
])

/** The queried name as findings show it: lower case, without the trailing dot. */
export function queryDomain(record: ResolverQueryRecord): string {
  const name = record.query_name
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name
  return trimmed.toLowerCase()
}

/** The registrable domain of a name (see the module comment); the name itself when shorter. */
export function registrableDomain(domain: string): string {
  const last = domain.lastIndexOf('.')
  if (last <= 0) return domain
  const second = domain.lastIndexOf('.', last - 1)
  if (second === -1) return domain
  if (!TWO_LEVEL_SUFFIXES.has(domain.slice(second + 1))) return domain.slice(second + 1)
  const third = domain.lastIndexOf('.', second - 1)
  return third === -1 ? domain : domain.slice(third + 1)
}

/** Whether an active trusted entity list holds the domain (or a wildcard over it). */
export function isTrustedDomain(threatLists: ThreatListLookup, domain: string): boolean {
  return threatLists.matchDomain(domain).some((list) => list.kind === 'trusted')
}

/** The querying instance (`srcids.instance`), if any. */
export function instanceIdOfQuery(record: ResolverQueryRecord): string | undefined {
  const id = record.srcids?.instance
  return typeof id === 'string' && id !== '' ? id : undefined
}

/**
 * The key findings about the querying host aggregate by: the instance, else the source address,
 * else the VPC.
 */
export function querySourceKey(record: ResolverQueryRecord): string {
  return instanceIdOfQuery(record) ?? record.srcaddr ?? record.vpc_id ?? 'unknown-source'
}

/** The querying host in words (`EC2 instance i-…`, `the host at 10.0.0.5`). */
export function describeQuerySource(record: ResolverQueryRecord): string {
  const instanceId = instanceIdOfQuery(record)
  if (instanceId !== undefined) return `EC2 instance ${instanceId}`
  if (record.srcaddr !== undefined) return `the host at ${record.srcaddr}`
  return `a host in ${record.vpc_id ?? 'the VPC'}`
}

/** `resource` of a DNS finding: `Instance`, the querying instance with its address and VPC. */
export function queryResource(record: ResolverQueryRecord): FindingContent['resource'] {
  const instanceId = instanceIdOfQuery(record)
  const address = record.srcaddr
  const v6 = address?.includes(':') === true
  const networkInterface = {
    ...(address !== undefined && !v6
      ? { privateIpAddress: address, privateIpAddresses: [{ privateIpAddress: address }] }
      : {}),
    ...(address !== undefined && v6 ? { ipv6Addresses: [address] } : {}),
    ...(record.vpc_id !== undefined ? { vpcId: record.vpc_id } : {}),
  }
  return {
    resourceType: 'Instance',
    instanceDetails: {
      ...(instanceId !== undefined ? { instanceId } : {}),
      ...(Object.keys(networkInterface).length > 0
        ? { networkInterfaces: [networkInterface] }
        : {}),
    },
  }
}

/**
 * `DNS_REQUEST` of a query: the domain, its registrable domain, the transport, whether DNS
 * Firewall blocked it, the VPC owner.
 */
export function dnsRequestAction(record: ResolverQueryRecord, domain: string): WireAction {
  return {
    actionType: 'DNS_REQUEST',
    dnsRequestAction: {
      domain,
      domainWithSuffix: registrableDomain(domain),
      protocol: record.transport ?? 'UDP',
      blocked: record.firewall_rule_action === 'BLOCK',
      ...(record.account_id !== undefined ? { vpcOwnerAccountId: record.account_id } : {}),
    },
  }
}
