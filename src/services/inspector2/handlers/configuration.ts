/**
 * Account scan configuration: GetConfiguration and UpdateConfiguration — the ECR re-scan durations and
 * the EC2 scan mode of the caller's account, one `inspector2:configuration` document per scope. Values
 * never written read as AWS's defaults (ECR `rescanDuration` LIFETIME, `pullDateRescanDuration` DAYS_90,
 * `pullDateRescanMode` LAST_PULL_DATE; EC2 `scanMode` EC2_SSM_AGENT_BASED); updates apply at once
 * (status SUCCESS).
 */
import type { Clock } from '../../../core/clock.js'
import type { Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { getDocument, putDocument } from './pages.js'

export const CONFIGURATION_KIND = 'inspector2:configuration'

/** The stored configuration; absent parts were never written. */
export interface ConfigurationBody {
  readonly ecr?: Required<i2.EcrConfiguration> & {
    /** Epoch milliseconds. */
    readonly updatedAtMs: number
  }
  readonly ec2?: i2.Ec2Configuration
}

/** AWS's ECR defaults. */
export const DEFAULT_ECR: Required<i2.EcrConfiguration> = {
  rescanDuration: 'LIFETIME',
  pullDateRescanDuration: 'DAYS_90',
  pullDateRescanMode: 'LAST_PULL_DATE',
}

export interface ConfigurationDeps {
  readonly storage: Storage
  readonly clock: Clock
}

export function configurationHandlers({ storage, clock }: ConfigurationDeps) {
  return {
    async GetConfiguration(
      _input: i2.GetConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetConfigurationResponse> {
      const body = await getDocument<ConfigurationBody>(
        storage,
        scopeOf(ctx),
        CONFIGURATION_KIND,
        'configuration',
      )
      const ecr = body?.ecr ?? { ...DEFAULT_ECR, updatedAtMs: clock.now() }
      return {
        ecrConfiguration: {
          rescanDurationState: {
            rescanDuration: ecr.rescanDuration,
            pullDateRescanDuration: ecr.pullDateRescanDuration,
            pullDateRescanMode: ecr.pullDateRescanMode,
            status: 'SUCCESS',
            updatedAt: new Date(ecr.updatedAtMs),
          },
        },
        ec2Configuration: {
          scanModeState: {
            scanMode: body?.ec2?.scanMode ?? 'EC2_SSM_AGENT_BASED',
            scanModeStatus: 'SUCCESS',
          },
        },
      }
    },

    async UpdateConfiguration(
      input: i2.UpdateConfigurationRequest,
      ctx: ServiceContext,
    ): Promise<i2.UpdateConfigurationResponse> {
      if (!input.ecrConfiguration && !input.ec2Configuration)
        throw invalidField(
          'ecrConfiguration',
          'At least one of ecrConfiguration and ec2Configuration must be given.',
        )
      const scope = scopeOf(ctx)
      const now = clock.now()
      const body =
        (await getDocument<ConfigurationBody>(
          storage,
          scope,
          CONFIGURATION_KIND,
          'configuration',
        )) ?? {}
      const ecr = input.ecrConfiguration
      const next: ConfigurationBody = {
        ...body,
        ...(ecr
          ? {
              ecr: {
                rescanDuration: ecr.rescanDuration,
                pullDateRescanDuration:
                  ecr.pullDateRescanDuration ??
                  body.ecr?.pullDateRescanDuration ??
                  DEFAULT_ECR.pullDateRescanDuration,
                pullDateRescanMode:
                  ecr.pullDateRescanMode ??
                  body.ecr?.pullDateRescanMode ??
                  DEFAULT_ECR.pullDateRescanMode,
                updatedAtMs: now,
              },
            }
          : {}),
        ...(input.ec2Configuration ? { ec2: { scanMode: input.ec2Configuration.scanMode } } : {}),
      }
      await putDocument(storage, scope, CONFIGURATION_KIND, 'configuration', next, now)
      return {}
    },
  }
}
