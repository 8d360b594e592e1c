/**
 * The finding aggregations of the SQLite Inspector findings store (ListFindingAggregations), kept as
 * counters so that an aggregation reads groups, not findings. Three derived tables, caches of
 * `i2_finding`: they are created here and rebuilt from the stored findings when `AGGREGATES_VERSION`
 * differs from the one they were built with, so they live outside the migrations.
 *
 * - `i2_agg_group (kind, region, account_id, d1, d2, key, key2)` → counts of the group's ACTIVE
 *   findings: all, CRITICAL, HIGH, MEDIUM, fixAvailable YES, exploitAvailable YES,
 *   NETWORK_REACHABILITY, plus `members` (distinct images of a `repository`, instances of an `ami`)
 *   and, for a `title`, `vuln` and `ftype`: the vulnerability id and finding type of its most
 *   recently written finding. `key`/`key2` identify the group (`InspectorAggregationKind`).
 *   `d1`/`d2` are roll-ups: an `account` finding counts in four rows — (its type | `*`) × (its first
 *   resource's type | `*`) — so any combination of `findingType` and `resourceType` reads one row
 *   per group; a `title` finding in two, (`*`, its first resource's type | `*`) (a title's finding
 *   type is a property of the title: `ftype`); other kinds use (`*`, `*`). A row whose count reaches
 *   0 is deleted. Indexes on (…, count DESC, key, key2) per sort count (all, CRITICAL, HIGH) give a
 *   page in index order; a write rewrites only the indexes whose count it changes.
 * - `i2_agg_member (kind, region, account_id, key, member)` → how many ACTIVE findings a member
 *   (image, instance) has in the group; a member appearing or disappearing moves `members`.
 * - `i2_agg_resource (region, account_id, resource_id)` → the attributes of a resource (AMI,
 *   platform, tags, repository, image hash, architecture, image tags, last in use, in-use count,
 *   function name, runtime, last modified, project name, provider type), from the most recently
 *   observed finding written for it (`observed_at`; ties: the later write). Rows stay when their
 *   findings go (they are only read through groups) and are deleted with their scope.
 *
 * Writes go through an `AggregateBatch` the store opens in its write transaction: it accumulates
 * the change of each finding (its contributions before, subtracted; after, added) and applies the
 * net deltas once per row, so rewriting a finding unchanged costs nothing. A query reads each
 * account's groups in sort order (by index for the counts that have one) with the filter compiled
 * to SQL on group and resource columns, and merges the accounts.
 */
import type Database from 'better-sqlite3'
import { VigilError } from '../../core/vigil-error.js'
import type { ConditionNode, CriteriaNode, ValueType } from '../query/criteria-ast.js'
import { MAP_ENTRY_SEPARATOR, typedValue } from '../query/json-values.js'
import type {
  InspectorAggregationField,
  InspectorAggregationGroup,
  InspectorAggregationKind,
  InspectorAggregationPosition,
  InspectorAggregationQuery,
  InspectorAggregationResource,
  Scope,
  StoredInspectorFinding,
} from '../ports.js'

type Wire = Readonly<Record<string, unknown>>

/** Bump when what a finding contributes changes: the tables are rebuilt on the next open. */
export const AGGREGATES_VERSION = 3

/** The roll-up value standing for "any" in `d1`/`d2`. */
const ANY = '*'

/** One group row a finding counts in, and the member it brings (`repository`, `ami`). */
export interface AggregateContribution {
  readonly kind: InspectorAggregationKind
  readonly d1: string
  readonly d2: string
  readonly key: string
  readonly key2: string
  readonly member?: string
  /** `title`: the finding's vulnerability id and type. */
  readonly vuln?: string
  readonly ftype?: string
}

/** Counter columns, in the order of `countsOf`. */
const COUNTERS = ['total', 'critical', 'high', 'medium', 'fix', 'exploit', 'network'] as const
/** Counts with a sort index. */
const INDEXED = ['total', 'critical', 'high'] as const

