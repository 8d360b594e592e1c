/**
 * The EventBridge sink against a PutEvents endpoint on loopback (AWS JSON 1.1, as EventBridge
 * speaks it): ten entries per call, the event's fields mapped to PutEvents entries, per-entry
 * errors failing just those events, and an unreachable endpoint failing them all.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { stableEventId, type VigilEvent } from '../events/vigil-event.js'
import { EventBridgeSink } from './eventbridge-sink.js'

interface Call {
  target: string | undefined
  body: { Entries: Record<string, unknown>[] }
}
const calls: Call[] = []
const server = createServer((req, res) => {
  let text = ''
  req.on('data', (d: Buffer) => (text += d.toString()))
  req.on('end', () => {
    const body = JSON.parse(text) as Call['body']
    calls.push({ target: req.headers['x-amz-target'] as string | undefined, body })
    const entries = body.Entries.map((e) =>
      (e.Detail as string).includes('"reject":true')
        ? { ErrorCode: 'InternalFailure', ErrorMessage: 'no' }
        : { EventId: stableEventId(String(e.Detail)) },
    )
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
    res.end(
      JSON.stringify({
        FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length,
        Entries: entries,
      }),
    )
  })
})
let endpoint = ''
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
after(() => new Promise<void>((resolve) => server.close(() => resolve())))

const event = (i: number, reject = false): VigilEvent => ({
  version: '0',
  id: stableEventId(String(i)),
  'detail-type': 'GuardDuty Finding',
  source: 'aws.guardduty',
  account: '123456789012',
  time: '2026-11-22T10:00:00Z',
  region: 'us-east-1',
  resources: [`arn:aws:ec2:us-east-1:123456789012:instance/i-${i}`],
  detail: { id: `f${i}`, ...(reject ? { reject: true } : {}) },
})

test('events go out ten per PutEvents call; per-entry errors fail just those events', async () => {
  const sink = new EventBridgeSink({
    name: 'bus',
    endpoint,
    region: 'us-east-1',
    eventBusName: 'security',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'secret',
  })
  const events = Array.from({ length: 12 }, (_, i) => event(i, i === 11))
  const outcomes = await sink.deliver(events)
  sink.close()
  assert.equal(calls.length, 2)
  assert.ok(calls.every((c) => c.target === 'AWSEvents.PutEvents'))
  assert.deepEqual(
    calls.map((c) => c.body.Entries.length),
    [10, 2],
  )
  const first = calls[0]?.body.Entries[0]
  assert.equal(first?.Source, 'aws.guardduty')
  assert.equal(first?.DetailType, 'GuardDuty Finding')
  assert.equal(first?.EventBusName, 'security')
  assert.deepEqual(first?.Resources, ['arn:aws:ec2:us-east-1:123456789012:instance/i-0'])
  assert.deepEqual(JSON.parse(String(first?.Detail)), { id: 'f0' })
  assert.deepEqual(
    outcomes.map((o) => o.ok),
    [...Array.from({ length: 11 }, () => true), false],
  )
  assert.match((outcomes[11] as { error: string }).error, /^InternalFailure/)
})

test('an unreachable endpoint fails every event', async () => {
  const sink = new EventBridgeSink({
    name: 'gone',
    endpoint: 'http://127.0.0.1:1',
    region: 'us-east-1',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'secret',
  })
  const outcomes = await sink.deliver([event(1), event(2)])
  sink.close()
  assert.deepEqual(
    outcomes.map((o) => o.ok),
    [false, false],
  )
})
