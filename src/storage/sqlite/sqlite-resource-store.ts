/**
 * The SQLite implementation of `ResourceStore`: one `resource` table of JSON documents keyed by
 * (account, region, kind, parent, id), listed by (sort key, id) with keyset positions.
 */
import type Database from 'better-sqlite3'
import { VigilError } from '../../core/vigil-error.js'
import type { ResourceChange, ResourceKey, ResourceRecord, ResourceStore, Scope } from '../ports.js'

interface Row {
  account_id: string
  region: string
  kind: string
  parent_id: string
  id: string
  sort_key: string
  created_at: number
  updated_at: number
  body: string
}

type KeyArgs = [string, string, string, string, string]

function keyArgs(k: ResourceKey): KeyArgs {
  return [k.scope.accountId, k.scope.region, k.kind, k.parentId, k.id]
}

function toRecord<T>(row: Row): ResourceRecord<T> {
  return {
    scope: { accountId: row.account_id, region: row.region },
    kind: row.kind,
    parentId: row.parent_id,
    id: row.id,
    sortKey: row.sort_key,
    createdAtMs: row.created_at,
    updatedAtMs: row.updated_at,
    body: JSON.parse(row.body) as T,
  }
}

const COLUMNS = 'account_id, region, kind, parent_id, id, sort_key, created_at, updated_at, body'
const KEY = 'account_id = ? AND region = ? AND kind = ? AND parent_id = ? AND id = ?'

export class SqliteResourceStore implements ResourceStore {
  readonly #get: Database.Statement<KeyArgs, Row>
  readonly #listFirst: Database.Statement<[string, string, string, string, number], Row>
  readonly #listAfter: Database.Statement<
    [string, string, string, string, string, string, string, number],
    Row
  >
  readonly #count: Database.Statement<[string, string, string, string], { n: number }>
  readonly #insert: Database.Statement<[...KeyArgs, string, number, number, string]>
  readonly #upsert: Database.Statement<[...KeyArgs, string, number, number, string]>
  readonly #delete: Database.Statement<KeyArgs>
  readonly #deleteUnder: Database.Statement<[string, string, string]>
  readonly #apply: (changes: readonly ResourceChange[]) => void

  constructor(private readonly db: Database.Database) {
    this.#get = db.prepare(`SELECT ${COLUMNS} FROM resource WHERE ${KEY}`)
    const scoped = 'account_id = ? AND region = ? AND kind = ? AND parent_id = ?'
    this.#listFirst = db.prepare(
      `SELECT ${COLUMNS} FROM resource WHERE ${scoped} ORDER BY sort_key, id LIMIT ?`,
    )
    this.#listAfter = db.prepare(
      `SELECT ${COLUMNS} FROM resource WHERE ${scoped} AND (sort_key > ? OR (sort_key = ? AND id > ?))
       ORDER BY sort_key, id LIMIT ?`,
    )
    this.#count = db.prepare(`SELECT count(*) AS n FROM resource WHERE ${scoped}`)
    this.#insert = db.prepare(
      `INSERT INTO resource (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.#upsert = db.prepare(
      `INSERT INTO resource (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, region, kind, parent_id, id) DO UPDATE SET
         sort_key = excluded.sort_key, updated_at = excluded.updated_at, body = excluded.body`,
    )
    this.#delete = db.prepare(`DELETE FROM resource WHERE ${KEY}`)
    this.#deleteUnder = db.prepare(
      'DELETE FROM resource WHERE account_id = ? AND region = ? AND parent_id = ?',
    )
    this.#apply = db.transaction((changes: readonly ResourceChange[]) => {
      for (const c of changes) {
        if ('put' in c) this.#upsert.run(...values(c.put))
        else this.#delete.run(...keyArgs(c.delete))
      }
    })
  }

  get<T>(key: ResourceKey): Promise<ResourceRecord<T> | undefined> {
    const row = this.#get.get(...keyArgs(key))
    return Promise.resolve(row && toRecord<T>(row))
  }

  list<T>(
    scope: Scope,
    kind: string,
    parentId: string,
    after: { readonly sortKey: string; readonly id: string } | undefined,
    limit: number,
  ): Promise<ResourceRecord<T>[]> {
    const rows = after
      ? this.#listAfter.all(
          scope.accountId,
          scope.region,
          kind,
          parentId,
          after.sortKey,
          after.sortKey,
          after.id,
          limit,
        )
      : this.#listFirst.all(scope.accountId, scope.region, kind, parentId, limit)
    return Promise.resolve(rows.map((r) => toRecord<T>(r)))
  }

  listEverywhere<T>(kind: string, limit: number): Promise<ResourceRecord<T>[]> {
    const rows = this.db
      .prepare<[string, number], Row>(
        `SELECT ${COLUMNS} FROM resource WHERE kind = ? ORDER BY account_id, region, parent_id, id LIMIT ?`,
      )
      .all(kind, limit)
    return Promise.resolve(rows.map((r) => toRecord<T>(r)))
  }

  count(scope: Scope, kind: string, parentId: string): Promise<number> {
    const row = this.#count.get(scope.accountId, scope.region, kind, parentId)
    return Promise.resolve(row?.n ?? 0)
  }

  insert<T>(record: ResourceRecord<T>): Promise<void> {
    try {
      this.#insert.run(...values(record))
      return Promise.resolve()
    } catch (cause) {
      const code = (cause as { code?: string }).code
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE')
        return Promise.reject(
          new VigilError('VIGIL_STORAGE_CONFLICT', `${record.kind} ${record.id} already exists`, {
            cause,
          }),
        )
      return Promise.reject(
        new VigilError('VIGIL_STORAGE_FAILURE', 'resource insert failed', { cause }),
      )
    }
  }

  apply(changes: readonly ResourceChange[]): Promise<void> {
    this.#apply(changes)
    return Promise.resolve()
  }

  delete(key: ResourceKey): Promise<boolean> {
    return Promise.resolve(this.#delete.run(...keyArgs(key)).changes > 0)
  }

  deleteUnder(scope: Scope, parentId: string): Promise<number> {
    return Promise.resolve(this.#deleteUnder.run(scope.accountId, scope.region, parentId).changes)
  }
}

function values<T>(r: ResourceRecord<T>): [...KeyArgs, string, number, number, string] {
  return [...keyArgs(r), r.sortKey, r.createdAtMs, r.updatedAtMs, JSON.stringify(r.body)]
}
