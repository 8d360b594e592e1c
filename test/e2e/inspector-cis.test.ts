/**
 * Inspector CIS scans through the real SDK: scan configurations (create, update, delete, list with
 * filters, sorting and pages, tags), the scans they start — a one-time schedule at once, recurring ones
 * at each due time of the injectable clock, all finished without a target — the empty but well-formed
 * reports, result details and aggregations, and the SSM plugin's session calls.
 */
import {
  CreateCisScanConfigurationCommand,
  DeleteCisScanConfigurationCommand,
  EnableDelegatedAdminAccountCommand,
  GetCisScanReportCommand,
  GetCisScanResultDetailsCommand,
  ListCisScanConfigurationsCommand,
  ListCisScanResultsAggregatedByChecksCommand,
  ListCisScanResultsAggregatedByTargetResourceCommand,
  ListCisScansCommand,
  ListTagsForResourceCommand,
  SendCisSessionHealthCommand,
  SendCisSessionTelemetryCommand,
  StartCisSessionCommand,
  StopCisSessionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateCisScanConfigurationCommand,
  type CreateCisScanConfigurationCommandInput,
  type ListCisScanConfigurationsCommandInput,
  type Inspector2Client,
  type Schedule,
} from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { ManualClock } from '../../src/core/clock.js'
import { rejection } from '../helpers/rejection.js'
import { inspectorClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

/** Monday 2026-06-01 00:00 UTC. */
const START_MS = Date.UTC(2026, 5, 1)
const HOUR_MS = 60 * 60 * 1000
const DAY_MS = 24 * HOUR_MS
const clock = new ManualClock(START_MS)
const ORG = { id: 'o-cistest0001', management: '741000000000', admin: '741000000001' }

let server: TestServer
before(async () => {
  server = await startTestServer(
    {
      organizations: [
        {
          id: ORG.id,
          managementAccountId: ORG.management,
          accounts: [ORG.admin, '741000000002'],
        },
      ],
    },
    clock,
  )
})
after(async () => {
  await server.close()
})

/** A client of `accountId` that signs with the server's manual clock. */
function as(accountId: string, region = 'us-east-1'): Inspector2Client {
  const client = inspectorClient(server.url, { accessKeyId: accountId, region })
  client.middlewareStack.add(
    (next) => (args) => {
      client.config.systemClockOffset = clock.now() - Date.now()
      return next(args)
    },
    { step: 'initialize' },
  )
  return client
}

let n = 0
/** A client of an account no other test uses. */
function fresh(region = 'us-east-1'): { id: string; client: Inspector2Client } {
  n++
  const id = String(740000000000 + n)
  return { id, client: as(id, region) }
}

const daily = (timeOfDay: string, timezone = 'UTC'): Schedule => ({
  daily: { startTime: { timeOfDay, timezone } },
})

function config(
  overrides: Partial<CreateCisScanConfigurationCommandInput> = {},
): CreateCisScanConfigurationCommandInput {
  return {
    scanName: 'nightly',
    securityLevel: 'LEVEL_1',
    schedule: { oneTime: {} },
    targets: { accountIds: ['SELF'], targetResourceTags: { env: ['prod'] } },
    ...overrides,
  }
}

async function create(
  client: Inspector2Client,
  overrides: Partial<CreateCisScanConfigurationCommandInput> = {},
): Promise<string> {
  const out = await client.send(new CreateCisScanConfigurationCommand(config(overrides)))
  assert.ok(out.scanConfigurationArn)
  return out.scanConfigurationArn
}

test('a configuration is created, listed with its tags, updated and deleted', async () => {
  const { id, client } = fresh()
  const arn = await create(client, { schedule: daily('02:30'), tags: { team: 'blue' } })
  assert.match(
    arn,
    new RegExp(
      `^arn:aws:inspector2:us-east-1:${id}:owner/${id}/cis-configuration/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
    ),
  )
  const listed = await client.send(new ListCisScanConfigurationsCommand({}))
  assert.deepEqual(listed.scanConfigurations, [
    {
      scanConfigurationArn: arn,
      ownerId: id,
      scanName: 'nightly',
      securityLevel: 'LEVEL_1',
      schedule: daily('02:30'),
      targets: { accountIds: [id], targetResourceTags: { env: ['prod'] } },
      tags: { team: 'blue' },
    },
  ])
  assert.equal(listed.nextToken, undefined)

  const updated = await client.send(
    new UpdateCisScanConfigurationCommand({
      scanConfigurationArn: arn,
      scanName: 'weekly',
      securityLevel: 'LEVEL_2',
      schedule: { weekly: { startTime: { timeOfDay: '23:00', timezone: 'UTC' }, days: ['SAT'] } },
      targets: { targetResourceTags: { env: ['dev', 'test'] } },
    }),
  )
  assert.equal(updated.scanConfigurationArn, arn)
  const [after] =
    (await client.send(new ListCisScanConfigurationsCommand({}))).scanConfigurations ?? []
  assert.equal(after?.scanName, 'weekly')
  assert.equal(after?.securityLevel, 'LEVEL_2')
  assert.deepEqual(after?.schedule, {
    weekly: { startTime: { timeOfDay: '23:00', timezone: 'UTC' }, days: ['SAT'] },
  })
  assert.deepEqual(after?.targets, {
    accountIds: [id],
    targetResourceTags: { env: ['dev', 'test'] },
  })

  // Tags go through the tag operations too.
  await client.send(new TagResourceCommand({ resourceArn: arn, tags: { cost: '42' } }))
  await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team'] }))
  assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, {
    cost: '42',
  })
  const [tagged] =
    (await client.send(new ListCisScanConfigurationsCommand({}))).scanConfigurations ?? []
  assert.deepEqual(tagged?.tags, { cost: '42' })

  const deleted = await client.send(
    new DeleteCisScanConfigurationCommand({ scanConfigurationArn: arn }),
  )
  assert.equal(deleted.scanConfigurationArn, arn)
  assert.deepEqual(
    (await client.send(new ListCisScanConfigurationsCommand({}))).scanConfigurations,
    [],
  )
  const gone = await rejection(client.send(new ListTagsForResourceCommand({ resourceArn: arn })))
  assert.equal(gone.name, 'ResourceNotFoundException')
  const again = await rejection(
    client.send(new DeleteCisScanConfigurationCommand({ scanConfigurationArn: arn })),
  )
  assert.equal(again.name, 'ResourceNotFoundException')
  assert.equal(again.$metadata.httpStatusCode, 404)
})

test('unknown, foreign and malformed configurations and bad input are refused', async () => {
  const { id, client } = fresh()
  const other = fresh()
  const theirs = await create(other.client)
  const unknown = `arn:aws:inspector2:us-east-1:${id}:owner/${id}/cis-configuration/${randomUUID()}`
  for (const command of [
    new UpdateCisScanConfigurationCommand({ scanConfigurationArn: unknown, scanName: 'x' }),
    new DeleteCisScanConfigurationCommand({ scanConfigurationArn: unknown }),
  ]) {
    const e = await rejection(client.send(command))
    assert.equal(e.name, 'ResourceNotFoundException', command.constructor.name)
  }
  for (const command of [
    new UpdateCisScanConfigurationCommand({ scanConfigurationArn: theirs, scanName: 'x' }),
    new DeleteCisScanConfigurationCommand({ scanConfigurationArn: theirs }),
    new TagResourceCommand({ resourceArn: theirs, tags: { a: 'b' } }),
  ]) {
    const e = await rejection(client.send(command as DeleteCisScanConfigurationCommand))
    assert.equal(e.name, 'AccessDeniedException', command.constructor.name)
    assert.equal(e.$metadata.httpStatusCode, 403)
  }
  // The owner still has it, unchanged.
  const [kept] =
    (await other.client.send(new ListCisScanConfigurationsCommand({}))).scanConfigurations ?? []
  assert.equal(kept?.scanName, 'nightly')
  // The same ARN asked for in another region does not exist there.
  const west = as(other.id, 'us-west-2')
  const elsewhere = await rejection(
    west.send(new DeleteCisScanConfigurationCommand({ scanConfigurationArn: theirs })),
  )
  assert.equal(elsewhere.name, 'ResourceNotFoundException')

  const malformed = await rejection(
    client.send(
      new DeleteCisScanConfigurationCommand({
        scanConfigurationArn: `arn:aws:inspector2:us-east-1:${id}:owner/${id}/filter/abc`,
      }),
    ),
  )
  assert.equal(malformed.name, 'ValidationException')
  assert.equal(malformed.fields?.[0]?.name, 'scanConfigurationArn')

  const timezone = await rejection(
    client.send(
      new CreateCisScanConfigurationCommand(config({ schedule: daily('10:00', 'Mars/Base') })),
    ),
  )
  assert.equal(timezone.name, 'ValidationException')
  assert.equal(timezone.fields?.[0]?.name, 'schedule.daily.startTime.timezone')
  const time = await rejection(
    client.send(new CreateCisScanConfigurationCommand(config({ schedule: daily('24:00') }))),
  )
  assert.equal(time.name, 'ValidationException')
  assert.equal(time.fields?.[0]?.name, 'schedule.daily.startTime.timeOfDay')
  const noName = await rejection(
    client.send(new CreateCisScanConfigurationCommand(config({ scanName: '' }))),
  )
  assert.equal(noName.name, 'ValidationException')
  const tooManyTags = await rejection(
    client.send(
      new CreateCisScanConfigurationCommand(
        config({ tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }),
      ),
    ),
  )
  assert.equal(tooManyTags.name, 'ValidationException')

  // Other accounts are the delegated administrator's to target.
  const foreignTargets = await rejection(
    client.send(
      new CreateCisScanConfigurationCommand(
        config({ targets: { accountIds: ['ALL_ACCOUNTS'], targetResourceTags: { a: ['b'] } } }),
      ),
    ),
  )
  assert.equal(foreignTargets.name, 'AccessDeniedException')
  assert.deepEqual(
    (await client.send(new ListCisScanConfigurationsCommand({}))).scanConfigurations,
    [],
  )

  await as(ORG.management).send(
    new EnableDelegatedAdminAccountCommand({ delegatedAdminAccountId: ORG.admin }),
  )
  const admin = as(ORG.admin)
  const orgWide = await create(admin, {
    targets: { accountIds: ['ALL_ACCOUNTS'], targetResourceTags: { a: ['b'] } },
  })
  assert.ok(orgWide.includes(`:owner/${ORG.admin}/cis-configuration/`))
})

test('a one-time configuration starts a scan at once; it completes without a target', async () => {
  const { id, client } = fresh()
  const at = clock.now()
  const arn = await create(client, { scanName: 'once', securityLevel: 'LEVEL_2' })
  const { scans, nextToken } = await client.send(new ListCisScansCommand({}))
  assert.equal(nextToken, undefined)
  assert.equal(scans?.length, 1)
  const scan = scans?.[0]
  assert.match(
    scan?.scanArn ?? '',
    new RegExp(`^arn:aws:inspector2:us-east-1:${id}:owner/${id}/cis-scan/[0-9a-f-]{36}$`),
  )
  assert.equal(scan?.scanConfigurationArn, arn)
  assert.equal(scan?.status, 'COMPLETED')
  assert.equal(scan?.scanName, 'once')
  assert.equal(scan?.scanDate?.getTime(), at)
  assert.equal(scan?.failedChecks, 0)
  assert.equal(scan?.totalChecks, 0)
  assert.equal(scan?.scheduledBy, id)
  assert.equal(scan?.securityLevel, 'LEVEL_2')
  assert.deepEqual(scan?.targets, { accountIds: [id], targetResourceTags: { env: ['prod'] } })

  // Renaming it does not run it again; deleting it keeps its scan.
  await client.send(
    new UpdateCisScanConfigurationCommand({ scanConfigurationArn: arn, scanName: 'renamed' }),
  )
  await client.send(new DeleteCisScanConfigurationCommand({ scanConfigurationArn: arn }))
  const kept = (await client.send(new ListCisScansCommand({}))).scans ?? []
  assert.deepEqual(
    kept.map((s) => [s.scanArn, s.scanName]),
    [[scan?.scanArn, 'once']],
  )
  // Other accounts see none of it.
  assert.deepEqual((await fresh().client.send(new ListCisScansCommand({}))).scans, [])
})

test('recurring configurations start a scan at each due time of the clock', async () => {
  const { client } = fresh()
  const base = clock.now()
  const midnight = base - (base % DAY_MS)
  const arn = await create(client, { scanName: 'daily', schedule: daily('06:00') })
  assert.deepEqual((await client.send(new ListCisScansCommand({}))).scans, [])

  clock.set(midnight + 2 * DAY_MS + 7 * HOUR_MS)
  const first = (await client.send(new ListCisScansCommand({}))).scans ?? []
  const expected = [0, 1, 2].map((d) => midnight + d * DAY_MS + 6 * HOUR_MS).filter((t) => t > base)
  assert.deepEqual(
    first.map((s) => s.scanDate?.getTime()),
    expected,
  )
  assert.ok(first.every((s) => s.status === 'COMPLETED' && s.scanConfigurationArn === arn))
  // Listing again starts nothing new.
  const again = (await client.send(new ListCisScansCommand({}))).scans ?? []
  assert.deepEqual(
    again.map((s) => s.scanArn),
    first.map((s) => s.scanArn),
  )

  // A new schedule applies from the update on; due times passed under the old one were started.
  clock.set(midnight + 3 * DAY_MS + 8 * HOUR_MS)
  await client.send(
    new UpdateCisScanConfigurationCommand({
      scanConfigurationArn: arn,
      schedule: { monthly: { startTime: { timeOfDay: '09:00', timezone: 'UTC' }, day: 'MON' } },
    }),
  )
  clock.set(midnight + 40 * DAY_MS)
  const later = (await client.send(new ListCisScansCommand({}))).scans ?? []
  const dates = later.map((s) => s.scanDate?.toISOString())
  assert.equal(later.length, expected.length + 2, dates.join(' '))
  assert.equal(dates.at(-2), new Date(midnight + 3 * DAY_MS + 6 * HOUR_MS).toISOString())
  // The first Monday after the update, in the month after it.
  const monday = new Date(dates.at(-1) ?? '')
  assert.equal(monday.getUTCDay(), 1)
  assert.ok(monday.getUTCDate() <= 7)
  assert.equal(monday.getUTCHours(), 9)

  // Deleting the configuration stops its schedule.
  await client.send(new DeleteCisScanConfigurationCommand({ scanConfigurationArn: arn }))
  clock.set(midnight + 120 * DAY_MS)
  assert.equal((await client.send(new ListCisScansCommand({}))).scans?.length, later.length)
  clock.set(START_MS)
})

test('ListCisScanConfigurations filters, sorts and pages', async () => {
  const { id, client } = fresh()
  const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo']
  const arns: Record<string, string> = {}
  for (const [i, name] of names.entries())
    arns[name] = await create(client, {
      scanName: name,
      schedule: daily('01:00'),
      targets: { accountIds: ['SELF'], targetResourceTags: { tier: [i % 2 === 0 ? 'web' : 'db'] } },
    })
  const list = async (input: ListCisScanConfigurationsCommandInput) =>
    client.send(new ListCisScanConfigurationsCommand(input))

  const byName = (await list({})).scanConfigurations?.map((c) => c.scanName)
  assert.deepEqual(byName, ['alpha', 'bravo', 'charlie', 'delta', 'echo'])

  const pages: string[][] = []
  let nextToken: string | undefined
  do {
    const page = await list({ sortOrder: 'DESC', maxResults: 2, nextToken })
    pages.push(page.scanConfigurations?.map((c) => c.scanName ?? '') ?? [])
    nextToken = page.nextToken
  } while (nextToken)
  assert.deepEqual(pages, [['echo', 'delta'], ['charlie', 'bravo'], ['alpha']])

  const byArn = (await list({ sortBy: 'SCAN_CONFIGURATION_ARN' })).scanConfigurations?.map(
    (c) => c.scanConfigurationArn,
  )
  assert.deepEqual(byArn, Object.values(arns).sort())

  const names2 = async (filterCriteria: object) =>
    (await list({ filterCriteria })).scanConfigurations?.map((c) => c.scanName)
  assert.deepEqual(
    await names2({
      scanNameFilters: [
        { comparison: 'PREFIX', value: 'ch' },
        { comparison: 'EQUALS', value: 'echo' },
      ],
    }),
    ['charlie', 'echo'],
  )
  assert.deepEqual(
    await names2({
      scanNameFilters: [
        { comparison: 'NOT_EQUALS', value: 'alpha' },
        { comparison: 'NOT_EQUALS', value: 'echo' },
      ],
    }),
    ['bravo', 'charlie', 'delta'],
  )
  assert.deepEqual(
    await names2({
      targetResourceTagFilters: [{ comparison: 'EQUALS', key: 'tier', value: 'db' }],
    }),
    ['alpha', 'charlie'],
  )
  assert.deepEqual(
    await names2({ scanConfigurationArnFilters: [{ comparison: 'EQUALS', value: arns.bravo }] }),
    ['bravo'],
  )
  assert.deepEqual(
    await names2({
      scanNameFilters: [{ comparison: 'PREFIX', value: 'e' }],
      targetResourceTagFilters: [{ comparison: 'EQUALS', key: 'tier', value: 'db' }],
    }),
    [],
  )

  const first = await list({ maxResults: 2 })
  const replayed = await rejection(
    list({ maxResults: 2, sortOrder: 'DESC', nextToken: first.nextToken }),
  )
  assert.equal(replayed.name, 'ValidationException')
  assert.equal(replayed.fields?.[0]?.name, 'nextToken')
  const garbage = await rejection(list({ nextToken: 'not-a-token' }))
  assert.equal(garbage.name, 'ValidationException')
  const tooMany = await rejection(list({ maxResults: 101 }))
  assert.equal(tooMany.name, 'ValidationException')
  assert.ok(id)
})

test('ListCisScans filters, sorts and pages', async () => {
  const { id, client } = fresh()
  const t0 = clock.now()
  const arnA = await create(client, { scanName: 'a' })
  clock.advance(HOUR_MS)
  const arnB = await create(client, {
    scanName: 'b',
    targets: { accountIds: ['SELF'], targetResourceTags: { env: ['dev'] } },
  })
  clock.advance(HOUR_MS)
  await create(client, { scanName: 'c' })
  clock.set(START_MS)
  const list = async (input: ConstructorParameters<typeof ListCisScansCommand>[0] = {}) =>
    (await client.send(new ListCisScansCommand(input))).scans?.map((s) => s.scanName)

  assert.deepEqual(await list(), ['a', 'b', 'c'])
  assert.deepEqual(await list({ sortOrder: 'DESC' }), ['c', 'b', 'a'])
  assert.deepEqual((await list({ sortBy: 'STATUS' }))?.sort(), ['a', 'b', 'c'])

  const first = await client.send(new ListCisScansCommand({ maxResults: 2 }))
  assert.deepEqual(
    first.scans?.map((s) => s.scanName),
    ['a', 'b'],
  )
  assert.ok(first.nextToken)
  const second = await client.send(
    new ListCisScansCommand({ maxResults: 2, nextToken: first.nextToken }),
  )
  assert.deepEqual(
    second.scans?.map((s) => s.scanName),
    ['c'],
  )
  assert.equal(second.nextToken, undefined)

  assert.deepEqual(
    await list({
      filterCriteria: { scanConfigurationArnFilters: [{ comparison: 'EQUALS', value: arnB }] },
    }),
    ['b'],
  )
  assert.deepEqual(
    await list({
      filterCriteria: {
        scanAtFilters: [
          {
            earliestScanStartTime: new Date(t0 + HOUR_MS),
            latestScanStartTime: new Date(t0 + 2 * HOUR_MS),
          },
        ],
      },
    }),
    ['b', 'c'],
  )
  assert.deepEqual(
    await list({
      filterCriteria: { scanStatusFilters: [{ comparison: 'EQUALS', value: 'FAILED' }] },
    }),
    [],
  )
  assert.deepEqual(
    await list({
      filterCriteria: { scanStatusFilters: [{ comparison: 'EQUALS', value: 'COMPLETED' }] },
    }),
    ['a', 'b', 'c'],
  )
  assert.deepEqual(
    await list({ filterCriteria: { failedChecksFilters: [{ lowerInclusive: 1 }] } }),
    [],
  )
  assert.deepEqual(
    await list({
      filterCriteria: { failedChecksFilters: [{ lowerInclusive: 0, upperInclusive: 0 }] },
    }),
    ['a', 'b', 'c'],
  )
  assert.deepEqual(
    await list({
      filterCriteria: {
        targetResourceTagFilters: [{ comparison: 'EQUALS', key: 'env', value: 'dev' }],
      },
    }),
    ['b'],
  )
  assert.deepEqual(
    await list({
      filterCriteria: { targetAccountIdFilters: [{ comparison: 'EQUALS', value: id }] },
    }),
    ['a', 'b', 'c'],
  )
  assert.deepEqual(
    await list({
      filterCriteria: { scheduledByFilters: [{ comparison: 'NOT_EQUALS', value: id }] },
    }),
    [],
  )
  // Vigil's scans have no target resource.
  assert.deepEqual(
    await list({
      filterCriteria: { targetResourceIdFilters: [{ comparison: 'PREFIX', value: 'i-' }] },
    }),
    [],
  )
  const scanA = (await client.send(new ListCisScansCommand({}))).scans?.find(
    (s) => s.scanConfigurationArn === arnA,
  )
  assert.deepEqual(
    await list({
      filterCriteria: { scanArnFilters: [{ comparison: 'EQUALS', value: scanA?.scanArn ?? '' }] },
    }),
    ['a'],
  )
  const replayed = await rejection(
    client.send(
      new ListCisScansCommand({ maxResults: 2, sortBy: 'STATUS', nextToken: first.nextToken }),
    ),
  )
  assert.equal(replayed.name, 'ValidationException')
})

test('reports, result details and aggregations of a scan are empty but well-formed', async () => {
  const { id, client } = fresh()
  await create(client, { scanName: 'report me' })
  const [scan] = (await client.send(new ListCisScansCommand({}))).scans ?? []
  const scanArn = scan?.scanArn ?? ''

  const pdf = await client.send(new GetCisScanReportCommand({ scanArn }))
  assert.equal(pdf.status, 'SUCCEEDED')
  assert.match(pdf.url ?? '', /^data:application\/pdf;base64,/)
  const pdfText = Buffer.from(await (await fetch(pdf.url ?? '')).arrayBuffer()).toString('latin1')
  assert.ok(pdfText.startsWith('%PDF-1.4'))
  assert.ok(pdfText.includes('No target'))
  assert.ok(pdfText.includes(scanArn))
  const csv = await client.send(
    new GetCisScanReportCommand({ scanArn, reportFormat: 'CSV', targetAccounts: [id] }),
  )
  assert.equal(csv.status, 'SUCCEEDED')
  assert.equal(
    await (await fetch(csv.url ?? '')).text(),
    'scanArn,accountId,targetResourceId,platform,checkId,title,level,status,statusReason\r\n',
  )

  const details = await client.send(
    new GetCisScanResultDetailsCommand({
      scanArn,
      targetResourceId: 'i-0123456789abcdef0',
      accountId: id,
    }),
  )
  assert.equal(details.scanResultDetails, undefined)
  assert.equal(details.nextToken, undefined)
  const checks = await client.send(
    new ListCisScanResultsAggregatedByChecksCommand({
      scanArn,
      sortBy: 'TITLE',
      filterCriteria: { checkIdFilters: [{ comparison: 'PREFIX', value: '1.' }] },
    }),
  )
  assert.equal(checks.checkAggregations, undefined)
  assert.equal(checks.nextToken, undefined)
  const resources = await client.send(
    new ListCisScanResultsAggregatedByTargetResourceCommand({ scanArn }),
  )
  assert.equal(resources.targetResourceAggregations, undefined)

  const badToken = await rejection(
    client.send(new ListCisScanResultsAggregatedByChecksCommand({ scanArn, nextToken: 'bogus' })),
  )
  assert.equal(badToken.name, 'ValidationException')
  assert.equal(badToken.fields?.[0]?.name, 'nextToken')

  const unknownArn = `arn:aws:inspector2:us-east-1:${id}:owner/${id}/cis-scan/${randomUUID()}`
  const notFound = await rejection(
    client.send(new GetCisScanReportCommand({ scanArn: unknownArn })),
  )
  assert.equal(notFound.name, 'ResourceNotFoundException')
  for (const command of [
    new GetCisScanResultDetailsCommand({
      scanArn: unknownArn,
      targetResourceId: 'i-01234567',
      accountId: id,
    }),
    new ListCisScanResultsAggregatedByChecksCommand({ scanArn: unknownArn }),
    new ListCisScanResultsAggregatedByTargetResourceCommand({ scanArn: unknownArn }),
  ]) {
    const e = await rejection(client.send(command as GetCisScanReportCommand))
    assert.equal(e.name, 'ValidationException', command.constructor.name)
    assert.equal(e.fields?.[0]?.name, 'scanArn')
  }
  const intruder = fresh().client
  for (const command of [
    new GetCisScanReportCommand({ scanArn }),
    new ListCisScanResultsAggregatedByChecksCommand({ scanArn }),
  ]) {
    const e = await rejection(intruder.send(command))
    assert.equal(e.name, 'AccessDeniedException', command.constructor.name)
  }
})

test('CIS sessions follow start, health, telemetry and stop for a scan job', async () => {
  const { client } = fresh()
  await create(client)
  const [scan] = (await client.send(new ListCisScansCommand({}))).scans ?? []
  const scanJobId = scan?.scanArn?.split('/').at(-1) ?? ''
  const sessionToken = randomUUID()

  const early = await rejection(
    client.send(new SendCisSessionHealthCommand({ scanJobId, sessionToken })),
  )
  assert.equal(early.name, 'ConflictException')
  assert.equal(early.$metadata.httpStatusCode, 409)

  await client.send(new StartCisSessionCommand({ scanJobId, message: { sessionToken } }))
  await client.send(new StartCisSessionCommand({ scanJobId, message: { sessionToken } }))
  const second = await rejection(
    client.send(new StartCisSessionCommand({ scanJobId, message: { sessionToken: randomUUID() } })),
  )
  assert.equal(second.name, 'ConflictException')

  await client.send(new SendCisSessionHealthCommand({ scanJobId, sessionToken }))
  await client.send(
    new SendCisSessionTelemetryCommand({
      scanJobId,
      sessionToken,
      messages: [
        { ruleId: '1.1.1', status: 'PASSED', cisRuleDetails: new TextEncoder().encode('ok') },
        { ruleId: '1.2.1', status: 'FAILED', cisRuleDetails: new Uint8Array() },
      ],
    }),
  )
  const wrongToken = await rejection(
    client.send(new SendCisSessionHealthCommand({ scanJobId, sessionToken: randomUUID() })),
  )
  assert.equal(wrongToken.name, 'ValidationException')
  assert.equal(wrongToken.fields?.[0]?.name, 'sessionToken')

  const stop = {
    scanJobId,
    sessionToken,
    message: {
      status: 'SUCCESS' as const,
      progress: { totalChecks: 2, successfulChecks: 1, failedChecks: 1 },
      computePlatform: { vendor: 'canonical', product: 'ubuntu', version: '22.04' },
    },
  }
  await client.send(new StopCisSessionCommand(stop))
  await client.send(new StopCisSessionCommand(stop))
  for (const command of [
    new SendCisSessionHealthCommand({ scanJobId, sessionToken }),
    new StartCisSessionCommand({ scanJobId, message: { sessionToken } }),
  ]) {
    const e = await rejection(client.send(command as StartCisSessionCommand))
    assert.equal(e.name, 'ConflictException', command.constructor.name)
  }
  // A stopped session makes way for a new one.
  const next = randomUUID()
  await client.send(new StartCisSessionCommand({ scanJobId, message: { sessionToken: next } }))
  await client.send(new SendCisSessionHealthCommand({ scanJobId, sessionToken: next }))

  // The scan's results are untouched by the session.
  const [same] = (await client.send(new ListCisScansCommand({}))).scans ?? []
  assert.equal(same?.totalChecks, 0)

  const unknownJob = await rejection(
    client.send(new StartCisSessionCommand({ scanJobId: randomUUID(), message: { sessionToken } })),
  )
  assert.equal(unknownJob.name, 'ValidationException')
  assert.equal(unknownJob.fields?.[0]?.name, 'scanJobId')
  const otherAccount = await rejection(
    fresh().client.send(new StartCisSessionCommand({ scanJobId, message: { sessionToken } })),
  )
  assert.equal(otherAccount.name, 'ValidationException')
  const malformed = await rejection(
    client.send(new SendCisSessionHealthCommand({ scanJobId: 'job-1', sessionToken })),
  )
  assert.equal(malformed.name, 'ValidationException')
})
