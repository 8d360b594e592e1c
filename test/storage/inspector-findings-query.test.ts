/**
 * The Inspector findings store against its definition: for generated findings (several resources,
 * tags, vulnerable packages, network paths, absent attributes, fractional-second timestamps, replaced
 * versions) and generated `filterCriteria` over every filter kind — string filters with EQUALS,
 * PREFIX and NOT_EQUALS, number, date, port range, map and package filters — the SQL of the SQLite
 * store selects exactly the findings the in-memory evaluator selects. Keyset pages on every sort key,
 * both orders, neither skip nor repeat, keep their order (findings without the value first in ASC),
 * even with inserts between pages.
 */
import fc from 'fast-check'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  findingMatches,
  parseFilterCriteria,
} from '../../src/services/inspector2/domain/finding-criteria.js'
import type * as i2 from '../../src/services/inspector2/generated/types.js'
import type {
  FindingPosition,
  InspectorFindingSortKey,
  Scope,
  Storage,
} from '../../src/storage/ports.js'
import { readPathValues } from '../../src/storage/query/json-values.js'
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import { guardDutyFindingAttributes } from '../../src/services/guardduty/domain/finding-attributes.js'

const A: Scope = { accountId: '111111111111', region: 'us-east-1' }
const B: Scope = { accountId: '222222222222', region: 'us-east-1' }
const BASE = 1_790_000_000 // epoch seconds
const TYPES = ['PACKAGE_VULNERABILITY', 'NETWORK_REACHABILITY', 'CODE_VULNERABILITY']
const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNTRIAGED']
const STATUSES = ['ACTIVE', 'SUPPRESSED', 'CLOSED']
const TITLES = ['CVE-2024-1000 - openssl', 'CVE-2024-1999 - flask', 'CVE-2023-7 - requests']
const RESOURCE_TYPES = ['AWS_EC2_INSTANCE', 'AWS_ECR_CONTAINER_IMAGE', 'AWS_LAMBDA_FUNCTION']
const RESOURCE_IDS = ['i-0001', 'i-0002', 'arn:aws:ecr:repo/a', 'arn:aws:lambda:fn']
const REPOS = ['web', 'worker', 'web-legacy']
const IMAGE_TAGS = ['latest', 'v1', 'v2']
const LAYERS = ['arn:layer:1', 'arn:layer:2']
const PACKAGES = ['openssl', 'libssl3', 'flask', 'requests']
const VERSIONS = ['1.0', '2.0', '3.0.13']
const VULNS = ['CVE-2024-1000', 'CVE-2024-1999', 'GHSA-xxxx']
const RELATED = ['USN-1', 'USN-2', 'DSA-3']
const COMPONENTS = ['igw-1', 'sg-1', 'eni-1']
const COMPONENT_TYPES = ['AWS::EC2::InternetGateway', 'AWS::EC2::SecurityGroup']
const TAG_KEYS = ['env', 'team']
const TAG_VALUES = ['prod', 'dev', '']
const minutes = (n: number) => BASE + n * 60 + 0.25

const hex32 = (i: number) => i.toString(16).padStart(32, '0')
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
const some = <T>(values: readonly T[], max = 2) =>
  fc.uniqueArray(fc.constantFrom(...values), { maxLength: max })
/** Drops undefined members (the wire form has no nulls). */
const clean = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

const resourceArb = fc
  .record({
    type: fc.constantFrom(...RESOURCE_TYPES),
    id: fc.constantFrom(...RESOURCE_IDS),
    tags: opt(
      fc.dictionary(fc.constantFrom(...TAG_KEYS), fc.constantFrom(...TAG_VALUES), { maxKeys: 2 }),
    ),
    ecr: opt(
      fc.record({
        repositoryName: fc.constantFrom(...REPOS),
        registry: fc.constantFrom('111111111111', '999999999999'),
        imageHash: fc.constantFrom('sha256:aa', 'sha256:bb'),
        imageTags: opt(some(IMAGE_TAGS)),
        architecture: opt(fc.constantFrom('arm64', 'amd64')),
        pushedAt: opt(fc.integer({ min: 0, max: 100 }).map(minutes)),
        inUseCount: opt(fc.integer({ min: 0, max: 5 })),
      }),
    ),
    ec2: opt(
      fc.record({ imageId: fc.constantFrom('ami-1', 'ami-2'), vpcId: opt(fc.constant('vpc-1')) }),
    ),
    lambda: opt(
      fc.record({
        functionName: fc.constantFrom('fn-a', 'fn-b'),
        runtime: fc.constantFrom('PYTHON_3_11', 'NODEJS_20_X'),
        layers: opt(some(LAYERS)),
        lastModifiedAt: opt(fc.integer({ min: 0, max: 100 }).map(minutes)),
      }),
    ),
  })
  .map((r) =>
    clean({
      type: r.type,
      id: r.id,
      tags: r.tags,
      details: clean({
        awsEcrContainerImage: r.ecr && clean(r.ecr),
        awsEc2Instance: r.ec2 && clean(r.ec2),
        awsLambdaFunction: r.lambda && clean(r.lambda),
      }),
    }),
  )

