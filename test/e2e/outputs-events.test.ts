/**
 * Findings events delivered to sinks: a webhook receiver on loopback gets every new finding as a
 * signed "GuardDuty Finding" event and a JSON-lines file gets the same events; a pattern narrows a
 * sink; a receiver that fails and recovers gets everything without loss; one that keeps failing fills
 * the dead letters, which the status route lists and the replay route delivers.
 */
import { CreateDetectorCommand, CreateSampleFindingsCommand } from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { outputsStatus } from '../../src/cli/outputs-commands.js'
import { parseOutputsConfig } from '../../src/outputs/outputs-config.js'
import { webhookSignature } from '../../src/outputs/sinks/webhook-sink.js'
import {
  rawRequest,
  guardDutyClient,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js'

const TYPES = [
  'Recon:EC2/Portscan',
  'UnauthorizedAccess:EC2/SSHBruteForce',
  'CryptoCurrency:EC2/BitcoinTool.B!DNS',
]
let server: TestServer
let all: WebhookReceiver
let high: WebhookReceiver
let flaky: WebhookReceiver
let broken: WebhookReceiver
const file = join(mkdtempSync(join(tmpdir(), 'vigil-events-')), 'events.jsonl')

before(async () => {
  ;[all, high, flaky, broken] = await Promise.all([
    startWebhookReceiver(),
    startWebhookReceiver(),
    startWebhookReceiver(),
    startWebhookReceiver(),
  ])
  // The flaky receiver fails each event's first two deliveries; the broken one fails all.
  const seen = new Map<string, number>()
  flaky.respond = (post) => {
    const id = String(post.json.id)
    seen.set(id, (seen.get(id) ?? 0) + 1)
    return (seen.get(id) ?? 0) <= 2 ? 503 : 200
  }
  broken.respond = () => 500
  server = await startTestServer({
    outputs: parseOutputsConfig({
      webhooks: [
        { name: 'all', url: all.url, secret: 'hush' },
        {
          name: 'high',
          url: high.url,
          pattern: { detail: { severity: [{ numeric: ['>=', 7] }] } },
        },
        { name: 'flaky', url: flaky.url },
        { name: 'broken', url: broken.url },
      ],
      files: [{ name: 'file', path: file }],
      retry: { attempts: 3, baseMs: 20, maxMs: 40 },
      pollMs: 20,
    }),
  })
  // Let every sink take its starting cursor before anything is written.
  await new Promise((r) => setTimeout(r, 200))
})
after(async () => {
  await server.close()
  await Promise.all([all.close(), high.close(), flaky.close(), broken.close()])
})

test('every new finding reaches the sinks as a signed GuardDuty Finding event', async () => {
  const gd = guardDutyClient(server.url, { accessKeyId: '930000000001' })
  const detectorId = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? ''
  await gd.send(new CreateSampleFindingsCommand({ DetectorId: detectorId, FindingTypes: TYPES }))
  const posts = await all.waitForOk(3)
  const types = posts.map((p) => (p.json.detail as { type: string }).type).sort()
  assert.deepEqual(types, [...TYPES].sort())
  for (const p of posts) {
    assert.equal(p.json['detail-type'], 'GuardDuty Finding')
    assert.equal(p.json.source, 'aws.guardduty')
    assert.equal(p.json.account, '930000000001')
    assert.equal(p.json.region, 'us-east-1')
    assert.equal(p.headers['x-vigil-event-id'], p.json.id)
    assert.equal(
      p.headers['x-vigil-signature'],
      webhookSignature('hush', String(p.headers['x-vigil-timestamp']), p.text),
    )
  }
  // The pattern sink only gets the high-severity ones (BitcoinTool.B!DNS is 8; the others are lower).
  const highPosts = await high.waitForOk(1)
  await new Promise((r) => setTimeout(r, 200))
  assert.deepEqual(
    high.received.map((p) => (p.json.detail as { type: string }).type),
    ['CryptoCurrency:EC2/BitcoinTool.B!DNS'],
  )
  assert.equal(highPosts.length, 1)
  // The flaky receiver got each event after two failures; nothing lost, nothing dead.
  const flakyOk = await flaky.waitForOk(3)
  assert.deepEqual(new Set(flakyOk.map((p) => p.json.id)).size, 3)
  assert.equal(flaky.received.length, 9)
  // The file has the same events as the webhook.
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string })
  assert.deepEqual(lines.map((l) => l.id).sort(), posts.map((p) => String(p.json.id)).sort())
  // The same finding updated again is a new event with a new id.
  await gd.send(
    new CreateSampleFindingsCommand({ DetectorId: detectorId, FindingTypes: [TYPES[0] as string] }),
  )
  const again = await all.waitForOk(4)
  assert.equal(new Set(again.map((p) => p.json.id)).size, 4)
})

