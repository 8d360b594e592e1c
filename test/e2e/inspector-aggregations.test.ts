/**
 * Inspector ListFindingAggregations through the real SDK, over findings imported through the signed
 * `/_vigil/` route: every aggregation type on one seeded account with known counts (severity counts,
 * fix/exploit counts, affected images/instances, network findings, resource attributes), a filter of
 * every kind per type, every sort key in both orders, pages, `accountIds`, counters following
 * suppression rules and rewritten findings, validation errors, and a delegated administrator's view of
 * its members.
 */
import {
  AssociateMemberCommand,
  type AmiAggregation,
  type AwsEcrContainerAggregation,
  type CodeRepositoryAggregation,
  type Ec2InstanceAggregation,
  type ImageLayerAggregation,
  type LambdaFunctionAggregation,
  type LambdaLayerAggregation,
  type RepositoryAggregation,
  type TitleAggregation,
  type AggregationResponse,
  type AggregationType,
  CreateFilterCommand,
  DeleteFilterCommand,
  EnableDelegatedAdminAccountCommand,
  type Inspector2Client,
  ListFindingAggregationsCommand,
  type ListFindingAggregationsCommandInput,
  type SeverityCounts,
  type StringFilter,
} from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { rejection } from '../helpers/rejection.js'
import {
  inspectorClient,
  rawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'

let server: TestServer
/** Organization: management 760000000000, accounts 760000000001..3. */
const MANAGEMENT = '760000000000'
const ORG = [1, 2, 3].map((n) => `76000000000${n}`)

before(async () => {
  server = await startTestServer({
    organizations: [{ id: 'o-i2aggregations', managementAccountId: MANAGEMENT, accounts: ORG }],
  })
})
after(async () => {
  await server.close()
})

const as = (accountId: string): Inspector2Client =>
  inspectorClient(server.url, { accessKeyId: accountId })

/** Base time of the fixtures, epoch seconds. */
const T0 = 1_790_000_000
type Wire = Record<string, unknown>

const arnOf = (account: string, n: number) =>
  `arn:aws:inspector2:us-east-1:${account}:finding/${n.toString(16).padStart(32, '0')}`

async function importAs(account: string, findings: readonly Wire[]): Promise<void> {
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/inspector2/findings/import',
    body: findings.map((f) => JSON.stringify(f)).join('\n'),
    service: 'vigil',
    accessKeyId: account,
  })
  assert.equal(res.status, 200, res.text)
  const answer = res.json() as { imported: number; problems: unknown[] }
  assert.deepEqual(answer.problems, [])
  assert.equal(answer.imported, findings.length)
}

// --- The fixture ------------------------------------------------------------------------------------

const EC2 = {
  'i-a': { ami: 'ami-1', platform: 'AMAZON_LINUX_2', tags: { env: 'prod', team: 'a' } },
  'i-b': { ami: 'ami-1', platform: 'UBUNTU_22_04', tags: { env: 'dev' } },
  'i-c': { ami: 'ami-2', platform: 'AMAZON_LINUX_2', tags: { env: 'prod' } },
} as const
const ECR = {
  'img-1': {
    repo: 'web',
    hash: 'sha256:1',
    arch: 'amd64',
    tags: ['latest', 'v1'],
    used: 1000,
    n: 3,
  },
  'img-2': { repo: 'web', hash: 'sha256:2', arch: 'arm64', tags: ['v2'], used: 5000, n: 0 },
  'img-3': {
    repo: 'worker',
    hash: 'sha256:3',
    arch: 'amd64',
    tags: [],
    used: undefined,
    n: undefined,
  },
} as const
const LAMBDA = {
  'fn-1': { name: 'api', runtime: 'PYTHON_3_11', tags: { env: 'prod' }, modified: 100 },
  'fn-2': { name: 'jobs', runtime: 'NODEJS_18_X', tags: {}, modified: 200 },
} as const
const CODE = {
  'code-1': { project: 'vigil', provider: 'GITHUB' },
  'code-2': { project: 'other', provider: 'GITLAB_SELF_MANAGED' },
} as const
const LA1 = 'arn:aws:lambda:us-east-1:000000000000:layer:deps:1'
const LA2 = 'arn:aws:lambda:us-east-1:000000000000:layer:tools:3'

function resource(account: string, id: string): Wire {
  if (id in EC2) {
    const e = EC2[id as keyof typeof EC2]
    return {
      type: 'AWS_EC2_INSTANCE',
      id,
      tags: e.tags,
      details: { awsEc2Instance: { imageId: e.ami, platform: e.platform } },
    }
  }
  if (id in ECR) {
    const e = ECR[id as keyof typeof ECR]
    return {
      type: 'AWS_ECR_CONTAINER_IMAGE',
      id: `arn:aws:ecr:us-east-1:${account}:repository/${e.repo}/${e.hash}`,
      details: {
        awsEcrContainerImage: {
          repositoryName: e.repo,
          imageHash: e.hash,
          registry: account,
          architecture: e.arch,
          imageTags: e.tags,
          ...(e.used !== undefined ? { lastInUseAt: T0 + e.used } : {}),
          ...(e.n !== undefined ? { inUseCount: e.n } : {}),
        },
      },
    }
  }
  if (id in LAMBDA) {
    const l = LAMBDA[id as keyof typeof LAMBDA]
    return {
      type: 'AWS_LAMBDA_FUNCTION',
      id: `arn:aws:lambda:us-east-1:${account}:function:${l.name}`,
      tags: l.tags,
      details: {
        awsLambdaFunction: {
          functionName: l.name,
          runtime: l.runtime,
          codeSha256: 'abc',
          version: '$LATEST',
          executionRoleArn: `arn:aws:iam::${account}:role/${l.name}`,
          lastModifiedAt: T0 + l.modified,
        },
      },
    }
  }
  const c = CODE[id as keyof typeof CODE]
  return {
    type: 'CODE_REPOSITORY',
    id,
    details: { codeRepository: { projectName: c.project, providerType: c.provider } },
  }
}