const packageArb = fc
  .record({
    name: fc.constantFrom(...PACKAGES),
    version: fc.constantFrom(...VERSIONS),
    epoch: opt(fc.integer({ min: 0, max: 2 })),
    release: opt(fc.constantFrom('0ubuntu3.2', '1')),
    arch: opt(fc.constantFrom('ARM64', 'X86_64')),
    filePath: opt(fc.constantFrom('requirements.txt', 'app/requirements.txt')),
  })
  .map(clean)

const findingArb = (i: number) =>
  fc
    .record({
      account: fc.constantFrom(A, B),
      type: fc.constantFrom(...TYPES),
      severity: fc.constantFrom(...SEVERITIES),
      status: fc.constantFrom(...STATUSES),
      title: opt(fc.constantFrom(...TITLES)),
      inspectorScore: opt(fc.integer({ min: 0, max: 100 }).map((n) => n / 10)),
      epss: opt(fc.integer({ min: 0, max: 100 }).map((n) => ({ score: n / 100 }))),
      first: fc.integer({ min: 0, max: 100 }),
      seen: fc.integer({ min: 0, max: 100 }),
      updated: opt(fc.integer({ min: 0, max: 100 })),
      fixAvailable: opt(fc.constantFrom('YES', 'NO', 'PARTIAL')),
      exploitAvailable: opt(fc.constantFrom('YES', 'NO')),
      resources: fc.array(resourceArb, { minLength: 1, maxLength: 2 }),
      packages: opt(
        fc.record({
          vulnerabilityId: fc.constantFrom(...VULNS),
          source: fc.constantFrom('NVD', 'UBUNTU_CVE'),
          vendorSeverity: opt(fc.constantFrom('medium', 'HIGH')),
          relatedVulnerabilities: opt(some(RELATED)),
          vulnerablePackages: fc.array(packageArb, { maxLength: 3 }),
        }),
      ),
      network: opt(
        fc.record({
          begin: fc.integer({ min: 0, max: 100 }),
          span: fc.integer({ min: 0, max: 50 }),
          protocol: fc.constantFrom('TCP', 'UDP'),
          steps: fc.array(
            fc.record({
              componentId: fc.constantFrom(...COMPONENTS),
              componentType: fc.constantFrom(...COMPONENT_TYPES),
            }),
            { maxLength: 2 },
          ),
        }),
      ),
      code: opt(
        fc.record({
          detectorName: fc.constantFrom('detector-a', 'detector-b'),
          file: fc.constantFrom('src/app.py', 'lib/util.js'),
        }),
      ),
    })
    .map((g) =>
      clean({
        findingArn: `arn:aws:inspector2:us-east-1:${g.account.accountId}:finding/${hex32(i)}`,
        awsAccountId: g.account.accountId,
        type: g.type,
        description: 'generated',
        remediation: {},
        severity: g.severity,
        status: g.status,
        title: g.title,
        inspectorScore: g.inspectorScore,
        epss: g.epss,
        firstObservedAt: minutes(g.first),
        lastObservedAt: minutes(g.seen),
        updatedAt: g.updated === undefined ? undefined : minutes(g.updated),
        fixAvailable: g.fixAvailable,
        exploitAvailable: g.exploitAvailable,
        resources: g.resources,
        packageVulnerabilityDetails: g.packages && clean(g.packages),
        networkReachabilityDetails: g.network && {
          openPortRange: { begin: g.network.begin, end: g.network.begin + g.network.span },
          protocol: g.network.protocol,
          networkPath: { steps: g.network.steps },
        },
        codeVulnerabilityDetails: g.code && {
          detectorId: 'd',
          detectorName: g.code.detectorName,
          cwes: [],
          filePath: { fileName: 'f', filePath: g.code.file, startLine: 1, endLine: 2 },
        },
      }),
    )

