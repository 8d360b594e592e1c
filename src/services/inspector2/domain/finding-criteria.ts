/**
 * Inspector `filterCriteria` → filter AST over the finding's wire paths, and the in-memory matcher used
 * for suppression rules. Every `FilterCriteria` member of the model maps to a path (`FIELDS`).
 *
 * Semantics (`docs/inspector-findings.md`):
 * - Across fields: AND. Within a field: the EQUALS and PREFIX filters are ORed; the NOT_EQUALS filters
 *   are ANDed (none of the values may be present); a field with both needs one positive match and no
 *   excluded value. On multi-valued paths (resources, tags, layers, ...) a positive filter holds when
 *   some value matches and NOT_EQUALS when no value does (so it holds when the attribute is absent).
 * - Number, date and port range filters of a field are ORed; each is an inclusive range whose bounds
 *   must both hold (on the same resource, for resource attributes).
 * - Map filters (`resourceTags`) are ORed; `key` with `value` matches that tag value, `key` alone any.
 * - Package filters are ORed; each holds when one vulnerable package satisfies all its sub-filters.
 * Invalid combinations (a range with no bound or with its bounds inverted, an empty package filter)
 * are a `ValidationException` naming the field.
 */
import {
  criteria as ast,
  type ConditionNode,
  type CriteriaNode,
  type FilterNode,
  type ValueType,
} from '../../../storage/query/criteria-ast.js'
import { evaluateCriteria } from '../../../storage/query/evaluate-criteria.js'
import { MAP_ENTRY_SEPARATOR, readJsonValues } from '../../../storage/query/json-values.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'

/** A filterable field: its kind and where its values are in a finding (wire paths). */
type FieldSpec =
  | { readonly kind: 'string'; readonly path: string }
  /** `within`: the list whose element must satisfy both bounds; `path` is relative to it. */
  | { readonly kind: 'date' | 'number'; readonly path: string; readonly within?: string }
  | { readonly kind: 'map'; readonly path: string }
  | { readonly kind: 'port' }
  | { readonly kind: 'package' }

const EC2 = 'resources.details.awsEc2Instance'
const ECR = 'resources.details.awsEcrContainerImage'
const LAMBDA = 'resources.details.awsLambdaFunction'
const PACKAGE = 'packageVulnerabilityDetails'
const NETWORK = 'networkReachabilityDetails'
const CODE = 'codeVulnerabilityDetails'
/** The list of vulnerable packages a package filter looks into. */
export const VULNERABLE_PACKAGES = `${PACKAGE}.vulnerablePackages`
const OPEN_PORTS = `${NETWORK}.openPortRange`

const s = (path: string) => ({ kind: 'string', path }) as const

