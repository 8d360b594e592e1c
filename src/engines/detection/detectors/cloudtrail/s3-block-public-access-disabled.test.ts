/**
 * Policy:S3/BucketBlockPublicAccessDisabled and Policy:S3/AccountBlockPublicAccessDisabled: a Put
 * with any setting off or a Delete raises, with the settings in the bucket's publicAccess; a Put
 * with all four on, and failed calls, do not.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cloudTrailRecord, runDetectors, TEST_SCOPE, infoOf } from '../../testing/harness.js'
import {
  ACCOUNT_BLOCK_PUBLIC_ACCESS_DISABLED,
  BUCKET_BLOCK_PUBLIC_ACCESS_DISABLED,
  s3BlockPublicAccessDisabled,
} from './s3-block-public-access-disabled.js'
import { S3PublicAccessState } from './s3-public-access-state.js'

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/'

const putBucket = (config: Record<string, unknown>, fields: Record<string, unknown> = {}) =>
  cloudTrailRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketPublicAccessBlock',
    requestParameters: {
      publicAccessBlock: '',
      bucketName: 'shared-assets',
      PublicAccessBlockConfiguration: { xmlns: XMLNS, ...config },
      Host: 'shared-assets.s3.amazonaws.com',
    },
    ...fields,
  })

const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
}

test('a bucket Put with settings off raises Low with those settings; all on does not', async () => {
  const state = new S3PublicAccessState()
  const run = await runDetectors(
    [s3BlockPublicAccessDisabled({ state })],
    [
      putBucket(ALL_ON),
      putBucket({ ...ALL_ON, BlockPublicPolicy: false, RestrictPublicBuckets: false }),
    ],
  )
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, BUCKET_BLOCK_PUBLIC_ACCESS_DISABLED)
  assert.equal(finding?.severity, 2)
  const resource = finding?.resource as Record<string, unknown>
  assert.equal(resource.resourceType, 'S3Bucket')
  assert.deepEqual(resource.s3BucketDetails, [
    {
      arn: 'arn:aws:s3:::shared-assets',
      name: 'shared-assets',
      type: 'Destination',
      publicAccess: {
        permissionConfiguration: {
          bucketLevelPermissions: {
            blockPublicAccess: {
              blockPublicAcls: true,
              ignorePublicAcls: true,
              blockPublicPolicy: false,
              restrictPublicBuckets: false,
            },
          },
        },
      },
    },
  ])
  assert.deepEqual(infoOf(finding), {
    settingsOff: ['blockPublicPolicy', 'restrictPublicBuckets'],
  })
  assert.equal(state.bucket(TEST_SCOPE.accountId, 'shared-assets')?.blockPublicPolicy, false)
})

test('Delete of the bucket or account configuration raises; account Put with omitted settings too', async () => {
  const run = await runDetectors(
    [s3BlockPublicAccessDisabled({ state: new S3PublicAccessState() })],
    [
      cloudTrailRecord({
        eventSource: 's3.amazonaws.com',
        eventName: 'DeleteBucketPublicAccessBlock',
        requestParameters: { publicAccessBlock: '', bucketName: 'shared-assets', Host: 'x' },
      }),
      cloudTrailRecord({
        eventSource: 's3.amazonaws.com',
        eventName: 'PutAccountPublicAccessBlock',
        requestParameters: {
          'x-amz-account-id': TEST_SCOPE.accountId,
          PublicAccessBlockConfiguration: { xmlns: XMLNS, BlockPublicAcls: true },
        },
      }),
      cloudTrailRecord({
        eventSource: 's3.amazonaws.com',
        eventName: 'DeleteAccountPublicAccessBlock',
        requestParameters: { 'x-amz-account-id': TEST_SCOPE.accountId },
        eventTime: '2026-11-20T10:01:00Z',
      }),
    ],
  )
  assert.deepEqual(
    run.findings.map((f) => [f.type, f.service.count]),
    [
      [BUCKET_BLOCK_PUBLIC_ACCESS_DISABLED, 1],
      [ACCOUNT_BLOCK_PUBLIC_ACCESS_DISABLED, 2],
    ],
  )
})

test('failed calls raise nothing', async () => {
  const run = await runDetectors(
    [s3BlockPublicAccessDisabled({ state: new S3PublicAccessState() })],
    [putBucket({}, { errorCode: 'AccessDenied' })],
  )
  assert.deepEqual(run.findings, [])
})
