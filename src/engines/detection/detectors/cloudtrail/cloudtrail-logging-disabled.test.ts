/**
 * Stealth:IAMUser/CloudTrailLoggingDisabled: StopLogging and DeleteTrail always; UpdateTrail only
 * when the known configuration loses coverage; DeleteBucket of a known log bucket; never
 * PutEventSelectors, failed calls, or other services.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cloudTrailRecord, runDetectors, TEST_SCOPE, infoOf } from '../../testing/harness.js'
import {
  CLOUDTRAIL_LOGGING_DISABLED,
  cloudTrailLoggingDisabled,
} from './cloudtrail-logging-disabled.js'

const trailCall = (eventName: string, fields: Record<string, unknown> = {}) =>
  cloudTrailRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName, ...fields })

const TRAIL = {
  name: 'org-trail',
  s3BucketName: 'org-trail-logs',
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
  trailARN: `arn:aws:cloudtrail:us-east-1:${TEST_SCOPE.accountId}:trail/org-trail`,
}

test('StopLogging and DeleteTrail raise one finding per caller and trail', async () => {
  const run = await runDetectors(
    [cloudTrailLoggingDisabled()],
    [
      trailCall('StopLogging', { requestParameters: { name: 'org-trail' } }),
      trailCall('DeleteTrail', {
        requestParameters: { name: TRAIL.trailARN },
        eventTime: '2026-11-20T10:05:00Z',
      }),
    ],
  )
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, CLOUDTRAIL_LOGGING_DISABLED)
  assert.equal(finding?.severity, 2)
  assert.equal(finding?.service.count, 2)
  assert.deepEqual(finding?.resource, {
    resourceType: 'AccessKey',
    accessKeyDetails: {
      accessKeyId: 'AKIAEXAMPLEALICE0001',
      principalId: 'AIDAEXAMPLEALICE0001',
      userName: 'alice',
      userType: 'IAMUser',
    },
  })
  const action = finding?.service.action as Record<string, Record<string, unknown>>
  assert.deepEqual(action.awsApiCallAction, {
    api: 'DeleteTrail',
    serviceName: 'cloudtrail.amazonaws.com',
    callerType: 'Remote IP',
    remoteIpDetails: { ipAddressV4: '203.0.113.10' },
    userAgent: 'aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/distrib#ubuntu.24',
    affectedResources: { 'AWS::CloudTrail::Trail': TRAIL.trailARN },
  })
  assert.equal(finding?.service.resourceRole, 'TARGET')
  assert.match(String(finding?.title), /org-trail was deleted/)
})

test('PutEventSelectors, failed calls and other services raise nothing', async () => {
  const run = await runDetectors(
    [cloudTrailLoggingDisabled()],
    [
      trailCall('PutEventSelectors', {
        requestParameters: {
          trailName: 'org-trail',
          eventSelectors: [{ includeManagementEvents: false, readWriteType: 'ReadOnly' }],
        },
      }),
      trailCall('StopLogging', {
        requestParameters: { name: 'org-trail' },
        errorCode: 'AccessDenied',
      }),
      cloudTrailRecord({ eventSource: 'ec2.amazonaws.com', eventName: 'DeleteFlowLogs' }),
      trailCall('StartLogging', { requestParameters: { name: 'org-trail' } }),
    ],
  )
  assert.deepEqual(run.findings, [])
})

test('UpdateTrail raises only when the known configuration loses coverage', async () => {
  const create = trailCall('CreateTrail', { requestParameters: TRAIL, responseElements: TRAIL })
  const sameAgain = trailCall('UpdateTrail', { requestParameters: TRAIL, responseElements: TRAIL })
  const singleRegion = trailCall('UpdateTrail', {
    requestParameters: {
      name: 'org-trail',
      isMultiRegionTrail: false,
      s3BucketName: 'attacker-bucket',
    },
    responseElements: { ...TRAIL, isMultiRegionTrail: false, s3BucketName: 'attacker-bucket' },
  })
  const run = await runDetectors([cloudTrailLoggingDisabled()], [create, sameAgain, singleRegion])
  assert.equal(run.findings.length, 1)
  const info = infoOf(run.findings[0])
  assert.deepEqual(info, {
    trailName: 'org-trail',
    changes: ['multi-region-disabled', 'destination-moved'],
  })
  const unknown = await runDetectors(
    [cloudTrailLoggingDisabled()],
    [trailCall('UpdateTrail', { requestParameters: { name: 'other', isMultiRegionTrail: false } })],
  )
  assert.deepEqual(unknown.findings, [], 'an unknown trail is learned, not reported')
})

test('deleting the bucket that receives a trail’s logs raises; another bucket does not', async () => {
  const deleteBucket = (bucket: string) =>
    cloudTrailRecord({
      eventSource: 's3.amazonaws.com',
      eventName: 'DeleteBucket',
      awsRegion: 'eu-west-1',
      requestParameters: { bucketName: bucket, Host: `${bucket}.s3.amazonaws.com` },
    })
  const run = await runDetectors(
    [cloudTrailLoggingDisabled()],
    [
      trailCall('CreateTrail', { requestParameters: TRAIL, responseElements: TRAIL }),
      deleteBucket('unrelated'),
      deleteBucket('org-trail-logs'),
    ],
  )
  assert.equal(run.findings.length, 1)
  const action = run.findings[0]?.service.action as Record<string, Record<string, unknown>>
  assert.deepEqual(action.awsApiCallAction?.affectedResources, {
    'AWS::S3::Bucket': 'org-trail-logs',
  })
})