test('a sink that keeps failing fills the dead letters; status lists them; replay delivers them', async () => {
  const deadline = Date.now() + 10_000
  let status: Record<string, unknown>
  for (;;) {
    const res = await rawRequest(server.url, {
      method: 'GET',
      path: '/_vigil/outputs/status',
      service: 'vigil',
    })
    assert.equal(res.status, 200, res.text)
    status = res.json()
    const sink = (status.sinks as { name: string; deadLetters: number }[]).find(
      (s) => s.name === 'broken',
    )
    if ((sink?.deadLetters ?? 0) >= 4 || Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, 50))
  }
  const sinks = status.sinks as {
    name: string
    deadLetters: number
    lastError?: string
    feeds: { backlog: number }[]
  }[]
  const brokenStatus = sinks.find((s) => s.name === 'broken')
  assert.equal(brokenStatus?.deadLetters, 4)
  assert.equal(brokenStatus?.lastError, 'HTTP 500')
  assert.equal(broken.received.length, 12, 'three attempts per event')
  assert.equal(sinks.find((s) => s.name === 'all')?.deadLetters, 0)
  const printed: string[] = []
  await outputsStatus({ endpointUrl: server.url, env: {}, out: (l) => printed.push(l) })
  assert.ok(
    printed.some((l) => /^broken: .*; 4 dead letters; last error: HTTP 500$/.test(l)),
    printed.join('\n'),
  )
  broken.respond = () => 200
  const replay = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/outputs/replay',
    query: { sink: 'broken' },
    service: 'vigil',
    body: '',
  })
  assert.equal(replay.status, 200, replay.text)
  assert.deepEqual(replay.json(), { delivered: 4, remaining: 0 })
  const metrics = await (await fetch(`${server.url}/_vigil/metrics`)).text()
  assert.match(metrics, /^vigil_events_delivered_total\{sink="all"\} 4$/m)
  assert.match(metrics, /^vigil_events_dead_lettered_total\{sink="broken"\} 4$/m)
  assert.match(metrics, /^vigil_outbox_backlog\{sink="all",feed="guardduty-findings"\} 0$/m)
  const unknown = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/outputs/replay',
    query: { sink: 'nope' },
    service: 'vigil',
    body: '',
  })
  assert.equal(unknown.status, 404)
})

test('an imported Inspector finding reaches the sinks as an Inspector2 Finding event', async () => {
  const account = '930000000002'
  const arn = `arn:aws:inspector2:us-east-1:${account}:finding/${'ab'.repeat(16)}`
  const before = (await all.waitForOk(0)).length
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/inspector2/findings/import',
    service: 'vigil',
    accessKeyId: account,
    body: JSON.stringify({
      findingArn: arn,
      awsAccountId: account,
      type: 'PACKAGE_VULNERABILITY',
      description: 'lodash prototype pollution',
      remediation: { recommendation: { text: 'Upgrade lodash' } },
      severity: 'HIGH',
      status: 'ACTIVE',
      firstObservedAt: 1_790_000_000,
      lastObservedAt: 1_790_000_100,
      updatedAt: 1_790_000_200,
      resources: [
        {
          type: 'AWS_ECR_CONTAINER_IMAGE',
          id: 'arn:aws:ecr:us-east-1:930000000002:repository/app/sha256:ab',
        },
      ],
    }),
  })
  assert.equal(res.status, 200, res.text)
  const posts = await all.waitForOk(before + 1)
  const event = posts.at(-1)?.json as Record<string, unknown>
  assert.equal(event['detail-type'], 'Inspector2 Finding')
  assert.equal(event.source, 'aws.inspector2')
  assert.equal(event.account, account)
  assert.equal(event.time, new Date(1_790_000_200_000).toISOString().replace('.000Z', 'Z'))
  assert.deepEqual(event.resources, ['arn:aws:ecr:us-east-1:930000000002:repository/app/sha256:ab'])
  assert.equal((event.detail as { findingArn: string }).findingArn, arn)
})
