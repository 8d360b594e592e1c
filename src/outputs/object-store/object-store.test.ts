import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { LocalDirectoryStore } from './local-directory-store.js'
import { parseObjectLocation } from './object-store.js'

test('every documented location form names the same bucket and key', () => {
  const expected = { bucket: 'my-lists', key: 'threats/list one.txt' }
  for (const url of [
    's3://my-lists/threats/list one.txt',
    'https://s3.amazonaws.com/my-lists/threats/list%20one.txt',
    'https://s3-us-west-2.amazonaws.com/my-lists/threats/list%20one.txt',
    'https://s3.eu-central-1.amazonaws.com/my-lists/threats/list%20one.txt',
    'http://my-lists.s3.amazonaws.com/threats/list%20one.txt',
    'https://my-lists.s3.us-east-1.amazonaws.com/threats/list%20one.txt',
    'https://my-lists.s3-us-east-1.amazonaws.com/threats/list%20one.txt',
  ])
    assert.deepEqual(parseObjectLocation(url), expected, url)
})

test('other locations are refused', () => {
  for (const bad of [
    'ftp://bucket/key',
    's3://bucket',
    's3://Bad_Bucket/key',
    'https://example.com/bucket/key',
    'https://s3.amazonaws.com/bucket',
    'not a url',
  ])
    assert.equal(parseObjectLocation(bad), undefined, bad)
})

test('the local directory store reads, writes and stays inside the bucket', async () => {
  const store = new LocalDirectoryStore(mkdtempSync(join(tmpdir(), 'vigil-s3-')))
  assert.equal(await store.bucketExists('lists'), false)
  assert.equal(await store.getObject({ bucket: 'lists', key: 'a.txt' }), undefined)
  await store.putObject({ bucket: 'lists', key: 'dir/a.txt' }, '1.2.3.4\n')
  assert.equal(await store.bucketExists('lists'), true)
  assert.equal(
    Buffer.from((await store.getObject({ bucket: 'lists', key: 'dir/a.txt' })) ?? []).toString(),
    '1.2.3.4\n',
  )
  await store.putObject({ bucket: 'other', key: 'secret.txt' }, 'x')
  assert.equal(await store.getObject({ bucket: 'lists', key: '../other/secret.txt' }), undefined)
  assert.equal(await store.getObject({ bucket: 'lists', key: 'dir' }), undefined)
  await assert.rejects(store.putObject({ bucket: 'lists', key: '../../escape' }, 'x'))
})

test('the local directory store lists a prefix in key order', async () => {
  const store = new LocalDirectoryStore(mkdtempSync(join(tmpdir(), 'vigil-s3-')))
  for (const key of ['logs/b/2.json', 'logs/a.json', 'logs/b/1.json', 'other/x.json'])
    await store.putObject({ bucket: 'trail', key }, '{}')
  const listed: string[] = []
  for await (const o of store.listObjects('trail', 'logs/')) {
    assert.equal(o.size, 2)
    listed.push(o.key)
  }
  assert.deepEqual(listed, ['logs/a.json', 'logs/b/1.json', 'logs/b/2.json'])
  const none: string[] = []
  for await (const o of store.listObjects('missing', '')) none.push(o.key)
  assert.deepEqual(none, [])
})
