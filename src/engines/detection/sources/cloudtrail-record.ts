/**
 * The CloudTrail record: its typed shape, under CloudTrail's own field names, and the check that
 * turns one parsed JSON value into a `CloudTrailRecord` or says why it is not one. This module owns
 * which CloudTrail fields are required and what type every declared field must have; the record
 * object is the parsed JSON itself, so fields this type does not declare (`serviceEventDetails`,
 * `sharedEventID`, fields CloudTrail adds later…) are kept and reachable through the index
 * signature. Field list: CloudTrail user guide, "CloudTrail record contents" (eventVersion 1.08–1.11).
 */
import { checkJsonFields, isJsonObject, isTimestamp, jsonFieldTable } from './json-fields.js'

/** A JSON object the record carries through unchanged (`requestParameters`, `responseElements`…). */
export interface CloudTrailJsonObject {
  readonly [key: string]: unknown
}

/** `userIdentity.sessionContext.sessionIssuer`: the role or user that issued temporary credentials. */
export interface CloudTrailSessionIssuer {
  /** `Root`, `IAMUser` or `Role`. */
  readonly type?: string
  readonly principalId?: string
  readonly arn?: string
  readonly accountId?: string
  readonly userName?: string
  readonly [field: string]: unknown
}

/** `userIdentity.sessionContext`: present when the caller used temporary security credentials. */
export interface CloudTrailSessionContext {
  readonly sessionIssuer?: CloudTrailSessionIssuer
  readonly attributes?: {
    /** ISO-8601 UTC time the credentials were issued. */
    readonly creationDate?: string
    /** `"true"` or `"false"` — a string in CloudTrail, not a boolean. */
    readonly mfaAuthenticated?: string
    readonly [field: string]: unknown
  }
  /** `"1.0"` (IMDSv1) or `"2.0"` (IMDSv2) when the credentials are EC2 instance-role credentials. */
  readonly ec2RoleDelivery?: string
  readonly sourceIdentity?: string
  readonly webIdFederationData?: CloudTrailJsonObject
  readonly [field: string]: unknown
}

/** `userIdentity`: who made the request. */
export interface CloudTrailUserIdentity {
  /**
   * `Root`, `IAMUser`, `AssumedRole`, `FederatedUser`, `AWSAccount`, `AWSService`,
   * `IdentityCenterUser`, `SAMLUser`, `WebIdentityUser`, `Directory`, `Unknown`…
   */
  readonly type?: string
  readonly principalId?: string
  readonly arn?: string
  /** The account that owns the identity; `"anonymous"` for unauthenticated S3 requests. */
  readonly accountId?: string
  /** `AKIA…` = long-term key, `ASIA…` = temporary credentials. */
  readonly accessKeyId?: string
  readonly userName?: string
  /** The AWS service that made the request on the caller's behalf (`ec2.amazonaws.com`). */
  readonly invokedBy?: string
  readonly sessionContext?: CloudTrailSessionContext
  readonly identityProvider?: string
  readonly credentialId?: string
  readonly [field: string]: unknown
}

/** One entry of `resources`. CloudTrail writes `ARN` in capitals. */
export interface CloudTrailResource {
  readonly ARN?: string
  readonly accountId?: string
  /** `AWS::S3::Object`, `AWS::IAM::Role`… */
  readonly type?: string
  readonly [field: string]: unknown
}

/** `tlsDetails`: the TLS session of the API call. */
export interface CloudTrailTlsDetails {
  readonly tlsVersion?: string
  readonly cipherSuite?: string
  readonly clientProvidedHostHeader?: string
  readonly [field: string]: unknown
}

