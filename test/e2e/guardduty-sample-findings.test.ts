/**
 * CreateSampleFindings through the real SDK: without finding types it creates one sample of every catalog
 * type, which ListFindings pages through and GetFindings returns (deserialized by the SDK, and strictly
 * conforming to the model on the wire); chosen types create exactly those; calling again updates the same
 * findings (service.count grows); an unknown type is a BadRequestException that creates nothing; finding
 * criteria on the type and the resource type select the right samples.
 */
import {
  CreateDetectorCommand,
  CreateSampleFindingsCommand,
  GetFindingsCommand,
  ListFindingsCommand,
  type Finding,
  type GuardDutyClient,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  FINDING_CATALOG,
  FINDING_TYPES,
} from '../../src/services/guardduty/domain/sample-findings/finding-catalog.js'
import { wireProblems } from '../../src/services/guardduty/domain/sample-findings/wire-conformance.js'
import { schema } from '../../src/services/guardduty/generated/schema.js'
import { rejection } from '../helpers/rejection.js'
import {
  guardDutyClient,
  rawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

async function detector(account: string): Promise<{ gd: GuardDutyClient; detectorId: string }> {
  const gd = guardDutyClient(server.url, { accessKeyId: account })
  const detectorId = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? ''
  return { gd, detectorId }
}

async function listAll(
  gd: GuardDutyClient,
  detectorId: string,
  criterion?: Record<string, object>,
): Promise<string[]> {
  const ids: string[] = []
  let token: string | undefined
  do {
    const page = await gd.send(
      new ListFindingsCommand({
        DetectorId: detectorId,
        MaxResults: 50,
        NextToken: token,
        ...(criterion ? { FindingCriteria: { Criterion: criterion } } : {}),
      }),
    )
    assert.ok((page.FindingIds ?? []).length <= 50)
    ids.push(...(page.FindingIds ?? []))
    token = page.NextToken
  } while (token)
  return ids
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

async function getAll(gd: GuardDutyClient, detectorId: string, ids: readonly string[]) {
  const found: Finding[] = []
  for (const part of chunks(ids, 50))
    found.push(
      ...((await gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: part })))
        .Findings ?? []),
    )
  return found
}

const byType = (findings: readonly Finding[]) => new Map(findings.map((f) => [f.Type ?? '', f]))

test('without finding types (or with none), one sample of every catalog type is created', async () => {
  const account = '970000000001'
  const { gd, detectorId } = await detector(account)
  const { $metadata, ...output } = await gd.send(
    new CreateSampleFindingsCommand({ DetectorId: detectorId }),
  )
  assert.equal($metadata.httpStatusCode, 200)
  assert.deepEqual(output, {})
  await gd.send(new CreateSampleFindingsCommand({ DetectorId: detectorId, FindingTypes: [] }))
  const ids = await listAll(gd, detectorId)
  assert.equal(ids.length, FINDING_TYPES.length)
  assert.equal(new Set(ids).size, ids.length)
  const findings = await getAll(gd, detectorId, ids)
  assert.equal(findings.length, FINDING_TYPES.length)
  const types = byType(findings)
  assert.deepEqual([...types.keys()].sort(), FINDING_TYPES.map((e) => e.type).sort())
  for (const f of findings) {
    const entry = FINDING_CATALOG.get(f.Type ?? '')
    assert.ok(entry, f.Type)
    assert.equal(f.AccountId, account)
    assert.equal(f.Region, 'us-east-1')
    assert.equal(f.Severity, entry.severity, f.Type)
    assert.equal(f.Resource?.ResourceType, entry.resourceType, f.Type)
    assert.ok(f.Title?.startsWith('[SAMPLE] '), f.Type)
    assert.equal(f.Service?.AdditionalInfo?.Value, '{"sample":true}')
    assert.equal(f.Service?.AdditionalInfo?.Type, 'default')
    assert.equal(f.Service?.Count, 2, f.Type)
    assert.equal(f.Service?.DetectorId, detectorId)
    assert.equal(f.Service?.Archived, false)
    assert.match(f.Arn ?? '', new RegExp(`^arn:aws:guardduty:us-east-1:${account}:detector/`))
  }
  const ssh = types.get('UnauthorizedAccess:EC2/SSHBruteForce')
  assert.equal(ssh?.Service?.Action?.NetworkConnectionAction?.LocalPortDetails?.Port, 22)
  assert.match(ssh?.Resource?.InstanceDetails?.InstanceId ?? '', /^i-0[0-9a-f]{16}$/)
  const s3 = types.get('Exfiltration:S3/MaliciousIPCaller')
  assert.ok(s3?.Resource?.S3BucketDetails?.[0]?.CreatedAt instanceof Date)
  const sequence = types.get('AttackSequence:S3/CompromisedData')
  assert.ok((sequence?.Service?.Detection?.Sequence?.Signals ?? []).length > 1)

  // On the wire, every finding conforms strictly to the model.
  for (const part of chunks(ids, 50)) {
    const res = await rawRequest(server.url, {
      method: 'POST',
      path: `/detector/${detectorId}/findings/get`,
      body: JSON.stringify({ findingIds: part }),
      accessKeyId: account,
    })
    assert.equal(res.status, 200)
    for (const wire of res.json().findings as Record<string, unknown>[]) {
      const long = String(wire.type).length > 50 ? ['/type'] : []
      assert.deepEqual(wireProblems(schema, 'Finding', wire, long), [], String(wire.type))
    }
  }
})

