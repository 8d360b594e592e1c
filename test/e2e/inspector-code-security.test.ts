/**
 * Inspector code security through the real SDK: integrations (PENDING until the provider's code is
 * supplied, then ACTIVE), scan configurations with their tags, project associations, and on-demand
 * scans that finish with no findings — with pages, and the refusals for unknown, foreign and invalid
 * resources.
 */
import {
  BatchAssociateCodeSecurityScanConfigurationCommand,
  BatchDisassociateCodeSecurityScanConfigurationCommand,
  CreateCodeSecurityIntegrationCommand,
  CreateCodeSecurityScanConfigurationCommand,
  DeleteCodeSecurityIntegrationCommand,
  DeleteCodeSecurityScanConfigurationCommand,
  GetCodeSecurityIntegrationCommand,
  GetCodeSecurityScanCommand,
  GetCodeSecurityScanConfigurationCommand,
  ListCodeSecurityIntegrationsCommand,
  ListCodeSecurityScanConfigurationAssociationsCommand,
  ListCodeSecurityScanConfigurationsCommand,
  ListTagsForResourceCommand,
  StartCodeSecurityScanCommand,
  TagResourceCommand,
  UpdateCodeSecurityIntegrationCommand,
  UpdateCodeSecurityScanConfigurationCommand,
  type CreateCodeSecurityScanConfigurationCommandInput,
  type Inspector2Client,
} from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { rejection } from '../helpers/rejection.js'
import { inspectorClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

let n = 0
/** A client of an account no other test uses. */
function fresh(region = 'us-east-1'): { id: string; client: Inspector2Client } {
  n++
  const id = String(750000000000 + n)
  return { id, client: inspectorClient(server.url, { accessKeyId: id, region }) }
}

const project = () => `project-${randomUUID()}`
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

/** Creates a GitHub integration and activates it. */
async function activeIntegration(client: Inspector2Client, name = 'github'): Promise<string> {
  const { integrationArn } = await client.send(
    new CreateCodeSecurityIntegrationCommand({ name, type: 'GITHUB' }),
  )
  await client.send(
    new UpdateCodeSecurityIntegrationCommand({
      integrationArn,
      details: { github: { code: 'gh-code', installationId: '1234' } },
    }),
  )
  return integrationArn ?? ''
}

function scanConfiguration(
  overrides: Partial<CreateCodeSecurityScanConfigurationCommandInput> = {},
): CreateCodeSecurityScanConfigurationCommandInput {
  return {
    name: 'weekly-sast',
    level: 'ACCOUNT',
    configuration: {
      periodicScanConfiguration: { frequency: 'WEEKLY', frequencyExpression: '0 3 ? * MON *' },
      continuousIntegrationScanConfiguration: { supportedEvents: ['PULL_REQUEST'] },
      ruleSetCategories: ['SAST', 'SCA'],
    },
    ...overrides,
  }
}

test('a GitLab integration is PENDING until the auth code arrives, then ACTIVE', async () => {
  const { id, client } = fresh()
  const before = Date.now()
  const created = await client.send(
    new CreateCodeSecurityIntegrationCommand({
      name: 'gitlab-main',
      type: 'GITLAB_SELF_MANAGED',
      details: {
        gitlabSelfManaged: { instanceUrl: 'https://gitlab.example.com/', accessToken: 'glpat-x' },
      },
      tags: { team: 'appsec' },
    }),
  )
  const arn = created.integrationArn ?? ''
  assert.match(
    arn,
    new RegExp(`^arn:aws:inspector2:us-east-1:${id}:codesecurity-integration/${UUID}$`),
  )
  assert.equal(created.status, 'PENDING')
  assert.match(
    created.authorizationUrl ?? '',
    /^https:\/\/gitlab\.example\.com\/oauth\/authorize\?/,
  )

  const pending = await client.send(new GetCodeSecurityIntegrationCommand({ integrationArn: arn }))
  assert.equal(pending.integrationArn, arn)
  assert.equal(pending.name, 'gitlab-main')
  assert.equal(pending.type, 'GITLAB_SELF_MANAGED')
  assert.equal(pending.status, 'PENDING')
  assert.match(pending.statusReason ?? '', /UpdateCodeSecurityIntegration/)
  assert.ok((pending.createdOn?.getTime() ?? 0) >= before - 1000)
  assert.deepEqual(pending.tags, { team: 'appsec' })

  const wrongDetails = await rejection(
    client.send(
      new UpdateCodeSecurityIntegrationCommand({
        integrationArn: arn,
        details: { github: { code: 'c', installationId: '1' } },
      }),
    ),
  )
  assert.equal(wrongDetails.name, 'ValidationException')
  assert.equal(wrongDetails.fields?.[0]?.name, 'details')

  const updated = await client.send(
    new UpdateCodeSecurityIntegrationCommand({
      integrationArn: arn,
      details: { gitlabSelfManaged: { authCode: 'auth-code' } },
    }),
  )
  assert.deepEqual([updated.integrationArn, updated.status], [arn, 'ACTIVE'])
  const active = await client.send(new GetCodeSecurityIntegrationCommand({ integrationArn: arn }))
  assert.equal(active.status, 'ACTIVE')
  assert.equal(active.authorizationUrl, undefined)
  assert.ok((active.lastUpdateOn?.getTime() ?? 0) >= (active.createdOn?.getTime() ?? Infinity))

  const listed = await client.send(new ListCodeSecurityIntegrationsCommand({}))
  assert.deepEqual(
    listed.integrations?.map((i) => [i.integrationArn, i.name, i.type, i.status, i.tags]),
    [[arn, 'gitlab-main', 'GITLAB_SELF_MANAGED', 'ACTIVE', { team: 'appsec' }]],
  )

  const deleted = await client.send(
    new DeleteCodeSecurityIntegrationCommand({ integrationArn: arn }),
  )
  assert.equal(deleted.integrationArn, arn)
  const gone = await rejection(
    client.send(new GetCodeSecurityIntegrationCommand({ integrationArn: arn })),
  )
  assert.equal(gone.name, 'ResourceNotFoundException')
  assert.equal(gone.$metadata.httpStatusCode, 404)
  assert.deepEqual(
    (await client.send(new ListCodeSecurityIntegrationsCommand({}))).integrations,
    [],
  )
})

test('GitHub integrations, and the refusals of integration requests', async () => {
  const { id, client } = fresh()
  const created = await client.send(
    new CreateCodeSecurityIntegrationCommand({ name: 'gh', type: 'GITHUB' }),
  )
  assert.equal(created.status, 'PENDING')
  assert.ok(created.authorizationUrl)
  const gitlabDetails = await rejection(
    client.send(
      new UpdateCodeSecurityIntegrationCommand({
        integrationArn: created.integrationArn,
        details: { gitlabSelfManaged: { authCode: 'x' } },
      }),
    ),
  )
  assert.equal(gitlabDetails.name, 'ValidationException')
  const activated = await client.send(
    new UpdateCodeSecurityIntegrationCommand({
      integrationArn: created.integrationArn,
      details: { github: { code: 'c', installationId: '42' } },
    }),
  )
  assert.equal(activated.status, 'ACTIVE')

  const duplicate = await rejection(
    client.send(new CreateCodeSecurityIntegrationCommand({ name: 'gh', type: 'GITHUB' })),
  )
  assert.equal(duplicate.name, 'ConflictException')
  assert.equal(duplicate.$metadata.httpStatusCode, 409)
  const noDetails = await rejection(
    client.send(
      new CreateCodeSecurityIntegrationCommand({ name: 'gl', type: 'GITLAB_SELF_MANAGED' }),
    ),
  )
  assert.equal(noDetails.name, 'ValidationException')
  assert.equal(noDetails.fields?.[0]?.name, 'details')
  const extraDetails = await rejection(
    client.send(
      new CreateCodeSecurityIntegrationCommand({
        name: 'gh2',
        type: 'GITHUB',
        details: { gitlabSelfManaged: { instanceUrl: 'https://gl.example.com', accessToken: 't' } },
      }),
    ),
  )
  assert.equal(extraDetails.name, 'ValidationException')
  const badName = await rejection(
    client.send(new CreateCodeSecurityIntegrationCommand({ name: 'has space', type: 'GITHUB' })),
  )
  assert.equal(badName.name, 'ValidationException')
  assert.equal(badName.fields?.[0]?.name, 'name')

  const unknown = `arn:aws:inspector2:us-east-1:${id}:codesecurity-integration/${randomUUID()}`
  for (const command of [
    new GetCodeSecurityIntegrationCommand({ integrationArn: unknown }),
    new DeleteCodeSecurityIntegrationCommand({ integrationArn: unknown }),
  ]) {
    const e = await rejection(client.send(command as GetCodeSecurityIntegrationCommand))
    assert.equal(e.name, 'ResourceNotFoundException', command.constructor.name)
  }
  const intruder = fresh().client
  for (const command of [
    new GetCodeSecurityIntegrationCommand({ integrationArn: created.integrationArn }),
    new DeleteCodeSecurityIntegrationCommand({ integrationArn: created.integrationArn }),
    new UpdateCodeSecurityIntegrationCommand({
      integrationArn: created.integrationArn,
      details: { github: { code: 'c', installationId: '1' } },
    }),
  ]) {
    const e = await rejection(intruder.send(command as GetCodeSecurityIntegrationCommand))
    assert.equal(e.name, 'AccessDeniedException', command.constructor.name)
    assert.equal(e.$metadata.httpStatusCode, 403)
  }
  assert.equal(
    (
      await client.send(
        new GetCodeSecurityIntegrationCommand({ integrationArn: created.integrationArn }),
      )
    ).status,
    'ACTIVE',
  )
})

test('ListCodeSecurityIntegrations pages in name order', async () => {
  const { client } = fresh()
  const names = ['e', 'd', 'c', 'b', 'a']
  for (const name of names)
    await client.send(new CreateCodeSecurityIntegrationCommand({ name, type: 'GITHUB' }))
  const pages: string[][] = []
  let nextToken: string | undefined
  do {
    const page = await client.send(
      new ListCodeSecurityIntegrationsCommand({ maxResults: 2, nextToken }),
    )
    pages.push(page.integrations?.map((i) => i.name ?? '') ?? [])
    nextToken = page.nextToken
  } while (nextToken)
  assert.deepEqual(pages, [['a', 'b'], ['c', 'd'], ['e']])
  const bad = await rejection(
    client.send(new ListCodeSecurityIntegrationsCommand({ nextToken: 'garbage' })),
  )
  assert.equal(bad.name, 'ValidationException')
  assert.equal(bad.fields?.[0]?.name, 'nextToken')
})

test('scan configurations are created, read, listed, tagged, updated and deleted', async () => {
  const { id, client } = fresh()
  const { scanConfigurationArn: arn = '' } = await client.send(
    new CreateCodeSecurityScanConfigurationCommand(scanConfiguration({ tags: { owner: 'sec' } })),
  )
  assert.match(
    arn,
    new RegExp(
      `^arn:aws:inspector2:us-east-1:${id}:owner/${id}/codesecurity-configuration/${UUID}$`,
    ),
  )
  const got = await client.send(
    new GetCodeSecurityScanConfigurationCommand({ scanConfigurationArn: arn }),
  )
  assert.equal(got.scanConfigurationArn, arn)
  assert.equal(got.name, 'weekly-sast')
  assert.equal(got.level, 'ACCOUNT')
  assert.deepEqual(got.configuration, scanConfiguration().configuration)
  assert.equal(got.scopeSettings, undefined)
  assert.ok(got.createdAt instanceof Date)
  assert.ok(got.lastUpdatedAt instanceof Date)
  assert.deepEqual(got.tags, { owner: 'sec' })

  const { scanConfigurationArn: defaultArn } = await client.send(
    new CreateCodeSecurityScanConfigurationCommand(
      scanConfiguration({
        name: 'default',
        configuration: { ruleSetCategories: ['IAC'] },
        scopeSettings: { projectSelectionScope: 'ALL' },
      }),
    ),
  )
  const listed = await client.send(new ListCodeSecurityScanConfigurationsCommand({}))
  assert.deepEqual(listed.configurations, [
    {
      scanConfigurationArn: defaultArn,
      name: 'default',
      ownerAccountId: id,
      ruleSetCategories: ['IAC'],
      scopeSettings: { projectSelectionScope: 'ALL' },
      tags: {},
    },
    {
      scanConfigurationArn: arn,
      name: 'weekly-sast',
      ownerAccountId: id,
      periodicScanFrequency: 'WEEKLY',
      frequencyExpression: '0 3 ? * MON *',
      continuousIntegrationScanSupportedEvents: ['PULL_REQUEST'],
      ruleSetCategories: ['SAST', 'SCA'],
      tags: { owner: 'sec' },
    },
  ])
  const page = await client.send(new ListCodeSecurityScanConfigurationsCommand({ maxResults: 1 }))
  assert.equal(page.configurations?.[0]?.name, 'default')
  const rest = await client.send(
    new ListCodeSecurityScanConfigurationsCommand({ maxResults: 1, nextToken: page.nextToken }),
  )
  assert.deepEqual(
    rest.configurations?.map((c) => c.name),
    ['weekly-sast'],
  )
  assert.equal(rest.nextToken, undefined)

  await client.send(new TagResourceCommand({ resourceArn: arn, tags: { tier: 'gold' } }))
  assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, {
    owner: 'sec',
    tier: 'gold',
  })

  const updated = await client.send(
    new UpdateCodeSecurityScanConfigurationCommand({
      scanConfigurationArn: arn,
      configuration: {
        periodicScanConfiguration: { frequency: 'NEVER' },
        ruleSetCategories: ['SCA'],
      },
    }),
  )
  assert.equal(updated.scanConfigurationArn, arn)
  const after = await client.send(
    new GetCodeSecurityScanConfigurationCommand({ scanConfigurationArn: arn }),
  )
  assert.deepEqual(after.configuration, {
    periodicScanConfiguration: { frequency: 'NEVER' },
    ruleSetCategories: ['SCA'],
  })
  assert.equal(after.name, 'weekly-sast')
  assert.deepEqual(after.tags, { owner: 'sec', tier: 'gold' })

  const deleted = await client.send(
    new DeleteCodeSecurityScanConfigurationCommand({ scanConfigurationArn: arn }),
  )
  assert.equal(deleted.scanConfigurationArn, arn)
  for (const command of [
    new GetCodeSecurityScanConfigurationCommand({ scanConfigurationArn: arn }),
    new DeleteCodeSecurityScanConfigurationCommand({ scanConfigurationArn: arn }),
    new ListTagsForResourceCommand({ resourceArn: arn }),
  ]) {
    const e = await rejection(client.send(command as GetCodeSecurityScanConfigurationCommand))
    assert.equal(e.name, 'ResourceNotFoundException', command.constructor.name)
  }
  assert.deepEqual(
    (await client.send(new ListCodeSecurityScanConfigurationsCommand({}))).configurations?.map(
      (c) => c.name,
    ),
    ['default'],
  )
})

