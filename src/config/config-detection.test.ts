/**
 * The detection settings of the configuration: enrichment files, GeoIP database, Kubernetes
 * clusters and the ingest body limit, from the config file and `VIGIL_*` variables.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { VigilError } from '../core/vigil-error.js'
import { loadConfig } from './config.js'

function configFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-config-')), 'vigil.json')
  writeFileSync(path, JSON.stringify(content))
  return path
}

test('defaults: bundled GeoIP, a 256 MiB log object, no enrichment files', () => {
  const c = loadConfig({})
  assert.equal(c.geoIp, 'dbip')
  assert.equal(c.maxIngestBodyBytes, 256 * 1024 * 1024)
  assert.equal(c.ipRangesFile, undefined)
  assert.equal(c.kubernetesClusters, undefined)
})

test('the config file and the variables (which win)', () => {
  const path = configFile({
    ipRangesFile: '/etc/vigil/ip-ranges.json',
    torExitNodesFile: '/etc/vigil/tor.txt',
    inventoryFile: '/etc/vigil/instances.json',
    geoIp: 'off',
    geoIpCityFiles: '/etc/vigil/GeoLite2-City.mmdb',
    geoIpAsnFiles: ['/etc/vigil/GeoLite2-ASN.mmdb'],
    maxIngestBodyBytes: 1048576,
    kubernetesClusters: [
      { name: 'prod', accountId: '111122223333', region: 'us-east-1', default: true },
      { name: 'dev', accountId: '444455556666', region: 'eu-west-1', tags: { team: 'web' } },
    ],
  })
  const fromFile = loadConfig({ VIGIL_CONFIG: path })
  assert.equal(fromFile.ipRangesFile, '/etc/vigil/ip-ranges.json')
  assert.equal(fromFile.torExitNodesFile, '/etc/vigil/tor.txt')
  assert.equal(fromFile.inventoryFile, '/etc/vigil/instances.json')
  assert.equal(fromFile.geoIp, 'off')
  assert.deepEqual(fromFile.geoIpCityFiles, ['/etc/vigil/GeoLite2-City.mmdb'])
  assert.deepEqual(fromFile.geoIpAsnFiles, ['/etc/vigil/GeoLite2-ASN.mmdb'])
  assert.equal(fromFile.maxIngestBodyBytes, 1048576)
  assert.deepEqual(fromFile.kubernetesClusters, [
    { name: 'prod', accountId: '111122223333', region: 'us-east-1', default: true },
    { name: 'dev', accountId: '444455556666', region: 'eu-west-1', tags: { team: 'web' } },
  ])
  const fromEnv = loadConfig({
    VIGIL_CONFIG: path,
    VIGIL_GEOIP: 'dbip',
    VIGIL_IP_RANGES_FILE: '/tmp/ranges.json',
    VIGIL_GEOIP_CITY_FILES: '/a/v4.mmdb, /a/v6.mmdb',
    VIGIL_MAX_INGEST_BODY_BYTES: '2048',
  })
  assert.equal(fromEnv.geoIp, 'dbip')
  assert.equal(fromEnv.ipRangesFile, '/tmp/ranges.json')
  assert.deepEqual(fromEnv.geoIpCityFiles, ['/a/v4.mmdb', '/a/v6.mmdb'])
  assert.equal(fromEnv.maxIngestBodyBytes, 2048)
})

test('bad detection settings name the key', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ VIGIL_GEOIP: 'maxmind' }, /^VIGIL_GEOIP:/],
    [{ VIGIL_MAX_INGEST_BODY_BYTES: '10' }, /^VIGIL_MAX_INGEST_BODY_BYTES:/],
    [{ VIGIL_GEOIP_ASN_FILES: 'a.csv,,b.csv' }, /^VIGIL_GEOIP_ASN_FILES:/],
    [
      {
        VIGIL_CONFIG: configFile({
          kubernetesClusters: [{ name: 'x', accountId: '1', region: 'us-east-1' }],
        }),
      },
      /^kubernetesClusters\[0\]\.accountId:/,
    ],
    [
      {
        VIGIL_CONFIG: configFile({
          kubernetesClusters: [
            { name: 'x', accountId: '111122223333', region: 'us-east-1' },
            { name: 'x', accountId: '111122223333', region: 'us-east-2' },
          ],
        }),
      },
      /^kubernetesClusters\[1\]\.name: 'x' is declared twice/,
    ],
    [{ VIGIL_CONFIG: configFile({ ipRangesFile: 3 }) }, /^ipRangesFile:/],
    [{ VIGIL_CONFIG: configFile({ geoIpCityFiles: [''] }) }, /^geoIpCityFiles:/],
  ]
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (error: unknown) =>
        error instanceof VigilError &&
        error.code === 'VIGIL_CONFIG_INVALID' &&
        message.test(error.message),
      JSON.stringify(env),
    )
  }
})
