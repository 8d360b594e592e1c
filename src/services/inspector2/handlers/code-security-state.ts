/**
 * Stored state of Inspector code security, shared by `code-security.ts` and the tag registry: the
 * resource kinds, their bodies, ARNs and ARN parsing, and whether a scan configuration exists.
 *
 * Kinds, all per (account, region): `inspector2:codesecurity-integration` and
 * `inspector2:codesecurity-configuration` (id = UUID), `inspector2:codesecurity-association` (parent =
 * the scan configuration id, id = the project id) and `inspector2:codesecurity-scan` (id = scan UUID).
 */
import type { Scope, Storage } from '../../../storage/ports.js'
import type { ServiceContext } from '../../service-context.js'
import type * as i2 from '../generated/types.js'

export const INTEGRATION_KIND = 'inspector2:codesecurity-integration'
export const SCAN_CONFIGURATION_KIND = 'inspector2:codesecurity-configuration'
/** Associations: parent = the scan configuration id, id = the project id. */
export const ASSOCIATION_KIND = 'inspector2:codesecurity-association'
export const CODE_SCAN_KIND = 'inspector2:codesecurity-scan'
/** Integrations, and scan configurations, an account may have (Vigil's limit). */
export const MAX_INTEGRATIONS = 100
export const MAX_SCAN_CONFIGURATIONS = 100
/** Why every Vigil code security scan has no findings. */
export const NO_REPOSITORY_REASON =
  'Vigil cannot reach the repository provider: the scan completed without analysing any code and ' +
  'reported no findings.'

/** A stored integration (the GitLab access token is not kept). */
export interface IntegrationBody {
  readonly name: string
  readonly type: i2.IntegrationType
  readonly status: i2.IntegrationStatus
  readonly statusReason: string
  readonly instanceUrl?: string
  readonly installationId?: string
  readonly authorizationUrl?: string
}

/** A stored scan configuration. */
export interface ScanConfigurationBody {
  readonly name: string
  readonly level: i2.ConfigurationLevel
  readonly configuration: i2.CodeSecurityScanConfiguration
  readonly scopeSettings?: i2.ScopeSettings
}

/** A stored scan. */
export interface CodeScanBody {
  readonly projectId: string
  readonly status: i2.CodeScanStatus
  readonly statusReason: string
}

/** The ARN of the integration `id` of `scope`. */
export function integrationArn(scope: Scope, id: string): string {
  return `arn:aws:inspector2:${scope.region}:${scope.accountId}:codesecurity-integration/${id}`
}

/** The ARN of the scan configuration `id` of `scope`. */
export function scanConfigurationArn(scope: Scope, id: string): string {
  return `arn:aws:inspector2:${scope.region}:${scope.accountId}:owner/${scope.accountId}/codesecurity-configuration/${id}`
}

const INTEGRATION_ARN =
  /^arn:aws[a-zA-Z-]*:inspector2:([^:]*):(\d{12}):codesecurity-integration\/([a-f0-9-]{36})$/
const CONFIGURATION_ARN =
  /^arn:aws[a-zA-Z-]*:inspector2:([^:]*):(\d{12}):owner\/([^/]+)\/codesecurity-configuration\/([a-f0-9-]{36})$/

/** Where an ARN points relative to the caller. */
export type Located = { readonly id: string } | 'other-account' | 'elsewhere' | 'malformed'

/** Where `arn` (an integration or scan configuration ARN) points relative to the caller. */
export function locate(
  arn: string,
  ctx: ServiceContext,
  kind: 'integration' | 'configuration',
): Located {
  const m = (kind === 'integration' ? INTEGRATION_ARN : CONFIGURATION_ARN).exec(arn)
  if (!m) return 'malformed'
  const region = m[1]
  const account = m[2]
  const owner = kind === 'integration' ? account : m[3]
  const id = m.at(-1) as string
  if (account !== ctx.accountId || owner !== ctx.accountId) return 'other-account'
  return region === ctx.region ? { id } : 'elsewhere'
}

/** Whether a scan configuration `id` exists in `scope` (its `TAGGABLE` resolver). */
export async function codeSecurityConfigurationExists(
  storage: Storage,
  scope: Scope,
  id: string,
): Promise<boolean> {
  return (
    (await storage.resources.get({ scope, kind: SCAN_CONFIGURATION_KIND, parentId: '', id })) !==
    undefined
  )
}
