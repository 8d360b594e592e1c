import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_ACCOUNT_ID, createCredentialStore } from './credential-store.js'

test('dev credentials: key test maps to the default account', () => {
  const store = createCredentialStore({ devCredentials: true })
  assert.equal(DEFAULT_ACCOUNT_ID, '123456789012')
  assert.deepEqual(store.lookup('test'), {
    accessKeyId: 'test',
    secretAccessKey: 'test',
    accountId: DEFAULT_ACCOUNT_ID,
  })
})

test('dev credentials: a 12-digit key acts for that account with secret test', () => {
  const store = createCredentialStore({ devCredentials: true })
  assert.deepEqual(store.lookup('000000000042'), {
    accessKeyId: '000000000042',
    secretAccessKey: 'test',
    accountId: '000000000042',
  })
  for (const key of ['12345678901', '1234567890123', '12345678901a', ' 123456789012', 'TEST', '']) {
    assert.equal(store.lookup(key), undefined, `key ${JSON.stringify(key)}`)
  }
})

test('explicit credentials apply and win over the dev rules', () => {
  const store = createCredentialStore({
    devCredentials: true,
    credentials: [
      { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's3cr3t/+x', accountId: '111122223333' },
      { accessKeyId: 'test', secretAccessKey: 'not-test', accountId: '444455556666' },
      { accessKeyId: '999999999999', secretAccessKey: 'other', accountId: '777788889999' },
    ],
  })
  assert.deepEqual(store.lookup('AKIAEXAMPLE'), {
    accessKeyId: 'AKIAEXAMPLE',
    secretAccessKey: 's3cr3t/+x',
    accountId: '111122223333',
  })
  assert.equal(store.lookup('test')?.secretAccessKey, 'not-test')
  assert.equal(store.lookup('test')?.accountId, '444455556666')
  assert.equal(store.lookup('999999999999')?.accountId, '777788889999')
  assert.equal(store.lookup('999999999999')?.secretAccessKey, 'other')
  // The dev rule still covers other 12-digit keys.
  assert.equal(store.lookup('210987654321')?.accountId, '210987654321')
  assert.equal(store.lookup('akiaexample'), undefined, 'lookups are case-sensitive')
})

test('dev credentials off: only explicit credentials resolve', () => {
  const store = createCredentialStore({
    devCredentials: false,
    credentials: [{ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x', accountId: '111122223333' }],
  })
  assert.equal(store.lookup('test'), undefined)
  assert.equal(store.lookup('123456789012'), undefined)
  assert.equal(store.lookup('AKIAEXAMPLE')?.accountId, '111122223333')
  assert.equal(createCredentialStore({ devCredentials: false }).lookup('test'), undefined)
})

test('rejects malformed explicit credentials', () => {
  const cred = { accessKeyId: 'AKIA1', secretAccessKey: 'x', accountId: '111122223333' }
  assert.throws(
    () => createCredentialStore({ devCredentials: false, credentials: [cred, cred] }),
    /more than once/,
  )
  assert.throws(
    () =>
      createCredentialStore({ devCredentials: false, credentials: [{ ...cred, accountId: '1' }] }),
    /12 digits/,
  )
  assert.throws(
    () =>
      createCredentialStore({ devCredentials: false, credentials: [{ ...cred, accessKeyId: '' }] }),
    /non-empty/,
  )
})
