/**
 * Inspector account enablement: Enable, Disable and BatchGetAccountStatus, with a state per resource type
 * (EC2, ECR, LAMBDA, LAMBDA_CODE, CODE_REPOSITORY). As AWS reports it, a change is first seen in its
 * transitional state — Enable answers ENABLING, Disable answers DISABLING — and reads made after the
 * transition time (`inspectorTransitionMs`, default 0: the next read) see ENABLED or DISABLED. The
 * account status is derived from its resource types (rules in `docs/inspector-accounts.md`).
 *
 * Acting on other accounts (`accountIds`) belongs to the delegated administrator: accounts that are
 * associated (ENABLED) members of the caller are processed in the member's scope; any other account is
 * reported in `failedAccounts` with ACCESS_DENIED.
 *
 * The first Enable of an account also records when its free trial started (`inspector2:free-trial`,
 * read by BatchGetFreeTrialInfo).
 */
import type { Clock } from '../../../core/clock.js'
import type {
  InspectorAccountRecord,
  InspectorResourceKey,
  InspectorResourceState,
  Scope,
  Storage,
} from '../../../storage/ports.js'
import { idempotent } from '../../idempotency.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { type InspectorOrganizations, scopeOfAccount } from './organization-state.js'
import { getDocument, putDocument } from './pages.js'

export interface AccountStatusDeps {
  readonly storage: Storage
  readonly clock: Clock
  /** How long ENABLING/DISABLING lasts, in milliseconds. */
  readonly transitionMs: number
  readonly organizations: InspectorOrganizations
}

export const FREE_TRIAL_KIND = 'inspector2:free-trial'

/** When an account's free trial started: its first Enable. */
export interface FreeTrialBody {
  /** Epoch milliseconds. */
  readonly startedAtMs: number
}

export const KEY_OF: Readonly<Record<i2.ResourceScanType, InspectorResourceKey>> = {
  EC2: 'ec2',
  ECR: 'ecr',
  LAMBDA: 'lambda',
  LAMBDA_CODE: 'lambdaCode',
  CODE_REPOSITORY: 'codeRepository',
}
const ALL_KEYS: readonly InspectorResourceKey[] = [
  'ec2',
  'ecr',
  'lambda',
  'lambdaCode',
  'codeRepository',
]

type Status = i2.Status

function statusAt(
  state: InspectorResourceState | undefined,
  nowMs: number,
  transitionMs: number,
): Status {
  if (!state) return 'DISABLED'
  const settled = nowMs - state.changedAtMs >= transitionMs
  if (state.target === 'ENABLED') return settled ? 'ENABLED' : 'ENABLING'
  return settled ? 'DISABLED' : 'DISABLING'
}

/** Account-level status: ENABLED if any type is, else the first transitional state, else DISABLED. */
function accountStatus(statuses: readonly Status[]): Status {
  for (const s of ['ENABLED', 'ENABLING', 'DISABLING'] as const) if (statuses.includes(s)) return s
  return 'DISABLED'
}

function resourceStatuses(
  record: InspectorAccountRecord | undefined,
  nowMs: number,
  transitionMs: number,
): Record<InspectorResourceKey, Status> {
  const out = {} as Record<InspectorResourceKey, Status>
  for (const key of ALL_KEYS) out[key] = statusAt(record?.resources[key], nowMs, transitionMs)
  return out
}

