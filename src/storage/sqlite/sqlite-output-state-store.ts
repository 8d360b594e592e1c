/**
 * The outputs' delivery state in SQLite: `output_cursor` (how far each output has delivered each
 * change feed) and `output_dead_letter` (events an output gave up on, for listing and replay).
 */
import type Database from 'better-sqlite3'
import type { DeadLetter, OutputStateStore } from '../ports.js'

interface DeadLetterRow {
  id: number
  output: string
  event_id: string
  event: string
  error: string
  attempts: number
  failed_at: number
}

export class SqliteOutputStateStore implements OutputStateStore {
  readonly #cursor: Database.Statement<[string, string], { seq: number }>
  readonly #setCursor: Database.Statement<[string, string, number, number]>
  readonly #addDeadLetter: Database.Statement<[string, string, string, string, number, number]>
  readonly #remove: Database.Statement<[number]>

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.#cursor = db.prepare('SELECT seq FROM output_cursor WHERE output = ? AND feed = ?')
    this.#setCursor = db.prepare(
      `INSERT INTO output_cursor (output, feed, seq, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (output, feed) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at`,
    )
    this.#addDeadLetter = db.prepare(
      `INSERT INTO output_dead_letter (output, event_id, event, error, attempts, failed_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    this.#remove = db.prepare('DELETE FROM output_dead_letter WHERE id = ?')
  }

  cursor(output: string, feed: string): Promise<number | undefined> {
    return Promise.resolve(this.#cursor.get(output, feed)?.seq)
  }

  setCursor(output: string, feed: string, seq: number): Promise<void> {
    this.#setCursor.run(output, feed, seq, this.now())
    return Promise.resolve()
  }

  addDeadLetters(letters: readonly Omit<DeadLetter, 'id'>[]): Promise<void> {
    this.db.transaction(() => {
      for (const l of letters)
        this.#addDeadLetter.run(
          l.output,
          l.eventId,
          JSON.stringify(l.event),
          l.error,
          l.attempts,
          l.failedAtMs,
        )
    })()
    return Promise.resolve()
  }

  deadLetters(output: string | undefined, limit: number): Promise<DeadLetter[]> {
    const rows =
      output === undefined
        ? this.db
            .prepare<[number], DeadLetterRow>(
              'SELECT * FROM output_dead_letter ORDER BY id LIMIT ?',
            )
            .all(limit)
        : this.db
            .prepare<[string, number], DeadLetterRow>(
              'SELECT * FROM output_dead_letter WHERE output = ? ORDER BY id LIMIT ?',
            )
            .all(output, limit)
    return Promise.resolve(
      rows.map((r) => ({
        id: r.id,
        output: r.output,
        eventId: r.event_id,
        event: JSON.parse(r.event) as Record<string, unknown>,
        error: r.error,
        attempts: r.attempts,
        failedAtMs: r.failed_at,
      })),
    )
  }

  removeDeadLetter(id: number): Promise<boolean> {
    return Promise.resolve(this.#remove.run(id).changes > 0)
  }

  deadLetterCounts(): Promise<Record<string, number>> {
    const rows = this.db
      .prepare<[], { output: string; n: number }>(
        'SELECT output, COUNT(*) AS n FROM output_dead_letter GROUP BY output',
      )
      .all()
    return Promise.resolve(Object.fromEntries(rows.map((r) => [r.output, r.n])))
  }
}
