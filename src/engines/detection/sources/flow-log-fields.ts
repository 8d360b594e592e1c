/**
 * The fields of VPC Flow Logs versions 2 to 10 and the layout of a flow log object: the typed
 * `FlowLogRecord` (camelCase properties, numbers as numbers, `-` as absent), the table mapping each
 * AWS field name (`account-id`, `pkt-srcaddr`…) to its property, version and value kind, and the
 * reading of a field list — from a file's header line (`version account-id …`) or from a flow log's
 * configured `LogFormat` (`${version} ${account-id} …`). Parsing the records themselves is
 * `flow-log-line.ts`'s job. Field list: VPC user guide, "Flow log records" (available fields).
 */

/** `action`: whether security groups / network ACLs allowed the traffic. */
export type FlowLogAction = 'ACCEPT' | 'REJECT'

/** `log-status`: `NODATA` = no traffic in the interval, `SKIPDATA` = records were skipped. */
export type FlowLogStatus = 'OK' | 'NODATA' | 'SKIPDATA'

/**
 * One flow log record. Every property is optional because a custom format may leave any field out,
 * and a field written `-` (not applicable / not computed) is absent. Property names are the AWS
 * field names in camelCase (`account-id` → `accountId`, `pkt-srcaddr` → `pktSrcaddr`); see
 * `FLOW_LOG_FIELDS` for the mapping.
 */
export interface FlowLogRecord {
  /** v2. Flow log version: 2 for the default format, else the highest version of the fields used. */
  readonly version?: number
  /** v2. Owner of the network interface; may be `unknown` for interfaces AWS services created. */
  readonly accountId?: string
  /** v2. The network interface (`eni-…`) the traffic is recorded for. */
  readonly interfaceId?: string
  /** v2. Source address; for outgoing traffic the interface's private IPv4 or IPv6 address. */
  readonly srcaddr?: string
  /** v2. Destination address; for incoming traffic the interface's private address. */
  readonly dstaddr?: string
  /** v2. Source port. */
  readonly srcport?: number
  /** v2. Destination port. */
  readonly dstport?: number
  /** v2. IANA protocol number (6 TCP, 17 UDP, 1 ICMP). */
  readonly protocol?: number
  /** v2. Packets transferred during the flow. */
  readonly packets?: number
  /** v2. Bytes transferred during the flow (whole IP packets). */
  readonly bytes?: number
  /** v2. Time the first packet of the flow was received in the interval, Unix epoch **seconds**. */
  readonly start?: number
  /** v2. Time the last packet of the flow was received in the interval, Unix epoch **seconds**. */
  readonly end?: number
  /** v2. Whether the traffic was accepted or rejected. */
  readonly action?: FlowLogAction
  /** v2. Logging status of the record. */
  readonly logStatus?: FlowLogStatus
  /** v3. VPC of the interface. */
  readonly vpcId?: string
  /** v3. Subnet of the interface. */
  readonly subnetId?: string
  /** v3. Instance the interface is attached to, when the instance is owned by the account. */
  readonly instanceId?: string
  /** v3. Bitmask OR-ed over the interval: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32. */
  readonly tcpFlags?: number
  /** v3. Traffic type: `IPv4`, `IPv6` or `EFA`. */
  readonly type?: string
  /** v3. Packet-level (original) source address. */
  readonly pktSrcaddr?: string
  /** v3. Packet-level (original) destination address. */
  readonly pktDstaddr?: string
  /** v4. Region of the interface. */
  readonly region?: string
  /** v4. Availability Zone id of the interface (`use1-az1`). */
  readonly azId?: string
  /** v4. `wavelength`, `outpost` or `localzone`. */
  readonly sublocationType?: string
  /** v4. Id of the sublocation. */
  readonly sublocationId?: string
  /** v5. AWS service the source address belongs to (`AMAZON`, `S3`, `EC2`…). */
  readonly pktSrcAwsService?: string
  /** v5. AWS service the destination address belongs to. */
  readonly pktDstAwsService?: string
  /** v5. `ingress` or `egress`, relative to the interface. */
  readonly flowDirection?: string
  /** v5. Egress path: 1 same VPC, 2 IGW / gateway endpoint, 3 VGW, 4 intra-region peering, … 8. */
  readonly trafficPath?: number
  /** v7. ECS: cluster ARN. */
  readonly ecsClusterArn?: string
  /** v7. ECS: cluster name. */
  readonly ecsClusterName?: string
  /** v7. ECS: container instance ARN. */
  readonly ecsContainerInstanceArn?: string
  /** v7. ECS: container instance id. */
  readonly ecsContainerInstanceId?: string
  /** v7. ECS: Docker id of the (first) container. */
  readonly ecsContainerId?: string
  /** v7. ECS: Docker id of the second container. */
  readonly ecsSecondContainerId?: string
  /** v7. ECS: service name. */
  readonly ecsServiceName?: string
  /** v7. ECS: task definition ARN. */
  readonly ecsTaskDefinitionArn?: string
  /** v7. ECS: task ARN. */
  readonly ecsTaskArn?: string
  /** v7. ECS: task id. */
  readonly ecsTaskId?: string
  /** v8. Why traffic was rejected: `BPA` (block public access), `EC` (encryption control). */
  readonly rejectReason?: string
  /** v9. Resource id, e.g. of a regional NAT gateway. */
  readonly resourceId?: string
  /** v10. Encryption status, 0–3. */
  readonly encryptionStatus?: number
}