/** Resource ids as the findings carry them. */
const ecrId = (account: string, img: keyof typeof ECR) => String(resource(account, img).id)
const fnId = (account: string, fn: keyof typeof LAMBDA) => String(resource(account, fn).id)

interface Spec {
  readonly on: string
  readonly type?: 'PACKAGE_VULNERABILITY' | 'NETWORK_REACHABILITY' | 'CODE_VULNERABILITY'
  readonly severity: string
  readonly status?: 'ACTIVE' | 'CLOSED'
  readonly fix?: string
  readonly exploit?: string
  readonly title: string
  readonly vuln?: string
  /** Vulnerable packages: name and layer (hash or ARN). */
  readonly packages?: readonly [string, string?][]
}

/** The findings of the fixture: expected counts are worked out in the tests from this table. */
const SPECS: readonly Spec[] = [
  /* 1 */ {
    on: 'i-a',
    severity: 'CRITICAL',
    fix: 'YES',
    exploit: 'YES',
    title: 'CVE-1 - openssl',
    vuln: 'CVE-1',
    packages: [['openssl']],
  },
  /* 2 */ {
    on: 'i-a',
    severity: 'HIGH',
    fix: 'NO',
    title: 'CVE-2 - zlib',
    vuln: 'CVE-2',
    packages: [['zlib']],
  },
  /* 3 */ {
    on: 'i-a',
    type: 'NETWORK_REACHABILITY',
    severity: 'MEDIUM',
    title: 'Port 22 is reachable',
  },
  /* 4 */ {
    on: 'i-b',
    severity: 'CRITICAL',
    fix: 'YES',
    title: 'CVE-1 - openssl',
    vuln: 'CVE-1',
    packages: [['openssl']],
  },
  /* 5 */ {
    on: 'i-b',
    severity: 'LOW',
    title: 'CVE-3 - curl',
    vuln: 'CVE-3',
    packages: [['curl']],
  },
  /* 6 */ {
    on: 'i-c',
    severity: 'HIGH',
    status: 'CLOSED',
    title: 'CVE-2 - zlib',
    vuln: 'CVE-2',
    packages: [['zlib']],
  },
  /* 7 */ {
    on: 'i-c',
    type: 'NETWORK_REACHABILITY',
    severity: 'HIGH',
    exploit: 'NO',
    title: 'Port 443 is reachable',
  },
  /* 8 */ {
    on: 'img-1',
    severity: 'CRITICAL',
    fix: 'YES',
    exploit: 'YES',
    title: 'CVE-1 - openssl',
    vuln: 'CVE-1',
    packages: [['openssl', 'sha256:L1']],
  },
  /* 9 */ {
    on: 'img-1',
    severity: 'MEDIUM',
    title: 'CVE-4 - libxml2',
    vuln: 'CVE-4',
    packages: [
      ['libxml2', 'sha256:L1'],
      ['zlib', 'sha256:L2'],
    ],
  },
  /* 10 */ {
    on: 'img-2',
    severity: 'HIGH',
    fix: 'PARTIAL',
    title: 'CVE-2 - zlib',
    vuln: 'CVE-2',
    packages: [['zlib', 'sha256:L2']],
  },
  /* 11 */ {
    on: 'img-3',
    severity: 'INFORMATIONAL',
    title: 'CVE-5 - busybox',
    vuln: 'CVE-5',
    packages: [['busybox', 'sha256:L3']],
  },
  /* 12 */ {
    on: 'fn-1',
    severity: 'CRITICAL',
    fix: 'YES',
    title: 'CVE-6 - requests',
    vuln: 'CVE-6',
    packages: [['requests', LA1]],
  },
  /* 13 */ {
    on: 'fn-1',
    severity: 'MEDIUM',
    title: 'CVE-7 - flask',
    vuln: 'CVE-7',
    packages: [['flask']],
  },
  /* 14 */ {
    on: 'fn-2',
    severity: 'UNTRIAGED',
    title: 'GHSA-x - lodash',
    vuln: 'GHSA-x',
    packages: [['lodash', LA2]],
  },
  /* 15 */ {
    on: 'code-1',
    type: 'CODE_VULNERABILITY',
    severity: 'HIGH',
    fix: 'YES',
    exploit: 'YES',
    title: 'CWE-89 - SQL injection',
  },
  /* 16 */ {
    on: 'code-1',
    type: 'CODE_VULNERABILITY',
    severity: 'CRITICAL',
    fix: 'NO',
    title: 'CWE-79 - XSS',
  },
  /* 17 */ {
    on: 'code-2',
    type: 'CODE_VULNERABILITY',
    severity: 'LOW',
    title: 'CWE-22 - Path traversal',
  },
]

