/**
 * The aggregation counters against a brute-force grouping of the stored findings: after generated
 * sequences of upserts (new findings, rewrites changing status, severity, type, resources and
 * packages, batches naming one ARN twice), deletions by ARN and deletions of a scope, every kind's
 * groups — counts, fix/exploit/network counts, distinct members — equal the grouping of the
 * findings still stored; ACCOUNT and TITLE narrowed to a finding and resource type too; pages of
 * 3 in any sort and order give the same groups in the same order, which is the documented one. The
 * counters rebuilt from the stored findings (on open after a definition change) equal the
 * maintained ones.
 */
import Database from 'better-sqlite3'
import fc from 'fast-check'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { guardDutyFindingAttributes } from '../../services/guardduty/domain/finding-attributes.js'
import type {
  InspectorAggregationGroup,
  InspectorAggregationKind,
  InspectorAggregationPosition,
  Scope,
  Storage,
  StoredInspectorFinding,
} from '../ports.js'
import { criteria } from '../query/criteria-ast.js'
import { openSqliteStorage } from './sqlite-storage.js'

type Wire = Record<string, unknown>

const SCOPES: Scope[] = [
  { accountId: '111111111111', region: 'us-east-1' },
  { accountId: '222222222222', region: 'us-east-1' },
]
const KINDS: InspectorAggregationKind[] = [
  'account',
  'title',
  'package',
  'repository',
  'ami',
  'ec2Instance',
  'ecrImage',
  'imageLayer',
  'lambdaFunction',
  'lambdaLayer',
  'codeRepository',
]
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNTRIAGED']
const STATUSES = ['ACTIVE', 'ACTIVE', 'SUPPRESSED', 'CLOSED']
const TYPES = ['PACKAGE_VULNERABILITY', 'NETWORK_REACHABILITY', 'CODE_VULNERABILITY']

const resourceArb = fc.oneof(
  fc.record({
    type: fc.constant('AWS_EC2_INSTANCE'),
    id: fc.constantFrom('i-1', 'i-2', 'i-3'),
    details: fc.record({
      awsEc2Instance: fc.record({ imageId: fc.constantFrom('ami-1', 'ami-2') }),
    }),
  }),
  fc.record({
    type: fc.constant('AWS_ECR_CONTAINER_IMAGE'),
    id: fc.constantFrom('img-1', 'img-2', 'img-3'),
    details: fc.record({
      awsEcrContainerImage: fc.record({ repositoryName: fc.constantFrom('web', 'worker') }),
    }),
  }),
  fc.record({ type: fc.constant('AWS_LAMBDA_FUNCTION'), id: fc.constantFrom('fn-1', 'fn-2') }),
  fc.record({ type: fc.constant('CODE_REPOSITORY'), id: fc.constantFrom('code-1', 'code-2') }),
)

const packageArb = fc.record(
  {
    name: fc.constantFrom('openssl', 'zlib', 'flask'),
    version: fc.constant('1'),
    sourceLayerHash: fc.constantFrom('L1', 'L2'),
    sourceLambdaLayerArn: fc.constantFrom('arn:1', 'arn:2'),
  },
  { requiredKeys: ['name', 'version'] },
)

/** A finding of ARN number `n` (its account is fixed by `n`). */
const findingArb = (n: number) =>
  fc
    .record({
      severity: fc.constantFrom(...SEVERITIES),
      status: fc.constantFrom(...STATUSES),
      type: fc.constantFrom(...TYPES),
      title: fc.option(fc.constantFrom('CVE-1 - openssl', 'CVE-2 - zlib', 'Port 22'), {
        nil: undefined,
      }),
      vuln: fc.option(fc.constantFrom('CVE-1', 'CVE-2'), { nil: undefined }),
      packages: fc.array(packageArb, { maxLength: 3 }),
      fixAvailable: fc.constantFrom('YES', 'NO', 'PARTIAL'),
      exploitAvailable: fc.constantFrom('YES', 'NO'),
      resources: fc.array(resourceArb, { minLength: 0, maxLength: 2 }),
      observed: fc.integer({ min: 0, max: 100 }),
    })
    .map((f): StoredInspectorFinding => {
      const scope = SCOPES[n % 2] as Scope
      return {
        scope,
        finding: {
          findingArn: `arn:aws:inspector2:us-east-1:${scope.accountId}:finding/${n}`,
          awsAccountId: scope.accountId,
          severity: f.severity,
          status: f.status,
          type: f.type,
          ...(f.title !== undefined ? { title: f.title } : {}),
          fixAvailable: f.fixAvailable,
          exploitAvailable: f.exploitAvailable,
          lastObservedAt: 1_790_000_000 + f.observed,
          resources: f.resources,
          packageVulnerabilityDetails: {
            ...(f.vuln !== undefined ? { vulnerabilityId: f.vuln } : {}),
            vulnerablePackages: f.packages,
          },
        },
      }
    })