/** A property of `FlowLogRecord`. */
export type FlowLogRecordKey = keyof FlowLogRecord

/**
 * How a field's text becomes a value: `int` a non-negative integer, `string` kept as written (an
 * identifier that often repeats from record to record), `address` kept as written (an IP address,
 * rarely the same twice in a row), `action` / `log-status` one of their enumerated words. For every
 * kind `-` means absent.
 */
export type FlowLogFieldKind = 'int' | 'string' | 'address' | 'action' | 'log-status'

/** One available flow log field. */
export interface FlowLogFieldSpec {
  /** The AWS field name, as in `${name}` format strings and header lines. */
  readonly name: string
  /** The `FlowLogRecord` property it is read into. */
  readonly key: FlowLogRecordKey
  /** The flow log version that introduced it. */
  readonly version: number
  readonly kind: FlowLogFieldKind
}

function field(
  name: string,
  key: FlowLogRecordKey,
  version: number,
  kind: FlowLogFieldKind = 'string',
): FlowLogFieldSpec {
  return { name, key, version, kind }
}

/** Every available field, in the order of AWS's table (the v2 ones first, in default order). */
export const FLOW_LOG_FIELDS: readonly FlowLogFieldSpec[] = [
  field('version', 'version', 2, 'int'),
  field('account-id', 'accountId', 2),
  field('interface-id', 'interfaceId', 2),
  field('srcaddr', 'srcaddr', 2, 'address'),
  field('dstaddr', 'dstaddr', 2, 'address'),
  field('srcport', 'srcport', 2, 'int'),
  field('dstport', 'dstport', 2, 'int'),
  field('protocol', 'protocol', 2, 'int'),
  field('packets', 'packets', 2, 'int'),
  field('bytes', 'bytes', 2, 'int'),
  field('start', 'start', 2, 'int'),
  field('end', 'end', 2, 'int'),
  field('action', 'action', 2, 'action'),
  field('log-status', 'logStatus', 2, 'log-status'),
  field('vpc-id', 'vpcId', 3),
  field('subnet-id', 'subnetId', 3),
  field('instance-id', 'instanceId', 3),
  field('tcp-flags', 'tcpFlags', 3, 'int'),
  field('type', 'type', 3),
  field('pkt-srcaddr', 'pktSrcaddr', 3, 'address'),
  field('pkt-dstaddr', 'pktDstaddr', 3, 'address'),
  field('region', 'region', 4),
  field('az-id', 'azId', 4),
  field('sublocation-type', 'sublocationType', 4),
  field('sublocation-id', 'sublocationId', 4),
  field('pkt-src-aws-service', 'pktSrcAwsService', 5),
  field('pkt-dst-aws-service', 'pktDstAwsService', 5),
  field('flow-direction', 'flowDirection', 5),
  field('traffic-path', 'trafficPath', 5, 'int'),
  field('ecs-cluster-arn', 'ecsClusterArn', 7),
  field('ecs-cluster-name', 'ecsClusterName', 7),
  field('ecs-container-instance-arn', 'ecsContainerInstanceArn', 7),
  field('ecs-container-instance-id', 'ecsContainerInstanceId', 7),
  field('ecs-container-id', 'ecsContainerId', 7),
  field('ecs-second-container-id', 'ecsSecondContainerId', 7),
  field('ecs-service-name', 'ecsServiceName', 7),
  field('ecs-task-definition-arn', 'ecsTaskDefinitionArn', 7),
  field('ecs-task-arn', 'ecsTaskArn', 7),
  field('ecs-task-id', 'ecsTaskId', 7),
  field('reject-reason', 'rejectReason', 8),
  field('resource-id', 'resourceId', 9),
  field('encryption-status', 'encryptionStatus', 10, 'int'),
]

