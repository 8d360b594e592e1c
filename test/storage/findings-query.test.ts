/**
 * The findings query engine against its definition: for generated findings and generated criteria over
 * every operator and key family (promoted columns, multi-valued paths, tags, numbers, timestamps,
 * booleans, absent attributes), the SQL compiled by the SQLite store selects exactly the findings the
 * in-memory evaluator selects. Keyset pagination neither skips nor repeats, even with inserts between
 * pages.
 */
import fc from 'fast-check'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { guardDutyFindingAttributes } from '../../src/services/guardduty/domain/finding-attributes.js'
import {
  parseFindingCriteria,
  readFindingValues,
} from '../../src/services/guardduty/domain/finding-criteria.js'
import type { FindingCriteria } from '../../src/services/guardduty/generated/types.js'
import type { Storage } from '../../src/storage/ports.js'
import { evaluateCriteria } from '../../src/storage/query/evaluate-criteria.js'
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'

const SCOPE = { accountId: '123456789012', region: 'us-east-1' }
const BASE = Date.parse('2026-11-01T00:00:00.000Z')
const TYPES = [
  'Recon:EC2/Portscan',
  'UnauthorizedAccess:EC2/SSHBruteForce',
  'Stealth:IAMUser/CloudTrailLoggingDisabled',
  'Trojan:EC2/DNSDataExfiltration',
]
const GROUPS = ['sg-1', 'sg-2', 'sg-3', 'sg-4']
const TAG_KEYS = ['env', 'team']
const TAG_VALUES = ['prod', 'dev', 'payments']
const PORTS = [22, 80, 443]

const findingArb = (i: number) =>
  fc
    .record({
      type: fc.constantFrom(...TYPES),
      severity: fc.integer({ min: 10, max: 89 }).map((n) => n / 10),
      confidence: fc.integer({ min: 0, max: 10 }),
      updatedMinutes: fc.integer({ min: 0, max: 10_000 }),
      archived: fc.boolean(),
      resourceType: fc.constantFrom('Instance', 'AccessKey'),
      interfaces: fc.array(fc.array(fc.constantFrom(...GROUPS), { maxLength: 2 }), {
        maxLength: 2,
      }),
      tags: fc.array(
        fc.record({ key: fc.constantFrom(...TAG_KEYS), value: fc.constantFrom(...TAG_VALUES) }),
        { maxLength: 2 },
      ),
      port: fc.option(fc.constantFrom(...PORTS), { nil: undefined }),
      count: fc.integer({ min: 1, max: 5 }),
    })
    .map((g) => ({
      accountId: SCOPE.accountId,
      region: SCOPE.region,
      id: `f${String(i).padStart(4, '0')}`,
      type: g.type,
      severity: g.severity,
      confidence: g.confidence,
      createdAt: new Date(BASE).toISOString(),
      updatedAt: new Date(BASE + g.updatedMinutes * 60_000).toISOString(),
      resource: {
        resourceType: g.resourceType,
        instanceDetails: {
          tags: g.tags,
          networkInterfaces: g.interfaces.map((groups) => ({
            securityGroups: groups.map((groupId) => ({ groupId, groupName: `name-${groupId}` })),
          })),
        },
      },
      service: {
        archived: g.archived,
        count: g.count,
        ...(g.port !== undefined
          ? { action: { networkConnectionAction: { localPortDetails: { port: g.port } } } }
          : {}),
      },
    }))

type Condition = NonNullable<FindingCriteria['Criterion']>[string]
const listOp = (values: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.array(values, { minLength: 1, maxLength: 3 }).map((v): Condition => ({ Equals: v })),
    fc.array(values, { minLength: 1, maxLength: 3 }).map((v): Condition => ({ NotEquals: v })),
    fc.array(values, { minLength: 1, maxLength: 3 }).map((v): Condition => ({ Eq: v })),
    fc.array(values, { minLength: 1, maxLength: 3 }).map((v): Condition => ({ Neq: v })),
  )
const compareOp = (n: fc.Arbitrary<number>) =>
  fc.oneof(
    n.map((v): Condition => ({ GreaterThan: v })),
    n.map((v): Condition => ({ GreaterThanOrEqual: v })),
    n.map((v): Condition => ({ LessThan: v })),
    n.map((v): Condition => ({ Lte: v })),
    n.map((v): Condition => ({ Gt: v })),
  )

