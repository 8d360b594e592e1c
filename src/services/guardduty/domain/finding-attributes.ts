/**
 * The GuardDuty side of the findings store's attribute port: which criterion keys the store indexes,
 * how their values are pulled out of a finding (one walk over a prefix tree of the indexed paths, so
 * a finding costs only the paths it has), how any key's values are read for the residual filter, and
 * which resource a finding is about (for `groupBy: RESOURCE`).
 *
 * Indexed: multi-valued paths users filter on (security groups, tags, interface IPs, subnets, VPCs)
 * and the frequently filtered single-valued ones (resource ids and names, action type, API, domain,
 * remote IP and country, ports, resource role, threat list name). Conditions on every other criterion
 * key still work: the store evaluates them on the stored finding after the indexed conditions have
 * narrowed the candidates (`docs/storage.md`).
 */
import type { FindingAttributes } from '../../../storage/ports.js'
import type { ScalarValue, ValueType } from '../../../storage/query/criteria-ast.js'
import { CRITERION_KEYS } from './criterion-keys.js'
import { leaf, readFindingValues } from './finding-criteria.js'

/** The criterion keys kept in the attribute index. */
export const INDEXED_KEYS: readonly string[] = [
  'resource.resourceType',
  'resource.accessKeyDetails.accessKeyId',
  'resource.accessKeyDetails.principalId',
  'resource.accessKeyDetails.userName',
  'resource.accessKeyDetails.userType',
  'resource.instanceDetails.instanceId',
  'resource.instanceDetails.imageId',
  'resource.instanceDetails.tags.key',
  'resource.instanceDetails.tags.value',
  'resource.instanceDetails.networkInterfaces.ipv6Addresses',
  'resource.instanceDetails.networkInterfaces.privateIpAddress',
  'resource.instanceDetails.networkInterfaces.privateIpAddresses.privateIpAddress',
  'resource.instanceDetails.networkInterfaces.publicIp',
  'resource.instanceDetails.networkInterfaces.securityGroups.groupId',
  'resource.instanceDetails.networkInterfaces.subnetId',
  'resource.instanceDetails.networkInterfaces.vpcId',
  'resource.s3BucketDetails.name',
  'resource.s3BucketDetails.tags.key',
  'resource.s3BucketDetails.tags.value',
  'resource.eksClusterDetails.name',
  'resource.kubernetesDetails.kubernetesUserDetails.username',
  'resource.kubernetesDetails.kubernetesWorkloadDetails.name',
  'resource.kubernetesDetails.kubernetesWorkloadDetails.namespace',
  'resource.ecsClusterDetails.name',
  'resource.containerDetails.image',
  'resource.rdsDbInstanceDetails.dbInstanceIdentifier',
  'resource.lambdaDetails.functionName',
  'service.action.actionType',
  'service.action.awsApiCallAction.api',
  'service.action.awsApiCallAction.serviceName',
  'service.action.awsApiCallAction.errorCode',
  'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4',
  'service.action.awsApiCallAction.remoteIpDetails.country.countryName',
  'service.action.dnsRequestAction.domain',
  'service.action.networkConnectionAction.connectionDirection',
  'service.action.networkConnectionAction.localPortDetails.port',
  'service.action.networkConnectionAction.remotePortDetails.port',
  'service.action.networkConnectionAction.protocol',
  'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4',
  'service.action.networkConnectionAction.remoteIpDetails.country.countryName',
  'service.action.portProbeAction.portProbeDetails.localPortDetails.port',
  'service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV4',
  'service.action.kubernetesApiCallAction.verb',
  'service.action.kubernetesApiCallAction.remoteIpDetails.ipAddressV4',
  'service.action.rdsLoginAttemptAction.remoteIpDetails.ipAddressV4',
  'service.resourceRole',
  'service.additionalInfo.threatListName',
]

/** A node of the prefix tree of indexed paths. */
interface PathNode {
  readonly children: Map<string, PathNode>
  /** The criterion key ending here, with its type. */
  key?: string
  type?: ValueType
}

const THREAT_LIST_NAME = 'service.additionalInfo.threatListName'

