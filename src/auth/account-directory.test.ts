import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createAccountDirectory, DEVELOPMENT_ORGANIZATION } from './account-directory.js'

test('without configuration every account is in the development organization', () => {
  const dir = createAccountDirectory()
  assert.equal(dir.organizationOf('123456789012'), DEVELOPMENT_ORGANIZATION)
  assert.equal(dir.organizationOf('111122223333')?.managementAccountId, '123456789012')
})

test('configured organizations list their accounts; others belong to none', () => {
  const dir = createAccountDirectory([
    { id: 'o-aaaaaaaaaa', managementAccountId: '111111111111', accounts: ['222222222222'] },
    { id: 'o-bbbbbbbbbb', managementAccountId: '333333333333', accounts: [] },
  ])
  assert.equal(dir.organizationOf('111111111111')?.id, 'o-aaaaaaaaaa')
  assert.equal(dir.organizationOf('222222222222')?.id, 'o-aaaaaaaaaa')
  assert.equal(dir.organizationOf('333333333333')?.id, 'o-bbbbbbbbbb')
  assert.equal(dir.organizationOf('444444444444'), undefined)
})
