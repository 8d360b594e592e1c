/**
 * Inspector findings reports and finding details through the real SDK: CreateFindingsReport in JSON
 * and CSV read back from the object store and compared with ListFindings for the same filter (the
 * default ACTIVE-only view, a filtered one, a delegated administrator's, and a report spanning several
 * store pages), the report key, asynchronous status with GetFindingsReportStatus (by id and latest),
 * failures (BUCKET_NOT_FOUND, MALFORMED_KMS_KEY, NO_FINDINGS_FOUND, invalid criteria, unknown ids),
 * CancelFindingsReport on a report held IN_PROGRESS, then BatchGetFindingDetails, BatchGetCodeSnippet
 * and GetClustersForImage with their per-ARN error entries.
 */
import {
  AssociateMemberCommand,
  BatchGetCodeSnippetCommand,
  BatchGetFindingDetailsCommand,
  CancelFindingsReportCommand,
  CreateFindingsReportCommand,
  type CreateFindingsReportCommandInput,
  EnableDelegatedAdminAccountCommand,
  type Finding,
  GetClustersForImageCommand,
  GetFindingsReportStatusCommand,
  type GetFindingsReportStatusCommandOutput,
  type Inspector2Client,
  ListFindingsCommand,
  type ListFindingsCommandInput,
} from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { ObjectLocation, ObjectStore } from '../../src/outputs/object-store/object-store.js'
import { rejection } from '../helpers/rejection.js'
import {
  inspectorClient,
  rawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'

let server: TestServer
const MANAGEMENT = '770000000000'
const [ADMIN, MEMBER] = ['770000000001', '770000000002'] as const
const R = '771000000001'
const OTHER = '771000000009'
const BUCKET = 'vigil-reports'
const KMS = 'arn:aws:kms:us-east-1:771000000001:key/1234abcd-12ab-34cd-56ef-1234567890ab'
const REGION = 'us-east-1'

before(async () => {
  server = await startTestServer({
    organizations: [
      { id: 'o-i2reports', managementAccountId: MANAGEMENT, accounts: [ADMIN, MEMBER] },
    ],
  })
  await server.objectStore.putObject({ bucket: BUCKET, key: 'README' }, 'reports land here')
  await importAs(R, FIXTURES)
})
after(async () => {
  await server.close()
})

const as = (accountId: string): Inspector2Client =>
  inspectorClient(server.url, { accessKeyId: accountId })
const T0 = 1_790_000_000
const HASH = 'cd'.repeat(32)
type Wire = Record<string, unknown>

let seq = 0
function finding(account: string, extra: Wire = {}): Wire {
  seq++
  return {
    findingArn: `arn:aws:inspector2:${REGION}:${account}:finding/${seq.toString(16).padStart(32, '0')}`,
    awsAccountId: account,
    type: 'PACKAGE_VULNERABILITY',
    title: `finding ${seq}`,
    description: `finding ${seq}`,
    remediation: { recommendation: { text: 'None Provided' } },
    severity: 'MEDIUM',
    status: 'ACTIVE',
    firstObservedAt: T0 + seq,
    lastObservedAt: T0 + 1000 + seq,
    updatedAt: T0 + 2000 + seq,
    resources: [{ type: 'AWS_EC2_INSTANCE', id: `i-${seq}` }],
    ...extra,
  }
}

/** The richly detailed package finding the CSV checks look at. */
const RICH = finding(R, {
  severity: 'HIGH',
  title: 'CVE-2024-6119 - openssl, libssl3',
  description: 'Line one, with "quotes"\nline two',
  resources: [
    {
      type: 'AWS_EC2_INSTANCE',
      id: 'i-rich',
      region: REGION,
      tags: { Name: 'web' },
      details: {
        awsEc2Instance: {
          imageId: 'ami-0abc',
          platform: 'DEBIAN_12',
          ipV4Addresses: ['10.0.0.5', '54.1.2.3'],
          ipV6Addresses: ['2600:1f18::1'],
          vpcId: 'vpc-1',
        },
      },
    },
  ],
  packageVulnerabilityDetails: {
    vulnerabilityId: 'CVE-2024-6119',
    source: 'DEBIAN_CVE',
    sourceUrl: 'https://security-tracker.debian.org/tracker/CVE-2024-6119',
    vendorSeverity: 'unimportant',
    vendorCreatedAt: T0 - 1000,
    cvss: [
      {
        baseScore: 7.5,
        scoringVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
        version: '3.1',
        source: 'NVD',
      },
      {
        baseScore: 5.9,
        scoringVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H',
        version: '3.1',
        source: 'DEBIAN_CVE',
      },
    ],
    referenceUrls: ['https://openssl-library.org/news/secadv/20240903.txt'],
    vulnerablePackages: [
      {
        name: 'openssl',
        version: '3.0.13',
        release: '1~deb12u1',
        epoch: 0,
        arch: 'X86_64',
        packageManager: 'OS',
        fixedInVersion: '0:3.0.14-1~deb12u2',
        remediation: 'apt-get update && apt-get upgrade',
      },
      {
        name: 'libssl3',
        version: '3.0.13',
        release: '1~deb12u1',
        epoch: 1,
        packageManager: 'OS',
        fixedInVersion: '0:3.0.14-1~deb12u2',
      },
    ],
  },
  inspectorScore: 7.5,
  inspectorScoreDetails: {
    adjustedCvss: {
      scoreSource: 'NVD',
      version: '3.1',
      score: 7.5,
      scoringVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    },
  },
  fixAvailable: 'YES',
  exploitAvailable: 'YES',
  exploitabilityDetails: { lastKnownExploitAt: T0 - 500 },
  epss: { score: 0.42 },
})
const IMAGE_ARN = `arn:aws:ecr:${REGION}:${R}:repository/api/sha256:${HASH}`
const CODE = finding(R, {
  type: 'CODE_VULNERABILITY',
  severity: 'HIGH',
  resources: [
    {
      type: 'CODE_REPOSITORY',
      id: 'repo-shop',
      details: { codeRepository: { projectName: 'shop', providerType: 'GITHUB' } },
    },
  ],
  codeVulnerabilityDetails: {
    filePath: { fileName: 'app.py', filePath: 'src/app.py', startLine: 10, endLine: 12 },
    detectorId: 'python/sql-injection@v1.0',
    detectorName: 'SQL injection',
    cwes: ['CWE-89'],
    referenceUrls: ['https://cwe.mitre.org/data/definitions/89.html'],
  },
})
const NETWORK = finding(R, {
  type: 'NETWORK_REACHABILITY',
  networkReachabilityDetails: {
    openPortRange: { begin: 22, end: 22 },
    protocol: 'TCP',
    networkPath: {
      steps: [
        { componentId: 'igw-1', componentType: 'AWS::EC2::InternetGateway' },
        { componentId: 'eni-1', componentType: 'AWS::EC2::NetworkInterface' },
      ],
    },
  },
})
const FIXTURES = [
  RICH,
  finding(R, {
    resources: [
      {
        type: 'AWS_ECR_CONTAINER_IMAGE',
        id: IMAGE_ARN,
        details: {
          awsEcrContainerImage: {
            repositoryName: 'api',
            imageTags: ['v1', 'latest'],
            imageHash: `sha256:${HASH}`,
            registry: R,
          },
        },
      },
    ],
  }),
  finding(R, { severity: 'HIGH' }),
  finding(R, { severity: 'LOW', status: 'CLOSED' }),
  CODE,
  NETWORK,
]

async function importAs(account: string, findings: Wire[]): Promise<void> {
  for (let i = 0; i < findings.length; i += 1000) {
    const res = await rawRequest(server.url, {
      method: 'POST',
      path: '/_vigil/inspector2/findings/import',
      body: findings
        .slice(i, i + 1000)
        .map((f) => JSON.stringify(f))
        .join('\n'),
      service: 'vigil',
      accessKeyId: account,
    })
    assert.equal(res.status, 200, res.text)
  }
}

/** Every finding ListFindings gives for `input`, in wire form (as the API sends them). */
async function listWire(account: string, filterCriteria: Wire = {}): Promise<Wire[]> {
  const out: Wire[] = []
  let nextToken: string | undefined
  do {
    const res = await rawRequest(server.url, {
      method: 'POST',
      path: '/findings/list',
      body: JSON.stringify({
        filterCriteria,
        maxResults: 100,
        ...(nextToken ? { nextToken } : {}),
      }),
      service: 'inspector2',
      accessKeyId: account,
    })
    assert.equal(res.status, 200, res.text)
    const page = res.json() as { findings: Wire[]; nextToken?: string }
    out.push(...page.findings)
    nextToken = page.nextToken
  } while (nextToken)
  return out
}

async function listSdk(client: Inspector2Client, input: ListFindingsCommandInput = {}) {
  const out: Finding[] = []
  let nextToken: string | undefined
  do {
    const page = await client.send(new ListFindingsCommand({ ...input, nextToken }))
    out.push(...(page.findings ?? []))
    nextToken = page.nextToken
  } while (nextToken)
  return out
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls a report until it leaves IN_PROGRESS. */
async function settled(
  client: Inspector2Client,
  reportId: string | undefined,
): Promise<GetFindingsReportStatusCommandOutput> {
  for (let i = 0; i < 500; i++) {
    const status = await client.send(new GetFindingsReportStatusCommand({ reportId }))
    if (status.status !== 'IN_PROGRESS') return status
    await sleep(10)
  }
  return assert.fail(`report ${reportId} is still IN_PROGRESS`)
}

async function report(
  client: Inspector2Client,
  input: Partial<CreateFindingsReportCommandInput> & { reportFormat: 'CSV' | 'JSON' },
) {
  const { reportId } = await client.send(
    new CreateFindingsReportCommand({
      s3Destination: { bucketName: BUCKET, keyPrefix: 'inspector', kmsKeyArn: KMS },
      ...input,
    }),
  )
  assert.match(reportId ?? '', /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/)
  return { reportId: reportId ?? '', status: await settled(client, reportId) }
}

async function readObject(location: ObjectLocation): Promise<string> {
  const body = await server.objectStore.getObject(location)
  assert.ok(body, `no object s3://${location.bucket}/${location.key}`)
  return Buffer.from(body).toString('utf8')
}

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += c
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}

const CSV_HEADER = [
  'AWS Account Id',
  'Severity',
  'Fix Available',
  'Finding Type',
  'Title',
  'Description',
  'Finding ARN',
  'First Seen',
  'Last Seen',
  'Last Updated',
  'Resource ID',
  'Container Image Tags',
  'Region',
  'Platform',
  'Resource Tags',
  'Affected Packages',
  'Package Installed Version',
  'Fixed in Version',
  'Package Remediation',
  'File Path',
  'Network Paths',
  'Age (Days)',
  'Remediation',
  'Inspector Score',
  'Inspector Score Vector',
  'Status',
  'Vulnerability Id',
  'Vendor',
  'Vendor Severity',
  'Vendor Advisory',
  'Vendor Advisory Published',
  'NVD CVSS3 Score',
  'NVD CVSS3 Vector',
  'NVD CVSS2 Score',
  'NVD CVSS2 Vector',
  'Vendor CVSS3 Score',
  'Vendor CVSS3 Vector',
  'Vendor CVSS2 Score',
  'Vendor CVSS2 Vector',
  'Resource Type',
  'Ami',
  'Resource Public Ipv4',
  'Resource Private Ipv4',
  'Resource Ipv6',
  'Resource Vpc',
  'Port Range',
  'Epss Score',
  'Exploit Available',
  'Last Exploited At',
  'Lambda Layers',
  'Lambda Package Type',
  'Lambda Last Updated At',
  'Reference Urls',
  'Detector Name',
  'Package Manager',
]

const arnOf = (f: Wire) => String(f.findingArn)

// --- Reports --------------------------------------------------------------------------------------

test('a JSON report holds exactly what ListFindings gives for its filter; ACTIVE only by default', async () => {
  const client = as(R)
  const { reportId, status } = await report(client, { reportFormat: 'JSON' })
  assert.equal(status.status, 'SUCCEEDED', status.errorMessage)
  assert.equal(status.reportId, reportId)
  assert.deepEqual(status.destination, {
    bucketName: BUCKET,
    keyPrefix: 'inspector',
    kmsKeyArn: KMS,
  })
  assert.equal(status.filterCriteria, undefined)
  const json = JSON.parse(
    await readObject({ bucket: BUCKET, key: `inspector/${reportId}.json` }),
  ) as {
    findings: Wire[]
  }
  assert.deepEqual(Object.keys(json), ['findings'])
  const active = await listWire(R, { findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }] })
  assert.equal(active.length, FIXTURES.length - 1, 'the CLOSED finding is left out')
  assert.deepEqual(json.findings, active, 'same findings, same order, same wire form')
  assert.ok(!json.findings.some((f) => f.status === 'CLOSED'))

  // With a filter (and an explicit findingStatus) the report follows it; the criteria are echoed.
  const high = {
    severity: [{ comparison: 'EQUALS' as const, value: 'HIGH' }],
    findingStatus: [
      { comparison: 'EQUALS' as const, value: 'ACTIVE' },
      { comparison: 'EQUALS' as const, value: 'CLOSED' },
    ],
  }
  const filtered = await report(client, {
    reportFormat: 'JSON',
    filterCriteria: high,
    s3Destination: { bucketName: BUCKET, keyPrefix: 'deep/path/', kmsKeyArn: KMS },
  })
  assert.equal(filtered.status.status, 'SUCCEEDED')
  assert.deepEqual(filtered.status.filterCriteria, high)
  const got = JSON.parse(
    await readObject({ bucket: BUCKET, key: `deep/path/${filtered.reportId}.json` }),
  ) as { findings: Wire[] }
  assert.deepEqual(got.findings, await listWire(R, high))
  assert.deepEqual(
    got.findings.map(arnOf).sort(),
    [RICH, CODE, FIXTURES[2] as Wire].map(arnOf).sort(),
  )

  // GetFindingsReportStatus without an id answers the latest report.
  const latest = await client.send(new GetFindingsReportStatusCommand({}))
  assert.equal(latest.reportId, filtered.reportId)
})

