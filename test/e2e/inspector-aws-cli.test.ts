/**
 * Inspector end to end with the AWS CLI (and `vigil inspector import`): the organization's management
 * account makes a delegated administrator, which associates and enables a member; real-shaped ECR
 * findings of the member are imported; the administrator filters them with a criteria file,
 * aggregates by repository, suppresses some, reads coverage and usage, and produces a CSV report that
 * lands in the object store. Skipped when no `aws` command is on the PATH.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { importInspectorFile } from '../../src/cli/inspector-import.js'
import { startTestServer, type TestServer } from '../helpers/vigil-server.js'

const hasCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0
const skip = hasCli ? false : 'no aws command on the PATH'

const MANAGEMENT = '760000000000'
const ADMIN = '760000000001'
const MEMBER = '760000000002'
let server: TestServer
const home = mkdtempSync(join(tmpdir(), 'vigil-i2-cli-'))

before(async () => {
  server = await startTestServer({
    organizations: [
      { id: 'o-i2clitest00', managementAccountId: MANAGEMENT, accounts: [ADMIN, MEMBER] },
    ],
  })
})
after(async () => {
  await server.close()
})

function aws(account: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', [...args, '--endpoint-url', server.url, '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        AWS_ACCESS_KEY_ID: account,
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('close', (status) =>
      status === 0
        ? resolve((out.trim() ? JSON.parse(out) : {}) as Record<string, unknown>)
        : reject(new Error(`aws ${args.join(' ')}: ${err}`)),
    )
  })
}

const T0 = 1_790_000_000
/** An ECR image package-vulnerability finding of the member, in ListFindings' wire form. */
function ecrFinding(n: number, repository: string, pkg: string, severity: string) {
  const image = `arn:aws:ecr:us-east-1:${MEMBER}:repository/${repository}/sha256:${n.toString(16).padStart(64, '0')}`
  return {
    findingArn: `arn:aws:inspector2:us-east-1:${MEMBER}:finding/${n.toString(16).padStart(32, '0')}`,
    awsAccountId: MEMBER,
    type: 'PACKAGE_VULNERABILITY',
    title: `CVE-2026-${1000 + n} - ${pkg}`,
    description: `A vulnerability in ${pkg}.`,
    remediation: { recommendation: { text: `Upgrade ${pkg}.` } },
    severity,
    status: 'ACTIVE',
    inspectorScore: severity === 'CRITICAL' ? 9.8 : severity === 'HIGH' ? 7.5 : 5.3,
    fixAvailable: 'YES',
    exploitAvailable: 'NO',
    firstObservedAt: T0 + n,
    lastObservedAt: T0 + 100 + n,
    updatedAt: T0 + 200 + n,
    packageVulnerabilityDetails: {
      vulnerabilityId: `CVE-2026-${1000 + n}`,
      source: 'NVD',
      sourceUrl: `https://nvd.nist.gov/vuln/detail/CVE-2026-${1000 + n}`,
      vendorSeverity: severity,
      vulnerablePackages: [
        { name: pkg, version: '1.0.0', fixedInVersion: '1.0.1', packageManager: 'NODEPKG' },
      ],
    },
    resources: [
      {
        type: 'AWS_ECR_CONTAINER_IMAGE',
        id: image,
        partition: 'aws',
        region: 'us-east-1',
        details: {
          awsEcrContainerImage: {
            repositoryName: repository,
            registry: MEMBER,
            imageHash: `sha256:${n.toString(16).padStart(64, '0')}`,
            imageTags: ['latest'],
            architecture: 'amd64',
            platform: 'NODE',
            pushedAt: T0,
          },
        },
      },
    ],
  }
}