const DDL = `
  CREATE TABLE IF NOT EXISTS i2_agg_group (
    kind       TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    account_id TEXT    NOT NULL,
    d1         TEXT    NOT NULL,
    d2         TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    key2       TEXT    NOT NULL,
    ${COUNTERS.map((c) => `${c} INTEGER NOT NULL`).join(',\n    ')},
    members    INTEGER NOT NULL DEFAULT 0,
    vuln       TEXT,
    ftype      TEXT,
    PRIMARY KEY (kind, region, account_id, d1, d2, key, key2)
  ) STRICT, WITHOUT ROWID;
  ${INDEXED.map(
    (c) => `CREATE INDEX IF NOT EXISTS i2_agg_group_by_${c}
    ON i2_agg_group (kind, region, account_id, d1, d2, ${c} DESC, key, key2);`,
  ).join('\n  ')}
  CREATE TABLE IF NOT EXISTS i2_agg_member (
    kind       TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    account_id TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    member     TEXT    NOT NULL,
    total      INTEGER NOT NULL,
    PRIMARY KEY (kind, region, account_id, key, member)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS i2_agg_resource (
    region           TEXT    NOT NULL,
    account_id       TEXT    NOT NULL,
    resource_id      TEXT    NOT NULL,
    observed_at      INTEGER NOT NULL,
    ami              TEXT,
    platform         TEXT,
    tags             TEXT,
    repository       TEXT,
    image_hash       TEXT,
    architecture     TEXT,
    image_tags       TEXT,
    last_in_use_at   INTEGER,
    in_use_count     REAL,
    function_name    TEXT,
    runtime          TEXT,
    last_modified_at INTEGER,
    project_name     TEXT,
    provider_type    TEXT,
    PRIMARY KEY (region, account_id, resource_id)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS i2_agg_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
  ) STRICT;
`

/** Resource attribute columns of `i2_agg_resource`, by field, with their type and shape. */
const RESOURCE_COLUMNS = {
  ami: { column: 'ami', type: 'string', shape: 'scalar' },
  platform: { column: 'platform', type: 'string', shape: 'scalar' },
  tags: { column: 'tags', type: 'string', shape: 'map' },
  repository: { column: 'repository', type: 'string', shape: 'scalar' },
  imageHash: { column: 'image_hash', type: 'string', shape: 'scalar' },
  architecture: { column: 'architecture', type: 'string', shape: 'scalar' },
  imageTags: { column: 'image_tags', type: 'string', shape: 'list' },
  lastInUseAt: { column: 'last_in_use_at', type: 'timestamp', shape: 'scalar' },
  inUseCount: { column: 'in_use_count', type: 'number', shape: 'scalar' },
  functionName: { column: 'function_name', type: 'string', shape: 'scalar' },
  runtime: { column: 'runtime', type: 'string', shape: 'scalar' },
  lastModifiedAt: { column: 'last_modified_at', type: 'timestamp', shape: 'scalar' },
  projectName: { column: 'project_name', type: 'string', shape: 'scalar' },
  providerType: { column: 'provider_type', type: 'string', shape: 'scalar' },
} as const satisfies Record<
  keyof InspectorAggregationResource,
  { column: string; type: ValueType; shape: 'scalar' | 'list' | 'map' }
>

type ResourceField = keyof typeof RESOURCE_COLUMNS
const RESOURCE_FIELDS = Object.keys(RESOURCE_COLUMNS) as ResourceField[]

/** Group columns by field, and the kinds whose groups carry them. */
const GROUP_FIELDS: Readonly<
  Record<Exclude<InspectorAggregationField, ResourceField>, { column: string; kinds?: string[] }>
> = {
  key: { column: 'g.key' },
  key2: { column: 'g.key2', kinds: ['imageLayer', 'lambdaLayer'] },
  vulnerabilityId: { column: 'g.vuln', kinds: ['title'] },
}

/** How the kinds that can be narrowed to a finding type and a first resource type do it. */
const TYPE_COLUMNS: Partial<
  Record<InspectorAggregationKind, { findingType: 'g.d1' | 'g.ftype'; resourceType: 'g.d2' }>
> = {
  account: { findingType: 'g.d1', resourceType: 'g.d2' },
  title: { findingType: 'g.ftype', resourceType: 'g.d2' },
}

/** Kinds whose group is one resource (by `key`): their groups carry its attributes. */
const RESOURCE_KINDS: ReadonlySet<InspectorAggregationKind> = new Set([
  'ec2Instance',
  'ecrImage',
  'imageLayer',
  'lambdaFunction',
  'lambdaLayer',
  'codeRepository',
])

