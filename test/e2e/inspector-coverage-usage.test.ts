/**
 * Inspector coverage and usage through the real SDK: resources registered by the findings import
 * (EC2 instance, ECR image and its repository, Lambda function, code repository), their scan status
 * following the account's enablement (never enabled / disabled → INACTIVE PENDING_DISABLE, enabled and
 * never scanned → ACTIVE PENDING_INITIAL_SCAN, scanned → what the scanner recorded), ListCoverage with
 * every filter member and pages, ListCoverageStatistics grouped every way, a delegated
 * administrator's view of its members, and ListUsageTotals over usage the scanner recorded (through a
 * second connection to the server's database, as a scanner would write it).
 */
import {
  AssociateMemberCommand,
  type CoverageFilterCriteria,
  type CoveredResource,
  DisableCommand,
  EnableCommand,
  EnableDelegatedAdminAccountCommand,
  type GroupKey,
  type Inspector2Client,
  ListCoverageCommand,
  ListCoverageStatisticsCommand,
  ListUsageTotalsCommand,
} from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { databasePath, DEFAULTS } from '../../src/config/config.js'
import { guardDutyFindingAttributes } from '../../src/services/guardduty/domain/finding-attributes.js'
import { registerCoverage } from '../../src/services/inspector2/domain/coverage.js'
import { recordUsage } from '../../src/services/inspector2/domain/usage.js'
import type { Storage } from '../../src/storage/ports.js'
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import { rejection } from '../helpers/rejection.js'
import {
  inspectorClient,
  rawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'

let server: TestServer
/** A second connection to the server's database: what a scanner writes through. */
let scanner: Storage
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-i2-coverage-'))

const MANAGEMENT = '760000000000'
const ORG = [1, 2, 3].map((n) => `76000000000${n}`)

before(async () => {
  server = await startTestServer({
    dataDir,
    organizations: [{ id: 'o-i2coverage', managementAccountId: MANAGEMENT, accounts: ORG }],
  })
  scanner = openSqliteStorage({
    path: databasePath({ ...DEFAULTS, dataDir }),
    findingAttributes: guardDutyFindingAttributes,
  })
})
after(async () => {
  scanner.close()
  await server.close()
})

const as = (accountId: string): Inspector2Client =>
  inspectorClient(server.url, { accessKeyId: accountId })
const REGION = 'us-east-1'
/** Base time of the fixtures, epoch seconds. */
const T0 = 1_790_000_000
const HASH = 'ab'.repeat(32)
type Wire = Record<string, unknown>

let seq = 0
function finding(account: string, resource: Wire, extra: Wire = {}): Wire {
  seq++
  return {
    findingArn: `arn:aws:inspector2:${REGION}:${account}:finding/${seq.toString(16).padStart(32, '0')}`,
    awsAccountId: account,
    type: 'PACKAGE_VULNERABILITY',
    description: `finding ${seq}`,
    remediation: { recommendation: { text: 'None Provided' } },
    severity: 'HIGH',
    status: 'ACTIVE',
    firstObservedAt: T0,
    lastObservedAt: T0 + 100,
    updatedAt: T0 + 200,
    resources: [resource],
    ...extra,
  }
}

const ec2 = (id: string, tags: Record<string, string> = {}): Wire => ({
  type: 'AWS_EC2_INSTANCE',
  id,
  region: REGION,
  tags,
  details: { awsEc2Instance: { imageId: 'ami-0123456789', platform: 'UBUNTU_22_04' } },
})
const image = (account: string, repo: string, tags: string[], inUseCount: number): Wire => ({
  type: 'AWS_ECR_CONTAINER_IMAGE',
  id: `arn:aws:ecr:${REGION}:${account}:repository/${repo}/sha256:${HASH}`,
  details: {
    awsEcrContainerImage: {
      repositoryName: repo,
      imageTags: tags,
      imageHash: `sha256:${HASH}`,
      registry: account,
      inUseCount,
      lastInUseAt: T0 + 50,
    },
  },
})
const lambda = (account: string, name: string, tags: Record<string, string>): Wire => ({
  type: 'AWS_LAMBDA_FUNCTION',
  id: `arn:aws:lambda:${REGION}:${account}:function:${name}`,
  tags,
  details: {
    awsLambdaFunction: {
      functionName: name,
      runtime: 'PYTHON_3_11',
      codeSha256: 'c29tZWhhc2g=',
      version: '$LATEST',
      executionRoleArn: `arn:aws:iam::${account}:role/${name}`,
    },
  },
})
const codeRepo = (project: string): Wire => ({
  type: 'CODE_REPOSITORY',
  id: `repo-${project}`,
  details: { codeRepository: { projectName: project, providerType: 'GITHUB' } },
})
const CODE_DETAILS = {
  codeVulnerabilityDetails: {
    filePath: { fileName: 'app.py', filePath: 'src/app.py', startLine: 1, endLine: 2 },
    detectorId: 'python/sql-injection@v1.0',
    detectorName: 'SQL injection',
    cwes: ['CWE-89'],
  },
}

async function importAs(account: string, findings: Wire[]): Promise<void> {
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/inspector2/findings/import',
    body: findings.map((f) => JSON.stringify(f)).join('\n'),
    service: 'vigil',
    accessKeyId: account,
  })
  assert.equal(res.status, 200, res.text)
  assert.equal((res.json() as { imported: number }).imported, findings.length, res.text)
}