const stringFilters = (values: readonly string[]) =>
  fc.array(
    fc.record({
      comparison: fc.constantFrom<i2.StringComparison>('EQUALS', 'PREFIX', 'NOT_EQUALS'),
      value: fc.constantFrom(...values),
    }),
    { minLength: 1, maxLength: 3 },
  )
const bounds = (min: number, max: number) =>
  fc
    .tuple(opt(fc.integer({ min, max })), opt(fc.integer({ min, max })))
    .filter(([a, b]) => a !== undefined || b !== undefined)
    .map(([a, b]) => (a !== undefined && b !== undefined && a > b ? [b, a] : [a, b]))
const numberFilters = (min: number, max: number, scale = 1) =>
  fc.array(
    bounds(min, max).map(([lo, hi]) =>
      clean({
        lowerInclusive: lo === undefined ? undefined : lo / scale,
        upperInclusive: hi === undefined ? undefined : hi / scale,
      }),
    ),
    { minLength: 1, maxLength: 2 },
  )
const dateFilters = fc.array(
  bounds(0, 100).map(([lo, hi]) =>
    clean({
      startInclusive: lo === undefined ? undefined : new Date(minutes(lo) * 1000),
      endInclusive: hi === undefined ? undefined : new Date(Math.floor(minutes(hi)) * 1000),
    }),
  ),
  { minLength: 1, maxLength: 2 },
)
const packageSub = (values: readonly string[]) =>
  opt(
    fc.record({
      comparison: fc.constantFrom<i2.StringComparison>('EQUALS', 'PREFIX', 'NOT_EQUALS'),
      value: fc.constantFrom(...values),
    }),
  )
const packageFilters = fc.array(
  fc
    .record({
      name: packageSub([...PACKAGES, 'libssl', 'fl']),
      version: packageSub([...VERSIONS, '3.']),
      release: packageSub(['0ubuntu3.2', '1']),
      architecture: packageSub(['ARM64', 'X86_64']),
      filePath: packageSub(['requirements.txt', 'app/']),
      epoch: opt(numberFilters(0, 2).map((f) => f[0] as i2.NumberFilter)),
    })
    .map(clean)
    .filter((f) => Object.keys(f).length > 0),
  { minLength: 1, maxLength: 2 },
)

const tagFilters = fc.array(
  fc
    .record({ key: fc.constantFrom(...TAG_KEYS), value: opt(fc.constantFrom(...TAG_VALUES)) })
    .map((m) => clean({ comparison: 'EQUALS' as const, ...m })),
  { minLength: 1, maxLength: 2 },
)
const portFilters = fc.array(
  bounds(0, 150).map(([b, e]) => clean({ beginInclusive: b, endInclusive: e })),
  { minLength: 1, maxLength: 2 },
)

const field = <K extends keyof i2.FilterCriteria>(
  key: K,
  arb: fc.Arbitrary<NonNullable<i2.FilterCriteria[K]>>,
) => fc.tuple(fc.constant(key), arb)