test('a CSV report has the documented columns and one row per finding, in ListFindings order', async () => {
  const client = as(R)
  const { reportId, status } = await report(client, {
    reportFormat: 'CSV',
    s3Destination: { bucketName: BUCKET, kmsKeyArn: KMS },
  })
  assert.equal(status.status, 'SUCCEEDED', status.errorMessage)
  const rows = parseCsv(await readObject({ bucket: BUCKET, key: `${reportId}.csv` }))
  assert.deepEqual(rows[0], CSV_HEADER)
  const body = rows.slice(1)
  const listed = await listSdk(client, {
    filterCriteria: { findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }] },
  })
  assert.equal(body.length, listed.length)
  for (const row of body) assert.equal(row.length, CSV_HEADER.length)
  const col = (name: string) => CSV_HEADER.indexOf(name)
  assert.deepEqual(
    body.map((r) => r[col('Finding ARN')]),
    listed.map((f) => f.findingArn),
  )
  assert.deepEqual(
    body.map((r) => r[col('Severity')]),
    listed.map((f) => f.severity),
  )

  const rich = body.find((r) => r[col('Finding ARN')] === RICH.findingArn) ?? []
  const cell = (name: string) => rich[col(name)]
  assert.equal(cell('AWS Account Id'), R)
  assert.equal(cell('Description'), 'Line one, with "quotes"\nline two', 'quoting round-trips')
  assert.equal(cell('Title'), 'CVE-2024-6119 - openssl, libssl3')
  assert.equal(cell('First Seen'), new Date(Number(RICH.firstObservedAt) * 1000).toISOString())
  assert.equal(cell('Resource ID'), 'i-rich')
  assert.equal(cell('Region'), REGION)
  assert.equal(cell('Platform'), 'DEBIAN_12')
  assert.equal(cell('Resource Tags'), 'Name=web')
  assert.equal(cell('Affected Packages'), 'openssl, libssl3')
  assert.equal(cell('Package Installed Version'), '3.0.13-1~deb12u1, 1:3.0.13-1~deb12u1')
  assert.equal(cell('Fixed in Version'), '0:3.0.14-1~deb12u2, 0:3.0.14-1~deb12u2')
  assert.equal(cell('Package Manager'), 'OS, OS')
  assert.equal(cell('Inspector Score'), '7.5')
  assert.equal(cell('Inspector Score Vector'), 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H')
  assert.equal(cell('Vulnerability Id'), 'CVE-2024-6119')
  assert.equal(cell('Vendor'), 'DEBIAN_CVE')
  assert.equal(cell('Vendor Severity'), 'unimportant')
  assert.equal(cell('NVD CVSS3 Score'), '7.5')
  assert.equal(cell('Vendor CVSS3 Score'), '5.9')
  assert.equal(cell('NVD CVSS2 Score'), '')
  assert.equal(cell('Resource Type'), 'AWS_EC2_INSTANCE')
  assert.equal(cell('Ami'), 'ami-0abc')
  assert.equal(cell('Resource Public Ipv4'), '54.1.2.3')
  assert.equal(cell('Resource Private Ipv4'), '10.0.0.5')
  assert.equal(cell('Resource Ipv6'), '2600:1f18::1')
  assert.equal(cell('Resource Vpc'), 'vpc-1')
  assert.equal(cell('Epss Score'), '0.42')
  assert.equal(cell('Exploit Available'), 'YES')
  assert.equal(cell('Last Exploited At'), new Date((T0 - 500) * 1000).toISOString())
  assert.equal(cell('Reference Urls'), 'https://openssl-library.org/news/secadv/20240903.txt')
  assert.match(cell('Age (Days)') ?? '', /^\d+$/)

  const network = body.find((r) => r[col('Finding ARN')] === NETWORK.findingArn) ?? []
  assert.equal(network[col('Port Range')], '22-22')
  assert.equal(network[col('Network Paths')], 'igw-1 > eni-1')
  const code = body.find((r) => r[col('Finding ARN')] === CODE.findingArn) ?? []
  assert.equal(code[col('Detector Name')], 'SQL injection')
  assert.equal(code[col('File Path')], 'src/app.py')
  const image = body.find((r) => r[col('Resource ID')] === IMAGE_ARN) ?? []
  assert.equal(image[col('Container Image Tags')], 'v1, latest')
})

