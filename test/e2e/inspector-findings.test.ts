/**
 * Inspector findings through the real SDK: findings imported through the signed `/_vigil/` route and
 * `vigil inspector import` (a ListFindings response as the AWS CLI prints it, EventBridge events, a
 * JSON findings report, JSON lines — each with broken records reported by line), then ListFindings
 * with filters of every kind, sorting on every `SortField` in both orders over pages, suppression rules
 * (CreateFilter/UpdateFilter/DeleteFilter/ListFilters, tags on filters) switching statuses on and off,
 * and a delegated administrator's view of its members' findings.
 */
import {
  AssociateMemberCommand,
  CreateFilterCommand,
  DeleteFilterCommand,
  EnableDelegatedAdminAccountCommand,
  type FilterCriteria,
  type Finding,
  type Inspector2Client,
  ListFiltersCommand,
  ListFindingsCommand,
  type ListFindingsCommandInput,
  ListTagsForResourceCommand,
  type SortField,
  TagResourceCommand,
  UpdateFilterCommand,
} from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import { importInspectorFile } from '../../src/cli/inspector-import.js'
import { rejection } from '../helpers/rejection.js'
import {
  inspectorClient,
  rawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'

let server: TestServer
const dir = mkdtempSync(join(tmpdir(), 'vigil-i2-import-'))
/** Organization: management 740000000000, accounts 740000000001..4. */
const MANAGEMENT = '740000000000'
const ORG = [1, 2, 3, 4].map((n) => `74000000000${n}`)

before(async () => {
  server = await startTestServer({
    organizations: [{ id: 'o-i2findings', managementAccountId: MANAGEMENT, accounts: ORG }],
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

/** A finding in wire form (epoch-second timestamps). */
function finding(account: string, n: number, extra: Wire = {}): Wire {
  return {
    findingArn: arnOf(account, n),
    awsAccountId: account,
    type: 'PACKAGE_VULNERABILITY',
    description: `finding ${n}`,
    remediation: { recommendation: { text: 'None Provided' } },
    severity: 'MEDIUM',
    status: 'ACTIVE',
    firstObservedAt: T0 + n,
    lastObservedAt: T0 + 100 + n,
    updatedAt: T0 + 200 + n + 0.5,
    resources: [{ type: 'AWS_EC2_INSTANCE', id: `i-${n}` }],
    ...extra,
  }
}

interface ImportAnswer {
  form: string
  imported: number
  problems: { line: number; reason: string }[]
}

async function importAs(account: string, body: string): Promise<ImportAnswer> {
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/inspector2/findings/import',
    body,
    service: 'vigil',
    accessKeyId: account,
  })
  assert.equal(res.status, 200, res.text)
  return res.json() as unknown as ImportAnswer
}

async function listAll(client: Inspector2Client, input: ListFindingsCommandInput = {}) {
  const out: Finding[] = []
  let nextToken: string | undefined
  do {
    const page = await client.send(new ListFindingsCommand({ ...input, nextToken }))
    out.push(...(page.findings ?? []))
    nextToken = page.nextToken
  } while (nextToken)
  return out
}

const arns = (findings: readonly { findingArn?: unknown }[]) =>
  findings.map((f) => (typeof f.findingArn === 'string' ? f.findingArn : '')).sort()

// --- Filters of every kind --------------------------------------------------------------------

const FILT = '741000000001'
const LAYER = `arn:aws:lambda:us-east-1:${FILT}:layer:deps:1`
const F = {
  f1: finding(FILT, 1, {
    severity: 'HIGH',
    title: 'CVE-2024-0001 - openssl, libssl3',
    inspectorScore: 7.5,
    epss: { score: 0.5 },
    exploitAvailable: 'YES',
    fixAvailable: 'YES',
    resources: [
      {
        type: 'AWS_EC2_INSTANCE',
        id: 'i-1',
        tags: { env: 'prod', team: 'a' },
        details: { awsEc2Instance: { imageId: 'ami-1', vpcId: 'vpc-1', subnetId: 'subnet-1' } },
      },
    ],
    packageVulnerabilityDetails: {
      vulnerabilityId: 'CVE-2024-0001',
      source: 'UBUNTU_CVE',
      vendorSeverity: 'medium',
      relatedVulnerabilities: ['USN-1'],
      vulnerablePackages: [
        { name: 'openssl', version: '3.0.13', epoch: 0, release: '0ubuntu1', arch: 'X86_64' },
        { name: 'libssl3', version: '1.1.1', epoch: 1, arch: 'X86_64' },
      ],
    },
  }),
  f2: finding(FILT, 2, {
    severity: 'CRITICAL',
    inspectorScore: 9.8,
    epss: { score: 0.1 },
    fixAvailable: 'NO',
    resources: [
      {
        type: 'AWS_ECR_CONTAINER_IMAGE',
        id: 'arn:aws:ecr:us-east-1:741000000001:repository/web/sha256:aa',
        details: {
          awsEcrContainerImage: {
            repositoryName: 'web',
            registry: FILT,
            imageTags: ['latest', 'v2'],
            imageHash: 'sha256:aa',
            architecture: 'arm64',
            pushedAt: T0 - 1000,
            lastInUseAt: T0 - 10,
            inUseCount: 2,
          },
        },
      },
    ],
    packageVulnerabilityDetails: {
      vulnerabilityId: 'CVE-2023-30861',
      source: 'NVD',
      vulnerablePackages: [{ name: 'flask', version: '2.0.0', filePath: 'requirements.txt' }],
    },
  }),
  f3: finding(FILT, 3, {
    type: 'NETWORK_REACHABILITY',
    resources: [{ type: 'AWS_EC2_INSTANCE', id: 'i-3', tags: { env: 'dev' } }],
    networkReachabilityDetails: {
      openPortRange: { begin: 22, end: 22 },
      protocol: 'TCP',
      networkPath: {
        steps: [
          { componentId: 'igw-1', componentType: 'AWS::EC2::InternetGateway' },
          { componentId: 'sg-1', componentType: 'AWS::EC2::SecurityGroup' },
        ],
      },
    },
  }),
  f4: finding(FILT, 4, {
    type: 'CODE_VULNERABILITY',
    severity: 'LOW',
    resources: [
      {
        type: 'AWS_LAMBDA_FUNCTION',
        id: 'fn-1',
        details: {
          awsLambdaFunction: {
            functionName: 'fn-1',
            runtime: 'PYTHON_3_11',
            codeSha256: 'abc',
            version: '$LATEST',
            executionRoleArn: `arn:aws:iam::${FILT}:role/fn-1`,
            layers: [LAYER],
            lastModifiedAt: T0 - 500,
          },
        },
      },
    ],
    codeVulnerabilityDetails: {
      detectorId: 'python/sqli@v1.0',
      detectorName: 'Python/SQLi',
      detectorTags: ['injection'],
      cwes: ['CWE-89'],
      filePath: { fileName: 'db.py', filePath: 'src/db.py', startLine: 1, endLine: 2 },
    },
  }),
  f5: finding(FILT, 5, {
    type: 'CODE_VULNERABILITY',
    severity: 'INFORMATIONAL',
    status: 'CLOSED',
    resources: [
      {
        type: 'CODE_REPOSITORY',
        id: 'repo-1',
        details: { codeRepository: { projectName: 'vigil', providerType: 'GITHUB' } },
      },
    ],
  }),
  f6: finding(FILT, 6, {
    severity: 'UNTRIAGED',
    resources: [
      {
        type: 'AWS_LAMBDA_FUNCTION',
        id: 'fn-2',
        details: {
          awsLambdaFunction: {
            functionName: 'fn-2',
            runtime: 'NODEJS_20_X',
            codeSha256: 'def',
            version: '$LATEST',
            executionRoleArn: `arn:aws:iam::${FILT}:role/fn-2`,
          },
        },
      },
    ],
    packageVulnerabilityDetails: {
      vulnerabilityId: 'CVE-2024-0002',
      source: 'NVD',
      vulnerablePackages: [
        { name: 'openssl', version: '1.1.1', epoch: 0 },
        { name: 'zlib', version: '3.0.13' },
      ],
    },
  }),
}
type Key = keyof typeof F
const ALL = Object.keys(F) as Key[]
let filtersImported: Promise<ImportAnswer> | undefined
const imported = () =>
  (filtersImported ??= importAs(FILT, JSON.stringify({ findings: ALL.map((k) => F[k]) })))

const eq = (value: string) => ({ comparison: 'EQUALS' as const, value })
const ne = (value: string) => ({ comparison: 'NOT_EQUALS' as const, value })
const prefix = (value: string) => ({ comparison: 'PREFIX' as const, value })
const at = (seconds: number) => new Date(seconds * 1000)

const CASES: [string, FilterCriteria, Key[]][] = [
  ['findingArn', { findingArn: [eq(arnOf(FILT, 3))] }, ['f3']],
  ['awsAccountId', { awsAccountId: [eq(FILT)] }, ALL],
  ['findingType', { findingType: [eq('PACKAGE_VULNERABILITY')] }, ['f1', 'f2', 'f6']],
  ['severity, EQUALS ORed', { severity: [eq('HIGH'), eq('CRITICAL')] }, ['f1', 'f2']],
  [
    'severity, NOT_EQUALS ANDed',
    { severity: [ne('LOW'), ne('INFORMATIONAL')] },
    ['f1', 'f2', 'f3', 'f6'],
  ],
  ['severity, EQUALS or PREFIX', { severity: [eq('LOW'), prefix('CRIT')] }, ['f2', 'f4']],
  ['findingStatus', { findingStatus: [eq('CLOSED')] }, ['f5']],
  ['title PREFIX', { title: [prefix('CVE-2024-0001')] }, ['f1']],
  ['inspectorScore', { inspectorScore: [{ lowerInclusive: 7, upperInclusive: 8 }] }, ['f1']],
  [
    'inspectorScore, ranges ORed',
    { inspectorScore: [{ upperInclusive: 7.5 }, { lowerInclusive: 9.8 }] },
    ['f1', 'f2'],
  ],
  ['epssScore', { epssScore: [{ lowerInclusive: 0.4 }] }, ['f1']],
  [
    'firstObservedAt',
    { firstObservedAt: [{ startInclusive: at(T0 + 2), endInclusive: at(T0 + 3) }] },
    ['f2', 'f3'],
  ],
  ['lastObservedAt', { lastObservedAt: [{ startInclusive: at(T0 + 105) }] }, ['f5', 'f6']],
  ['updatedAt', { updatedAt: [{ endInclusive: at(T0 + 201.5) }] }, ['f1']],
  ['resourceType', { resourceType: [eq('AWS_LAMBDA_FUNCTION')] }, ['f4', 'f6']],
  ['resourceId PREFIX', { resourceId: [prefix('i-')] }, ['f1', 'f3']],
  [
    'resourceTags key and value',
    { resourceTags: [{ comparison: 'EQUALS', key: 'env', value: 'prod' }] },
    ['f1'],
  ],
  ['resourceTags key only', { resourceTags: [{ comparison: 'EQUALS', key: 'env' }] }, ['f1', 'f3']],
  ['ec2InstanceImageId', { ec2InstanceImageId: [eq('ami-1')] }, ['f1']],
  ['ec2InstanceVpcId', { ec2InstanceVpcId: [eq('vpc-1')] }, ['f1']],
  ['ec2InstanceSubnetId', { ec2InstanceSubnetId: [prefix('subnet')] }, ['f1']],
  ['ecrImagePushedAt', { ecrImagePushedAt: [{ endInclusive: at(T0) }] }, ['f2']],
  ['ecrImageArchitecture', { ecrImageArchitecture: [eq('arm64')] }, ['f2']],
  ['ecrImageRegistry', { ecrImageRegistry: [eq(FILT)] }, ['f2']],
  ['ecrImageRepositoryName', { ecrImageRepositoryName: [prefix('we')] }, ['f2']],
  ['ecrImageTags', { ecrImageTags: [eq('v2')] }, ['f2']],
  [
    'ecrImageTags NOT_EQUALS (absent counts)',
    { ecrImageTags: [ne('latest')] },
    ['f1', 'f3', 'f4', 'f5', 'f6'],
  ],
  ['ecrImageHash', { ecrImageHash: [eq('sha256:aa')] }, ['f2']],
  ['ecrImageLastInUseAt', { ecrImageLastInUseAt: [{ startInclusive: at(T0 - 10) }] }, ['f2']],
  [
    'ecrImageInUseCount',
    { ecrImageInUseCount: [{ lowerInclusive: 2, upperInclusive: 2 }] },
    ['f2'],
  ],
  ['portRange', { portRange: [{ beginInclusive: 22, endInclusive: 22 }] }, ['f3']],
  ['portRange outside', { portRange: [{ beginInclusive: 80 }] }, []],
  ['networkProtocol', { networkProtocol: [eq('TCP')] }, ['f3']],
  ['componentId', { componentId: [eq('sg-1')] }, ['f3']],
  ['componentType', { componentType: [prefix('AWS::EC2::Internet')] }, ['f3']],
  ['vulnerabilityId', { vulnerabilityId: [prefix('CVE-2023')] }, ['f2']],
  ['vulnerabilitySource', { vulnerabilitySource: [eq('NVD')] }, ['f2', 'f6']],
  ['vendorSeverity', { vendorSeverity: [eq('medium')] }, ['f1']],
  [
    'vulnerablePackages: name and version of the same package',
    { vulnerablePackages: [{ name: eq('openssl'), version: eq('3.0.13') }] },
    ['f1'],
  ],
  [
    'vulnerablePackages: not across packages',
    { vulnerablePackages: [{ name: eq('openssl'), version: eq('1.1.1') }] },
    ['f6'],
  ],
  [
    'vulnerablePackages: epoch, architecture, PREFIX',
    {
      vulnerablePackages: [
        { name: prefix('lib'), architecture: eq('X86_64'), epoch: { lowerInclusive: 1 } },
      ],
    },
    ['f1'],
  ],
  [
    'vulnerablePackages: release, filePath; filters ORed',
    {
      vulnerablePackages: [{ release: eq('0ubuntu1') }, { filePath: eq('requirements.txt') }],
    },
    ['f1', 'f2'],
  ],
  [
    'vulnerablePackages: NOT_EQUALS on one package',
    { vulnerablePackages: [{ name: ne('openssl') }] },
    ['f1', 'f2', 'f6'],
  ],
  ['relatedVulnerabilities', { relatedVulnerabilities: [eq('USN-1')] }, ['f1']],
  ['fixAvailable', { fixAvailable: [eq('NO')] }, ['f2']],
  ['exploitAvailable', { exploitAvailable: [eq('YES')] }, ['f1']],
  ['lambdaFunctionName', { lambdaFunctionName: [eq('fn-1')] }, ['f4']],
  ['lambdaFunctionLayers', { lambdaFunctionLayers: [prefix(LAYER.slice(0, -2))] }, ['f4']],
  ['lambdaFunctionRuntime', { lambdaFunctionRuntime: [prefix('PYTHON')] }, ['f4']],
  [
    'lambdaFunctionLastModifiedAt',
    { lambdaFunctionLastModifiedAt: [{ startInclusive: at(T0 - 600) }] },
    ['f4'],
  ],
  [
    'lambdaFunctionExecutionRoleArn',
    { lambdaFunctionExecutionRoleArn: [ne(`arn:aws:iam::${FILT}:role/fn-1`)] },
    ['f1', 'f2', 'f3', 'f5', 'f6'],
  ],
  ['codeVulnerabilityDetectorName', { codeVulnerabilityDetectorName: [eq('Python/SQLi')] }, ['f4']],
  ['codeVulnerabilityDetectorTags', { codeVulnerabilityDetectorTags: [eq('injection')] }, ['f4']],
  ['codeVulnerabilityFilePath', { codeVulnerabilityFilePath: [prefix('src/')] }, ['f4']],
  ['codeRepositoryProjectName', { codeRepositoryProjectName: [eq('vigil')] }, ['f5']],
  ['codeRepositoryProviderType', { codeRepositoryProviderType: [eq('GITHUB')] }, ['f5']],
  [
    'fields are ANDed',
    { findingType: [eq('PACKAGE_VULNERABILITY')], severity: [eq('CRITICAL'), eq('LOW')] },
    ['f2'],
  ],
]

test('ListFindings answers filters of every kind', async () => {
  const answer = await imported()
  assert.equal(answer.imported, ALL.length, JSON.stringify(answer.problems))
  const client = as(FILT)
  assert.deepEqual(arns(await listAll(client)), arns(ALL.map((k) => F[k])))
  for (const [name, filterCriteria, want] of CASES) {
    const got = await listAll(client, { filterCriteria, maxResults: 2 })
    assert.deepEqual(
      arns(got),
      want.map((k) => String(F[k].findingArn)).sort(),
      `${name}: ${JSON.stringify(filterCriteria)}`,
    )
  }
})

test('invalid filter combinations are a ValidationException naming the field', async () => {
  const client = as(FILT)
  const cases: [FilterCriteria, string][] = [
    [
      { inspectorScore: [{ lowerInclusive: 8, upperInclusive: 2 }] },
      'filterCriteria.inspectorScore',
    ],
    [{ portRange: [{}] }, 'filterCriteria.portRange'],
    [{ vulnerablePackages: [{}] }, 'filterCriteria.vulnerablePackages'],
    [
      { firstObservedAt: [{ startInclusive: at(T0 + 10), endInclusive: at(T0) }] },
      'filterCriteria.firstObservedAt',
    ],
  ]
  for (const [filterCriteria, field] of cases) {
    const error = await rejection(client.send(new ListFindingsCommand({ filterCriteria })))
    assert.equal(error.name, 'ValidationException')
    assert.equal(error.fields?.[0]?.name, field)
  }
})

/** Each SortField's value in a fixture (first resource / first step), or null. */
const SORT_VALUE: Record<SortField, (f: Wire) => unknown> = {
  AWS_ACCOUNT_ID: (f) => f.awsAccountId,
  FINDING_TYPE: (f) => f.type,
  SEVERITY: (f) =>
    ['UNTRIAGED', 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].indexOf(String(f.severity)),
  FIRST_OBSERVED_AT: (f) => f.firstObservedAt,
  LAST_OBSERVED_AT: (f) => f.lastObservedAt,
  FINDING_STATUS: (f) => f.status,
  RESOURCE_TYPE: (f) => (f.resources as Wire[])[0]?.type,
  ECR_IMAGE_PUSHED_AT: (f) => ecr(f)?.pushedAt,
  ECR_IMAGE_REPOSITORY_NAME: (f) => ecr(f)?.repositoryName,
  ECR_IMAGE_REGISTRY: (f) => ecr(f)?.registry,
  NETWORK_PROTOCOL: (f) => (f.networkReachabilityDetails as Wire | undefined)?.protocol,
  COMPONENT_TYPE: (f) =>
    (f.networkReachabilityDetails as { networkPath: { steps: Wire[] } } | undefined)?.networkPath
      .steps[0]?.componentType,
  VULNERABILITY_ID: (f) => (f.packageVulnerabilityDetails as Wire | undefined)?.vulnerabilityId,
  VULNERABILITY_SOURCE: (f) => (f.packageVulnerabilityDetails as Wire | undefined)?.source,
  INSPECTOR_SCORE: (f) => f.inspectorScore,
  VENDOR_SEVERITY: (f) => (f.packageVulnerabilityDetails as Wire | undefined)?.vendorSeverity,
  EPSS_SCORE: (f) => (f.epss as Wire | undefined)?.score,
}
function ecr(f: Wire): Wire | undefined {
  const details = (f.resources as Wire[])[0]?.details as Wire | undefined
  return details?.awsEcrContainerImage as Wire | undefined
}

test('sortCriteria on every SortField, both orders, over pages', async () => {
  await imported()
  const client = as(FILT)
  for (const field of Object.keys(SORT_VALUE) as SortField[]) {
    // Expected: by value with absent values first, ties in import order; DESC is the exact reverse.
    const asc = ALL.map((k, i) => ({ arn: String(F[k].findingArn), v: SORT_VALUE[field](F[k]), i }))
      .sort((a, b) => {
        if (a.v === undefined || b.v === undefined)
          return a.v === b.v ? a.i - b.i : a.v === undefined ? -1 : 1
        return a.v === b.v ? a.i - b.i : (a.v as number) < (b.v as number) ? -1 : 1
      })
      .map((x) => x.arn)
    for (const sortOrder of ['ASC', 'DESC'] as const) {
      const pages: Finding[][] = []
      let nextToken: string | undefined
      do {
        const page = await client.send(
          new ListFindingsCommand({ sortCriteria: { field, sortOrder }, maxResults: 2, nextToken }),
        )
        pages.push(page.findings ?? [])
        nextToken = page.nextToken
      } while (nextToken)
      assert.equal(pages.length, 3, `${field} ${sortOrder}: three pages of two`)
      assert.deepEqual(
        pages.flat().map((f) => f.findingArn),
        sortOrder === 'ASC' ? asc : [...asc].reverse(),
        `${field} ${sortOrder}`,
      )
    }
  }
  const first = await client.send(new ListFindingsCommand({ maxResults: 2 }))
  assert.deepEqual(
    first.findings?.map((f) => f.findingArn),
    [F.f6.findingArn, F.f5.findingArn],
    'default: newest lastObservedAt first',
  )
  const replayed = await rejection(
    client.send(
      new ListFindingsCommand({
        maxResults: 2,
        nextToken: first.nextToken,
        sortCriteria: { field: 'SEVERITY', sortOrder: 'ASC' },
      }),
    ),
  )
  assert.equal(replayed.name, 'ValidationException')
  assert.equal(replayed.fields?.[0]?.name, 'nextToken')
})

// --- Suppression rules --------------------------------------------------------------------------

const SUPP = '742000000001'

async function statuses(client: Inspector2Client): Promise<Record<string, string | undefined>> {
  return Object.fromEntries(
    (await listAll(client)).map((f): [string, string | undefined] => [
      f.findingArn ?? '',
      f.status,
    ]),
  )
}

test('SUPPRESS filters suppress matching findings, existing and imported later, and release them', async () => {
  const client = as(SUPP)
  const vuln = (id: string) => ({ vulnerabilityId: id, source: 'NVD', vulnerablePackages: [] })
  const a = finding(SUPP, 1, { packageVulnerabilityDetails: vuln('CVE-2024-9') })
  const b = finding(SUPP, 2, { packageVulnerabilityDetails: vuln('CVE-2024-8') })
  const closed = finding(SUPP, 3, {
    status: 'CLOSED',
    packageVulnerabilityDetails: vuln('CVE-2024-9'),
  })
  await importAs(SUPP, [a, b, closed].map((f) => JSON.stringify(f)).join('\n'))
  const created = await client.send(
    new CreateFilterCommand({
      name: 'ignore CVE-2024-9',
      action: 'SUPPRESS',
      reason: 'accepted risk',
      description: 'not exploitable here',
      filterCriteria: {
        vulnerabilityId: [eq('CVE-2024-9')],
        // Rules see findings as ACTIVE: this does not make the rule flip-flop.
        findingStatus: [eq('ACTIVE')],
      },
      tags: { team: 'sec' },
    }),
  )
  const arn = created.arn ?? ''
  assert.match(
    arn,
    new RegExp(`^arn:aws:inspector2:us-east-1:${SUPP}:owner/${SUPP}/filter/[a-f0-9]+$`),
  )
  let s = await statuses(client)
  assert.equal(s[String(a.findingArn)], 'SUPPRESSED')
  assert.equal(s[String(b.findingArn)], 'ACTIVE')
  assert.equal(s[String(closed.findingArn)], 'CLOSED', 'closed findings stay closed')
  const suppressed = await listAll(client, {
    filterCriteria: { findingStatus: [eq('SUPPRESSED')] },
  })
  assert.deepEqual(arns(suppressed), [a.findingArn])
  assert.ok(
    (suppressed[0]?.updatedAt?.getTime() ?? 0) > (Number(a.updatedAt) + 1) * 1000,
    'suppression updates updatedAt',
  )

  // The filter is listed, tagged, and taggable.
  const listed = await client.send(new ListFiltersCommand({ action: 'SUPPRESS' }))
  assert.equal(listed.filters?.length, 1)
  const filter = listed.filters?.[0]
  assert.equal(filter?.arn, arn)
  assert.equal(filter?.ownerId, SUPP)
  assert.equal(filter?.name, 'ignore CVE-2024-9')
  assert.equal(filter?.reason, 'accepted risk')
  assert.deepEqual(filter?.criteria?.vulnerabilityId, [eq('CVE-2024-9')])
  assert.deepEqual(filter?.tags, { team: 'sec' })
  assert.equal((await client.send(new ListFiltersCommand({ action: 'NONE' }))).filters?.length, 0)
  await client.send(new TagResourceCommand({ resourceArn: arn, tags: { owner: 'me' } }))
  assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, {
    team: 'sec',
    owner: 'me',
  })

  // A finding imported while the rule exists arrives suppressed.
  const c = finding(SUPP, 4, { packageVulnerabilityDetails: vuln('CVE-2024-9') })
  await importAs(SUPP, JSON.stringify(c))
  assert.equal((await statuses(client))[String(c.findingArn)], 'SUPPRESSED')

  // Action NONE releases them; back to SUPPRESS with other criteria moves the suppression.
  await client.send(new UpdateFilterCommand({ filterArn: arn, action: 'NONE' }))
  s = await statuses(client)
  assert.equal(s[String(a.findingArn)], 'ACTIVE')
  assert.equal(s[String(c.findingArn)], 'ACTIVE')
  await client.send(
    new UpdateFilterCommand({
      filterArn: arn,
      action: 'SUPPRESS',
      filterCriteria: { vulnerabilityId: [eq('CVE-2024-8')] },
    }),
  )
  s = await statuses(client)
  assert.equal(s[String(a.findingArn)], 'ACTIVE')
  assert.equal(s[String(b.findingArn)], 'SUPPRESSED')

  // Deleting the rule releases its findings; the filter and its tags are gone.
  await client.send(new DeleteFilterCommand({ arn }))
  assert.equal((await statuses(client))[String(b.findingArn)], 'ACTIVE')
  assert.equal((await client.send(new ListFiltersCommand({}))).filters?.length, 0)
  const gone = await rejection(client.send(new ListTagsForResourceCommand({ resourceArn: arn })))
  assert.equal(gone.name, 'ResourceNotFoundException')
  const again = await rejection(client.send(new DeleteFilterCommand({ arn })))
  assert.equal(again.name, 'ResourceNotFoundException')
  const other = await rejection(
    as('742000000002').send(new UpdateFilterCommand({ filterArn: arn, name: 'x' })),
  )
  assert.equal(other.name, 'AccessDeniedException')
  const empty = await rejection(
    client.send(new CreateFilterCommand({ name: 'all', action: 'SUPPRESS', filterCriteria: {} })),
  )
  assert.equal(empty.name, 'ValidationException')
  assert.equal(empty.fields?.[0]?.name, 'filterCriteria')
})

test('ListFilters pages and selects by ARN', async () => {
  const client = as('742000000003')
  const created: string[] = []
  for (const n of [1, 2, 3])
    created.push(
      (
        await client.send(
          new CreateFilterCommand({
            name: `f${n}`,
            action: 'NONE',
            filterCriteria: { severity: [eq('LOW')] },
          }),
        )
      ).arn ?? '',
    )
  const first = await client.send(new ListFiltersCommand({ maxResults: 2 }))
  assert.equal(first.filters?.length, 2)
  const second = await client.send(
    new ListFiltersCommand({ maxResults: 2, nextToken: first.nextToken }),
  )
  assert.equal(second.nextToken, undefined)
  assert.deepEqual(
    [...(first.filters ?? []), ...(second.filters ?? [])].map((f) => f.arn),
    created,
    'creation order',
  )
  const some = await client.send(new ListFiltersCommand({ arns: [created[1] ?? ''] }))
  assert.deepEqual(
    some.filters?.map((f) => f.name),
    ['f2'],
  )
})

// --- Delegated administrator ----------------------------------------------------------------------

test('a delegated administrator lists and suppresses its members’ findings; a member sees its own', async () => {
  const [admin, member, unassociated] = ORG as [string, string, string]
  await as(MANAGEMENT).send(
    new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: admin }),
  )
  await as(admin).send(new AssociateMemberCommand({ accountId: member }))
  const own = finding(admin, 1)
  const mine = finding(member, 2, { severity: 'HIGH' })
  const byAdmin = finding(member, 3, { severity: 'LOW' })
  const foreign = finding(unassociated, 4)
  await importAs(member, JSON.stringify(mine))
  // The administrator imports its own and its member's findings; an unassociated account's is refused.
  const answer = await importAs(
    admin,
    [own, byAdmin, foreign].map((f) => JSON.stringify(f)).join('\n'),
  )
  assert.equal(answer.imported, 2)
  assert.deepEqual(
    answer.problems.map((p) => p.line),
    [3],
  )
  assert.match(
    answer.problems[0]?.reason ?? '',
    /neither the importing account nor one of its members/,
  )
  const refused = await importAs(member, JSON.stringify(finding(admin, 5)))
  assert.equal(refused.imported, 0, 'a member cannot import its administrator’s findings')

  assert.deepEqual(arns(await listAll(as(admin))), arns([own, mine, byAdmin]))
  assert.deepEqual(
    arns(await listAll(as(admin), { filterCriteria: { awsAccountId: [eq(member)] } })),
    arns([mine, byAdmin]),
  )
  assert.deepEqual(arns(await listAll(as(member))), arns([mine, byAdmin]))
  assert.deepEqual(await listAll(as(unassociated)), [])

  // The administrator's suppression rule applies to its members' findings.
  const rule = await as(admin).send(
    new CreateFilterCommand({
      name: 'low noise',
      action: 'SUPPRESS',
      filterCriteria: { severity: [eq('LOW')] },
    }),
  )
  const memberView = await statuses(as(member))
  assert.equal(memberView[String(byAdmin.findingArn)], 'SUPPRESSED')
  assert.equal(memberView[String(mine.findingArn)], 'ACTIVE')
  // The member's own filters do not reach the administrator's findings.
  await as(member).send(
    new CreateFilterCommand({
      name: 'all medium',
      action: 'SUPPRESS',
      filterCriteria: { severity: [eq('MEDIUM')] },
    }),
  )
  assert.equal((await statuses(as(admin)))[String(own.findingArn)], 'ACTIVE')
  await as(admin).send(new DeleteFilterCommand({ arn: rule.arn }))
  assert.equal((await statuses(as(member)))[String(byAdmin.findingArn)], 'ACTIVE')
})

