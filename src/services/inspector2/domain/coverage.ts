/**
 * The Inspector coverage registry: the resources Inspector covers (EC2 instances, ECR repositories and
 * images, Lambda functions, code repositories), one `inspector2:coverage` document per (resource type,
 * scan type, resource id) in the owner account's scope, registered by whoever learns of a resource —
 * the findings import (`registerFindingResources`: the resources named by imported findings) and the
 * scanner (`registerCoverage`, with the outcome of each scan). It also owns how a record reads on the
 * wire (`CoveredResource`), its scan status, and `CoverageFilterCriteria`.
 *
 * Scan status, computed when read from the owner account's enablement of the resource's type:
 * - type not ENABLED nor ENABLING (DISABLED, DISABLING, never enabled) → INACTIVE / PENDING_DISABLE
 *   (the model's reason for a resource under disablement);
 * - type ENABLED or ENABLING, never scanned by Vigil → ACTIVE / PENDING_INITIAL_SCAN ("identified for
 *   scanning, results will be available soon") — an enabled type never reads as disabled;
 * - type enabled and a scan recorded → the status the scanner recorded (ACTIVE / SUCCESSFUL, or e.g.
 *   INACTIVE / UNSUPPORTED_OS).
 *
 * Filter semantics are those of `finding-criteria.ts`: across fields AND; within a string field the
 * EQUALS values are ORed and the NOT_EQUALS values ANDed (none may be present); map filters are ORed,
 * `key` alone matching any value; date and number ranges of a field are ORed, each inclusive, and a
 * range with no bound or with inverted bounds is a `ValidationException` naming the field.
 */
import { decodeWire } from '../../../protocol/read-input.js'
import {
  criteria as ast,
  type ConditionNode,
  type CriteriaNode,
  type FilterNode,
  type ValueType,
} from '../../../storage/query/criteria-ast.js'
import { evaluateCriteria } from '../../../storage/query/evaluate-criteria.js'
import { MAP_ENTRY_SEPARATOR, readJsonValues } from '../../../storage/query/json-values.js'
import type {
  InspectorResourceKey,
  ResourceRecord,
  Scope,
  Storage,
  StoredInspectorFinding,
} from '../../../storage/ports.js'
import { schema } from '../generated/schema.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'

export const COVERAGE_KIND = 'inspector2:coverage'

type Wire = Readonly<Record<string, unknown>>

/** The outcome of the last scan of a resource, as the scanner records it. */
export interface CoverageScan {
  readonly statusCode: i2.ScanStatusCode
  readonly reason: i2.ScanStatusReason
  /** When the resource was last checked for vulnerabilities, epoch milliseconds. */
  readonly lastScannedAtMs?: number
}

/** A covered resource as stored. */
export interface CoverageBody {
  readonly resourceType: i2.CoverageResourceType
  readonly resourceId: string
  readonly scanType: i2.ScanType
  readonly scanMode?: i2.ScanMode
  /** `ResourceScanMetadata` in wire form (timestamps as epoch seconds). */
  readonly resourceMetadata?: Wire
  /** Absent until Vigil has scanned the resource. */
  readonly scan?: CoverageScan
}

/** What a registrant knows of a resource. Metadata members given replace the stored ones. */
export interface CoverageRegistration {
  readonly resourceType: i2.CoverageResourceType
  readonly resourceId: string
  readonly scanType: i2.ScanType
  readonly scanMode?: i2.ScanMode
  readonly resourceMetadata?: i2.ResourceScanMetadata
  /** The outcome of a scan just made (the scanner); absent when the registrant did not scan. */
  readonly scan?: {
    readonly statusCode: i2.ScanStatusCode
    readonly reason: i2.ScanStatusReason
    /** When the scan checked the resource; defaults to the registration time. */
    readonly scannedAt?: Date
  }
}

/** A registration in stored form. */
interface WireRegistration {
  readonly resourceType: i2.CoverageResourceType
  readonly resourceId: string
  readonly scanType: i2.ScanType
  readonly scanMode?: i2.ScanMode
  readonly resourceMetadata?: Wire
  readonly scan?: CoverageScan
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/** A JSON value with every `Date` replaced by epoch seconds (the wire form of timestamps). */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000
  if (Array.isArray(value)) return value.map(toWire)
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v)]),
    )
  return value
}

/** The record id (and sort key) of a covered resource. */
function coverageId(r: { resourceType: string; scanType: string; resourceId: string }): string {
  return `${r.resourceType}|${r.scanType}|${r.resourceId}`
}