/** AWS field name → field, e.g. `FLOW_LOG_FIELD_BY_NAME.get('pkt-srcaddr')?.key === 'pktSrcaddr'`. */
export const FLOW_LOG_FIELD_BY_NAME: ReadonlyMap<string, FlowLogFieldSpec> = new Map(
  FLOW_LOG_FIELDS.map((spec) => [spec.name, spec]),
)

/** The default format's fields (all version 2 fields, in order). */
export const DEFAULT_FLOW_LOG_FIELDS: readonly string[] = FLOW_LOG_FIELDS.filter(
  (spec) => spec.version === 2,
).map((spec) => spec.name)

/** The field list of one flow log object. */
export interface FlowLogLayout {
  /** One entry per column; `undefined` for a column whose name is not a known field (skipped). */
  readonly columns: readonly (FlowLogFieldSpec | undefined)[]
  /** The column names as written. */
  readonly names: readonly string[]
  /** Whether the columns are exactly the default format (enables the v2 fast path). */
  readonly isDefault: boolean
  /** Highest version among the known fields: the `version` value AWS writes for this format. */
  readonly version: number
  /** Column names that are not known fields (a newer flow log version); their values are dropped. */
  readonly unknownNames: readonly string[]
}

const FIELD_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

/**
 * Builds the layout of a list of field names. Throws when the list is empty, repeats a name, or
 * holds something that is not a field name at all; names that merely are unknown are kept as
 * skipped columns.
 */
export function flowLogLayout(names: readonly string[]): FlowLogLayout {
  if (names.length === 0) throw new Error('a flow log format needs at least one field')
  const seen = new Set<string>()
  const columns: (FlowLogFieldSpec | undefined)[] = []
  const unknownNames: string[] = []
  let version = 2
  for (const name of names) {
    if (!FIELD_NAME.test(name)) throw new Error(`"${name}" is not a flow log field name`)
    if (seen.has(name)) throw new Error(`flow log field ${name} appears twice`)
    seen.add(name)
    const spec = FLOW_LOG_FIELD_BY_NAME.get(name)
    if (spec === undefined) unknownNames.push(name)
    else if (spec.version > version) version = spec.version
    columns.push(spec)
  }
  const isDefault =
    names.length === DEFAULT_FLOW_LOG_FIELDS.length &&
    names.every((name, i) => name === DEFAULT_FLOW_LOG_FIELDS[i])
  return { columns, names: [...names], isDefault, version, unknownNames }
}

/** The layout of the default format. */
export const DEFAULT_FLOW_LOG_LAYOUT: FlowLogLayout = flowLogLayout(DEFAULT_FLOW_LOG_FIELDS)

/**
 * Reads a flow log's configured `LogFormat` (`${version} ${account-id} ${interface-id} …`, as given
 * to CreateFlowLogs); a plain space-separated field list (`version account-id …`) is accepted too.
 * Throws on anything else.
 */
export function parseFlowLogFormat(format: string): FlowLogLayout {
  const tokens = format.trim().split(/\s+/)
  const names = tokens.map((token) => {
    const match = /^\$\{([^}]+)\}$/.exec(token)
    if (match?.[1] !== undefined) return match[1]
    if (token.includes('$') || token.includes('{')) {
      throw new Error(`"${token}" in flow log format is neither \${field} nor a field name`)
    }
    return token
  })
  return flowLogLayout(tokens[0] === '' ? [] : names)
}

/**
 * Reads a header line (the first line of a flow log object in S3 names its fields: `version
 * account-id interface-id …`). Returns the layout, or undefined when the line is not a header:
 * every token must look like a field name and at least three quarters of them (and at least one)
 * must be known fields, which no data line satisfies (data lines hold numbers, addresses, `-`).
 */
export function readFlowLogHeader(line: string): FlowLogLayout | undefined {
  const tokens = line.trim().split(/\s+/)
  let known = 0
  for (const token of tokens) {
    if (!FIELD_NAME.test(token)) return undefined
    if (FLOW_LOG_FIELD_BY_NAME.has(token)) known++
  }
  if (known === 0 || known * 4 < tokens.length * 3) return undefined
  try {
    return flowLogLayout(tokens)
  } catch {
    return undefined
  }
}