async function coverage(
  client: Inspector2Client,
  filterCriteria?: CoverageFilterCriteria,
): Promise<CoveredResource[]> {
  const out: CoveredResource[] = []
  let nextToken: string | undefined
  do {
    const page = await client.send(new ListCoverageCommand({ filterCriteria, nextToken }))
    out.push(...(page.coveredResources ?? []))
    nextToken = page.nextToken
  } while (nextToken)
  return out
}

/** `resourceType resourceId → statusCode/reason` of a coverage list. */
const statuses = (resources: readonly CoveredResource[]) =>
  Object.fromEntries(
    resources.map((r) => [
      `${r.resourceType} ${r.resourceId}`,
      `${r.scanStatus?.statusCode}/${r.scanStatus?.reason}`,
    ]),
  )
const ids = (resources: readonly CoveredResource[]) => resources.map((r) => r.resourceId).sort()
const eq = (value: string) => ({ comparison: 'EQUALS' as const, value })
const ne = (value: string) => ({ comparison: 'NOT_EQUALS' as const, value })

// --- Scan status follows enablement ------------------------------------------------------------

test('imported findings register their resources; scan status follows enablement and scans', async () => {
  const A = '761000000001'
  const client = as(A)
  const imageArn = `arn:aws:ecr:${REGION}:${A}:repository/web/sha256:${HASH}`
  const repoArn = `arn:aws:ecr:${REGION}:${A}:repository/web`
  const fnArn = `arn:aws:lambda:${REGION}:${A}:function:pay`
  await importAs(A, [
    finding(A, ec2('i-0aaa', { Env: 'prod' })),
    finding(A, image(A, 'web', ['latest', 'v1'], 3)),
    finding(A, lambda(A, 'pay', { team: 'billing' })),
    finding(A, codeRepo('vigil'), { type: 'CODE_VULNERABILITY', ...CODE_DETAILS }),
  ])

  // Never enabled: every resource is covered but inactive.
  assert.deepEqual(statuses(await coverage(client)), {
    'AWS_EC2_INSTANCE i-0aaa': 'INACTIVE/PENDING_DISABLE',
    [`AWS_ECR_CONTAINER_IMAGE ${imageArn}`]: 'INACTIVE/PENDING_DISABLE',
    [`AWS_ECR_REPOSITORY ${repoArn}`]: 'INACTIVE/PENDING_DISABLE',
    [`AWS_LAMBDA_FUNCTION ${fnArn}`]: 'INACTIVE/PENDING_DISABLE',
    'CODE_REPOSITORY repo-vigil': 'INACTIVE/PENDING_DISABLE',
  })

  // Enabled but never scanned by Vigil: active, pending the initial scan — not disabled.
  await client.send(new EnableCommand({ resourceTypes: ['EC2', 'ECR'] }))
  const enabled = await coverage(client)
  assert.deepEqual(statuses(enabled), {
    'AWS_EC2_INSTANCE i-0aaa': 'ACTIVE/PENDING_INITIAL_SCAN',
    [`AWS_ECR_CONTAINER_IMAGE ${imageArn}`]: 'ACTIVE/PENDING_INITIAL_SCAN',
    [`AWS_ECR_REPOSITORY ${repoArn}`]: 'ACTIVE/PENDING_INITIAL_SCAN',
    [`AWS_LAMBDA_FUNCTION ${fnArn}`]: 'INACTIVE/PENDING_DISABLE',
    'CODE_REPOSITORY repo-vigil': 'INACTIVE/PENDING_DISABLE',
  })
  const byId = new Map(enabled.map((r) => [r.resourceId ?? '', r]))
  assert.deepEqual(byId.get('i-0aaa'), {
    resourceType: 'AWS_EC2_INSTANCE',
    resourceId: 'i-0aaa',
    accountId: A,
    scanType: 'PACKAGE',
    scanStatus: { statusCode: 'ACTIVE', reason: 'PENDING_INITIAL_SCAN' },
    resourceMetadata: {
      ec2: { tags: { Env: 'prod' }, amiId: 'ami-0123456789', platform: 'LINUX' },
    },
  })
  assert.deepEqual(byId.get(imageArn)?.resourceMetadata, {
    ecrImage: { tags: ['latest', 'v1'], lastInUseAt: new Date((T0 + 50) * 1000), inUseCount: 3 },
    ecrRepository: { name: 'web' },
  })
  assert.deepEqual(byId.get(repoArn)?.resourceMetadata, { ecrRepository: { name: 'web' } })
  assert.deepEqual(byId.get(fnArn)?.resourceMetadata, {
    lambdaFunction: {
      functionTags: { team: 'billing' },
      functionName: 'pay',
      runtime: 'PYTHON_3_11',
    },
  })
  assert.equal(byId.get('repo-vigil')?.scanType, 'CODE')
  assert.equal(byId.get('i-0aaa')?.lastScannedAt, undefined, 'an import is not a scan')

  // The scanner records a scan: its outcome and time show; the imported metadata is kept.
  const scannedAt = new Date(Date.UTC(2026, 10, 20, 12))
  await registerCoverage(
    scanner,
    { accountId: A, region: REGION },
    [
      {
        resourceType: 'AWS_EC2_INSTANCE',
        resourceId: 'i-0aaa',
        scanType: 'PACKAGE',
        scanMode: 'EC2_SSM_AGENT_BASED',
        scan: { statusCode: 'ACTIVE', reason: 'SUCCESSFUL', scannedAt },
      },
    ],
    Date.now(),
  )
  const scanned = (await coverage(client, { resourceId: [eq('i-0aaa')] }))[0]
  assert.deepEqual(scanned?.scanStatus, { statusCode: 'ACTIVE', reason: 'SUCCESSFUL' })
  assert.deepEqual(scanned?.lastScannedAt, scannedAt)
  assert.equal(scanned?.scanMode, 'EC2_SSM_AGENT_BASED')
  assert.equal(scanned?.resourceMetadata?.ec2?.amiId, 'ami-0123456789')

  // Disabling the type makes even a scanned resource inactive; its last scan time stays.
  await client.send(new DisableCommand({ resourceTypes: ['EC2'] }))
  const disabled = (await coverage(client, { resourceId: [eq('i-0aaa')] }))[0]
  assert.deepEqual(disabled?.scanStatus, { statusCode: 'INACTIVE', reason: 'PENDING_DISABLE' })
  assert.deepEqual(disabled?.lastScannedAt, scannedAt)
  // A re-import refreshes metadata without forgetting the scan.
  await client.send(new EnableCommand({ resourceTypes: ['EC2'] }))
  await importAs(A, [finding(A, ec2('i-0aaa', { Env: 'staging' }))])
  const again = (await coverage(client, { resourceId: [eq('i-0aaa')] }))[0]
  assert.deepEqual(again?.scanStatus, { statusCode: 'ACTIVE', reason: 'SUCCESSFUL' })
  assert.deepEqual(again?.resourceMetadata?.ec2?.tags, { Env: 'staging' })
  // Other accounts see none of it.
  assert.deepEqual(await coverage(as('761000000002')), [])
})

