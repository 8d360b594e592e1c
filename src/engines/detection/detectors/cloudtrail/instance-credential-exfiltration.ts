/**
 * `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS` (High) and `.InsideAWS`
 * (High; Medium when the calling account is affiliated): EC2 instance-role credentials used from
 * somewhere other than their instance. This module owns the rule:
 *
 * 1. The session is an instance-role session: `userIdentity.type` `AssumedRole` and
 *    `sessionContext.ec2RoleDelivery` set (`1.0` IMDSv1, `2.0` IMDSv2) or a role session named
 *    after an instance (`assumed-role/<role>/i-…`, `AROA…:i-…`). The instance id is the session name.
 * 2. Calls AWS services make on the role's behalf (`invokedBy`, `AwsServiceEvent`) and calls whose
 *    `sourceIPAddress` is a service name rather than an address are ignored.
 * 3. A call through a VPC endpoint owned by another account (`vpcEndpointAccountId` ≠ the scope's
 *    account) → **InsideAWS**, with `remoteAccountDetails` (affiliated when `isAffiliated` says so).
 * 4. Otherwise a non-public source (a private address through the account's own VPC endpoint), an
 *    address of the instance, or one of the account's own egress addresses (instance inventory:
 *    learned from RunInstances/AssociateAddress/AllocateAddress/CreateNatGateway or supplied) is the
 *    instance's own use → nothing.
 * 5. A public source address:
 *    - outside AWS's published ranges (`ip-ranges.json`, when supplied) → **OutsideAWS** (an
 *      instance's calls always leave from AWS space, so this holds even for instances the
 *      inventory does not know);
 *    - inside AWS's ranges → **InsideAWS** when the inventory's addresses of the instance are
 *      complete (so the address is known not to be its own), else undecided → nothing;
 *    - without the ranges → **OutsideAWS** when the instance's addresses are complete
 *      (`additionalInfo.awsIpRanges` says the ranges were not loaded), else nothing.
 *
 * Failed calls count (stolen credentials were used). Resource: the session's access key (user name
 * = role, principal id = `AROA…:i-…`). Aggregation: type + role session principal, so credential
 * rotation (a new ASIA key every few hours) keeps one finding per instance role session name.
 */
import type { Scope } from '../../../../storage/ports.js'
import { defineDetector, type Detector, type DetectorEvent } from '../../detector.js'
import type { AwsAddressSpace, AwsIpRange } from '../../enrichment/aws-ip-ranges.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import {
  INVENTORY_EVENT_NAMES,
  type InstanceInventory,
} from '../../enrichment/instance-inventory.js'
import { isPublicAddress, readIpAddress } from '../../enrichment/ip-address.js'
import type { CloudTrailRecord } from '../../sources/index.js'
import {
  accessKeyResource,
  aggregationKey,
  apiCallAction,
  apiFinding,
  describeKey,
  principalKeyOf,
  sessionNameOf,
} from './api-call.js'

export const OUTSIDE_AWS = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS'
export const INSIDE_AWS = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS'

const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/i

/** The instance id of an EC2 instance-role session, or undefined for any other caller. */
export function instanceSessionOf(record: CloudTrailRecord): string | undefined {
  const identity = record.userIdentity
  if (identity?.type !== 'AssumedRole') return undefined
  const session = sessionNameOf(record)
  const named = session !== undefined && INSTANCE_ID.test(session)
  if (identity.sessionContext?.ec2RoleDelivery === undefined && !named) return undefined
  return named ? session : undefined
}

interface Match {
  readonly type: typeof OUTSIDE_AWS | typeof INSIDE_AWS
  readonly instanceId: string
  readonly ip: string | undefined
  readonly remoteAccount?: { readonly accountId: string; readonly affiliated: boolean }
  readonly range?: AwsIpRange
  readonly rangesLoaded: boolean
}

/** Options of the detector. */
export interface InstanceCredentialExfiltrationOptions {
  /** Instance and account addresses; learned from CloudTrail when the inventory can `learn`. */
  readonly inventory?: InstanceInventory
  /** AWS's address space (`ip-ranges.json`). */
  readonly awsIpRanges?: AwsAddressSpace
  /** Whether another account is affiliated with the scope's (same organization / administrator). */
  readonly isAffiliated?: (scope: Scope, accountId: string) => boolean
  readonly geoIp?: GeoIpLookup
}

