/**
 * The SQLite Inspector findings store. Each finding is one `i2_finding` row — its single-valued hot
 * attributes as columns (ARN, account, type, severity and its rank, status, title, inspectorScore, EPSS
 * score, first/last observed and updated times, fixAvailable, exploitAvailable, vulnerability id,
 * source and vendor severity, network protocol) plus sort-only columns describing the first resource
 * and network path step — and the whole finding as wire-form JSON; plus one `i2_finding_attr (k, v, pk)`
 * row per value of each indexed key (`I2_INDEXED_KEYS`: multi-valued paths such as resource ids, tags,
 * image tags, package names, related vulnerabilities). Queries compile the filter AST
 * (`compile-inspector-criteria.ts`); what the SQL does not answer exactly is evaluated on the stored
 * JSON through `vigil_i2_match(body, filterId)`. Pages are keyset on (sort column, pk), with findings
 * lacking the sort value (NULL) first in ascending order and last in descending order. Values are read
 * from findings with `json-values.ts`, exactly as the in-memory evaluator reads them. The counters of
 * ListFindingAggregations (`sqlite-inspector-aggregates.ts`) follow every write and delete in the
 * same transaction.
 */
import type Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { VigilError } from '../../core/vigil-error.js'
import type { FilterNode } from '../query/criteria-ast.js'
import { evaluateCriteria } from '../query/evaluate-criteria.js'
import { readJsonValues, readPathValues } from '../query/json-values.js'
import type {
  FindingPosition,
  InspectorAggregationGroup,
  InspectorAggregationPosition,
  InspectorAggregationQuery,
  InspectorFindingGroup,
  InspectorFindingGrouping,
  InspectorFindingQuery,
  InspectorFindingSortKey,
  InspectorFindingChange,
  InspectorFindingStore,
  Scope,
  StoredInspectorFinding,
} from '../ports.js'
import { compileInspectorCriteria, I2_PROMOTED } from './compile-inspector-criteria.js'
import { SqliteInspectorAggregates } from './sqlite-inspector-aggregates.js'

type Finding = Readonly<Record<string, unknown>>

/** String-valued finding paths kept in the attribute index (one row per value). */
export const I2_INDEXED_KEYS: readonly string[] = [
  'resources.type',
  'resources.id',
  'resources.tags',
  'resources.details.awsEc2Instance.imageId',
  'resources.details.awsEc2Instance.vpcId',
  'resources.details.awsEc2Instance.subnetId',
  'resources.details.awsEcrContainerImage.repositoryName',
  'resources.details.awsEcrContainerImage.registry',
  'resources.details.awsEcrContainerImage.imageHash',
  'resources.details.awsEcrContainerImage.imageTags',
  'resources.details.awsLambdaFunction.functionName',
  'resources.details.awsLambdaFunction.layers',
  'packageVulnerabilityDetails.vulnerablePackages.name',
  'packageVulnerabilityDetails.relatedVulnerabilities',
  'networkReachabilityDetails.networkPath.steps.componentId',
]

/** Severity ranks for sorting. */
export const SEVERITY_RANK: Readonly<Record<string, number>> = {
  UNTRIAGED: 0,
  INFORMATIONAL: 1,
  LOW: 2,
  MEDIUM: 3,
  HIGH: 4,
  CRITICAL: 5,
}

const SORT_COLUMNS: Readonly<Record<InspectorFindingSortKey, string>> = {
  awsAccountId: 'f.account_id',
  type: 'f.type',
  severity: 'f.severity_rank',
  firstObservedAt: 'f.first_observed_at',
  lastObservedAt: 'f.last_observed_at',
  updatedAt: 'f.updated_at',
  status: 'f.status',
  resourceType: 'f.resource_type',
  ecrImagePushedAt: 'f.ecr_image_pushed_at',
  ecrImageRepositoryName: 'f.ecr_image_repository_name',
  ecrImageRegistry: 'f.ecr_image_registry',
  networkProtocol: 'f.network_protocol',
  componentType: 'f.component_type',
  vulnerabilityId: 'f.vulnerability_id',
  vulnerabilitySource: 'f.vulnerability_source',
  inspectorScore: 'f.inspector_score',
  vendorSeverity: 'f.vendor_severity',
  epssScore: 'f.epss_score',
}

const GROUP_COLUMNS: Readonly<Record<InspectorFindingGrouping, string>> = {
  account: 'f.account_id',
  type: 'f.type',
  severity: 'f.severity',
  status: 'f.status',
  resourceType: 'f.resource_type',
  resourceId: 'f.resource_id',
  vulnerabilityId: 'f.vulnerability_id',
  title: 'f.title',
}