// --- Filters, pages, statistics ----------------------------------------------------------------

const F = '762000000001'
const F_IMAGE = `arn:aws:ecr:${REGION}:${F}:repository/api/sha256:${HASH}`
const F_REPO = `arn:aws:ecr:${REGION}:${F}:repository/api`
const F_FN = `arn:aws:lambda:${REGION}:${F}:function:resize`
const SCANNED_AT = new Date(Date.UTC(2026, 10, 1))
let fixture: Promise<void> | undefined

/** Account F: two instances (one scanned), an image and its repository, a function, a code repo. */
function filterFixture(): Promise<void> {
  fixture ??= (async () => {
    await importAs(F, [
      finding(F, ec2('i-f1', { Env: 'prod', Team: 'core' })),
      finding(F, ec2('i-f2', { Env: 'dev' })),
      finding(F, image(F, 'api', ['v2'], 7)),
      finding(F, lambda(F, 'resize', { owner: 'media' })),
      finding(F, codeRepo('shop'), { type: 'CODE_VULNERABILITY', ...CODE_DETAILS }),
    ])
    await as(F).send(new EnableCommand({ resourceTypes: ['EC2', 'ECR', 'LAMBDA'] }))
    const scope = { accountId: F, region: REGION }
    await registerCoverage(
      scanner,
      scope,
      [
        {
          resourceType: 'AWS_EC2_INSTANCE',
          resourceId: 'i-f1',
          scanType: 'PACKAGE',
          scanMode: 'EC2_AGENTLESS',
          scan: { statusCode: 'ACTIVE', reason: 'SUCCESSFUL', scannedAt: SCANNED_AT },
        },
        {
          resourceType: 'CODE_REPOSITORY',
          resourceId: 'repo-shop',
          scanType: 'CODE',
          resourceMetadata: {
            codeRepository: {
              projectName: 'shop',
              providerType: 'GITHUB',
              providerTypeVisibility: 'PRIVATE',
              lastScannedCommitId: 'abc123',
            },
          },
        },
      ],
      Date.now(),
    )
  })()
  return fixture
}