const fieldArb = fc.oneof(
  field(
    'findingArn',
    stringFilters([
      `arn:aws:inspector2:us-east-1:${A.accountId}:`,
      `arn:aws:inspector2:us-east-1:${B.accountId}:finding/${hex32(3)}`,
    ]),
  ),
  field('awsAccountId', stringFilters([A.accountId, B.accountId, '1'])),
  field('findingType', stringFilters([...TYPES, 'PACKAGE'])),
  field('severity', stringFilters(SEVERITIES)),
  field('findingStatus', stringFilters(STATUSES)),
  field('title', stringFilters([...TITLES, 'CVE-2024-1', 'CVE-'])),
  field('resourceType', stringFilters([...RESOURCE_TYPES, 'AWS_E'])),
  field('resourceId', stringFilters([...RESOURCE_IDS, 'i-'])),
  field('ec2InstanceImageId', stringFilters(['ami-1', 'ami-2'])),
  field('ec2InstanceVpcId', stringFilters(['vpc-1'])),
  field('ecrImageRepositoryName', stringFilters([...REPOS, 'web'])),
  field('ecrImageRegistry', stringFilters(['111111111111', '9'])),
  field('ecrImageTags', stringFilters([...IMAGE_TAGS, 'v'])),
  field('ecrImageHash', stringFilters(['sha256:aa', 'sha256:'])),
  field('ecrImageArchitecture', stringFilters(['arm64', 'amd64', 'a'])),
  field('lambdaFunctionName', stringFilters(['fn-a', 'fn-'])),
  field('lambdaFunctionLayers', stringFilters([...LAYERS, 'arn:layer'])),
  field('lambdaFunctionRuntime', stringFilters(['PYTHON_3_11', 'NODE'])),
  field('vulnerabilityId', stringFilters([...VULNS, 'CVE-2024'])),
  field('vulnerabilitySource', stringFilters(['NVD', 'UBUNTU_CVE'])),
  field('vendorSeverity', stringFilters(['medium', 'HIGH'])),
  field('relatedVulnerabilities', stringFilters([...RELATED, 'USN'])),
  field('fixAvailable', stringFilters(['YES', 'NO', 'PARTIAL'])),
  field('exploitAvailable', stringFilters(['YES', 'NO'])),
  field('networkProtocol', stringFilters(['TCP', 'UDP'])),
  field('componentId', stringFilters([...COMPONENTS, 'sg'])),
  field('componentType', stringFilters([...COMPONENT_TYPES, 'AWS::EC2::'])),
  field('codeVulnerabilityDetectorName', stringFilters(['detector-a', 'detector'])),
  field('codeVulnerabilityFilePath', stringFilters(['src/app.py', 'lib/'])),
  field('inspectorScore', numberFilters(0, 100, 10)),
  field('epssScore', numberFilters(0, 100, 100)),
  field('ecrImageInUseCount', numberFilters(0, 5)),
  field('firstObservedAt', dateFilters),
  field('lastObservedAt', dateFilters),
  field('updatedAt', dateFilters),
  field('ecrImagePushedAt', dateFilters),
  field('lambdaFunctionLastModifiedAt', dateFilters),
  field('resourceTags', tagFilters),
  field('portRange', portFilters),
  field('vulnerablePackages', packageFilters),
)

const criteriaArb = fc
  .uniqueArray(fieldArb, { minLength: 0, maxLength: 3, selector: ([key]) => key })
  .map((pairs) => Object.fromEntries(pairs) as i2.FilterCriteria)

/** Findings, each with an optional earlier version written before it (exercising replacement). */
const datasetArb = fc
  .integer({ min: 0, max: 40 })
  .chain((n) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => fc.tuple(findingArb(i), opt(findingArb(i))))),
  )

function open(): Storage {
  return openSqliteStorage({ path: ':memory:', findingAttributes: guardDutyFindingAttributes })
}

const stored = (finding: Record<string, unknown> & { awsAccountId: string }) => ({
  scope: { accountId: finding.awsAccountId, region: 'us-east-1' },
  finding,
})

test('compiled SQL selects exactly what the evaluator selects, for every filter kind', async () => {
  await fc.assert(
    fc.asyncProperty(datasetArb, criteriaArb, async (versions, criteria) => {
      const storage = open()
      try {
        // An earlier version with another account would move the ARN: keep the account.
        const earlier = versions.flatMap(([now, before]) =>
          before && before.awsAccountId === now.awsAccountId ? [before] : [],
        )
        await storage.inspectorFindings.upsert(earlier.map(stored))
        const findings = versions.map(([finding]) => finding)
        await storage.inspectorFindings.upsert(findings.map(stored))
        const filter = parseFilterCriteria(criteria)
        const { findings: got } = await storage.inspectorFindings.query({
          scopes: [A, B],
          filter,
          sort: { key: 'lastObservedAt', order: 'ASC' },
          limit: 1000,
        })
        const expected = findings
          .filter((f) => findingMatches(filter, f))
          .map((f) => f.findingArn)
          .sort()
        const message = JSON.stringify(criteria)
        assert.deepEqual(got.map((s) => String(s.finding.findingArn)).sort(), expected, message)
        assert.equal(
          await storage.inspectorFindings.count([A, B], filter),
          expected.length,
          message,
        )
      } finally {
        storage.close()
      }
    }),
    { numRuns: 300, seed: 20261123 },
  )
})

