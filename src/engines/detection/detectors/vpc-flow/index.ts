/**
 * The VPC Flow Logs detector set: one call builds every flow-log detector around one shared
 * `FlowClassifier` (so each record's direction is worked out once, whatever the number of
 * detectors) with the enrichment the operator supplied (instance inventory for interface →
 * instance, Tor relay list, GeoIP). Each detector's rule is documented in its own module and in
 * docs/detection.md.
 */
import type { AnyDetector } from '../../detector.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { InstanceInventory } from '../../enrichment/instance-inventory.js'
import type { TorExitNodeLookup } from '../../enrichment/tor-exit-nodes.js'
import { bruteForce } from './brute-force.js'
import { denialOfService } from './denial-of-service.js'
import { FlowClassifier } from './flow-view.js'
import { ec2MaliciousIpCallerCustom } from './malicious-ip-caller-custom.js'
import { portProbeUnprotectedPort } from './port-probe.js'
import { portSweep } from './port-sweep.js'
import { portscan } from './portscan.js'
import { torClient, torRelay } from './tor.js'

/** Enrichment of the flow-log detectors; everything optional. */
export interface VpcFlowDetectorOptions {
  readonly geoIp?: GeoIpLookup
  /** Interface → instance (`MemoryInstanceInventory` learns it from CloudTrail `RunInstances`). */
  readonly instanceInventory?: InstanceInventory
  /**
   * Tor relay addresses for TorClient/TorRelay (a relay list; an exit list is a subset). Default:
   * `torExitNodes`.
   */
  readonly torRelays?: TorExitNodeLookup
  /** The operator's Tor exit list, used when no relay list is given. */
  readonly torExitNodes?: TorExitNodeLookup
  /** The classifier to share (default: a new one for this set). */
  readonly classifier?: FlowClassifier
}

/** Every flow-log detector, in a fixed order, sharing one classifier. */
export function vpcFlowDetectors(options: VpcFlowDetectorOptions = {}): AnyDetector[] {
  const inventory = options.instanceInventory
    ? { instanceInventory: options.instanceInventory }
    : {}
  const shared = {
    classifier: options.classifier ?? new FlowClassifier(inventory),
    ...inventory,
    ...(options.geoIp ? { geoIp: options.geoIp } : {}),
  }
  const torNodes = options.torRelays ?? options.torExitNodes
  const tor = { ...shared, ...(torNodes ? { torNodes } : {}) }
  return [
    portscan(shared),
    portSweep(shared),
    portProbeUnprotectedPort(shared),
    bruteForce(shared),
    torClient(tor),
    torRelay(tor),
    ec2MaliciousIpCallerCustom(shared),
    denialOfService(shared),
  ]
}

export { bruteForce } from './brute-force.js'
export { denialOfService } from './denial-of-service.js'
export { DistinctWindows } from '../../distinct-windows.js'
export { FlowClassifier, type FlowView } from './flow-view.js'
export { ec2MaliciousIpCallerCustom } from './malicious-ip-caller-custom.js'
export { portProbeUnprotectedPort } from './port-probe.js'
export { portSweep } from './port-sweep.js'
export { portscan } from './portscan.js'
export { torClient, torRelay } from './tor.js'