test('ListCoverage applies every filter member', async () => {
  await filterFixture()
  const client = as(F)
  const check = async (criteria: CoverageFilterCriteria, expected: string[], what: string) =>
    assert.deepEqual(ids(await coverage(client, criteria)), [...expected].sort(), what)
  const ALL = ['i-f1', 'i-f2', F_IMAGE, F_REPO, F_FN, 'repo-shop']
  await check({}, ALL, 'no filter')
  await check({ scanStatusCode: [eq('INACTIVE')] }, ['repo-shop'], 'scanStatusCode')
  await check({ scanStatusCode: [ne('INACTIVE')] }, ALL.slice(0, 5), 'scanStatusCode NOT_EQUALS')
  await check({ scanStatusReason: [eq('SUCCESSFUL')] }, ['i-f1'], 'scanStatusReason')
  await check(
    { scanStatusReason: [eq('SUCCESSFUL'), eq('PENDING_DISABLE')] },
    ['i-f1', 'repo-shop'],
    'EQUALS values are ORed',
  )
  await check({ accountId: [eq(F)] }, ALL, 'accountId')
  await check({ accountId: [eq('762000000009')] }, [], 'accountId of nobody')
  await check({ resourceId: [eq('i-f2')] }, ['i-f2'], 'resourceId')
  await check(
    { resourceType: [ne('AWS_EC2_INSTANCE'), ne('AWS_ECR_REPOSITORY')] },
    [F_IMAGE, F_FN, 'repo-shop'],
    'NOT_EQUALS values are ANDed',
  )
  await check({ resourceType: [eq('AWS_ECR_CONTAINER_IMAGE')] }, [F_IMAGE], 'resourceType')
  await check({ scanType: [eq('CODE')] }, ['repo-shop'], 'scanType')
  await check({ ecrRepositoryName: [eq('api')] }, [F_IMAGE, F_REPO], 'ecrRepositoryName')
  await check({ ecrImageTags: [eq('v2')] }, [F_IMAGE], 'ecrImageTags')
  await check(
    { ec2InstanceTags: [{ comparison: 'EQUALS', key: 'Env', value: 'prod' }] },
    ['i-f1'],
    'ec2InstanceTags key and value',
  )
  await check(
    { ec2InstanceTags: [{ comparison: 'EQUALS', key: 'Env' }] },
    ['i-f1', 'i-f2'],
    'ec2InstanceTags key only',
  )
  await check(
    { ec2InstanceTags: [{ comparison: 'EQUALS', key: 'Env', value: 'qa' }] },
    [],
    'ec2InstanceTags no such value',
  )
  await check({ lambdaFunctionName: [eq('resize')] }, [F_FN], 'lambdaFunctionName')
  await check(
    { lambdaFunctionTags: [{ comparison: 'EQUALS', key: 'owner', value: 'media' }] },
    [F_FN],
    'lambdaFunctionTags',
  )
  await check({ lambdaFunctionRuntime: [eq('PYTHON_3_11')] }, [F_FN], 'lambdaFunctionRuntime')
  await check({ lambdaFunctionRuntime: [eq('JAVA_17')] }, [], 'lambdaFunctionRuntime other')
  const day = 86_400_000
  await check(
    {
      lastScannedAt: [
        {
          startInclusive: new Date(SCANNED_AT.getTime() - day),
          endInclusive: new Date(SCANNED_AT.getTime() + day),
        },
      ],
    },
    ['i-f1'],
    'lastScannedAt in range',
  )
  await check(
    { lastScannedAt: [{ startInclusive: new Date(SCANNED_AT.getTime() + day) }] },
    [],
    'lastScannedAt after',
  )
  await check({ scanMode: [eq('EC2_AGENTLESS')] }, ['i-f1'], 'scanMode')
  await check(
    { imagePulledAt: [{ startInclusive: new Date(0) }] },
    [],
    'imagePulledAt (unknown for imports)',
  )
  await check(
    {
      ecrImageLastInUseAt: [
        { startInclusive: new Date(T0 * 1000), endInclusive: new Date((T0 + 60) * 1000) },
      ],
    },
    [F_IMAGE],
    'ecrImageLastInUseAt',
  )
  await check({ ecrImageInUseCount: [{ lowerInclusive: 5 }] }, [F_IMAGE], 'ecrImageInUseCount')
  await check({ ecrImageInUseCount: [{ upperInclusive: 5 }] }, [], 'ecrImageInUseCount below')
  await check({ codeRepositoryProjectName: [eq('shop')] }, ['repo-shop'], 'project name')
  await check({ codeRepositoryProviderType: [eq('GITHUB')] }, ['repo-shop'], 'provider type')
  await check(
    { codeRepositoryProviderTypeVisibility: [eq('PRIVATE')] },
    ['repo-shop'],
    'provider visibility',
  )
  await check({ lastScannedCommitId: [eq('abc123')] }, ['repo-shop'], 'lastScannedCommitId')
  await check(
    { resourceType: [eq('AWS_EC2_INSTANCE')], scanStatusReason: [eq('PENDING_INITIAL_SCAN')] },
    ['i-f2'],
    'fields are ANDed',
  )

  const noBound = await rejection(
    client.send(new ListCoverageCommand({ filterCriteria: { lastScannedAt: [{}] } })),
  )
  assert.equal(noBound.name, 'ValidationException')
  assert.equal(noBound.fields?.[0]?.name, 'filterCriteria.lastScannedAt')
  const inverted = await rejection(
    client.send(
      new ListCoverageCommand({
        filterCriteria: { ecrImageInUseCount: [{ lowerInclusive: 9, upperInclusive: 1 }] },
      }),
    ),
  )
  assert.equal(inverted.name, 'ValidationException')
  assert.match(inverted.message, /lower bound is after its upper bound/)
})