test('package, map and port range filters: the store agrees with the evaluator', async () => {
  const focused = fc
    .uniqueArray(
      fc.oneof(
        field('vulnerablePackages', packageFilters),
        field('resourceTags', tagFilters),
        field('portRange', portFilters),
        field('ecrImagePushedAt', dateFilters),
      ),
      { minLength: 1, maxLength: 2, selector: ([key]) => key },
    )
    .map((pairs) => Object.fromEntries(pairs) as i2.FilterCriteria)
  await fc.assert(
    fc.asyncProperty(datasetArb, focused, async (versions, criteria) => {
      const storage = open()
      try {
        const findings = versions.map(([finding]) => finding)
        await storage.inspectorFindings.upsert(findings.map(stored))
        const filter = parseFilterCriteria(criteria)
        const got = await storage.inspectorFindings.query({
          scopes: [A, B],
          filter,
          sort: { key: 'severity', order: 'DESC' },
          limit: 1000,
        })
        assert.deepEqual(
          got.findings.map((s) => String(s.finding.findingArn)).sort(),
          findings
            .filter((f) => findingMatches(filter, f))
            .map((f) => f.findingArn)
            .sort(),
          JSON.stringify(criteria),
        )
      } finally {
        storage.close()
      }
    }),
    { numRuns: 200, seed: 99 },
  )
})

/** Where each sort key's value is, for checking the order of pages (first value, or null). */
const SORT_PATHS: Record<InspectorFindingSortKey, [string, 'string' | 'number' | 'timestamp']> = {
  awsAccountId: ['awsAccountId', 'string'],
  type: ['type', 'string'],
  severity: ['severity', 'string'],
  firstObservedAt: ['firstObservedAt', 'timestamp'],
  lastObservedAt: ['lastObservedAt', 'timestamp'],
  updatedAt: ['updatedAt', 'timestamp'],
  status: ['status', 'string'],
  resourceType: ['resources.type', 'string'],
  ecrImagePushedAt: ['resources.details.awsEcrContainerImage.pushedAt', 'timestamp'],
  ecrImageRepositoryName: ['resources.details.awsEcrContainerImage.repositoryName', 'string'],
  ecrImageRegistry: ['resources.details.awsEcrContainerImage.registry', 'string'],
  networkProtocol: ['networkReachabilityDetails.protocol', 'string'],
  componentType: ['networkReachabilityDetails.networkPath.steps.componentType', 'string'],
  vulnerabilityId: ['packageVulnerabilityDetails.vulnerabilityId', 'string'],
  vulnerabilitySource: ['packageVulnerabilityDetails.source', 'string'],
  inspectorScore: ['inspectorScore', 'number'],
  vendorSeverity: ['packageVulnerabilityDetails.vendorSeverity', 'string'],
  epssScore: ['epss.score', 'number'],
}
const RANK: Record<string, number> = Object.fromEntries(
  ['UNTRIAGED', 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].map((s, i) => [s, i]),
)

function sortValue(f: Record<string, unknown>, key: InspectorFindingSortKey) {
  const [path, type] = SORT_PATHS[key]
  const first =
    key.startsWith('ecr') || key === 'resourceType'
      ? readPathValues(
          { r: (f.resources as unknown[])[0] },
          `r.${path.slice('resources.'.length)}`,
          type,
        )[0]
      : readPathValues(f, path, type)[0]
  if (first === undefined) return null
  return key === 'severity' ? (RANK[String(first)] ?? null) : first
}

function inOrder(a: string | number | boolean | null, b: string | number | boolean | null) {
  if (a === null) return true
  if (b === null) return false
  return a <= b
}