// --- Import forms ---------------------------------------------------------------------------------

test('a ListFindings response as the AWS CLI prints it, with a broken record reported by line', async () => {
  const account = '743000000001'
  const good = [finding(account, 1), finding(account, 2, { inspectorScore: 5.5 })]
  // The CLI prints timestamps as ISO-8601 strings.
  const iso = (f: Wire) => ({
    ...f,
    firstObservedAt: new Date(Number(f.firstObservedAt) * 1000).toISOString(),
    lastObservedAt: new Date(Number(f.lastObservedAt) * 1000).toISOString(),
    updatedAt: new Date(Number(f.updatedAt) * 1000).toISOString(),
  })
  const broken = { ...iso(finding(account, 3)), severity: undefined, inspectorScore: 'high' }
  const text = JSON.stringify(
    { findings: [iso(good[0] as Wire), broken, iso(good[1] as Wire)], nextToken: 'abc' },
    null,
    2,
  )
  const answer = await importAs(account, text)
  assert.equal(answer.form, 'findings list')
  assert.equal(answer.imported, 2)
  const elementLines = text.split('\n').flatMap((line, i) => (line === '    {' ? [i + 1] : []))
  assert.deepEqual(
    answer.problems.map((p) => p.line),
    [elementLines[1]],
  )
  assert.match(answer.problems[0]?.reason ?? '', /\/severity: required member is missing/)
  assert.match(answer.problems[0]?.reason ?? '', /\/inspectorScore: expected a number/)
  const got = await listAll(as(account), {
    sortCriteria: { field: 'FIRST_OBSERVED_AT', sortOrder: 'ASC' },
  })
  assert.deepEqual(
    got.map((f) => f.findingArn),
    good.map((f) => f.findingArn),
  )
  assert.equal(got[0]?.firstObservedAt?.getTime(), (T0 + 1) * 1000)
  assert.equal(got[0]?.updatedAt?.getTime(), (T0 + 201.5) * 1000, 'fractional seconds kept')
  assert.equal(got[1]?.inspectorScore, 5.5)
})

