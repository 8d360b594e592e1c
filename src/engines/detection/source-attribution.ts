/**
 * Attribution of log records to what the engine needs before any detector runs: the scope
 * (account, Region) the activity belongs to, the event time, the detector feature that must be
 * enabled for the record to be analysed, and an id to drop duplicate deliveries by. This module
 * owns those rules per source; only CloudTrail is attributed so far (the other sources get their
 * adapter with their detectors).
 *
 * CloudTrail: account = `recipientAccountId`, else `userIdentity.accountId`; Region = `awsRegion`;
 * time = `eventTime`. Management events (`eventCategory` `Management`, or no category and
 * `managementEvent` not false) need `CLOUD_TRAIL`; S3 data events (`eventCategory` `Data`, or no
 * category and `managementEvent` false, from `s3.amazonaws.com`) need `S3_DATA_EVENTS`; other data
 * events, network-activity and Insight events are not analysed (GuardDuty does not read them).
 */
import type { Scope } from '../../storage/ports.js'
import type { DataSourceFeature, RecordOf } from './detector.js'
import type { CloudTrailRecord, LogSource } from './sources/index.js'

/** Why an event was not analysed. */
export type SkipReason =
  /** No detector reads the event's source. */
  | 'source-not-analyzed'
  /** The event's kind is not one GuardDuty analyses (non-S3 data events, Insight events…). */
  | 'event-not-analyzed'
  /** No account (or Region) could be attributed. */
  | 'no-scope'
  /** The account has no detector in the Region. */
  | 'no-detector'
  /** The detector is suspended. */
  | 'detector-disabled'
  /** The event's data source (detector feature) is disabled. */
  | 'feature-disabled'
  /** Same event id as an event already read. */
  | 'duplicate'

/** Every skip reason, in report order. */
export const SKIP_REASONS: readonly SkipReason[] = [
  'source-not-analyzed',
  'event-not-analyzed',
  'no-scope',
  'no-detector',
  'detector-disabled',
  'feature-disabled',
  'duplicate',
]

/** What attribution found. */
export interface Attribution {
  readonly scope: Scope
  /** Epoch milliseconds. */
  readonly eventTimeMs: number
  readonly feature: DataSourceFeature
  /** An id unique per event, for dropping repeated deliveries; undefined when there is none. */
  readonly eventId: string | undefined
}

/** Attributes records of one source. */
export interface SourceAttribution<S extends LogSource> {
  attribute(record: RecordOf<S>): Attribution | SkipReason
}

/** Whether the CloudTrail record is an S3 data event (object- or bucket-level data API call). */
export function isS3DataEvent(record: CloudTrailRecord): boolean {
  return record.eventSource === 's3.amazonaws.com' && isDataEvent(record)
}

function isDataEvent(record: CloudTrailRecord): boolean {
  return record.eventCategory === undefined
    ? record.managementEvent === false
    : record.eventCategory === 'Data'
}

/** The CloudTrail attribution (see the module comment). */
export const cloudTrailAttribution: SourceAttribution<'cloudtrail'> = {
  attribute(record: CloudTrailRecord): Attribution | SkipReason {
    let feature: DataSourceFeature
    if (isDataEvent(record)) {
      if (record.eventSource !== 's3.amazonaws.com') return 'event-not-analyzed'
      feature = 'S3_DATA_EVENTS'
    } else if (record.eventCategory === undefined || record.eventCategory === 'Management') {
      feature = 'CLOUD_TRAIL'
    } else {
      return 'event-not-analyzed'
    }
    const accountId = record.recipientAccountId ?? record.userIdentity?.accountId
    if (accountId === undefined || !/^\d{12}$/.test(accountId) || record.awsRegion === '') {
      return 'no-scope'
    }
    return {
      scope: { accountId, region: record.awsRegion },
      eventTimeMs: Date.parse(record.eventTime),
      feature,
      eventId: record.eventID,
    }
  },
}