function finding(account: string, n: number, spec: Spec): Wire {
  const r = resource(account, spec.on)
  const layered = (layer: string | undefined) =>
    layer === undefined
      ? {}
      : layer.startsWith('arn:')
        ? { sourceLambdaLayerArn: layer }
        : { sourceLayerHash: layer }
  return {
    findingArn: arnOf(account, n),
    awsAccountId: account,
    type: spec.type ?? 'PACKAGE_VULNERABILITY',
    title: spec.title,
    description: `finding ${n}`,
    remediation: { recommendation: { text: 'None Provided' } },
    severity: spec.severity,
    status: spec.status ?? 'ACTIVE',
    firstObservedAt: T0 + n,
    lastObservedAt: T0 + 100 + n,
    updatedAt: T0 + 200 + n,
    resources: [r],
    ...(spec.fix ? { fixAvailable: spec.fix } : {}),
    ...(spec.exploit ? { exploitAvailable: spec.exploit } : {}),
    ...(spec.vuln
      ? {
          packageVulnerabilityDetails: {
            vulnerabilityId: spec.vuln,
            source: 'NVD',
            vulnerablePackages: (spec.packages ?? []).map(([name, layer]) => ({
              name,
              version: '1.0',
              ...layered(layer),
            })),
          },
        }
      : {}),
  }
}

const fixture = (account: string) => SPECS.map((s, i) => finding(account, i + 1, s))

// --- Helpers ----------------------------------------------------------------------------------------

type Input = Omit<ListFindingAggregationsCommandInput, 'aggregationType'>

/** Every response of an aggregation, over all pages. */
async function aggregate(
  client: Inspector2Client,
  aggregationType: AggregationType,
  input: Input = {},
): Promise<AggregationResponse[]> {
  const out: AggregationResponse[] = []
  let nextToken: string | undefined
  let pages = 0
  do {
    const page = await client.send(
      new ListFindingAggregationsCommand({ ...input, aggregationType, nextToken }),
    )
    assert.equal(page.aggregationType, aggregationType)
    out.push(...(page.responses ?? []))
    nextToken = page.nextToken
    assert.ok(++pages < 100, 'pages end')
  } while (nextToken)
  return out
}

/** The one member of each response (the union's value). */
function members<T>(responses: readonly AggregationResponse[]): T[] {
  return responses.map((r) => {
    const values = Object.values(r).filter((v) => v !== undefined) as T[]
    assert.equal(values.length, 1, JSON.stringify(r))
    return values[0] as T
  })
}

const counts = (all: number, critical = 0, high = 0, medium = 0): SeverityCounts => ({
  all,
  critical,
  high,
  medium,
})
const eq = (value: string): StringFilter => ({ comparison: 'EQUALS', value })
const prefix = (value: string): StringFilter => ({ comparison: 'PREFIX', value })
const not = (value: string): StringFilter => ({ comparison: 'NOT_EQUALS', value })

/** One key per group and its severity counts, in response order. */
async function countsBy(
  client: Inspector2Client,
  type: AggregationType,
  keyOf: (m: Record<string, unknown>) => string,
  input: Input = {},
): Promise<[string, SeverityCounts | undefined][]> {
  return members<Record<string, unknown>>(await aggregate(client, type, input)).map((m) => [
    keyOf(m),
    m.severityCounts as SeverityCounts | undefined,
  ])
}

// --- Every aggregation type ---------------------------------------------------------------------------

const S = '761000000001'

test('seed', async () => {
  await importAs(S, fixture(S))
})

test('ACCOUNT and FINDING_TYPE: ACTIVE findings per account, by finding and resource type', async () => {
  const client = as(S)
  for (const type of ['ACCOUNT', 'FINDING_TYPE'] as const) {
    const all = members(await aggregate(client, type))
    // 16 ACTIVE findings (finding 6 is CLOSED): 5 critical, 4 high, 3 medium; 5 fixes, 3 exploits.
    assert.deepEqual(all, [
      {
        accountId: S,
        severityCounts: counts(16, 5, 4, 3),
        exploitAvailableCount: 3,
        fixAvailableCount: 5,
      },
    ])
  }
  const narrowed = async (
    type: 'ACCOUNT' | 'FINDING_TYPE',
    by: {
      findingType?: 'NETWORK_REACHABILITY' | 'PACKAGE_VULNERABILITY'
      resourceType?: 'AWS_LAMBDA_FUNCTION'
    },
  ) =>
    members<{ severityCounts?: SeverityCounts }>(
      await aggregate(client, type, {
        aggregationRequest:
          type === 'ACCOUNT' ? { accountAggregation: by } : { findingTypeAggregation: by },
      }),
    ).map((m) => m.severityCounts)
  assert.deepEqual(await narrowed('ACCOUNT', { findingType: 'NETWORK_REACHABILITY' }), [
    counts(2, 0, 1, 1),
  ])
  assert.deepEqual(await narrowed('ACCOUNT', { resourceType: 'AWS_LAMBDA_FUNCTION' }), [
    counts(3, 1, 0, 1),
  ])
  assert.deepEqual(await narrowed('FINDING_TYPE', { findingType: 'PACKAGE_VULNERABILITY' }), [
    counts(11, 4, 2, 2),
  ])
  assert.deepEqual(
    await narrowed('FINDING_TYPE', {
      findingType: 'NETWORK_REACHABILITY',
      resourceType: 'AWS_LAMBDA_FUNCTION',
    }),
    [],
  )
})

