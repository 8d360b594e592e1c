/**
 * The four kinds of GuardDuty trusted and threat lists and what differs between them: API member names,
 * whether domains are allowed, and quotas. IP lists (IPSet = trusted, ThreatIntelSet = threat) hold
 * IPv4 addresses and CIDRs; entity lists (TrustedEntitySet, ThreatEntitySet) also hold domains and report
 * `createdAt`, `updatedAt` and `errorDetails`.
 *
 * Quotas (GuardDuty documentation): one trusted list and six threat lists of each generation per
 * account and region; a trusted IP list holds at most 2,000 entries, a threat IP list 250,000, an entity
 * list 1,000; a list file is at most 35 MB.
 */

export type ThreatListRole = 'trusted' | 'threat'

export interface ThreatListKind {
  /** Resource kind in storage. */
  readonly kind: string
  /** Segment of the resource ARN under the detector. */
  readonly segment: string
  /** The API's noun, for messages: `IPSet`, `ThreatIntelSet`, ... */
  readonly noun: string
  readonly role: ThreatListRole
  readonly allowDomains: boolean
  readonly maxLists: number
  readonly maxEntries: number
  /** Member naming the id in requests and create responses (`IpSetId`). */
  readonly idMember: string
  /** Member listing ids in List responses (`IpSetIds`). */
  readonly idsMember: string
  /** Whether Get reports `CreatedAt`, `UpdatedAt` and `ErrorDetails`. */
  readonly detailed: boolean
}

/** Largest list file read, bytes. */
export const MAX_LIST_FILE_BYTES = 35 * 1024 * 1024

export const THREAT_LIST_KINDS = {
  IPSet: {
    kind: 'guardduty:ipset',
    segment: 'ipset',
    noun: 'IPSet',
    role: 'trusted',
    allowDomains: false,
    maxLists: 1,
    maxEntries: 2_000,
    idMember: 'IpSetId',
    idsMember: 'IpSetIds',
    detailed: false,
  },
  ThreatIntelSet: {
    kind: 'guardduty:threatintelset',
    segment: 'threatintelset',
    noun: 'ThreatIntelSet',
    role: 'threat',
    allowDomains: false,
    maxLists: 6,
    maxEntries: 250_000,
    idMember: 'ThreatIntelSetId',
    idsMember: 'ThreatIntelSetIds',
    detailed: false,
  },
  TrustedEntitySet: {
    kind: 'guardduty:trustedentityset',
    segment: 'trustedentityset',
    noun: 'TrustedEntitySet',
    role: 'trusted',
    allowDomains: true,
    maxLists: 1,
    maxEntries: 1_000,
    idMember: 'TrustedEntitySetId',
    idsMember: 'TrustedEntitySetIds',
    detailed: true,
  },
  ThreatEntitySet: {
    kind: 'guardduty:threatentityset',
    segment: 'threatentityset',
    noun: 'ThreatEntitySet',
    role: 'threat',
    allowDomains: true,
    maxLists: 6,
    maxEntries: 1_000,
    idMember: 'ThreatEntitySetId',
    idsMember: 'ThreatEntitySetIds',
    detailed: true,
  },
} as const satisfies Record<string, ThreatListKind>