test('ListCoverage pages with tokens bound to the query', async () => {
  await filterFixture()
  const client = as(F)
  const seen: string[] = []
  let nextToken: string | undefined
  let pages = 0
  do {
    const page = await client.send(new ListCoverageCommand({ maxResults: 4, nextToken }))
    assert.ok((page.coveredResources?.length ?? 0) <= 4)
    seen.push(...(page.coveredResources ?? []).map((r) => r.resourceId ?? ''))
    nextToken = page.nextToken
    pages++
  } while (nextToken)
  assert.equal(pages, 2, 'six resources in pages of four: two pages, the last without a token')
  assert.equal(new Set(seen).size, 6)
  assert.deepEqual([...seen].sort(), ids(await coverage(client)))

  const first = await client.send(new ListCoverageCommand({ maxResults: 1 }))
  assert.ok(first.nextToken)
  const replayed = await rejection(
    client.send(
      new ListCoverageCommand({
        maxResults: 1,
        nextToken: first.nextToken,
        filterCriteria: { scanType: [eq('PACKAGE')] },
      }),
    ),
  )
  assert.equal(replayed.name, 'ValidationException')
  const garbage = await rejection(
    client.send(new ListCoverageCommand({ nextToken: 'not-a-token' })),
  )
  assert.equal(garbage.name, 'ValidationException')
})