const SORT_COLUMNS = {
  all: 'total',
  critical: 'critical',
  high: 'high',
  members: 'members',
  network: 'network',
} as const

// --- What a finding contributes ------------------------------------------------------------------

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const obj = (v: unknown): Wire | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Wire) : undefined
const objects = (v: unknown): Wire[] =>
  Array.isArray(v) ? v.flatMap((x) => (obj(x) ? [x as Wire] : [])) : []

/** Distinct string values of `member` over the finding's vulnerable packages. */
function packageValues(finding: Wire, member: string): string[] {
  const packages = objects(obj(finding.packageVulnerabilityDetails)?.vulnerablePackages)
  return [...new Set(packages.flatMap((p) => str(p[member]) ?? []))]
}

/** The counter increments of one ACTIVE finding, in `COUNTERS` order. */
function countsOf(finding: Wire): number[] {
  return [
    1,
    finding.severity === 'CRITICAL' ? 1 : 0,
    finding.severity === 'HIGH' ? 1 : 0,
    finding.severity === 'MEDIUM' ? 1 : 0,
    finding.fixAvailable === 'YES' ? 1 : 0,
    finding.exploitAvailable === 'YES' ? 1 : 0,
    finding.type === 'NETWORK_REACHABILITY' ? 1 : 0,
  ]
}

/** The group rows a finding counts in: none unless it is ACTIVE. */
export function aggregationContributions(finding: Wire): AggregateContribution[] {
  if (finding.status !== 'ACTIVE') return []
  const out: AggregateContribution[] = []
  const add = (
    kind: InspectorAggregationKind,
    key: string,
    more: Partial<Omit<AggregateContribution, 'kind' | 'key'>> = {},
  ) => out.push({ kind, key, key2: '', d1: ANY, d2: ANY, ...more })
  const type = str(finding.type) ?? ''
  const resources = objects(finding.resources)
  const firstType = str(resources[0]?.type) ?? ''
  for (const d1 of [type, ANY]) for (const d2 of [firstType, ANY]) add('account', '', { d1, d2 })
  const title = str(finding.title)
  const vuln = str(obj(finding.packageVulnerabilityDetails)?.vulnerabilityId)
  if (title !== undefined)
    for (const d2 of [firstType, ANY])
      add('title', title, { d2, ftype: type, ...(vuln !== undefined ? { vuln } : {}) })
  for (const name of packageValues(finding, 'name')) add('package', name)
  const seen = new Set<string>()
  for (const r of resources) {
    const id = str(r.id)
    const rtype = str(r.type)
    if (id === undefined || rtype === undefined || seen.has(`${rtype}/${id}`)) continue
    seen.add(`${rtype}/${id}`)
    const details = obj(r.details)
    switch (rtype) {
      case 'AWS_EC2_INSTANCE': {
        add('ec2Instance', id)
        const ami = str(obj(details?.awsEc2Instance)?.imageId)
        if (ami !== undefined) add('ami', ami, { member: id })
        break
      }
      case 'AWS_ECR_CONTAINER_IMAGE': {
        add('ecrImage', id)
        const repository = str(obj(details?.awsEcrContainerImage)?.repositoryName)
        if (repository !== undefined) add('repository', repository, { member: id })
        for (const hash of packageValues(finding, 'sourceLayerHash'))
          add('imageLayer', id, { key2: hash })
        break
      }
      case 'AWS_LAMBDA_FUNCTION':
        add('lambdaFunction', id)
        for (const arn of packageValues(finding, 'sourceLambdaLayerArn'))
          add('lambdaLayer', id, { key2: arn })
        break
      case 'CODE_REPOSITORY':
        add('codeRepository', id)
        break
    }
  }
  return out
}

/** A resource's attribute row: id, observation time and one value per `RESOURCE_FIELDS` column. */
export interface ResourceRow {
  readonly id: string
  readonly observedAt: number
  readonly values: (string | number | null)[]
}

const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v))
const stringList = (v: unknown) =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined
const stringMap = (v: unknown) => {
  const o = obj(v)
  return o
    ? Object.fromEntries(
        Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string'),
      )
    : undefined
}