test('chosen types create exactly those; calling again bumps their count', async () => {
  const { gd, detectorId } = await detector('970000000002')
  const chosen = [
    'Recon:EC2/Portscan',
    'Policy:S3/BucketPublicAccessGranted',
    'Execution:Runtime/ReverseShell',
  ]
  await gd.send(new CreateSampleFindingsCommand({ DetectorId: detectorId, FindingTypes: chosen }))
  const ids = await listAll(gd, detectorId)
  assert.equal(ids.length, 3)
  const first = byType(await getAll(gd, detectorId, ids))
  assert.deepEqual([...first.keys()].sort(), [...chosen].sort())
  for (const f of first.values()) assert.equal(f.Service?.Count, 1)

  await gd.send(
    new CreateSampleFindingsCommand({
      DetectorId: detectorId,
      FindingTypes: ['Recon:EC2/Portscan', 'Recon:EC2/Portscan'],
    }),
  )
  const again = await listAll(gd, detectorId)
  assert.deepEqual([...again].sort(), [...ids].sort())
  const second = byType(await getAll(gd, detectorId, again))
  const portscan = second.get('Recon:EC2/Portscan')
  assert.equal(portscan?.Service?.Count, 2)
  assert.equal(portscan?.Id, first.get('Recon:EC2/Portscan')?.Id)
  assert.equal(portscan?.CreatedAt, first.get('Recon:EC2/Portscan')?.CreatedAt)
  assert.equal(second.get('Policy:S3/BucketPublicAccessGranted')?.Service?.Count, 1)
  assert.equal(second.get('Execution:Runtime/ReverseShell')?.Service?.Count, 1)
})

test('an unknown type is a BadRequestException and creates nothing', async () => {
  const { gd, detectorId } = await detector('970000000003')
  const error = await rejection(
    gd.send(
      new CreateSampleFindingsCommand({
        DetectorId: detectorId,
        FindingTypes: ['Recon:EC2/Portscan', 'Bogus:EC2/NotAType'],
      }),
    ),
  )
  assert.equal(error.name, 'BadRequestException')
  assert.equal(error.$metadata.httpStatusCode, 400)
  assert.equal(error.Type, 'InvalidInputException')
  assert.match(error.message, /Bogus:EC2\/NotAType/)
  assert.doesNotMatch(error.message, /Recon:EC2\/Portscan/)
  assert.deepEqual(await listAll(gd, detectorId), [])

  const missing = await rejection(
    gd.send(new CreateSampleFindingsCommand({ DetectorId: 'a'.repeat(32) })),
  )
  assert.equal(missing.name, 'BadRequestException')
  assert.match(missing.message, /not owned by the current account/)
})

test('finding criteria on the type and the resource type select the right samples', async () => {
  const { gd, detectorId } = await detector('970000000004')
  await gd.send(new CreateSampleFindingsCommand({ DetectorId: detectorId }))

  const portscan = await listAll(gd, detectorId, { type: { Eq: ['Recon:EC2/Portscan'] } })
  assert.equal(portscan.length, 1)
  const [found] = await getAll(gd, detectorId, portscan)
  assert.equal(found?.Type, 'Recon:EC2/Portscan')

  for (const resourceType of ['S3Bucket', 'EKSCluster', 'AccessKey', 'AttackSequence']) {
    const ids = await listAll(gd, detectorId, { 'resource.resourceType': { Eq: [resourceType] } })
    const expected = FINDING_TYPES.filter((e) => e.resourceType === resourceType)
    assert.equal(ids.length, expected.length, resourceType)
    const got = await getAll(gd, detectorId, ids)
    assert.deepEqual(
      got.map((f) => f.Type).sort(),
      expected.map((e) => e.type).sort(),
      resourceType,
    )
  }

  const critical = await listAll(gd, detectorId, { severity: { Gte: 9 } })
  assert.equal(critical.length, FINDING_TYPES.filter((e) => e.severity >= 9).length)
})
