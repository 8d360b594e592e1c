import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { HttpRequest } from './http-message.js'
import { MalformedRequestError, readInput } from './read-input.js'
import type { OperationSchema, ServiceSchema } from './schema.js'

const schema: ServiceSchema = {
  name: 'Test',
  sdkId: 'Test',
  version: '1',
  signingName: 'test',
  arnNamespace: 'test',
  modelSha256: '',
  operations: {},
  shapes: {
    In: {
      type: 'structure',
      members: {
        Id: {
          target: 'Name',
          location: 'label',
          locationName: 'Id',
          jsonName: 'id',
          required: true,
        },
        Max: {
          target: 'Max',
          location: 'query',
          locationName: 'maxResults',
          jsonName: 'maxResults',
        },
        Ids: { target: 'Names', location: 'query', locationName: 'ids' },
        Since: { target: 'When', location: 'query', locationName: 'since' },
        Trace: { target: 'smithy.api#String', location: 'header', locationName: 'X-Trace' },
        Enable: { target: 'smithy.api#Boolean', jsonName: 'enable', required: true },
        At: { target: 'When', jsonName: 'at' },
        Kind: { target: 'Kind', jsonName: 'kind' },
        Tags: { target: 'Tags', jsonName: 'tags' },
        Nested: { target: 'Nested', jsonName: 'nested' },
        Choice: { target: 'Choice', jsonName: 'choice' },
        Size: { target: 'smithy.api#Integer', jsonName: 'size', default: 10 },
        Blob: { target: 'smithy.api#Blob', jsonName: 'blob' },
      },
    },
    Name: { type: 'string', length: { min: 1, max: 8 }, pattern: '^[a-z]+$' },
    Names: { type: 'list', member: 'Name', uniqueItems: true },
    Max: { type: 'integer', range: { min: 1, max: 50 } },
    When: { type: 'timestamp' },
    Kind: { type: 'string', enum: ['A', 'B'] },
    Tags: { type: 'map', key: 'Name', value: 'smithy.api#String', length: { max: 2 } },
    Nested: {
      type: 'structure',
      members: { Flag: { target: 'smithy.api#Boolean', jsonName: 'flag', required: true } },
    },
    Choice: {
      type: 'union',
      members: {
        One: { target: 'smithy.api#String', jsonName: 'one' },
        Two: { target: 'smithy.api#String', jsonName: 'two' },
      },
    },
    'smithy.api#String': { type: 'string' },
    'smithy.api#Boolean': { type: 'boolean' },
    'smithy.api#Integer': { type: 'integer' },
    'smithy.api#Blob': { type: 'blob' },
  },
}
const operation = {
  name: 'Op',
  method: 'POST',
  uri: '/x/{Id}',
  path: [],
  queryLiterals: {},
  code: 200,
  input: 'In',
  errors: [],
} satisfies OperationSchema

function request(body: unknown, query = '', headers: Record<string, string[]> = {}): HttpRequest {
  return {
    method: 'POST',
    rawPath: '/x/abc',
    rawQuery: query,
    headers,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  }
}

function read(req: HttpRequest, labels: Record<string, string> = { Id: 'abc' }) {
  const query = new Map<string, string[]>()
  for (const [k, v] of new URLSearchParams(req.rawQuery)) query.set(k, [...(query.get(k) ?? []), v])
  return readInput(schema, operation, req, labels, query)
}

test('binds labels, query, headers and body under member names, with types and defaults', () => {
  const { input, violations } = read(
    request(
      {
        enable: true,
        at: 1700000000.5,
        kind: 'B',
        tags: { ab: 'x' },
        nested: { flag: false },
        choice: { two: 'z' },
        blob: 'AQID',
      },
      'maxResults=7&ids=a&ids=b&since=2024-01-02T03:04:05Z',
      { 'x-trace': ['t-1'] },
    ),
  )
  assert.deepEqual(violations, [])
  assert.equal(input.Id, 'abc')
  assert.equal(input.Max, 7)
  assert.deepEqual(input.Ids, ['a', 'b'])
  assert.deepEqual(input.Since, new Date('2024-01-02T03:04:05Z'))
  assert.equal(input.Trace, 't-1')
  assert.equal(input.Enable, true)
  assert.equal((input.At as Date).getTime(), 1700000000500)
  assert.equal(input.Kind, 'B')
  assert.deepEqual(input.Tags, { ab: 'x' })
  assert.deepEqual(input.Nested, { Flag: false })
  assert.deepEqual(input.Choice, { Two: 'z' })
  assert.equal(input.Size, 10, 'default filled')
  assert.deepEqual([...(input.Blob as Uint8Array)], [1, 2, 3])
})

test('collects every violation with its wire path and rule', () => {
  const { violations } = read(
    request(
      {
        kind: 'C',
        tags: { a: '1', b: '2', c: '3' },
        nested: {},
        choice: { one: 'x', two: 'y' },
        at: 'yesterday',
      },
      'maxResults=51&ids=a&ids=a',
    ),
    { Id: 'TOO-LONG-ID' },
  )
  const byPath = Object.fromEntries(violations.map((v) => [v.path, v.kind]))
  assert.deepEqual(byPath, {
    '/id': 'pattern',
    '/maxResults': 'range',
    '/ids': 'uniqueItems',
    '/enable': 'required',
    '/at': 'type',
    '/kind': 'enum',
    '/tags': 'length',
    '/nested/flag': 'required',
    '/choice': 'union',
  })
  const idLength = violations.filter((v) => v.path === '/id').map((v) => v.message)
  assert.ok(idLength.some((m) => m.includes("at '/id' failed to satisfy constraint")))
  const range = violations.find((v) => v.path === '/maxResults')
  assert.equal(
    range?.message,
    "Value 51 at '/maxResults' failed to satisfy constraint: Member must be between 1 and 50, inclusive",
  )
})

test('a label longer than its maximum is a length violation', () => {
  const { violations } = read(request({ enable: true }), { Id: 'abcdefghij' })
  assert.equal(violations[0]?.kind, 'length')
  assert.match(violations[0]?.message ?? '', /^Value with length 10 at '\/id'/)
})

test('non-numeric query integers and wrong JSON types are type violations', () => {
  const { violations } = read(request({ enable: 'yes', size: 1.5 }, 'maxResults=ten'))
  assert.deepEqual(
    violations.map((v) => [v.path, v.kind]),
    [
      ['/maxResults', 'type'],
      ['/enable', 'type'],
      ['/size', 'type'],
    ],
  )
})

test('a body that is not a JSON object is malformed', () => {
  assert.throws(() => read(request('{"enable":')), MalformedRequestError)
  assert.throws(() => read(request('"text"')), MalformedRequestError)
  assert.throws(() => read(request('null')), MalformedRequestError)
})

test('an empty body reads as an empty object', () => {
  const { violations } = read(request(''))
  assert.deepEqual(
    violations.map((v) => v.path),
    ['/enable'],
  )
})