test('a report larger than one store page streams every finding in order', async () => {
  const BULK = '772000000001'
  const many = Array.from({ length: 1_234 }, () =>
    finding(BULK, { severity: seq % 3 === 0 ? 'HIGH' : 'LOW' }),
  )
  await importAs(BULK, many)
  const client = as(BULK)
  const { reportId, status } = await report(client, { reportFormat: 'JSON' })
  assert.equal(status.status, 'SUCCEEDED', status.errorMessage)
  const json = JSON.parse(
    await readObject({ bucket: BUCKET, key: `inspector/${reportId}.json` }),
  ) as {
    findings: Wire[]
  }
  assert.equal(json.findings.length, many.length)
  assert.deepEqual(json.findings.map(arnOf), (await listWire(BULK)).map(arnOf))
  const csv = await report(client, {
    reportFormat: 'CSV',
    filterCriteria: { severity: [{ comparison: 'EQUALS', value: 'HIGH' }] },
  })
  const rows = parseCsv(await readObject({ bucket: BUCKET, key: `inspector/${csv.reportId}.csv` }))
  const high = await listWire(BULK, { severity: [{ comparison: 'EQUALS', value: 'HIGH' }] })
  assert.ok(high.length > 300)
  assert.deepEqual(
    rows.slice(1).map((r) => r[CSV_HEADER.indexOf('Finding ARN')]),
    high.map(arnOf),
  )
})

