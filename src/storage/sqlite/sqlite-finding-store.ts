/**
 * The SQLite findings store. Each finding is one `gd_finding` row — hot single-valued attributes as
 * indexed columns (type, severity, confidence, createdAt, updatedAt, archived, id, resource type and
 * id) and the whole finding as JSON — plus one `gd_finding_attr (k, v, pk)` row per value of each key
 * the service chose to index (multi-valued paths such as security groups, tags and IPs, and the
 * frequently filtered single-valued ones); `k` is a small integer from `gd_attr_key`. The attribute
 * table is one B-tree (WITHOUT ROWID, primary key `(k, v, pk)`): rows are removed by recomputing the
 * old finding's values, not through a second index. Queries compile the filter AST
 * (`compile-criteria.ts`); conditions on keys that are neither columns nor indexed run as a residual
 * filter over the stored JSON through the `vigil_gd_match(body, filterId)` SQL function. Pages are
 * keyset on (sort column, pk), never OFFSET. When the indexed key set changes, the attribute index is
 * rebuilt from the stored findings on open.
 */
import type Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { VigilError } from '../../core/vigil-error.js'
import type { FilterNode } from '../query/criteria-ast.js'
import { evaluateCriteria } from '../query/evaluate-criteria.js'
import type {
  FindingAttributes,
  FindingChange,
  FindingGroup,
  FindingGrouping,
  FindingPosition,
  FindingQuery,
  FindingStore,
  Scope,
  StoredFinding,
} from '../ports.js'
import { compileCriteria, PROMOTED, type CompiledSql } from './compile-criteria.js'

interface Row {
  pk: number
  account_id: string
  region: string
  detector_id: string
  body: string
  sort_value: string | number | null
}

type Finding = Readonly<Record<string, unknown>>

interface GroupRow {
  k: string | number
  acct: string
  rtype: string
  total: number
  last: number
  max_sev: number
}

const GROUP_KEYS: Readonly<Record<FindingGrouping, string>> = {
  account: 'f.account_id',
  day: '(f.created_at / 86400000) * 86400000',
  type: 'f.type',
  severity: 'f.severity',
  resource: 'f.resource_id',
}

const GROUP_BY: Readonly<Record<FindingGrouping, string>> = {
  ...GROUP_KEYS,
  resource: 'f.account_id, f.resource_type, f.resource_id',
}

const time = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : 0) || 0

const MATCH_FUNCTION = 'vigil_gd_match'

export class SqliteFindingStore implements FindingStore {
  readonly sortable: ReadonlySet<string> = new Set(Object.keys(PROMOTED))
  readonly #db: Database.Database
  readonly #attributes: FindingAttributes
  readonly #keyIds = new Map<string, number>()
  readonly #insert: Database.Statement<unknown[], { pk: number }>
  readonly #selectOld: Database.Statement<unknown[], { pk: number; body: string }>
  readonly #update: Database.Statement<unknown[]>
  readonly #insertAttrStatements: Database.Statement<(string | number)[]>[] = []
  readonly #deleteAttr: Database.Statement<[number, string | number, number]>
  readonly #deleteFinding: Database.Statement<[number]>
  readonly #statements = new Map<string, Database.Statement<unknown[], Row>>()
  readonly #write: (findings: readonly StoredFinding[]) => void
  readonly #deleteRows: (rows: readonly { pk: number; body: string }[]) => void
  /** The last change number given (the database has one writer: this process). */
  #changeSeq: number
  /** Residual filters of the queries running now, by the id bound into `vigil_gd_match`. */
  readonly #residuals = new Map<number, FilterNode>()
  #nextResidual = 1

