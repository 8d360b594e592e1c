/**
 * The Kubernetes audit event (`audit.k8s.io/v1` `Event`, also the older `v1beta1`): its typed shape
 * under the API's own field names, and the check that turns one parsed JSON value into a
 * `KubernetesAuditEvent` or says why it is not one. Unknown fields are kept. Events posted by a
 * webhook backend (as in Falco's traces) may omit `apiVersion`; they are accepted when `kind` is
 * `Event`. Field list: Kubernetes API reference, "Event v1 audit.k8s.io".
 */
import { checkJsonFields, isJsonObject, jsonFieldTable } from './json-fields.js'

/** `user` / `impersonatedUser`: an authenticated identity. */
export interface KubernetesUserInfo {
  /** `system:anonymous` for unauthenticated requests; on EKS often `kubernetes-admin` or an ARN. */
  readonly username?: string
  readonly uid?: string
  readonly groups?: readonly string[]
  /** Extra attributes; EKS puts the IAM identity here (`arn`, `canonicalArn`, `sessionName`…). */
  readonly extra?: { readonly [key: string]: readonly string[] }
  readonly [field: string]: unknown
}

/** `objectRef`: the object the request was about. */
export interface KubernetesObjectReference {
  /** Plural resource name: `pods`, `secrets`, `clusterrolebindings`… */
  readonly resource?: string
  readonly namespace?: string
  readonly name?: string
  readonly uid?: string
  /** Empty (absent) for the core group; `rbac.authorization.k8s.io`… */
  readonly apiGroup?: string
  readonly apiVersion?: string
  readonly resourceVersion?: string
  /** `exec`, `attach`, `portforward`, `status`… */
  readonly subresource?: string
  readonly [field: string]: unknown
}

/** `responseStatus`: a `meta/v1 Status` (partial). */
export interface KubernetesResponseStatus {
  /** HTTP status code of the response (`201`, `403`, `101` for an upgraded exec). */
  readonly code?: number
  readonly status?: string
  readonly reason?: string
  readonly message?: string
  readonly [field: string]: unknown
}

/** One Kubernetes audit event (unknown fields kept). */
export interface KubernetesAuditEvent {
  readonly kind: 'Event'
  /** `audit.k8s.io/v1` (or `v1beta1`); absent in some webhook payloads. */
  readonly apiVersion?: string
  /** `None`, `Metadata`, `Request` or `RequestResponse`. */
  readonly level?: string
  /** Unique id of the request; every stage of one request shares it. */
  readonly auditID: string
  /** `RequestReceived`, `ResponseStarted`, `ResponseComplete` or `Panic`. */
  readonly stage: string
  readonly requestURI: string
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`… */
  readonly verb: string
  readonly user: KubernetesUserInfo
  readonly impersonatedUser?: KubernetesUserInfo
  /** Client addresses, the origin first (X-Forwarded-For order). */
  readonly sourceIPs?: readonly string[]
  readonly userAgent?: string
  readonly objectRef?: KubernetesObjectReference
  readonly responseStatus?: KubernetesResponseStatus
  /** The request body (level `Request` or higher); any Kubernetes object. */
  readonly requestObject?: { readonly [field: string]: unknown }
  /** The response body (level `RequestResponse`). */
  readonly responseObject?: { readonly [field: string]: unknown }
  /** RFC 3339 time with microseconds (`2018-10-26T13:38:34.867116Z`). */
  readonly requestReceivedTimestamp?: string
  /** RFC 3339 time the event reached its `stage`. */
  readonly stageTimestamp?: string
  /** `authorization.k8s.io/decision` (`allow` | `forbid`), `authorization.k8s.io/reason`… */
  readonly annotations?: { readonly [key: string]: string }
  readonly [field: string]: unknown
}

const EVENT_FIELDS = jsonFieldTable(['auditID', 'stage', 'requestURI', 'verb', 'user'], {
  apiVersion: 'string',
  level: 'string',
  auditID: 'string',
  stage: 'string',
  requestURI: 'string',
  verb: 'string',
  user: 'object',
  impersonatedUser: 'object',
  sourceIPs: 'string-array',
  userAgent: 'string',
  objectRef: 'object',
  responseStatus: 'object',
  requestObject: 'object',
  responseObject: 'object',
  requestReceivedTimestamp: 'string',
  stageTimestamp: 'string',
  annotations: 'object',
})

const USER_FIELDS = jsonFieldTable([], {
  username: 'string',
  uid: 'string',
  groups: 'string-array',
  extra: 'object',
})

const OBJECT_REF_FIELDS = jsonFieldTable([], {
  resource: 'string',
  namespace: 'string',
  name: 'string',
  uid: 'string',
  apiGroup: 'string',
  apiVersion: 'string',
  resourceVersion: 'string',
  subresource: 'string',
})

/** Whether an `apiVersion` is the audit API group's (any version). */
export function isAuditApiVersion(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && apiVersion.startsWith('audit.k8s.io/')
}

/**
 * Reads one parsed JSON value as a Kubernetes audit event: an object with `kind` `"Event"`, an
 * `audit.k8s.io/…` `apiVersion` or none, string `auditID`, `stage`, `requestURI` and `verb`, an
 * object `user`, and declared fields of their declared types. Returns the same object typed, or
 * the reason it is not one (`{"kind": 0}` → `field kind is 0, not "Event"`).
 */
export function readKubernetesAuditEvent(value: unknown): KubernetesAuditEvent | string {
  if (!isJsonObject(value)) return 'not a JSON object'
  if (value.kind !== 'Event') {
    return value.kind === undefined
      ? 'field kind is missing'
      : `field kind is ${JSON.stringify(value.kind)}, not "Event"`
  }
  const problem = checkJsonFields(value, EVENT_FIELDS)
  if (problem !== undefined) return problem
  if (value.apiVersion !== undefined && !isAuditApiVersion(value.apiVersion)) {
    return `field apiVersion is ${JSON.stringify(value.apiVersion)}, not audit.k8s.io/…`
  }
  for (const field of ['user', 'impersonatedUser'] as const) {
    const user = value[field]
    if (!isJsonObject(user)) continue
    const userProblem = checkJsonFields(user, USER_FIELDS, `${field}.`)
    if (userProblem !== undefined) return userProblem
  }
  const objectRef = value.objectRef
  if (isJsonObject(objectRef)) {
    const refProblem = checkJsonFields(objectRef, OBJECT_REF_FIELDS, 'objectRef.')
    if (refProblem !== undefined) return refProblem
  }
  const annotations = value.annotations
  if (isJsonObject(annotations)) {
    for (const key in annotations) {
      if (typeof annotations[key] !== 'string') return `annotation ${key} is not a string`
    }
  }
  const status = value.responseStatus
  if (isJsonObject(status) && status.code !== undefined && typeof status.code !== 'number') {
    return 'field responseStatus.code is not a number'
  }
  return value as KubernetesAuditEvent
}