const SEVERITIES = Object.keys(SEVERITY_RANK)

/** Columns written per finding, in statement order (after region, account, ARN). */
const COLUMNS = [
  'type',
  'severity',
  'severity_rank',
  'status',
  'title',
  'inspector_score',
  'epss_score',
  'first_observed_at',
  'last_observed_at',
  'updated_at',
  'fix_available',
  'exploit_available',
  'vulnerability_id',
  'vulnerability_source',
  'vendor_severity',
  'network_protocol',
  'component_type',
  'resource_type',
  'resource_id',
  'ecr_image_pushed_at',
  'ecr_image_repository_name',
  'ecr_image_registry',
  'body',
] as const

type Bindable = string | number | null

/** The first value at a path, or null. */
function first(finding: Finding, path: string, type: 'string' | 'number' | 'timestamp'): Bindable {
  const v = readPathValues(finding, path, type)[0]
  return typeof v === 'string' || typeof v === 'number' ? v : null
}

function columnValues(finding: Finding): Bindable[] {
  const promoted = (path: string) => {
    const p = I2_PROMOTED[path]
    return p && p.type !== 'boolean' ? first(finding, path, p.type) : null
  }
  const severity = promoted('severity')
  const firstResource = Array.isArray(finding.resources)
    ? ((finding.resources as unknown[])[0] as Finding | undefined)
    : undefined
  const steps = (
    finding.networkReachabilityDetails as
      { networkPath?: { steps?: readonly Finding[] } } | undefined
  )?.networkPath?.steps
  const resource = firstResource ?? {}
  return [
    promoted('type'),
    severity,
    typeof severity === 'string' ? (SEVERITY_RANK[severity] ?? null) : null,
    promoted('status'),
    promoted('title'),
    promoted('inspectorScore'),
    promoted('epss.score'),
    promoted('firstObservedAt'),
    promoted('lastObservedAt'),
    promoted('updatedAt'),
    promoted('fixAvailable'),
    promoted('exploitAvailable'),
    promoted('packageVulnerabilityDetails.vulnerabilityId'),
    promoted('packageVulnerabilityDetails.source'),
    promoted('packageVulnerabilityDetails.vendorSeverity'),
    promoted('networkReachabilityDetails.protocol'),
    steps?.[0] ? first(steps[0], 'componentType', 'string') : null,
    first(resource, 'type', 'string'),
    first(resource, 'id', 'string'),
    first(resource, 'details.awsEcrContainerImage.pushedAt', 'timestamp'),
    first(resource, 'details.awsEcrContainerImage.repositoryName', 'string'),
    first(resource, 'details.awsEcrContainerImage.registry', 'string'),
    JSON.stringify(finding),
  ]
}

interface Row {
  pk: number
  account_id: string
  region: string
  body: string
  sort_value: string | number | null
}

interface GroupRow {
  k: string | null
  total: number
  fix: number
  exploit: number
  last: number | null
  [severity: string]: string | number | null
}

const MATCH_FUNCTION = 'vigil_i2_match'

export class SqliteInspectorFindingStore implements InspectorFindingStore {
  readonly #db: Database.Database
  readonly #keyIds = new Map<string, number>()
  readonly #insert: Database.Statement<Bindable[], { pk: number }>
  readonly #selectOld: Database.Statement<
    [string],
    { pk: number; body: string; region: string; account_id: string }
  >
  readonly #update: Database.Statement<Bindable[]>
  readonly #insertAttr: Database.Statement<[number, string, number]>
  readonly #deleteAttr: Database.Statement<[number, string, number]>
  readonly #deleteFinding: Database.Statement<[number]>
  readonly #statements = new Map<string, Database.Statement<unknown[], unknown>>()
  readonly #write: (findings: readonly StoredInspectorFinding[]) => void
  readonly #deleteRows: (rows: readonly DeletedRow[]) => void
  /** Finding aggregation counters, kept in the write transactions. */
  readonly #aggregates: SqliteInspectorAggregates
  /** The last change number given (the database has one writer: this process). */
  #changeSeq: number
  /** Residual filters of the queries running now, by the id bound into `vigil_i2_match`. */
  readonly #residuals = new Map<number, FilterNode>()
  #nextResidual = 1

