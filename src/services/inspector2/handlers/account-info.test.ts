/** The free trial window: ACTIVE for 15 days from the first Enable, INACTIVE after. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createAccountDirectory } from '../../../auth/account-directory.js'
import type { ResourceKey, Storage } from '../../../storage/ports.js'
import { accountInfoHandlers, FREE_TRIAL_MS } from './account-info.js'
import { FREE_TRIAL_KIND } from './account-status.js'
import { InspectorOrganizations } from './organization-state.js'

const START_MS = Date.UTC(2026, 0, 1)
/** A storage whose only record is the free trial of 111111111111 started at `START_MS`. */
const storage = {
  resources: {
    get: (key: ResourceKey) =>
      Promise.resolve(
        key.kind === FREE_TRIAL_KIND && key.scope.accountId === '111111111111'
          ? {
              ...key,
              sortKey: key.id,
              createdAtMs: 0,
              updatedAtMs: 0,
              body: { startedAtMs: START_MS },
            }
          : undefined,
      ),
  },
} as unknown as Storage
const ctx = { requestId: 'r', accountId: '111111111111', region: 'us-east-1', accessKeyId: 'k' }

async function statusAt(nowMs: number) {
  const handlers = accountInfoHandlers({
    storage,
    clock: { now: () => nowMs },
    organizations: new InspectorOrganizations(storage, createAccountDirectory()),
  })
  const out = await handlers.BatchGetFreeTrialInfo({ accountIds: ['111111111111'] }, ctx)
  return out.accounts[0]?.freeTrialInfo.map((i) => i.status)
}

test('the free trial is ACTIVE until 15 days after the first Enable, then INACTIVE', async () => {
  assert.deepEqual(await statusAt(START_MS), ['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE'])
  assert.deepEqual(await statusAt(START_MS + FREE_TRIAL_MS - 1), [
    'ACTIVE',
    'ACTIVE',
    'ACTIVE',
    'ACTIVE',
  ])
  assert.deepEqual(await statusAt(START_MS + FREE_TRIAL_MS), [
    'INACTIVE',
    'INACTIVE',
    'INACTIVE',
    'INACTIVE',
  ])
})
