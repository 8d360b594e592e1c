/**
 * The AWS CLI as a client, when one is installed: `create-detector` returns a DetectorId, `inspector2
 * enable` returns account state, a wrong secret is refused. Skipped (with the reason) when no `aws`
 * command is on the PATH, since the CLI is not an npm package.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startTestServer, type TestServer } from '../helpers/vigil-server.js'

const hasCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0
const skip = hasCli ? false : 'no aws command on the PATH'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

const home = mkdtempSync(join(tmpdir(), 'vigil-cli-home-'))

function aws(
  args: string[],
  secret = 'test',
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('aws', [...args, '--endpoint-url', server.url, '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: secret,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
      },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

test('aws guardduty create-detector / get-detector / list-detectors', { skip }, async () => {
  const created = await aws(['guardduty', 'create-detector', '--enable'])
  assert.equal(created.status, 0, created.stderr)
  const id = (JSON.parse(created.stdout) as { DetectorId: string }).DetectorId
  assert.match(id, /^[0-9a-f]{32}$/)
  const got = await aws(['guardduty', 'get-detector', '--detector-id', id])
  assert.equal(got.status, 0, got.stderr)
  assert.equal((JSON.parse(got.stdout) as { Status: string }).Status, 'ENABLED')
  const listed = await aws(['guardduty', 'list-detectors'])
  assert.deepEqual((JSON.parse(listed.stdout) as { DetectorIds: string[] }).DetectorIds, [id])
  const again = await aws(['guardduty', 'create-detector', '--enable'])
  assert.notEqual(again.status, 0)
  assert.match(again.stderr, /BadRequestException.*detector already exists/)
})

test('aws inspector2 enable / batch-get-account-status', { skip }, async () => {
  const enabled = await aws(['inspector2', 'enable', '--resource-types', 'ECR'])
  assert.equal(enabled.status, 0, enabled.stderr)
  const out = JSON.parse(enabled.stdout) as {
    accounts: { accountId: string; resourceStatus: { ecr: string } }[]
  }
  assert.equal(out.accounts[0]?.accountId, '123456789012')
  assert.equal(out.accounts[0]?.resourceStatus.ecr, 'ENABLING')
  const status = await aws(['inspector2', 'batch-get-account-status'])
  assert.equal(status.status, 0, status.stderr)
  assert.match(status.stdout, /"ENABLED"/)
})

test('a wrong secret is refused, and an unimplemented operation says so', { skip }, async () => {
  const wrong = await aws(['guardduty', 'list-detectors'], 'not-the-secret')
  assert.notEqual(wrong.status, 0)
  assert.match(wrong.stderr, /InvalidSignatureException/)
  const missing = await aws(['inspector2', 'list-filters'])
  assert.notEqual(missing.status, 0)
  assert.match(missing.stderr, /NotImplementedException.*ListFilters/)
})
