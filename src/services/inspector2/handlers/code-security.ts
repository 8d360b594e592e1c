/**
 * Inspector code security: integrations with repository providers (Create/Update/Delete/Get/
 * ListCodeSecurityIntegrations), scan configurations (Create/Update/Delete/Get/
 * ListCodeSecurityScanConfigurations), their project associations (BatchAssociate/
 * BatchDisassociateCodeSecurityScanConfiguration, ListCodeSecurityScanConfigurationAssociations) and
 * on-demand scans (StartCodeSecurityScan, GetCodeSecurityScan), kept per (account, region).
 *
 * Vigil never contacts GitHub or GitLab. An integration is created `PENDING` with an authorization URL
 * Vigil does not serve; UpdateCodeSecurityIntegration with the provider's code makes it `ACTIVE` (the
 * GitLab access token is not kept). Projects cannot be imported, so any well-formed project id counts as
 * a project of the account once it has an `ACTIVE` integration, and none does before. A scan started on
 * a project finishes at once as `SUCCESSFUL` with no findings and a status reason saying nothing was
 * analysed. Names of integrations and of scan configurations are unique per account (a duplicate is a
 * `ConflictException`), as is the default scan configuration (one with `scopeSettings`); an
 * `ORGANIZATION` level configuration requires the Inspector delegated administrator. Integrations and
 * scan configurations are listed by name, associations by project id. Tags live in the shared tag
 * store, keyed by ARN.
 *
 * ARNs: `arn:aws:inspector2:<region>:<account>:codesecurity-integration/<uuid>` and
 * `arn:aws:inspector2:<region>:<account>:owner/<account>/codesecurity-configuration/<uuid>`, the forms
 * of the model's `CodeSecurityIntegrationArn` and `ScanConfigurationArn`.
 */
import { randomUUID } from 'node:crypto'
import type { Clock } from '../../../core/clock.js'
import type { ResourceRecord, Scope, Storage } from '../../../storage/ports.js'
import { idempotent } from '../../idempotency.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import {
  AccessDeniedException,
  ConflictException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
} from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { keysetPage, type Position } from './cis-filters.js'
import type { InspectorOrganizations } from './organization-state.js'
import {
  ASSOCIATION_KIND,
  CODE_SCAN_KIND,
  type CodeScanBody,
  codeSecurityConfigurationExists,
  INTEGRATION_KIND,
  type IntegrationBody,
  integrationArn,
  locate,
  MAX_INTEGRATIONS,
  MAX_SCAN_CONFIGURATIONS,
  NO_REPOSITORY_REASON,
  SCAN_CONFIGURATION_KIND,
  type ScanConfigurationBody,
  scanConfigurationArn,
} from './code-security-state.js'
import { listAll } from './pages.js'
import { tagsChange, tagsOf } from './resource-tags.js'

export interface CodeSecurityDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: InspectorOrganizations
}

/** @throws ValidationException when a `NEVER` periodic scan has a schedule expression */
function checkConfiguration(configuration: i2.CodeSecurityScanConfiguration): void {
  const periodic = configuration.periodicScanConfiguration
  if (periodic?.frequency === 'NEVER' && periodic.frequencyExpression !== undefined)
    throw invalidField(
      'configuration.periodicScanConfiguration.frequencyExpression',
      'A frequencyExpression cannot be given with the frequency NEVER.',
    )
}

