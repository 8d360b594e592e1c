/**
 * The detector list: every detector family the engine runs, built from one options object, and
 * the attribution of each log source those families read. This module owns which families are
 * on and in what order; each family owns its detectors (`detectors/<family>/`), and the rules are
 * documented in docs/detection.md.
 *
 * Families, in order: CloudTrail (`cloudtrail/`, management and S3 data events), VPC Flow Logs
 * (`vpc-flow/`), DNS (`dns/`, Route 53 Resolver query logs) and Kubernetes audit logs
 * (`kubernetes/`). One instance inventory is shared by the CloudTrail family (which learns
 * instances and their interfaces from `RunInstances`) and the flow-log family (which names the
 * instance of an interface with it). To add a family:
 *
 * 1. build the family from `DetectorOptions` in `buildDetectors` (add options the family needs to
 *    `DetectorOptions`; enrichment ports such as `geoIp` are shared by every family);
 * 2. its source's attribution (`source-attribution.ts`) is built in `buildAttribution`, one
 *    instance per engine, and handed to both the engine and the ingestion's per-scope metering so
 *    the two agree. Records that do not carry their whole scope read the object being ingested
 *    (`LogObjectContext`, given to `engine.run` or read through `currentObject()`): a
 *    default-format flow log names its account but not its Region (the S3 key's
 *    `keyHint.region` does); an audit event names neither cluster nor account (the context's
 *    `cluster`, else the default of the operator's `kubernetesClusters`).
 *
 * The engine refuses a detector whose source has no attribution, so both lists change together.
 */
import type { AnyDetector } from '../detector.js'
import { MemoryInstanceInventory } from '../enrichment/instance-inventory.js'
import type { KubernetesClusters } from '../enrichment/kubernetes-clusters.js'
import type { LogObjectContext } from '../object-context.js'
import {
  cloudTrailAttribution,
  createDnsAttribution,
  createVpcFlowAttribution,
  kubernetesAuditAttribution,
  type SourceAttribution,
} from '../source-attribution.js'
import type { LogSource } from '../sources/index.js'
import { cloudTrailDetectors, type CloudTrailDetectorOptions } from './cloudtrail/index.js'
import { dnsDetectors, type DnsDetectorOptions } from './dns/index.js'
import { kubernetesDetectors, type KubernetesDetectorOptions } from './kubernetes/index.js'
import { vpcFlowDetectors, type VpcFlowDetectorOptions } from './vpc-flow/index.js'

/** Enrichment and context for every detector family; everything optional. */
export interface DetectorOptions
  extends
    CloudTrailDetectorOptions,
    VpcFlowDetectorOptions,
    DnsDetectorOptions,
    KubernetesDetectorOptions {
  /** The operator's Kubernetes clusters (config `kubernetesClusters`). */
  readonly kubernetesClusters?: KubernetesClusters
  /** The log object being read, for attributions that need more than the record. */
  readonly currentObject?: () => LogObjectContext | undefined
}

/** Attribution per log source, as `DetectionEngine`'s `attribution` option takes it. */
export type SourceAttributions = { [S in LogSource]: SourceAttribution<S> }

/**
 * Every detector of every family, in a fixed order (CloudTrail, VPC Flow Logs, DNS, Kubernetes),
 * sharing one instance inventory (the given one, else a new in-memory one).
 */
export function buildDetectors(options: DetectorOptions = {}): AnyDetector[] {
  const shared = {
    ...options,
    instanceInventory: options.instanceInventory ?? new MemoryInstanceInventory(),
  }
  return [
    ...cloudTrailDetectors(shared),
    ...vpcFlowDetectors(shared),
    ...dnsDetectors(shared),
    ...kubernetesDetectors(shared),
  ]
}

/**
 * The attribution of every source (new instances: attributions cache the last object's context,
 * so the engine and the metering each get their own).
 */
export function buildAttribution(options: DetectorOptions = {}): SourceAttributions {
  const object = options.currentObject !== undefined ? { currentObject: options.currentObject } : {}
  return {
    cloudtrail: cloudTrailAttribution,
    'vpc-flow': createVpcFlowAttribution(object),
    dns: createDnsAttribution(object),
    'k8s-audit': kubernetesAuditAttribution({
      ...object,
      ...(options.kubernetesClusters !== undefined ? { clusters: options.kubernetesClusters } : {}),
    }),
  }
}
