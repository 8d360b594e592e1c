/**
 * ListFindingAggregations: for every `AggregationType` of the model, the store aggregation it reads
 * (`InspectorAggregationKind`), how the members of its `AggregationRequest` filter the groups, which
 * `sortBy` values it accepts and how a group becomes its `AggregationResponse` member; plus the
 * request's `accountIds`, sorting and keyset pages.
 *
 * Semantics (`docs/inspector-findings.md`, "Aggregations"):
 * - Only ACTIVE findings are counted (SUPPRESSED and CLOSED ones are not); a group without ACTIVE
 *   findings does not appear. Every group belongs to one owner account (`accountId`).
 * - String filters have the `filterCriteria` semantics (EQUALS and PREFIX ORed, NOT_EQUALS ANDed);
 *   map filters (`instanceTags`, `functionTags`) match a tag key with that value, or any value when
 *   `value` is absent; date and number filters are ORed inclusive ranges. Filters on the group value
 *   select groups; filters on a resource attribute test the resource as its most recently observed
 *   finding describes it.
 * - `accountIds` narrows the accounts the caller reads (its own; a delegated administrator's
 *   associated members' too).
 * - Default sort: `sortBy` CRITICAL, `sortOrder` DESC; ties by (account, group value) ascending.
 *   ASC is the exact reverse of DESC (ties by account and group value descending).
 * - `findingType` and `resourceType` (ACCOUNT, FINDING_TYPE) count only the findings of that type
 *   whose first resource is of that resource type. TITLE counts by first resource type the same
 *   way, while its `findingType` and `vulnerabilityIds` test the type and vulnerability id of the
 *   title's most recently written ACTIVE finding.
 */
import type {
  InspectorAggregationField,
  InspectorAggregationGroup,
  InspectorAggregationKind,
  InspectorAggregationPosition,
  InspectorAggregationSortKey,
  Scope,
  Storage,
} from '../../../storage/ports.js'
import {
  criteria as ast,
  type ConditionNode,
  type CriteriaNode,
  type ValueType,
} from '../../../storage/query/criteria-ast.js'
import { MAP_ENTRY_SEPARATOR } from '../../../storage/query/json-values.js'
import { decodePageToken, encodePageToken, queryFingerprint } from '../../page-token.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { invalidNextToken } from '../handlers/pages.js'

type RequestMember = keyof i2.AggregationRequest

/** How one aggregation type is answered. */
interface AggregationSpec<M extends RequestMember> {
  /** The `AggregationRequest` member that goes with the type. */
  readonly member: M
  readonly kind: InspectorAggregationKind
  /** The store sort key of each `sortBy` value the type accepts. */
  readonly sorts: Readonly<Record<string, InspectorAggregationSortKey>>
  /** Conditions on the groups from the request member (`field` names it for errors). */
  filter(request: NonNullable<i2.AggregationRequest[M]>, field: string): CriteriaNode[]
  /** The finding and first resource types counted (`account` and `title` kinds). */
  types?(request: NonNullable<i2.AggregationRequest[M]>): {
    findingType?: string
    resourceType?: string
  }
  respond(group: InspectorAggregationGroup): i2.AggregationResponse
}

/** Page size when `maxResults` is absent. */
const DEFAULT_PAGE = 50

const SEVERITY_SORTS = { CRITICAL: 'critical', HIGH: 'high', ALL: 'all' } as const

const condition = (
  path: InspectorAggregationField,
  valueType: ValueType,
  op: ConditionNode['op'],
  values: readonly (string | number)[],
) => ast.condition({ path, valueType, op, values })

/** One node from alternatives: itself when alone, an `or` otherwise. */
function anyOf(nodes: readonly CriteriaNode[]): CriteriaNode[] {
  if (nodes.length === 0) return []
  return [nodes.length === 1 ? (nodes[0] as CriteriaNode) : ast.or(nodes)]
}

/** String filters on a field: (some EQUALS or PREFIX holds) and (no NOT_EQUALS value is present). */
function strings(
  path: InspectorAggregationField,
  filters: readonly i2.StringFilter[] | undefined,
): CriteriaNode[] {
  if (!filters?.length) return []
  const pick = (c: i2.StringComparison) =>
    filters.filter((f) => f.comparison === c).map((f) => f.value)
  const equals = pick('EQUALS')
  const prefixes = pick('PREFIX')
  const excluded = pick('NOT_EQUALS')
  return [
    ...anyOf([
      ...(equals.length ? [condition(path, 'string', 'in', equals)] : []),
      ...(prefixes.length ? [condition(path, 'string', 'prefix', prefixes)] : []),
    ]),
    ...(excluded.length ? [condition(path, 'string', 'notIn', excluded)] : []),
  ]
}

