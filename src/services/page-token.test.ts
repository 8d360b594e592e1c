import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodePageToken, encodePageToken, queryFingerprint } from './page-token.js'

test('a token decodes only for the query that made it', () => {
  const q1 = queryFingerprint(['ListDetectors', { accountId: '1', region: 'r' }])
  const q2 = queryFingerprint(['ListDetectors', { accountId: '2', region: 'r' }])
  assert.notEqual(q1, q2)
  const token = encodePageToken(q1, 'abc')
  assert.match(token, /^[A-Za-z0-9_-]+$/)
  assert.deepEqual(decodePageToken(token, q1), { key: 'abc' })
  assert.equal(decodePageToken(token, q2), undefined)
})

test('garbage is refused', () => {
  const q = queryFingerprint(['x'])
  for (const bad of ['', 'garbage', '!!!', Buffer.from('{"q":1}').toString('base64url'), 'e30'])
    assert.equal(decodePageToken(bad, q), undefined, bad)
})