/** The account-status resource type that governs scanning of a covered resource. */
export function enablementKey(
  resourceType: i2.CoverageResourceType,
  scanType: i2.ScanType,
): InspectorResourceKey {
  switch (resourceType) {
    case 'AWS_EC2_INSTANCE':
      return 'ec2'
    case 'AWS_ECR_CONTAINER_IMAGE':
    case 'AWS_ECR_REPOSITORY':
      return 'ecr'
    case 'AWS_LAMBDA_FUNCTION':
      return scanType === 'CODE' ? 'lambdaCode' : 'lambda'
    case 'CODE_REPOSITORY':
      return 'codeRepository'
  }
}

/** Writes registrations of one scope, merging each into the stored record (one transaction). */
async function registerWire(
  storage: Storage,
  scope: Scope,
  registrations: readonly WireRegistration[],
  nowMs: number,
): Promise<void> {
  const merged = new Map<string, CoverageBody>()
  const created = new Map<string, number>()
  for (const reg of registrations) {
    const id = coverageId(reg)
    let before = merged.get(id)
    if (!before) {
      const stored = await storage.resources.get<CoverageBody>({
        scope,
        kind: COVERAGE_KIND,
        parentId: '',
        id,
      })
      before = stored?.body
      created.set(id, stored?.createdAtMs ?? nowMs)
    }
    const metadata = { ...before?.resourceMetadata, ...reg.resourceMetadata }
    const scanMode = reg.scanMode ?? before?.scanMode
    const scan = reg.scan ?? before?.scan
    merged.set(id, {
      resourceType: reg.resourceType,
      resourceId: reg.resourceId,
      scanType: reg.scanType,
      ...(scanMode !== undefined ? { scanMode } : {}),
      ...(Object.keys(metadata).length > 0 ? { resourceMetadata: metadata } : {}),
      ...(scan !== undefined ? { scan } : {}),
    })
  }
  if (merged.size === 0) return
  await storage.resources.apply(
    [...merged].map(([id, body]) => ({
      put: {
        scope,
        kind: COVERAGE_KIND,
        parentId: '',
        id,
        sortKey: id,
        createdAtMs: created.get(id) ?? nowMs,
        updatedAtMs: nowMs,
        body,
      },
    })),
  )
}

/**
 * Registers (or refreshes) covered resources of `scope` — the scanner's entry point. A registration
 * with `scan` records the outcome of a scan (its status, reason and `lastScannedAt`); one without
 * keeps the last recorded outcome. Metadata members given replace the stored ones, others are kept.
 * @param nowMs time of the registration, epoch milliseconds
 */
export async function registerCoverage(
  storage: Storage,
  scope: Scope,
  registrations: readonly CoverageRegistration[],
  nowMs: number,
): Promise<void> {
  await registerWire(
    storage,
    scope,
    registrations.map((r) => ({
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      scanType: r.scanType,
      ...(r.scanMode !== undefined ? { scanMode: r.scanMode } : {}),
      ...(r.resourceMetadata ? { resourceMetadata: toWire(r.resourceMetadata) as Wire } : {}),
      ...(r.scan
        ? {
            scan: {
              statusCode: r.scan.statusCode,
              reason: r.scan.reason,
              lastScannedAtMs: r.scan.scannedAt?.getTime() ?? nowMs,
            },
          }
        : {}),
    })),
    nowMs,
  )
}

const SCAN_TYPE_OF_FINDING: Readonly<Record<string, i2.ScanType>> = {
  PACKAGE_VULNERABILITY: 'PACKAGE',
  NETWORK_REACHABILITY: 'NETWORK',
  CODE_VULNERABILITY: 'CODE',
}

/** `Ec2Platform` from a finding's free-form platform (`UBUNTU_22_04`, `WINDOWS_SERVER_2019`, ...). */
function ec2Platform(platform: unknown): i2.Ec2Platform | undefined {
  if (typeof platform !== 'string' || platform === '') return undefined
  if (/windows/i.test(platform)) return 'WINDOWS'
  if (/mac/i.test(platform)) return 'MACOS'
  if (/unknown/i.test(platform)) return 'UNKNOWN'
  return 'LINUX'
}

/** Drops undefined members; undefined when nothing is left. */
function compact(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))
  return Object.keys(out).length > 0 ? out : undefined
}

/** `arn:aws:ecr:<region>:<account>:repository/<name>` of an image ARN (`…/<name>/sha256:<hash>`). */
function repositoryArnOf(imageId: string, region: string, registry: unknown, name: string): string {
  const m = /^(arn:[^:]+:ecr:[^:]+:\d{12}:repository\/.+?)\/sha256:[a-f0-9]{64}$/.exec(imageId)
  if (m?.[1]) return m[1]
  return `arn:aws:ecr:${region}:${typeof registry === 'string' ? registry : ''}:repository/${name}`
}