test('AMI: affected instances, filters and every sort', async () => {
  const client = as(S)
  assert.deepEqual(members(await aggregate(client, 'AMI')), [
    { ami: 'ami-1', accountId: S, severityCounts: counts(5, 2, 1, 1), affectedInstances: 2 },
    { ami: 'ami-2', accountId: S, severityCounts: counts(1, 0, 1, 0), affectedInstances: 1 },
  ])
  const amis = async (amiAggregation: AmiAggregation) =>
    members<{ ami: string }>(
      await aggregate(client, 'AMI', { aggregationRequest: { amiAggregation } }),
    ).map((m) => m.ami)
  assert.deepEqual(await amis({ amis: [eq('ami-2')] }), ['ami-2'])
  assert.deepEqual(await amis({ amis: [not('ami-2')] }), ['ami-1'])
  assert.deepEqual(await amis({ sortBy: 'ALL', sortOrder: 'ASC' }), ['ami-2', 'ami-1'])
  assert.deepEqual(await amis({ sortBy: 'AFFECTED_INSTANCES', sortOrder: 'ASC' }), [
    'ami-2',
    'ami-1',
  ])
  assert.deepEqual(await amis({ sortBy: 'AFFECTED_INSTANCES' }), ['ami-1', 'ami-2'])
  assert.deepEqual(await amis({ sortBy: 'HIGH' }), ['ami-1', 'ami-2'], 'ties by AMI id')
})

test('AWS_EC2_INSTANCE: instance attributes, network findings, tag and OS filters', async () => {
  const client = as(S)
  assert.deepEqual(members(await aggregate(client, 'AWS_EC2_INSTANCE')), [
    {
      instanceId: 'i-a',
      ami: 'ami-1',
      operatingSystem: 'AMAZON_LINUX_2',
      instanceTags: { env: 'prod', team: 'a' },
      accountId: S,
      severityCounts: counts(3, 1, 1, 1),
      networkFindings: 1,
    },
    {
      instanceId: 'i-b',
      ami: 'ami-1',
      operatingSystem: 'UBUNTU_22_04',
      instanceTags: { env: 'dev' },
      accountId: S,
      severityCounts: counts(2, 1, 0, 0),
      networkFindings: 0,
    },
    {
      instanceId: 'i-c',
      ami: 'ami-2',
      operatingSystem: 'AMAZON_LINUX_2',
      instanceTags: { env: 'prod' },
      accountId: S,
      severityCounts: counts(1, 0, 1, 0),
      networkFindings: 1,
    },
  ])
  type Ec2 = Ec2InstanceAggregation
  const ids = async (ec2InstanceAggregation: Ec2) =>
    members<{ instanceId: string }>(
      await aggregate(client, 'AWS_EC2_INSTANCE', {
        aggregationRequest: { ec2InstanceAggregation },
      }),
    ).map((m) => m.instanceId)
  assert.deepEqual(
    await ids({ instanceTags: [{ comparison: 'EQUALS', key: 'env', value: 'prod' }] }),
    ['i-a', 'i-c'],
  )
  assert.deepEqual(await ids({ instanceTags: [{ comparison: 'EQUALS', key: 'team' }] }), ['i-a'])
  assert.deepEqual(await ids({ operatingSystems: [eq('UBUNTU_22_04')] }), ['i-b'])
  assert.deepEqual(await ids({ amis: [eq('ami-2')] }), ['i-c'])
  assert.deepEqual(await ids({ instanceIds: [prefix('i-'), not('i-a')] }), ['i-b', 'i-c'])
  assert.deepEqual(await ids({ sortBy: 'NETWORK_FINDINGS' }), ['i-a', 'i-c', 'i-b'])
  // ASC is the exact reverse of DESC, ties included.
  assert.deepEqual(await ids({ sortBy: 'NETWORK_FINDINGS', sortOrder: 'ASC' }), [
    'i-b',
    'i-c',
    'i-a',
  ])
  assert.deepEqual(await ids({ sortBy: 'ALL', sortOrder: 'ASC' }), ['i-c', 'i-b', 'i-a'])
})

