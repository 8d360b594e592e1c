/**
 * Policy:IAMUser/RootCredentialUsage: any call made with the root user's credentials (management
 * and S3 data events, failed calls included), one finding per account; not calls AWS services make
 * for the root user, not failed console sign-ins, not other identities.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cloudTrailRecord, runDetectors, s3DataRecord, TEST_SCOPE } from '../../testing/harness.js'
import { ROOT_CREDENTIAL_USAGE, rootCredentialUsage } from './root-credential-usage.js'

const ROOT = {
  type: 'Root',
  principalId: TEST_SCOPE.accountId,
  arn: `arn:aws:iam::${TEST_SCOPE.accountId}:root`,
  accountId: TEST_SCOPE.accountId,
  accessKeyId: 'ASIAEXAMPLEROOT00001',
  sessionContext: {
    attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'true' },
  },
}

test('root calls raise one finding per account, S3 data events and failures included', async () => {
  const run = await runDetectors(
    [rootCredentialUsage()],
    [
      cloudTrailRecord({ userIdentity: ROOT, eventName: 'CreateUser' }),
      cloudTrailRecord({ userIdentity: ROOT, eventName: 'DeleteUser', errorCode: 'NoSuchEntity' }),
      s3DataRecord('reports', { userIdentity: ROOT }),
      cloudTrailRecord({
        userIdentity: { ...ROOT, accessKeyId: undefined },
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        eventType: 'AwsConsoleSignIn',
        responseElements: { ConsoleLogin: 'Success' },
      }),
    ],
  )
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, ROOT_CREDENTIAL_USAGE)
  assert.equal(finding?.severity, 2)
  assert.equal(finding?.service.count, 4)
  assert.deepEqual(finding?.resource, {
    resourceType: 'AccessKey',
    accessKeyDetails: { principalId: TEST_SCOPE.accountId, userName: 'Root', userType: 'Root' },
  })
})

test('service calls on the root user’s behalf, failed sign-ins and other callers raise nothing', async () => {
  const run = await runDetectors(
    [rootCredentialUsage()],
    [
      cloudTrailRecord({ userIdentity: { ...ROOT, invokedBy: 'support.amazonaws.com' } }),
      cloudTrailRecord({ userIdentity: ROOT, eventType: 'AwsServiceEvent' }),
      cloudTrailRecord({
        userIdentity: ROOT,
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        responseElements: { ConsoleLogin: 'Failure' },
        errorMessage: 'Failed authentication',
      }),
      cloudTrailRecord({}),
    ],
  )
  assert.deepEqual(run.findings, [])
})
