/**
 * `Stealth:IAMUser/PasswordPolicyChange` (Low, Medium or High by how much weaker): the account
 * password policy was deleted or weakened. This module owns the rule, its severity scale and the
 * per-account memory of the last policy seen:
 *
 * - the policy before the change is the last one an `UpdateAccountPasswordPolicy` of the account set
 *   (IAM is global, so per account, whatever Region the event was logged in), else IAM's default
 *   (minimum length 8, no character requirements, no expiry, no reuse prevention);
 * - a setting is weakened when the minimum length decreases, a `Require*` flag goes from true to
 *   false, `maxPasswordAge` grows or is removed, `passwordReusePrevention` shrinks or is removed, or
 *   `hardExpiry` goes from true to false (IAM applies its API defaults to parameters a request
 *   leaves out: `Require*` false, minimum length 6);
 * - points: one per weakened setting, two for a minimum length cut by 4 or more or below 8;
 *   `DeleteAccountPasswordPolicy` scores every setting of the known policy that was stricter than
 *   the default, and 2 points when the policy was unknown;
 * - severity: 1 point Low (2), 2–3 points Medium (5), 4 or more High (8); no points, no finding.
 *
 * Only successful calls count. Resource: the caller's key. Aggregation: type + account.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { CloudTrailRecord } from '../../sources/index.js'
import {
  accessKeyResource,
  aggregationKey,
  apiCallAction,
  apiFinding,
  describeCaller,
  describeKey,
  requestOf,
  sourceIpOf,
  type Json,
} from './api-call.js'

export const PASSWORD_POLICY_CHANGE = 'Stealth:IAMUser/PasswordPolicyChange'

/** The settings of an account password policy that make passwords stronger. */
export interface PasswordPolicy {
  readonly minimumPasswordLength: number
  readonly requireSymbols: boolean
  readonly requireNumbers: boolean
  readonly requireUppercaseCharacters: boolean
  readonly requireLowercaseCharacters: boolean
  /** Days; undefined = passwords never expire. */
  readonly maxPasswordAge: number | undefined
  /** Previous passwords that cannot be reused; undefined = no prevention. */
  readonly passwordReusePrevention: number | undefined
  readonly hardExpiry: boolean
}

/** IAM's policy when an account has none. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minimumPasswordLength: 8,
  requireSymbols: false,
  requireNumbers: false,
  requireUppercaseCharacters: false,
  requireLowercaseCharacters: false,
  maxPasswordAge: undefined,
  passwordReusePrevention: undefined,
  hardExpiry: false,
}

const REQUIRE_FLAGS = [
  'requireSymbols',
  'requireNumbers',
  'requireUppercaseCharacters',
  'requireLowercaseCharacters',
] as const

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  return undefined
}

/** The field, named camelCase as CloudTrail logs it or PascalCase as the API spells it. */
function field(request: Json, name: string): unknown {
  return request[name] ?? request[name.charAt(0).toUpperCase() + name.slice(1)]
}

/** The policy an `UpdateAccountPasswordPolicy` request sets (API defaults for omitted values). */
export function policyOfRequest(request: Json): PasswordPolicy {
  const flag = (name: string) => {
    const value = field(request, name)
    return value === true || value === 'true'
  }
  return {
    minimumPasswordLength: numberOf(field(request, 'minimumPasswordLength')) ?? 6,
    requireSymbols: flag('requireSymbols'),
    requireNumbers: flag('requireNumbers'),
    requireUppercaseCharacters: flag('requireUppercaseCharacters'),
    requireLowercaseCharacters: flag('requireLowercaseCharacters'),
    maxPasswordAge: numberOf(field(request, 'maxPasswordAge')) || undefined,
    passwordReusePrevention: numberOf(field(request, 'passwordReusePrevention')) || undefined,
    hardExpiry: flag('hardExpiry'),
  }
}

/** How a change weakens a policy: the weakened settings, in words, and the points they score. */
export interface Weakening {
  readonly weakened: readonly string[]
  readonly points: number
}