test('AWS_ECR_CONTAINER: image attributes and every filter', async () => {
  const client = as(S)
  const [img1, img2, img3] = (['img-1', 'img-2', 'img-3'] as const).map((i) => ecrId(S, i))
  assert.deepEqual(members(await aggregate(client, 'AWS_ECR_CONTAINER')), [
    {
      resourceId: img1,
      imageSha: 'sha256:1',
      repository: 'web',
      architecture: 'amd64',
      imageTags: ['latest', 'v1'],
      accountId: S,
      severityCounts: counts(2, 1, 0, 1),
      lastInUseAt: new Date((T0 + 1000) * 1000),
      inUseCount: 3,
    },
    {
      resourceId: img2,
      imageSha: 'sha256:2',
      repository: 'web',
      architecture: 'arm64',
      imageTags: ['v2'],
      accountId: S,
      severityCounts: counts(1, 0, 1, 0),
      lastInUseAt: new Date((T0 + 5000) * 1000),
      inUseCount: 0,
    },
    {
      resourceId: img3,
      imageSha: 'sha256:3',
      repository: 'worker',
      architecture: 'amd64',
      imageTags: [],
      accountId: S,
      severityCounts: counts(1, 0, 0, 0),
    },
  ])
  type Ecr = AwsEcrContainerAggregation
  const ids = async (awsEcrContainerAggregation: Ecr) =>
    members<{ resourceId: string }>(
      await aggregate(client, 'AWS_ECR_CONTAINER', {
        aggregationRequest: { awsEcrContainerAggregation },
      }),
    ).map((m) => m.resourceId)
  assert.deepEqual(await ids({ architectures: [eq('arm64')] }), [img2])
  assert.deepEqual(await ids({ imageTags: [eq('latest')] }), [img1])
  assert.deepEqual(await ids({ imageTags: [not('v2')] }), [img1, img3], 'NOT_EQUALS: no tag is v2')
  assert.deepEqual(await ids({ repositories: [eq('worker')] }), [img3])
  assert.deepEqual(await ids({ imageShas: [eq('sha256:2'), eq('sha256:3')] }), [img2, img3])
  assert.deepEqual(await ids({ resourceIds: [eq(img1 ?? '')] }), [img1])
  assert.deepEqual(await ids({ lastInUseAt: [{ startInclusive: new Date((T0 + 2000) * 1000) }] }), [
    img2,
  ])
  assert.deepEqual(await ids({ inUseCount: [{ lowerInclusive: 1 }] }), [img1])
  assert.deepEqual(
    await ids({ inUseCount: [{ upperInclusive: 0 }, { lowerInclusive: 3, upperInclusive: 3 }] }),
    [img1, img2],
  )
  assert.deepEqual(await ids({ sortBy: 'HIGH' }), [img2, img1, img3])
})

test('REPOSITORY: affected images, sort by them', async () => {
  const client = as(S)
  assert.deepEqual(members(await aggregate(client, 'REPOSITORY')), [
    { repository: 'web', accountId: S, severityCounts: counts(3, 1, 1, 1), affectedImages: 2 },
    { repository: 'worker', accountId: S, severityCounts: counts(1), affectedImages: 1 },
  ])
  const repos = async (repositoryAggregation: RepositoryAggregation) =>
    members<{ repository: string }>(
      await aggregate(client, 'REPOSITORY', { aggregationRequest: { repositoryAggregation } }),
    ).map((m) => m.repository)
  assert.deepEqual(await repos({ repositories: [prefix('wor')] }), ['worker'])
  assert.deepEqual(await repos({ sortBy: 'AFFECTED_IMAGES', sortOrder: 'ASC' }), ['worker', 'web'])
})

test('IMAGE_LAYER: one group per image and vulnerable package layer', async () => {
  const client = as(S)
  const [img1, img2, img3] = (['img-1', 'img-2', 'img-3'] as const).map((i) => ecrId(S, i))
  const layer = (
    repository: string,
    resourceId: string | undefined,
    layerHash: string,
    c: SeverityCounts,
  ) => ({
    repository,
    resourceId,
    layerHash,
    accountId: S,
    severityCounts: c,
  })
  assert.deepEqual(
    members(
      await aggregate(client, 'IMAGE_LAYER', {
        aggregationRequest: { imageLayerAggregation: { sortBy: 'ALL' } },
      }),
    ),
    [
      layer('web', img1, 'sha256:L1', counts(2, 1, 0, 1)),
      layer('web', img1, 'sha256:L2', counts(1, 0, 0, 1)),
      layer('web', img2, 'sha256:L2', counts(1, 0, 1, 0)),
      layer('worker', img3, 'sha256:L3', counts(1)),
    ],
  )
  const keys = async (imageLayerAggregation: ImageLayerAggregation) =>
    members<{ resourceId: string; layerHash: string }>(
      await aggregate(client, 'IMAGE_LAYER', { aggregationRequest: { imageLayerAggregation } }),
    ).map((m) => `${m.resourceId}|${m.layerHash}`)
  assert.deepEqual(await keys({ layerHashes: [eq('sha256:L2')] }), [
    `${img1}|sha256:L2`,
    `${img2}|sha256:L2`,
  ])
  assert.deepEqual(await keys({ repositories: [eq('worker')] }), [`${img3}|sha256:L3`])
  assert.deepEqual(await keys({ resourceIds: [eq(img2 ?? '')] }), [`${img2}|sha256:L2`])
})

