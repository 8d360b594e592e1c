/** Reading the Tor Project's bulk exit list and exit-addresses document. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TorExitNodes } from './tor-exit-nodes.js'

test('bulk list lines and ExitAddress lines; other lines ignored', () => {
  const list = TorExitNodes.parse(
    [
      '# bulk exit list',
      '185.220.101.1',
      'ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E',
      'Published 2026-11-19 21:41:39',
      'LastStatus 2026-11-19 22:00:00',
      'ExitAddress 162.247.74.201 2026-11-19 22:03:00',
      'ExitAddress 2001:db8::5 2026-11-19 22:03:00',
      'not an address',
      '',
    ].join('\n'),
  )
  assert.equal(list.size, 3)
  assert.equal(list.isExitNode('185.220.101.1'), true)
  assert.equal(list.isExitNode('162.247.74.201'), true)
  assert.equal(list.isExitNode('2001:0db8:0000::5'), true, 'IPv6 compared in canonical form')
  assert.equal(list.isExitNode('185.220.101.2'), false)
  assert.equal(list.isExitNode('AWS Internal'), false)
})
