import assert from 'node:assert/strict'
import { test } from 'node:test'
import { guardDutyFindingAttributes } from '../../services/guardduty/domain/finding-attributes.js'
import { openSqliteStorage } from './sqlite-storage.js'

test('the processed-object ledger keeps one entry per location', async () => {
  const storage = openSqliteStorage({
    path: ':memory:',
    findingAttributes: guardDutyFindingAttributes,
  })
  try {
    const ledger = storage.ingestLedger
    assert.equal(await ledger.get('s3://logs/a.json.gz'), undefined)
    const entry = {
      location: 's3://logs/a.json.gz',
      size: 1200,
      lastModifiedMs: 1_722_430_000_123,
      source: 'cloudtrail',
      events: 7,
      malformed: 1,
      processedAtMs: 1_722_430_100_000,
    }
    await ledger.put(entry)
    assert.deepEqual(await ledger.get(entry.location), entry)
    await ledger.put({ ...entry, size: 1300, events: 8, processedAtMs: 1_722_430_200_000 })
    assert.equal((await ledger.get(entry.location))?.size, 1300)
    await ledger.put({
      location: 'file:///var/log/x.log',
      size: 0,
      lastModifiedMs: 1,
      events: 0,
      malformed: 0,
      processedAtMs: 2,
    })
    assert.equal((await ledger.get('file:///var/log/x.log'))?.source, undefined)
    assert.equal(await ledger.count(), 2)
  } finally {
    storage.close()
  }
})