test('keyset pages on every sort key cover every finding once, in order, with inserts between pages', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.tuple(...Array.from({ length: 30 }, (_, i) => findingArb(i))),
      fc.constantFrom(...(Object.keys(SORT_PATHS) as InspectorFindingSortKey[])),
      fc.constantFrom('ASC' as const, 'DESC' as const),
      async (findings, key, order) => {
        const storage = open()
        try {
          await storage.inspectorFindings.upsert(findings.map(stored))
          const filter = parseFilterCriteria({})
          const seen: Record<string, unknown>[] = []
          let after: FindingPosition | undefined
          let extra = 1000
          do {
            const page = await storage.inspectorFindings.query({
              scopes: [A, B],
              filter,
              sort: { key, order },
              limit: 7,
              ...(after ? { after } : {}),
            })
            seen.push(...page.findings.map((s) => s.finding))
            after = page.next
            // A concurrent writer adds a finding between pages.
            const [newcomer] = fc.sample(findingArb(extra++), { numRuns: 1, seed: extra })
            if (newcomer) await storage.inspectorFindings.upsert([stored(newcomer)])
          } while (after)
          const arns = seen.map((f) => String(f.findingArn))
          const original = arns.filter((arn) => parseInt(arn.slice(-32), 16) < 1000)
          assert.equal(new Set(original).size, original.length, 'no repeats')
          assert.deepEqual(
            [...original].sort(),
            findings.map((f) => f.findingArn).sort(),
            'no skips',
          )
          const values = seen.map((f) => sortValue(f, key))
          for (let i = 1; i < values.length; i++) {
            const [x, y] = order === 'ASC' ? [values[i - 1], values[i]] : [values[i], values[i - 1]]
            assert.ok(
              inOrder(x ?? null, y ?? null),
              `${key} ${order}: ${String(x)} before ${String(y)}`,
            )
          }
        } finally {
          storage.close()
        }
      },
    ),
    { numRuns: 60, seed: 7 },
  )
})

test('getByArns, aggregate and deletes are scoped; a replaced finding loses its old index rows', async () => {
  const storage = open()
  try {
    const [a, b] =
      fc.sample(fc.tuple(findingArb(1), findingArb(2)), { numRuns: 1, seed: 5 })[0] ?? []
    assert.ok(a && b)
    const fa = {
      ...a,
      awsAccountId: A.accountId,
      findingArn: a.findingArn.replace(/:\d{12}:/, `:${A.accountId}:`),
      resources: [{ type: 'AWS_EC2_INSTANCE', id: 'i-old' }],
      severity: 'HIGH',
      fixAvailable: 'YES',
    }
    const fb = {
      ...b,
      awsAccountId: B.accountId,
      findingArn: b.findingArn.replace(/:\d{12}:/, `:${B.accountId}:`),
      severity: 'HIGH',
    }
    await storage.inspectorFindings.upsert([stored(fa), stored(fb)])
    assert.deepEqual(
      (await storage.inspectorFindings.getByArns([A], [fa.findingArn, fb.findingArn, 'x'])).map(
        (s) => s.finding.findingArn,
      ),
      [fa.findingArn],
    )
    const groups = await storage.inspectorFindings.aggregate(
      [A, B],
      parseFilterCriteria({}),
      'account',
    )
    assert.deepEqual(
      groups.map((g) => [g.key, g.total, g.bySeverity.HIGH, g.fixAvailable]).sort(),
      [
        [A.accountId, 1, 1, 1],
        [B.accountId, 1, 1, fb.fixAvailable === 'YES' ? 1 : 0],
      ],
    )
    const byId = (id: string) =>
      storage.inspectorFindings.count(
        [A],
        parseFilterCriteria({ resourceId: [{ comparison: 'EQUALS', value: id }] }),
      )
    assert.equal(await byId('i-old'), 1)
    await storage.inspectorFindings.upsert([
      stored({ ...fa, resources: [{ type: 'AWS_EC2_INSTANCE', id: 'i-new' }] }),
    ])
    assert.equal(await byId('i-old'), 0)
    assert.equal(await byId('i-new'), 1)
    assert.equal(
      await storage.inspectorFindings.deleteByArns([A], [fb.findingArn]),
      0,
      'other scope',
    )
    assert.equal(await storage.inspectorFindings.deleteOfScope(B), 1)
    assert.equal(await storage.inspectorFindings.deleteByArns([A], [fa.findingArn]), 1)
    assert.equal(await storage.inspectorFindings.count([A, B], parseFilterCriteria({})), 0)
    await assert.rejects(
      storage.inspectorFindings.upsert([{ scope: B, finding: fa }]),
      /awsAccountId of its scope/,
    )
  } finally {
    storage.close()
  }
})