test('PACKAGE: each vulnerable package name of a finding', async () => {
  const client = as(S)
  assert.deepEqual(
    await countsBy(client, 'PACKAGE', (m) => String(m.packageName), {
      aggregationRequest: { packageAggregation: { sortBy: 'ALL' } },
    }),
    [
      ['openssl', counts(3, 3)],
      ['zlib', counts(3, 0, 2, 1)],
      ['busybox', counts(1)],
      ['curl', counts(1)],
      ['flask', counts(1, 0, 0, 1)],
      ['libxml2', counts(1, 0, 0, 1)],
      ['lodash', counts(1)],
      ['requests', counts(1, 1)],
    ],
  )
  const names = async (packageNames: StringFilter[]) =>
    (
      await countsBy(client, 'PACKAGE', (m) => String(m.packageName), {
        aggregationRequest: {
          packageAggregation: { packageNames, sortBy: 'ALL', sortOrder: 'ASC' },
        },
      })
    ).map(([k]) => k)
  assert.deepEqual(await names([prefix('l')]), ['lodash', 'libxml2'], 'ASC: ties reversed')
  assert.deepEqual(await names([prefix('l'), eq('zlib'), not('lodash')]), ['libxml2', 'zlib'])
})

test('TITLE: vulnerability ids; finding type, resource type and id filters; pages', async () => {
  const client = as(S)
  const title = (m: Record<string, unknown>) => String(m.title)
  const byAll = { aggregationRequest: { titleAggregation: { sortBy: 'ALL' as const } } }
  const all = await countsBy(client, 'TITLE', title, byAll)
  assert.deepEqual(all.slice(0, 2), [
    ['CVE-1 - openssl', counts(3, 3)],
    ['CVE-2 - zlib', counts(2, 0, 2)],
  ])
  assert.deepEqual(
    all.slice(2).map(([k]) => k),
    [
      'CVE-3 - curl',
      'CVE-4 - libxml2',
      'CVE-5 - busybox',
      'CVE-6 - requests',
      'CVE-7 - flask',
      'CWE-22 - Path traversal',
      'CWE-79 - XSS',
      'CWE-89 - SQL injection',
      'GHSA-x - lodash',
      'Port 22 is reachable',
      'Port 443 is reachable',
    ],
  )
  const first = members<Record<string, unknown>>(await aggregate(client, 'TITLE', byAll))
  assert.deepEqual(first[0], {
    title: 'CVE-1 - openssl',
    vulnerabilityId: 'CVE-1',
    accountId: S,
    severityCounts: counts(3, 3),
  })
  assert.equal(first.find((m) => m.title === 'CWE-79 - XSS')?.vulnerabilityId, undefined)

  // Pages of 5 give the same list.
  const paged = await countsBy(client, 'TITLE', title, { ...byAll, maxResults: 5 })
  assert.deepEqual(paged, all)
  const page1 = await client.send(
    new ListFindingAggregationsCommand({ aggregationType: 'TITLE', ...byAll, maxResults: 5 }),
  )
  assert.equal(page1.responses?.length, 5)
  const replayed = await rejection(
    client.send(
      new ListFindingAggregationsCommand({
        aggregationType: 'TITLE',
        nextToken: page1.nextToken,
        maxResults: 5,
      }),
    ),
  )
  assert.equal(replayed.name, 'ValidationException', 'a token of another query')

  const titles = async (titleAggregation: TitleAggregation) =>
    await countsBy(client, 'TITLE', title, { aggregationRequest: { titleAggregation } })
  assert.deepEqual(await titles({ vulnerabilityIds: [eq('CVE-2')] }), [
    ['CVE-2 - zlib', counts(2, 0, 2)],
  ])
  assert.deepEqual(await titles({ resourceType: 'AWS_ECR_CONTAINER_IMAGE', sortBy: 'ALL' }), [
    ['CVE-1 - openssl', counts(1, 1)],
    ['CVE-2 - zlib', counts(1, 0, 1)],
    ['CVE-4 - libxml2', counts(1, 0, 0, 1)],
    ['CVE-5 - busybox', counts(1)],
  ])
  assert.deepEqual(
    (await titles({ findingType: 'NETWORK_REACHABILITY' })).map(([k]) => k),
    ['Port 22 is reachable', 'Port 443 is reachable'],
  )
  assert.deepEqual(
    (await titles({ titles: [prefix('CWE-')], sortBy: 'CRITICAL', sortOrder: 'ASC' })).map(
      ([k]) => k,
    ),
    ['CWE-89 - SQL injection', 'CWE-22 - Path traversal', 'CWE-79 - XSS'],
  )
})

