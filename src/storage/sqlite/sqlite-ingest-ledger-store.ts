/**
 * The processed-object ledger of the detection ingestion in SQLite: table `ingest_object`
 * (migration 7), one row per log object read, keyed by its location (`s3://bucket/key` or
 * `file://<absolute path>`). This module owns the statements; what "processed" means (same
 * location, size and modification time) is decided by the ingestion service.
 */
import type Database from 'better-sqlite3'
import type { IngestLedgerStore, ProcessedObject } from '../ports.js'

interface Row {
  location: string
  size: number
  modified_at: number
  source: string | null
  events: number
  malformed: number
  processed_at: number
}

export class SqliteIngestLedgerStore implements IngestLedgerStore {
  readonly #get: Database.Statement<[string], Row>
  readonly #put: Database.Statement<[string, number, number, string | null, number, number, number]>
  readonly #count: Database.Statement<[], { n: number }>

  constructor(db: Database.Database) {
    this.#get = db.prepare('SELECT * FROM ingest_object WHERE location = ?')
    this.#put = db.prepare(
      `INSERT INTO ingest_object (location, size, modified_at, source, events, malformed, processed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (location) DO UPDATE SET size = excluded.size, modified_at = excluded.modified_at,
         source = excluded.source, events = excluded.events, malformed = excluded.malformed,
         processed_at = excluded.processed_at`,
    )
    this.#count = db.prepare('SELECT count(*) AS n FROM ingest_object')
  }

  get(location: string): Promise<ProcessedObject | undefined> {
    const row = this.#get.get(location)
    if (row === undefined) return Promise.resolve(undefined)
    return Promise.resolve({
      location: row.location,
      size: row.size,
      lastModifiedMs: row.modified_at,
      ...(row.source !== null ? { source: row.source } : {}),
      events: row.events,
      malformed: row.malformed,
      processedAtMs: row.processed_at,
    })
  }

  put(object: ProcessedObject): Promise<void> {
    this.#put.run(
      object.location,
      object.size,
      Math.trunc(object.lastModifiedMs),
      object.source ?? null,
      object.events,
      object.malformed,
      Math.trunc(object.processedAtMs),
    )
    return Promise.resolve()
  }

  count(): Promise<number> {
    return Promise.resolve(this.#count.get()?.n ?? 0)
  }
}
