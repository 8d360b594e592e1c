/**
 * Benchmark: the GuardDuty findings store on a file database — bulk insert rate of synthetic
 * GuardDuty-shaped findings across 4 accounts, then latencies of a query with 3 criteria and a sort, of a
 * criterion on a multi-valued path, and of deep keyset pagination; plus database size. The in-memory
 * evaluator over the same findings is the baseline measured in the same run.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { guardDutyFindingAttributes } from '../src/services/guardduty/domain/finding-attributes.js'
import {
  parseFindingCriteria,
  readFindingValues,
} from '../src/services/guardduty/domain/finding-criteria.js'
import type { FindingCriteria } from '../src/services/guardduty/generated/types.js'
import type { FindingPosition } from '../src/storage/ports.js'
import { evaluateCriteria } from '../src/storage/query/evaluate-criteria.js'
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage.js'

const TYPES = [
  'Recon:EC2/Portscan',
  'UnauthorizedAccess:EC2/SSHBruteForce',
  'Trojan:EC2/DNSDataExfiltration',
  'Stealth:IAMUser/CloudTrailLoggingDisabled',
  'CryptoCurrency:EC2/BitcoinTool.B!DNS',
  'Backdoor:EC2/C&CActivity.B',
]
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444']
const BASE = Date.parse('2026-01-01T00:00:00Z')

/** A deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function finding(i: number, account: string, r: () => number): Record<string, unknown> {
  const interfaces = Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({
    networkInterfaceId: `eni-${Math.floor(r() * 1e8).toString(16)}`,
    privateIpAddress: `10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
    securityGroups: Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({
      groupId: `sg-${Math.floor(r() * 500)}`,
      groupName: 'web',
    })),
    subnetId: `subnet-${Math.floor(r() * 50)}`,
    vpcId: `vpc-${Math.floor(r() * 10)}`,
  }))
  return {
    schemaVersion: '2.0',
    accountId: account,
    region: 'us-east-1',
    partition: 'aws',
    id: `${account}-${i.toString(16).padStart(8, '0')}`,
    arn: `arn:aws:guardduty:us-east-1:${account}:detector/d/finding/${i}`,
    type: TYPES[Math.floor(r() * TYPES.length)],
    severity: Math.round((1 + r() * 7.9) * 10) / 10,
    confidence: 5,
    title: 'Synthetic finding',
    description: 'A synthetic finding for the benchmark.',
    createdAt: new Date(BASE + i * 1000).toISOString(),
    updatedAt: new Date(BASE + i * 1000 + Math.floor(r() * 1e6)).toISOString(),
    resource: {
      resourceType: 'Instance',
      instanceDetails: {
        instanceId: `i-${Math.floor(r() * 1e12).toString(16)}`,
        instanceType: 't3.micro',
        tags: [{ key: 'env', value: r() < 0.5 ? 'prod' : 'dev' }],
        networkInterfaces: interfaces,
      },
    },
    service: {
      serviceName: 'guardduty',
      detectorId: 'd',
      archived: r() < 0.2,
      count: 1 + Math.floor(r() * 20),
      resourceRole: 'TARGET',
      eventFirstSeen: new Date(BASE + i * 1000).toISOString(),
      eventLastSeen: new Date(BASE + i * 1000).toISOString(),
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: 'INBOUND',
          localPortDetails: { port: [22, 80, 443, 3389][Math.floor(r() * 4)], portName: 'SSH' },
          remoteIpDetails: {
            ipAddressV4: `198.51.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
            country: { countryName: 'Netherlands' },
          },
          protocol: 'TCP',
          blocked: false,
        },
      },
    },
  }
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

export async function findingsStore(count: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-findings-'))
  const path = join(dir, 'vigil.db')
  const storage = openSqliteStorage({ path, findingAttributes: guardDutyFindingAttributes })
  const r = rng(42)
  const scopes = ACCOUNTS.map((accountId) => ({ accountId, region: 'us-east-1' }))
  const kept: Record<string, unknown>[] = []
  const started = performance.now()
  const batch = 5000
  for (let i = 0; i < count; i += batch) {
    const rows = []
    for (let j = i; j < Math.min(count, i + batch); j++) {
      const account = ACCOUNTS[j % ACCOUNTS.length] as string
      const f = finding(j, account, r)
      if (account === ACCOUNTS[0] && kept.length < 50_000) kept.push(f)
      rows.push({ scope: { accountId: account, region: 'us-east-1' }, detectorId: 'd', finding: f })
    }
    await storage.findings.upsert(rows)
  }
  const insertSeconds = (performance.now() - started) / 1000

  const time = async (runs: number, fn: () => Promise<unknown>) => {
    const samples: number[] = []
    for (let i = 0; i < runs; i++) {
      const t = performance.now()
      await fn()
      samples.push(performance.now() - t)
    }
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) }
  }
  const three: FindingCriteria = {
    Criterion: {
      severity: { Gte: 7 },
      'service.archived': { Eq: ['false'] },
      type: { Eq: ['Recon:EC2/Portscan', 'Trojan:EC2/DNSDataExfiltration'] },
    },
  }
  const multi: FindingCriteria = {
    Criterion: {
      'resource.instanceDetails.networkInterfaces.securityGroups.groupId': { Eq: ['sg-42'] },
    },
  }
  const one = [scopes[0] ?? { accountId: '', region: '' }]
  const q = (criteria: FindingCriteria) => () =>
    storage.findings.query({
      scopes: one,
      filter: parseFindingCriteria(criteria),
      sort: { attribute: 'updatedAt', order: 'DESC' },
      limit: 50,
    })
  const threeCriteria = await time(50, q(three))
  const bySeverity = await time(10, () =>
    storage.findings.aggregate(one, parseFindingCriteria({}), 'severity', { countsOnly: true }),
  )
  const byType = await time(10, () =>
    storage.findings.aggregate(one, parseFindingCriteria({}), 'type'),
  )
  const multiValued = await time(50, q(multi))
  let deepMs: number
  {
    let after: FindingPosition | undefined
    const filter = parseFindingCriteria({})
    const t = performance.now()
    for (let page = 0; page < 1000; page++) {
      const res: { next?: FindingPosition } = await storage.findings.query({
        scopes: one,
        filter,
        sort: { attribute: 'updatedAt', order: 'ASC' },
        limit: 50,
        ...(after ? { after } : {}),
      })
      after = res.next
      if (!after) break
    }
    deepMs = performance.now() - t
  }
  const baselineFilter = parseFindingCriteria(three)
  const baseline = await time(20, () =>
    Promise.resolve(kept.filter((f) => evaluateCriteria(baselineFilter, f, readFindingValues))),
  )
  const rss = process.memoryUsage().rss
  storage.close()
  const size = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0)
  rmSync(dir, { recursive: true, force: true })

  console.log(
    `\nFindings store — ${count.toLocaleString('en')} synthetic findings across ${ACCOUNTS.length} accounts (SQLite file, WAL)`,
  )
  console.log('| measure | value |')
  console.log('|---|---:|')
  console.log(
    `| bulk insert | ${Math.round(count / insertSeconds).toLocaleString('en')} findings/s |`,
  )
  console.log(
    `| query, 3 criteria + sort, one account: p50 / p99 | ${threeCriteria.p50.toFixed(2)} / ${threeCriteria.p99.toFixed(2)} ms |`,
  )
  console.log(
    `| query, multi-valued path: p50 / p99 | ${multiValued.p50.toFixed(2)} / ${multiValued.p99.toFixed(2)} ms |`,
  )
  console.log(
    `| keyset pagination to page 1,000 (or the end): per page | ${(deepMs / 1000).toFixed(3)} ms |`,
  )
  console.log(
    `| baseline: in-memory evaluator over ${kept.length.toLocaleString('en')} parsed findings, 3 criteria: p50 | ${baseline.p50.toFixed(2)} ms |`,
  )
  console.log(
    `| statistics of one account (${(count / ACCOUNTS.length).toLocaleString('en')} findings) COUNT_BY_SEVERITY: p50 / p99 | ${bySeverity.p50.toFixed(1)} / ${bySeverity.p99.toFixed(1)} ms |`,
  )
  console.log(
    `| statistics groupBy FINDING_TYPE (counts and last update): p50 / p99 | ${byType.p50.toFixed(1)} / ${byType.p99.toFixed(1)} ms |`,
  )
  console.log(`| database size | ${(size / 1024 / 1024).toFixed(0)} MiB |`)
  console.log(`| process RSS after the run | ${(rss / 1024 / 1024).toFixed(0)} MiB |`)
}
