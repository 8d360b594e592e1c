/**
 * CIS sessions, the calls the Amazon Inspector SSM plugin makes while it benchmarks an instance:
 * StartCisSession, SendCisSessionHealth, SendCisSessionTelemetry and StopCisSession.
 *
 * A scan job is identified by the UUID of its scan (the last segment of the scan ARN): Vigil's scans
 * have no target instances, so there is one job per scan. A job id that names no scan of the caller is a
 * `ValidationException` on `scanJobId` (the session operations model no not-found error). One session
 * is kept per job (`inspector2:cis-session`): its token, `ACTIVE` or `STOPPED`, the last health beat,
 * the telemetry received (message count and the latest status per rule) and the stop message. The calls
 * are idempotent as the model marks them: starting an active session again with its own token, or
 * stopping a stopped one, changes nothing. A second token while a session is active, any call but Start
 * before a session exists, and health or telemetry after Stop are `ConflictException`s; a token that is
 * not the session's is a `ValidationException` on `sessionToken`. After Stop, a new token may start a
 * new session. Sessions do not change the scan's results.
 */
import type { Clock } from '../../../core/clock.js'
import type { ResourceRecord, Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { ConflictException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import type { CisScans } from './cis-state.js'
import { putDocument } from './pages.js'

export const CIS_SESSION_KIND = 'inspector2:cis-session'
/** Rules whose latest telemetry status a session keeps, at most. */
export const MAX_SESSION_RULES = 1000

/** A stored CIS session. */
export interface CisSessionBody {
  readonly sessionToken: string
  readonly status: 'ACTIVE' | 'STOPPED'
  /** Epoch milliseconds. */
  readonly startedAtMs: number
  readonly lastHealthAtMs?: number
  readonly telemetryMessages: number
  /** Latest status reported per rule id. */
  readonly rules: Readonly<Record<string, i2.CisRuleStatus>>
  readonly stoppedAtMs?: number
  readonly stop?: i2.StopCisSessionMessage
}

export interface CisSessionDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly cis: CisScans
}

const conflict = (scanJobId: string, message: string) =>
  new ConflictException(message, { resourceId: scanJobId, resourceType: 'CIS_SESSION' })

export function cisSessionHandlers({ storage, clock, cis }: CisSessionDeps) {
  /**
   * The session of a scan job, if one was started.
   * @throws ValidationException when the job names no scan of the caller
   */
  async function sessionOf(
    scanJobId: string,
    ctx: ServiceContext,
  ): Promise<ResourceRecord<CisSessionBody> | undefined> {
    const scope = scopeOf(ctx)
    if (!(await cis.scan(scope, scanJobId)))
      throw invalidField('scanJobId', `The scan job ${scanJobId} does not exist.`)
    return storage.resources.get<CisSessionBody>({
      scope,
      kind: CIS_SESSION_KIND,
      parentId: '',
      id: scanJobId,
    })
  }

  /**
   * The session `sessionToken` of a job.
   * @param active whether it must still be active
   * @throws ConflictException when no session was started, or it was stopped and `active` is set
   * @throws ValidationException when the token is not the session's
   */
  async function requireSession(
    scanJobId: string,
    sessionToken: string,
    ctx: ServiceContext,
    active: boolean,
  ): Promise<CisSessionBody> {
    const session = (await sessionOf(scanJobId, ctx))?.body
    if (!session) throw conflict(scanJobId, `No CIS session was started for scan job ${scanJobId}.`)
    if (session.sessionToken !== sessionToken)
      throw invalidField(
        'sessionToken',
        `The session token does not match the CIS session of scan job ${scanJobId}.`,
      )
    if (active && session.status !== 'ACTIVE')
      throw conflict(scanJobId, `The CIS session of scan job ${scanJobId} is stopped.`)
    return session
  }

  const save = (ctx: ServiceContext, scanJobId: string, body: CisSessionBody) =>
    putDocument(storage, scopeOf(ctx), CIS_SESSION_KIND, scanJobId, body, clock.now())

  return {
    async StartCisSession(
      input: i2.StartCisSessionRequest,
      ctx: ServiceContext,
    ): Promise<i2.StartCisSessionResponse> {
      const { scanJobId } = input
      const token = input.message.sessionToken
      const session = (await sessionOf(scanJobId, ctx))?.body
      if (session?.sessionToken === token) {
        if (session.status === 'STOPPED')
          throw conflict(scanJobId, `The CIS session of scan job ${scanJobId} is stopped.`)
        return {}
      }
      if (session?.status === 'ACTIVE')
        throw conflict(scanJobId, `Scan job ${scanJobId} already has an active CIS session.`)
      await save(ctx, scanJobId, {
        sessionToken: token,
        status: 'ACTIVE',
        startedAtMs: clock.now(),
        telemetryMessages: 0,
        rules: {},
      })
      return {}
    },

    async SendCisSessionHealth(
      input: i2.SendCisSessionHealthRequest,
      ctx: ServiceContext,
    ): Promise<i2.SendCisSessionHealthResponse> {
      const session = await requireSession(input.scanJobId, input.sessionToken, ctx, true)
      await save(ctx, input.scanJobId, { ...session, lastHealthAtMs: clock.now() })
      return {}
    },

    async SendCisSessionTelemetry(
      input: i2.SendCisSessionTelemetryRequest,
      ctx: ServiceContext,
    ): Promise<i2.SendCisSessionTelemetryResponse> {
      const session = await requireSession(input.scanJobId, input.sessionToken, ctx, true)
      const rules = new Map(Object.entries(session.rules))
      for (const m of input.messages)
        if (rules.has(m.ruleId) || rules.size < MAX_SESSION_RULES) rules.set(m.ruleId, m.status)
      await save(ctx, input.scanJobId, {
        ...session,
        telemetryMessages: session.telemetryMessages + input.messages.length,
        rules: Object.fromEntries(rules),
      })
      return {}
    },

    async StopCisSession(
      input: i2.StopCisSessionRequest,
      ctx: ServiceContext,
    ): Promise<i2.StopCisSessionResponse> {
      const session = await requireSession(input.scanJobId, input.sessionToken, ctx, false)
      if (session.status === 'STOPPED') return {}
      await save(ctx, input.scanJobId, {
        ...session,
        status: 'STOPPED',
        stoppedAtMs: clock.now(),
        stop: input.message,
      })
      return {}
    },
  }
}