test('AWS_LAMBDA_FUNCTION and LAMBDA_LAYER: function attributes, layers from vulnerable packages', async () => {
  const client = as(S)
  const [fn1, fn2] = (['fn-1', 'fn-2'] as const).map((f) => fnId(S, f))
  assert.deepEqual(members(await aggregate(client, 'AWS_LAMBDA_FUNCTION')), [
    {
      resourceId: fn1,
      functionName: 'api',
      runtime: 'PYTHON_3_11',
      lambdaTags: { env: 'prod' },
      accountId: S,
      severityCounts: counts(2, 1, 0, 1),
      lastModifiedAt: new Date((T0 + 100) * 1000),
    },
    {
      resourceId: fn2,
      functionName: 'jobs',
      runtime: 'NODEJS_18_X',
      lambdaTags: {},
      accountId: S,
      severityCounts: counts(1),
      lastModifiedAt: new Date((T0 + 200) * 1000),
    },
  ])
  type Fn = LambdaFunctionAggregation
  const fns = async (lambdaFunctionAggregation: Fn) =>
    members<{ functionName: string }>(
      await aggregate(client, 'AWS_LAMBDA_FUNCTION', {
        aggregationRequest: { lambdaFunctionAggregation },
      }),
    ).map((m) => m.functionName)
  assert.deepEqual(await fns({ runtimes: [prefix('NODEJS')] }), ['jobs'])
  assert.deepEqual(await fns({ functionTags: [{ comparison: 'EQUALS', key: 'env' }] }), ['api'])
  assert.deepEqual(await fns({ functionNames: [not('api')] }), ['jobs'])
  assert.deepEqual(await fns({ resourceIds: [eq(fn2 ?? '')] }), ['jobs'])

  assert.deepEqual(members(await aggregate(client, 'LAMBDA_LAYER')), [
    {
      functionName: 'api',
      resourceId: fn1,
      layerArn: LA1,
      accountId: S,
      severityCounts: counts(1, 1),
    },
    {
      functionName: 'jobs',
      resourceId: fn2,
      layerArn: LA2,
      accountId: S,
      severityCounts: counts(1),
    },
  ])
  type Layer = LambdaLayerAggregation
  const layers = async (lambdaLayerAggregation: Layer) =>
    members<{ layerArn: string }>(
      await aggregate(client, 'LAMBDA_LAYER', { aggregationRequest: { lambdaLayerAggregation } }),
    ).map((m) => m.layerArn)
  assert.deepEqual(await layers({ functionNames: [eq('jobs')] }), [LA2])
  assert.deepEqual(await layers({ layerArns: [prefix(LA1)] }), [LA1])
  assert.deepEqual(await layers({ resourceIds: [eq(fn1 ?? '')] }), [LA1])
  assert.deepEqual(await layers({ sortOrder: 'ASC' }), [LA2, LA1])
})

test('CODE_REPOSITORY: project, provider, active fix and exploit counts', async () => {
  const client = as(S)
  assert.deepEqual(members(await aggregate(client, 'CODE_REPOSITORY')), [
    {
      projectNames: 'vigil',
      providerType: 'GITHUB',
      severityCounts: counts(2, 1, 1, 0),
      exploitAvailableActiveFindingsCount: 1,
      fixAvailableActiveFindingsCount: 1,
      accountId: S,
      resourceId: 'code-1',
    },
    {
      projectNames: 'other',
      providerType: 'GITLAB_SELF_MANAGED',
      severityCounts: counts(1),
      exploitAvailableActiveFindingsCount: 0,
      fixAvailableActiveFindingsCount: 0,
      accountId: S,
      resourceId: 'code-2',
    },
  ])
  type Code = CodeRepositoryAggregation
  const ids = async (codeRepositoryAggregation: Code) =>
    members<{ resourceId: string }>(
      await aggregate(client, 'CODE_REPOSITORY', {
        aggregationRequest: { codeRepositoryAggregation },
      }),
    ).map((m) => m.resourceId)
  assert.deepEqual(await ids({ providerTypes: [eq('GITHUB')] }), ['code-1'])
  assert.deepEqual(await ids({ projectNames: [prefix('oth')] }), ['code-2'])
  assert.deepEqual(await ids({ resourceIds: [not('code-1')] }), ['code-2'])
})

test('validation: a request member of another type, an empty range, a bad token', async () => {
  const client = as(S)
  const wrongMember = await rejection(
    client.send(
      new ListFindingAggregationsCommand({
        aggregationType: 'AMI',
        aggregationRequest: { titleAggregation: { titles: [eq('x')] } },
      }),
    ),
  )
  assert.equal(wrongMember.name, 'ValidationException')
  assert.match(wrongMember.message, /amiAggregation/)
  const emptyRange = await rejection(
    client.send(
      new ListFindingAggregationsCommand({
        aggregationType: 'AWS_ECR_CONTAINER',
        aggregationRequest: { awsEcrContainerAggregation: { inUseCount: [{}] } },
      }),
    ),
  )
  assert.equal(emptyRange.name, 'ValidationException')
  assert.match(emptyRange.message, /inUseCount/)
  const badToken = await rejection(
    client.send(
      new ListFindingAggregationsCommand({ aggregationType: 'ACCOUNT', nextToken: 'nope' }),
    ),
  )
  assert.equal(badToken.name, 'ValidationException')
  const tooMany = await rejection(
    client.send(
      new ListFindingAggregationsCommand({ aggregationType: 'ACCOUNT', maxResults: 101 }),
    ),
  )
  assert.equal(tooMany.name, 'ValidationException')
})

// --- Counters follow the findings ---------------------------------------------------------------------