export function codeSecurityHandlers({ storage, clock, organizations }: CodeSecurityDeps) {
  /**
   * The record an ARN names in the caller's scope.
   * @throws ValidationException for an ARN of the wrong form
   * @throws AccessDeniedException for another account's resource
   * @throws ResourceNotFoundException when it does not exist
   */
  async function requireResource<T>(
    arn: string,
    ctx: ServiceContext,
    kind: 'integration' | 'configuration',
    field: string,
  ): Promise<ResourceRecord<T>> {
    const at = locate(arn, ctx, kind)
    const what = kind === 'integration' ? 'code security integration' : 'scan configuration'
    if (at === 'malformed') throw invalidField(field, `${arn} is not a ${what} ARN.`)
    if (at === 'other-account')
      throw new AccessDeniedException(
        `Account ${ctx.accountId} is not authorized to access the resource ${arn}.`,
      )
    const record =
      at === 'elsewhere'
        ? undefined
        : await storage.resources.get<T>({
            scope: scopeOf(ctx),
            kind: kind === 'integration' ? INTEGRATION_KIND : SCAN_CONFIGURATION_KIND,
            parentId: '',
            id: at.id,
          })
    if (!record) throw new ResourceNotFoundException(`The ${what} ${arn} does not exist.`)
    return record
  }

  /** Whether `projectId` names a project of the caller: any, once an integration is ACTIVE. */
  async function projectExists(scope: Scope): Promise<boolean> {
    const integrations = await listAll<IntegrationBody>(storage, scope, INTEGRATION_KIND)
    return integrations.some((i) => i.body.status === 'ACTIVE')
  }

  const byName = (r: ResourceRecord<{ readonly name: string }>): Position => [r.body.name, r.id]

  /** The put of a new top-level record. */
  const newRecord = <T>(scope: Scope, kind: string, id: string, body: T, now: number) => ({
    put: { scope, kind, parentId: '', id, sortKey: id, createdAtMs: now, updatedAtMs: now, body },
  })

  const integrationSummary = async (
    scope: Scope,
    r: ResourceRecord<IntegrationBody>,
  ): Promise<i2.CodeSecurityIntegrationSummary> => {
    const arn = integrationArn(scope, r.id)
    return {
      integrationArn: arn,
      name: r.body.name,
      type: r.body.type,
      status: r.body.status,
      statusReason: r.body.statusReason,
      createdOn: new Date(r.createdAtMs),
      lastUpdateOn: new Date(r.updatedAtMs),
      tags: await tagsOf(storage, scope, arn),
    }
  }

  /** Associates or disassociates projects, one request at a time. */
  async function batch(
    requests: readonly i2.AssociateConfigurationRequest[],
    ctx: ServiceContext,
    associate: boolean,
  ): Promise<i2.BatchAssociateCodeSecurityScanConfigurationResponse> {
    const scope = scopeOf(ctx)
    const failedAssociations: i2.FailedAssociationResult[] = []
    const successfulAssociations: i2.SuccessfulAssociationResult[] = []
    const hasProjects = await projectExists(scope)
    for (const { scanConfigurationArn: arn, resource } of requests) {
      const fail = (statusCode: i2.AssociationResultStatusCode, statusMessage: string) =>
        failedAssociations.push({ scanConfigurationArn: arn, resource, statusCode, statusMessage })
      const at = locate(arn, ctx, 'configuration')
      if (at === 'malformed') {
        fail('INVALID_INPUT', `${arn} is not a scan configuration ARN.`)
        continue
      }
      if (at === 'other-account') {
        fail('ACCESS_DENIED', `Account ${ctx.accountId} is not authorized to access ${arn}.`)
        continue
      }
      if (at === 'elsewhere' || !(await codeSecurityConfigurationExists(storage, scope, at.id))) {
        fail('SCAN_CONFIGURATION_NOT_FOUND', `The scan configuration ${arn} does not exist.`)
        continue
      }
      const projectId = resource.projectId
      if (!projectId || !hasProjects) {
        fail('RESOURCE_NOT_FOUND', `The project ${projectId ?? ''} does not exist.`)
        continue
      }
      const key = { scope, kind: ASSOCIATION_KIND, parentId: at.id, id: projectId }
      if (associate) {
        const now = clock.now()
        const existing = await storage.resources.get(key)
        if (!existing)
          await storage.resources.apply([
            { put: { ...key, sortKey: projectId, createdAtMs: now, updatedAtMs: now, body: {} } },
          ])
      } else if (!(await storage.resources.delete(key))) {
        fail('RESOURCE_NOT_FOUND', `The project ${projectId} is not associated with ${arn}.`)
        continue
      }
      successfulAssociations.push({ scanConfigurationArn: arn, resource })
    }
    return { failedAssociations, successfulAssociations }
  }

  return {
    async CreateCodeSecurityIntegration(
      input: i2.CreateCodeSecurityIntegrationRequest,
      ctx: ServiceContext,
    ): Promise<i2.CreateCodeSecurityIntegrationResponse> {
      const scope = scopeOf(ctx)
      const gitlab = input.details?.gitlabSelfManaged
      if (input.type === 'GITLAB_SELF_MANAGED' && !gitlab)
        throw invalidField(
          'details',
          'A GITLAB_SELF_MANAGED integration requires details.gitlabSelfManaged.',
        )
      if (input.type === 'GITHUB' && input.details)
        throw invalidField('details', 'A GITHUB integration takes no creation details.')
      const existing = await listAll<IntegrationBody>(storage, scope, INTEGRATION_KIND)
      if (existing.some((i) => i.body.name === input.name))
        throw new ConflictException(`An integration named ${input.name} already exists.`, {
          resourceId: input.name,
          resourceType: 'CODE_SECURITY_INTEGRATION',
        })
      if (existing.length >= MAX_INTEGRATIONS)
        throw new ServiceQuotaExceededException(
          `An account can have at most ${MAX_INTEGRATIONS} code security integrations.`,
          { resourceId: input.name },
        )
      const id = randomUUID()
      const arn = integrationArn(scope, id)
      const instanceUrl = gitlab?.instanceUrl.replace(/\/+$/, '')
      const authorizationUrl = instanceUrl
        ? `${instanceUrl}/oauth/authorize?response_type=code&state=${id}`
        : `https://github.com/login/oauth/authorize?state=${id}`
      const body: IntegrationBody = {
        name: input.name,
        type: input.type,
        status: 'PENDING',
        statusReason:
          'Waiting for authorization: authorize with the provider, then call ' +
          'UpdateCodeSecurityIntegration with the code it returns.',
        ...(instanceUrl ? { instanceUrl } : {}),
        authorizationUrl,
      }
      const now = clock.now()
      await storage.resources.apply([
        newRecord(scope, INTEGRATION_KIND, id, body, now),
        tagsChange(scope, arn, input.tags, now),
      ])
      return { integrationArn: arn, status: body.status, authorizationUrl }
    },

    async UpdateCodeSecurityIntegration(
      input: i2.UpdateCodeSecurityIntegrationRequest,
      ctx: ServiceContext,
    ): Promise<i2.UpdateCodeSecurityIntegrationResponse> {
      const found = await requireResource<IntegrationBody>(
        input.integrationArn,
        ctx,
        'integration',
        'integrationArn',
      )
      const { github, gitlabSelfManaged } = input.details
      if (found.body.type === 'GITHUB' ? !github : !gitlabSelfManaged)
        throw invalidField(
          'details',
          `A ${found.body.type} integration is updated with details.${found.body.type === 'GITHUB' ? 'github' : 'gitlabSelfManaged'}.`,
        )
      const { authorizationUrl: _, ...rest } = found.body
      const body: IntegrationBody = {
        ...rest,
        status: 'ACTIVE',
        statusReason:
          'Integration active. Vigil does not connect to the provider: projects are not imported ' +
          'and scans report no findings.',
        ...(github ? { installationId: github.installationId } : {}),
      }
      await storage.resources.apply([{ put: { ...found, updatedAtMs: clock.now(), body } }])
      return { integrationArn: input.integrationArn, status: body.status }
    },

    async DeleteCodeSecurityIntegration(
      input: i2.DeleteCodeSecurityIntegrationRequest,
      ctx: ServiceContext,
    ): Promise<i2.DeleteCodeSecurityIntegrationResponse> {
      const scope = scopeOf(ctx)
      const found = await requireResource(
        input.integrationArn,
        ctx,
        'integration',
        'integrationArn',
      )
      await storage.resources.apply([
        { delete: { scope, kind: INTEGRATION_KIND, parentId: '', id: found.id } },
        tagsChange(scope, input.integrationArn, undefined, clock.now()),
      ])
      return { integrationArn: input.integrationArn }
    },

    async GetCodeSecurityIntegration(
      input: i2.GetCodeSecurityIntegrationRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetCodeSecurityIntegrationResponse> {
      const found = await requireResource<IntegrationBody>(
        input.integrationArn,
        ctx,
        'integration',
        'integrationArn',
      )
      return integrationSummary(scopeOf(ctx), found)
    },

    async ListCodeSecurityIntegrations(
      input: i2.ListCodeSecurityIntegrationsRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListCodeSecurityIntegrationsResponse> {
      const scope = scopeOf(ctx)
      const all = await listAll<IntegrationBody>(storage, scope, INTEGRATION_KIND)
      const page = keysetPage(
        all,
        byName,
        false,
        ['ListCodeSecurityIntegrations', scope],
        input.maxResults,
        input.nextToken,
        100,
      )
      return {
        integrations: await Promise.all(page.items.map((r) => integrationSummary(scope, r))),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      }
    },

    async CreateCodeSecurityScanConfiguration(
      input: i2.CreateCodeSecurityScanConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.CreateCodeSecurityScanConfigurationResponse> {
      const scope = scopeOf(ctx)
      if (input.level === 'ORGANIZATION') await organizations.requireAdmin(scope)
      checkConfiguration(input.configuration)
      const existing = await listAll<ScanConfigurationBody>(storage, scope, SCAN_CONFIGURATION_KIND)
      const conflict = (message: string, resourceId: string) =>
        new ConflictException(message, {
          resourceId,
          resourceType: 'CODE_SECURITY_SCAN_CONFIGURATION',
        })
      const named = existing.find((c) => c.body.name === input.name)
      if (named)
        throw conflict(
          `A scan configuration named ${input.name} already exists.`,
          scanConfigurationArn(scope, named.id),
        )
      const defaults = existing.find((c) => c.body.scopeSettings?.projectSelectionScope)
      if (input.scopeSettings?.projectSelectionScope && defaults)
        throw conflict(
          'The account already has a default scan configuration (one with scopeSettings).',
          scanConfigurationArn(scope, defaults.id),
        )
      if (existing.length >= MAX_SCAN_CONFIGURATIONS)
        throw new ServiceQuotaExceededException(
          `An account can have at most ${MAX_SCAN_CONFIGURATIONS} code security scan configurations.`,
          { resourceId: input.name },
        )
      const id = randomUUID()
      const arn = scanConfigurationArn(scope, id)
      const body: ScanConfigurationBody = {
        name: input.name,
        level: input.level,
        configuration: input.configuration,
        ...(input.scopeSettings ? { scopeSettings: input.scopeSettings } : {}),
      }
      const now = clock.now()
      await storage.resources.apply([
        newRecord(scope, SCAN_CONFIGURATION_KIND, id, body, now),
        tagsChange(scope, arn, input.tags, now),
      ])
      return { scanConfigurationArn: arn }
    },

    async UpdateCodeSecurityScanConfiguration(
      input: i2.UpdateCodeSecurityScanConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.UpdateCodeSecurityScanConfigurationResponse> {
      const found = await requireResource<ScanConfigurationBody>(
        input.scanConfigurationArn,
        ctx,
        'configuration',
        'scanConfigurationArn',
      )
      checkConfiguration(input.configuration)
      await storage.resources.apply([
        {
          put: {
            ...found,
            updatedAtMs: clock.now(),
            body: { ...found.body, configuration: input.configuration },
          },
        },
      ])
      return { scanConfigurationArn: input.scanConfigurationArn }
    },

    async DeleteCodeSecurityScanConfiguration(
      input: i2.DeleteCodeSecurityScanConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.DeleteCodeSecurityScanConfigurationResponse> {
      const scope = scopeOf(ctx)
      const found = await requireResource(
        input.scanConfigurationArn,
        ctx,
        'configuration',
        'scanConfigurationArn',
      )
      await storage.resources.apply([
        { delete: { scope, kind: SCAN_CONFIGURATION_KIND, parentId: '', id: found.id } },
        tagsChange(scope, input.scanConfigurationArn, undefined, clock.now()),
      ])
      await storage.resources.deleteUnder(scope, found.id)
      return { scanConfigurationArn: input.scanConfigurationArn }
    },

    async GetCodeSecurityScanConfiguration(
      input: i2.GetCodeSecurityScanConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetCodeSecurityScanConfigurationResponse> {
      const scope = scopeOf(ctx)
      const found = await requireResource<ScanConfigurationBody>(
        input.scanConfigurationArn,
        ctx,
        'configuration',
        'scanConfigurationArn',
      )
      const b = found.body
      return {
        scanConfigurationArn: input.scanConfigurationArn,
        name: b.name,
        configuration: b.configuration,
        level: b.level,
        ...(b.scopeSettings ? { scopeSettings: b.scopeSettings } : {}),
        createdAt: new Date(found.createdAtMs),
        lastUpdatedAt: new Date(found.updatedAtMs),
        tags: await tagsOf(storage, scope, input.scanConfigurationArn),
      }
    },

    async ListCodeSecurityScanConfigurations(
      input: i2.ListCodeSecurityScanConfigurationsRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListCodeSecurityScanConfigurationsResponse> {
      const scope = scopeOf(ctx)
      const all = await listAll<ScanConfigurationBody>(storage, scope, SCAN_CONFIGURATION_KIND)
      const page = keysetPage(
        all,
        byName,
        false,
        ['ListCodeSecurityScanConfigurations', scope],
        input.maxResults,
        input.nextToken,
        100,
      )
      const configurations = await Promise.all(
        page.items.map(async (r): Promise<i2.CodeSecurityScanConfigurationSummary> => {
          const arn = scanConfigurationArn(scope, r.id)
          const {
            periodicScanConfiguration: periodic,
            continuousIntegrationScanConfiguration: ci,
          } = r.body.configuration
          return {
            scanConfigurationArn: arn,
            name: r.body.name,
            ownerAccountId: scope.accountId,
            ...(periodic?.frequency ? { periodicScanFrequency: periodic.frequency } : {}),
            ...(periodic?.frequencyExpression
              ? { frequencyExpression: periodic.frequencyExpression }
              : {}),
            ...(ci ? { continuousIntegrationScanSupportedEvents: ci.supportedEvents } : {}),
            ruleSetCategories: r.body.configuration.ruleSetCategories,
            ...(r.body.scopeSettings ? { scopeSettings: r.body.scopeSettings } : {}),
            tags: await tagsOf(storage, scope, arn),
          }
        }),
      )
      return { configurations, ...(page.nextToken ? { nextToken: page.nextToken } : {}) }
    },

    async BatchAssociateCodeSecurityScanConfiguration(
      input: i2.BatchAssociateCodeSecurityScanConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.BatchAssociateCodeSecurityScanConfigurationResponse> {
      return batch(input.associateConfigurationRequests, ctx, true)
    },

    async BatchDisassociateCodeSecurityScanConfiguration(
      input: i2.BatchDisassociateCodeSecurityScanConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.BatchDisassociateCodeSecurityScanConfigurationResponse> {
      return batch(input.disassociateConfigurationRequests, ctx, false)
    },

    async ListCodeSecurityScanConfigurationAssociations(
      input: i2.ListCodeSecurityScanConfigurationAssociationsRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListCodeSecurityScanConfigurationAssociationsResponse> {
      const scope = scopeOf(ctx)
      const found = await requireResource(
        input.scanConfigurationArn,
        ctx,
        'configuration',
        'scanConfigurationArn',
      )
      const associations: ResourceRecord<unknown>[] = []
      for (;;) {
        const last = associations.at(-1)
        const more = await storage.resources.list(
          scope,
          ASSOCIATION_KIND,
          found.id,
          last ? { sortKey: last.sortKey, id: last.id } : undefined,
          500,
        )
        associations.push(...more)
        if (more.length < 500) break
      }
      const page = keysetPage(
        associations,
        (r): Position => [r.id, ''],
        false,
        ['ListCodeSecurityScanConfigurationAssociations', scope, found.id],
        input.maxResults,
        input.nextToken,
        100,
      )
      return {
        associations: page.items.map((r) => ({ resource: { projectId: r.id } })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      }
    },

    async StartCodeSecurityScan(
      input: i2.StartCodeSecurityScanRequest,
      ctx: ServiceContext,
    ): Promise<i2.StartCodeSecurityScanResponse> {
      const scope = scopeOf(ctx)
      const { clientToken, ...parameters } = input
      return idempotent({
        store: storage.idempotency,
        scope,
        operation: 'inspector2:StartCodeSecurityScan',
        token: clientToken,
        parameters,
        mismatch: () =>
          invalidField(
            'clientToken',
            'The clientToken was already used with different parameters.',
          ),
        run: async (): Promise<i2.StartCodeSecurityScanResponse> => {
          const projectId = input.resource.projectId
          if (!projectId || !(await projectExists(scope)))
            throw new ResourceNotFoundException(`The project ${projectId ?? ''} does not exist.`)
          const scanId = randomUUID()
          const body: CodeScanBody = {
            projectId,
            status: 'SUCCESSFUL',
            statusReason: NO_REPOSITORY_REASON,
          }
          await storage.resources.apply([
            newRecord(scope, CODE_SCAN_KIND, scanId, body, clock.now()),
          ])
          return { scanId, status: body.status }
        },
      })
    },

    async GetCodeSecurityScan(
      input: i2.GetCodeSecurityScanRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetCodeSecurityScanResponse> {
      const scope = scopeOf(ctx)
      const scan = await storage.resources.get<CodeScanBody>({
        scope,
        kind: CODE_SCAN_KIND,
        parentId: '',
        id: input.scanId,
      })
      if (!scan || scan.body.projectId !== input.resource.projectId)
        throw new ResourceNotFoundException(
          `The scan ${input.scanId} of project ${input.resource.projectId ?? ''} does not exist.`,
        )
      return {
        scanId: scan.id,
        resource: { projectId: scan.body.projectId },
        accountId: scope.accountId,
        status: scan.body.status,
        statusReason: scan.body.statusReason,
        createdAt: new Date(scan.createdAtMs),
        updatedAt: new Date(scan.updatedAtMs),
      }
    },
  }
}
