/**
 * Benchmark: Inspector ListFindingAggregations over the SQLite store on a file database. Loads
 * synthetic Inspector findings (default 500,000; `VIGIL_BENCH_I2_FINDINGS`) across 4 accounts; per
 * account: 45 % on 2,000 ECR images (200 repositories, 5 layers each), 35 % on 1,250 EC2 instances
 * (100 AMIs, 10 % network findings), 15 % on 500 Lambda functions (100 layers), 5 % on 125 code
 * repositories; 20,000 CVEs (titles) over 3,000 packages; 85 % ACTIVE. Then it times, for every
 * aggregation type, a first page of 100 groups as the handler's domain function answers it (request
 * → response, no HTTP) with the default sort, sorted by ALL ascending, with one filter of that type,
 * and the 10th page (keyset); plus the bulk insert rate (which includes maintaining the counters),
 * the number of groups per type and the one-time rebuild of the counters when their definition
 * changes.
 */
import { parseFilterCriteria } from '../src/services/inspector2/domain/finding-criteria.js'
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { guardDutyFindingAttributes } from '../src/services/guardduty/domain/finding-attributes.js'
import { listFindingAggregations } from '../src/services/inspector2/domain/finding-aggregations.js'
import type * as i2 from '../src/services/inspector2/generated/types.js'
import type { Scope, StoredInspectorFinding } from '../src/storage/ports.js'
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage.js'
import { rng } from './findings-store.js'

const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444']
const REGION = 'us-east-1'
const T0 = 1_790_000_000
const RUNS = 20

/** Per account. */
const IMAGES = 2_000
const REPOSITORIES = 200
const INSTANCES = 1_250
const AMIS = 100
const FUNCTIONS = 500
const LAMBDA_LAYERS = 100
const CODE_REPOSITORIES = 125
const CVES = 20_000
const PACKAGES = 3_000
const PREFIXES = ['lib', 'py-', 'node-', 'go-', 'java-', '']

type Wire = Record<string, unknown>

const pick = <T>(r: () => number, values: readonly T[]): T =>
  values[Math.floor(r() * values.length)] as T

function severity(r: () => number): string {
  const x = r()
  return x < 0.08
    ? 'CRITICAL'
    : x < 0.3
      ? 'HIGH'
      : x < 0.7
        ? 'MEDIUM'
        : x < 0.9
          ? 'LOW'
          : x < 0.97
            ? 'INFORMATIONAL'
            : 'UNTRIAGED'
}

const packageName = (n: number) => `${PREFIXES[n % PREFIXES.length] ?? ''}pkg${n}`

