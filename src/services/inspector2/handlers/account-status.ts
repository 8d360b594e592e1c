/**
 * Inspector account enablement: Enable, Disable and BatchGetAccountStatus, with a state per resource type
 * (EC2, ECR, LAMBDA, LAMBDA_CODE, CODE_REPOSITORY). As AWS reports it, a change is first seen in its
 * transitional state — Enable answers ENABLING, Disable answers DISABLING — and reads made after the
 * transition time (`inspectorTransitionMs`, default 0: the next read) see ENABLED or DISABLED. The
 * account status is derived from its resource types (rules in `docs/inspector-accounts.md`).
 *
 * Acting on other accounts (`accountIds`) belongs to the delegated administrator; until organizations
 * are served, other accounts are reported in `failedAccounts` with ACCESS_DENIED.
 */
import type { Clock } from '../../../core/clock.js'
import type {
  InspectorAccountRecord,
  InspectorResourceKey,
  InspectorResourceState,
  Storage,
} from '../../../storage/ports.js'
import { idempotent } from '../../idempotency.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'

export interface AccountStatusDeps {
  readonly storage: Storage
  readonly clock: Clock
  /** How long ENABLING/DISABLING lasts, in milliseconds. */
  readonly transitionMs: number
}

const KEY_OF: Readonly<Record<i2.ResourceScanType, InspectorResourceKey>> = {
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

export function accountStatusHandlers({ storage, clock, transitionMs }: AccountStatusDeps) {
  const foreignAccounts = (ctx: ServiceContext, accountIds: readonly string[] | undefined) =>
    (accountIds ?? []).filter((id) => id !== ctx.accountId)
  const accessDenied = (accountId: string): i2.FailedAccount => ({
    accountId,
    errorCode: 'ACCESS_DENIED',
    errorMessage: `The caller is not the delegated administrator of account ${accountId}.`,
  })

  /** Sets the target of `keys` and answers with the transitional view of the change. */
  async function change(
    ctx: ServiceContext,
    keys: readonly InspectorResourceKey[],
    target: 'ENABLED' | 'DISABLED',
  ): Promise<i2.Account> {
    const scope = scopeOf(ctx)
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
    return {
      accountId: ctx.accountId,
      status: accountStatus(Object.values(answer)),
      resourceStatus: answer,
    }
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
          const own = input.accountIds === undefined || input.accountIds.includes(ctx.accountId)
          const accounts = own
            ? [
                await change(
                  ctx,
                  input.resourceTypes.map((t) => KEY_OF[t]),
                  'ENABLED',
                ),
              ]
            : []
          return {
            accounts,
            failedAccounts: foreignAccounts(ctx, input.accountIds).map(accessDenied),
          }
        },
      })
    },

    async Disable(input: i2.DisableRequest, ctx: ServiceContext): Promise<i2.DisableResponse> {
      const own = input.accountIds === undefined || input.accountIds.includes(ctx.accountId)
      const keys = input.resourceTypes?.length
        ? input.resourceTypes.map((t) => KEY_OF[t])
        : ALL_KEYS
      const accounts = own ? [await change(ctx, keys, 'DISABLED')] : []
      return { accounts, failedAccounts: foreignAccounts(ctx, input.accountIds).map(accessDenied) }
    },

    async BatchGetAccountStatus(
      input: i2.BatchGetAccountStatusRequest,
      ctx: ServiceContext,
    ): Promise<i2.BatchGetAccountStatusResponse> {
      const ids = input.accountIds?.length ? input.accountIds : [ctx.accountId]
      const now = clock.now()
      const accounts: i2.AccountState[] = []
      if (ids.includes(ctx.accountId)) {
        const record = await storage.inspectorAccounts.get(scopeOf(ctx))
        const statuses = resourceStatuses(record, now, transitionMs)
        const resourceState = {} as i2.ResourceState
        for (const key of ALL_KEYS) resourceState[key] = { status: statuses[key] } as i2.State
        accounts.push({
          accountId: ctx.accountId,
          state: { status: accountStatus(Object.values(statuses)) } as i2.State,
          resourceState,
        })
      }
      return { accounts, failedAccounts: foreignAccounts(ctx, ids).map(accessDenied) }
    },
  }
}