test('counts follow suppression rules and rewritten findings', async () => {
  const account = '761000000002'
  const client = as(account)
  const findings = fixture(account)
  await importAs(account, findings)
  const accountCounts = async () =>
    members<{ severityCounts?: SeverityCounts }>(await aggregate(client, 'ACCOUNT')).map(
      (m) => m.severityCounts,
    )
  assert.deepEqual(await accountCounts(), [counts(16, 5, 4, 3)])

  const rule = await client.send(
    new CreateFilterCommand({
      name: 'hide critical',
      action: 'SUPPRESS',
      filterCriteria: { severity: [eq('CRITICAL')] },
    }),
  )
  assert.deepEqual(await accountCounts(), [counts(11, 0, 4, 3)])
  assert.deepEqual(
    await countsBy(client, 'PACKAGE', (m) => String(m.packageName), {
      aggregationRequest: { packageAggregation: { packageNames: [eq('openssl')] } },
    }),
    [],
    'a group without ACTIVE findings is gone',
  )
  await client.send(new DeleteFilterCommand({ arn: rule.arn }))
  assert.deepEqual(await accountCounts(), [counts(16, 5, 4, 3)])

  // Re-importing unchanged findings changes nothing; closing i-b's findings removes it from ami-1.
  await importAs(account, findings)
  assert.deepEqual(await accountCounts(), [counts(16, 5, 4, 3)])
  const closed = (n: number) => ({ ...findings[n - 1], status: 'CLOSED' })
  await importAs(account, [closed(4), closed(5)])
  assert.deepEqual(
    members(
      await aggregate(client, 'AMI', {
        aggregationRequest: { amiAggregation: { amis: [eq('ami-1')] } },
      }),
    ),
    [
      {
        ami: 'ami-1',
        accountId: account,
        severityCounts: counts(3, 1, 1, 1),
        affectedInstances: 1,
      },
    ],
  )
  // A severity change moves the finding between counts; a new instance attribute is reported.
  const i1 = findings[0] ?? {}
  await importAs(account, [
    {
      ...i1,
      severity: 'MEDIUM',
      lastObservedAt: T0 + 1000,
      resources: [
        {
          type: 'AWS_EC2_INSTANCE',
          id: 'i-a',
          tags: { env: 'staging' },
          details: { awsEc2Instance: { imageId: 'ami-1', platform: 'AMAZON_LINUX_2023' } },
        },
      ],
    },
  ])
  assert.deepEqual(await accountCounts(), [counts(14, 3, 4, 4)])
  const ia = members<Record<string, unknown>>(
    await aggregate(client, 'AWS_EC2_INSTANCE', {
      aggregationRequest: {
        ec2InstanceAggregation: {
          instanceTags: [{ comparison: 'EQUALS', key: 'env', value: 'staging' }],
        },
      },
    }),
  )
  assert.deepEqual(
    ia.map((m) => [m.instanceId, m.operatingSystem, m.severityCounts]),
    [['i-a', 'AMAZON_LINUX_2023', counts(3, 0, 1, 2)]],
  )
})

// --- Accounts -----------------------------------------------------------------------------------------

test('a delegated administrator aggregates its members’ findings; accountIds narrows them', async () => {
  const [admin, member, unassociated] = ORG as [string, string, string]
  await as(MANAGEMENT).send(
    new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: admin }),
  )
  await as(admin).send(new AssociateMemberCommand({ accountId: member }))
  const spec = (severity: string): Spec => ({
    on: 'i-a',
    severity,
    title: 'CVE-1 - openssl',
    vuln: 'CVE-1',
    packages: [['openssl']],
  })
  await importAs(admin, [
    finding(admin, 1, spec('HIGH')),
    finding(member, 2, spec('CRITICAL')),
    finding(member, 3, spec('CRITICAL')),
  ])
  await importAs(unassociated, [finding(unassociated, 4, spec('CRITICAL'))])

  const accounts = async (client: Inspector2Client, input: Input = {}) =>
    members<{ accountId: string; severityCounts?: SeverityCounts }>(
      await aggregate(client, 'ACCOUNT', input),
    ).map((m) => [m.accountId, m.severityCounts])
  assert.deepEqual(await accounts(as(admin)), [
    [member, counts(2, 2)],
    [admin, counts(1, 0, 1)],
  ])
  assert.deepEqual(await accounts(as(admin), { accountIds: [eq(admin)] }), [
    [admin, counts(1, 0, 1)],
  ])
  assert.deepEqual(await accounts(as(admin), { accountIds: [not(admin)] }), [
    [member, counts(2, 2)],
  ])
  assert.deepEqual(
    await accounts(as(admin), { accountIds: [eq(unassociated)] }),
    [],
    'not readable',
  )
  assert.deepEqual(await accounts(as(member)), [[member, counts(2, 2)]])
  assert.deepEqual(await accounts(as(unassociated)), [[unassociated, counts(1, 1)]])

  // The same package in two accounts: one group per account.
  const packages = members<{ packageName: string; accountId: string }>(
    await aggregate(as(admin), 'PACKAGE', {
      aggregationRequest: { packageAggregation: { sortBy: 'ALL', sortOrder: 'ASC' } },
    }),
  )
  assert.deepEqual(
    packages.map((p) => [p.packageName, p.accountId]),
    [
      ['openssl', admin],
      ['openssl', member],
    ],
  )
})