/** The coverage registrations a finding (wire form) implies: one per resource, plus ECR repositories. */
export function registrationsOfFinding(finding: Wire, region: string): WireRegistration[] {
  const scanType = SCAN_TYPE_OF_FINDING[String(finding.type)] ?? 'PACKAGE'
  const out: WireRegistration[] = []
  const resources = Array.isArray(finding.resources) ? (finding.resources as unknown[]) : []
  for (const r of resources) {
    if (!isObject(r) || typeof r.id !== 'string') continue
    const details = isObject(r.details) ? r.details : {}
    const tags = isObject(r.tags) ? r.tags : undefined
    const base = { resourceId: r.id, scanType }
    switch (r.type) {
      case 'AWS_EC2_INSTANCE': {
        const d = isObject(details.awsEc2Instance) ? details.awsEc2Instance : {}
        const ec2 = compact({ tags, amiId: d.imageId, platform: ec2Platform(d.platform) })
        out.push({
          ...base,
          resourceType: 'AWS_EC2_INSTANCE',
          ...(ec2 ? { resourceMetadata: { ec2 } } : {}),
        })
        break
      }
      case 'AWS_ECR_CONTAINER_IMAGE': {
        const d = isObject(details.awsEcrContainerImage) ? details.awsEcrContainerImage : {}
        const name = typeof d.repositoryName === 'string' ? d.repositoryName : undefined
        const ecrImage = compact({
          tags: d.imageTags,
          lastInUseAt: d.lastInUseAt,
          inUseCount: d.inUseCount,
        })
        out.push({
          ...base,
          resourceType: 'AWS_ECR_CONTAINER_IMAGE',
          resourceMetadata: {
            ...(ecrImage ? { ecrImage } : {}),
            ...(name ? { ecrRepository: { name } } : {}),
          },
        })
        if (name)
          out.push({
            resourceType: 'AWS_ECR_REPOSITORY',
            resourceId: repositoryArnOf(r.id, region, d.registry, name),
            scanType: 'PACKAGE',
            resourceMetadata: { ecrRepository: { name } },
          })
        break
      }
      case 'AWS_ECR_REPOSITORY': {
        const name = /:repository\/(.+)$/.exec(r.id)?.[1]
        out.push({
          ...base,
          resourceType: 'AWS_ECR_REPOSITORY',
          ...(name ? { resourceMetadata: { ecrRepository: { name } } } : {}),
        })
        break
      }
      case 'AWS_LAMBDA_FUNCTION': {
        const d = isObject(details.awsLambdaFunction) ? details.awsLambdaFunction : {}
        const lambdaFunction = compact({
          functionTags: tags,
          layers: d.layers,
          functionName: d.functionName,
          runtime: d.runtime,
        })
        out.push({
          ...base,
          resourceType: 'AWS_LAMBDA_FUNCTION',
          ...(lambdaFunction ? { resourceMetadata: { lambdaFunction } } : {}),
        })
        break
      }
      case 'CODE_REPOSITORY': {
        const d = isObject(details.codeRepository) ? details.codeRepository : {}
        const codeRepository = compact({
          projectName: d.projectName,
          integrationArn: d.integrationArn,
          providerType: d.providerType,
        })
        out.push({
          ...base,
          resourceType: 'CODE_REPOSITORY',
          ...(codeRepository ? { resourceMetadata: { codeRepository } } : {}),
        })
        break
      }
    }
  }
  return out
}

/**
 * Registers the resources named by stored findings (the findings import): each in its finding's
 * owner scope, without a scan outcome (Vigil has not scanned them).
 * @param nowMs time of the import, epoch milliseconds
 */
export async function registerFindingResources(
  storage: Storage,
  findings: readonly StoredInspectorFinding[],
  nowMs: number,
): Promise<void> {
  const byScope = new Map<string, { scope: Scope; regs: WireRegistration[] }>()
  for (const { scope, finding } of findings) {
    const key = `${scope.accountId}/${scope.region}`
    let entry = byScope.get(key)
    if (!entry) {
      entry = { scope, regs: [] }
      byScope.set(key, entry)
    }
    entry.regs.push(...registrationsOfFinding(finding, scope.region))
  }
  for (const { scope, regs } of byScope.values()) await registerWire(storage, scope, regs, nowMs)
}

