import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { VigilError } from '../core/vigil-error.js'
import { DEFAULTS, databasePath, loadConfig } from './config.js'

test('defaults follow the documented conventions', () => {
  const c = loadConfig({})
  assert.equal(c.host, '127.0.0.1')
  assert.equal(c.port, 4580)
  assert.equal(c.dataDir, './.vigil')
  assert.equal(c.devCredentials, true)
  assert.equal(databasePath(c), join('.vigil', 'vigil.db'))
  assert.equal(databasePath({ ...c, dataDir: ':memory:' }), ':memory:')
})

test('environment variables override defaults and flags override both', () => {
  const c = loadConfig(
    {
      VIGIL_PORT: '5000',
      VIGIL_HOST: '::1',
      VIGIL_DATA_DIR: '/tmp/x',
      VIGIL_DEV_CREDENTIALS: 'false',
    },
    { port: 6000 },
  )
  assert.equal(c.port, 6000)
  assert.equal(c.host, '::1')
  assert.equal(c.dataDir, '/tmp/x')
  assert.equal(c.devCredentials, false)
})

test('bad values stop startup naming the variable', () => {
  for (const [env, name] of [
    [{ VIGIL_PORT: 'http' }, 'VIGIL_PORT'],
    [{ VIGIL_PORT: '70000' }, 'VIGIL_PORT'],
    [{ VIGIL_LOG_LEVEL: 'loud' }, 'VIGIL_LOG_LEVEL'],
    [{ VIGIL_DEV_CREDENTIALS: 'maybe' }, 'VIGIL_DEV_CREDENTIALS'],
    [{ VIGIL_SQLITE_SYNCHRONOUS: 'OFF' }, 'VIGIL_SQLITE_SYNCHRONOUS'],
  ] as const) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) =>
        e instanceof VigilError && e.code === 'VIGIL_CONFIG_INVALID' && e.message.startsWith(name),
    )
  }
})

test('a config file declares credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'))
  const file = join(dir, 'vigil.json')
  writeFileSync(
    file,
    JSON.stringify({
      devCredentials: false,
      credentials: [{ accessKeyId: 'AKIA1', secretAccessKey: 's', accountId: '111122223333' }],
    }),
  )
  const c = loadConfig({ VIGIL_CONFIG: file })
  assert.equal(c.devCredentials, false)
  assert.deepEqual(c.credentials, [
    { accessKeyId: 'AKIA1', secretAccessKey: 's', accountId: '111122223333' },
  ])
  writeFileSync(
    file,
    JSON.stringify({ credentials: [{ accessKeyId: 'A', secretAccessKey: 's', accountId: '12' }] }),
  )
  assert.throws(() => loadConfig({ VIGIL_CONFIG: file }), /accountId: expected 12 digits/)
  assert.throws(() => loadConfig({ VIGIL_CONFIG: join(dir, 'missing.json') }), /cannot read/)
  assert.deepEqual(loadConfig({}, { port: undefined }).port, DEFAULTS.port)
})