/** One CloudTrail event record, as CloudTrail delivers it (unknown fields kept). */
export interface CloudTrailRecord {
  /** Record format version, `"1.08"`…`"1.11"`. */
  readonly eventVersion: string
  /** ISO-8601 UTC time the request was completed (`2024-07-31T13:06:24Z`), second precision. */
  readonly eventTime: string
  /** The service the request was made to (`cloudtrail.amazonaws.com`). */
  readonly eventSource: string
  /** The API action (`StopLogging`). */
  readonly eventName: string
  /** The region the request was made to; global services log `us-east-1`. */
  readonly awsRegion: string
  /** Caller IP address, or a service DNS name / `"AWS Internal"` for calls made by AWS services. */
  readonly sourceIPAddress?: string
  /** The caller's user agent (CloudTrail truncates at 1 KB). */
  readonly userAgent?: string
  readonly userIdentity?: CloudTrailUserIdentity
  /** Request parameters; `null` or absent when there are none or they exceed 100 KB. */
  readonly requestParameters?: CloudTrailJsonObject | null
  /** Response elements; `null` or absent for read-only calls without output or > 100 KB. */
  readonly responseElements?: CloudTrailJsonObject | null
  readonly additionalEventData?: CloudTrailJsonObject
  /** AWS service error code (`AccessDenied`); absent when the call succeeded. */
  readonly errorCode?: string
  readonly errorMessage?: string
  readonly requestID?: string
  /** CloudTrail's id of the event; deliveries may repeat a record, dedupe on it. */
  readonly eventID?: string
  /** `AwsApiCall`, `AwsServiceEvent`, `AwsConsoleAction`, `AwsConsoleSignIn`, `AwsVpceEvents`. */
  readonly eventType?: string
  readonly apiVersion?: string
  /** Whether the operation is read-only (a boolean in the JSON). */
  readonly readOnly?: boolean
  readonly resources?: readonly CloudTrailResource[]
  /** The account that received the event. */
  readonly recipientAccountId?: string
  readonly serviceEventDetails?: CloudTrailJsonObject
  readonly sharedEventID?: string
  readonly vpcEndpointId?: string
  readonly vpcEndpointAccountId?: string
  readonly managementEvent?: boolean
  /** `Management`, `Data`, `NetworkActivity` or `Insight`. */
  readonly eventCategory?: string
  readonly tlsDetails?: CloudTrailTlsDetails
  readonly sessionCredentialFromConsole?: string
  readonly [field: string]: unknown
}

const RECORD_FIELDS = jsonFieldTable(
  ['eventVersion', 'eventTime', 'eventSource', 'eventName', 'awsRegion'],
  {
    eventVersion: 'string',
    eventTime: 'string',
    eventSource: 'string',
    eventName: 'string',
    awsRegion: 'string',
    sourceIPAddress: 'string',
    userAgent: 'string',
    userIdentity: 'object',
    requestParameters: 'object',
    responseElements: 'object',
    additionalEventData: 'object',
    errorCode: 'string',
    errorMessage: 'string',
    requestID: 'string',
    eventID: 'string',
    eventType: 'string',
    apiVersion: 'string',
    readOnly: 'boolean',
    resources: 'array',
    recipientAccountId: 'string',
    serviceEventDetails: 'object',
    sharedEventID: 'string',
    vpcEndpointId: 'string',
    vpcEndpointAccountId: 'string',
    managementEvent: 'boolean',
    eventCategory: 'string',
    tlsDetails: 'object',
    sessionCredentialFromConsole: 'string',
  },
)

const IDENTITY_FIELDS = jsonFieldTable([], {
  type: 'string',
  principalId: 'string',
  arn: 'string',
  accountId: 'string',
  accessKeyId: 'string',
  userName: 'string',
  invokedBy: 'string',
  sessionContext: 'object',
  identityProvider: 'string',
  credentialId: 'string',
})

const SESSION_FIELDS = jsonFieldTable([], {
  sessionIssuer: 'object',
  attributes: 'object',
  ec2RoleDelivery: 'string',
  sourceIdentity: 'string',
  webIdFederationData: 'object',
})

/**
 * Reads one parsed JSON value as a CloudTrail record: an object with string `eventVersion`,
 * `eventTime` (a valid timestamp), `eventSource`, `eventName` and `awsRegion`, whose other declared
 * fields (when present and not null) have their declared types. Returns the same object typed, or
 * the reason it is not a CloudTrail record.
 */
export function readCloudTrailRecord(value: unknown): CloudTrailRecord | string {
  if (!isJsonObject(value)) return 'not a JSON object'
  const problem = checkJsonFields(value, RECORD_FIELDS)
  if (problem !== undefined) return problem
  if (!isTimestamp(value.eventTime as string)) return 'field eventTime is not a timestamp'
  const identity = value.userIdentity
  if (isJsonObject(identity)) {
    const identityProblem = checkJsonFields(identity, IDENTITY_FIELDS, 'userIdentity.')
    if (identityProblem !== undefined) return identityProblem
    const session = identity.sessionContext
    if (isJsonObject(session)) {
      const sessionProblem = checkJsonFields(
        session,
        SESSION_FIELDS,
        'userIdentity.sessionContext.',
      )
      if (sessionProblem !== undefined) return sessionProblem
    }
  }
  const resources = value.resources
  if (Array.isArray(resources) && !resources.every(isJsonObject)) {
    return 'field resources holds a value that is not an object'
  }
  return value as CloudTrailRecord
}