/** Turns resource types on and off in any scope; shared by the handlers and AssociateMember. */
export function accountEnablement({
  storage,
  clock,
  transitionMs,
}: Omit<AccountStatusDeps, 'organizations'>) {
  return {
    /**
     * Sets the target of `keys` in `scope` and answers with the transitional view of the change.
     * Enabling records the free-trial start of an account that never had one.
     */
    async change(
      scope: Scope,
      keys: readonly InspectorResourceKey[],
      target: 'ENABLED' | 'DISABLED',
    ): Promise<i2.Account> {
      const now = clock.now()
      const record = await storage.inspectorAccounts.get(scope)
      const before = resourceStatuses(record, now, transitionMs)
      const resources = { ...record?.resources }
      const answer = { ...before }
      for (const key of keys) {
        const current = resources[key]
        if (current?.target === target) continue
        resources[key] = { target, changedAtMs: now }
        answer[key] = target === 'ENABLED' ? 'ENABLING' : 'DISABLING'
      }
      await storage.inspectorAccounts.put({ scope, resources })
      if (
        target === 'ENABLED' &&
        keys.length > 0 &&
        !(await getDocument(storage, scope, FREE_TRIAL_KIND, 'trial'))
      )
        await putDocument<FreeTrialBody>(
          storage,
          scope,
          FREE_TRIAL_KIND,
          'trial',
          { startedAtMs: now },
          now,
        )
      return {
        accountId: scope.accountId,
        status: accountStatus(Object.values(answer)),
        resourceStatus: answer,
      }
    },

    /** The current state of every resource type of `scope`. */
    async state(scope: Scope): Promise<i2.AccountState> {
      const record = await storage.inspectorAccounts.get(scope)
      const statuses = resourceStatuses(record, clock.now(), transitionMs)
      const resourceState = {} as i2.ResourceState
      for (const key of ALL_KEYS) resourceState[key] = { status: statuses[key] } as i2.State
      return {
        accountId: scope.accountId,
        state: { status: accountStatus(Object.values(statuses)) } as i2.State,
        resourceState,
      }
    },
  }
}

export function accountStatusHandlers(deps: AccountStatusDeps) {
  const { storage, organizations } = deps
  const enablement = accountEnablement(deps)
  const accessDenied = (accountId: string): i2.FailedAccount => ({
    accountId,
    errorCode: 'ACCESS_DENIED',
    errorMessage: `The caller is not the delegated administrator of account ${accountId}.`,
  })

  /**
   * Splits the requested accounts: the caller's own scope and its associated members are processed,
   * any other account is refused with ACCESS_DENIED.
   * @param accountIds the request's accounts; undefined = the caller only
   */
  async function targets(ctx: ServiceContext, accountIds: readonly string[] | undefined) {
    const own = scopeOf(ctx)
    const ids = accountIds ? [...new Set(accountIds)] : [ctx.accountId]
    const scopes: Scope[] = []
    const failed: i2.FailedAccount[] = []
    for (const id of ids) {
      if (id === ctx.accountId) scopes.push(own)
      else if (await organizations.isAssociated(own, id)) scopes.push(scopeOfAccount(own, id))
      else failed.push(accessDenied(id))
    }
    return { scopes, failed }
  }

  return {
    async Enable(input: i2.EnableRequest, ctx: ServiceContext): Promise<i2.EnableResponse> {
      if (input.resourceTypes.length === 0)
        throw invalidField('resourceTypes', 'At least one resource type must be given.')
      const { clientToken, ...parameters } = input
      return idempotent({
        store: storage.idempotency,
        scope: scopeOf(ctx),
        operation: 'inspector2:Enable',
        token: clientToken,
        parameters,
        mismatch: () =>
          invalidField(
            'clientToken',
            'The clientToken was already used with different parameters.',
          ),
        run: async () => {
          const { scopes, failed } = await targets(ctx, input.accountIds)
          const keys = input.resourceTypes.map((t) => KEY_OF[t])
          const accounts: i2.Account[] = []
          for (const scope of scopes) accounts.push(await enablement.change(scope, keys, 'ENABLED'))
          return { accounts, failedAccounts: failed }
        },
      })
    },

    async Disable(input: i2.DisableRequest, ctx: ServiceContext): Promise<i2.DisableResponse> {
      const { scopes, failed } = await targets(ctx, input.accountIds)
      const keys = input.resourceTypes?.length
        ? input.resourceTypes.map((t) => KEY_OF[t])
        : ALL_KEYS
      const accounts: i2.Account[] = []
      for (const scope of scopes) accounts.push(await enablement.change(scope, keys, 'DISABLED'))
      return { accounts, failedAccounts: failed }
    },

    async BatchGetAccountStatus(
      input: i2.BatchGetAccountStatusRequest,
      ctx: ServiceContext,
    ): Promise<i2.BatchGetAccountStatusResponse> {
      const { scopes, failed } = await targets(
        ctx,
        input.accountIds?.length ? input.accountIds : undefined,
      )
      const accounts: i2.AccountState[] = []
      for (const scope of scopes) accounts.push(await enablement.state(scope))
      return { accounts, failedAccounts: failed }
    },
  }
}