/** Every `FilterCriteria` member and where it looks. */
export const FIELDS = {
  findingArn: s('findingArn'),
  awsAccountId: s('awsAccountId'),
  findingType: s('type'),
  severity: s('severity'),
  firstObservedAt: { kind: 'date', path: 'firstObservedAt' },
  lastObservedAt: { kind: 'date', path: 'lastObservedAt' },
  updatedAt: { kind: 'date', path: 'updatedAt' },
  findingStatus: s('status'),
  title: s('title'),
  inspectorScore: { kind: 'number', path: 'inspectorScore' },
  resourceType: s('resources.type'),
  resourceId: s('resources.id'),
  resourceTags: { kind: 'map', path: 'resources.tags' },
  ec2InstanceImageId: s(`${EC2}.imageId`),
  ec2InstanceVpcId: s(`${EC2}.vpcId`),
  ec2InstanceSubnetId: s(`${EC2}.subnetId`),
  ecrImagePushedAt: {
    kind: 'date',
    path: 'details.awsEcrContainerImage.pushedAt',
    within: 'resources',
  },
  ecrImageArchitecture: s(`${ECR}.architecture`),
  ecrImageRegistry: s(`${ECR}.registry`),
  ecrImageRepositoryName: s(`${ECR}.repositoryName`),
  ecrImageTags: s(`${ECR}.imageTags`),
  ecrImageHash: s(`${ECR}.imageHash`),
  ecrImageLastInUseAt: {
    kind: 'date',
    path: 'details.awsEcrContainerImage.lastInUseAt',
    within: 'resources',
  },
  ecrImageInUseCount: {
    kind: 'number',
    path: 'details.awsEcrContainerImage.inUseCount',
    within: 'resources',
  },
  portRange: { kind: 'port' },
  networkProtocol: s(`${NETWORK}.protocol`),
  componentId: s(`${NETWORK}.networkPath.steps.componentId`),
  componentType: s(`${NETWORK}.networkPath.steps.componentType`),
  vulnerabilityId: s(`${PACKAGE}.vulnerabilityId`),
  vulnerabilitySource: s(`${PACKAGE}.source`),
  vendorSeverity: s(`${PACKAGE}.vendorSeverity`),
  vulnerablePackages: { kind: 'package' },
  relatedVulnerabilities: s(`${PACKAGE}.relatedVulnerabilities`),
  fixAvailable: s('fixAvailable'),
  lambdaFunctionName: s(`${LAMBDA}.functionName`),
  lambdaFunctionLayers: s(`${LAMBDA}.layers`),
  lambdaFunctionRuntime: s(`${LAMBDA}.runtime`),
  lambdaFunctionLastModifiedAt: {
    kind: 'date',
    path: 'details.awsLambdaFunction.lastModifiedAt',
    within: 'resources',
  },
  lambdaFunctionExecutionRoleArn: s(`${LAMBDA}.executionRoleArn`),
  exploitAvailable: s('exploitAvailable'),
  codeVulnerabilityDetectorName: s(`${CODE}.detectorName`),
  codeVulnerabilityDetectorTags: s(`${CODE}.detectorTags`),
  codeVulnerabilityFilePath: s(`${CODE}.filePath.filePath`),
  epssScore: { kind: 'number', path: 'epss.score' },
  codeRepositoryProjectName: s('resources.details.codeRepository.projectName'),
  codeRepositoryProviderType: s('resources.details.codeRepository.providerType'),
} as const satisfies Record<keyof Required<i2.FilterCriteria>, FieldSpec>

/** Package filter members → vulnerable package members. */
const PACKAGE_STRINGS = {
  name: 'name',
  version: 'version',
  release: 'release',
  architecture: 'arch',
  sourceLayerHash: 'sourceLayerHash',
  sourceLambdaLayerArn: 'sourceLambdaLayerArn',
  filePath: 'filePath',
} as const satisfies Record<Exclude<keyof i2.PackageFilter, 'epoch'>, string>

const condition = (
  path: string,
  valueType: ValueType,
  op: ConditionNode['op'],
  values: unknown[],
) => ast.condition({ path, valueType, op, values: values as (string | number)[] })

/** One node from several alternatives: itself when alone, an `or` otherwise. */
function anyOf(nodes: readonly CriteriaNode[]): CriteriaNode[] {
  if (nodes.length === 0) return []
  return [nodes.length === 1 ? (nodes[0] as CriteriaNode) : ast.or(nodes)]
}

/** String filters of one field: (some EQUALS or PREFIX holds) and (no NOT_EQUALS value is present). */
function stringNodes(path: string, filters: readonly i2.StringFilter[]): CriteriaNode[] {
  const pick = (c: i2.StringComparison) =>
    filters.filter((f) => f.comparison === c).map((f) => f.value)
  const equals = pick('EQUALS')
  const prefixes = pick('PREFIX')
  const excluded = pick('NOT_EQUALS')
  const positive: ConditionNode[] = []
  if (equals.length) positive.push(condition(path, 'string', 'in', equals))
  if (prefixes.length) positive.push(condition(path, 'string', 'prefix', prefixes))
  return [
    ...anyOf(positive),
    ...(excluded.length ? [condition(path, 'string', 'notIn', excluded)] : []),
  ]
}

/**
 * The bound conditions of one inclusive range.
 * @throws ValidationException naming `field` when neither bound is given or they are inverted
 */
function rangeNodes(
  field: string,
  lower: { path: string; value: number | undefined },
  upper: { path: string; value: number | undefined },
  type: ValueType,
): ConditionNode[] {
  if (lower.value === undefined && upper.value === undefined)
    throw invalidField(field, `A ${field} filter needs at least one bound.`)
  if (lower.value !== undefined && upper.value !== undefined && lower.value > upper.value)
    throw invalidField(field, `The ${field} filter's lower bound is after its upper bound.`)
  return [
    ...(lower.value !== undefined ? [condition(lower.path, type, 'gte', [lower.value])] : []),
    ...(upper.value !== undefined ? [condition(upper.path, type, 'lte', [upper.value])] : []),
  ]
}

