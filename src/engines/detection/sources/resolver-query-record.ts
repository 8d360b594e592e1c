/**
 * The Route 53 Resolver query log record (GuardDuty's DNS source has no public log; Resolver query
 * logs are its closest public equivalent): the typed shape under the log's own snake_case field
 * names, and the check that turns one parsed JSON value into a `ResolverQueryRecord` or says why it
 * is not one. Unknown fields are kept. Field list: Route 53 developer guide, "Values that appear in
 * VPC Resolver query logs".
 */
import { checkJsonFields, isJsonObject, isTimestamp, jsonFieldTable } from './json-fields.js'

/** One entry of `answers`. */
export interface ResolverAnswer {
  /** The answer data: an address for `A`/`AAAA`, a name for `CNAME`/`PTR`… */
  readonly Rdata?: string
  /** Record type (`A`, `CNAME`…). */
  readonly Type?: string
  /** Record class, normally `IN`. */
  readonly Class?: string
  readonly [field: string]: unknown
}

/** `srcids`: what the query came from. */
export interface ResolverSourceIds {
  /** EC2 instance id, when the query came from an instance. */
  readonly instance?: string
  /** Resolver inbound endpoint id, when the query came through one. */
  readonly resolver_endpoint?: string
  readonly resolver_network_interface?: string
  readonly [field: string]: unknown
}

/** One Route 53 Resolver query log record (unknown fields kept). */
export interface ResolverQueryRecord {
  /** Log format version as a string, e.g. `"1.100000"`. */
  readonly version?: string
  readonly account_id?: string
  readonly region?: string
  readonly vpc_id?: string
  /** ISO-8601 UTC time the query was submitted (`2021-02-04T17:51:55Z`). */
  readonly query_timestamp: string
  /** The queried name as sent, normally fully qualified with a trailing dot (`example.com.`). */
  readonly query_name: string
  /** `A`, `AAAA`, `TXT`, `PTR`… */
  readonly query_type?: string
  readonly query_class?: string
  /** DNS response code: `NOERROR`, `NXDOMAIN`, `SERVFAIL`… */
  readonly rcode?: string
  readonly answers?: readonly ResolverAnswer[]
  /** Source IP address of the query. */
  readonly srcaddr?: string
  /** Source port — a string in the log (`"56067"`). */
  readonly srcport?: string
  /** `UDP` or `TCP`. */
  readonly transport?: string
  readonly srcids?: ResolverSourceIds
  /** DNS Firewall: `BLOCK`, `ALERT` or `ALLOW`, when a rule matched. */
  readonly firewall_rule_action?: string
  readonly firewall_rule_group_id?: string
  readonly firewall_domain_list_id?: string
  readonly additional_properties?: { readonly [field: string]: unknown }
  readonly [field: string]: unknown
}

const RECORD_FIELDS = jsonFieldTable(['query_timestamp', 'query_name'], {
  version: 'string',
  account_id: 'string',
  region: 'string',
  vpc_id: 'string',
  query_timestamp: 'string',
  query_name: 'string',
  query_type: 'string',
  query_class: 'string',
  rcode: 'string',
  answers: 'array',
  srcaddr: 'string',
  srcport: 'string',
  transport: 'string',
  srcids: 'object',
  firewall_rule_action: 'string',
  firewall_rule_group_id: 'string',
  firewall_domain_list_id: 'string',
  additional_properties: 'object',
})

const SOURCE_ID_FIELDS = jsonFieldTable([], {
  instance: 'string',
  resolver_endpoint: 'string',
  resolver_network_interface: 'string',
})

/**
 * Reads one parsed JSON value as a Resolver query log record: an object with a string `query_name`
 * and a `query_timestamp` that is a valid timestamp, whose other declared fields (when present and
 * not null) have their declared types. Returns the same object typed, or the reason it is not one.
 */
export function readResolverQueryRecord(value: unknown): ResolverQueryRecord | string {
  if (!isJsonObject(value)) return 'not a JSON object'
  const problem = checkJsonFields(value, RECORD_FIELDS)
  if (problem !== undefined) return problem
  if (!isTimestamp(value.query_timestamp as string)) {
    return 'field query_timestamp is not a timestamp'
  }
  const answers = value.answers
  if (Array.isArray(answers) && !answers.every(isJsonObject)) {
    return 'field answers holds a value that is not an object'
  }
  const sourceIds = value.srcids
  if (isJsonObject(sourceIds)) {
    const idProblem = checkJsonFields(sourceIds, SOURCE_ID_FIELDS, 'srcids.')
    if (idProblem !== undefined) return idProblem
  }
  return value as ResolverQueryRecord
}