  constructor(db: Database.Database, attributes: FindingAttributes) {
    this.#db = db
    this.#attributes = attributes
    const columns =
      'account_id, region, detector_id, id, type, severity, confidence, created_at, updated_at, archived, resource_type, resource_id, body, change_seq'
    this.#insert = db.prepare(
      `INSERT INTO gd_finding (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (region, account_id, id) DO NOTHING RETURNING pk`,
    )
    this.#selectOld = db.prepare(
      'SELECT pk, body FROM gd_finding WHERE region = ? AND account_id = ? AND id = ?',
    )
    this.#update = db.prepare(
      `UPDATE gd_finding SET detector_id = ?, type = ?, severity = ?, confidence = ?, created_at = ?,
         updated_at = ?, archived = ?, resource_type = ?, resource_id = ?, body = ?, change_seq = ?
       WHERE pk = ?`,
    )
    this.#deleteAttr = db.prepare('DELETE FROM gd_finding_attr WHERE k = ? AND v = ? AND pk = ?')
    this.#deleteFinding = db.prepare('DELETE FROM gd_finding WHERE pk = ?')
    db.function(MATCH_FUNCTION, { deterministic: false }, (body: unknown, filterId: unknown) => {
      const filter = this.#residuals.get(Number(filterId))
      if (!filter || typeof body !== 'string') return 0
      const finding = JSON.parse(body) as Finding
      return evaluateCriteria(filter, finding, (f, node) => attributes.read(f, node)) ? 1 : 0
    })
    this.#loadKeys()
    this.#changeSeq =
      db.prepare<[], { seq: number | null }>('SELECT MAX(change_seq) AS seq FROM gd_finding').get()
        ?.seq ?? 0
    this.#write = db.transaction((findings: readonly StoredFinding[]) => {
      for (const { scope, detectorId, finding } of findings) {
        const id = String(finding.id)
        const service = finding.service as { archived?: unknown } | undefined
        const resource = attributes.resourceOf(finding)
        const promoted = [
          String(finding.type),
          Number(finding.severity ?? 0),
          Number(finding.confidence ?? 0),
          time(finding.createdAt),
          time(finding.updatedAt),
          service?.archived === true ? 1 : 0,
          resource.type ?? '',
          resource.id ?? '',
          JSON.stringify(finding),
          ++this.#changeSeq,
        ] as const
        let row = this.#insert.get(scope.accountId, scope.region, detectorId, id, ...promoted)
        if (!row) {
          const old = this.#selectOld.get(scope.region, scope.accountId, id)
          if (!old) throw new VigilError('VIGIL_STORAGE_FAILURE', `finding ${id} was not written`)
          this.#removeAttributes(old.pk, old.body)
          this.#update.run(detectorId, ...promoted, old.pk)
          row = old
        }
        this.#addAttributes(row.pk, finding)
      }
    })
    this.#deleteRows = db.transaction((rows: readonly { pk: number; body: string }[]) => {
      for (const row of rows) {
        this.#removeAttributes(row.pk, row.body)
        this.#deleteFinding.run(row.pk)
      }
    })
  }

  /** Registers every indexed key's integer and rebuilds the index when the key set changed. */
  #loadKeys(): void {
    const db = this.#db
    const names = [...this.#attributes.indexed].sort()
    const signature = createHash('sha256').update(names.join('\n')).digest('hex')
    const stored = db
      .prepare<[], { signature: string }>('SELECT signature FROM gd_finding_index_state')
      .get()
    const insertKey = db.prepare('INSERT OR IGNORE INTO gd_attr_key (name) VALUES (?)')
    db.transaction(() => {
      for (const name of names) insertKey.run(name)
    })()
    for (const row of db
      .prepare<[], { k: number; name: string }>('SELECT k, name FROM gd_attr_key')
      .all())
      if (this.#attributes.indexed.has(row.name)) this.#keyIds.set(row.name, row.k)
    if (stored?.signature === signature) return
    db.transaction(() => {
      db.exec('DELETE FROM gd_finding_attr')
      const setResource = db.prepare(
        'UPDATE gd_finding SET resource_type = ?, resource_id = ? WHERE pk = ?',
      )
      for (const row of db
        .prepare<[], { pk: number; body: string }>('SELECT pk, body FROM gd_finding')
        .all()) {
        const finding = JSON.parse(row.body) as Finding
        const resource = this.#attributes.resourceOf(finding)
        setResource.run(resource.type ?? '', resource.id ?? '', row.pk)
        this.#addAttributes(row.pk, finding)
      }
      db.prepare(
        'INSERT INTO gd_finding_index_state (id, signature) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET signature = excluded.signature',
      ).run(signature)
    })()
  }

  #attributeRows(finding: Finding): [number, string | number][] {
    const rows: [number, string | number][] = []
    for (const [key, value] of this.#attributes.extract(finding)) {
      const k = this.#keyIds.get(key)
      if (k !== undefined) rows.push([k, typeof value === 'boolean' ? String(value) : value])
    }
    return rows
  }

  #addAttributes(pk: number, finding: Finding): void {
    const rows = this.#attributeRows(finding)
    // One statement for up to 32 rows: far fewer calls into SQLite than a row at a time.
    for (let i = 0; i < rows.length; i += 32) {
      const chunk = rows.slice(i, i + 32)
      const params: (string | number)[] = []
      for (const [k, v] of chunk) params.push(k, v, pk)
      this.#insertAttrs(chunk.length).run(...params)
    }
  }

  #insertAttrs(rows: number): Database.Statement<(string | number)[]> {
    let statement = this.#insertAttrStatements[rows]
    if (!statement) {
      statement = this.#db.prepare(
        `INSERT OR IGNORE INTO gd_finding_attr (k, v, pk) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?)').join(', ')}`,
      )
      this.#insertAttrStatements[rows] = statement
    }
    return statement
  }

  #removeAttributes(pk: number, body: string): void {
    for (const [k, v] of this.#attributeRows(JSON.parse(body) as Finding))
      this.#deleteAttr.run(k, v, pk)
  }

  #compile(filter: FilterNode): CompiledSql {
    return compileCriteria(filter, { keyId: (key) => this.#keyIds.get(key) })
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
    const compiled = this.#compile(filter)
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

  upsert(findings: readonly StoredFinding[]): Promise<void> {
    this.#write(findings)
    return Promise.resolve()
  }

  #prepared(sql: string): Database.Statement<unknown[], Row> {
    let statement = this.#statements.get(sql)
    if (!statement) {
      if (this.#statements.size > 500) this.#statements.clear()
      statement = this.#db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  #scopeSql(scopes: readonly Scope[], params: unknown[]): string {
    const region = scopes[0]?.region
    if (region === undefined || scopes.some((s) => s.region !== region))
      throw new VigilError(
        'VIGIL_QUERY_UNSUPPORTED',
        'a findings query must name scopes of one region',
      )
    params.push(region, ...scopes.map((s) => s.accountId))
    return `f.region = ? AND f.account_id IN (${scopes.map(() => '?').join(', ')})`
  }

  getByIds(scopes: readonly Scope[], ids: readonly string[]): Promise<StoredFinding[]> {
    try {
      return Promise.resolve(this.#getByIds(scopes, ids))
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  query(query: FindingQuery): Promise<{ findings: StoredFinding[]; next?: FindingPosition }> {
    try {
      return Promise.resolve(this.#query(query))
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  aggregate(
    scopes: readonly Scope[],
    filter: FilterNode,
    by: FindingGrouping,
    options: { readonly countsOnly?: boolean } = {},
  ): Promise<FindingGroup[]> {
    try {
      if (scopes.length === 0) return Promise.resolve([])
      const columns = options.countsOnly
        ? 'NULL AS acct, NULL AS rtype, COUNT(*) AS total, 0 AS last, 0 AS max_sev'
        : by === 'resource'
          ? 'MIN(f.account_id) AS acct, MIN(f.resource_type) AS rtype, COUNT(*) AS total, MAX(f.updated_at) AS last, MAX(f.severity) AS max_sev'
          : 'NULL AS acct, NULL AS rtype, COUNT(*) AS total, MAX(f.updated_at) AS last, MAX(f.severity) AS max_sev'
      const rows = this.#filtered(scopes, filter, (where, params) =>
        this.#groups(
          `SELECT ${GROUP_KEYS[by]} AS k, ${columns}
           FROM gd_finding f WHERE ${where.join(' AND ')} GROUP BY ${GROUP_BY[by]}`,
        ).all(...params),
      )
      return Promise.resolve(
        rows.map((r) => ({
          key: r.k,
          ...(by === 'resource' ? { accountId: r.acct, resourceType: r.rtype } : {}),
          total: r.total,
          lastUpdatedMs: r.last,
          maxSeverity: r.max_sev,
        })),
      )
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  deleteUpdatedBefore(cutoffMs: number, limit: number): Promise<number> {
    const rows = this.#db
      .prepare<[number, number], { pk: number; body: string }>(
        'SELECT pk, body FROM gd_finding WHERE updated_at < ? LIMIT ?',
      )
      .all(cutoffMs, limit)
    this.#deleteRows(rows)
    return Promise.resolve(rows.length)
  }

  changesAfter(afterSeq: number, limit: number): Promise<FindingChange[]> {
    const rows = this.#db
      .prepare<[number, number], Row & { change_seq: number }>(
        `SELECT pk, account_id, region, detector_id, body, NULL AS sort_value, change_seq
         FROM gd_finding WHERE change_seq > ? ORDER BY change_seq LIMIT ?`,
      )
      .all(afterSeq, limit)
    return Promise.resolve(rows.map((r) => ({ ...toStored(r), seq: r.change_seq })))
  }

  lastChangeSeq(): Promise<number> {
    return Promise.resolve(this.#changeSeq)
  }

  deleteOfDetector(scope: Scope, detectorId: string): Promise<number> {
    const rows = this.#db
      .prepare<[string, string, string], { pk: number; body: string }>(
        'SELECT pk, body FROM gd_finding WHERE region = ? AND account_id = ? AND detector_id = ?',
      )
      .all(scope.region, scope.accountId, detectorId)
    this.#deleteRows(rows)
    return Promise.resolve(rows.length)
  }

  #groups(sql: string): Database.Statement<unknown[], GroupRow> {
    return this.#prepared(sql) as unknown as Database.Statement<unknown[], GroupRow>
  }

  #getByIds(scopes: readonly Scope[], ids: readonly string[]): StoredFinding[] {
    if (ids.length === 0 || scopes.length === 0) return []
    const params: unknown[] = []
    const where = this.#scopeSql(scopes, params)
    params.push(...ids)
    const rows = this.#prepared(
      `SELECT f.pk, f.account_id, f.region, f.detector_id, f.body, NULL AS sort_value FROM gd_finding f
       WHERE ${where} AND f.id IN (${ids.map(() => '?').join(', ')})`,
    ).all(...params)
    return rows.map(toStored)
  }

  #query(query: FindingQuery): { findings: StoredFinding[]; next?: FindingPosition } {
    if (query.scopes.length === 0) return { findings: [] }
    const sort = PROMOTED[query.sort.attribute]
    if (!sort)
      throw new VigilError(
        'VIGIL_QUERY_UNSUPPORTED',
        `findings cannot be sorted by ${query.sort.attribute}`,
      )
    const desc = query.sort.order === 'DESC'
    const dir = desc ? 'DESC' : 'ASC'
    const rows = this.#filtered(query.scopes, query.filter, (where, params) => {
      if (query.after) {
        const cmp = desc ? '<' : '>'
        where.push(`(${sort.column} ${cmp} ? OR (${sort.column} = ? AND f.pk ${cmp} ?))`)
        params.push(query.after.sortValue, query.after.sortValue, query.after.pk)
      }
      params.push(query.limit + 1)
      return this.#prepared(
        `SELECT f.pk, f.account_id, f.region, f.detector_id, f.body, ${sort.column} AS sort_value
         FROM gd_finding f WHERE ${where.join(' AND ')}
         ORDER BY ${sort.column} ${dir}, f.pk ${dir} LIMIT ?`,
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
}

function toStored(row: Row): StoredFinding {
  return {
    scope: { accountId: row.account_id, region: row.region },
    detectorId: row.detector_id,
    finding: JSON.parse(row.body) as Finding,
  }
}
