/**
 * Client mistakes at the HTTP and protocol level get a JSON error with the right status and
 * `X-Amzn-ErrorType` — never HTML, a hang or a 500: malformed JSON, a JSON body that is not an object,
 * a wrong content type, a body over the cap, an unknown route, bad percent-encoding, malformed HTTP.
 * Also the access log and the health route.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, test } from 'node:test'
import {
  rawRequest,
  startTestServer,
  type RawResponse,
  type TestServer,
} from '../helpers/vigil-server.js'

let server: TestServer
before(async () => {
  server = await startTestServer({ maxBodyBytes: 4096 })
})
after(async () => {
  await server.close()
})

function assertJsonError(res: RawResponse, status: number, type: string): Record<string, unknown> {
  assert.equal(res.status, status, res.text)
  assert.equal(res.headers.get('x-amzn-errortype'), type)
  assert.match(res.headers.get('content-type') ?? '', /application\/json/)
  assert.match(res.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/)
  const body = res.json()
  assert.equal(typeof body.message, 'string')
  return body
}

test('GuardDuty: malformed JSON is a BadRequestException', async () => {
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/detector',
    body: '{"enable": tru',
  })
  const body = assertJsonError(res, 400, 'BadRequestException')
  assert.match(String(body.message), /could not be parsed/)
})

test('Inspector: malformed JSON is a ValidationException with reason CANNOT_PARSE', async () => {
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/enable',
    body: '[1,2',
    service: 'inspector2',
  })
  const body = assertJsonError(res, 400, 'ValidationException')
  assert.equal(body.reason, 'CANNOT_PARSE')
})

test('a JSON body that is not an object is refused', async () => {
  const res = await rawRequest(server.url, { method: 'POST', path: '/detector', body: '[true]' })
  assertJsonError(res, 400, 'BadRequestException')
})

test('a value of the wrong type names the field', async () => {
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/detector',
    body: '{"enable":"yes"}',
  })
  const body = assertJsonError(res, 400, 'BadRequestException')
  assert.match(String(body.message), /'\/enable'.*boolean/)
  const i2 = await rawRequest(server.url, {
    method: 'POST',
    path: '/enable',
    body: '{"resourceTypes":"ECR"}',
    service: 'inspector2',
  })
  const i2body = assertJsonError(i2, 400, 'ValidationException')
  assert.equal(i2body.reason, 'CANNOT_PARSE')
  assert.deepEqual(
    (i2body.fields as { name: string }[]).map((f) => f.name),
    ['resourceTypes'],
  )
})

test('a non-JSON content type is a 415', async () => {
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/detector',
    body: 'enable=true',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  assertJsonError(res, 415, 'UnsupportedMediaTypeException')
})

test('a body over the cap is a 413', async () => {
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/detector',
    body: JSON.stringify({ enable: true, tags: { k: 'x'.repeat(5000) } }),
  })
  assertJsonError(res, 413, 'RequestEntityTooLargeException')
})

test('an unknown route is a 404 UnknownOperationException', async () => {
  const res = await rawRequest(server.url, { method: 'GET', path: '/nothing/here' })
  const body = assertJsonError(res, 404, 'UnknownOperationException')
  assert.match(String(body.message), /GET \/nothing\/here/)
  const wrongMethod = await rawRequest(server.url, { method: 'PUT', path: '/detector' })
  assertJsonError(wrongMethod, 404, 'UnknownOperationException')
})

test('bad percent-encoding in a label is a 400', async () => {
  const res = await rawRequest(server.url, {
    method: 'GET',
    path: '/detector/%E0%A4%A',
    unsigned: false,
  })
  assert.ok(res.status === 400 || res.status === 403, res.text)
  assert.match(res.headers.get('content-type') ?? '', /application\/json/)
})

test('malformed HTTP gets a JSON 400, not HTML', async () => {
  const { port } = new URL(server.url)
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () =>
      socket.write('BLAH / HTTP/1.1\r\nHost: x\r\n\r\n'),
    )
    let data = ''
    socket.on('data', (d) => (data += d.toString()))
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
  assert.match(reply, /^HTTP\/1\.1 400/)
  assert.match(reply, /content-type: application\/json/i)
  assert.doesNotMatch(reply, /<html/i)
})

test('health answers without credentials; unknown admin routes are JSON 404s', async () => {
  const health = await fetch(`${server.url}/_vigil/health`)
  assert.equal(health.status, 200)
  const body = (await health.json()) as {
    status: string
    services: Record<string, { operations: number }>
  }
  assert.equal(body.status, 'ok')
  assert.equal(body.services.guardduty?.operations, 84)
  assert.equal(body.services.inspector2?.operations, 75)
  const missing = await fetch(`${server.url}/_vigil/nope`)
  assert.equal(missing.status, 404)
  assert.match(missing.headers.get('content-type') ?? '', /json/)
})

test('the access log records request id, service, operation, account, status and milliseconds', async () => {
  const res = await rawRequest(server.url, {
    method: 'GET',
    path: '/detector',
    accessKeyId: '444455556666',
  })
  assert.equal(res.status, 200)
  const id = res.headers.get('x-amzn-requestid')
  const line = server.logs.find((l) => l.requestId === id)
  assert.ok(line, 'an access-log line for the request')
  assert.equal(line.service, 'guardduty')
  assert.equal(line.operation, 'ListDetectors')
  assert.equal(line.account, '444455556666')
  assert.equal(line.status, 200)
  assert.equal(typeof line.ms, 'number')
})
