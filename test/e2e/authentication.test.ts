/**
 * SigV4 on every request, seen from real clients: valid signatures pass; a wrong secret, an unknown key,
 * a tampered body or header, a stale date, a foreign service or region, and a missing signature are each
 * refused with the AWS error name and status that the SDKs surface.
 */
import { ListDetectorsCommand } from '@aws-sdk/client-guardduty'
import { BatchGetAccountStatusCommand } from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  guardDutyClient,
  inspectorClient,
  rawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

async function sdkError(p: Promise<unknown>) {
  return p.then(
    () => assert.fail('accepted'),
    (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } },
  )
}

test('the development credentials and 12-digit keys are accepted by both SDKs', async () => {
  const out = await guardDutyClient(server.url).send(new ListDetectorsCommand({}))
  assert.deepEqual(out.DetectorIds, [])
  const status = await inspectorClient(server.url, { accessKeyId: '210987654321' }).send(
    new BatchGetAccountStatusCommand({}),
  )
  assert.equal(status.accounts?.[0]?.accountId, '210987654321')
})

test('a wrong secret is InvalidSignatureException (403)', async () => {
  const err = await sdkError(
    guardDutyClient(server.url, { secretAccessKey: 'wrong' }).send(new ListDetectorsCommand({})),
  )
  assert.equal(err.name, 'InvalidSignatureException')
  assert.equal(err.$metadata.httpStatusCode, 403)
})

test('an unknown access key is UnrecognizedClientException (403)', async () => {
  const err = await sdkError(
    inspectorClient(server.url, { accessKeyId: 'AKIANOTKNOWN' }).send(
      new BatchGetAccountStatusCommand({}),
    ),
  )
  assert.equal(err.name, 'UnrecognizedClientException')
  assert.equal(err.$metadata.httpStatusCode, 403)
})

test('an invalid region in the scope is refused', async () => {
  const err = await sdkError(
    guardDutyClient(server.url, { region: 'mars-north-9x' }).send(new ListDetectorsCommand({})),
  )
  assert.equal(err.name, 'InvalidSignatureException')
  assert.match(err.message, /valid region/)
})

test('a tampered body fails the signature', async () => {
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/detector',
    body: '{"enable":true}',
    afterSigning: (r) => {
      r.body = '{"enable":false}'
    },
  })
  assert.equal(res.status, 403)
  assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidSignatureException')
})

test('a tampered signed header fails the signature', async () => {
  const res = await rawRequest(server.url, {
    method: 'GET',
    path: '/detector',
    headers: { 'x-custom': 'one' },
    afterSigning: (r) => {
      r.headers['x-custom'] = 'two'
    },
  })
  assert.equal(res.status, 403)
  assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidSignatureException')
})

test('a request signed 20 minutes ago is refused as expired', async () => {
  const res = await rawRequest(server.url, {
    method: 'GET',
    path: '/detector',
    signingDate: new Date(Date.now() - 20 * 60_000),
  })
  assert.equal(res.status, 403)
  assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidSignatureException')
  assert.match(res.json().message as string, /Signature expired/)
})

test('a scope for another service is refused', async () => {
  const res = await rawRequest(server.url, { method: 'GET', path: '/detector', service: 'ec2' })
  assert.equal(res.status, 403)
  assert.match(res.json().message as string, /correct service/)
})

test('the service of the scope selects the model: /tags/{arn} exists in both', async () => {
  const arn = encodeURIComponent(
    'arn:aws:inspector2:us-east-1:123456789012:owner/123456789012/filter/abc',
  )
  const i2 = await rawRequest(server.url, {
    method: 'GET',
    path: `/tags/${arn}`,
    service: 'inspector2',
  })
  assert.equal(i2.headers.get('x-amzn-errortype'), 'ResourceNotFoundException')
  assert.match(i2.json().message as string, /resource arn:aws:inspector2:.* does not exist/)
  const gdArn = encodeURIComponent(
    'arn:aws:guardduty:us-east-1:123456789012:detector/0123456789abcdef0123456789abcdef',
  )
  const gd = await rawRequest(server.url, {
    method: 'GET',
    path: `/tags/${gdArn}`,
    service: 'guardduty',
  })
  assert.equal(gd.headers.get('x-amzn-errortype'), 'BadRequestException')
  assert.match(gd.json().message as string, /resource arn:aws:guardduty:.* does not exist/)
  const wrongModel = await rawRequest(server.url, {
    method: 'GET',
    path: `/tags/${arn}`,
    service: 'guardduty',
  })
  assert.equal(
    wrongModel.headers.get('x-amzn-errortype'),
    'BadRequestException',
    'GuardDuty validates its ARN',
  )
})

test('no Authorization header is MissingAuthenticationTokenException', async () => {
  const res = await rawRequest(server.url, { method: 'GET', path: '/detector', unsigned: true })
  assert.equal(res.status, 403)
  assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException')
})

test('with development credentials turned off, test/test is refused', async () => {
  const locked = await startTestServer({
    devCredentials: false,
    credentials: [
      { accessKeyId: 'AKIAVIGILEXAMPLE', secretAccessKey: 's3cret', accountId: '777788889999' },
    ],
  })
  try {
    const err = await sdkError(guardDutyClient(locked.url).send(new ListDetectorsCommand({})))
    assert.equal(err.name, 'UnrecognizedClientException')
    const ok = await inspectorClient(locked.url, {
      accessKeyId: 'AKIAVIGILEXAMPLE',
      secretAccessKey: 's3cret',
    }).send(new BatchGetAccountStatusCommand({}))
    assert.equal(ok.accounts?.[0]?.accountId, '777788889999')
  } finally {
    await locked.close()
  }
})