const criterionArb = fc.oneof(
  fc.tuple(fc.constant('type'), listOp(fc.constantFrom(...TYPES, 'Other:None'))),
  fc.tuple(
    fc.constant('severity'),
    fc.oneof(
      listOp(fc.integer({ min: 1, max: 8 }).map(String)),
      compareOp(fc.integer({ min: 1, max: 9 })),
    ),
  ),
  fc.tuple(
    fc.constant('updatedAt'),
    compareOp(fc.integer({ min: 0, max: 10_000 }).map((m) => BASE + m * 60_000)),
  ),
  fc.tuple(fc.constant('service.archived'), listOp(fc.constantFrom('true', 'false'))),
  fc.tuple(
    fc.constant('resource.resourceType'),
    listOp(fc.constantFrom('Instance', 'AccessKey', 'S3Bucket')),
  ),
  fc.tuple(
    fc.constant('resource.instanceDetails.networkInterfaces.securityGroups.groupId'),
    listOp(fc.constantFrom(...GROUPS)),
  ),
  fc.tuple(
    fc.constant('resource.instanceDetails.tags.value'),
    listOp(fc.constantFrom(...TAG_VALUES)),
  ),
  fc.tuple(
    fc.constant('resource.instanceDetails.tags.key'),
    listOp(fc.constantFrom(...TAG_KEYS, 'owner')),
  ),
  fc.tuple(
    fc.constant('service.action.networkConnectionAction.localPortDetails.port'),
    fc.oneof(
      listOp(fc.constantFrom(...PORTS).map(String)),
      compareOp(fc.constantFrom(0, ...PORTS)),
    ),
  ),
  fc.tuple(fc.constant('confidence'), compareOp(fc.integer({ min: 0, max: 10 }))),
  // Keys outside the attribute index: evaluated on the stored finding.
  fc.tuple(
    fc.constant('service.count'),
    fc.oneof(listOp(fc.integer({ min: 1, max: 5 }).map(String)), compareOp(fc.nat(6))),
  ),
  fc.tuple(
    fc.constant('resource.instanceDetails.networkInterfaces.securityGroups.groupName'),
    listOp(fc.constantFrom(...GROUPS.map((g) => `name-${g}`))),
  ),
)
const criteriaArb = fc
  .uniqueArray(criterionArb, { minLength: 0, maxLength: 3, selector: ([key]) => key })
  .map((pairs): FindingCriteria => ({ Criterion: Object.fromEntries(pairs) }))

/** Findings, each with an optional earlier version written before it (exercising replacement). */
const datasetArb = fc
  .integer({ min: 0, max: 40 })
  .chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.tuple(findingArb(i), fc.option(findingArb(i), { nil: undefined })),
      ),
    ),
  )

function open(): Storage {
  return openSqliteStorage({ path: ':memory:', findingAttributes: guardDutyFindingAttributes })
}

test('compiled SQL selects exactly what the evaluator selects', async () => {
  await fc.assert(
    fc.asyncProperty(datasetArb, criteriaArb, async (versions, criteria) => {
      const storage = open()
      try {
        const earlier = versions.flatMap(([, before]) => (before ? [before] : []))
        await storage.findings.upsert(
          earlier.map((finding) => ({ scope: SCOPE, detectorId: 'd1', finding })),
        )
        const findings = versions.map(([finding]) => finding)
        await storage.findings.upsert(
          findings.map((finding) => ({ scope: SCOPE, detectorId: 'd1', finding })),
        )
        const filter = parseFindingCriteria(criteria)
        const { findings: got } = await storage.findings.query({
          scopes: [SCOPE],
          filter,
          sort: { attribute: 'updatedAt', order: 'ASC' },
          limit: 1000,
        })
        const expected = findings
          .filter((f) => evaluateCriteria(filter, f, readFindingValues))
          .map((f) => f.id)
          .sort()
        assert.deepEqual(
          got.map((s) => String(s.finding.id)).sort(),
          expected,
          JSON.stringify(criteria),
        )
      } finally {
        storage.close()
      }
    }),
    { numRuns: 150, seed: 20261122 },
  )
})