test('ListCoverageStatistics counts matching resources, grouped every way', async () => {
  await filterFixture()
  const client = as(F)
  const stats = async (groupBy?: GroupKey, filterCriteria?: CoverageFilterCriteria) =>
    client.send(new ListCoverageStatisticsCommand({ groupBy, filterCriteria }))
  const counts = (r: Awaited<ReturnType<typeof stats>>) =>
    Object.fromEntries(
      (r.countsByGroup ?? []).map((c): [string, number | undefined] => [c.groupKey ?? '', c.count]),
    )

  const plain = await stats()
  assert.equal(plain.totalCounts, 6)
  assert.equal(plain.countsByGroup, undefined)
  assert.deepEqual(counts(await stats('SCAN_STATUS_CODE')), { ACTIVE: 5, INACTIVE: 1 })
  assert.deepEqual(counts(await stats('SCAN_STATUS_REASON')), {
    SUCCESSFUL: 1,
    PENDING_INITIAL_SCAN: 4,
    PENDING_DISABLE: 1,
  })
  assert.deepEqual(counts(await stats('ACCOUNT_ID')), { [F]: 6 })
  assert.deepEqual(counts(await stats('RESOURCE_TYPE')), {
    AWS_EC2_INSTANCE: 2,
    AWS_ECR_CONTAINER_IMAGE: 1,
    AWS_ECR_REPOSITORY: 1,
    AWS_LAMBDA_FUNCTION: 1,
    CODE_REPOSITORY: 1,
  })
  const byRepo = await stats('ECR_REPOSITORY_NAME')
  assert.equal(byRepo.totalCounts, 6, 'resources without a repository count in the total only')
  assert.deepEqual(counts(byRepo), { api: 2 })
  const filtered = await stats('SCAN_STATUS_REASON', { resourceType: [eq('AWS_EC2_INSTANCE')] })
  assert.equal(filtered.totalCounts, 2)
  assert.deepEqual(counts(filtered), { SUCCESSFUL: 1, PENDING_INITIAL_SCAN: 1 })
  const none = await stats('RESOURCE_TYPE', { accountId: [eq('762000000009')] })
  assert.equal(none.totalCounts, 0)
  assert.deepEqual(none.countsByGroup, [])
})

// --- Delegated administrator and usage ---------------------------------------------------------