/** The scan status of a record whose type has `enablement` in its owner account. */
export function scanStatusOf(body: CoverageBody, enablement: i2.Status): i2.ScanStatus {
  if (enablement !== 'ENABLED' && enablement !== 'ENABLING')
    return { statusCode: 'INACTIVE', reason: 'PENDING_DISABLE' }
  if (body.scan) return { statusCode: body.scan.statusCode, reason: body.scan.reason }
  return { statusCode: 'ACTIVE', reason: 'PENDING_INITIAL_SCAN' }
}

/** A record as ListCoverage sends it, in wire form (what filters are evaluated on). */
export function coveredResourceWire(
  record: ResourceRecord<CoverageBody>,
  enablement: i2.Status,
): Wire {
  const b = record.body
  return {
    resourceType: b.resourceType,
    resourceId: b.resourceId,
    accountId: record.scope.accountId,
    scanType: b.scanType,
    scanStatus: scanStatusOf(b, enablement),
    ...(b.resourceMetadata ? { resourceMetadata: b.resourceMetadata } : {}),
    ...(b.scan?.lastScannedAtMs !== undefined
      ? { lastScannedAt: b.scan.lastScannedAtMs / 1000 }
      : {}),
    ...(b.scanMode !== undefined ? { scanMode: b.scanMode } : {}),
  }
}

/** A wire-form covered resource decoded for a handler's answer. */
export function decodeCoveredResource(wire: Wire): i2.CoveredResource {
  return decodeWire(schema, 'CoveredResource', wire) as i2.CoveredResource
}

// --- Filter criteria ------------------------------------------------------------------------------

type FieldSpec = { readonly kind: 'string' | 'map' | 'date' | 'number'; readonly path: string }

const s = (path: string) => ({ kind: 'string', path }) as const
const META = 'resourceMetadata'

/** Every `CoverageFilterCriteria` member and the wire path of `CoveredResource` it looks at. */
export const COVERAGE_FIELDS = {
  scanStatusCode: s('scanStatus.statusCode'),
  scanStatusReason: s('scanStatus.reason'),
  accountId: s('accountId'),
  resourceId: s('resourceId'),
  resourceType: s('resourceType'),
  scanType: s('scanType'),
  ecrRepositoryName: s(`${META}.ecrRepository.name`),
  ecrImageTags: s(`${META}.ecrImage.tags`),
  ec2InstanceTags: { kind: 'map', path: `${META}.ec2.tags` },
  lambdaFunctionName: s(`${META}.lambdaFunction.functionName`),
  lambdaFunctionTags: { kind: 'map', path: `${META}.lambdaFunction.functionTags` },
  lambdaFunctionRuntime: s(`${META}.lambdaFunction.runtime`),
  lastScannedAt: { kind: 'date', path: 'lastScannedAt' },
  scanMode: s('scanMode'),
  imagePulledAt: { kind: 'date', path: `${META}.ecrImage.imagePulledAt` },
  ecrImageLastInUseAt: { kind: 'date', path: `${META}.ecrImage.lastInUseAt` },
  ecrImageInUseCount: { kind: 'number', path: `${META}.ecrImage.inUseCount` },
  codeRepositoryProjectName: s(`${META}.codeRepository.projectName`),
  codeRepositoryProviderType: s(`${META}.codeRepository.providerType`),
  codeRepositoryProviderTypeVisibility: s(`${META}.codeRepository.providerTypeVisibility`),
  lastScannedCommitId: s(`${META}.codeRepository.lastScannedCommitId`),
} as const satisfies Record<keyof Required<i2.CoverageFilterCriteria>, FieldSpec>

const condition = (
  path: string,
  valueType: ValueType,
  op: ConditionNode['op'],
  values: (string | number)[],
) => ast.condition({ path, valueType, op, values })

function anyOf(nodes: readonly CriteriaNode[]): CriteriaNode[] {
  if (nodes.length === 0) return []
  return [nodes.length === 1 ? (nodes[0] as CriteriaNode) : ast.or(nodes)]
}

function rangeNode(
  field: string,
  path: string,
  type: ValueType,
  lower: number | undefined,
  upper: number | undefined,
): CriteriaNode {
  if (lower === undefined && upper === undefined)
    throw invalidField(field, `A ${field} filter needs at least one bound.`)
  if (lower !== undefined && upper !== undefined && lower > upper)
    throw invalidField(field, `The ${field} filter's lower bound is after its upper bound.`)
  const bounds = [
    ...(lower !== undefined ? [condition(path, type, 'gte', [lower])] : []),
    ...(upper !== undefined ? [condition(path, type, 'lte', [upper])] : []),
  ]
  return bounds.length === 1 ? (bounds[0] as ConditionNode) : ast.and(bounds)
}

