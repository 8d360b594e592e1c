/**
 * At-least-once delivery across a crash: `vigil serve` (a child process) records findings while its
 * webhook receiver is down, is killed with SIGKILL mid-retry, and after a restart on the same data
 * directory delivers every event once the receiver is up — nothing lost.
 */
import { CreateDetectorCommand, CreateSampleFindingsCommand } from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { guardDutyClient } from '../helpers/vigil-server.js'
import { startWebhookReceiver } from '../helpers/webhook-receiver.js'

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-outbox-'))
after(() => rmSync(dataDir, { recursive: true, force: true }))

function startServer(config: string): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--data-dir', dataDir],
    {
      env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', VIGIL_CONFIG: config },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ process: child, url: m[1] as string })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited ${code}: ${out}`))
    })
  })
}

test('events of findings written before a kill -9 are delivered after the restart', async () => {
  // Reserve a port for the receiver, then leave it closed: deliveries fail until it comes up.
  const probe = await startWebhookReceiver()
  const port = Number(new URL(probe.url).port)
  await probe.close()
  const config = join(dataDir, 'vigil.json')
  writeFileSync(
    config,
    JSON.stringify({
      outputs: {
        webhooks: [{ name: 'soc', url: `http://127.0.0.1:${port}/hook` }],
        retry: { attempts: 100, baseMs: 50, maxMs: 100 },
        pollMs: 20,
      },
    }),
  )
  let server = await startServer(config)
  await new Promise((r) => setTimeout(r, 300)) // the sink takes its starting cursor
  const gd = guardDutyClient(server.url)
  const detectorId = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? ''
  const types = [
    'Recon:EC2/Portscan',
    'Backdoor:EC2/C&CActivity.B',
    'Policy:IAMUser/RootCredentialUsage',
  ]
  await gd.send(new CreateSampleFindingsCommand({ DetectorId: detectorId, FindingTypes: types }))
  await new Promise((r) => setTimeout(r, 300)) // a few failed attempts
  const killed = new Promise((resolve) => server.process.once('exit', resolve))
  server.process.kill('SIGKILL')
  await killed

  const receiver = await startWebhookReceiver(port)
  try {
    server = await startServer(config)
    const posts = await receiver.waitForOk(3, 20_000)
    assert.deepEqual(
      posts.map((p) => (p.json.detail as { type: string }).type).sort(),
      [...types].sort(),
    )
    server.process.kill('SIGTERM')
    await new Promise((resolve) => server.process.once('exit', resolve))
  } finally {
    await receiver.close()
  }
})