type Op =
  | { readonly upsert: StoredInspectorFinding[] }
  | { readonly deleteArns: number[] }
  | { readonly deleteScope: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(fc.integer({ min: 0, max: 11 }), { minLength: 1, maxLength: 5 })
      .chain((ns) => fc.tuple(...ns.map(findingArb)))
      .map((upsert) => ({ upsert })),
  },
  {
    weight: 2,
    arbitrary: fc
      .uniqueArray(fc.integer({ min: 0, max: 11 }), { maxLength: 4 })
      .map((deleteArns) => ({ deleteArns })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1 }).map((deleteScope) => ({ deleteScope })) },
)

interface Expected {
  all: number
  critical: number
  high: number
  medium: number
  fixAvailable: number
  exploitAvailable: number
  network: number
  members: Set<string>
}

/** Finding and first resource types an `account` or `title` aggregation may be narrowed to. */
interface Types {
  readonly findingType?: string
  readonly resourceType?: string
}

/** The groups of `kind`, computed from the findings one by one. */
function reference(
  findings: Iterable<StoredInspectorFinding>,
  kind: InspectorAggregationKind,
  types: Types = {},
): Map<string, Expected> {
  const groups = new Map<string, Expected>()
  for (const { scope, finding } of findings) {
    if (finding.status !== 'ACTIVE') continue
    const firstType = (finding.resources as Wire[])[0]?.type ?? ''
    if (types.findingType !== undefined && finding.type !== types.findingType) continue
    if (types.resourceType !== undefined && firstType !== types.resourceType) continue
    const resources = (finding.resources as Wire[]).filter(
      (r, i, all) => all.findIndex((o) => o.type === r.type && o.id === r.id) === i,
    )
    const packages = (finding.packageVulnerabilityDetails as { vulnerablePackages: Wire[] })
      .vulnerablePackages
    const distinct = (member: string) => [
      ...new Set(packages.flatMap((p) => (typeof p[member] === 'string' ? [p[member]] : []))),
    ]
    const ofType = (type: string) => resources.filter((r) => r.type === type)
    const keys: [string, string, string?][] = []
    switch (kind) {
      case 'account':
        keys.push(['', ''])
        break
      case 'title':
        if (typeof finding.title === 'string') keys.push([finding.title, ''])
        break
      case 'package':
        for (const name of distinct('name')) keys.push([name, ''])
        break
      case 'repository':
        for (const r of ofType('AWS_ECR_CONTAINER_IMAGE'))
          keys.push([
            String(
              (r.details as { awsEcrContainerImage: Wire }).awsEcrContainerImage.repositoryName,
            ),
            '',
            String(r.id),
          ])
        break
      case 'ami':
        for (const r of ofType('AWS_EC2_INSTANCE'))
          keys.push([
            String((r.details as { awsEc2Instance: Wire }).awsEc2Instance.imageId),
            '',
            String(r.id),
          ])
        break
      case 'ec2Instance':
      case 'ecrImage':
      case 'lambdaFunction':
      case 'codeRepository': {
        const type = {
          ec2Instance: 'AWS_EC2_INSTANCE',
          ecrImage: 'AWS_ECR_CONTAINER_IMAGE',
          lambdaFunction: 'AWS_LAMBDA_FUNCTION',
          codeRepository: 'CODE_REPOSITORY',
        }[kind]
        for (const r of ofType(type)) keys.push([String(r.id), ''])
        break
      }
      case 'imageLayer':
        for (const r of ofType('AWS_ECR_CONTAINER_IMAGE'))
          for (const hash of distinct('sourceLayerHash')) keys.push([String(r.id), String(hash)])
        break
      case 'lambdaLayer':
        for (const r of ofType('AWS_LAMBDA_FUNCTION'))
          for (const arn of distinct('sourceLambdaLayerArn')) keys.push([String(r.id), String(arn)])
        break
    }
    for (const [key, key2, member] of keys) {
      const id = JSON.stringify([scope.accountId, key, key2])
      let g = groups.get(id)
      if (!g) {
        g = {
          all: 0,
          critical: 0,
          high: 0,
          medium: 0,
          fixAvailable: 0,
          exploitAvailable: 0,
          network: 0,
          members: new Set(),
        }
        groups.set(id, g)
      }
      g.all++
      if (finding.severity === 'CRITICAL') g.critical++
      if (finding.severity === 'HIGH') g.high++
      if (finding.severity === 'MEDIUM') g.medium++
      if (finding.fixAvailable === 'YES') g.fixAvailable++
      if (finding.exploitAvailable === 'YES') g.exploitAvailable++
      if (finding.type === 'NETWORK_REACHABILITY') g.network++
      if (member !== undefined) g.members.add(member)
    }
  }
  return groups
}