test('a delegated administrator’s report holds its members’ findings', async () => {
  await as(MANAGEMENT).send(
    new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: ADMIN }),
  )
  await as(ADMIN).send(new AssociateMemberCommand({ accountId: MEMBER }))
  const own = finding(ADMIN)
  const members = finding(MEMBER)
  await importAs(ADMIN, [own, members])
  const { reportId, status } = await report(as(ADMIN), { reportFormat: 'JSON' })
  assert.equal(status.status, 'SUCCEEDED')
  const json = JSON.parse(
    await readObject({ bucket: BUCKET, key: `inspector/${reportId}.json` }),
  ) as {
    findings: Wire[]
  }
  assert.deepEqual(json.findings.map(arnOf).sort(), [own, members].map(arnOf).sort())
  const memberReport = await report(as(MEMBER), { reportFormat: 'JSON' })
  const mine = JSON.parse(
    await readObject({ bucket: BUCKET, key: `inspector/${memberReport.reportId}.json` }),
  ) as { findings: Wire[] }
  assert.deepEqual(mine.findings.map(arnOf), [arnOf(members)])
  // A report belongs to its creator.
  const foreign = await rejection(as(MEMBER).send(new GetFindingsReportStatusCommand({ reportId })))
  assert.equal(foreign.name, 'ResourceNotFoundException')
})