function fieldNodes(
  name: keyof typeof COVERAGE_FIELDS,
  given: Required<i2.CoverageFilterCriteria>,
): CriteriaNode[] {
  const field = `filterCriteria.${name}`
  const spec: FieldSpec = COVERAGE_FIELDS[name]
  switch (spec.kind) {
    case 'string': {
      const filters = given[name] as i2.CoverageStringFilter[]
      const equals = filters.filter((f) => f.comparison === 'EQUALS').map((f) => f.value)
      const excluded = filters.filter((f) => f.comparison === 'NOT_EQUALS').map((f) => f.value)
      return [
        ...(equals.length ? [condition(spec.path, 'string', 'in', equals)] : []),
        ...(excluded.length ? [condition(spec.path, 'string', 'notIn', excluded)] : []),
      ]
    }
    case 'map': {
      const filters = given[name] as i2.CoverageMapFilter[]
      const entry = (f: i2.CoverageMapFilter) => `${f.key}${MAP_ENTRY_SEPARATOR}${f.value ?? ''}`
      const exact = filters.filter((f) => f.value !== undefined).map(entry)
      const anyValue = filters.filter((f) => f.value === undefined).map(entry)
      return anyOf([
        ...(exact.length ? [condition(spec.path, 'string', 'in', exact)] : []),
        ...(anyValue.length ? [condition(spec.path, 'string', 'prefix', anyValue)] : []),
      ])
    }
    case 'date':
      return anyOf(
        (given[name] as i2.CoverageDateFilter[]).map((f) =>
          rangeNode(
            field,
            spec.path,
            'timestamp',
            f.startInclusive?.getTime(),
            f.endInclusive?.getTime(),
          ),
        ),
      )
    case 'number':
      return anyOf(
        (given[name] as i2.CoverageNumberFilter[]).map((f) =>
          rangeNode(field, spec.path, 'number', f.lowerInclusive, f.upperInclusive),
        ),
      )
  }
}

/**
 * Parses and checks a coverage filter criteria.
 * @throws ValidationException naming the field for a range with no bound or inverted bounds
 */
export function parseCoverageCriteria(input: i2.CoverageFilterCriteria | undefined): FilterNode {
  const nodes: CriteriaNode[] = []
  const given = (input ?? {}) as Required<i2.CoverageFilterCriteria>
  for (const name of Object.keys(COVERAGE_FIELDS) as (keyof typeof COVERAGE_FIELDS)[])
    if (given[name] !== undefined) nodes.push(...fieldNodes(name, given))
  return ast.and(nodes)
}

/** Whether a covered resource in wire form matches a parsed coverage filter. */
export function coverageMatches(filter: FilterNode, resource: Wire): boolean {
  return evaluateCriteria(filter, resource, readJsonValues)
}

/** The `ListCoverageStatistics` group value of a covered resource in wire form, if it has one. */
export function groupValue(resource: Wire, key: i2.GroupKey): string | undefined {
  const status = isObject(resource.scanStatus) ? resource.scanStatus : {}
  const meta = isObject(resource.resourceMetadata) ? resource.resourceMetadata : {}
  let v: unknown
  switch (key) {
    case 'SCAN_STATUS_CODE':
      v = status.statusCode
      break
    case 'SCAN_STATUS_REASON':
      v = status.reason
      break
    case 'ACCOUNT_ID':
      v = resource.accountId
      break
    case 'RESOURCE_TYPE':
      v = resource.resourceType
      break
    case 'ECR_REPOSITORY_NAME':
      v = isObject(meta.ecrRepository) ? meta.ecrRepository.name : undefined
      break
  }
  return typeof v === 'string' ? v : undefined
}

/**
 * Every coverage record of `scopes` (in the given order; by record id within a scope), from the
 * position after `after` (exclusive), read in batches.
 */
export async function* coverageRecords(
  storage: Storage,
  scopes: readonly Scope[],
  after?: { readonly accountId: string; readonly id: string },
): AsyncGenerator<ResourceRecord<CoverageBody>> {
  let started = after === undefined
  for (const scope of scopes) {
    let position: { sortKey: string; id: string } | undefined
    if (!started) {
      if (scope.accountId < (after?.accountId ?? '')) continue
      if (scope.accountId === after?.accountId) position = { sortKey: after.id, id: after.id }
      started = true
    }
    for (;;) {
      const page = await storage.resources.list<CoverageBody>(
        scope,
        COVERAGE_KIND,
        '',
        position,
        500,
      )
      yield* page
      const last = page.at(-1)
      if (page.length < 500 || !last) break
      position = { sortKey: last.sortKey, id: last.id }
    }
  }
}
