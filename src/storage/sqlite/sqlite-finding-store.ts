/**
 * The SQLite findings store. Each finding is one `gd_finding` row — hot single-valued attributes as
 * indexed columns (type, severity, confidence, createdAt, updatedAt, archived, id) and the whole
 * finding as JSON — plus one `gd_finding_attr` row per value of every other criterion key, indexed by
 * (key, value), so that multi-valued paths are answered by index lookups. Queries compile the filter
 * AST (`compile-criteria.ts`) and page by keyset on (sort column, pk), never by OFFSET.
 */
import type Database from 'better-sqlite3'
import { VigilError } from '../../core/vigil-error.js'
import type { FilterNode } from '../query/criteria-ast.js'
import type {
  FindingAttributes,
  FindingGroup,
  FindingGrouping,
  FindingPosition,
  FindingQuery,
  FindingStore,
  Scope,
  StoredFinding,
} from '../ports.js'
import { compileCriteria, PROMOTED } from './compile-criteria.js'

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
  total: number
  last: number
  max_sev: number
}

const GROUP_KEYS: Readonly<Record<FindingGrouping, string>> = {
  account: 'f.account_id',
  day: '(f.created_at / 86400000) * 86400000',
  type: 'f.type',
  severity: 'f.severity',
}

function promotedValues(f: Finding): [string, string, number, number, number, number, number] {
  const service = f.service as { archived?: unknown } | undefined
  const time = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : 0) || 0
  return [
    String(f.id),
    String(f.type),
    Number(f.severity ?? 0),
    Number(f.confidence ?? 0),
    time(f.createdAt),
    time(f.updatedAt),
    service?.archived === true ? 1 : 0,
  ]
}

export class SqliteFindingStore implements FindingStore {
  readonly sortable: ReadonlySet<string> = new Set(Object.keys(PROMOTED))
  readonly #db: Database.Database
  readonly #attributes: FindingAttributes
  readonly #insert: Database.Statement<unknown[], { pk: number }>
  readonly #update: Database.Statement<unknown[], { pk: number }>
  readonly #clearAttrs: Database.Statement<[number]>
  readonly #insertAttr: Database.Statement<[number, string, string | number]>
  readonly #statements = new Map<string, Database.Statement<unknown[], Row>>()
  readonly #write: (findings: readonly StoredFinding[]) => void

  constructor(db: Database.Database, attributes: FindingAttributes) {
    this.#db = db
    this.#attributes = attributes
    const columns =
      'account_id, region, detector_id, id, type, severity, confidence, created_at, updated_at, archived, body'
    this.#insert = db.prepare(
      `INSERT INTO gd_finding (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, region, detector_id, id) DO NOTHING RETURNING pk`,
    )
    this.#update = db.prepare(
      `UPDATE gd_finding SET type = ?, severity = ?, confidence = ?, created_at = ?, updated_at = ?,
         archived = ?, body = ?
       WHERE account_id = ? AND region = ? AND detector_id = ? AND id = ? RETURNING pk`,
    )
    this.#clearAttrs = db.prepare('DELETE FROM gd_finding_attr WHERE finding_pk = ?')
    this.#insertAttr = db.prepare(
      'INSERT OR IGNORE INTO gd_finding_attr (finding_pk, key, v) VALUES (?, ?, ?)',
    )
    this.#write = db.transaction((findings: readonly StoredFinding[]) => {
      for (const { scope, detectorId, finding } of findings) {
        const [id, type, severity, confidence, createdAt, updatedAt, archived] =
          promotedValues(finding)
        const values = [
          scope.accountId,
          scope.region,
          detectorId,
          id,
          type,
          severity,
          confidence,
          createdAt,
          updatedAt,
          archived,
          JSON.stringify(finding),
        ]
        let row = this.#insert.get(...values)
        if (!row) {
          row = this.#update.get(...values.slice(4), ...values.slice(0, 4))
          if (!row) throw new VigilError('VIGIL_STORAGE_FAILURE', `finding ${id} was not written`)
          this.#clearAttrs.run(row.pk)
        }
        for (const [key, value] of this.#attributes.extract(finding)) {
          if (key in PROMOTED) continue
          this.#insertAttr.run(row.pk, key, typeof value === 'number' ? value : String(value))
        }
      }
    })
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
  ): Promise<FindingGroup[]> {
    try {
      if (scopes.length === 0) return Promise.resolve([])
      const params: unknown[] = []
      const where = [this.#scopeSql(scopes, params)]
      const criteria = compileCriteria(filter)
      where.push(criteria.sql)
      params.push(...criteria.params)
      const key = GROUP_KEYS[by]
      const rows = this.#groups(
        `SELECT ${key} AS k, COUNT(*) AS total, MAX(f.updated_at) AS last, MAX(f.severity) AS max_sev
         FROM gd_finding f WHERE ${where.join(' AND ')} GROUP BY k`,
      ).all(...params)
      return Promise.resolve(
        rows.map((r) => ({
          key: r.k,
          total: r.total,
          lastUpdatedMs: r.last,
          maxSeverity: r.max_sev,
        })),
      )
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
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
    const params: unknown[] = []
    const where = [this.#scopeSql(query.scopes, params)]
    const criteria = compileCriteria(query.filter)
    where.push(criteria.sql)
    params.push(...criteria.params)
    const desc = query.sort.order === 'DESC'
    if (query.after) {
      const cmp = desc ? '<' : '>'
      where.push(`(${sort.column} ${cmp} ? OR (${sort.column} = ? AND f.pk ${cmp} ?))`)
      params.push(query.after.sortValue, query.after.sortValue, query.after.pk)
    }
    const dir = desc ? 'DESC' : 'ASC'
    params.push(query.limit + 1)
    const rows = this.#prepared(
      `SELECT f.pk, f.account_id, f.region, f.detector_id, f.body, ${sort.column} AS sort_value
       FROM gd_finding f WHERE ${where.join(' AND ')}
       ORDER BY ${sort.column} ${dir}, f.pk ${dir} LIMIT ?`,
    ).all(...params)
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