test('reports fail with the modeled error codes; bad criteria and unknown ids are refused', async () => {
  const client = as(R)
  const missing = await report(client, {
    reportFormat: 'CSV',
    s3Destination: { bucketName: 'no-such-bucket-here', kmsKeyArn: KMS },
  })
  assert.equal(missing.status.status, 'FAILED')
  assert.equal(missing.status.errorCode, 'BUCKET_NOT_FOUND')
  assert.match(missing.status.errorMessage ?? '', /no-such-bucket-here/)

  const badKey = await report(client, {
    reportFormat: 'JSON',
    s3Destination: { bucketName: BUCKET, kmsKeyArn: 'alias/my-key' },
  })
  assert.equal(badKey.status.status, 'FAILED')
  assert.equal(badKey.status.errorCode, 'MALFORMED_KMS_KEY')

  const nothing = await report(client, {
    reportFormat: 'JSON',
    filterCriteria: { title: [{ comparison: 'EQUALS', value: 'no such title' }] },
  })
  assert.equal(nothing.status.status, 'FAILED')
  assert.equal(nothing.status.errorCode, 'NO_FINDINGS_FOUND')
  assert.equal(
    await server.objectStore.getObject({
      bucket: BUCKET,
      key: `inspector/${nothing.reportId}.json`,
    }),
    undefined,
    'a failed report writes nothing',
  )

  const invalid = await rejection(
    client.send(
      new CreateFindingsReportCommand({
        reportFormat: 'CSV',
        s3Destination: { bucketName: BUCKET, kmsKeyArn: KMS },
        filterCriteria: { inspectorScore: [{}] },
      }),
    ),
  )
  assert.equal(invalid.name, 'ValidationException')
  assert.equal(invalid.fields?.[0]?.name, 'filterCriteria.inspectorScore')

  const unknown = '00000000-0000-4000-8000-000000000000'
  const notFound = await rejection(
    client.send(new GetFindingsReportStatusCommand({ reportId: unknown })),
  )
  assert.equal(notFound.name, 'ResourceNotFoundException')
  assert.equal(notFound.$metadata.httpStatusCode, 404)
  const none = await rejection(as(OTHER).send(new GetFindingsReportStatusCommand({})))
  assert.equal(none.name, 'ResourceNotFoundException', 'no report yet: no latest either')
  const cancelUnknown = await rejection(
    client.send(new CancelFindingsReportCommand({ reportId: unknown })),
  )
  assert.equal(cancelUnknown.name, 'ResourceNotFoundException')
  const cancelEnded = await rejection(
    client.send(new CancelFindingsReportCommand({ reportId: nothing.reportId })),
  )
  assert.equal(cancelEnded.name, 'ValidationException')
  assert.match(cancelEnded.message, /already ended \(FAILED\)/)
})

