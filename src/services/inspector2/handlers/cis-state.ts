/**
 * Stored state of the Inspector CIS scans: scan configurations (`inspector2:cis-configuration`) and the
 * scans they started (`inspector2:cis-scan`), both kept per (account, region) with a UUID id, and their
 * ARNs (`arn:aws:inspector2:<region>:<account>:owner/<account>/cis-configuration/<uuid>`, `.../cis-scan/
 * <uuid>`, the forms of the model's `CisScanConfigurationArn` and `CisScanArn`).
 *
 * Vigil has no EC2 instances to benchmark, so every scan is created finished: `COMPLETED`, 0 of 0 checks
 * failed, with a stored status reason saying it had no target. A `oneTime` configuration starts its scan
 * when written; recurring ones start one scan per due time, materialised lazily — whenever scans are
 * read — from the injectable clock (`catchUp`). Scan ids of scheduled runs are derived from the
 * configuration and due time, so two concurrent catch-ups write the same scans.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { Clock } from '../../../core/clock.js'
import type { ResourceChange, ResourceRecord, Scope, Storage } from '../../../storage/ports.js'
import type { ServiceContext } from '../../service-context.js'
import { AccessDeniedException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { dueTimes } from './cis-schedule.js'
import { listAll } from './pages.js'

export const CIS_CONFIGURATION_KIND = 'inspector2:cis-configuration'
export const CIS_SCAN_KIND = 'inspector2:cis-scan'
/** Missed due times of one configuration started at most, per catch-up (the latest ones). */
export const MAX_CATCH_UP = 100
/** Why every Vigil CIS scan completes without results. */
export const NO_TARGET_REASON =
  'No target: Vigil has no EC2 instances managed by SSM to run CIS benchmarks on, so the scan ' +
  'completed without checking any resource.'

/** A stored CIS scan configuration. */
export interface CisConfigurationBody {
  readonly scanName: string
  readonly securityLevel: i2.CisSecurityLevel
  readonly schedule: i2.Schedule
  readonly targets: Required<i2.CisTargets>
  /** Due times up to this instant (epoch ms) have started their scan. */
  readonly scheduledThroughMs: number
}

/** A stored CIS scan. */
export interface CisScanBody {
  readonly configurationId: string
  readonly scanConfigurationArn: string
  readonly scanName: string
  /** When the scan started, epoch milliseconds. */
  readonly scanDateMs: number
  readonly securityLevel: i2.CisSecurityLevel
  readonly targets: Required<i2.CisTargets>
  readonly scheduledBy: string
  readonly status: i2.CisScanStatus
  readonly statusReason: string
  readonly failedChecks: number
  readonly totalChecks: number
}

export type CisArnKind = 'cis-configuration' | 'cis-scan'

/** The ARN of a CIS configuration or scan `id` owned by the account of `scope`. */
export function cisArn(scope: Scope, kind: CisArnKind, id: string): string {
  return `arn:aws:inspector2:${scope.region}:${scope.accountId}:owner/${scope.accountId}/${kind}/${id}`
}

const ARN =
  /^arn:aws(?:-cn|-us-gov)?:inspector2:([^:]*):(\d{12}):owner\/([^/]+)\/(cis-configuration|cis-scan)\/([^/]+)$/

/**
 * The id an ARN of `kind` names in the caller's scope, or undefined when it names another region.
 * @param field wire name of the member, for errors
 * @throws ValidationException when it is not an ARN of that kind
 * @throws AccessDeniedException when it belongs to another account
 */
export function ownedId(
  arn: string,
  kind: CisArnKind,
  ctx: ServiceContext,
  field: string,
): string | undefined {
  const m = ARN.exec(arn)
  const [, region, account, owner, k, id] = m ?? []
  if (!m || k !== kind || !id) throw invalidField(field, `${arn} is not a CIS ${kind} ARN.`)
  if (account !== ctx.accountId || owner !== ctx.accountId)
    throw new AccessDeniedException(
      `Account ${ctx.accountId} is not authorized to access the resource ${arn}.`,
    )
  return region === ctx.region ? id : undefined
}

