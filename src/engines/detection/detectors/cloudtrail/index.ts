/**
 * The CloudTrail detector set: one call builds every CloudTrail detector with the enrichment ports
 * the operator supplied (GeoIP, Tor exit nodes, AWS ip-ranges, instance inventory) and the state
 * the S3 detectors share. Each detector's rule is documented in its own module and in
 * docs/detection.md.
 */
import type { Scope } from '../../../../storage/ports.js'
import type { AnyDetector } from '../../detector.js'
import type { AwsAddressSpace } from '../../enrichment/aws-ip-ranges.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import {
  MemoryInstanceInventory,
  type InstanceInventory,
} from '../../enrichment/instance-inventory.js'
import type { TorExitNodeLookup } from '../../enrichment/tor-exit-nodes.js'
import { cloudTrailLoggingDisabled } from './cloudtrail-logging-disabled.js'
import { consoleLoginSuccessB } from './console-login-success-b.js'
import { instanceCredentialExfiltration } from './instance-credential-exfiltration.js'
import { maliciousIpCallerCustom } from './malicious-ip-caller-custom.js'
import { passwordPolicyChange } from './password-policy-change.js'
import { pentestUserAgent } from './pentest-user-agent.js'
import { rootCredentialUsage } from './root-credential-usage.js'
import { s3AccessLoggingDisabled } from './s3-access-logging-disabled.js'
import { s3BlockPublicAccessDisabled } from './s3-block-public-access-disabled.js'
import { s3BucketExposure } from './s3-bucket-exposure.js'
import { S3PublicAccessState } from './s3-public-access-state.js'
import { torIpCaller } from './tor-ip-caller.js'

/** Enrichment and tuning of the CloudTrail detectors; everything optional. */
export interface CloudTrailDetectorOptions {
  readonly geoIp?: GeoIpLookup
  /** Tor exit nodes; without them the TorIPCaller types are never raised. */
  readonly torExitNodes?: TorExitNodeLookup
  /** AWS's address space (`ip-ranges.json`); needed to tell InsideAWS from OutsideAWS. */
  readonly awsIpRanges?: AwsAddressSpace
  /** EC2 inventory; default: an empty in-memory inventory that learns from CloudTrail. */
  readonly instanceInventory?: InstanceInventory
  /** Whether another account is affiliated with the scope's (InsideAWS severity). */
  readonly isAffiliated?: (scope: Scope, accountId: string) => boolean
  /** ConsoleLoginSuccess.B window, milliseconds (default 1 hour). */
  readonly consoleLoginWindowMs?: number
}

/** Every CloudTrail detector, in a fixed order. */
export function cloudTrailDetectors(options: CloudTrailDetectorOptions = {}): AnyDetector[] {
  const { geoIp } = options
  const s3State = new S3PublicAccessState()
  return [
    cloudTrailLoggingDisabled({ geoIp }),
    rootCredentialUsage({ geoIp }),
    passwordPolicyChange({ geoIp }),
    pentestUserAgent({ geoIp }),
    torIpCaller({ geoIp, ...(options.torExitNodes ? { torExitNodes: options.torExitNodes } : {}) }),
    maliciousIpCallerCustom({ geoIp }),
    instanceCredentialExfiltration({
      geoIp,
      inventory: options.instanceInventory ?? new MemoryInstanceInventory(),
      ...(options.awsIpRanges ? { awsIpRanges: options.awsIpRanges } : {}),
      ...(options.isAffiliated ? { isAffiliated: options.isAffiliated } : {}),
    }),
    consoleLoginSuccessB({
      geoIp,
      ...(options.consoleLoginWindowMs ? { windowMs: options.consoleLoginWindowMs } : {}),
    }),
    s3BlockPublicAccessDisabled({ state: s3State, geoIp }),
    s3BucketExposure({ state: s3State, geoIp }),
    s3AccessLoggingDisabled({ geoIp }),
  ]
}

export { cloudTrailLoggingDisabled } from './cloudtrail-logging-disabled.js'
export { consoleLoginSuccessB } from './console-login-success-b.js'
export { instanceCredentialExfiltration } from './instance-credential-exfiltration.js'
export { maliciousIpCallerCustom } from './malicious-ip-caller-custom.js'
export { passwordPolicyChange } from './password-policy-change.js'
export { pentestUserAgent } from './pentest-user-agent.js'
export { rootCredentialUsage } from './root-credential-usage.js'
export { s3AccessLoggingDisabled } from './s3-access-logging-disabled.js'
export { s3BlockPublicAccessDisabled } from './s3-block-public-access-disabled.js'
export { s3BucketExposure } from './s3-bucket-exposure.js'
export { S3PublicAccessState } from './s3-public-access-state.js'
export { torIpCaller } from './tor-ip-caller.js'
