/**
 * Stealth:S3/ServerAccessLoggingDisabled: PutBucketLogging with an empty status raises; enabling,
 * a failed call and other S3 calls do not.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cloudTrailRecord, runDetectors } from '../../testing/harness.js'
import {
  s3AccessLoggingDisabled,
  SERVER_ACCESS_LOGGING_DISABLED,
} from './s3-access-logging-disabled.js'

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/'

const putLogging = (status: unknown, fields: Record<string, unknown> = {}) =>
  cloudTrailRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketLogging',
    requestParameters: {
      logging: '',
      bucketName: 'app-data',
      BucketLoggingStatus: status,
      Host: 'app-data.s3.amazonaws.com',
    },
    ...fields,
  })

test('an empty logging status raises Low on the bucket', async () => {
  const run = await runDetectors(
    [s3AccessLoggingDisabled()],
    [putLogging({ xmlns: XMLNS }), putLogging('')],
  )
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, SERVER_ACCESS_LOGGING_DISABLED)
  assert.equal(finding?.severity, 2)
  assert.equal(finding?.service.count, 2)
  assert.deepEqual((finding?.resource as { s3BucketDetails: unknown }).s3BucketDetails, [
    { arn: 'arn:aws:s3:::app-data', name: 'app-data', type: 'Destination' },
  ])
})

test('enabling logging, failures and other calls raise nothing', async () => {
  const run = await runDetectors(
    [s3AccessLoggingDisabled()],
    [
      putLogging({
        xmlns: XMLNS,
        LoggingEnabled: { TargetBucket: 'logs', TargetPrefix: 'app-data/' },
      }),
      putLogging({ xmlns: XMLNS }, { errorCode: 'AccessDenied' }),
      cloudTrailRecord({
        eventSource: 's3.amazonaws.com',
        eventName: 'GetBucketLogging',
        requestParameters: { bucketName: 'app-data' },
      }),
    ],
  )
  assert.deepEqual(run.findings, [])
})