/** Map filters: a tag `key` with `value`, or with any value when `value` is absent; ORed. */
function tags(filters: readonly i2.MapFilter[] | undefined): CriteriaNode[] {
  if (!filters?.length) return []
  const entry = (f: i2.MapFilter) => `${f.key}${MAP_ENTRY_SEPARATOR}${f.value ?? ''}`
  const exact = filters.filter((f) => f.value !== undefined).map(entry)
  const anyValue = filters.filter((f) => f.value === undefined).map(entry)
  return anyOf([
    ...(exact.length ? [condition('tags', 'string', 'in', exact)] : []),
    ...(anyValue.length ? [condition('tags', 'string', 'prefix', anyValue)] : []),
  ])
}

/**
 * Inclusive ranges, ORed.
 * @throws ValidationException naming `field` for a range with no bound or with inverted bounds
 */
function ranges(
  path: InspectorAggregationField,
  valueType: 'number' | 'timestamp',
  bounds: readonly { lower?: number; upper?: number }[],
  field: string,
): CriteriaNode[] {
  return anyOf(
    bounds.map(({ lower, upper }) => {
      if (lower === undefined && upper === undefined)
        throw invalidField(field, `A ${field} filter needs at least one bound.`)
      if (lower !== undefined && upper !== undefined && lower > upper)
        throw invalidField(field, `The ${field} filter's lower bound is after its upper bound.`)
      const parts = [
        ...(lower !== undefined ? [condition(path, valueType, 'gte', [lower])] : []),
        ...(upper !== undefined ? [condition(path, valueType, 'lte', [upper])] : []),
      ]
      return parts.length === 1 ? (parts[0] as ConditionNode) : ast.and(parts)
    }),
  )
}

function dates(
  path: InspectorAggregationField,
  filters: readonly i2.DateFilter[] | undefined,
  field: string,
): CriteriaNode[] {
  const bounds = (filters ?? []).map((f) => ({
    ...(f.startInclusive ? { lower: f.startInclusive.getTime() } : {}),
    ...(f.endInclusive ? { upper: f.endInclusive.getTime() } : {}),
  }))
  return ranges(path, 'timestamp', bounds, field)
}

function numbers(
  path: InspectorAggregationField,
  filters: readonly i2.NumberFilter[] | undefined,
  field: string,
): CriteriaNode[] {
  const bounds = (filters ?? []).map((f) => ({
    ...(f.lowerInclusive !== undefined ? { lower: f.lowerInclusive } : {}),
    ...(f.upperInclusive !== undefined ? { upper: f.upperInclusive } : {}),
  }))
  return ranges(path, 'number', bounds, field)
}

function severityCounts(g: InspectorAggregationGroup): i2.SeverityCounts {
  return { all: g.all, critical: g.critical, high: g.high, medium: g.medium }
}

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms))

/** The object without its undefined members (the wire form has no nulls). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

const spec = <M extends RequestMember>(s: AggregationSpec<M>) => s

/** The `findingType` and `resourceType` members of a request, when given. */
function typesOf(r: { findingType?: string; resourceType?: string }) {
  return {
    ...(r.findingType !== undefined ? { findingType: r.findingType } : {}),
    ...(r.resourceType !== undefined ? { resourceType: r.resourceType } : {}),
  }
}