test('CancelFindingsReport cancels a report in progress; it stays CANCELLED', async () => {
  const client = as(R)
  const store: ObjectStore = server.objectStore
  const original = store.putObject.bind(store)
  let release: () => void = () => undefined
  const gate = new Promise<void>((resolve) => (release = resolve))
  let reached: () => void = () => undefined
  const writing = new Promise<void>((resolve) => (reached = resolve))
  let written = false
  store.putObject = async (...args: Parameters<ObjectStore['putObject']>) => {
    reached()
    await gate
    await original(...args)
    written = true
  }
  try {
    const { reportId } = await client.send(
      new CreateFindingsReportCommand({
        reportFormat: 'JSON',
        s3Destination: { bucketName: BUCKET, kmsKeyArn: KMS },
      }),
    )
    await writing
    const running = await client.send(new GetFindingsReportStatusCommand({ reportId }))
    assert.equal(running.status, 'IN_PROGRESS')
    const cancelled = await client.send(new CancelFindingsReportCommand({ reportId }))
    assert.equal(cancelled.reportId, reportId)
    assert.equal(
      (await client.send(new GetFindingsReportStatusCommand({ reportId }))).status,
      'CANCELLED',
    )
    release()
    for (let i = 0; i < 100 && !written; i++) await sleep(5)
    await sleep(20)
    const after = await client.send(new GetFindingsReportStatusCommand({ reportId }))
    assert.equal(after.status, 'CANCELLED', 'the job ending does not undo the cancellation')
    assert.equal(after.errorCode, undefined)
    const again = await client.send(new CancelFindingsReportCommand({ reportId }))
    assert.equal(again.reportId, reportId, 'cancelling a cancelled report is harmless')
  } finally {
    release()
    store.putObject = original
  }
})

