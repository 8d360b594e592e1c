/**
 * Whether a bucket policy, a bucket ACL or a Block Public Access configuration in a CloudTrail
 * request opens a bucket to the public — Vigil's approximation of the Zelkova reasoning GuardDuty
 * uses, as pure functions over `requestParameters`. This module owns the rules:
 *
 * - Policy (`PutBucketPolicy`): an `Allow` statement whose principal is `"*"` (or that uses
 *   `NotPrincipal`) grants **anonymous** access; one whose principal is `{"AWS": "*"}` (or a list
 *   holding `"*"`, or `CanonicalUser` `"*"`) grants **public** access to every authenticated AWS
 *   principal. A statement is not public when a non-negated condition (no `Not`, no `IfExists`)
 *   pins one of the keys S3 itself treats as limiting (`aws:SourceIp`, `aws:SourceVpc`,
 *   `aws:SourceVpce`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`, `aws:SourceOrgID`,
 *   `aws:SourceOrgPaths`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`,
 *   `aws:PrincipalOrgPaths`, `aws:userid`, `aws:username`, `s3:DataAccessPointAccount`,
 *   `s3:DataAccessPointArn`) to values without wildcards (and, for addresses, not `0.0.0.0/0` or
 *   `::/0`). An unconditional `Deny` of `*`/`s3:*` to everyone cancels every grant; narrower denies
 *   are not evaluated.
 * - ACL (`PutBucketAcl`, `CreateBucket`): the canned ACLs `public-read`/`public-read-write` and
 *   grants to the `AllUsers` group are **anonymous**, `authenticated-read` and grants to
 *   `AuthenticatedUsers` are **public** — from `x-amz-acl`, the `x-amz-grant-*` headers or the
 *   `AccessControlPolicy` body.
 * - Actions and permissions starting with `Get`/`List`, `READ` and `READ_ACP` read; everything else
 *   (and `*`, `s3:*`, `FULL_CONTROL`) writes.
 * - Block Public Access (`Put…PublicAccessBlock`): each of the four settings that is false or left
 *   out is off (S3 treats an omitted setting as false).
 */
import { isJsonObject, stringOf, type Json } from './api-call.js'

/** Who a grant opens the bucket to: anyone (`anonymous`) or any AWS principal (`public`). */
export type Audience = 'anonymous' | 'public'

/** A grant that makes the bucket public. */
export interface Exposure {
  readonly audience: Audience
  readonly read: boolean
  readonly write: boolean
  readonly via: 'policy' | 'acl'
  /** What grants it, in words (`Allow s3:GetObject to *`, `canned ACL public-read`…). */
  readonly grants: readonly string[]
}

const LIMITING_KEYS: ReadonlySet<string> = new Set(
  [
    'aws:SourceIp',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOwner',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:userid',
    'aws:username',
    's3:DataAccessPointAccount',
    's3:DataAccessPointArn',
  ].map((key) => key.toLowerCase()),
)

const OPEN_VALUES: ReadonlySet<string> = new Set(['*', '0.0.0.0/0', '::/0'])

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
}

function strings(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === 'string')
}

/** Whether an action or permission only reads. */
function isRead(action: string): boolean {
  const name = action.toLowerCase().replace(/^s3:/, '')
  return name.startsWith('get') || name.startsWith('list') || name === 'read' || name === 'read_acp'
}

function accessOf(
  actions: readonly string[],
  notAction: boolean,
): { read: boolean; write: boolean } {
  if (notAction) return { read: true, write: true }
  let read = false
  let write = false
  for (const action of actions) {
    const lower = action.toLowerCase()
    if (lower === '*' || lower === 's3:*' || lower === 'full_control') {
      read = true
      write = true
    } else if (isRead(action)) read = true
    else write = true
  }
  return { read, write }
}

/** The audience of a statement's principal, or undefined when it names specific principals. */
function audienceOf(statement: Json): Audience | undefined {
  if (statement.NotPrincipal !== undefined) return 'anonymous'
  const principal = statement.Principal
  if (principal === '*') return 'anonymous'
  if (!isJsonObject(principal)) return undefined
  if (strings(principal.AWS).includes('*') || strings(principal.CanonicalUser).includes('*')) {
    return 'public'
  }
  return undefined
}

/** Whether a statement's condition limits it to specific sources or principals. */
function limitedByCondition(condition: unknown): boolean {
  if (!isJsonObject(condition)) return false
  for (const [operator, block] of Object.entries(condition)) {
    if (/Not/.test(operator) || operator.endsWith('IfExists') || !isJsonObject(block)) continue
    for (const [key, values] of Object.entries(block)) {
      if (!LIMITING_KEYS.has(key.toLowerCase())) continue
      const texts = list(values).map(String)
      if (texts.length > 0 && texts.every((v) => !v.includes('*') && !OPEN_VALUES.has(v)))
        return true
    }
  }
  return false
}

/** The policy document of a `PutBucketPolicy` request (`bucketPolicy` object or JSON text). */
export function policyOfRequest(request: Json): Json | undefined {
  for (const candidate of [request.bucketPolicy, request.policy]) {
    if (isJsonObject(candidate)) return candidate
    const text = stringOf(candidate)
    if (text === undefined) continue
    try {
      const parsed: unknown = JSON.parse(text)
      if (isJsonObject(parsed)) return parsed
    } catch {
      // not JSON: try the next member
    }
  }
  return undefined
}