/** Every aggregation type of the model. */
const SPECS: { readonly [T in i2.AggregationType]: AggregationSpec<RequestMember> } = {
  ACCOUNT: spec({
    member: 'accountAggregation',
    kind: 'account',
    sorts: SEVERITY_SORTS,
    filter: () => [],
    types: typesOf,
    respond: (g) => ({
      accountAggregation: {
        accountId: g.accountId,
        severityCounts: severityCounts(g),
        exploitAvailableCount: g.exploitAvailable,
        fixAvailableCount: g.fixAvailable,
      },
    }),
  }),
  FINDING_TYPE: spec({
    member: 'findingTypeAggregation',
    kind: 'account',
    sorts: SEVERITY_SORTS,
    filter: () => [],
    types: typesOf,
    respond: (g) => ({
      findingTypeAggregation: {
        accountId: g.accountId,
        severityCounts: severityCounts(g),
        exploitAvailableCount: g.exploitAvailable,
        fixAvailableCount: g.fixAvailable,
      },
    }),
  }),
  TITLE: spec({
    member: 'titleAggregation',
    kind: 'title',
    sorts: SEVERITY_SORTS,
    filter: (r) => [...strings('key', r.titles), ...strings('vulnerabilityId', r.vulnerabilityIds)],
    types: typesOf,
    respond: (g) => ({
      titleAggregation: defined({
        title: g.key,
        vulnerabilityId: g.vulnerabilityId,
        accountId: g.accountId,
        severityCounts: severityCounts(g),
      }),
    }),
  }),
  PACKAGE: spec({
    member: 'packageAggregation',
    kind: 'package',
    sorts: SEVERITY_SORTS,
    filter: (r) => strings('key', r.packageNames),
    respond: (g) => ({
      packageAggregation: {
        packageName: g.key,
        accountId: g.accountId,
        severityCounts: severityCounts(g),
      },
    }),
  }),
  REPOSITORY: spec({
    member: 'repositoryAggregation',
    kind: 'repository',
    sorts: { ...SEVERITY_SORTS, AFFECTED_IMAGES: 'members' },
    filter: (r) => strings('key', r.repositories),
    respond: (g) => ({
      repositoryAggregation: {
        repository: g.key,
        accountId: g.accountId,
        severityCounts: severityCounts(g),
        affectedImages: g.members,
      },
    }),
  }),
  AMI: spec({
    member: 'amiAggregation',
    kind: 'ami',
    sorts: { ...SEVERITY_SORTS, AFFECTED_INSTANCES: 'members' },
    filter: (r) => strings('key', r.amis),
    respond: (g) => ({
      amiAggregation: {
        ami: g.key,
        accountId: g.accountId,
        severityCounts: severityCounts(g),
        affectedInstances: g.members,
      },
    }),
  }),
  AWS_EC2_INSTANCE: spec({
    member: 'ec2InstanceAggregation',
    kind: 'ec2Instance',
    sorts: { ...SEVERITY_SORTS, NETWORK_FINDINGS: 'network' },
    filter: (r) => [
      ...strings('key', r.instanceIds),
      ...strings('ami', r.amis),
      ...strings('platform', r.operatingSystems),
      ...tags(r.instanceTags),
    ],
    respond: (g) => ({
      ec2InstanceAggregation: defined({
        instanceId: g.key,
        ami: g.resource?.ami,
        operatingSystem: g.resource?.platform,
        instanceTags: g.resource?.tags && { ...g.resource.tags },
        accountId: g.accountId,
        severityCounts: severityCounts(g),
        networkFindings: g.network,
      }),
    }),
  }),
  AWS_ECR_CONTAINER: spec({
    member: 'awsEcrContainerAggregation',
    kind: 'ecrImage',
    sorts: SEVERITY_SORTS,
    filter: (r, field) => [
      ...strings('key', r.resourceIds),
      ...strings('imageHash', r.imageShas),
      ...strings('repository', r.repositories),
      ...strings('architecture', r.architectures),
      ...strings('imageTags', r.imageTags),
      ...dates('lastInUseAt', r.lastInUseAt, `${field}.lastInUseAt`),
      ...numbers('inUseCount', r.inUseCount, `${field}.inUseCount`),
    ],
    respond: (g) => ({
      awsEcrContainerAggregation: defined({
        resourceId: g.key,
        imageSha: g.resource?.imageHash,
        repository: g.resource?.repository,
        architecture: g.resource?.architecture,
        imageTags: g.resource?.imageTags && [...g.resource.imageTags],
        accountId: g.accountId,
        severityCounts: severityCounts(g),
        lastInUseAt: date(g.resource?.lastInUseAt),
        inUseCount: g.resource?.inUseCount,
      }),
    }),
  }),
  IMAGE_LAYER: spec({
    member: 'imageLayerAggregation',
    kind: 'imageLayer',
    sorts: SEVERITY_SORTS,
    filter: (r) => [
      ...strings('repository', r.repositories),
      ...strings('key', r.resourceIds),
      ...strings('key2', r.layerHashes),
    ],
    respond: (g) => ({
      imageLayerAggregation: {
        repository: g.resource?.repository ?? '',
        resourceId: g.key,
        layerHash: g.key2,
        accountId: g.accountId,
        severityCounts: severityCounts(g),
      },
    }),
  }),
  AWS_LAMBDA_FUNCTION: spec({
    member: 'lambdaFunctionAggregation',
    kind: 'lambdaFunction',
    sorts: SEVERITY_SORTS,
    filter: (r) => [
      ...strings('key', r.resourceIds),
      ...strings('functionName', r.functionNames),
      ...strings('runtime', r.runtimes),
      ...tags(r.functionTags),
    ],
    respond: (g) => ({
      lambdaFunctionAggregation: defined({
        resourceId: g.key,
        functionName: g.resource?.functionName,
        runtime: g.resource?.runtime,
        lambdaTags: g.resource?.tags && { ...g.resource.tags },
        accountId: g.accountId,
        severityCounts: severityCounts(g),
        lastModifiedAt: date(g.resource?.lastModifiedAt),
      }),
    }),
  }),
  LAMBDA_LAYER: spec({
    member: 'lambdaLayerAggregation',
    kind: 'lambdaLayer',
    sorts: SEVERITY_SORTS,
    filter: (r) => [
      ...strings('functionName', r.functionNames),
      ...strings('key', r.resourceIds),
      ...strings('key2', r.layerArns),
    ],
    respond: (g) => ({
      lambdaLayerAggregation: {
        functionName: g.resource?.functionName ?? '',
        resourceId: g.key,
        layerArn: g.key2,
        accountId: g.accountId,
        severityCounts: severityCounts(g),
      },
    }),
  }),
  CODE_REPOSITORY: spec({
    member: 'codeRepositoryAggregation',
    kind: 'codeRepository',
    sorts: SEVERITY_SORTS,
    filter: (r) => [
      ...strings('projectName', r.projectNames),
      ...strings('providerType', r.providerTypes),
      ...strings('key', r.resourceIds),
    ],
    respond: (g) => ({
      codeRepositoryAggregation: defined({
        projectNames: g.resource?.projectName ?? '',
        providerType: g.resource?.providerType,
        severityCounts: severityCounts(g),
        exploitAvailableActiveFindingsCount: g.exploitAvailable,
        fixAvailableActiveFindingsCount: g.fixAvailable,
        accountId: g.accountId,
        resourceId: g.key,
      }),
    }),
  }),
}