/** A synthetic Inspector finding in wire form. */
function finding(i: number, account: string, r: () => number): Wire {
  const x = r()
  const cve = Math.floor(r() * CVES)
  // A CVE hits one package, sometimes two.
  const packages = [packageName((cve * 7) % PACKAGES)]
  if (cve % 5 === 0) packages.push(packageName((cve * 7 + 1) % PACKAGES))
  let type = 'PACKAGE_VULNERABILITY'
  let resource: Wire
  let layer: Wire = {}
  if (x < 0.45) {
    const image = Math.floor(r() * IMAGES)
    const repository = `repo-${image % REPOSITORIES}`
    resource = {
      type: 'AWS_ECR_CONTAINER_IMAGE',
      id: `arn:aws:ecr:${REGION}:${account}:repository/${repository}/sha256:${image}`,
      details: {
        awsEcrContainerImage: {
          repositoryName: repository,
          imageHash: `sha256:${image}`,
          registry: account,
          architecture: image % 3 === 0 ? 'arm64' : 'amd64',
          imageTags: image % 4 === 0 ? ['latest', `v${image}`] : [`v${image}`],
          lastInUseAt: T0 + (image % 1000) * 60,
          inUseCount: image % 7,
        },
      },
    }
    layer = { sourceLayerHash: `sha256:layer-${image}-${Math.floor(r() * 5)}` }
  } else if (x < 0.8) {
    const instance = Math.floor(r() * INSTANCES)
    if (r() < 0.1) type = 'NETWORK_REACHABILITY'
    resource = {
      type: 'AWS_EC2_INSTANCE',
      id: `i-${instance.toString(16).padStart(8, '0')}`,
      tags: { env: instance % 2 === 0 ? 'prod' : 'dev', team: `t${instance % 10}` },
      details: {
        awsEc2Instance: {
          imageId: `ami-${instance % AMIS}`,
          platform: instance % 3 === 0 ? 'UBUNTU_22_04' : 'AMAZON_LINUX_2',
        },
      },
    }
  } else if (x < 0.95) {
    const fn = Math.floor(r() * FUNCTIONS)
    resource = {
      type: 'AWS_LAMBDA_FUNCTION',
      id: `arn:aws:lambda:${REGION}:${account}:function:fn-${fn}`,
      tags: { env: fn % 2 === 0 ? 'prod' : 'dev' },
      details: {
        awsLambdaFunction: {
          functionName: `fn-${fn}`,
          runtime: fn % 2 === 0 ? 'PYTHON_3_11' : 'NODEJS_18_X',
          codeSha256: 'x',
          version: '$LATEST',
          executionRoleArn: `arn:aws:iam::${account}:role/fn`,
          lastModifiedAt: T0 + fn,
        },
      },
    }
    if (r() < 0.5)
      layer = {
        sourceLambdaLayerArn: `arn:aws:lambda:${REGION}:${account}:layer:l${fn % LAMBDA_LAYERS}:1`,
      }
  } else {
    const repo = Math.floor(r() * CODE_REPOSITORIES)
    type = 'CODE_VULNERABILITY'
    resource = {
      type: 'CODE_REPOSITORY',
      id: `code-${repo}`,
      details: {
        codeRepository: {
          projectName: `project-${repo}`,
          providerType: repo % 2 === 0 ? 'GITHUB' : 'GITLAB_SELF_MANAGED',
        },
      },
    }
  }
  const s = r()
  return {
    findingArn: `arn:aws:inspector2:${REGION}:${account}:finding/${i.toString(16).padStart(32, '0')}`,
    awsAccountId: account,
    type,
    title:
      type === 'PACKAGE_VULNERABILITY'
        ? `CVE-2024-${cve} - ${packages.join(', ')}`
        : `Rule ${cve % 500}`,
    description: 'A synthetic finding for the benchmark.',
    remediation: { recommendation: { text: 'None Provided' } },
    severity: severity(r),
    status: s < 0.85 ? 'ACTIVE' : s < 0.95 ? 'SUPPRESSED' : 'CLOSED',
    firstObservedAt: T0 + i,
    lastObservedAt: T0 + i + 60,
    updatedAt: T0 + i + 60,
    fixAvailable: pick(r, ['YES', 'NO', 'PARTIAL']),
    exploitAvailable: r() < 0.1 ? 'YES' : 'NO',
    resources: [resource],
    ...(type === 'PACKAGE_VULNERABILITY'
      ? {
          packageVulnerabilityDetails: {
            vulnerabilityId: `CVE-2024-${cve}`,
            source: 'NVD',
            vulnerablePackages: packages.map((name) => ({ name, version: '1.0', ...layer })),
          },
        }
      : {}),
  }
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/** One filter per aggregation type, as its request member. */
const FILTERED: { readonly [T in i2.AggregationType]: i2.AggregationRequest } = {
  ACCOUNT: { accountAggregation: { findingType: 'PACKAGE_VULNERABILITY' } },
  FINDING_TYPE: { findingTypeAggregation: { resourceType: 'AWS_EC2_INSTANCE' } },
  AMI: { amiAggregation: { amis: [{ comparison: 'PREFIX', value: 'ami-1' }] } },
  AWS_EC2_INSTANCE: {
    ec2InstanceAggregation: { instanceTags: [{ comparison: 'EQUALS', key: 'env', value: 'prod' }] },
  },
  AWS_ECR_CONTAINER: {
    awsEcrContainerAggregation: { imageTags: [{ comparison: 'EQUALS', value: 'latest' }] },
  },
  IMAGE_LAYER: {
    imageLayerAggregation: { repositories: [{ comparison: 'PREFIX', value: 'repo-1' }] },
  },
  AWS_LAMBDA_FUNCTION: {
    lambdaFunctionAggregation: { runtimes: [{ comparison: 'PREFIX', value: 'PYTHON' }] },
  },
  LAMBDA_LAYER: {
    lambdaLayerAggregation: { functionNames: [{ comparison: 'PREFIX', value: 'fn-1' }] },
  },
  PACKAGE: { packageAggregation: { packageNames: [{ comparison: 'PREFIX', value: 'lib' }] } },
  REPOSITORY: {
    repositoryAggregation: { repositories: [{ comparison: 'PREFIX', value: 'repo-1' }] },
  },
  TITLE: {
    titleAggregation: { vulnerabilityIds: [{ comparison: 'PREFIX', value: 'CVE-2024-1' }] },
  },
  CODE_REPOSITORY: {
    codeRepositoryAggregation: { providerTypes: [{ comparison: 'EQUALS', value: 'GITHUB' }] },
  },
}

/** The `AggregationRequest` member of each type (to ask for sortBy ALL ASC). */
const MEMBERS: { readonly [T in i2.AggregationType]: keyof i2.AggregationRequest } = {
  ACCOUNT: 'accountAggregation',
  FINDING_TYPE: 'findingTypeAggregation',
  AMI: 'amiAggregation',
  AWS_EC2_INSTANCE: 'ec2InstanceAggregation',
  AWS_ECR_CONTAINER: 'awsEcrContainerAggregation',
  IMAGE_LAYER: 'imageLayerAggregation',
  AWS_LAMBDA_FUNCTION: 'lambdaFunctionAggregation',
  LAMBDA_LAYER: 'lambdaLayerAggregation',
  PACKAGE: 'packageAggregation',
  REPOSITORY: 'repositoryAggregation',
  TITLE: 'titleAggregation',
  CODE_REPOSITORY: 'codeRepositoryAggregation',
}

/** The store kind of each type, to count groups. */
const KINDS: { readonly [T in i2.AggregationType]: string } = {
  ACCOUNT: 'account',
  FINDING_TYPE: 'account',
  AMI: 'ami',
  AWS_EC2_INSTANCE: 'ec2Instance',
  AWS_ECR_CONTAINER: 'ecrImage',
  IMAGE_LAYER: 'imageLayer',
  AWS_LAMBDA_FUNCTION: 'lambdaFunction',
  LAMBDA_LAYER: 'lambdaLayer',
  PACKAGE: 'package',
  REPOSITORY: 'repository',
  TITLE: 'title',
  CODE_REPOSITORY: 'codeRepository',
}

/** Runs the benchmark and prints its table (Markdown). */
export async function runInspectorAggregationsBench(
  count = Number(process.env.VIGIL_BENCH_I2_FINDINGS ?? '500000'),
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-i2-aggregations-'))
  const path = join(dir, 'vigil.db')
  const open = () => openSqliteStorage({ path, findingAttributes: guardDutyFindingAttributes })
  let storage = open()
  const r = rng(7)
  const started = performance.now()
  const batch = 5000
  for (let i = 0; i < count; i += batch) {
    const rows: StoredInspectorFinding[] = []
    for (let j = i; j < Math.min(count, i + batch); j++) {
      const accountId = ACCOUNTS[j % ACCOUNTS.length] as string
      rows.push({ scope: { accountId, region: REGION }, finding: finding(j, accountId, r) })
    }
    await storage.inspectorFindings.upsert(rows)
  }
  const insertSeconds = (performance.now() - started) / 1000
  const scopes: Scope[] = ACCOUNTS.map((accountId) => ({ accountId, region: REGION }))

  const time = async (input: i2.ListFindingAggregationsRequest) => {
    const samples: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now()
      const answer = await listFindingAggregations(storage, scopes, { maxResults: 100, ...input })
      samples.push(performance.now() - t)
      if (i === 0 && (answer.responses?.length ?? 0) === 0)
        throw new Error(`no groups for ${JSON.stringify(input)}`)
    }
    return samples
  }
  // ListFindings with three filters and a sort, first page of 50.
  const listFilter = parseFilterCriteria({
    findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }],
    severity: [
      { comparison: 'EQUALS', value: 'CRITICAL' },
      { comparison: 'EQUALS', value: 'HIGH' },
    ],
    resourceType: [{ comparison: 'EQUALS', value: 'AWS_ECR_CONTAINER_IMAGE' }],
  })
  const listSamples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    await storage.inspectorFindings.query({
      scopes,
      filter: listFilter,
      sort: { key: 'inspectorScore', order: 'DESC' },
      limit: 50,
    })
    listSamples.push(performance.now() - t)
  }
  const types = Object.keys(FILTERED) as i2.AggregationType[]
  const rows: string[] = []
  const all: number[] = []
  for (const aggregationType of types) {
    const plain = await time({ aggregationType })
    const ascending = await time({
      aggregationType,
      aggregationRequest: { [MEMBERS[aggregationType]]: { sortBy: 'ALL', sortOrder: 'ASC' } },
    })
    const filtered = await time({ aggregationType, aggregationRequest: FILTERED[aggregationType] })
    // The 10th page: nine pages are read first, then the 10th is timed from its token.
    let nextToken: string | undefined
    for (let page = 0; page < 9; page++) {
      const answer = await listFindingAggregations(storage, scopes, {
        aggregationType,
        maxResults: 100,
        ...(nextToken ? { nextToken } : {}),
      })
      nextToken = answer.nextToken
      if (!nextToken) break
    }
    const tenth = nextToken ? await time({ aggregationType, nextToken }) : []
    all.push(...plain, ...ascending, ...filtered, ...tenth)
    const cell = (s: number[]) =>
      `${percentile(s, 50).toFixed(1)} / ${percentile(s, 99).toFixed(1)}`
    rows.push(
      `| ${aggregationType} | %${KINDS[aggregationType]}% | ${cell(plain)} | ${cell(ascending)} | ${cell(filtered)} | ${tenth.length ? cell(tenth) : '–'} |`,
    )
  }
  storage.close()

  // Groups per kind, and the rebuild a definition change causes.
  const db = new Database(path)
  const groups = new Map(
    db
      .prepare<[], { kind: string; n: number }>(
        `SELECT kind, COUNT(*) AS n FROM i2_agg_group WHERE d1 = '*' AND d2 = '*' GROUP BY kind`,
      )
      .all()
      .map((g) => [g.kind, g.n]),
  )
  const cells =
    db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM i2_agg_group').get()?.n ?? 0
  db.prepare('DELETE FROM i2_agg_state').run()
  db.close()
  const t = performance.now()
  storage = open()
  const rebuildSeconds = (performance.now() - t) / 1000
  const rss = process.memoryUsage().rss
  storage.close()
  const size = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0)
  rmSync(dir, { recursive: true, force: true })

  console.log(
    `\nInspector ListFindings, 3 filters (status, severity, resource type) + sort by inspectorScore, all 4 accounts: p50 / p99 ${percentile(listSamples, 50).toFixed(1)} / ${percentile(listSamples, 99).toFixed(1)} ms; bulk insert ${Math.round(count / insertSeconds).toLocaleString('en')} findings/s`,
  )
  console.log(
    `\nInspector finding aggregations — ${count.toLocaleString('en')} synthetic findings across ${ACCOUNTS.length} accounts (SQLite file, WAL), first page of 100 groups, ${RUNS} runs each, p50 / p99 ms`,
  )
  console.log(
    '| aggregation | groups | default sort (CRITICAL DESC) | ALL ASC | one filter | 10th page |',
  )
  console.log('|---|---:|---:|---:|---:|---:|')
  for (const row of rows)
    console.log(
      row.replace(/%(\w+)%/, (_, kind: string) => (groups.get(kind) ?? 0).toLocaleString('en')),
    )
  console.log(
    `| all ${all.length} requests: p50 / p99 / max | | ${percentile(all, 50).toFixed(1)} / ${percentile(all, 99).toFixed(1)} / ${Math.max(...all).toFixed(1)} | | | |`,
  )
  console.log('')
  console.log('| measure | value |')
  console.log('|---|---:|')
  console.log(
    `| bulk insert (attribute index and counters included) | ${Math.round(count / insertSeconds).toLocaleString('en')} findings/s |`,
  )
  console.log(
    `| group rows (with the roll-ups of ACCOUNT and TITLE) | ${cells.toLocaleString('en')} |`,
  )
  console.log(
    `| rebuild of the counters on open (definition changed) | ${rebuildSeconds.toFixed(1)} s |`,
  )
  console.log(`| database size | ${(size / 1024 / 1024).toFixed(0)} MiB |`)
  console.log(`| process RSS after the run | ${(rss / 1024 / 1024).toFixed(0)} MiB |`)
}
