/**
 * Durability of the real server process: a write acknowledged with a 2xx survives `kill -9` of the
 * server, and a graceful SIGTERM stop followed by a restart keeps everything. Runs `vigil serve` as a
 * child process on a free loopback port with a temporary data directory.
 */
import { CreateDetectorCommand, GetDetectorCommand } from '@aws-sdk/client-guardduty'
import { EnableCommand, BatchGetAccountStatusCommand } from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { guardDutyClient, inspectorClient } from '../helpers/vigil-server.js'

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-persist-'))
after(() => rmSync(dataDir, { recursive: true, force: true }))

interface Child {
  readonly process: ChildProcess
  readonly url: string
  readonly output: () => string
}

function startServer(): Promise<Child> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--data-dir', dataDir],
    { env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
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
        resolve({ process: child, url: m[1] as string, output: () => out })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited ${code}: ${out}`))
    })
  })
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
}

test('a 200 survives kill -9 right after it, and a SIGTERM stop is clean', async () => {
  let server = await startServer()
  const { DetectorId } = await guardDutyClient(server.url).send(
    new CreateDetectorCommand({ Enable: true, Tags: { durable: 'yes' } }),
  )
  await inspectorClient(server.url).send(new EnableCommand({ resourceTypes: ['EC2'] }))
  const killed = exited(server.process)
  server.process.kill('SIGKILL')
  assert.equal((await killed).signal, 'SIGKILL')

  server = await startServer()
  const d = await guardDutyClient(server.url).send(new GetDetectorCommand({ DetectorId }))
  assert.equal(d.Status, 'ENABLED')
  assert.deepEqual(d.Tags, { durable: 'yes' })
  const s = await inspectorClient(server.url).send(new BatchGetAccountStatusCommand({}))
  assert.equal(s.accounts?.[0]?.resourceState?.ec2?.status, 'ENABLED')

  const stopped = exited(server.process)
  server.process.kill('SIGTERM')
  assert.equal((await stopped).code, 0)
  assert.match(server.output(), /Vigil stopping \(SIGTERM\)/)

  server = await startServer()
  const again = await guardDutyClient(server.url).send(new GetDetectorCommand({ DetectorId }))
  assert.equal(again.Status, 'ENABLED')
  const last = exited(server.process)
  server.process.kill('SIGTERM')
  await last
})
