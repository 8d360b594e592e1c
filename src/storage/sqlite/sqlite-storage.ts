/**
 * The embedded storage adapter: one SQLite database (better-sqlite3) in the data directory, or in memory
 * for tests. Opens with WAL journaling, `synchronous=NORMAL` (a committed transaction survives a crash
 * or `kill -9` of the process; `FULL` adds power-loss durability), foreign keys, a busy timeout and a
 * 64 MiB page cache, then
 * applies pending migrations. Implements every storage port with cached prepared statements.
 */
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { VigilError } from '../../core/vigil-error.js'
import type {
  DetectorRecord,
  FindingAttributes,
  DetectorStore,
  IdempotencyStore,
  InspectorAccountRecord,
  InspectorAccountStore,
  Scope,
  Storage,
} from '../ports.js'
import { MIGRATIONS, type Migration } from './migrations.js'
import { SqliteFindingStore } from './sqlite-finding-store.js'
import { SqliteIngestLedgerStore } from './sqlite-ingest-ledger-store.js'
import { SqliteInspectorFindingStore } from './sqlite-inspector-finding-store.js'
import { SqliteOutputStateStore } from './sqlite-output-state-store.js'
import { SqliteResourceStore } from './sqlite-resource-store.js'

export interface SqliteStorageOptions {
  /** How finding attributes are typed and extracted (the GuardDuty service supplies it). */
  readonly findingAttributes: FindingAttributes
  /** Database file path, or `:memory:`. */
  readonly path: string
  /** `NORMAL` (default) or `FULL`. */
  readonly synchronous?: 'NORMAL' | 'FULL'
  /** Epoch-milliseconds clock for bookkeeping columns. */
  readonly now?: () => number
}

type Db = Database.Database

/**
 * Opens (creating if needed) the database and migrates it.
 * @throws VigilError `VIGIL_MIGRATION_FAILED` when a migration fails, `VIGIL_STORAGE_FAILURE` when the
 *   file cannot be opened
 */
