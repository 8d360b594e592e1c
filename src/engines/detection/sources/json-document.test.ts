import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LineCounter, scanJsonDocument, skipJsonValue } from './json-document.js'
import { CONTAINER_KEYS } from './log-envelope.js'

function texts(
  text: string,
  spans: readonly { start: number; end: number }[] | undefined,
): string[] {
  return (spans ?? []).map((span) => text.slice(span.start, span.end))
}

test('a top-level array: every element located, strings with brackets and escapes skipped', () => {
  const text = '[ {"a": "x]}\\"{["}, [1, [2]] ,"s\\\\", 3 ,{"b":{"c":[]}} ]'
  const [top, ...rest] = scanJsonDocument(text, CONTAINER_KEYS)
  assert.equal(rest.length, 0)
  assert.ok(top !== undefined)
  assert.equal(top.complete, true)
  assert.equal(top.end, text.length)
  assert.deepEqual(texts(text, top.elements), [
    '{"a": "x]}\\"{["}',
    '[1, [2]]',
    '"s\\\\"',
    '3',
    '{"b":{"c":[]}}',
  ])
})

test('a CloudTrail Records object: elements of the Records array, other keys skipped', () => {
  const text =
    '{"note": {"Records": "not this"}, "Records": [{"eventName":"A"},\n {"eventName":"B"}], "x": 1}'
  const [top] = scanJsonDocument(text, CONTAINER_KEYS)
  assert.equal(top?.containerKey, 'Records')
  assert.deepEqual(texts(text, top?.elements), ['{"eventName":"A"}', '{"eventName":"B"}'])
  assert.equal(top?.complete, true)
})

test('truncated and irregular documents: what is complete is still located', () => {
  const cut = '{"Records": [{"a":1}, {"b":2}, {"c":'
  const [top] = scanJsonDocument(cut, CONTAINER_KEYS)
  assert.equal(top?.complete, false)
  assert.deepEqual(texts(cut, top?.elements), ['{"a":1}', '{"b":2}', '{"c":'])
  const missingComma = '[{"a":1} {"b":2} oops, {"c":3}]'
  const [array] = scanJsonDocument(missingComma, CONTAINER_KEYS)
  assert.deepEqual(texts(missingComma, array?.elements), ['{"a":1}', '{"b":2}', 'oops', '{"c":3}'])
})

test('several top-level values and garbage between them', () => {
  const text = '[1]\n{"items": [2, 3]}\nnot json\n[4'
  const values = scanJsonDocument(text, CONTAINER_KEYS)
  assert.deepEqual(
    values.map((value) => text.slice(value.start, value.end)),
    ['[1]', '{"items": [2, 3]}', 'not json', '[4'],
  )
  assert.deepEqual(texts(text, values[1]?.elements), ['2', '3'])
  assert.equal(values[3]?.complete, false)
})

test('maxElements stops the scan early and marks the value incomplete', () => {
  const text = '{"Records": [1, 2, 3, 4, 5]}'
  const [top] = scanJsonDocument(text, CONTAINER_KEYS, 2)
  assert.deepEqual(texts(text, top?.elements), ['1', '2'])
  assert.equal(top?.complete, false)
  const [array] = scanJsonDocument('[1, 2, 3]', CONTAINER_KEYS, 1)
  assert.equal(array?.elements?.length, 1)
  assert.equal(array?.complete, false)
})

test('skipJsonValue: unterminated strings and objects give -1', () => {
  assert.equal(skipJsonValue('"abc', 0), -1)
  assert.equal(skipJsonValue('{"a": [1, 2}', 0), -1)
  assert.equal(skipJsonValue('{"a": "}"}x', 0), 10)
  assert.equal(skipJsonValue('true,', 0), 4)
})

test('LineCounter maps offsets to 1-based lines, forward only', () => {
  const text = 'a\nbb\n\nccc\n'
  const lines = new LineCounter(text)
  assert.equal(lines.lineAt(0), 1)
  assert.equal(lines.lineAt(2), 2)
  assert.equal(lines.lineAt(5), 3)
  assert.equal(lines.lineAt(6), 4)
  assert.equal(lines.lineAt(6), 4)
  assert.throws(() => lines.lineAt(1), /backwards/)
})
