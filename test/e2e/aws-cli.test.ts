/**
 * The AWS CLI as a client, when one is installed: `create-detector` returns a DetectorId, `inspector2
 * enable` returns account state, a wrong secret is refused. Skipped (with the reason) when no `aws`
 * command is on the PATH, since the CLI is not an npm package.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startTestServer, type TestServer } from '../helpers/vigil-server.js'

const hasCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0
const skip = hasCli ? false : 'no aws command on the PATH'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

const home = mkdtempSync(join(tmpdir(), 'vigil-cli-home-'))

function aws(
  args: string[],
  secret = 'test',
  accessKeyId = 'test',
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('aws', [...args, '--endpoint-url', server.url, '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secret,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
      },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

test('aws guardduty create-detector / get-detector / list-detectors', { skip }, async () => {
  const created = await aws(['guardduty', 'create-detector', '--enable'])
  assert.equal(created.status, 0, created.stderr)
  const id = (JSON.parse(created.stdout) as { DetectorId: string }).DetectorId
  assert.match(id, /^[0-9a-f]{32}$/)
  const got = await aws(['guardduty', 'get-detector', '--detector-id', id])
  assert.equal(got.status, 0, got.stderr)
  assert.equal((JSON.parse(got.stdout) as { Status: string }).Status, 'ENABLED')
  const listed = await aws(['guardduty', 'list-detectors'])
  assert.deepEqual((JSON.parse(listed.stdout) as { DetectorIds: string[] }).DetectorIds, [id])
  const again = await aws(['guardduty', 'create-detector', '--enable'])
  assert.notEqual(again.status, 0)
  assert.match(again.stderr, /BadRequestException.*detector already exists/)
})

test('aws inspector2 enable / batch-get-account-status', { skip }, async () => {
  const enabled = await aws(['inspector2', 'enable', '--resource-types', 'ECR'])
  assert.equal(enabled.status, 0, enabled.stderr)
  const out = JSON.parse(enabled.stdout) as {
    accounts: { accountId: string; resourceStatus: { ecr: string } }[]
  }
  assert.equal(out.accounts[0]?.accountId, '123456789012')
  assert.equal(out.accounts[0]?.resourceStatus.ecr, 'ENABLING')
  const status = await aws(['inspector2', 'batch-get-account-status'])
  assert.equal(status.status, 0, status.stderr)
  assert.match(status.stdout, /"ENABLED"/)
})

test('a wrong secret is refused, and an unimplemented operation says so', { skip }, async () => {
  const wrong = await aws(['guardduty', 'list-detectors'], 'not-the-secret')
  assert.notEqual(wrong.status, 0)
  assert.match(wrong.stderr, /InvalidSignatureException/)
  const missing = await aws([
    'inspector2',
    'search-vulnerabilities',
    '--filter-criteria',
    'vulnerabilityIds=CVE-2021-44228',
  ])
  assert.notEqual(missing.status, 0)
  assert.match(missing.stderr, /NotImplementedException.*SearchVulnerabilities/)
})

test('a Terraform-shaped sequence through the AWS CLI', { skip }, async () => {
  await server.objectStore.putObject({ bucket: 'cli-lists', key: 'trusted.txt' }, '45.33.32.156\n')
  await server.objectStore.putObject({ bucket: 'cli-findings', key: '.keep' }, '')
  const json = async (args: string[]) => {
    const r = await aws(args)
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`)
    return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as Record<string, unknown>
  }
  // A second account acts as the delegated administrator; the default account manages the organization.
  const admin = async (args: string[]) => {
    const r = await aws(args, 'test', '910000000001')
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`)
    return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as Record<string, unknown>
  }
  const { DetectorId } = (await admin([
    'guardduty',
    'create-detector',
    '--enable',
    '--finding-publishing-frequency',
    'ONE_HOUR',
    '--features',
    'Name=S3_DATA_EVENTS,Status=ENABLED',
    '--tags',
    'managed_by=terraform',
  ])) as { DetectorId: string }
  await json([
    'guardduty',
    'enable-organization-admin-account',
    '--admin-account-id',
    '910000000001',
  ])
  await admin([
    'guardduty',
    'update-organization-configuration',
    '--detector-id',
    DetectorId,
    '--auto-enable-organization-members',
    'NEW',
  ])
  const { DestinationId } = (await admin([
    'guardduty',
    'create-publishing-destination',
    '--detector-id',
    DetectorId,
    '--destination-type',
    'S3',
    '--destination-properties',
    'DestinationArn=arn:aws:s3:::cli-findings,KmsKeyArn=arn:aws:kms:us-east-1:910000000001:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  ])) as { DestinationId: string }
  await admin([
    'guardduty',
    'create-filter',
    '--detector-id',
    DetectorId,
    '--name',
    'low-sev',
    '--action',
    'ARCHIVE',
    '--rank',
    '1',
    '--finding-criteria',
    JSON.stringify({ Criterion: { severity: { Lt: 4 } } }),
  ])
  const { IpSetId } = (await admin([
    'guardduty',
    'create-ip-set',
    '--detector-id',
    DetectorId,
    '--name',
    'trusted',
    '--format',
    'TXT',
    '--location',
    's3://cli-lists/trusted.txt',
    '--activate',
  ])) as { IpSetId: string }
  await admin([
    'guardduty',
    'tag-resource',
    '--resource-arn',
    `arn:aws:guardduty:us-east-1:910000000001:detector/${DetectorId}`,
    '--tags',
    'env=prod',
  ])

  const detector = await admin(['guardduty', 'get-detector', '--detector-id', DetectorId])
  assert.equal(detector.FindingPublishingFrequency, 'ONE_HOUR')
  assert.deepEqual(detector.Tags, { managed_by: 'terraform', env: 'prod' })
  const org = await admin([
    'guardduty',
    'describe-organization-configuration',
    '--detector-id',
    DetectorId,
  ])
  assert.equal(org.AutoEnableOrganizationMembers, 'NEW')
  const destination = await admin([
    'guardduty',
    'describe-publishing-destination',
    '--detector-id',
    DetectorId,
    '--destination-id',
    DestinationId,
  ])
  assert.equal(destination.Status, 'PUBLISHING')
  const filter = await admin([
    'guardduty',
    'get-filter',
    '--detector-id',
    DetectorId,
    '--filter-name',
    'low-sev',
  ])
  assert.deepEqual(filter.FindingCriteria, { Criterion: { severity: { Lt: 4 } } })
  const ipset = await admin([
    'guardduty',
    'get-ip-set',
    '--detector-id',
    DetectorId,
    '--ip-set-id',
    IpSetId,
  ])
  assert.equal(ipset.Status, 'ACTIVE')

  await admin(['guardduty', 'delete-ip-set', '--detector-id', DetectorId, '--ip-set-id', IpSetId])
  await admin([
    'guardduty',
    'delete-filter',
    '--detector-id',
    DetectorId,
    '--filter-name',
    'low-sev',
  ])
  await admin([
    'guardduty',
    'delete-publishing-destination',
    '--detector-id',
    DetectorId,
    '--destination-id',
    DestinationId,
  ])
  await json([
    'guardduty',
    'disable-organization-admin-account',
    '--admin-account-id',
    '910000000001',
  ])
  await admin(['guardduty', 'delete-detector', '--detector-id', DetectorId])
  assert.deepEqual((await admin(['guardduty', 'list-detectors'])).DetectorIds, [])
})

test(
  'sample findings of every type: criteria file, pages, archive, statistics, administrator view',
  { skip },
  async () => {
    const as = (account: string) => async (args: string[]) => {
      const r = await aws(args, 'test', account)
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`)
      return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as Record<string, unknown>
    }
    const admin = as('920000000001')
    const member = as('920000000002')
    const adminDetector = (await admin(['guardduty', 'create-detector', '--enable']))
      .DetectorId as string
    const memberDetector = (await member(['guardduty', 'create-detector', '--enable']))
      .DetectorId as string
    await admin([
      'guardduty',
      'create-members',
      '--detector-id',
      adminDetector,
      '--account-details',
      'AccountId=920000000002,Email=member@example.com',
    ])
    await admin([
      'guardduty',
      'invite-members',
      '--detector-id',
      adminDetector,
      '--account-ids',
      '920000000002',
    ])
    const invitations = (await member(['guardduty', 'list-invitations'])).Invitations as {
      InvitationId: string
    }[]
    await member([
      'guardduty',
      'accept-administrator-invitation',
      '--detector-id',
      memberDetector,
      '--administrator-id',
      '920000000001',
      '--invitation-id',
      invitations[0]?.InvitationId ?? '',
    ])
    await member(['guardduty', 'create-sample-findings', '--detector-id', memberDetector])

    // Page through everything, 50 at a time, with explicit tokens.
    const pages = async (
      run: (args: string[]) => Promise<Record<string, unknown>>,
      detectorId: string,
      extra: string[] = [],
    ) => {
      const ids: string[] = []
      let token: string | undefined
      do {
        const page = await run([
          'guardduty',
          'list-findings',
          '--detector-id',
          detectorId,
          '--max-results',
          '50',
          '--no-paginate',
          ...extra,
          ...(token ? ['--next-token', token] : []),
        ])
        ids.push(...(page.FindingIds as string[]))
        token = page.NextToken as string | undefined
      } while (token)
      return ids
    }
    const all = await pages(member, memberDetector)
    assert.equal(new Set(all).size, all.length, 'no repeats across pages')
    assert.ok(all.length >= 200, `one sample per catalog type (${all.length})`)

    // A criteria file with several operators.
    const criteriaFile = join(home, 'criteria.json')
    writeFileSync(
      criteriaFile,
      JSON.stringify({
        Criterion: {
          severity: { GreaterThanOrEqual: 7 },
          'resource.resourceType': { Equals: ['Instance'] },
          type: { NotEquals: ['Recon:EC2/Portscan'] },
          updatedAt: { GreaterThan: 0 },
        },
      }),
    )
    const high = await pages(member, memberDetector, [
      '--finding-criteria',
      `file://${criteriaFile}`,
    ])
    assert.ok(high.length > 0 && high.length < all.length, `${high.length} of ${all.length}`)
    const details = (
      await member([
        'guardduty',
        'get-findings',
        '--detector-id',
        memberDetector,
        '--finding-ids',
        ...high.slice(0, 50),
      ])
    ).Findings as {
      Severity: number
      Type: string
      Resource: { ResourceType: string }
      Title: string
    }[]
    for (const f of details) {
      assert.ok(
        f.Severity >= 7 &&
          f.Resource.ResourceType === 'Instance' &&
          f.Type !== 'Recon:EC2/Portscan',
      )
      assert.match(f.Title, /^\[SAMPLE\]/)
    }

    // The administrator sees the member's findings, archives some; the statistics follow.
    const current = async () =>
      (
        (
          await admin([
            'guardduty',
            'get-findings-statistics',
            '--detector-id',
            adminDetector,
            '--finding-statistic-types',
            'COUNT_BY_SEVERITY',
            '--finding-criteria',
            '{"Criterion":{"service.archived":{"Eq":["false"]},"accountId":{"Eq":["920000000002"]}}}',
          ])
        ).FindingStatistics as { CountBySeverity: Record<string, number> }
      ).CountBySeverity
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)
    const before = await current()
    assert.equal(sum(before), all.length)
    const fromAdmin = await pages(admin, adminDetector, [
      '--finding-criteria',
      '{"Criterion":{"accountId":{"Eq":["920000000002"]}}}',
    ])
    assert.deepEqual([...fromAdmin].sort(), [...all].sort())
    await admin([
      'guardduty',
      'archive-findings',
      '--detector-id',
      adminDetector,
      '--finding-ids',
      ...high.slice(0, 5),
    ])
    const after = await current()
    assert.equal(sum(after), all.length - 5)
    const refused = await aws(
      [
        'guardduty',
        'archive-findings',
        '--detector-id',
        memberDetector,
        '--finding-ids',
        all[0] ?? '',
      ],
      'test',
      '920000000002',
    )
    assert.notEqual(refused.status, 0, 'a member cannot archive')
  },
)
