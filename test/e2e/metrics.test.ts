/**
 * `GET /_vigil/metrics`: Prometheus text, unsigned, with request counters and latency histograms by
 * service and operation that move with traffic, and the finding counters of the engines and import.
 */
import { CreateDetectorCommand, ListDetectorsCommand } from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { guardDutyClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

async function scrape(): Promise<{ text: string; contentType: string | null }> {
  const res = await fetch(`${server.url}/_vigil/metrics`)
  assert.equal(res.status, 200)
  return { text: await res.text(), contentType: res.headers.get('content-type') }
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

test('request counters and histograms move with traffic', async () => {
  const gd = guardDutyClient(server.url, { accessKeyId: '990000000001' })
  const series = 'vigil_requests_total{service="guardduty",operation="ListDetectors",status="200"}'
  const before = value((await scrape()).text, series)
  await gd.send(new ListDetectorsCommand({}))
  await gd.send(new ListDetectorsCommand({}))
  const { text, contentType } = await scrape()
  assert.match(contentType ?? '', /^text\/plain/)
  assert.equal(value(text, series), before + 2)
  assert.ok(
    value(
      text,
      'vigil_request_duration_seconds_count{service="guardduty",operation="ListDetectors"}',
    ) >= 2,
  )
  assert.match(text, /^process_resident_memory_bytes \d+/m)
  const bad = await guardDutyClient(server.url, {
    accessKeyId: '990000000001',
    secretAccessKey: 'wrong',
  })
    .send(new ListDetectorsCommand({}))
    .catch((e: unknown) => e)
  assert.ok(bad instanceof Error)
  assert.ok(
    value((await scrape()).text, 'vigil_requests_total{service="",operation="",status="403"}') >= 1,
  )
})

test('findings recorded by the engines are counted as created, then updated', async () => {
  const gd = guardDutyClient(server.url, { accessKeyId: '990000000002' })
  await gd.send(new CreateDetectorCommand({ Enable: true }))
  const created = 'vigil_findings_recorded_total{service="guardduty",outcome="created"}'
  const updated = 'vigil_findings_recorded_total{service="guardduty",outcome="updated"}'
  const start = (await scrape()).text
  for (let i = 0; i < 3; i++)
    await server.findingAggregator.record({
      scope: { accountId: '990000000002', region: 'us-east-1' },
      aggregationKey: 'k',
      eventTimeMs: Date.now(),
      finding: { type: 'Recon:EC2/Portscan', severity: 5, title: 't', description: 'd' },
    })
  const end = (await scrape()).text
  assert.equal(value(end, created), value(start, created) + 1)
  assert.equal(value(end, updated), value(start, updated) + 2)
})
