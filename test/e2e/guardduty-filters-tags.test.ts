/**
 * GuardDuty filters and tags through the real SDK: CRUD, rank insertion and renumbering, the 100-filter
 * quota, criterion key checking, pagination that neither skips nor repeats, idempotent creates, tags on
 * detectors and filters by ARN, and the errors for malformed, foreign and unknown ARNs.
 */
import {
  CreateDetectorCommand,
  CreateFilterCommand,
  DeleteDetectorCommand,
  DeleteFilterCommand,
  GetFilterCommand,
  ListFiltersCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFilterCommand,
  type GuardDutyClient,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { rejection } from '../helpers/rejection.js'
import { guardDutyClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
let n = 0
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

async function freshDetector(): Promise<{
  gd: GuardDutyClient
  detectorId: string
  account: string
}> {
  n++
  const account = String(400000000000 + n)
  const gd = guardDutyClient(server.url, { accessKeyId: account })
  const { DetectorId } = await gd.send(new CreateDetectorCommand({ Enable: true }))
  return { gd, detectorId: DetectorId ?? '', account }
}

const criteria = { Criterion: { severity: { Gte: 7 }, type: { Eq: ['Recon:EC2/Portscan'] } } }

async function names(gd: GuardDutyClient, detectorId: string): Promise<string[]> {
  return (await gd.send(new ListFiltersCommand({ DetectorId: detectorId }))).FilterNames ?? []
}

test('create, get, update and delete a filter', async () => {
  const { gd, detectorId } = await freshDetector()
  const created = await gd.send(
    new CreateFilterCommand({
      DetectorId: detectorId,
      Name: 'suppress-portscan',
      Description: 'known scanner',
      Action: 'ARCHIVE',
      FindingCriteria: criteria,
      Tags: { owner: 'sec' },
    }),
  )
  assert.equal(created.Name, 'suppress-portscan')
  const got = await gd.send(
    new GetFilterCommand({ DetectorId: detectorId, FilterName: 'suppress-portscan' }),
  )
  assert.equal(got.Action, 'ARCHIVE')
  assert.equal(got.Rank, 1)
  assert.equal(got.Description, 'known scanner')
  assert.deepEqual(got.FindingCriteria, criteria)
  assert.deepEqual(got.Tags, { owner: 'sec' })
  await gd.send(
    new UpdateFilterCommand({
      DetectorId: detectorId,
      FilterName: 'suppress-portscan',
      Action: 'NOOP',
      FindingCriteria: { Criterion: { 'service.archived': { Equals: ['false'] } } },
    }),
  )
  const updated = await gd.send(
    new GetFilterCommand({ DetectorId: detectorId, FilterName: 'suppress-portscan' }),
  )
  assert.equal(updated.Action, 'NOOP')
  assert.equal(updated.Description, 'known scanner')
  assert.deepEqual(Object.keys(updated.FindingCriteria?.Criterion ?? {}), ['service.archived'])
  await gd.send(
    new DeleteFilterCommand({ DetectorId: detectorId, FilterName: 'suppress-portscan' }),
  )
  const gone = await rejection(
    gd.send(new GetFilterCommand({ DetectorId: detectorId, FilterName: 'suppress-portscan' })),
  )
  assert.equal(gone.name, 'BadRequestException')
  assert.match(gone.message, /not found/)
})

test('ranks: insert at a position, move, delete; always 1..n in list order', async () => {
  const { gd, detectorId } = await freshDetector()
  const create = (Name: string, Rank?: number) =>
    gd.send(
      new CreateFilterCommand({
        DetectorId: detectorId,
        Name,
        FindingCriteria: criteria,
        ...(Rank ? { Rank } : {}),
      }),
    )
  await create('aaa')
  await create('bbb')
  await create('ccc', 1)
  await create('ddd', 99)
  assert.deepEqual(await names(gd, detectorId), ['ccc', 'aaa', 'bbb', 'ddd'])
  await gd.send(new UpdateFilterCommand({ DetectorId: detectorId, FilterName: 'ddd', Rank: 2 }))
  assert.deepEqual(await names(gd, detectorId), ['ccc', 'ddd', 'aaa', 'bbb'])
  await gd.send(new DeleteFilterCommand({ DetectorId: detectorId, FilterName: 'ddd' }))
  const ranks = await Promise.all(
    (await names(gd, detectorId)).map(
      async (FilterName) =>
        (await gd.send(new GetFilterCommand({ DetectorId: detectorId, FilterName }))).Rank,
    ),
  )
  assert.deepEqual(ranks, [1, 2, 3])
})

test('names, criteria and duplicates are checked', async () => {
  const { gd, detectorId } = await freshDetector()
  const bad = await rejection(
    gd.send(
      new CreateFilterCommand({
        DetectorId: detectorId,
        Name: 'has space',
        FindingCriteria: criteria,
      }),
    ),
  )
  assert.equal(bad.name, 'BadRequestException')
  const short = await rejection(
    gd.send(
      new CreateFilterCommand({ DetectorId: detectorId, Name: 'ab', FindingCriteria: criteria }),
    ),
  )
  assert.match(short.message, /'\/name'/)
  const key = await rejection(
    gd.send(
      new CreateFilterCommand({
        DetectorId: detectorId,
        Name: 'bad-key',
        FindingCriteria: { Criterion: { 'resource.instanceDetails.nope': { Eq: ['x'] } } },
      }),
    ),
  )
  assert.match(key.message, /'resource\.instanceDetails\.nope'/)
  await gd.send(
    new CreateFilterCommand({ DetectorId: detectorId, Name: 'dup', FindingCriteria: criteria }),
  )
  const dup = await rejection(
    gd.send(
      new CreateFilterCommand({ DetectorId: detectorId, Name: 'dup', FindingCriteria: criteria }),
    ),
  )
  assert.match(dup.message, /already exists/)
  const again = await gd.send(
    new CreateFilterCommand({
      DetectorId: detectorId,
      Name: 'tok',
      FindingCriteria: criteria,
      ClientToken: 't1',
    }),
  )
  const replay = await gd.send(
    new CreateFilterCommand({
      DetectorId: detectorId,
      Name: 'tok',
      FindingCriteria: criteria,
      ClientToken: 't1',
    }),
  )
  assert.equal(replay.Name, again.Name)
})

test('100 filters page through without skips or repeats; the 101st is refused', async () => {
  const { gd, detectorId } = await freshDetector()
  for (let i = 0; i < 100; i++)
    await gd.send(
      new CreateFilterCommand({
        DetectorId: detectorId,
        Name: `f-${String(i).padStart(3, '0')}`,
        FindingCriteria: criteria,
      }),
    )
  const over = await rejection(
    gd.send(
      new CreateFilterCommand({
        DetectorId: detectorId,
        Name: 'one-too-many',
        FindingCriteria: criteria,
      }),
    ),
  )
  assert.match(over.message, /maximum of 100 filters/)
  const seen: string[] = []
  let token: string | undefined
  let pages = 0
  do {
    const page = await gd.send(
      new ListFiltersCommand({ DetectorId: detectorId, MaxResults: 7, NextToken: token }),
    )
    seen.push(...(page.FilterNames ?? []))
    token = page.NextToken
    pages++
  } while (token)
  assert.equal(pages, 15)
  assert.equal(seen.length, 100)
  assert.equal(new Set(seen).size, 100)
  const other = await freshDetector()
  const first = await gd.send(new ListFiltersCommand({ DetectorId: detectorId, MaxResults: 7 }))
  const foreign = await rejection(
    other.gd.send(
      new ListFiltersCommand({ DetectorId: other.detectorId, NextToken: first.NextToken }),
    ),
  )
  assert.equal(foreign.name, 'BadRequestException', 'a token of another query is refused')
})

test('filters of another account are invisible; deleting the detector deletes its filters', async () => {
  const a = await freshDetector()
  const b = await freshDetector()
  await a.gd.send(
    new CreateFilterCommand({ DetectorId: a.detectorId, Name: 'mine', FindingCriteria: criteria }),
  )
  const err = await rejection(
    b.gd.send(new GetFilterCommand({ DetectorId: a.detectorId, FilterName: 'mine' })),
  )
  assert.match(err.message, /not owned by the current account/)
  await a.gd.send(new DeleteDetectorCommand({ DetectorId: a.detectorId }))
  const { DetectorId } = await a.gd.send(new CreateDetectorCommand({ Enable: true }))
  assert.deepEqual(await names(a.gd, DetectorId ?? ''), [])
})

test('tags on detectors and filters by ARN', async () => {
  const { gd, detectorId, account } = await freshDetector()
  const detectorArn = `arn:aws:guardduty:us-east-1:${account}:detector/${detectorId}`
  await gd.send(
    new TagResourceCommand({ ResourceArn: detectorArn, Tags: { env: 'test', team: 'sec' } }),
  )
  await gd.send(new UntagResourceCommand({ ResourceArn: detectorArn, TagKeys: ['team'] }))
  assert.deepEqual(
    (await gd.send(new ListTagsForResourceCommand({ ResourceArn: detectorArn }))).Tags,
    { env: 'test' },
  )
  await gd.send(
    new CreateFilterCommand({
      DetectorId: detectorId,
      Name: 'tagged',
      FindingCriteria: criteria,
      Tags: { a: '1' },
    }),
  )
  const filterArn = `${detectorArn}/filter/tagged`
  await gd.send(new TagResourceCommand({ ResourceArn: filterArn, Tags: { b: '2' } }))
  assert.deepEqual(
    (await gd.send(new ListTagsForResourceCommand({ ResourceArn: filterArn }))).Tags,
    { a: '1', b: '2' },
  )
  assert.deepEqual(
    (await gd.send(new GetFilterCommand({ DetectorId: detectorId, FilterName: 'tagged' }))).Tags,
    { a: '1', b: '2' },
  )
  const reserved = await rejection(
    gd.send(new TagResourceCommand({ ResourceArn: detectorArn, Tags: { 'aws:x': '1' } })),
  )
  assert.equal(reserved.name, 'BadRequestException')
  const foreign = await rejection(
    gd.send(
      new ListTagsForResourceCommand({ ResourceArn: detectorArn.replace(account, '999999999999') }),
    ),
  )
  assert.equal(foreign.name, 'AccessDeniedException')
  assert.equal(foreign.$metadata.httpStatusCode, 403)
  const missing = await rejection(
    gd.send(new ListTagsForResourceCommand({ ResourceArn: `${detectorArn}/filter/nothing-here` })),
  )
  assert.equal(missing.name, 'BadRequestException')
  const malformed = await rejection(
    gd.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:s3:::bucket' })),
  )
  assert.equal(malformed.name, 'BadRequestException')
})