test('EventBridge "Inspector2 Finding" events, one per line, through the CLI', async () => {
  const account = '743000000002'
  const event = (f: Wire) => ({
    version: '0',
    id: 'e',
    'detail-type': 'Inspector2 Finding',
    source: 'aws.inspector2',
    account,
    region: 'us-east-1',
    detail: f,
  })
  const javaDate = finding(account, 1, {
    firstObservedAt: 'Wed Sep 04 16:59:44.356 UTC 2024',
    lastObservedAt: 'Wed Sep 04 16:59:44.476 UTC 2024',
    updatedAt: 'Wed Sep 04 17:00:36.951 UTC 2024',
  })
  const usDate = finding(account, 2, {
    firstObservedAt: 'Mar 20, 2023, 6:08:05 PM',
    lastObservedAt: 'Mar 20, 2023, 6:08:05 PM',
  })
  const otherAccount = finding('743000000099', 3)
  const lines = [
    JSON.stringify(event(javaDate)),
    '{ not json',
    JSON.stringify({ ...event(finding(account, 4)), 'detail-type': 'Inspector2 Scan' }),
    JSON.stringify(event(usDate)),
    JSON.stringify(event(otherAccount)),
  ]
  const file = join(dir, 'events.jsonl')
  writeFileSync(file, lines.join('\n'))
  const out: string[] = []
  const status = await importInspectorFile(file, {
    endpointUrl: server.url,
    env: { AWS_ACCESS_KEY_ID: account, AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' },
    out: (line) => out.push(line),
  })
  assert.equal(status, 1, 'some records were skipped')
  assert.match(out[0] ?? '', /events\.jsonl:2: skipped: not JSON/)
  assert.match(out[1] ?? '', /events\.jsonl:3: skipped: .*Inspector2 Scan/)
  assert.match(out[2] ?? '', /events\.jsonl:5: skipped: account 743000000099/)
  assert.match(out.at(-1) ?? '', /EventBridge events: imported 2 findings .* skipped 3/)
  const got = await listAll(as(account), {
    sortCriteria: { field: 'FIRST_OBSERVED_AT', sortOrder: 'ASC' },
  })
  assert.deepEqual(
    got.map((f) => f.findingArn),
    [usDate.findingArn, javaDate.findingArn],
  )
  assert.equal(got[0]?.firstObservedAt?.toISOString(), '2023-03-20T18:08:05.000Z')
  assert.equal(got[1]?.lastObservedAt?.toISOString(), '2024-09-04T16:59:44.476Z')
})

test('a JSON findings report and JSON lines through `vigil inspector import`', async () => {
  const account = '743000000003'
  const report = join(dir, 'report.json')
  writeFileSync(
    report,
    JSON.stringify({
      findings: [
        finding(account, 1),
        {
          ...finding(account, 2),
          findingArn: 'arn:aws:inspector2:us-east-1:743000000003:finding/xyz',
        },
        { ...finding(account, 3), findingArn: arnOf(account, 3).replace('us-east-1', 'eu-west-1') },
      ],
    }),
  )
  const lines = join(dir, 'findings.jsonl')
  writeFileSync(lines, [JSON.stringify(finding(account, 4)), '[1, 2]', ''].join('\n'))
  const run = promisify(execFile)
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: account,
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  }
  const cli = (file: string) =>
    run(
      process.execPath,
      ['bin/vigil.js', 'inspector', 'import', file, '--endpoint-url', server.url],
      { env },
    ).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    )
  const first = await cli(report)
  assert.equal(first.code, 1, first.stdout)
  assert.match(
    first.stdout,
    /report\.json:\d+: skipped: findingArn .* is not an Inspector finding ARN/,
  )
  assert.match(first.stdout, /report\.json:\d+: skipped: the finding is in region eu-west-1/)
  assert.match(first.stdout, /findings list: imported 1 findings/)
  const second = await cli(lines)
  assert.equal(second.code, 1, second.stdout)
  assert.match(second.stdout, /findings\.jsonl:2: skipped: the record is not a JSON object/)
  assert.match(second.stdout, /JSON lines: imported 1 findings/)
  assert.deepEqual(arns(await listAll(as(account))), [arnOf(account, 1), arnOf(account, 4)].sort())
  const nothing = await rawRequest(server.url, {
    method: 'POST',
    path: '/_vigil/inspector2/findings/import',
    body: '{"findings": [{"findingArn": "x"}]}',
    service: 'vigil',
    accessKeyId: account,
  })
  assert.equal(nothing.status, 400)
})