function pathTree(keys: readonly string[]): PathNode {
  const root: PathNode = { children: new Map() }
  for (const key of keys) {
    if (key === THREAT_LIST_NAME) continue
    let node = root
    for (const segment of key.split('.')) {
      let child = node.children.get(segment)
      if (!child) {
        child = { children: new Map() }
        node.children.set(segment, child)
      }
      node = child
    }
    node.key = key
    node.type = CRITERION_KEYS.get(key)
  }
  return root
}

const TREE = pathTree(INDEXED_KEYS)

function walk(value: unknown, node: PathNode, out: [string, ScalarValue][]): void {
  if (value === null || value === undefined) return
  if (Array.isArray(value)) {
    for (const item of value) walk(item, node, out)
    return
  }
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>
    const keyNode = node.children.get('key')
    const valueNode = node.children.get('value')
    if (keyNode?.key && !('key' in obj)) {
      // A map-typed attribute: `.key` / `.value` reach its keys / values.
      for (const [k, v] of Object.entries(obj)) {
        out.push([keyNode.key, k])
        if (valueNode?.key && valueNode.type) {
          const typed = leaf(v, valueNode.type)
          if (typed !== undefined) out.push([valueNode.key, typed])
        }
      }
      return
    }
    for (const [segment, child] of node.children) if (segment in obj) walk(obj[segment], child, out)
    return
  }
  if (node.key && node.type) {
    const typed = leaf(value, node.type)
    if (typed !== undefined) out.push([node.key, typed])
  }
}

/** Which `resource` member names the resource, per resource type: [details member, id member]. */
const RESOURCE_IDS: Readonly<Record<string, readonly [string, string]>> = {
  Instance: ['instanceDetails', 'instanceId'],
  AccessKey: ['accessKeyDetails', 'accessKeyId'],
  S3Bucket: ['s3BucketDetails', 'name'],
  S3Object: ['s3BucketDetails', 'name'],
  EKSCluster: ['eksClusterDetails', 'name'],
  ECSCluster: ['ecsClusterDetails', 'name'],
  Container: ['containerDetails', 'id'],
  Lambda: ['lambdaDetails', 'functionName'],
  RDSDBInstance: ['rdsDbInstanceDetails', 'dbInstanceIdentifier'],
  RDSLimitlessDB: ['rdsLimitlessDbDetails', 'dbShardGroupIdentifier'],
}

const ID_MEMBERS = ['id', 'arn', 'name', 'identifier']

function resourceOf(finding: Readonly<Record<string, unknown>>): { type?: string; id?: string } {
  const resource = finding.resource as Record<string, unknown> | undefined
  if (!resource) return {}
  const type = typeof resource.resourceType === 'string' ? resource.resourceType : undefined
  const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v)
  const known = type ? RESOURCE_IDS[type] : undefined
  if (known) {
    const details = first(resource[known[0]]) as Record<string, unknown> | undefined
    const id = details?.[known[1]]
    if (typeof id === 'string') return { type, id }
  }
  // Otherwise the first id-like member of the first details block present.
  for (const [member, raw] of Object.entries(resource)) {
    const details = first(raw)
    if (member === 'resourceType' || !details || typeof details !== 'object') continue
    for (const [name, v] of Object.entries(details as Record<string, unknown>))
      if (typeof v === 'string' && ID_MEMBERS.some((m) => name.toLowerCase().endsWith(m)))
        return { ...(type ? { type } : {}), id: v }
  }
  return type ? { type } : {}
}

/** The finding attributes port for the findings store. */
export const guardDutyFindingAttributes: FindingAttributes = {
  valueType: (key) => CRITERION_KEYS.get(key),
  indexed: new Set(INDEXED_KEYS),
  extract(finding) {
    const out: [string, ScalarValue][] = []
    walk(finding, TREE, out)
    const info = (finding.service as { additionalInfo?: { value?: unknown } } | undefined)
      ?.additionalInfo?.value
    if (typeof info === 'string' && info.includes('threatListName'))
      try {
        const name = (JSON.parse(info) as { threatListName?: unknown }).threatListName
        if (typeof name === 'string') out.push([THREAT_LIST_NAME, name])
      } catch {
        // not JSON: no threat list name
      }
    return out
  },
  read: readFindingValues,
  resourceOf,
}