type Sort = { key: 'all' | 'critical' | 'high'; order: 'ASC' | 'DESC' }

async function groupsOf(
  storage: Storage,
  kind: InspectorAggregationKind,
  limit: number,
  sort: Sort = { key: 'all', order: 'DESC' },
  types: Types = {},
): Promise<InspectorAggregationGroup[]> {
  const out: InspectorAggregationGroup[] = []
  let after: InspectorAggregationPosition | undefined
  do {
    const page = await storage.inspectorFindings.aggregations({
      scopes: SCOPES,
      kind,
      ...types,
      filter: criteria.and([]),
      sort,
      limit,
      ...(after ? { after } : {}),
    })
    out.push(...page.groups)
    after = page.next
  } while (after)
  return out
}

/** Whether groups are in the query order: DESC by value then (account, key, key2); ASC reversed. */
function inOrder(groups: readonly InspectorAggregationGroup[], sort: Sort): boolean {
  const value = (g: InspectorAggregationGroup) => g[sort.key]
  const id = (g: InspectorAggregationGroup) => [g.accountId, g.key, g.key2]
  return groups.every((g, i) => {
    const prev = groups[i - 1]
    if (!prev) return true
    const byValue = sort.order === 'DESC' ? value(prev) - value(g) : value(g) - value(prev)
    if (byValue !== 0) return byValue > 0
    const [a, b] = sort.order === 'DESC' ? [id(prev), id(g)] : [id(g), id(prev)]
    return JSON.stringify(a) < JSON.stringify(b)
  })
}

const sortArb = fc.record({
  key: fc.constantFrom<Sort['key']>('all', 'critical', 'high'),
  order: fc.constantFrom<Sort['order']>('ASC', 'DESC'),
})
const typesArb: fc.Arbitrary<Types> = fc.record(
  {
    findingType: fc.constantFrom(...TYPES),
    resourceType: fc.constantFrom('AWS_EC2_INSTANCE', 'AWS_LAMBDA_FUNCTION', ''),
  },
  { requiredKeys: [] },
)

