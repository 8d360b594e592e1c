/**
 * Account information: BatchGetFreeTrialInfo and ListAccountPermissions.
 *
 * Free trial: 15 days for EC2, ECR, LAMBDA and LAMBDA_CODE, starting at the account's first Enable
 * (recorded by `account-status.ts`); ACTIVE until the end, INACTIVE after; an account that never enabled
 * Inspector has no trial entries. The caller may ask for itself and its associated members; other
 * accounts are in `failedAccounts` with ACCESS_DENIED.
 *
 * Permissions: every account may enable and disable scanning of EC2, ECR and Lambda, and enable and
 * disable ECR repository scanning — a fixed list, filtered by `service`.
 */
import type { Clock } from '../../../core/clock.js'
import type { Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import type * as i2 from '../generated/types.js'
import { FREE_TRIAL_KIND, type FreeTrialBody } from './account-status.js'
import { type InspectorOrganizations, scopeOfAccount } from './organization-state.js'
import { getDocument, sortedPage } from './pages.js'

/** Length of the free trial, milliseconds (15 days). */
export const FREE_TRIAL_MS = 15 * 24 * 60 * 60 * 1000
const TRIAL_TYPES: readonly i2.FreeTrialType[] = ['EC2', 'ECR', 'LAMBDA', 'LAMBDA_CODE']

/** The permissions every account has, sorted by service then operation. */
export const PERMISSIONS: readonly i2.Permission[] = [
  { service: 'EC2', operation: 'DISABLE_SCANNING' },
  { service: 'EC2', operation: 'ENABLE_SCANNING' },
  { service: 'ECR', operation: 'DISABLE_REPOSITORY' },
  { service: 'ECR', operation: 'DISABLE_SCANNING' },
  { service: 'ECR', operation: 'ENABLE_REPOSITORY' },
  { service: 'ECR', operation: 'ENABLE_SCANNING' },
  { service: 'LAMBDA', operation: 'DISABLE_SCANNING' },
  { service: 'LAMBDA', operation: 'ENABLE_SCANNING' },
]

export interface AccountInfoDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly organizations: InspectorOrganizations
}

export function accountInfoHandlers({ storage, clock, organizations }: AccountInfoDeps) {
  return {
    async BatchGetFreeTrialInfo(
      input: i2.BatchGetFreeTrialInfoRequest,
      ctx: ServiceContext,
    ): Promise<i2.BatchGetFreeTrialInfoResponse> {
      const own = scopeOf(ctx)
      const now = clock.now()
      const accounts: i2.FreeTrialAccountInfo[] = []
      const failedAccounts: i2.FreeTrialInfoError[] = []
      for (const accountId of new Set(input.accountIds)) {
        if (accountId !== ctx.accountId && !(await organizations.isAssociated(own, accountId))) {
          failedAccounts.push({
            accountId,
            code: 'ACCESS_DENIED',
            message: `The caller is not the delegated administrator of account ${accountId}.`,
          })
          continue
        }
        const trial = await getDocument<FreeTrialBody>(
          storage,
          scopeOfAccount(own, accountId),
          FREE_TRIAL_KIND,
          'trial',
        )
        const freeTrialInfo: i2.FreeTrialInfo[] = trial
          ? TRIAL_TYPES.map((type) => ({
              type,
              start: new Date(trial.startedAtMs),
              end: new Date(trial.startedAtMs + FREE_TRIAL_MS),
              status: now < trial.startedAtMs + FREE_TRIAL_MS ? 'ACTIVE' : 'INACTIVE',
            }))
          : []
        accounts.push({ accountId, freeTrialInfo })
      }
      return { accounts, failedAccounts }
    },

    ListAccountPermissions(
      input: i2.ListAccountPermissionsRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListAccountPermissionsResponse> {
      const page = sortedPage(
        PERMISSIONS.filter((p) => input.service === undefined || p.service === input.service),
        (p) => `${p.service}:${p.operation}`,
        ['ListAccountPermissions', scopeOf(ctx), input.service ?? null],
        input.maxResults,
        input.nextToken,
        1024,
      )
      return Promise.resolve({
        permissions: page.items,
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      })
    },
  }
}
