/**
 * Benchmark: findings events delivered to a loopback webhook. Records findings through the
 * aggregator at a steady rate and reports the events delivered per second, and the latency from a
 * finding's write to the webhook receiving its event (p50/p99). The receiver runs in this process.
 * Baseline in the same run: bare POSTs from the same process to the same receiver.
 */
import { DEFAULTS } from '../src/config/config.js'
import { createLogger } from '../src/core/logger.js'
import { startVigil } from '../src/main.js'
import { parseOutputsConfig } from '../src/outputs/outputs-config.js'
import { startWebhookReceiver } from '../test/helpers/webhook-receiver.js'
import { CreateDetectorCommand } from '@aws-sdk/client-guardduty'
import { guardDutyClient } from '../test/helpers/vigil-server.js'

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

export async function outputsDelivery(count: number): Promise<void> {
  const baselineReceiver = await startWebhookReceiver()
  const receiver = await startWebhookReceiver()
  const writtenAt = new Map<string, number>()
  const latencies: number[] = []
  receiver.respond = (post) => {
    const id = String((post.json.detail as { id: string }).id)
    const t = writtenAt.get(id)
    if (t !== undefined) latencies.push(performance.now() - t)
    return 200
  }
  // Baseline: bare POSTs, 16 in flight.
  const baselineCount = Math.min(count, 5000)
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < baselineCount)
        await (
          await fetch(baselineReceiver.url, {
            method: 'POST',
            body: JSON.stringify({ id: next, detail: { id: 'x' } }),
          })
        ).arrayBuffer()
    }),
  )
  const baselineRate = baselineCount / ((performance.now() - t0) / 1000)
  await baselineReceiver.close()

  const vigil = await startVigil(
    {
      ...DEFAULTS,
      port: 0,
      dataDir: ':memory:',
      outputs: parseOutputsConfig({
        webhooks: [{ name: 'bench', url: receiver.url, secret: 'x' }],
        pollMs: 10,
      }),
    },
    { logger: createLogger({ level: 'silent' }) },
  )
  await new Promise((r) => setTimeout(r, 100))
  const account = '123456789012'
  await guardDutyClient(vigil.url).send(new CreateDetectorCommand({ Enable: true }))
  const record = async (i: number) => {
    const recorded = await vigil.findingAggregator.record({
      scope: { accountId: account, region: 'us-east-1' },
      aggregationKey: `bench-${i}`,
      eventTimeMs: Date.now(),
      finding: {
        type: 'Recon:EC2/Portscan',
        severity: 5,
        title: 'bench',
        description: 'bench',
        resource: { resourceType: 'Instance', instanceDetails: { instanceId: `i-${i}` } },
      },
    })
    if (recorded) writtenAt.set(recorded.findingId, performance.now())
  }
  // Throughput: a burst of `count` findings, yielding to the event loop every 100.
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    await record(i)
    if (i % 100 === 99) await new Promise((r) => setImmediate(r))
  }
  await receiver.waitForOk(count, 300_000)
  const seconds = (performance.now() - started) / 1000
  // Latency: 1,000 findings paced at 500 per second, on a healthy sink.
  latencies.length = 0
  for (let i = count; i < count + 1000; i++) {
    await record(i)
    if (i % 5 === 4) await new Promise((r) => setTimeout(r, 10))
  }
  await receiver.waitForOk(count + 1000, 60_000)
  await vigil.close()
  await receiver.close()
  console.log(
    `\nOutputs — ${count.toLocaleString('en')} findings events to a loopback webhook (signed, 16 in flight)`,
  )
  console.log('| measure | value |')
  console.log('|---|---:|')
  console.log(
    `| baseline: bare POSTs to the same receiver | ${Math.round(baselineRate).toLocaleString('en')} /s |`,
  )
  console.log(
    `| events delivered, write to last receipt | ${Math.round(count / seconds).toLocaleString('en')} events/s |`,
  )
  console.log(
    `| latency write → webhook at 500 findings/s: p50 / p99 | ${percentile(latencies, 50).toFixed(0)} / ${percentile(latencies, 99).toFixed(0)} ms |`,
  )
}