/** The exposure a bucket policy grants, or undefined when it grants none (see module comment). */
export function policyExposure(policy: Json): Exposure | undefined {
  const statements = list(policy.Statement).filter(isJsonObject)
  const denyAll = statements.some(
    (s) =>
      s.Effect === 'Deny' &&
      (s.Principal === '*' ||
        (isJsonObject(s.Principal) && strings(s.Principal.AWS).includes('*'))) &&
      (s.Condition === undefined ||
        (isJsonObject(s.Condition) && Object.keys(s.Condition).length === 0)) &&
      s.NotAction === undefined &&
      strings(s.Action).some((a) => a === '*' || a.toLowerCase() === 's3:*'),
  )
  if (denyAll) return undefined
  let audience: Audience | undefined
  let read = false
  let write = false
  const grants: string[] = []
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue
    const who = audienceOf(statement)
    if (who === undefined || limitedByCondition(statement.Condition)) continue
    const notAction = statement.NotAction !== undefined
    const actions = strings(notAction ? statement.NotAction : statement.Action)
    const access = accessOf(actions, notAction)
    read ||= access.read
    write ||= access.write
    if (audience !== 'anonymous') audience = who
    const principal = who === 'anonymous' ? '*' : '{"AWS":"*"}'
    grants.push(
      `Allow ${notAction ? `all but ${actions.join(', ')}` : actions.join(', ')} to ${principal}` +
        (typeof statement.Sid === 'string' ? ` (${statement.Sid})` : ''),
    )
  }
  return audience === undefined ? undefined : { audience, read, write, via: 'policy', grants }
}

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers'
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers'

const CANNED: Readonly<Record<string, { audience: Audience; read: boolean; write: boolean }>> = {
  'public-read': { audience: 'anonymous', read: true, write: false },
  'public-read-write': { audience: 'anonymous', read: true, write: true },
  'authenticated-read': { audience: 'public', read: true, write: false },
}

const GRANT_HEADERS: Readonly<Record<string, string>> = {
  'x-amz-grant-read': 'READ',
  'x-amz-grant-write': 'WRITE',
  'x-amz-grant-read-acp': 'READ_ACP',
  'x-amz-grant-write-acp': 'WRITE_ACP',
  'x-amz-grant-full-control': 'FULL_CONTROL',
}

/** The exposure an ACL in a `PutBucketAcl`/`CreateBucket` request grants, or undefined. */
export function aclExposure(request: Json): Exposure | undefined {
  let audience: Audience | undefined
  let read = false
  let write = false
  const grants: string[] = []
  const add = (who: Audience, permission: string, text: string) => {
    if (audience !== 'anonymous') audience = who
    const access = accessOf([permission], false)
    read ||= access.read
    write ||= access.write
    grants.push(text)
  }
  for (const acl of strings(request['x-amz-acl'])) {
    const canned = CANNED[acl]
    if (canned === undefined) continue
    if (audience !== 'anonymous') audience = canned.audience
    read ||= canned.read
    write ||= canned.write
    grants.push(`canned ACL ${acl}`)
  }
  for (const [header, permission] of Object.entries(GRANT_HEADERS)) {
    for (const value of strings(request[header])) {
      if (value.includes('AllUsers')) add('anonymous', permission, `${permission} to AllUsers`)
      else if (value.includes('AuthenticatedUsers')) {
        add('public', permission, `${permission} to AuthenticatedUsers`)
      }
    }
  }
  const policy = isJsonObject(request.AccessControlPolicy) ? request.AccessControlPolicy : undefined
  const aclList = isJsonObject(policy?.AccessControlList) ? policy.AccessControlList : undefined
  for (const grant of list(aclList?.Grant).filter(isJsonObject)) {
    const grantee = isJsonObject(grant.Grantee) ? grant.Grantee : {}
    const uri = stringOf(grantee.URI) ?? stringOf(grantee.uri)
    const permission = stringOf(grant.Permission) ?? 'READ'
    if (uri === ALL_USERS) add('anonymous', permission, `${permission} to AllUsers`)
    else if (uri === AUTHENTICATED_USERS)
      add('public', permission, `${permission} to AuthenticatedUsers`)
  }
  return audience === undefined ? undefined : { audience, read, write, via: 'acl', grants }
}

/** The four Block Public Access settings. */
export interface BlockPublicAccess {
  readonly blockPublicAcls: boolean
  readonly ignorePublicAcls: boolean
  readonly blockPublicPolicy: boolean
  readonly restrictPublicBuckets: boolean
}

/** All four settings off (what deleting the configuration leaves). */
export const BLOCK_PUBLIC_ACCESS_OFF: BlockPublicAccess = {
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
}

/** The settings of a `Put…PublicAccessBlock` request (omitted = false), or undefined without one. */
export function blockPublicAccessOfRequest(request: Json): BlockPublicAccess | undefined {
  const config = request.PublicAccessBlockConfiguration ?? request.publicAccessBlockConfiguration
  if (!isJsonObject(config)) return undefined
  const flag = (name: string) => {
    const value = config[name] ?? config[name.charAt(0).toLowerCase() + name.slice(1)]
    return value === true || value === 'true'
  }
  return {
    blockPublicAcls: flag('BlockPublicAcls'),
    ignorePublicAcls: flag('IgnorePublicAcls'),
    blockPublicPolicy: flag('BlockPublicPolicy'),
    restrictPublicBuckets: flag('RestrictPublicBuckets'),
  }
}

/** The settings that are off, by name. */
export function settingsOff(config: BlockPublicAccess): string[] {
  return (Object.keys(config) as (keyof BlockPublicAccess)[]).filter((key) => !config[key])
}
