/**
 * The sequence an infrastructure-as-code run performs, through the JS SDK: detector with features →
 * organization admin → organization configuration → publishing destination → filter → IP set → threat
 * intel set → tags → read everything back → delete in reverse. Every read must match what was written.
 */
import {
  CreateDetectorCommand,
  CreateFilterCommand,
  CreateIPSetCommand,
  CreatePublishingDestinationCommand,
  CreateThreatIntelSetCommand,
  DeleteDetectorCommand,
  DeleteFilterCommand,
  DeleteIPSetCommand,
  DeletePublishingDestinationCommand,
  DeleteThreatIntelSetCommand,
  DescribeOrganizationConfigurationCommand,
  DescribePublishingDestinationCommand,
  DisableOrganizationAdminAccountCommand,
  EnableOrganizationAdminAccountCommand,
  GetDetectorCommand,
  GetFilterCommand,
  GetIPSetCommand,
  GetThreatIntelSetCommand,
  ListDetectorsCommand,
  ListOrganizationAdminAccountsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateOrganizationConfigurationCommand,
} from '@aws-sdk/client-guardduty'
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

test('a Terraform-shaped sequence reads back what it wrote and deletes in reverse', async () => {
  const management = guardDutyClient(server.url)
  const adminAccount = '900000000001'
  const gd = guardDutyClient(server.url, { accessKeyId: adminAccount })
  await server.objectStore.putObject({ bucket: 'sec-lists', key: 'trusted.txt' }, '45.33.32.156\n')
  await server.objectStore.putObject(
    { bucket: 'sec-lists', key: 'threats.txt' },
    '185.220.101.4\n5.188.10.0/24\n',
  )
  await server.objectStore.putObject({ bucket: 'sec-findings', key: '.keep' }, '')

  const { DetectorId } = await gd.send(
    new CreateDetectorCommand({
      Enable: true,
      FindingPublishingFrequency: 'FIFTEEN_MINUTES',
      Features: [
        { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        {
          Name: 'RUNTIME_MONITORING',
          Status: 'ENABLED',
          AdditionalConfiguration: [{ Name: 'EC2_AGENT_MANAGEMENT', Status: 'ENABLED' }],
        },
      ],
      Tags: { managed_by: 'terraform' },
    }),
  )
  await management.send(new EnableOrganizationAdminAccountCommand({ AdminAccountId: adminAccount }))
  await gd.send(
    new UpdateOrganizationConfigurationCommand({
      DetectorId,
      AutoEnableOrganizationMembers: 'NEW',
      Features: [{ Name: 'S3_DATA_EVENTS', AutoEnable: 'NEW' }],
    }),
  )
  const { DestinationId } = await gd.send(
    new CreatePublishingDestinationCommand({
      DetectorId,
      DestinationType: 'S3',
      DestinationProperties: {
        DestinationArn: 'arn:aws:s3:::sec-findings',
        KmsKeyArn: 'arn:aws:kms:us-east-1:900000000001:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      },
    }),
  )
  const criteria = { Criterion: { severity: { Gte: 4 }, 'service.archived': { Eq: ['false'] } } }
  await gd.send(
    new CreateFilterCommand({
      DetectorId,
      Name: 'ignore-lab',
      Action: 'ARCHIVE',
      Rank: 1,
      FindingCriteria: criteria,
    }),
  )
  const { IpSetId } = await gd.send(
    new CreateIPSetCommand({
      DetectorId,
      Name: 'trusted',
      Format: 'TXT',
      Location: 's3://sec-lists/trusted.txt',
      Activate: true,
    }),
  )
  const { ThreatIntelSetId } = await gd.send(
    new CreateThreatIntelSetCommand({
      DetectorId,
      Name: 'threats',
      Format: 'TXT',
      Location: 'https://s3.amazonaws.com/sec-lists/threats.txt',
      Activate: true,
    }),
  )
  const detectorArn = `arn:aws:guardduty:us-east-1:${adminAccount}:detector/${DetectorId ?? ''}`
  await gd.send(new TagResourceCommand({ ResourceArn: detectorArn, Tags: { env: 'prod' } }))
  await gd.send(
    new TagResourceCommand({
      ResourceArn: `${detectorArn}/ipset/${IpSetId ?? ''}`,
      Tags: { list: 'trusted' },
    }),
  )

  // Read everything back.
  const detector = await gd.send(new GetDetectorCommand({ DetectorId }))
  assert.equal(detector.FindingPublishingFrequency, 'FIFTEEN_MINUTES')
  assert.deepEqual(
    detector.Features?.slice(3, 5).map((f) => [f.Name, f.Status]),
    [
      ['S3_DATA_EVENTS', 'ENABLED'],
      ['RUNTIME_MONITORING', 'ENABLED'],
    ],
  )
  assert.deepEqual(detector.Tags, { managed_by: 'terraform', env: 'prod' })
  assert.deepEqual(
    (await management.send(new ListOrganizationAdminAccountsCommand({}))).AdminAccounts,
    [{ AdminAccountId: adminAccount, AdminStatus: 'ENABLED' }],
  )
  const org = await gd.send(new DescribeOrganizationConfigurationCommand({ DetectorId }))
  assert.equal(org.AutoEnableOrganizationMembers, 'NEW')
  assert.equal(org.Features?.find((f) => f.Name === 'S3_DATA_EVENTS')?.AutoEnable, 'NEW')
  assert.equal(org.DataSources?.S3Logs?.AutoEnable, true)
  const destination = await gd.send(
    new DescribePublishingDestinationCommand({ DetectorId, DestinationId }),
  )
  assert.equal(destination.Status, 'PUBLISHING')
  assert.equal(destination.DestinationProperties?.DestinationArn, 'arn:aws:s3:::sec-findings')
  const filter = await gd.send(new GetFilterCommand({ DetectorId, FilterName: 'ignore-lab' }))
  assert.deepEqual([filter.Action, filter.Rank, filter.FindingCriteria], ['ARCHIVE', 1, criteria])
  const ipset = await gd.send(new GetIPSetCommand({ DetectorId, IpSetId }))
  assert.deepEqual(
    [ipset.Name, ipset.Format, ipset.Location, ipset.Status],
    ['trusted', 'TXT', 's3://sec-lists/trusted.txt', 'ACTIVE'],
  )
  assert.deepEqual(ipset.Tags, { list: 'trusted' })
  const intel = await gd.send(new GetThreatIntelSetCommand({ DetectorId, ThreatIntelSetId }))
  assert.equal(intel.Status, 'ACTIVE')
  assert.equal(intel.Location, 'https://s3.amazonaws.com/sec-lists/threats.txt')
  assert.deepEqual(
    (await gd.send(new ListTagsForResourceCommand({ ResourceArn: detectorArn }))).Tags,
    {
      managed_by: 'terraform',
      env: 'prod',
    },
  )
  const matcher = await server.threatLists.matcher({ accountId: adminAccount, region: 'us-east-1' })
  assert.deepEqual(
    matcher.matchIp('5.188.10.20').map((m) => m.name),
    ['threats'],
  )

  // Delete in reverse.
  await gd.send(new DeleteThreatIntelSetCommand({ DetectorId, ThreatIntelSetId }))
  await gd.send(new DeleteIPSetCommand({ DetectorId, IpSetId }))
  await gd.send(new DeleteFilterCommand({ DetectorId, FilterName: 'ignore-lab' }))
  await gd.send(new DeletePublishingDestinationCommand({ DetectorId, DestinationId }))
  await management.send(
    new DisableOrganizationAdminAccountCommand({ AdminAccountId: adminAccount }),
  )
  await gd.send(new DeleteDetectorCommand({ DetectorId }))
  assert.deepEqual((await gd.send(new ListDetectorsCommand({}))).DetectorIds, [])
  assert.deepEqual(
    (await management.send(new ListOrganizationAdminAccountsCommand({}))).AdminAccounts,
    [],
  )
})
