import assert from 'node:assert/strict'
import { test } from 'node:test'
import { schema as gd } from '../services/guardduty/generated/schema.js'
import { schema as i2 } from '../services/inspector2/generated/schema.js'
import { parseQuery } from './http-message.js'
import { Router } from './router.js'
import type { OperationSchema, PathSegment } from './schema.js'

function op(
  name: string,
  method: string,
  uri: string,
  queryLiterals: Record<string, string> = {},
): OperationSchema {
  const path: PathSegment[] = uri
    .split('/')
    .filter(Boolean)
    .map((s) => {
      const m = /^\{(\w+)(\+)?\}$/.exec(s)
      return m
        ? { kind: 'label', name: m[1] as string, greedy: m[2] === '+' }
        : { kind: 'literal', value: s }
    })
  return { name, method, uri, path, queryLiterals, code: 200, errors: [] }
}

const match = (r: Router, method: string, url: string) => {
  const [path = '', query = ''] = url.split('?')
  return r.match(method, path, parseQuery(query))
}

test('every GuardDuty and Inspector operation is found by its own URI template', () => {
  for (const schema of [gd, i2]) {
    const router = new Router(Object.values(schema.operations))
    for (const o of Object.values(schema.operations)) {
      const path =
        '/' + o.path.map((s) => (s.kind === 'literal' ? s.value : `x${s.name}`)).join('/')
      const found = router.match(o.method, path, new Map())
      assert.equal(found?.operation.name, o.name, `${o.method} ${path}`)
    }
  }
})

test('labels are percent-decoded; an encoded ARN stays one segment', () => {
  const router = new Router(Object.values(gd.operations))
  const arn = 'arn:aws:guardduty:us-east-1:123456789012:detector/abc def'
  const m = match(router, 'GET', `/tags/${encodeURIComponent(arn)}`)
  assert.equal(m?.operation.name, 'ListTagsForResource')
  assert.equal(m?.labels.ResourceArn, arn)
})

test('literal segments beat labels; greedy labels take the rest; query literals must be present', () => {
  const router = new Router([
    op('ByLabel', 'GET', '/a/{Id}'),
    op('ByLiteral', 'GET', '/a/special'),
    op('Greedy', 'GET', '/files/{Key+}'),
    op('GreedyThenLiteral', 'GET', '/objects/{Key+}/meta'),
    op('WithQuery', 'GET', '/q', { type: 'x' }),
    op('WithoutQuery', 'GET', '/q'),
  ])
  assert.equal(match(router, 'GET', '/a/special')?.operation.name, 'ByLiteral')
  assert.equal(match(router, 'GET', '/a/other')?.labels.Id, 'other')
  assert.equal(match(router, 'GET', '/files/a/b/c')?.labels.Key, 'a/b/c')
  const gtl = match(router, 'GET', '/objects/x/y/meta')
  assert.equal(gtl?.operation.name, 'GreedyThenLiteral')
  assert.equal(gtl?.labels.Key, 'x/y')
  assert.equal(match(router, 'GET', '/q?type=x')?.operation.name, 'WithQuery')
  assert.equal(match(router, 'GET', '/q?type=y')?.operation.name, 'WithoutQuery')
  assert.equal(match(router, 'GET', '/a'), undefined)
  assert.equal(match(router, 'GET', '/a/'), undefined, 'an empty label does not match')
  assert.equal(match(router, 'POST', '/a/special'), undefined)
})

test('invalid percent-encoding throws URIError', () => {
  const router = new Router([op('ByLabel', 'GET', '/a/{Id}')])
  assert.throws(() => match(router, 'GET', '/a/%E0%A4%A'), URIError)
})