test('aggregation counters equal a grouping of the stored findings after any writes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 1, maxLength: 12 }),
      sortArb,
      typesArb,
      async (ops, sort, types) => {
        const storage = openSqliteStorage({
          path: ':memory:',
          findingAttributes: guardDutyFindingAttributes,
        })
        try {
          const stored = new Map<string, StoredInspectorFinding>()
          /** A title's type per (account, title, resource type | '*'): its last ACTIVE write's. */
          const titleTypes = new Map<string, unknown>()
          for (const op of ops) {
            if ('upsert' in op) {
              await storage.inspectorFindings.upsert(op.upsert)
              for (const f of op.upsert) {
                stored.set(String(f.finding.findingArn), f)
                const { title, status, type } = f.finding
                if (status !== 'ACTIVE' || title === undefined) continue
                const first = (f.finding.resources as Wire[])[0]?.type ?? ''
                for (const d2 of [first, '*'])
                  titleTypes.set(JSON.stringify([f.scope.accountId, title, d2]), type)
              }
            } else if ('deleteArns' in op) {
              const arns = op.deleteArns.map(
                (n) =>
                  `arn:aws:inspector2:us-east-1:${(SCOPES[n % 2] as Scope).accountId}:finding/${n}`,
              )
              await storage.inspectorFindings.deleteByArns(SCOPES, arns)
              for (const arn of arns) stored.delete(arn)
            } else {
              const scope = SCOPES[op.deleteScope] as Scope
              await storage.inspectorFindings.deleteOfScope(scope)
              for (const [arn, f] of stored)
                if (f.scope.accountId === scope.accountId) stored.delete(arn)
            }
          }
          for (const kind of KINDS) {
            const expected = reference(stored.values(), kind)
            const actual = await groupsOf(storage, kind, 1000)
            assert.deepEqual(
              Object.fromEntries(
                actual.map((g) => [
                  JSON.stringify([g.accountId, g.key, g.key2]),
                  [
                    g.all,
                    g.critical,
                    g.high,
                    g.medium,
                    g.fixAvailable,
                    g.exploitAvailable,
                    g.network,
                    g.members,
                  ],
                ]),
              ),
              Object.fromEntries(
                [...expected].map(([id, e]) => [
                  id,
                  [
                    e.all,
                    e.critical,
                    e.high,
                    e.medium,
                    e.fixAvailable,
                    e.exploitAvailable,
                    e.network,
                    kind === 'repository' || kind === 'ami' ? e.members.size : 0,
                  ],
                ]),
              ),
              kind,
            )
            const sorted = await groupsOf(storage, kind, 3, sort)
            assert.ok(inOrder(sorted, sort), `${kind}: order ${JSON.stringify(sort)}`)
            assert.deepEqual(
              await groupsOf(storage, kind, 1000, sort),
              sorted,
              `${kind}: pages of 3`,
            )
          }
          for (const kind of ['account', 'title'] as const) {
            const narrowed = await groupsOf(storage, kind, 2, sort, types)
            // A title's finding type is a property of the title (its last ACTIVE write's type).
            const byFindings = kind === 'account' ? types : { ...types, findingType: undefined }
            const ofType = ([id]: [string, Expected]) => {
              if (kind === 'account' || types.findingType === undefined) return true
              const [account, key] = JSON.parse(id) as [string, string]
              const row = JSON.stringify([account, key, types.resourceType ?? '*'])
              return titleTypes.get(row) === types.findingType
            }
            assert.deepEqual(
              narrowed.map((g) => [g.accountId, g.key, g.all, g.critical, g.high, g.medium]).sort(),
              [...reference(stored.values(), kind, byFindings)]
                .filter(ofType)
                .map(([id, e]) => {
                  const [account, key] = JSON.parse(id) as [string, string]
                  return [account, key, e.all, e.critical, e.high, e.medium]
                })
                .sort(),
              `${kind} narrowed to ${JSON.stringify(types)}`,
            )
          }
        } finally {
          storage.close()
        }
      },
    ),
    { numRuns: 80 },
  )
})

test('counters rebuilt on open equal the maintained ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-i2-agg-'))
  const path = join(dir, 'vigil.db')
  const open = () => openSqliteStorage({ path, findingAttributes: guardDutyFindingAttributes })
  try {
    let storage = open()
    const findings = fc.sample(fc.tuple(...Array.from({ length: 12 }, (_, n) => findingArb(n))), {
      numRuns: 3,
      seed: 42,
    })
    for (const batch of findings) await storage.inspectorFindings.upsert(batch)
    await storage.inspectorFindings.deleteByArns(SCOPES, [
      `arn:aws:inspector2:us-east-1:${(SCOPES[1] as Scope).accountId}:finding/3`,
    ])
    const titled = { findingType: 'PACKAGE_VULNERABILITY' }
    const maintained = await Promise.all(KINDS.map((kind) => groupsOf(storage, kind, 1000)))
    const maintainedTitles = await groupsOf(storage, 'title', 1000, undefined, titled)
    assert.ok(maintained.some((groups) => groups.length > 0))
    storage.close()
    const db = new Database(path)
    db.prepare('DELETE FROM i2_agg_state').run()
    db.close()
    storage = open()
    assert.deepEqual(
      await Promise.all(KINDS.map((kind) => groupsOf(storage, kind, 1000))),
      maintained,
    )
    assert.deepEqual(await groupsOf(storage, 'title', 1000, undefined, titled), maintainedTitles)
    storage.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