  constructor(db: Database.Database) {
    this.#db = db
    this.#insert = db.prepare(
      `INSERT INTO i2_finding (region, account_id, arn, ${COLUMNS.join(', ')}, change_seq)
       VALUES (${COLUMNS.map(() => '?').join(', ')}, ?, ?, ?, ?)
       ON CONFLICT (arn) DO NOTHING RETURNING pk`,
    )
    this.#selectOld = db.prepare(
      'SELECT pk, body, region, account_id FROM i2_finding WHERE arn = ?',
    )
    this.#update = db.prepare(
      `UPDATE i2_finding SET region = ?, account_id = ?, ${COLUMNS.map((c) => `${c} = ?`).join(', ')},
         change_seq = ?
       WHERE pk = ?`,
    )
    this.#insertAttr = db.prepare(
      'INSERT OR IGNORE INTO i2_finding_attr (k, v, pk) VALUES (?, ?, ?)',
    )
    this.#deleteAttr = db.prepare('DELETE FROM i2_finding_attr WHERE k = ? AND v = ? AND pk = ?')
    this.#deleteFinding = db.prepare('DELETE FROM i2_finding WHERE pk = ?')
    db.function(MATCH_FUNCTION, { deterministic: false }, (body: unknown, filterId: unknown) => {
      const filter = this.#residuals.get(Number(filterId))
      if (!filter || typeof body !== 'string') return 0
      return evaluateCriteria(filter, JSON.parse(body) as Finding, readJsonValues) ? 1 : 0
    })
    this.#loadKeys()
    this.#aggregates = new SqliteInspectorAggregates(db)
    this.#changeSeq =
      db.prepare<[], { seq: number | null }>('SELECT MAX(change_seq) AS seq FROM i2_finding').get()
        ?.seq ?? 0
    this.#write = db.transaction((findings: readonly StoredInspectorFinding[]) => {
      const aggregates = this.#aggregates.batch()
      for (const { scope, finding } of findings) {
        const arn = finding.findingArn
        if (typeof arn !== 'string' || finding.awsAccountId !== scope.accountId)
          throw new VigilError(
            'VIGIL_STORAGE_FAILURE',
            'an Inspector finding needs a findingArn and the awsAccountId of its scope',
          )
        const values = [...columnValues(finding), ++this.#changeSeq]
        let row = this.#insert.get(scope.region, scope.accountId, arn, ...values)
        if (!row) {
          const old = this.#selectOld.get(arn)
          if (!old) throw new VigilError('VIGIL_STORAGE_FAILURE', `finding ${arn} was not written`)
          this.#removeAttributes(old.pk, old.body)
          this.#update.run(scope.region, scope.accountId, ...values, old.pk)
          aggregates.change(storedOf(old), { scope, finding })
          row = old
        } else aggregates.change(undefined, { scope, finding })
        this.#addAttributes(row.pk, finding)
      }
      aggregates.flush()
    })
    this.#deleteRows = db.transaction((rows: readonly DeletedRow[]) => {
      const aggregates = this.#aggregates.batch()
      for (const row of rows) {
        this.#removeAttributes(row.pk, row.body)
        this.#deleteFinding.run(row.pk)
        aggregates.change(storedOf(row), undefined)
      }
      aggregates.flush()
    })
  }

  /** Registers every indexed key's integer and rebuilds the index when the key set changed. */
  #loadKeys(): void {
    const db = this.#db
    const names = [...I2_INDEXED_KEYS].sort()
    const signature = createHash('sha256').update(names.join('\n')).digest('hex')
    const stored = db
      .prepare<[], { signature: string }>('SELECT signature FROM i2_finding_index_state')
      .get()
    const insertKey = db.prepare('INSERT OR IGNORE INTO i2_attr_key (name) VALUES (?)')
    db.transaction(() => {
      for (const name of names) insertKey.run(name)
    })()
    const indexed = new Set(names)
    for (const row of db
      .prepare<[], { k: number; name: string }>('SELECT k, name FROM i2_attr_key')
      .all())
      if (indexed.has(row.name)) this.#keyIds.set(row.name, row.k)
    if (stored?.signature === signature) return
    db.transaction(() => {
      db.exec('DELETE FROM i2_finding_attr')
      for (const row of db
        .prepare<[], { pk: number; body: string }>('SELECT pk, body FROM i2_finding')
        .all())
        this.#addAttributes(row.pk, JSON.parse(row.body) as Finding)
      db.prepare(
        'INSERT INTO i2_finding_index_state (id, signature) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET signature = excluded.signature',
      ).run(signature)
    })()
  }

  #attributeRows(finding: Finding): [number, string][] {
    const rows: [number, string][] = []
    for (const [key, k] of this.#keyIds)
      for (const v of new Set(readPathValues(finding, key, 'string'))) rows.push([k, v as string])
    return rows
  }

  #addAttributes(pk: number, finding: Finding): void {
    for (const [k, v] of this.#attributeRows(finding)) this.#insertAttr.run(k, v, pk)
  }

  #removeAttributes(pk: number, body: string): void {
    for (const [k, v] of this.#attributeRows(JSON.parse(body) as Finding))
      this.#deleteAttr.run(k, v, pk)
  }

  #prepared<T>(sql: string): Database.Statement<unknown[], T> {
    let statement = this.#statements.get(sql)
    if (!statement) {
      if (this.#statements.size > 500) this.#statements.clear()
      statement = this.#db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement as Database.Statement<unknown[], T>
  }

  #scopeSql(scopes: readonly Scope[], params: unknown[]): string {
    const region = scopes[0]?.region
    if (region === undefined || scopes.some((s) => s.region !== region))
      throw new VigilError(
        'VIGIL_QUERY_UNSUPPORTED',
        'an Inspector findings query must name scopes of one region',
      )
    params.push(region, ...scopes.map((s) => s.accountId))
    return `f.region = ? AND f.account_id IN (${scopes.map(() => '?').join(', ')})`
  }

  /**
   * Adds the scope and criteria tests to `where`/`params`, registering the residual filter (if any),
   * runs `fn`, and unregisters it.
   */
  #filtered<T>(
    scopes: readonly Scope[],
    filter: FilterNode,
    fn: (where: string[], params: unknown[]) => T,
  ): T {
    const params: unknown[] = []
    const where = [this.#scopeSql(scopes, params)]
    const compiled = compileInspectorCriteria(filter, { keyId: (key) => this.#keyIds.get(key) })
    where.push(compiled.sql)
    params.push(...compiled.params)
    if (!compiled.residual) return fn(where, params)
    const id = this.#nextResidual++
    this.#residuals.set(id, compiled.residual)
    where.push(`${MATCH_FUNCTION}(f.body, ?)`)
    params.push(id)
    try {
      return fn(where, params)
    } finally {
      this.#residuals.delete(id)
    }
  }

  upsert(findings: readonly StoredInspectorFinding[]): Promise<void> {
    try {
      this.#write(findings)
      return Promise.resolve()
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  getByArns(scopes: readonly Scope[], arns: readonly string[]): Promise<StoredInspectorFinding[]> {
    return attempt(() => this.#select(scopes, arns).map(toStored))
  }

  #select(scopes: readonly Scope[], arns: readonly string[]): Row[] {
    if (arns.length === 0 || scopes.length === 0) return []
    const out: Row[] = []
    // Chunks keep the statement under SQLite's bound-parameter limit.
    for (let i = 0; i < arns.length; i += 500) {
      const chunk = arns.slice(i, i + 500)
      const params: unknown[] = []
      const where = this.#scopeSql(scopes, params)
      params.push(...chunk)
      out.push(
        ...this.#prepared<Row>(
          `SELECT f.pk, f.account_id, f.region, f.body, NULL AS sort_value FROM i2_finding f
           WHERE ${where} AND f.arn IN (${chunk.map(() => '?').join(', ')})`,
        ).all(...params),
      )
    }
    return out
  }

  query(
    query: InspectorFindingQuery,
  ): Promise<{ findings: StoredInspectorFinding[]; next?: FindingPosition }> {
    return attempt(() => this.#query(query))
  }

  #query(query: InspectorFindingQuery): {
    findings: StoredInspectorFinding[]
    next?: FindingPosition
  } {
    if (query.scopes.length === 0) return { findings: [] }
    const column = SORT_COLUMNS[query.sort.key]
    const desc = query.sort.order === 'DESC'
    const dir = desc ? 'DESC' : 'ASC'
    const rows = this.#filtered(query.scopes, query.filter, (where, params) => {
      if (query.after) where.push(afterPosition(column, desc, query.after, params))
      params.push(query.limit + 1)
      return this.#prepared<Row>(
        `SELECT f.pk, f.account_id, f.region, f.body, ${column} AS sort_value
         FROM i2_finding f WHERE ${where.join(' AND ')}
         ORDER BY ${column} ${dir} NULLS ${desc ? 'LAST' : 'FIRST'}, f.pk ${dir} LIMIT ?`,
      ).all(...params)
    })
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    return {
      findings: page.map(toStored),
      ...(rows.length > query.limit && last
        ? { next: { sortValue: last.sort_value, pk: last.pk } }
        : {}),
    }
  }

  count(scopes: readonly Scope[], filter: FilterNode): Promise<number> {
    return attempt(() => {
      if (scopes.length === 0) return 0
      return this.#filtered(
        scopes,
        filter,
        (where, params) =>
          this.#prepared<{ n: number }>(
            `SELECT COUNT(*) AS n FROM i2_finding f WHERE ${where.join(' AND ')}`,
          ).get(...params)?.n ?? 0,
      )
    })
  }

  aggregate(
    scopes: readonly Scope[],
    filter: FilterNode,
    by: InspectorFindingGrouping,
  ): Promise<InspectorFindingGroup[]> {
    return attempt(() => {
      if (scopes.length === 0) return []
      const column = GROUP_COLUMNS[by]
      const perSeverity = SEVERITIES.map((s) => `SUM(f.severity = '${s}') AS "${s}"`).join(', ')
      const rows = this.#filtered(scopes, filter, (where, params) =>
        this.#prepared<GroupRow>(
          `SELECT ${column} AS k, COUNT(*) AS total, ${perSeverity},
             SUM(f.fix_available = 'YES') AS fix, SUM(f.exploit_available = 'YES') AS exploit,
             MAX(f.last_observed_at) AS last
           FROM i2_finding f WHERE ${where.join(' AND ')} GROUP BY ${column}`,
        ).all(...params),
      )
      return rows.map((r) => ({
        key: r.k,
        total: r.total,
        bySeverity: Object.fromEntries(
          SEVERITIES.flatMap((s) => (Number(r[s] ?? 0) > 0 ? [[s, Number(r[s])]] : [])),
        ),
        fixAvailable: r.fix,
        exploitAvailable: r.exploit,
        lastObservedMs: r.last ?? 0,
      }))
    })
  }

  aggregations(
    query: InspectorAggregationQuery,
  ): Promise<{ groups: InspectorAggregationGroup[]; next?: InspectorAggregationPosition }> {
    return attempt(() => this.#aggregates.query(query))
  }

  deleteByArns(scopes: readonly Scope[], arns: readonly string[]): Promise<number> {
    return attempt(() => {
      const rows = this.#select(scopes, arns)
      this.#deleteRows(rows)
      return rows.length
    })
  }

  changesAfter(afterSeq: number, limit: number): Promise<InspectorFindingChange[]> {
    const rows = this.#db
      .prepare<
        [number, number],
        { account_id: string; region: string; body: string; change_seq: number }
      >(
        `SELECT account_id, region, body, change_seq FROM i2_finding
         WHERE change_seq > ? ORDER BY change_seq LIMIT ?`,
      )
      .all(afterSeq, limit)
    return Promise.resolve(
      rows.map((r) => ({
        seq: r.change_seq,
        scope: { accountId: r.account_id, region: r.region },
        finding: JSON.parse(r.body) as Finding,
      })),
    )
  }

  lastChangeSeq(): Promise<number> {
    return Promise.resolve(this.#changeSeq)
  }

  deleteOfScope(scope: Scope): Promise<number> {
    return attempt(() => {
      const rows = this.#prepared<DeletedRow>(
        'SELECT pk, body, region, account_id FROM i2_finding WHERE region = ? AND account_id = ?',
      ).all(scope.region, scope.accountId)
      this.#deleteRows(rows)
      this.#aggregates.deleteResourcesOf(scope)
      return rows.length
    })
  }
}