test('a delegated administrator sees its members’ coverage and usage; others are refused', async () => {
  const [admin, member, outsider] = ORG as [string, string, string]
  await as(MANAGEMENT).send(
    new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: admin }),
  )
  await as(admin).send(new AssociateMemberCommand({ accountId: member }))
  await importAs(member, [finding(member, ec2('i-member'))])
  await importAs(admin, [finding(admin, ec2('i-admin'))])
  await importAs(outsider, [finding(outsider, ec2('i-outsider'))])

  const adminView = await coverage(as(admin))
  assert.deepEqual(adminView.map((r) => `${r.accountId} ${r.resourceId}`).sort(), [
    `${admin} i-admin`,
    `${member} i-member`,
  ])
  assert.deepEqual(ids(await coverage(as(admin), { accountId: [eq(member)] })), ['i-member'])
  assert.deepEqual(ids(await coverage(as(member))), ['i-member'])
  const byAccount = await as(admin).send(
    new ListCoverageStatisticsCommand({ groupBy: 'ACCOUNT_ID' }),
  )
  assert.deepEqual(
    byAccount.countsByGroup?.map((c) => [c.groupKey, c.count]),
    [
      [admin, 1],
      [member, 1],
    ],
  )

  // Usage: the administrator lists itself and its member; it may name its member; nobody else.
  const all = await as(admin).send(new ListUsageTotalsCommand({}))
  assert.deepEqual(
    all.totals?.map((t) => t.accountId),
    [admin, member],
  )
  const first = await as(admin).send(new ListUsageTotalsCommand({ maxResults: 1 }))
  assert.deepEqual(
    first.totals?.map((t) => t.accountId),
    [admin],
  )
  const second = await as(admin).send(
    new ListUsageTotalsCommand({ maxResults: 1, nextToken: first.nextToken }),
  )
  assert.deepEqual(
    second.totals?.map((t) => t.accountId),
    [member],
  )
  assert.equal(second.nextToken, undefined)
  const named = await as(admin).send(new ListUsageTotalsCommand({ accountIds: [member] }))
  assert.deepEqual(
    named.totals?.map((t) => t.accountId),
    [member],
  )
  const refused = await rejection(
    as(admin).send(new ListUsageTotalsCommand({ accountIds: [member, outsider] })),
  )
  assert.equal(refused.name, 'AccessDeniedException')
  assert.equal(refused.$metadata.httpStatusCode, 403)
  const upward = await rejection(
    as(member).send(new ListUsageTotalsCommand({ accountIds: [admin] })),
  )
  assert.equal(upward.name, 'AccessDeniedException')
})

test('ListUsageTotals sums the scanner’s usage of the last 30 days; imports count nothing', async () => {
  const U = '763000000001'
  const client = as(U)
  await importAs(U, [finding(U, ec2('i-u1')), finding(U, image(U, 'u', ['x'], 1))])
  const before = await client.send(new ListUsageTotalsCommand({}))
  assert.equal(before.totals?.length, 1)
  const usage = before.totals?.[0]?.usage ?? []
  assert.deepEqual(
    usage.map((u) => u.type),
    [
      'EC2_INSTANCE_HOURS',
      'ECR_INITIAL_SCAN',
      'ECR_RESCAN',
      'LAMBDA_FUNCTION_HOURS',
      'LAMBDA_FUNCTION_CODE_HOURS',
      'CODE_REPOSITORY_SAST',
      'CODE_REPOSITORY_IAC',
      'CODE_REPOSITORY_SCA',
      'EC2_AGENTLESS_INSTANCE_HOURS',
    ],
  )
  for (const u of usage) {
    assert.equal(u.total, 0, `${u.type}: an import is not usage`)
    assert.equal(u.estimatedMonthlyCost, 0)
    assert.equal(u.currency, 'USD')
  }

  const scope = { accountId: U, region: REGION }
  const now = Date.now()
  const day = 86_400_000
  await recordUsage(scanner, scope, 'ECR_INITIAL_SCAN', 2, now)
  await recordUsage(scanner, scope, 'ECR_INITIAL_SCAN', 1, now - day)
  await recordUsage(scanner, scope, 'ECR_INITIAL_SCAN', 5, now - 40 * day)
  await recordUsage(scanner, scope, 'EC2_INSTANCE_HOURS', 1.5, now - 2 * day)
  await recordUsage(scanner, scope, 'ECR_RESCAN', 4, now - 29 * day)
  await recordUsage(scanner, { accountId: U, region: 'eu-west-1' }, 'ECR_RESCAN', 9, now)
  const after = await client.send(new ListUsageTotalsCommand({}))
  const totals = Object.fromEntries(
    (after.totals?.[0]?.usage ?? []).map((u): [string, number | undefined] => [
      u.type ?? '',
      u.total,
    ]),
  )
  assert.equal(totals.ECR_INITIAL_SCAN, 3, '40 days ago is outside the window')
  assert.equal(totals.EC2_INSTANCE_HOURS, 1.5)
  assert.equal(totals.ECR_RESCAN, 4, 'another region’s usage is not this one’s')
  assert.equal(totals.LAMBDA_FUNCTION_HOURS, 0)
  assert.ok(after.totals?.[0]?.usage?.every((u) => u.estimatedMonthlyCost === 0))
  const bad = await rejection(client.send(new ListUsageTotalsCommand({ nextToken: 'bogus' })))
  assert.equal(bad.name, 'ValidationException')
})