/** The detector. */
export function instanceCredentialExfiltration(
  options: InstanceCredentialExfiltrationOptions = {},
): Detector<'cloudtrail', Match> {
  const { inventory, awsIpRanges } = options
  return defineDetector<'cloudtrail', Match>({
    id: 'cloudtrail/instance-credential-exfiltration',
    source: 'cloudtrail',
    features: ['CLOUD_TRAIL', 'S3_DATA_EVENTS'],
    findingTypes: [
      { type: OUTSIDE_AWS, severity: 8, resourceType: 'AccessKey' },
      { type: INSIDE_AWS, severity: 8, resourceType: 'AccessKey', variableSeverity: true },
    ],
    prefilter: (record: CloudTrailRecord) =>
      record.userIdentity?.type === 'AssumedRole' || INVENTORY_EVENT_NAMES.has(record.eventName),
    match(event: DetectorEvent<'cloudtrail'>): Match | undefined {
      const { record, scope } = event
      if (INVENTORY_EVENT_NAMES.has(record.eventName)) inventory?.learn?.(scope, record)
      const instanceId = instanceSessionOf(record)
      if (instanceId === undefined) return undefined
      if (record.userIdentity?.invokedBy !== undefined || record.eventType === 'AwsServiceEvent') {
        return undefined
      }
      const address = readIpAddress(record.sourceIPAddress)
      if (address === undefined) return undefined
      const endpointAccount = record.vpcEndpointAccountId
      if (endpointAccount !== undefined && endpointAccount !== scope.accountId) {
        return {
          type: INSIDE_AWS,
          instanceId,
          ip: address.text,
          remoteAccount: {
            accountId: endpointAccount,
            affiliated: options.isAffiliated?.(scope, endpointAccount) ?? false,
          },
          rangesLoaded: awsIpRanges !== undefined,
        }
      }
      if (!isPublicAddress(address) && address.canonical !== undefined) return undefined
      const canonical = address.canonical ?? address.text
      const own = inventory?.addressesOf(scope, instanceId)
      if (own?.addresses.has(canonical) || inventory?.isAccountAddress(scope, canonical)) {
        return undefined
      }
      const known = own?.complete === true
      const base = { instanceId, ip: address.text, rangesLoaded: awsIpRanges !== undefined }
      if (awsIpRanges !== undefined) {
        const range = address.canonical === undefined ? undefined : awsIpRanges.lookup(canonical)
        if (range === undefined) return { ...base, type: OUTSIDE_AWS }
        return known ? { ...base, type: INSIDE_AWS, range } : undefined
      }
      return known ? { ...base, type: OUTSIDE_AWS } : undefined
    },
    build(match: Match, event: DetectorEvent<'cloudtrail'>) {
      const { record, scope } = event
      const identity = record.userIdentity
      const role = identity?.sessionContext?.sessionIssuer?.userName ?? 'unknown role'
      const severity = match.remoteAccount?.affiliated ? 5 : 8
      const where =
        match.type === OUTSIDE_AWS
          ? `${match.ip ?? 'an address'}, outside AWS`
          : match.remoteAccount
            ? `AWS account ${match.remoteAccount.accountId} (through its VPC endpoint${
                record.vpcEndpointId ? ` ${record.vpcEndpointId}` : ''
              })`
            : `${match.ip ?? 'an address'}, an AWS address that is not the instance's`
      return {
        scope,
        aggregationKey: aggregationKey(match.type, principalKeyOf(record)),
        eventTimeMs: event.eventTimeMs,
        ...(match.ip !== undefined ? { remoteIp: match.ip } : {}),
        finding: apiFinding({
          type: match.type,
          severity,
          title: `Credentials for instance role ${role} used from ${
            match.type === OUTSIDE_AWS ? 'outside AWS' : 'another AWS account'
          }.`,
          description:
            `Credentials that EC2 delivered to instance ${match.instanceId} for role ${role}` +
            `${describeKey(record)} were used to call ${record.eventName} of ${record.eventSource} ` +
            `from ${where}. Instance credentials used away from their instance suggest they were stolen.`,
          resource: accessKeyResource(record),
          action: apiCallAction(record, {
            geoIp: options.geoIp,
            ...(match.remoteAccount ? { remoteAccount: match.remoteAccount } : {}),
          }),
          info: {
            instanceId: match.instanceId,
            ...(identity?.sessionContext?.ec2RoleDelivery !== undefined
              ? { ec2RoleDelivery: identity.sessionContext.ec2RoleDelivery }
              : {}),
            ...(match.range
              ? {
                  awsIpRange: {
                    prefix: match.range.prefix,
                    region: match.range.region,
                    services: match.range.services,
                  },
                }
              : {}),
            ...(match.rangesLoaded ? {} : { awsIpRanges: 'not loaded' }),
          },
        }),
      }
    },
  })
}