/** The settings `after` weakens compared with `before` (see the module comment for points). */
export function comparePolicies(before: PasswordPolicy, after: PasswordPolicy): Weakening {
  const weakened: string[] = []
  let points = 0
  if (after.minimumPasswordLength < before.minimumPasswordLength) {
    weakened.push(
      `minimum password length ${before.minimumPasswordLength} → ${after.minimumPasswordLength}`,
    )
    const cut = before.minimumPasswordLength - after.minimumPasswordLength
    points += cut >= 4 || after.minimumPasswordLength < 8 ? 2 : 1
  }
  for (const flag of REQUIRE_FLAGS) {
    if (before[flag] && !after[flag]) {
      weakened.push(`${flag} true → false`)
      points++
    }
  }
  if (
    before.maxPasswordAge !== undefined &&
    (after.maxPasswordAge === undefined || after.maxPasswordAge > before.maxPasswordAge)
  ) {
    weakened.push(`maxPasswordAge ${before.maxPasswordAge} → ${after.maxPasswordAge ?? 'none'}`)
    points++
  }
  if (
    before.passwordReusePrevention !== undefined &&
    (after.passwordReusePrevention === undefined ||
      after.passwordReusePrevention < before.passwordReusePrevention)
  ) {
    weakened.push(
      `passwordReusePrevention ${before.passwordReusePrevention} → ${after.passwordReusePrevention ?? 'none'}`,
    )
    points++
  }
  if (before.hardExpiry && !after.hardExpiry) {
    weakened.push('hardExpiry true → false')
    points++
  }
  return { weakened, points }
}

/** Severity of a weakening by its points: 1 Low (2), 2–3 Medium (5), ≥ 4 High (8). */
export function weakeningSeverity(points: number): number {
  return points >= 4 ? 8 : points >= 2 ? 5 : 2
}

interface Match extends Weakening {
  readonly deleted: boolean
  readonly previousKnown: boolean
}

/** Options of the detector. */
export interface PasswordPolicyChangeOptions {
  readonly geoIp?: GeoIpLookup
}

/** The detector (one instance remembers the last policy of each account). */
export function passwordPolicyChange(
  options: PasswordPolicyChangeOptions = {},
): Detector<'cloudtrail', Match> {
  const policies = new Map<string, PasswordPolicy>()
  return defineDetector<'cloudtrail', Match>({
    id: 'cloudtrail/password-policy-change',
    source: 'cloudtrail',
    features: ['CLOUD_TRAIL'],
    findingTypes: [
      {
        type: PASSWORD_POLICY_CHANGE,
        severity: 2,
        resourceType: 'AccessKey',
        variableSeverity: true,
      },
    ],
    prefilter: (record: CloudTrailRecord) =>
      record.eventSource === 'iam.amazonaws.com' &&
      (record.eventName === 'UpdateAccountPasswordPolicy' ||
        record.eventName === 'DeleteAccountPasswordPolicy'),
    match(event: DetectorEvent<'cloudtrail'>): Match | undefined {
      const { record, scope } = event
      if (record.errorCode !== undefined) return undefined
      const known = policies.get(scope.accountId)
      const before = known ?? DEFAULT_PASSWORD_POLICY
      if (record.eventName === 'DeleteAccountPasswordPolicy') {
        policies.delete(scope.accountId)
        if (known === undefined) {
          return {
            weakened: ['password policy deleted'],
            points: 2,
            deleted: true,
            previousKnown: false,
          }
        }
        const change = comparePolicies(known, DEFAULT_PASSWORD_POLICY)
        if (change.points === 0) return undefined
        return { ...change, deleted: true, previousKnown: true }
      }
      const after = policyOfRequest(requestOf(record))
      policies.set(scope.accountId, after)
      const change = comparePolicies(before, after)
      return change.points === 0
        ? undefined
        : { ...change, deleted: false, previousKnown: known !== undefined }
    },
    build(match: Match, event: DetectorEvent<'cloudtrail'>) {
      const { record, scope } = event
      const severity = weakeningSeverity(match.points)
      return {
        scope,
        aggregationKey: aggregationKey(PASSWORD_POLICY_CHANGE, scope.accountId),
        eventTimeMs: event.eventTimeMs,
        remoteIp: sourceIpOf(record),
        finding: apiFinding({
          type: PASSWORD_POLICY_CHANGE,
          severity,
          title: match.deleted
            ? `The password policy of account ${scope.accountId} was deleted.`
            : `The password policy of account ${scope.accountId} was weakened.`,
          description:
            `${describeCaller(record)}${describeKey(record)} called ${record.eventName}, which ` +
            `${match.deleted ? 'deleted' : 'weakened'} the account password policy ` +
            `(${match.weakened.join('; ')}). Weaker passwords make IAM users easier to take over.`,
          resource: accessKeyResource(record),
          action: apiCallAction(record, { geoIp: options.geoIp }),
          info: {
            weakenedSettings: match.weakened,
            previousPolicyKnown: match.previousKnown,
          },
        }),
      }
    },
  })
}
