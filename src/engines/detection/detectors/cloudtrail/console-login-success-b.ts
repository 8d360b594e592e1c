/**
 * `UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B` (Medium): the same IAM user (or the root user)
 * signed in to the console successfully from different places at about the same time. GuardDuty
 * does not publish its rule; this module owns Vigil's:
 *
 * - events: `signin.amazonaws.com` `ConsoleLogin` with `responseElements.ConsoleLogin` `Success`,
 *   by an `IAMUser` or `Root` identity, from an IP address;
 * - place of a sign-in: the country of the address when a GeoIP lookup is supplied and knows it,
 *   else the address's network (IPv4 /16, IPv6 /32) as a coarse stand-in;
 * - a sliding window of `windowMs` (default 1 hour) of event time per account + principal: when it
 *   holds sign-ins from at least `minPlaces` (default 2) distinct places, the sign-in is a detection
 *   (every further sign-in while that holds adds an occurrence to the same finding).
 *
 * Resource: the user (`accessKeyDetails` without a key id: console sign-ins use no access key).
 * `additionalInfo` lists the places and addresses in the window. Aggregation: type + account +
 * principal.
 */
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import { networkPrefix, readIpAddress } from '../../enrichment/ip-address.js'
import type { CloudTrailRecord } from '../../sources/index.js'
import { WindowedCounter, type WindowItem } from '../../windowed-counter.js'
import {
  accessKeyResource,
  aggregationKey,
  apiCallAction,
  apiFinding,
  describeCaller,
  principalKeyOf,
  responseOf,
} from './api-call.js'

export const CONSOLE_LOGIN_SUCCESS_B = 'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B'

/** One successful sign-in: where from. */
interface SignIn {
  readonly ip: string
  readonly place: string
}

interface Match {
  readonly signIns: readonly WindowItem<SignIn>[]
  readonly places: readonly string[]
}

/** Options of the detector. */
export interface ConsoleLoginSuccessBOptions {
  readonly geoIp?: GeoIpLookup
  /** Window length, milliseconds (default 3,600,000 = 1 hour). */
  readonly windowMs?: number
  /** Distinct places within the window that raise the finding (default 2). */
  readonly minPlaces?: number
}

/** The place of an address: GeoIP country, else its coarse network. */
function placeOf(ip: string, geoIp: GeoIpLookup | undefined): string {
  const info = readIpAddress(ip)
  const canonical = info?.canonical
  const country = canonical === undefined ? undefined : geoIp?.lookup(canonical)?.countryCode
  if (country !== undefined) return `country:${country}`
  const network = info === undefined ? undefined : networkPrefix(info)
  return network === undefined ? `address:${ip}` : `network:${network}`
}

/** The detector (one instance keeps the sign-in windows). */
export function consoleLoginSuccessB(
  options: ConsoleLoginSuccessBOptions = {},
): Detector<'cloudtrail', Match> {
  const minPlaces = options.minPlaces ?? 2
  const windows = new WindowedCounter<SignIn>({
    windowMs: options.windowMs ?? 3_600_000,
    distinctKey: (signIn) => signIn.place,
  })
  return defineDetector<'cloudtrail', Match>({
    id: 'cloudtrail/console-login-success-b',
    source: 'cloudtrail',
    features: ['CLOUD_TRAIL'],
    findingTypes: [{ type: CONSOLE_LOGIN_SUCCESS_B, severity: 5, resourceType: 'AccessKey' }],
    prefilter: (record: CloudTrailRecord) =>
      record.eventName === 'ConsoleLogin' && record.eventSource === 'signin.amazonaws.com',
    match(event: DetectorEvent<'cloudtrail'>): Match | undefined {
      const { record, scope } = event
      const type = record.userIdentity?.type
      if (type !== 'IAMUser' && type !== 'Root') return undefined
      if (responseOf(record).ConsoleLogin !== 'Success') return undefined
      const ip = record.sourceIPAddress
      if (ip === undefined || readIpAddress(ip) === undefined) return undefined
      const view = windows.add(
        `${scope.accountId}\u0000${principalKeyOf(record)}`,
        event.eventTimeMs,
        { ip, place: placeOf(ip, options.geoIp) },
      )
      if (view.distinct < minPlaces) return undefined
      return {
        signIns: view.items,
        places: [...new Set(view.items.map((entry) => entry.item.place))],
      }
    },
    build(match: Match, event: DetectorEvent<'cloudtrail'>) {
      const { record, scope } = event
      const addresses = [...new Set(match.signIns.map((entry) => entry.item.ip))]
      const minutes = Math.round((options.windowMs ?? 3_600_000) / 60_000)
      return {
        scope,
        aggregationKey: aggregationKey(
          CONSOLE_LOGIN_SUCCESS_B,
          scope.accountId,
          principalKeyOf(record),
        ),
        eventTimeMs: event.eventTimeMs,
        ...(record.sourceIPAddress !== undefined ? { remoteIp: record.sourceIPAddress } : {}),
        finding: apiFinding({
          type: CONSOLE_LOGIN_SUCCESS_B,
          severity: 5,
          title: `Multiple worldwide successful console logins for ${describeCaller(record)}.`,
          description:
            `${describeCaller(record)} signed in to the AWS console successfully from ` +
            `${match.places.length} different places within ${minutes} minutes ` +
            `(${addresses.join(', ')}). One person cannot be in several places at once; the ` +
            'password may be shared or stolen.',
          resource: accessKeyResource(record),
          action: apiCallAction(record, { geoIp: options.geoIp }),
          info: {
            places: match.places,
            sourceIps: addresses,
            windowMinutes: minutes,
            signIns: match.signIns.length,
          },
        }),
      }
    },
  })
}
