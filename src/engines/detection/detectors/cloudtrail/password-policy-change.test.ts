/**
 * Stealth:IAMUser/PasswordPolicyChange: the weakening rules and severity scale, the remembered
 * policy per account, deletion, and what is not a weakening.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cloudTrailRecord, runDetectors, infoOf } from '../../testing/harness.js'
import {
  comparePolicies,
  DEFAULT_PASSWORD_POLICY,
  PASSWORD_POLICY_CHANGE,
  passwordPolicyChange,
  policyOfRequest,
  weakeningSeverity,
} from './password-policy-change.js'

const STRONG = {
  minimumPasswordLength: 14,
  requireSymbols: true,
  requireNumbers: true,
  requireUppercaseCharacters: true,
  requireLowercaseCharacters: true,
  allowUsersToChangePassword: true,
  maxPasswordAge: 90,
  passwordReusePrevention: 24,
  hardExpiry: false,
}

const update = (request: Record<string, unknown>, fields: Record<string, unknown> = {}) =>
  cloudTrailRecord({
    eventSource: 'iam.amazonaws.com',
    eventName: 'UpdateAccountPasswordPolicy',
    requestParameters: request,
    ...fields,
  })

test('the tester’s change (minimum length 6, no known policy) is a Medium weakening', async () => {
  const run = await runDetectors([passwordPolicyChange()], [update({ minimumPasswordLength: 6 })])
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, PASSWORD_POLICY_CHANGE)
  assert.equal(finding?.severity, 5)
  assert.deepEqual(infoOf(finding), {
    weakenedSettings: ['minimum password length 8 → 6'],
    previousPolicyKnown: false,
  })
})

test('against the remembered policy: one weaker setting Low, many High; tightening nothing', async () => {
  const run = await runDetectors(
    [passwordPolicyChange()],
    [
      update(STRONG, { eventTime: '2026-11-20T10:00:00Z' }),
      update({ ...STRONG, passwordReusePrevention: 12 }, { eventTime: '2026-11-20T10:01:00Z' }),
    ],
  )
  assert.equal(run.findings[0]?.severity, 2)
  const more = await runDetectors(
    [passwordPolicyChange()],
    [
      update(STRONG, { eventTime: '2026-11-20T10:00:00Z' }),
      update(
        {
          ...STRONG,
          requireSymbols: false,
          requireNumbers: false,
          maxPasswordAge: 0,
          minimumPasswordLength: 12,
        },
        { eventTime: '2026-11-20T10:01:00Z' },
      ),
      update(
        {
          ...STRONG,
          requireSymbols: false,
          requireNumbers: false,
          maxPasswordAge: 0,
          minimumPasswordLength: 16,
        },
        { eventTime: '2026-11-20T10:02:00Z' },
      ),
    ],
  )
  assert.equal(more.findings.length, 1)
  assert.equal(more.findings[0]?.severity, 8)
  assert.equal(more.findings[0]?.service.count, 1, 'the stronger third policy is not a weakening')
})

test('deleting a known strong policy is High; an unknown one Medium; failures nothing', async () => {
  const remove = (fields: Record<string, unknown> = {}) =>
    cloudTrailRecord({
      eventSource: 'iam.amazonaws.com',
      eventName: 'DeleteAccountPasswordPolicy',
      ...fields,
    })
  const known = await runDetectors(
    [passwordPolicyChange()],
    [update(STRONG), remove({ eventTime: '2026-11-20T10:01:00Z' })],
  )
  assert.equal(known.findings[0]?.severity, 8)
  assert.match(String(known.findings[0]?.title), /was deleted/)
  const unknown = await runDetectors([passwordPolicyChange()], [remove()])
  assert.equal(unknown.findings[0]?.severity, 5)
  const failed = await runDetectors(
    [passwordPolicyChange()],
    [
      remove({ errorCode: 'NoSuchEntity' }),
      update({ minimumPasswordLength: 6 }, { errorCode: 'AccessDenied' }),
    ],
  )
  assert.deepEqual(failed.findings, [])
})

test('policy reading and scoring', () => {
  const policy = policyOfRequest({ MinimumPasswordLength: '10', RequireSymbols: 'true' })
  assert.equal(policy.minimumPasswordLength, 10)
  assert.equal(policy.requireSymbols, true)
  assert.equal(policyOfRequest({}).minimumPasswordLength, 6, 'IAM’s API default')
  assert.deepEqual(
    comparePolicies(DEFAULT_PASSWORD_POLICY, {
      ...DEFAULT_PASSWORD_POLICY,
      minimumPasswordLength: 20,
    }),
    {
      weakened: [],
      points: 0,
    },
  )
  assert.equal(
    comparePolicies(
      { ...DEFAULT_PASSWORD_POLICY, minimumPasswordLength: 14 },
      DEFAULT_PASSWORD_POLICY,
    ).points,
    2,
  )
  assert.equal(
    comparePolicies(
      { ...DEFAULT_PASSWORD_POLICY, minimumPasswordLength: 10 },
      DEFAULT_PASSWORD_POLICY,
    ).points,
    1,
  )
  assert.deepEqual([1, 2, 3, 4, 9].map(weakeningSeverity), [2, 5, 5, 8, 8])
})