/** The attribute rows of a finding's resources (every finding, whatever its status). */
export function resourceRows(finding: Wire): ResourceRow[] {
  const observedAt = Number(typedValue(finding.lastObservedAt, 'timestamp') ?? 0)
  const rows: ResourceRow[] = []
  for (const r of objects(finding.resources)) {
    const id = str(r.id)
    if (id === undefined) continue
    const details = obj(r.details)
    const ec2 = obj(details?.awsEc2Instance)
    const ecr = obj(details?.awsEcrContainerImage)
    const lambda = obj(details?.awsLambdaFunction)
    const code = obj(details?.codeRepository)
    const attributes: Record<ResourceField, unknown> = {
      ami: str(ec2?.imageId),
      platform: str(ec2?.platform),
      tags: json(stringMap(r.tags)),
      repository: str(ecr?.repositoryName),
      imageHash: str(ecr?.imageHash),
      architecture: str(ecr?.architecture),
      imageTags: json(stringList(ecr?.imageTags)),
      lastInUseAt: typedValue(ecr?.lastInUseAt, 'timestamp'),
      inUseCount: typedValue(ecr?.inUseCount, 'number'),
      functionName: str(lambda?.functionName),
      runtime: str(lambda?.runtime),
      lastModifiedAt: typedValue(lambda?.lastModifiedAt, 'timestamp'),
      projectName: str(code?.projectName),
      providerType: str(code?.providerType),
    }
    rows.push({
      id,
      observedAt,
      values: RESOURCE_FIELDS.map((f) => {
        const v = attributes[f]
        return typeof v === 'string' || typeof v === 'number' ? v : null
      }),
    })
  }
  return rows
}

// --- Writing -------------------------------------------------------------------------------------

/** Joins key parts (none contains U+0000). */
const SEP = '\u0000'

interface PendingGroup {
  readonly region: string
  readonly accountId: string
  readonly c: AggregateContribution
  readonly counts: number[]
  /** `title`: the vulnerability id and type of the last added finding, if any. */
  vuln: string | null
  ftype: string | null
}

interface PendingMember {
  readonly region: string
  readonly accountId: string
  readonly kind: InspectorAggregationKind
  readonly key: string
  readonly member: string
  total: number
}

/**
 * The net change of the findings written in one store transaction; `flush` applies it (call it in
 * the same transaction).
 */
export class AggregateBatch {
  readonly #groups = new Map<string, PendingGroup>()
  readonly #members = new Map<string, PendingMember>()
  readonly #resources = new Map<string, { scope: Scope; row: ResourceRow }>()

  constructor(private readonly owner: SqliteInspectorAggregates) {}

  /** Records that a finding went from `before` (absent: new) to `after` (absent: deleted). */
  change(before: StoredInspectorFinding | undefined, after: StoredInspectorFinding | undefined) {
    if (before) this.#count(before, -1)
    if (after) {
      this.#count(after, 1)
      const { region, accountId } = after.scope
      for (const row of resourceRows(after.finding)) {
        const id = region + SEP + accountId + SEP + row.id
        const pending = this.#resources.get(id)
        if (!pending || row.observedAt >= pending.row.observedAt)
          this.#resources.set(id, { scope: after.scope, row })
      }
    }
  }