/**
 * The keyset condition for rows after `after` in the order `column dir NULLS FIRST|LAST, pk dir`.
 */
function afterPosition(
  column: string,
  desc: boolean,
  after: FindingPosition,
  params: unknown[],
): string {
  const cmp = desc ? '<' : '>'
  if (after.sortValue === null) {
    params.push(after.pk)
    // ASC: NULLs come first, then every non-NULL; DESC: NULLs come last.
    return desc
      ? `(${column} IS NULL AND f.pk < ?)`
      : `((${column} IS NULL AND f.pk > ?) OR ${column} IS NOT NULL)`
  }
  params.push(after.sortValue, after.sortValue, after.pk)
  const tail = desc ? ` OR ${column} IS NULL` : ''
  return `(${column} ${cmp} ? OR (${column} = ? AND f.pk ${cmp} ?)${tail})`
}

function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn())
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

/** A stored row about to be deleted (or replaced). */
interface DeletedRow {
  pk: number
  body: string
  region: string
  account_id: string
}

function storedOf(row: DeletedRow): StoredInspectorFinding {
  return {
    scope: { accountId: row.account_id, region: row.region },
    finding: JSON.parse(row.body) as Finding,
  }
}

function toStored(row: Row): StoredInspectorFinding {
  return {
    scope: { accountId: row.account_id, region: row.region },
    finding: JSON.parse(row.body) as Finding,
  }
}