test(
  'organization, import, filter, aggregate, suppress, coverage, usage and a report',
  { skip },
  async () => {
    await aws(MANAGEMENT, [
      'inspector2',
      'enable-delegated-admin-account',
      '--delegated-admin-account-id',
      ADMIN,
    ])
    await aws(ADMIN, ['inspector2', 'associate-member', '--account-id', MEMBER])
    await aws(ADMIN, ['inspector2', 'enable', '--account-ids', MEMBER, '--resource-types', 'ECR'])

    const findings = [
      ecrFinding(1, 'web', 'lodash', 'CRITICAL'),
      ecrFinding(2, 'web', 'minimist', 'HIGH'),
      ecrFinding(3, 'api', 'semver', 'MEDIUM'),
      ecrFinding(4, 'api', 'lodash', 'HIGH'),
    ]
    const file = join(home, 'findings.json')
    writeFileSync(file, JSON.stringify({ findings }, null, 2))
    const printed: string[] = []
    const status = await importInspectorFile(file, {
      endpointUrl: server.url,
      env: { AWS_ACCESS_KEY_ID: ADMIN, AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' },
      out: (l) => printed.push(l),
    })
    assert.equal(status, 0, printed.join('\n'))

    const criteria = join(home, 'criteria.json')
    writeFileSync(
      criteria,
      JSON.stringify({
        awsAccountId: [{ comparison: 'EQUALS', value: MEMBER }],
        severity: [
          { comparison: 'EQUALS', value: 'CRITICAL' },
          { comparison: 'EQUALS', value: 'HIGH' },
        ],
        vulnerablePackages: [{ name: { comparison: 'EQUALS', value: 'lodash' } }],
      }),
    )
    const listed = await aws(ADMIN, [
      'inspector2',
      'list-findings',
      '--filter-criteria',
      `file://${criteria}`,
    ])
    assert.deepEqual((listed.findings as { title: string }[]).map((f) => f.title).sort(), [
      'CVE-2026-1001 - lodash',
      'CVE-2026-1004 - lodash',
    ])

    const byRepository = await aws(ADMIN, [
      'inspector2',
      'list-finding-aggregations',
      '--aggregation-type',
      'REPOSITORY',
    ])
    const repos = (
      byRepository.responses as {
        repositoryAggregation: { repository: string; severityCounts: { all: number } }
      }[]
    )
      .map((r) => [r.repositoryAggregation.repository, r.repositoryAggregation.severityCounts.all])
      .sort()
    assert.deepEqual(repos, [
      ['api', 2],
      ['web', 2],
    ])

    await aws(ADMIN, [
      'inspector2',
      'create-filter',
      '--name',
      'accept-semver',
      '--action',
      'SUPPRESS',
      '--reason',
      'accepted risk',
      '--filter-criteria',
      JSON.stringify({ vulnerablePackages: [{ name: { comparison: 'EQUALS', value: 'semver' } }] }),
    ])
    const active = await aws(ADMIN, [
      'inspector2',
      'list-findings',
      '--filter-criteria',
      JSON.stringify({ findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }] }),
    ])
    assert.equal((active.findings as unknown[]).length, 3)

    const coverage = await aws(ADMIN, ['inspector2', 'list-coverage'])
    const covered = coverage.coveredResources as { resourceType: string; accountId: string }[]
    assert.ok(
      covered.some((r) => r.resourceType === 'AWS_ECR_CONTAINER_IMAGE' && r.accountId === MEMBER),
    )
    const usage = await aws(ADMIN, ['inspector2', 'list-usage-totals', '--account-ids', MEMBER])
    assert.equal((usage.totals as { accountId: string }[])[0]?.accountId, MEMBER)

    await server.objectStore.putObject({ bucket: 'i2-reports', key: '.keep' }, '')
    const { reportId } = (await aws(ADMIN, [
      'inspector2',
      'create-findings-report',
      '--report-format',
      'CSV',
      '--s3-destination',
      `bucketName=i2-reports,keyPrefix=weekly,kmsKeyArn=arn:aws:kms:us-east-1:${ADMIN}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`,
    ])) as { reportId: string }
    let report: Record<string, unknown> = {}
    for (let i = 0; i < 100; i++) {
      report = await aws(ADMIN, [
        'inspector2',
        'get-findings-report-status',
        '--report-id',
        reportId,
      ])
      if (report.status !== 'IN_PROGRESS') break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(report.status, 'SUCCEEDED', JSON.stringify(report))
    const csv = await server.objectStore.getObject({
      bucket: 'i2-reports',
      key: `weekly/${reportId}.csv`,
    })
    const lines = Buffer.from(csv ?? [])
      .toString()
      .trim()
      .split('\n')
    assert.equal(lines.length, 1 + 3, 'a header and the three ACTIVE findings')
  },
)