test('scan configuration requests are refused when invalid, duplicate, unknown or foreign', async () => {
  const { id, client } = fresh()
  const { scanConfigurationArn: arn } = await client.send(
    new CreateCodeSecurityScanConfigurationCommand(
      scanConfiguration({ scopeSettings: { projectSelectionScope: 'ALL' } }),
    ),
  )
  const duplicate = await rejection(
    client.send(new CreateCodeSecurityScanConfigurationCommand(scanConfiguration())),
  )
  assert.equal(duplicate.name, 'ConflictException')
  const secondDefault = await rejection(
    client.send(
      new CreateCodeSecurityScanConfigurationCommand(
        scanConfiguration({ name: 'other', scopeSettings: { projectSelectionScope: 'ALL' } }),
      ),
    ),
  )
  assert.equal(secondDefault.name, 'ConflictException')
  const never = await rejection(
    client.send(
      new CreateCodeSecurityScanConfigurationCommand(
        scanConfiguration({
          name: 'never',
          configuration: {
            periodicScanConfiguration: { frequency: 'NEVER', frequencyExpression: '0 0 * * *' },
            ruleSetCategories: ['SAST'],
          },
        }),
      ),
    ),
  )
  assert.equal(never.name, 'ValidationException')
  assert.equal(
    never.fields?.[0]?.name,
    'configuration.periodicScanConfiguration.frequencyExpression',
  )
  const noRules = await rejection(
    client.send(
      new CreateCodeSecurityScanConfigurationCommand(
        scanConfiguration({ name: 'empty', configuration: { ruleSetCategories: [] } }),
      ),
    ),
  )
  assert.equal(noRules.name, 'ValidationException')
  const organization = await rejection(
    client.send(
      new CreateCodeSecurityScanConfigurationCommand(
        scanConfiguration({ name: 'org', level: 'ORGANIZATION' }),
      ),
    ),
  )
  assert.equal(organization.name, 'AccessDeniedException')

  const unknown = `arn:aws:inspector2:us-east-1:${id}:owner/${id}/codesecurity-configuration/${randomUUID()}`
  for (const command of [
    new GetCodeSecurityScanConfigurationCommand({ scanConfigurationArn: unknown }),
    new UpdateCodeSecurityScanConfigurationCommand({
      scanConfigurationArn: unknown,
      configuration: { ruleSetCategories: ['SAST'] },
    }),
    new ListCodeSecurityScanConfigurationAssociationsCommand({ scanConfigurationArn: unknown }),
  ]) {
    const e = await rejection(client.send(command as GetCodeSecurityScanConfigurationCommand))
    assert.equal(e.name, 'ResourceNotFoundException', command.constructor.name)
  }
  const intruder = fresh().client
  for (const command of [
    new GetCodeSecurityScanConfigurationCommand({ scanConfigurationArn: arn }),
    new DeleteCodeSecurityScanConfigurationCommand({ scanConfigurationArn: arn }),
    new ListCodeSecurityScanConfigurationAssociationsCommand({ scanConfigurationArn: arn }),
  ]) {
    const e = await rejection(intruder.send(command))
    assert.equal(e.name, 'AccessDeniedException', command.constructor.name)
  }
  const west = inspectorClient(server.url, { accessKeyId: id, region: 'us-west-2' })
  const elsewhere = await rejection(
    west.send(new GetCodeSecurityScanConfigurationCommand({ scanConfigurationArn: arn })),
  )
  assert.equal(elsewhere.name, 'ResourceNotFoundException')
})