// --- Finding details, code snippets, clusters ---------------------------------------------------

test('BatchGetFindingDetails answers what stored findings carry, errors per ARN', async () => {
  const client = as(R)
  const unknownArn = `arn:aws:inspector2:${REGION}:${R}:finding/${'f'.repeat(32)}`
  const foreignArn = `arn:aws:inspector2:${REGION}:${OTHER}:finding/${'e'.repeat(32)}`
  const out = await client.send(
    new BatchGetFindingDetailsCommand({
      findingArns: [arnOf(RICH), arnOf(CODE), unknownArn, foreignArn, arnOf(NETWORK)],
    }),
  )
  assert.deepEqual(out.findingDetails, [
    {
      findingArn: arnOf(RICH),
      exploitObserved: { lastSeen: new Date((T0 - 500) * 1000) },
      referenceUrls: ['https://openssl-library.org/news/secadv/20240903.txt'],
      epssScore: 0.42,
    },
    {
      findingArn: arnOf(CODE),
      referenceUrls: ['https://cwe.mitre.org/data/definitions/89.html'],
      cwes: ['CWE-89'],
    },
    { findingArn: arnOf(NETWORK) },
  ])
  assert.deepEqual(
    out.errors?.map((e) => [e.findingArn, e.errorCode]),
    [
      [unknownArn, 'FINDING_DETAILS_NOT_FOUND'],
      [foreignArn, 'ACCESS_DENIED'],
    ],
  )
  assert.ok(out.errors?.every((e) => (e.errorMessage ?? '').length > 0))
  const tooMany = await rejection(
    client.send(new BatchGetFindingDetailsCommand({ findingArns: Array(11).fill(unknownArn) })),
  )
  assert.equal(tooMany.name, 'ValidationException')
})

test('BatchGetCodeSnippet answers an error entry for every ARN (Vigil keeps no source)', async () => {
  const client = as(R)
  const unknownArn = `arn:aws:inspector2:${REGION}:${R}:finding/${'a'.repeat(32)}`
  const foreignArn = `arn:aws:inspector2:${REGION}:${OTHER}:finding/${'b'.repeat(32)}`
  const out = await client.send(
    new BatchGetCodeSnippetCommand({
      findingArns: [arnOf(CODE), arnOf(RICH), unknownArn, foreignArn],
    }),
  )
  assert.deepEqual(out.codeSnippetResults, [])
  assert.deepEqual(
    out.errors?.map((e) => [e.findingArn, e.errorCode]),
    [
      [arnOf(CODE), 'CODE_SNIPPET_NOT_FOUND'],
      [arnOf(RICH), 'INVALID_INPUT'],
      [unknownArn, 'CODE_SNIPPET_NOT_FOUND'],
      [foreignArn, 'ACCESS_DENIED'],
    ],
  )
  assert.match(out.errors?.[0]?.errorMessage ?? '', /no source code/)
})

test('GetClustersForImage answers an empty cluster list (no container inventory)', async () => {
  const client = as(R)
  const out = await client.send(
    new GetClustersForImageCommand({ filter: { resourceId: IMAGE_ARN } }),
  )
  assert.deepEqual(out.cluster, [])
  assert.equal(out.nextToken, undefined)
  const foreign = await rejection(
    client.send(
      new GetClustersForImageCommand({
        filter: { resourceId: `arn:aws:ecr:${REGION}:${OTHER}:repository/api` },
      }),
    ),
  )
  assert.equal(foreign.name, 'AccessDeniedException')
  const badId = await rejection(
    client.send(new GetClustersForImageCommand({ filter: { resourceId: 'not-an-image' } })),
  )
  assert.equal(badId.name, 'ValidationException')
  const token = await rejection(
    client.send(
      new GetClustersForImageCommand({ filter: { resourceId: IMAGE_ARN }, nextToken: 'x' }),
    ),
  )
  assert.equal(token.name, 'ValidationException')
})