/** A UUID-shaped id derived from `seed` (hex, version nibble 8). */
function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/**
 * The put of a finished scan of configuration `config` started at `atMs`.
 * @param id the scan id; derived from the configuration and time when absent
 */
export function scanPut(
  scope: Scope,
  config: { readonly id: string; readonly body: CisConfigurationBody },
  atMs: number,
  nowMs: number,
  id: string = derivedUuid(`${config.id}@${atMs}`),
): ResourceChange {
  const body: CisScanBody = {
    configurationId: config.id,
    scanConfigurationArn: cisArn(scope, 'cis-configuration', config.id),
    scanName: config.body.scanName,
    scanDateMs: atMs,
    securityLevel: config.body.securityLevel,
    targets: config.body.targets,
    scheduledBy: scope.accountId,
    status: 'COMPLETED',
    statusReason: NO_TARGET_REASON,
    failedChecks: 0,
    totalChecks: 0,
  }
  return {
    put: {
      scope,
      kind: CIS_SCAN_KIND,
      parentId: '',
      id,
      sortKey: String(atMs).padStart(15, '0'),
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      body,
    },
  }
}

/** A new random scan id. */
export const newScanId = (): string => randomUUID()

/** Whether a CIS configuration `id` exists in `scope` (the `TAGGABLE` resolver of `cis-configuration`). */
export async function cisConfigurationExists(
  storage: Storage,
  scope: Scope,
  id: string,
): Promise<boolean> {
  const key = { scope, kind: CIS_CONFIGURATION_KIND, parentId: '', id }
  return (await storage.resources.get(key)) !== undefined
}

/** The scan as the CIS operations return it. */
export function toCisScan(scope: Scope, record: ResourceRecord<CisScanBody>): i2.CisScan {
  const b = record.body
  return {
    scanArn: cisArn(scope, 'cis-scan', record.id),
    scanConfigurationArn: b.scanConfigurationArn,
    status: b.status,
    scanName: b.scanName,
    scanDate: new Date(b.scanDateMs),
    failedChecks: b.failedChecks,
    totalChecks: b.totalChecks,
    targets: b.targets,
    scheduledBy: b.scheduledBy,
    securityLevel: b.securityLevel,
  }
}

/** The CIS state of one service instance: lazy scheduling and scan look-ups. */
export class CisScans {
  constructor(
    readonly storage: Storage,
    readonly clock: Clock,
  ) {}

  /** Every configuration of `scope`. */
  configurations(scope: Scope): Promise<ResourceRecord<CisConfigurationBody>[]> {
    return listAll<CisConfigurationBody>(this.storage, scope, CIS_CONFIGURATION_KIND)
  }

  /**
   * Starts the scans of the recurring configurations whose due times have passed (the latest
   * `MAX_CATCH_UP` of each), and records how far each configuration has been scheduled.
   * @param only the configurations to consider; all of `scope` when absent
   */
  async catchUp(
    scope: Scope,
    only?: readonly ResourceRecord<CisConfigurationBody>[],
  ): Promise<void> {
    const now = this.clock.now()
    for (const config of only ?? (await this.configurations(scope))) {
      const due = dueTimes(config.body.schedule, config.body.scheduledThroughMs, now, MAX_CATCH_UP)
      const last = due.at(-1)
      if (last === undefined) continue
      await this.storage.resources.apply([
        ...due.map((at) => scanPut(scope, config, at, now)),
        { put: { ...config, body: { ...config.body, scheduledThroughMs: last } } },
      ])
    }
  }

  /** Every scan of `scope`, after catching up on due schedules. */
  async scans(scope: Scope): Promise<ResourceRecord<CisScanBody>[]> {
    await this.catchUp(scope)
    return listAll<CisScanBody>(this.storage, scope, CIS_SCAN_KIND)
  }

  /** The scan `id` of `scope`, after catching up on due schedules, or undefined. */
  async scan(scope: Scope, id: string): Promise<ResourceRecord<CisScanBody> | undefined> {
    await this.catchUp(scope)
    return this.storage.resources.get<CisScanBody>({
      scope,
      kind: CIS_SCAN_KIND,
      parentId: '',
      id,
    })
  }
}