test('projects are associated with scan configurations once an integration is active', async () => {
  const { id, client } = fresh()
  const { scanConfigurationArn: arn = '' } = await client.send(
    new CreateCodeSecurityScanConfigurationCommand(scanConfiguration()),
  )
  const p1 = project()
  const early = await client.send(
    new BatchAssociateCodeSecurityScanConfigurationCommand({
      associateConfigurationRequests: [{ scanConfigurationArn: arn, resource: { projectId: p1 } }],
    }),
  )
  assert.deepEqual(early.successfulAssociations, [])
  assert.equal(early.failedAssociations?.[0]?.statusCode, 'RESOURCE_NOT_FOUND')

  await activeIntegration(client)
  const projects = [project(), project(), project()].sort() as [string, string, string]
  const foreign = fresh()
  const { scanConfigurationArn: theirs = '' } = await foreign.client.send(
    new CreateCodeSecurityScanConfigurationCommand(scanConfiguration()),
  )
  const unknown = `arn:aws:inspector2:us-east-1:${id}:owner/${id}/codesecurity-configuration/${randomUUID()}`
  const associated = await client.send(
    new BatchAssociateCodeSecurityScanConfigurationCommand({
      associateConfigurationRequests: [
        ...projects.map((projectId) => ({ scanConfigurationArn: arn, resource: { projectId } })),
        { scanConfigurationArn: unknown, resource: { projectId: p1 } },
        { scanConfigurationArn: theirs, resource: { projectId: p1 } },
      ],
    }),
  )
  assert.deepEqual(
    associated.successfulAssociations?.map((s) => s.resource?.projectId),
    projects,
  )
  assert.deepEqual(
    associated.failedAssociations?.map((f) => [f.scanConfigurationArn, f.statusCode]),
    [
      [unknown, 'SCAN_CONFIGURATION_NOT_FOUND'],
      [theirs, 'ACCESS_DENIED'],
    ],
  )
  // Associating again is harmless.
  const again = await client.send(
    new BatchAssociateCodeSecurityScanConfigurationCommand({
      associateConfigurationRequests: [
        { scanConfigurationArn: arn, resource: { projectId: projects[0] } },
      ],
    }),
  )
  assert.equal(again.successfulAssociations?.length, 1)

  const first = await client.send(
    new ListCodeSecurityScanConfigurationAssociationsCommand({
      scanConfigurationArn: arn,
      maxResults: 2,
    }),
  )
  assert.deepEqual(
    first.associations?.map((a) => a.resource?.projectId),
    projects.slice(0, 2),
  )
  const second = await client.send(
    new ListCodeSecurityScanConfigurationAssociationsCommand({
      scanConfigurationArn: arn,
      maxResults: 2,
      nextToken: first.nextToken,
    }),
  )
  assert.deepEqual(
    second.associations?.map((a) => a.resource?.projectId),
    projects.slice(2),
  )
  assert.equal(second.nextToken, undefined)

  const disassociated = await client.send(
    new BatchDisassociateCodeSecurityScanConfigurationCommand({
      disassociateConfigurationRequests: [
        { scanConfigurationArn: arn, resource: { projectId: projects[1] } },
        { scanConfigurationArn: arn, resource: { projectId: p1 } },
      ],
    }),
  )
  assert.deepEqual(
    disassociated.successfulAssociations?.map((s) => s.resource?.projectId),
    [projects[1]],
  )
  assert.deepEqual(
    disassociated.failedAssociations?.map((f) => [f.resource?.projectId, f.statusCode]),
    [[p1, 'RESOURCE_NOT_FOUND']],
  )
  const remaining = await client.send(
    new ListCodeSecurityScanConfigurationAssociationsCommand({ scanConfigurationArn: arn }),
  )
  assert.deepEqual(
    remaining.associations?.map((a) => a.resource?.projectId),
    [projects[0], projects[2]],
  )
  const badProject = await rejection(
    client.send(
      new BatchAssociateCodeSecurityScanConfigurationCommand({
        associateConfigurationRequests: [
          { scanConfigurationArn: arn, resource: { projectId: 'repo-1' } },
        ],
      }),
    ),
  )
  assert.equal(badProject.name, 'ValidationException')
})

