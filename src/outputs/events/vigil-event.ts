/**
 * Events in EventBridge's format, as AWS services send them: `version` "0", `id`, `detail-type`,
 * `source`, `account`, `time`, `region`, `resources` and the payload in `detail`. For GuardDuty the
 * detail is the finding as GetFindings returns it on the wire (`"detail-type": "GuardDuty Finding"`,
 * `source` `aws.guardduty`, `time` the finding's `updatedAt`).
 *
 * For Inspector the detail is the finding in ListFindings' wire form (`"detail-type": "Inspector2
 * Finding"`, `source` `aws.inspector2`, `resources` the ids of the finding's resources, `time` its
 * `updatedAt`).
 *
 * The event id is stable for one version of a finding (a UUID-shaped digest of the finding ARN,
 * `updatedAt` and `service.count`), so a consumer can drop the duplicates that at-least-once delivery
 * may bring.
 */
import { createHash } from 'node:crypto'
import type { StoredFinding, StoredInspectorFinding } from '../../storage/ports.js'

export interface VigilEvent {
  readonly version: '0'
  readonly id: string
  readonly 'detail-type': string
  readonly source: string
  readonly account: string
  /** ISO-8601 UTC. */
  readonly time: string
  readonly region: string
  readonly resources: readonly string[]
  readonly detail: Readonly<Record<string, unknown>>
}

/** A UUID-shaped (version 5 style) digest of `parts`. */
export function stableEventId(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex')
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`
}

/** The "GuardDuty Finding" event of a stored finding. */
export function guardDutyFindingEvent({ scope, finding }: StoredFinding): VigilEvent {
  const service = (finding.service ?? {}) as { count?: unknown }
  const updatedAt = typeof finding.updatedAt === 'string' ? finding.updatedAt : ''
  return {
    version: '0',
    id: stableEventId(String(finding.arn), updatedAt, JSON.stringify(service.count ?? null)),
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: scope.accountId,
    time: updatedAt ? new Date(Date.parse(updatedAt)).toISOString().replace('.000Z', 'Z') : '',
    region: scope.region,
    resources: [],
    detail: finding,
  }
}

/** The "Inspector2 Finding" event of a stored Inspector finding. */
export function inspectorFindingEvent({ scope, finding }: StoredInspectorFinding): VigilEvent {
  const updated = typeof finding.updatedAt === 'number' ? finding.updatedAt : 0
  const resources = Array.isArray(finding.resources)
    ? (finding.resources as { id?: unknown }[]).flatMap((r) =>
        typeof r.id === 'string' ? [r.id] : [],
      )
    : []
  const time = new Date(updated * 1000).toISOString().replace('.000Z', 'Z')
  return {
    version: '0',
    id: stableEventId(String(finding.findingArn), String(updated), String(finding.status)),
    'detail-type': 'Inspector2 Finding',
    source: 'aws.inspector2',
    account: scope.accountId,
    time,
    region: scope.region,
    resources,
    detail: finding,
  }
}