/** One range as a node: the bounds together, on one element of `within` when given. */
function rangeNode(bounds: ConditionNode[], within: string | undefined): CriteriaNode {
  if (within !== undefined) return ast.element(within, bounds)
  return bounds.length === 1 ? (bounds[0] as ConditionNode) : ast.and(bounds)
}

function numberBounds(field: string, path: string, f: i2.NumberFilter): ConditionNode[] {
  return rangeNodes(
    field,
    { path, value: f.lowerInclusive },
    { path, value: f.upperInclusive },
    'number',
  )
}

function packageNode(field: string, f: i2.PackageFilter): CriteriaNode {
  const parts: CriteriaNode[] = []
  for (const [member, path] of Object.entries(PACKAGE_STRINGS) as [
    keyof typeof PACKAGE_STRINGS,
    string,
  ][]) {
    const sub = f[member]
    if (sub) parts.push(...stringNodes(path, [sub]))
  }
  if (f.epoch) parts.push(...numberBounds(`${field}.epoch`, 'epoch', f.epoch))
  if (parts.length === 0)
    throw invalidField(field, 'A vulnerablePackages filter needs at least one package attribute.')
  return ast.element(VULNERABLE_PACKAGES, parts)
}

function fieldNodes(
  name: keyof typeof FIELDS,
  criteria: Required<i2.FilterCriteria>,
): CriteriaNode[] {
  const field = `filterCriteria.${name}`
  const spec: FieldSpec = FIELDS[name]
  switch (spec.kind) {
    case 'string':
      return stringNodes(spec.path, criteria[name] as i2.StringFilter[])
    case 'number':
      return anyOf(
        (criteria[name] as i2.NumberFilter[]).map((f) =>
          rangeNode(numberBounds(field, spec.path, f), spec.within),
        ),
      )
    case 'date':
      return anyOf(
        (criteria[name] as i2.DateFilter[]).map((f) =>
          rangeNode(
            rangeNodes(
              field,
              { path: spec.path, value: f.startInclusive?.getTime() },
              { path: spec.path, value: f.endInclusive?.getTime() },
              'timestamp',
            ),
            spec.within,
          ),
        ),
      )
    case 'map': {
      const filters = criteria[name] as i2.MapFilter[]
      const entry = (f: i2.MapFilter) => `${f.key}${MAP_ENTRY_SEPARATOR}${f.value ?? ''}`
      const exact = filters.filter((f) => f.value !== undefined).map(entry)
      const anyValue = filters.filter((f) => f.value === undefined).map(entry)
      return anyOf([
        ...(exact.length ? [condition(spec.path, 'string', 'in', exact)] : []),
        ...(anyValue.length ? [condition(spec.path, 'string', 'prefix', anyValue)] : []),
      ])
    }
    case 'port':
      return anyOf(
        (criteria[name] as i2.PortRangeFilter[]).map((f) =>
          rangeNode(
            rangeNodes(
              field,
              { path: `${OPEN_PORTS}.begin`, value: f.beginInclusive },
              { path: `${OPEN_PORTS}.end`, value: f.endInclusive },
              'number',
            ),
            undefined,
          ),
        ),
      )
    case 'package':
      return anyOf((criteria[name] as i2.PackageFilter[]).map((f) => packageNode(field, f)))
  }
}

/**
 * Parses and checks a filter criteria.
 * @throws ValidationException naming the field for an invalid combination
 */
export function parseFilterCriteria(input: i2.FilterCriteria | undefined): FilterNode {
  const nodes: CriteriaNode[] = []
  const given = (input ?? {}) as Required<i2.FilterCriteria>
  for (const name of Object.keys(FIELDS) as (keyof typeof FIELDS)[])
    if (given[name] !== undefined) nodes.push(...fieldNodes(name, given))
  return ast.and(nodes)
}

/** Whether a finding in wire form matches a parsed filter. */
export function findingMatches(filter: FilterNode, finding: Readonly<Record<string, unknown>>) {
  return evaluateCriteria(filter, finding, readJsonValues)
}
