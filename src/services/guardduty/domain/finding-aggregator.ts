/**
 * The one function the detection engine calls to report activity: create-or-update a finding by its
 * aggregation key, as GuardDuty aggregates. The same key in the same detector is the same finding (its
 * id is derived from the key): new activity adds to `service.count`, moves `service.eventLastSeen`
 * and `updatedAt` forward and overwrites the details with the latest occurrence, while `createdAt` and
 * `service.eventFirstSeen` stay. Suppression rules — filters with action ARCHIVE, the detector's own
 * and, for a member, its administrator's, in rank order — archive matching findings as they are created
 * or updated; a finding archived by hand returns to current when new activity arrives, unless a rule
 * archives it again (GuardDuty's documented behaviour).
 */
import { createHash } from 'node:crypto'
import type { Clock } from '../../../core/clock.js'
import type { Scope, Storage } from '../../../storage/ports.js'
import { evaluateCriteria } from '../../../storage/query/evaluate-criteria.js'
import type { FilterBody } from '../handlers/filters.js'
import { FILTER_KIND } from '../handlers/filters.js'
import { detectorOfScope } from './detector-record.js'
import { parseFindingCriteria, readFindingValues } from './finding-criteria.js'
import { scopeOfAccount, type Membership } from './membership.js'

/** Activity the engine saw, in the finding's wire form. */
export interface FindingActivity {
  readonly scope: Scope
  /** Decides which activity is "the same": e.g. type + resource id + role. */
  readonly aggregationKey: string
  /**
   * The finding's content in wire form: `type`, `severity`, `title`, `description`, `resource`,
   * `service.action`, `service.resourceRole`, ... (ids, times and counts are set here).
   */
  readonly finding: Readonly<Record<string, unknown>>
  /** When the activity happened, epoch milliseconds. */
  readonly eventTimeMs: number
  /** Occurrences this report stands for (default 1). */
  readonly occurrences?: number
}

export interface RecordedFinding {
  readonly findingId: string
  readonly created: boolean
  readonly archived: boolean
}

type Wire = Record<string, unknown>

export class FindingAggregator {
  /**
   * @param onRecorded called after each finding is written (for metrics)
   */
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly membership: Membership,
    private readonly onRecorded?: (recorded: RecordedFinding) => void,
  ) {}

  /**
   * Records activity.
   * @returns the finding, or undefined when the scope has no enabled detector (the activity is dropped)
   */
  async record(activity: FindingActivity): Promise<RecordedFinding | undefined> {
    const { scope } = activity
    const detector = await detectorOfScope(this.storage, scope)
    if (!detector || detector.status !== 'ENABLED') return undefined
    const id = createHash('sha256')
      .update(
        `${scope.accountId}\u0000${scope.region}\u0000${detector.detectorId}\u0000${activity.aggregationKey}`,
      )
      .digest('hex')
      .slice(0, 32)
    const [existing] = await this.storage.findings.getByIds([scope], [id])
    const now = new Date(this.clock.now()).toISOString()
    const seen = new Date(activity.eventTimeMs).toISOString()
    const occurrences = activity.occurrences ?? 1
    const before = existing?.finding
    const beforeService = (before?.service ?? {}) as Wire
    const content = activity.finding as Wire
    const contentService = (content.service ?? {}) as Wire
    const firstSeen =
      typeof beforeService.eventFirstSeen === 'string' && beforeService.eventFirstSeen < seen
        ? beforeService.eventFirstSeen
        : seen
    const lastSeen =
      typeof beforeService.eventLastSeen === 'string' && beforeService.eventLastSeen > seen
        ? beforeService.eventLastSeen
        : seen
    const finding: Wire = {
      schemaVersion: '2.0',
      partition: 'aws',
      confidence: 5,
      ...content,
      accountId: scope.accountId,
      region: scope.region,
      id,
      arn: `arn:aws:guardduty:${scope.region}:${scope.accountId}:detector/${detector.detectorId}/finding/${id}`,
      createdAt: typeof before?.createdAt === 'string' ? before.createdAt : now,
      updatedAt: now,
      service: {
        ...contentService,
        serviceName: 'guardduty',
        detectorId: detector.detectorId,
        count: (typeof beforeService.count === 'number' ? beforeService.count : 0) + occurrences,
        eventFirstSeen: firstSeen,
        eventLastSeen: lastSeen,
        archived: false,
        ...(beforeService.userFeedback !== undefined
          ? { userFeedback: beforeService.userFeedback }
          : {}),
      },
    }
    const archived = await this.suppressed(scope, detector.detectorId, finding)
    if (archived) (finding.service as Wire).archived = true
    await this.storage.findings.upsert([{ scope, detectorId: detector.detectorId, finding }])
    const recorded = { findingId: id, created: existing === undefined, archived }
    this.onRecorded?.(recorded)
    return recorded
  }

  /** Whether an ARCHIVE filter of the detector (or of its administrator's detector) matches. */
  async suppressed(scope: Scope, detectorId: string, finding: Wire): Promise<boolean> {
    const sources: { scope: Scope; detectorId: string }[] = [{ scope, detectorId }]
    const admin = await this.membership.administrator(scope)
    if (admin) {
      const adminScope = scopeOfAccount(scope, admin.body.accountId)
      const adminDetector = await detectorOfScope(this.storage, adminScope)
      if (adminDetector) sources.push({ scope: adminScope, detectorId: adminDetector.detectorId })
    }
    for (const source of sources) {
      const filters = await this.storage.resources.list<FilterBody>(
        source.scope,
        FILTER_KIND,
        source.detectorId,
        undefined,
        100,
      )
      for (const f of filters) {
        if (f.body.action !== 'ARCHIVE') continue
        if (
          evaluateCriteria(parseFindingCriteria(f.body.findingCriteria), finding, readFindingValues)
        )
          return true
      }
    }
    return false
  }
}
