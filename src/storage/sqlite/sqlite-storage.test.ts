import Database from 'better-sqlite3'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { VigilError } from '../../core/vigil-error.js'
import { guardDutyFindingAttributes as findingAttributes } from '../../services/guardduty/domain/finding-attributes.js'
import { runStorageSuite } from '../conformance/storage.case.js'
import { MIGRATIONS } from './migrations.js'
import { migrate, openSqliteStorage } from './sqlite-storage.js'

runStorageSuite('sqlite :memory:', () => openSqliteStorage({ path: ':memory:', findingAttributes }))

let n = 0
const dir = mkdtempSync(join(tmpdir(), 'vigil-sqlite-'))
runStorageSuite('sqlite file', () =>
  openSqliteStorage({ path: join(dir, `db-${++n}`, 'vigil.db'), findingAttributes }),
)

test('a file database uses WAL, is migrated to the latest version, and reopens with its data', async () => {
  const path = join(dir, 'reopen', 'vigil.db')
  const s = openSqliteStorage({ path, findingAttributes })
  await s.inspectorAccounts.put({
    scope: { accountId: '123456789012', region: 'us-east-1' },
    resources: { ec2: { target: 'ENABLED', changedAtMs: 1 } },
  })
  s.close()
  const db = new Database(path)
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal')
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length)
  db.close()
  const again = openSqliteStorage({ path, findingAttributes })
  assert.equal(
    (await again.inspectorAccounts.get({ accountId: '123456789012', region: 'us-east-1' }))
      ?.resources.ec2?.target,
    'ENABLED',
  )
  again.close()
})

test('migrations apply once, in order; a failing one is reported and rolled back', () => {
  const db = new Database(':memory:')
  migrate(db, [
    { version: 1, description: 'one', sql: 'CREATE TABLE t1 (x INTEGER)' },
    { version: 2, description: 'two', sql: 'CREATE TABLE t2 (x INTEGER)' },
  ])
  migrate(db, [{ version: 1, description: 'one', sql: 'CREATE TABLE t1 (x INTEGER)' }])
  assert.equal(db.pragma('user_version', { simple: true }), 2)
  assert.throws(
    () =>
      migrate(db, [
        { version: 3, description: 'broken', sql: 'CREATE TABLE t3 (x INTEGER); NOT SQL' },
      ]),
    (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_MIGRATION_FAILED',
  )
  assert.equal(db.pragma('user_version', { simple: true }), 2)
  const t3 = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 't3'").get() as {
    n: number
  }
  assert.equal(t3.n, 0)
  db.close()
})
