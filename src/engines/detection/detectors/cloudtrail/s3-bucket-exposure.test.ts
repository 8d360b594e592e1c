/**
 * Policy:S3/BucketAnonymousAccessGranted and Policy:S3/BucketPublicAccessGranted: the policy and ACL
 * shapes the GuardDuty tester uses, canned ACLs and grant headers, limiting conditions, deny-all,
 * Block Public Access that makes a grant ineffective, and failed calls.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cloudTrailRecord, runDetectors, infoOf } from '../../testing/harness.js'
import { s3BlockPublicAccessDisabled } from './s3-block-public-access-disabled.js'
import {
  BUCKET_ANONYMOUS_ACCESS_GRANTED,
  BUCKET_PUBLIC_ACCESS_GRANTED,
  s3BucketExposure,
} from './s3-bucket-exposure.js'
import { aclExposure, policyExposure } from './s3-exposure.js'
import { S3PublicAccessState } from './s3-public-access-state.js'

const BUCKET = 'customer-exports'
const XMLNS_XSI = 'http://www.w3.org/2001/XMLSchema-instance'

const statement = (principal: unknown, extra: Record<string, unknown> = {}) => ({
  Sid: 'Grant',
  Effect: 'Allow',
  Principal: principal,
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  ...extra,
})

const putPolicy = (statements: unknown[], fields: Record<string, unknown> = {}) =>
  cloudTrailRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketPolicy',
    requestParameters: {
      bucketPolicy: { Version: '2012-10-17', Statement: statements },
      bucketName: BUCKET,
      Host: `${BUCKET}.s3.amazonaws.com`,
      policy: '',
    },
    ...fields,
  })

const putAcl = (request: Record<string, unknown>, fields: Record<string, unknown> = {}) =>
  cloudTrailRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketAcl',
    requestParameters: {
      bucketName: BUCKET,
      Host: `${BUCKET}.s3.amazonaws.com`,
      acl: '',
      ...request,
    },
    ...fields,
  })

const detectors = () => {
  const state = new S3PublicAccessState()
  return [s3BlockPublicAccessDisabled({ state }), s3BucketExposure({ state })]
}

test('Principal "*" → anonymous, {"AWS":"*"} → public (the tester’s two policies)', async () => {
  const anonymous = await runDetectors(detectors(), [putPolicy([statement('*')])])
  assert.equal(anonymous.findings[0]?.type, BUCKET_ANONYMOUS_ACCESS_GRANTED)
  assert.equal(anonymous.findings[0]?.severity, 8)
  const detail = (anonymous.findings[0]?.resource as { s3BucketDetails: unknown[] })
    .s3BucketDetails[0]
  assert.deepEqual(detail, {
    arn: `arn:aws:s3:::${BUCKET}`,
    name: BUCKET,
    type: 'Destination',
    publicAccess: {
      effectivePermission: 'PUBLIC',
      permissionConfiguration: {
        bucketLevelPermissions: {
          bucketPolicy: { allowsPublicReadAccess: true, allowsPublicWriteAccess: false },
        },
      },
    },
  })
  const pub = await runDetectors(detectors(), [
    putPolicy([
      statement(
        { AWS: '*' },
        {
          Action: ['s3:GetObject'],
          Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*' } },
        },
      ),
    ]),
  ])
  assert.equal(pub.findings[0]?.type, BUCKET_PUBLIC_ACCESS_GRANTED)
})

test('limited or denied grants and specific principals do not raise', async () => {
  const run = await runDetectors(detectors(), [
    putPolicy([statement('*', { Condition: { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24'] } } })]),
    putPolicy([
      statement('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }),
    ]),
    putPolicy([statement({ AWS: 'arn:aws:iam::444455556666:root' })]),
    putPolicy([
      statement('*'),
      { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${BUCKET}`] },
    ]),
    putPolicy([statement('*')], { errorCode: 'AccessDenied' }),
  ])
  assert.deepEqual(run.findings, [])
})

test('conditions that do not limit (negated, IfExists, wildcards, SecureTransport) still expose', () => {
  for (const condition of [
    { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
    { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } },
    { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
    { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } },
    { Bool: { 'aws:SecureTransport': 'true' } },
  ]) {
    assert.equal(
      policyExposure({ Statement: [statement('*', { Condition: condition })] })?.audience,
      'anonymous',
      JSON.stringify(condition),
    )
  }
})

test('ACL grants to AllUsers / AuthenticatedUsers, canned ACLs and grant headers', async () => {
  const body = (uri: string, permission: string) => ({
    AccessControlPolicy: {
      AccessControlList: {
        Grant: [
          {
            Grantee: { 'xsi:type': 'CanonicalUser', ID: 'abc', 'xmlns:xsi': XMLNS_XSI },
            Permission: 'FULL_CONTROL',
          },
          {
            Grantee: { 'xsi:type': 'Group', URI: uri, 'xmlns:xsi': XMLNS_XSI },
            Permission: permission,
          },
        ],
      },
      Owner: { ID: 'abc' },
    },
  })
  const run = await runDetectors(detectors(), [
    putAcl(body('http://acs.amazonaws.com/groups/global/AllUsers', 'READ')),
  ])
  assert.equal(run.findings[0]?.type, BUCKET_ANONYMOUS_ACCESS_GRANTED)
  const detail = (run.findings[0]?.resource as { s3BucketDetails: Record<string, unknown>[] })
    .s3BucketDetails[0]
  assert.deepEqual(
    (detail?.publicAccess as { permissionConfiguration: unknown }).permissionConfiguration,
    {
      bucketLevelPermissions: {
        accessControlList: { allowsPublicReadAccess: true, allowsPublicWriteAccess: false },
      },
    },
  )
  assert.equal(
    aclExposure(body('http://acs.amazonaws.com/groups/global/AuthenticatedUsers', 'WRITE'))
      ?.audience,
    'public',
  )
  assert.deepEqual(aclExposure({ 'x-amz-acl': ['public-read-write'] }), {
    audience: 'anonymous',
    read: true,
    write: true,
    via: 'acl',
    grants: ['canned ACL public-read-write'],
  })
  assert.equal(aclExposure({ 'x-amz-acl': 'authenticated-read' })?.audience, 'public')
  assert.equal(
    aclExposure({ 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' })
      ?.audience,
    'anonymous',
  )
  assert.equal(aclExposure({ 'x-amz-acl': ['private'] }), undefined)
  assert.equal(
    aclExposure(body('http://acs.amazonaws.com/groups/s3/LogDelivery', 'WRITE')),
    undefined,
  )
})

test('a grant Block Public Access makes ineffective is not reported', async () => {
  const restrict = cloudTrailRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketPublicAccessBlock',
    requestParameters: {
      bucketName: BUCKET,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: false,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: true,
      },
    },
  })
  const run = await runDetectors(detectors(), [
    restrict,
    putPolicy([statement('*')], { eventTime: '2026-11-20T10:01:00Z' }),
    putAcl({ 'x-amz-acl': ['public-read'] }, { eventTime: '2026-11-20T10:02:00Z' }),
  ])
  assert.deepEqual(
    run.findings.map((f) => f.type),
    ['Policy:S3/BucketBlockPublicAccessDisabled', BUCKET_ANONYMOUS_ACCESS_GRANTED],
  )
  const detail = (run.findings[1]?.resource as { s3BucketDetails: Record<string, unknown>[] })
    .s3BucketDetails[0]
  const grantedThrough = infoOf(run.findings[1]).grantedThrough as string
  assert.equal(grantedThrough, 'acl', 'the policy was restricted, the ACL was not')
  assert.ok(detail?.publicAccess)
})