export function openSqliteStorage(options: SqliteStorageOptions): Storage {
  let db: Db
  try {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true })
    db = new Database(options.path)
  } catch (cause) {
    throw new VigilError('VIGIL_STORAGE_FAILURE', `cannot open database ${options.path}`, { cause })
  }
  if (options.path !== ':memory:') db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`)
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('cache_size = -65536')
  db.pragma('temp_store = MEMORY')
  migrate(db, MIGRATIONS)
  const now = options.now ?? Date.now
  return {
    detectors: new SqliteDetectorStore(db),
    resources: new SqliteResourceStore(db),
    findings: new SqliteFindingStore(db, options.findingAttributes),
    inspectorFindings: new SqliteInspectorFindingStore(db),
    inspectorAccounts: new SqliteInspectorAccountStore(db),
    idempotency: new SqliteIdempotencyStore(db, now),
    outputs: new SqliteOutputStateStore(db, now),
    ingestLedger: new SqliteIngestLedgerStore(db),
    close: () => db.close(),
  }
}

/** Applies the migrations the database has not seen, in order. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number
  for (const m of migrations) {
    if (m.version <= current) continue
    try {
      db.transaction(() => {
        db.exec(m.sql)
        db.pragma(`user_version = ${m.version}`)
      })()
    } catch (cause) {
      throw new VigilError(
        'VIGIL_MIGRATION_FAILED',
        `migration ${m.version} (${m.description}) failed`,
        { cause },
      )
    }
  }
}

interface DetectorRow {
  account_id: string
  region: string
  body: string
}

type DetectorBody = Omit<DetectorRecord, 'scope'>

function toDetector(row: DetectorRow): DetectorRecord {
  const body = JSON.parse(row.body) as DetectorBody
  return { ...body, scope: { accountId: row.account_id, region: row.region } }
}

function detectorBody(record: DetectorRecord): string {
  const { scope: _scope, ...body } = record
  return JSON.stringify(body)
}

function cacheKey(scope: Scope, id: string): string {
  return `${scope.accountId}/${scope.region}/${id}`
}

/** Freezes a plain JSON-like value and everything in it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  )
}

/**
 * Detector reads are served from a bounded map of decoded, frozen records, kept in step with every
 * write this adapter makes (the database has one writer: this process).
 */
class SqliteDetectorStore implements DetectorStore {
  static readonly CACHE_LIMIT = 10_000
  readonly #cache = new Map<string, DetectorRecord>()
  readonly #listIdsFirst: Database.Statement<[string, string, number], { detector_id: string }>
  readonly #listIdsAfter: Database.Statement<
    [string, string, string, number],
    { detector_id: string }
  >
  readonly #accountsInRegion: Database.Statement<[string], { account_id: string }>
  readonly #get: Database.Statement<[string, string, string], DetectorRow>
  readonly #listFirst: Database.Statement<[string, string, number], DetectorRow>
  readonly #listAfter: Database.Statement<[string, string, string, number], DetectorRow>
  readonly #insert: Database.Statement<[string, string, string, number, number, string]>
  readonly #update: Database.Statement<[number, string, string, string, string]>
  readonly #delete: Database.Statement<[string, string, string]>

  constructor(db: Db) {
    this.#get = db.prepare(
      'SELECT account_id, region, body FROM gd_detector WHERE account_id = ? AND region = ? AND detector_id = ?',
    )
    this.#listFirst = db.prepare(
      'SELECT account_id, region, body FROM gd_detector WHERE account_id = ? AND region = ? ORDER BY detector_id LIMIT ?',
    )
    this.#listAfter = db.prepare(
      'SELECT account_id, region, body FROM gd_detector WHERE account_id = ? AND region = ? AND detector_id > ? ORDER BY detector_id LIMIT ?',
    )
    this.#insert = db.prepare(
      'INSERT INTO gd_detector (account_id, region, detector_id, created_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?)',
    )
    this.#update = db.prepare(
      'UPDATE gd_detector SET updated_at = ?, body = ? WHERE account_id = ? AND region = ? AND detector_id = ?',
    )
    this.#delete = db.prepare(
      'DELETE FROM gd_detector WHERE account_id = ? AND region = ? AND detector_id = ?',
    )
    this.#accountsInRegion = db.prepare(
      'SELECT DISTINCT account_id FROM gd_detector WHERE region = ? ORDER BY account_id',
    )
    this.#listIdsFirst = db.prepare(
      'SELECT detector_id FROM gd_detector WHERE account_id = ? AND region = ? ORDER BY detector_id LIMIT ?',
    )
    this.#listIdsAfter = db.prepare(
      'SELECT detector_id FROM gd_detector WHERE account_id = ? AND region = ? AND detector_id > ? ORDER BY detector_id LIMIT ?',
    )
  }

  #remember(record: DetectorRecord): DetectorRecord {
    const frozen = deepFreeze(record)
    if (this.#cache.size >= SqliteDetectorStore.CACHE_LIMIT) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
    this.#cache.set(cacheKey(record.scope, record.detectorId), frozen)
    return frozen
  }

  get(scope: Scope, detectorId: string): Promise<DetectorRecord | undefined> {
    const cached = this.#cache.get(cacheKey(scope, detectorId))
    if (cached) return Promise.resolve(cached)
    const row = this.#get.get(scope.accountId, scope.region, detectorId)
    return Promise.resolve(row && this.#remember(toDetector(row)))
  }

  accountsInRegion(region: string): Promise<string[]> {
    return Promise.resolve(this.#accountsInRegion.all(region).map((r) => r.account_id))
  }

  listIds(scope: Scope, afterId: string | undefined, limit: number): Promise<string[]> {
    const rows =
      afterId === undefined
        ? this.#listIdsFirst.all(scope.accountId, scope.region, limit)
        : this.#listIdsAfter.all(scope.accountId, scope.region, afterId, limit)
    return Promise.resolve(rows.map((r) => r.detector_id))
  }

  list(scope: Scope, afterId: string | undefined, limit: number): Promise<DetectorRecord[]> {
    const rows =
      afterId === undefined
        ? this.#listFirst.all(scope.accountId, scope.region, limit)
        : this.#listAfter.all(scope.accountId, scope.region, afterId, limit)
    return Promise.resolve(rows.map(toDetector))
  }

  insert(record: DetectorRecord): Promise<void> {
    try {
      this.#insert.run(
        record.scope.accountId,
        record.scope.region,
        record.detectorId,
        record.createdAtMs,
        record.updatedAtMs,
        detectorBody(record),
      )
      this.#remember(record)
      return Promise.resolve()
    } catch (cause) {
      if (isUniqueViolation(cause))
        return Promise.reject(
          new VigilError('VIGIL_STORAGE_CONFLICT', 'a detector already exists in this scope', {
            cause,
          }),
        )
      return Promise.reject(
        new VigilError('VIGIL_STORAGE_FAILURE', 'detector insert failed', { cause }),
      )
    }
  }

  update(record: DetectorRecord): Promise<boolean> {
    const result = this.#update.run(
      record.updatedAtMs,
      detectorBody(record),
      record.scope.accountId,
      record.scope.region,
      record.detectorId,
    )
    if (result.changes > 0) this.#remember(record)
    else this.#cache.delete(cacheKey(record.scope, record.detectorId))
    return Promise.resolve(result.changes > 0)
  }

  delete(scope: Scope, detectorId: string): Promise<boolean> {
    this.#cache.delete(cacheKey(scope, detectorId))
    return Promise.resolve(this.#delete.run(scope.accountId, scope.region, detectorId).changes > 0)
  }
}

class SqliteInspectorAccountStore implements InspectorAccountStore {
  readonly #get: Database.Statement<[string, string], { body: string }>
  readonly #put: Database.Statement<[string, string, number, string]>

  constructor(db: Db) {
    this.#get = db.prepare('SELECT body FROM i2_account WHERE account_id = ? AND region = ?')
    this.#put = db.prepare(
      `INSERT INTO i2_account (account_id, region, updated_at, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id, region) DO UPDATE SET updated_at = excluded.updated_at, body = excluded.body`,
    )
  }

  get(scope: Scope): Promise<InspectorAccountRecord | undefined> {
    const row = this.#get.get(scope.accountId, scope.region)
    if (!row) return Promise.resolve(undefined)
    const resources = JSON.parse(row.body) as InspectorAccountRecord['resources']
    return Promise.resolve({ scope: { ...scope }, resources })
  }

  put(record: InspectorAccountRecord): Promise<void> {
    const changed = Object.values(record.resources).reduce((m, r) => Math.max(m, r.changedAtMs), 0)
    this.#put.run(
      record.scope.accountId,
      record.scope.region,
      changed,
      JSON.stringify(record.resources),
    )
    return Promise.resolve()
  }
}

class SqliteIdempotencyStore implements IdempotencyStore {
  readonly #recall: Database.Statement<
    [string, string, string, string],
    { fingerprint: string; answer: string }
  >
  readonly #remember: Database.Statement<[string, string, string, string, string, string, number]>

  constructor(
    db: Db,
    private readonly now: () => number,
  ) {
    this.#recall = db.prepare(
      'SELECT fingerprint, answer FROM idempotency_token WHERE account_id = ? AND region = ? AND operation = ? AND token = ?',
    )
    this.#remember = db.prepare(
      `INSERT INTO idempotency_token (account_id, region, operation, token, fingerprint, answer, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    )
  }

  recall(scope: Scope, operation: string, token: string) {
    return Promise.resolve(this.#recall.get(scope.accountId, scope.region, operation, token))
  }

  remember(scope: Scope, operation: string, token: string, fingerprint: string, answer: string) {
    this.#remember.run(
      scope.accountId,
      scope.region,
      operation,
      token,
      fingerprint,
      answer,
      this.now(),
    )
    return Promise.resolve()
  }
}