test('keyset pages cover every finding once, in order, with inserts between pages', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.tuple(...Array.from({ length: 45 }, (_, i) => findingArb(i))),
      fc.constantFrom('updatedAt', 'severity', 'type'),
      fc.constantFrom('ASC' as const, 'DESC' as const),
      async (findings, attribute, order) => {
        const storage = open()
        try {
          await storage.findings.upsert(
            findings.map((finding) => ({ scope: SCOPE, detectorId: 'd1', finding })),
          )
          const filter = parseFindingCriteria({})
          const seen: string[] = []
          let after
          let extra = 1000
          do {
            const page: Awaited<ReturnType<Storage['findings']['query']>> =
              await storage.findings.query({
                scopes: [SCOPE],
                filter,
                sort: { attribute, order },
                limit: 7,
                ...(after ? { after } : {}),
              })
            seen.push(...page.findings.map((s) => String(s.finding.id)))
            after = page.next
            // A concurrent writer adds a finding between pages.
            const [newcomer] = fc.sample(findingArb(extra++), { numRuns: 1, seed: extra })
            if (newcomer)
              await storage.findings.upsert([{ scope: SCOPE, detectorId: 'd1', finding: newcomer }])
          } while (after)
          const original = seen.filter((id) => Number(id.slice(1)) < 1000)
          assert.equal(new Set(original).size, original.length, 'no repeats')
          assert.deepEqual([...original].sort(), findings.map((f) => f.id).sort(), 'no skips')
        } finally {
          storage.close()
        }
      },
    ),
    { numRuns: 25, seed: 7 },
  )
})

test('getByIds returns the known ids of the given scopes only', async () => {
  const storage = open()
  try {
    const [a, b] =
      fc.sample(fc.tuple(findingArb(1), findingArb(2)), { numRuns: 1, seed: 3 })[0] ?? []
    assert.ok(a && b)
    await storage.findings.upsert([
      { scope: SCOPE, detectorId: 'd1', finding: a },
      { scope: { accountId: '210987654321', region: 'us-east-1' }, detectorId: 'd2', finding: b },
    ])
    const got = await storage.findings.getByIds([SCOPE], [a.id, b.id, 'nope'])
    assert.deepEqual(
      got.map((s) => s.finding.id),
      [a.id],
    )
    const both = await storage.findings.getByIds(
      [SCOPE, { accountId: '210987654321', region: 'us-east-1' }],
      [a.id, b.id],
    )
    assert.equal(both.length, 2)
    await assert.rejects(
      storage.findings.query({
        scopes: [SCOPE],
        filter: parseFindingCriteria({}),
        sort: { attribute: 'resource.instanceDetails.instanceId', order: 'ASC' },
        limit: 5,
      }),
      /cannot be sorted/,
    )
  } finally {
    storage.close()
  }
})

test('upserting a finding again replaces its columns and its attribute index', async () => {
  const storage = open()
  try {
    const [first] = fc.sample(findingArb(1), { numRuns: 1, seed: 11 })
    assert.ok(first)
    const sgKey = 'resource.instanceDetails.networkInterfaces.securityGroups.groupId'
    const v1 = {
      ...first,
      severity: 2.5,
      resource: {
        resourceType: 'Instance',
        instanceDetails: { networkInterfaces: [{ securityGroups: [{ groupId: 'sg-old' }] }] },
      },
    }
    const v2 = {
      ...first,
      severity: 8.5,
      resource: {
        resourceType: 'Instance',
        instanceDetails: { networkInterfaces: [{ securityGroups: [{ groupId: 'sg-new' }] }] },
      },
    }
    const count = async (criteria: FindingCriteria) =>
      (
        await storage.findings.query({
          scopes: [SCOPE],
          filter: parseFindingCriteria(criteria),
          sort: { attribute: 'updatedAt', order: 'ASC' },
          limit: 10,
        })
      ).findings.length
    await storage.findings.upsert([{ scope: SCOPE, detectorId: 'd1', finding: v1 }])
    assert.equal(await count({ Criterion: { [sgKey]: { Eq: ['sg-old'] } } }), 1)
    await storage.findings.upsert([{ scope: SCOPE, detectorId: 'd1', finding: v2 }])
    assert.equal(await count({ Criterion: { [sgKey]: { Eq: ['sg-old'] } } }), 0)
    assert.equal(await count({ Criterion: { [sgKey]: { Eq: ['sg-new'] } } }), 1)
    assert.equal(await count({ Criterion: { severity: { Gte: 8 } } }), 1)
    assert.equal((await storage.findings.getByIds([SCOPE], [first.id]))[0]?.finding.severity, 8.5)
  } finally {
    storage.close()
  }
})
