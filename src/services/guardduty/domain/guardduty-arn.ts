/**
 * GuardDuty resource ARNs: `arn:<partition>:guardduty:<region>:<account>:detector/<detectorId>` and, for
 * resources under a detector, `.../detector/<detectorId>/<segment>/<id>` (`filter`, `ipset`,
 * `threatintelset`, `threatentityset`, `trustedentityset`, `publishingDestination`).
 */
import type { Scope } from '../../../storage/ports.js'

export interface GuardDutyArn {
  readonly partition: string
  readonly region: string
  readonly accountId: string
  readonly detectorId: string
  /** Resource segment under the detector, absent for the detector itself. */
  readonly segment?: string
  readonly id?: string
}

const ARN =
  /^arn:([a-z-]+):guardduty:([a-z0-9-]+):(\d{12}):detector\/([A-Za-z0-9]+)(?:\/([A-Za-z]+)\/(.+))?$/

/** Parses a GuardDuty detector or detector-child ARN; undefined when it is neither. */
export function parseGuardDutyArn(arn: string): GuardDutyArn | undefined {
  const m = ARN.exec(arn)
  if (!m) return undefined
  const [, partition = '', region = '', accountId = '', detectorId = '', segment, id] = m
  return {
    partition,
    region,
    accountId,
    detectorId,
    ...(segment !== undefined && id !== undefined ? { segment, id } : {}),
  }
}

/** The ARN of a detector, or of a resource `segment/id` under it. */
export function guardDutyArn(
  scope: Scope,
  detectorId: string,
  segment?: string,
  id?: string,
): string {
  const base = `arn:aws:guardduty:${scope.region}:${scope.accountId}:detector/${detectorId}`
  return segment && id ? `${base}/${segment}/${id}` : base
}