test('scans started on a project finish with no findings', async () => {
  const { id, client } = fresh()
  const p = project()
  const early = await rejection(
    client.send(new StartCodeSecurityScanCommand({ resource: { projectId: p } })),
  )
  assert.equal(early.name, 'ResourceNotFoundException')

  await activeIntegration(client)
  const before = Date.now()
  const started = await client.send(
    new StartCodeSecurityScanCommand({ resource: { projectId: p }, clientToken: 'scan-1' }),
  )
  assert.match(started.scanId ?? '', new RegExp(`^${UUID}$`))
  assert.equal(started.status, 'SUCCESSFUL')
  const replay = await client.send(
    new StartCodeSecurityScanCommand({ resource: { projectId: p }, clientToken: 'scan-1' }),
  )
  assert.equal(replay.scanId, started.scanId)
  const reused = await rejection(
    client.send(
      new StartCodeSecurityScanCommand({
        resource: { projectId: project() },
        clientToken: 'scan-1',
      }),
    ),
  )
  assert.equal(reused.name, 'ValidationException')
  const another = await client.send(
    new StartCodeSecurityScanCommand({ resource: { projectId: p } }),
  )
  assert.notEqual(another.scanId, started.scanId)

  const scan = await client.send(
    new GetCodeSecurityScanCommand({ resource: { projectId: p }, scanId: started.scanId }),
  )
  assert.equal(scan.scanId, started.scanId)
  assert.deepEqual(scan.resource, { projectId: p })
  assert.equal(scan.accountId, id)
  assert.equal(scan.status, 'SUCCESSFUL')
  assert.match(scan.statusReason ?? '', /no findings/)
  assert.ok((scan.createdAt?.getTime() ?? 0) >= before - 1000)
  assert.ok(scan.updatedAt instanceof Date)
  assert.equal(scan.lastCommitId, undefined)

  const wrongProject = await rejection(
    client.send(
      new GetCodeSecurityScanCommand({
        resource: { projectId: project() },
        scanId: started.scanId,
      }),
    ),
  )
  assert.equal(wrongProject.name, 'ResourceNotFoundException')
  const otherAccount = await rejection(
    fresh().client.send(
      new GetCodeSecurityScanCommand({ resource: { projectId: p }, scanId: started.scanId }),
    ),
  )
  assert.equal(otherAccount.name, 'ResourceNotFoundException')
  const malformed = await rejection(
    client.send(new GetCodeSecurityScanCommand({ resource: { projectId: p }, scanId: 'scan-1' })),
  )
  assert.equal(malformed.name, 'ValidationException')
})