  #count(stored: StoredInspectorFinding, sign: 1 | -1): void {
    const { region, accountId } = stored.scope
    const counts = countsOf(stored.finding)
    for (const c of aggregationContributions(stored.finding)) {
      const id = [region, accountId, c.kind, c.d1, c.d2, c.key, c.key2].join(SEP)
      let group = this.#groups.get(id)
      if (!group) {
        group = { region, accountId, c, counts: COUNTERS.map(() => 0), vuln: null, ftype: null }
        this.#groups.set(id, group)
      }
      for (let i = 0; i < counts.length; i++)
        group.counts[i] = (group.counts[i] ?? 0) + sign * (counts[i] ?? 0)
      if (sign > 0 && c.ftype !== undefined) {
        group.vuln = c.vuln ?? null
        group.ftype = c.ftype
      }
      if (c.member !== undefined && c.d1 === ANY && c.d2 === ANY) {
        const mid = [region, accountId, c.kind, c.key, c.member].join(SEP)
        let member = this.#members.get(mid)
        if (!member) {
          member = { region, accountId, kind: c.kind, key: c.key, member: c.member, total: 0 }
          this.#members.set(mid, member)
        }
        member.total += sign
      }
    }
  }

  /** Applies the net deltas and the newest resource attributes. */
  flush(): void {
    for (const g of this.#groups.values())
      if (g.counts.some((n) => n !== 0) || g.ftype !== null)
        this.owner.applyGroup(g.region, g.accountId, g.c, g.counts, g.vuln, g.ftype)
    for (const m of this.#members.values())
      if (m.total !== 0)
        this.owner.applyMember(m.region, m.accountId, m.kind, m.key, m.member, m.total)
    for (const { scope, row } of this.#resources.values()) this.owner.applyResource(scope, row)
    this.#groups.clear()
    this.#members.clear()
    this.#resources.clear()
  }
}

// --- Reading -------------------------------------------------------------------------------------

interface GroupRow {
  account_id: string
  key: string
  key2: string
  total: number
  critical: number
  high: number
  medium: number
  fix: number
  exploit: number
  network: number
  members: number
  vuln: string | null
  v: number
  [column: string]: string | number | null
}

/** A prefix's length as SQLite's `substr` counts it: in characters (code points). */
const characters = (v: string | number) => [...String(v)].length
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ')
const COMPARATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

function unsupported(message: string): VigilError {
  return new VigilError('VIGIL_QUERY_UNSUPPORTED', message)
}

/** SQL testing one value expression (`expr`) with a condition. */
function scalarSql(expr: string, node: ConditionNode, params: unknown[]): string {
  const values = node.values as readonly (string | number)[]
  switch (node.op) {
    case 'in':
      params.push(...values)
      return `${expr} IN (${marks(values.length)})`
    case 'notIn':
      params.push(...values)
      return `(${expr} IS NULL OR ${expr} NOT IN (${marks(values.length)}))`
    case 'prefix':
      params.push(...values.flatMap((v) => [characters(v), v]))
      return `(${values.map(() => `substr(${expr}, 1, ?) = ?`).join(' OR ')})`
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      params.push(values[0])
      return `${expr} ${COMPARATORS[node.op]} ?`
  }
}

/** `key + MAP_ENTRY_SEPARATOR + value` of a `json_each` row over a map. */
const MAP_ENTRY = `(j.key || char(${MAP_ENTRY_SEPARATOR.codePointAt(0)}) || j.value)`

function conditionSql(
  node: ConditionNode,
  kind: InspectorAggregationKind,
  params: unknown[],
): string {
  if (node.integerPart) throw unsupported('integer-part conditions are not supported here')
  const path = node.path as InspectorAggregationField
  if (Object.hasOwn(GROUP_FIELDS, path)) {
    const field = GROUP_FIELDS[path as keyof typeof GROUP_FIELDS]
    if (node.valueType !== 'string' || (field.kinds && !field.kinds.includes(kind)))
      throw unsupported(`aggregation ${kind} has no string field ${path}`)
    return scalarSql(field.column, node, params)
  }
  const spec = Object.hasOwn(RESOURCE_COLUMNS, path)
    ? RESOURCE_COLUMNS[path as ResourceField]
    : undefined
  if (!spec || !RESOURCE_KINDS.has(kind) || spec.type !== node.valueType)
    throw unsupported(`aggregation ${kind} has no ${node.valueType} field ${path}`)
  const column = `r.${spec.column}`
  if (spec.shape === 'scalar') return scalarSql(column, node, params)
  // Lists and maps: a positive condition holds when some value satisfies it, `notIn` when no value
  // is one of its values (so also when there is no value at all).
  const test = (inner: ConditionNode) =>
    spec.shape === 'map'
      ? `j.type = 'text' AND ${scalarSql(MAP_ENTRY, inner, params)}`
      : scalarSql('j.value', inner, params)
  if (node.op === 'notIn')
    return `NOT EXISTS (SELECT 1 FROM json_each(${column}) j WHERE ${test({ ...node, op: 'in' })})`
  return `EXISTS (SELECT 1 FROM json_each(${column}) j WHERE ${test(node)})`
}

function nodeSql(node: CriteriaNode, kind: InspectorAggregationKind, params: unknown[]): string {
  switch (node.kind) {
    case 'condition':
      return conditionSql(node, kind, params)
    case 'and':
      return node.conditions.length === 0
        ? '1'
        : `(${node.conditions.map((c) => nodeSql(c, kind, params)).join(' AND ')})`
    case 'or':
      return node.conditions.length === 0
        ? '0'
        : `(${node.conditions.map((c) => nodeSql(c, kind, params)).join(' OR ')})`
    case 'element':
      throw unsupported('element conditions are not supported on aggregations')
  }
}

function resourceOf(row: GroupRow): InspectorAggregationResource {
  const out: Record<string, unknown> = {}
  for (const field of RESOURCE_FIELDS) {
    const spec = RESOURCE_COLUMNS[field]
    const v = row[`r_${spec.column}`]
    if (v === null || v === undefined) continue
    out[field] = spec.shape === 'scalar' ? v : (JSON.parse(String(v)) as unknown)
  }
  return out
}

function toGroup(row: GroupRow, kind: InspectorAggregationKind): InspectorAggregationGroup {
  return {
    accountId: row.account_id,
    key: row.key,
    key2: row.key2,
    all: row.total,
    critical: row.critical,
    high: row.high,
    medium: row.medium,
    fixAvailable: row.fix,
    exploitAvailable: row.exploit,
    network: row.network,
    members: row.members,
    ...(kind === 'title' && row.vuln !== null ? { vulnerabilityId: row.vuln } : {}),
    ...(RESOURCE_KINDS.has(kind) ? { resource: resourceOf(row) } : {}),
  }
}

// --- The tables ----------------------------------------------------------------------------------

const GROUP_KEY = ['kind', 'region', 'account_id', 'd1', 'd2', 'key', 'key2'] as const
const MEMBER_KEY = ['kind', 'region', 'account_id', 'key', 'member'] as const

/** The derived aggregation tables of one database. */
export class SqliteInspectorAggregates {
  readonly #db: Database.Database
  /** Group upserts by the set of indexed counts they change (bit i: `INDEXED[i]`). */
  readonly #upsertGroup = new Map<number, Database.Statement<unknown[]>>()
  readonly #dropEmptyGroup: Database.Statement<unknown[]>
  readonly #upsertMember: Database.Statement<unknown[], { total: number }>
  readonly #dropEmptyMember: Database.Statement<unknown[]>
  readonly #moveMembers: Database.Statement<unknown[]>
  readonly #upsertResource: Database.Statement<unknown[]>
  readonly #statements = new Map<string, Database.Statement<unknown[], GroupRow>>()

  /** Creates the tables if needed and rebuilds them when they were built by another version. */
  constructor(db: Database.Database) {
    this.#db = db
    db.exec(DDL)
    const groupKey = GROUP_KEY.map((c) => `${c} = ?`).join(' AND ')
    this.#dropEmptyGroup = db.prepare(`DELETE FROM i2_agg_group WHERE ${groupKey} AND total <= 0`)
    this.#upsertMember = db.prepare(
      `INSERT INTO i2_agg_member (${[...MEMBER_KEY, 'total'].join(', ')})
       VALUES (${marks(MEMBER_KEY.length + 1)})
       ON CONFLICT (${MEMBER_KEY.join(', ')}) DO UPDATE SET total = total + excluded.total
       RETURNING total`,
    )
    this.#dropEmptyMember = db.prepare(
      `DELETE FROM i2_agg_member WHERE ${MEMBER_KEY.map((c) => `${c} = ?`).join(' AND ')}
         AND total <= 0`,
    )
    this.#moveMembers = db.prepare(
      `UPDATE i2_agg_group SET members = members + ?
       WHERE kind = ? AND region = ? AND account_id = ? AND d1 = '${ANY}' AND d2 = '${ANY}'
         AND key = ? AND key2 = ''`,
    )
    const columns = RESOURCE_FIELDS.map((f) => RESOURCE_COLUMNS[f].column)
    this.#upsertResource = db.prepare(
      `INSERT INTO i2_agg_resource (region, account_id, resource_id, observed_at, ${columns.join(', ')})
       VALUES (${marks(4 + columns.length)})
       ON CONFLICT (region, account_id, resource_id) DO UPDATE SET
         observed_at = excluded.observed_at, ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}
       WHERE excluded.observed_at >= i2_agg_resource.observed_at`,
    )
    this.#rebuildIfStale()
  }

  #rebuildIfStale(): void {
    const db = this.#db
    const state = db
      .prepare<[], { version: number }>('SELECT version FROM i2_agg_state WHERE id = 1')
      .get()
    if (state?.version === AGGREGATES_VERSION) return
    db.transaction(() => {
      db.exec('DELETE FROM i2_agg_group; DELETE FROM i2_agg_member; DELETE FROM i2_agg_resource;')
      const batch = this.batch()
      for (const row of db
        .prepare<[], { region: string; account_id: string; body: string }>(
          'SELECT region, account_id, body FROM i2_finding ORDER BY change_seq',
        )
        .iterate())
        batch.change(undefined, {
          scope: { region: row.region, accountId: row.account_id },
          finding: JSON.parse(row.body) as Wire,
        })
      batch.flush()
      db.prepare(
        'INSERT INTO i2_agg_state (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version',
      ).run(AGGREGATES_VERSION)
    })()
  }

  /** A new batch of changes (flush it in the transaction that wrote the findings). */
  batch(): AggregateBatch {
    return new AggregateBatch(this)
  }

  /**
   * The upsert adding to the counts of a group row. It assigns only the indexed counts in `mask`
   * (SQLite then leaves the other sort indexes alone) and, when `ftype` is given, the title's
   * vulnerability id and type.
   */
  #groupUpsert(mask: number): Database.Statement<unknown[]> {
    let statement = this.#upsertGroup.get(mask)
    if (!statement) {
      const assigned = COUNTERS.filter((c) => {
        const i = (INDEXED as readonly string[]).indexOf(c)
        return i === -1 || (mask & (1 << i)) !== 0
      })
      statement = this.#db.prepare(
        `INSERT INTO i2_agg_group (${[...GROUP_KEY, ...COUNTERS, 'vuln', 'ftype'].join(', ')})
         VALUES (${marks(GROUP_KEY.length + COUNTERS.length + 2)})
         ON CONFLICT (${GROUP_KEY.join(', ')}) DO UPDATE SET
           ${assigned.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')},
           vuln = iif(excluded.ftype IS NULL, vuln, excluded.vuln),
           ftype = COALESCE(excluded.ftype, ftype)`,
      )
      this.#upsertGroup.set(mask, statement)
    }
    return statement
  }

  /**
   * Adds `counts` (in `COUNTERS` order, possibly negative) to a group row, setting a title's
   * vulnerability id and type when `ftype` is given; deletes the row when it empties.
   */
  applyGroup(
    region: string,
    accountId: string,
    c: AggregateContribution,
    counts: readonly number[],
    vuln: string | null,
    ftype: string | null,
  ): void {
    const key = [c.kind, region, accountId, c.d1, c.d2, c.key, c.key2]
    let mask = 0
    INDEXED.forEach((column, i) => {
      if (counts[COUNTERS.indexOf(column)] !== 0) mask |= 1 << i
    })
    this.#groupUpsert(mask).run(...key, ...counts, vuln, ftype)
    // A zero delta may still insert a row (a vulnerability id without count): drop it then too.
    if ((counts[0] ?? 0) <= 0) this.#dropEmptyGroup.run(...key)
  }

  /**
   * Adds `delta` findings to a member of a group (applied after the group's own delta); the
   * group's `members` follows the member appearing or disappearing.
   */
  applyMember(
    region: string,
    accountId: string,
    kind: InspectorAggregationKind,
    key: string,
    member: string,
    delta: number,
  ): void {
    const id = [kind, region, accountId, key, member]
    const total = this.#upsertMember.get(...id, delta)?.total ?? 0
    const before = total - delta
    if (before <= 0 && total > 0) this.#moveMembers.run(1, kind, region, accountId, key)
    if (total <= 0) {
      this.#dropEmptyMember.run(...id)
      if (before > 0) this.#moveMembers.run(-1, kind, region, accountId, key)
    }
  }

  /** Stores a resource's attributes unless a later-observed finding already described it. */
  applyResource(scope: Scope, row: ResourceRow): void {
    this.#upsertResource.run(scope.region, scope.accountId, row.id, row.observedAt, ...row.values)
  }

  /** Deletes the resource attributes of a scope (its groups go with its findings). */
  deleteResourcesOf(scope: Scope): void {
    this.#db
      .prepare('DELETE FROM i2_agg_resource WHERE region = ? AND account_id = ?')
      .run(scope.region, scope.accountId)
  }

  /** One page of groups, with the position after its last group when there are more. */
  query(query: InspectorAggregationQuery): {
    groups: InspectorAggregationGroup[]
    next?: InspectorAggregationPosition
  } {
    const { kind, scopes } = query
    const region = scopes[0]?.region
    if (region === undefined) return { groups: [] }
    if (scopes.some((s) => s.region !== region))
      throw unsupported('an aggregation must name scopes of one region')
    const types = TYPE_COLUMNS[kind]
    if (!types && (query.findingType ?? query.resourceType) !== undefined)
      throw unsupported(`aggregation ${kind} has no finding or resource type`)
    const filterParams: unknown[] = []
    let filter = nodeSql(query.filter, kind, filterParams)
    // Roll-up columns select the row of the asked types; other columns are tested.
    const d1 = types?.findingType === 'g.d1' ? (query.findingType ?? ANY) : ANY
    const d2 = query.resourceType ?? ANY
    if (types?.findingType === 'g.ftype' && query.findingType !== undefined) {
      filter += ' AND g.ftype = ?'
      filterParams.push(query.findingType)
    }
    const column = SORT_COLUMNS[query.sort.key]
    const desc = query.sort.order === 'DESC'
    const withResource = RESOURCE_KINDS.has(kind)
    const resourceColumns = withResource
      ? RESOURCE_FIELDS.map(
          (f) => `, r.${RESOURCE_COLUMNS[f].column} AS r_${RESOURCE_COLUMNS[f].column}`,
        ).join('')
      : ''
    const join = withResource
      ? `LEFT JOIN i2_agg_resource r
           ON r.region = g.region AND r.account_id = g.account_id AND r.resource_id = g.key`
      : ''
    const base = `SELECT g.*, g.${column} AS v${resourceColumns}
      FROM i2_agg_group g ${join}
      WHERE g.kind = ? AND g.region = ? AND g.account_id = ? AND g.d1 = ? AND g.d2 = ?
        AND ${filter}`
    // DESC: value descending, ties by (account, key, key2) ascending; ASC: the exact reverse.
    const order = desc ? `v DESC, g.key, g.key2` : `v ASC, g.key DESC, g.key2 DESC`
    const [before, after] = desc ? ['<', '>'] : ['>', '<']
    const limit = query.limit + 1
    const accounts = [...new Set(scopes.map((s) => s.accountId))].sort()
    const rows: GroupRow[] = []
    for (const accountId of accounts) {
      const params: unknown[] = [kind, region, accountId, d1, d2, ...filterParams]
      let keyset = ''
      const a = query.after
      if (a) {
        // Rows after `a` in this account: accounts before a's in the order need a value strictly
        // past it; a's own account ties on (key, key2); accounts after it may tie on the value.
        const accountBefore = desc ? accountId < a.accountId : accountId > a.accountId
        // The redundant bound lets the index seek to the position.
        if (accountId === a.accountId) {
          keyset = ` AND v ${before}= ? AND (v ${before} ? OR (v = ? AND (g.key, g.key2) ${after} (?, ?)))`
          params.push(a.value, a.value, a.value, a.key, a.key2)
        } else {
          keyset = ` AND v ${before}${accountBefore ? '' : '='} ?`
          params.push(a.value)
        }
      }
      params.push(limit)
      rows.push(...this.#prepared(`${base}${keyset} ORDER BY ${order} LIMIT ?`).all(...params))
    }
    // Merge: by value, then account (each account's rows are already in order).
    const sign = desc ? 1 : -1
    rows.sort(
      (x, y) =>
        sign * (y.v - x.v) ||
        sign * (x.account_id < y.account_id ? -1 : x.account_id > y.account_id ? 1 : 0),
    )
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    return {
      groups: page.map((row) => toGroup(row, kind)),
      ...(rows.length > query.limit && last
        ? { next: { value: last.v, accountId: last.account_id, key: last.key, key2: last.key2 } }
        : {}),
    }
  }

  #prepared(sql: string): Database.Statement<unknown[], GroupRow> {
    let statement = this.#statements.get(sql)
    if (!statement) {
      if (this.#statements.size > 200) this.#statements.clear()
      statement = this.#db.prepare<unknown[], GroupRow>(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }
}
