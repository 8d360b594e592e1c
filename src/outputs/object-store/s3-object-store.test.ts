/**
 * The S3-API object store against a real S3-compatible server (s3rver) started on loopback: reads
 * what it wrote, answers undefined for a missing key or bucket, lists by prefix in key order across
 * pages, and carries the KMS key option.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startS3Server, type S3TestServer } from '../../../test/helpers/s3-server.js'
import { S3ObjectStore } from './s3-object-store.js'

let server: S3TestServer
let store: S3ObjectStore

before(async () => {
  server = await startS3Server(['vigil-test'])
  store = new S3ObjectStore({
    endpoint: server.endpoint,
    region: 'us-east-1',
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
  })
})
after(async () => {
  store.close()
  await server.close()
})

test('writes and reads objects; missing keys and buckets read as undefined', async () => {
  const location = { bucket: 'vigil-test', key: 'lists/threats.txt' }
  await store.putObject(location, '198.51.100.7\n', { contentType: 'text/plain' })
  assert.equal(Buffer.from((await store.getObject(location)) ?? []).toString(), '198.51.100.7\n')
  await store.putObject(location, new Uint8Array([1, 2, 3]))
  assert.deepEqual([...((await store.getObject(location)) ?? [])], [1, 2, 3])
  assert.equal(await store.getObject({ bucket: 'vigil-test', key: 'nope' }), undefined)
  assert.equal(await store.getObject({ bucket: 'no-such-bucket', key: 'x' }), undefined)
  assert.equal(await store.bucketExists('vigil-test'), true)
  assert.equal(await store.bucketExists('no-such-bucket'), false)
})

test('lists by prefix in key order, across more than one page', async () => {
  const keys = Array.from({ length: 1005 }, (_, i) => `logs/${String(i).padStart(4, '0')}.json`)
  for (let i = 0; i < keys.length; i += 25)
    await Promise.all(
      keys.slice(i, i + 25).map((key) => store.putObject({ bucket: 'vigil-test', key }, '{}')),
    )
  await store.putObject({ bucket: 'vigil-test', key: 'other/x.json' }, '{}')
  const listed: string[] = []
  for await (const o of store.listObjects('vigil-test', 'logs/')) {
    assert.equal(o.size, 2)
    assert.ok(o.lastModifiedMs > 0)
    listed.push(o.key)
  }
  assert.deepEqual(listed, keys)
  const none: string[] = []
  for await (const o of store.listObjects('no-such-bucket', '')) none.push(o.key)
  assert.deepEqual(none, [])
})

test('an object written with a KMS key reads back', async () => {
  const location = { bucket: 'vigil-test', key: 'exports/finding.jsonl.gz' }
  await store.putObject(location, 'x', {
    kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  })
  assert.equal(Buffer.from((await store.getObject(location)) ?? []).toString(), 'x')
})