/** Whether `value` passes string filters (EQUALS/PREFIX ORed, NOT_EQUALS ANDed). */
function passes(value: string, filters: readonly i2.StringFilter[] | undefined): boolean {
  if (!filters?.length) return true
  const positive = filters.filter((f) => f.comparison !== 'NOT_EQUALS')
  return (
    (positive.length === 0 ||
      positive.some((f) =>
        f.comparison === 'EQUALS' ? value === f.value : value.startsWith(f.value),
      )) &&
    !filters.some((f) => f.comparison === 'NOT_EQUALS' && f.value === value)
  )
}

/** The keyset position a token holds. */
function position(token: string, fingerprint: string): InspectorAggregationPosition {
  const key = decodePageToken(token, fingerprint)?.key as Record<string, unknown> | undefined
  if (
    !key ||
    typeof key.v !== 'number' ||
    typeof key.a !== 'string' ||
    typeof key.k !== 'string' ||
    typeof key.l !== 'string'
  )
    throw invalidNextToken()
  return { value: key.v, accountId: key.a, key: key.k, key2: key.l }
}

/**
 * Answers ListFindingAggregations over the findings of `readable` (the scopes the caller reads).
 * @throws ValidationException for an `aggregationRequest` member of another type, an invalid range
 *   filter, or a `nextToken` that is not one of this request's
 */
export async function listFindingAggregations(
  storage: Storage,
  readable: readonly Scope[],
  input: i2.ListFindingAggregationsRequest,
): Promise<i2.ListFindingAggregationsResponse> {
  const type = input.aggregationType
  const s = SPECS[type]
  const given = Object.entries(input.aggregationRequest ?? {}).find(([, v]) => v !== undefined)
  if (given && given[0] !== s.member)
    throw invalidField(
      `aggregationRequest.${given[0]}`,
      `A ${type} aggregation takes aggregationRequest.${s.member}.`,
    )
  const request = (given?.[1] ?? {}) as NonNullable<i2.AggregationRequest[RequestMember]>
  const field = `aggregationRequest.${s.member}`
  const filter = ast.and(s.filter(request, field))
  const sortBy = request.sortBy ?? 'CRITICAL'
  const sortKey = s.sorts[sortBy]
  if (sortKey === undefined)
    throw invalidField(`${field}.sortBy`, `A ${type} aggregation cannot be sorted by ${sortBy}.`)
  const order = request.sortOrder ?? 'DESC'
  const scopes = readable.filter((scope) => passes(scope.accountId, input.accountIds))
  const fingerprint = queryFingerprint([
    'ListFindingAggregations',
    scopes,
    type,
    input.accountIds ?? null,
    request,
    sortKey,
    order,
  ])
  const after = input.nextToken === undefined ? undefined : position(input.nextToken, fingerprint)
  const page = await storage.inspectorFindings.aggregations({
    scopes,
    kind: s.kind,
    ...s.types?.(request),
    filter,
    sort: { key: sortKey, order },
    limit: input.maxResults ?? DEFAULT_PAGE,
    ...(after ? { after } : {}),
  })
  const next = page.next
  return {
    aggregationType: type,
    responses: page.groups.map((g) => s.respond(g)),
    ...(next
      ? {
          nextToken: encodePageToken(fingerprint, {
            v: next.value,
            a: next.accountId,
            k: next.key,
            l: next.key2,
          }),
        }
      : {}),
  }
}
