/**
 * The wire form of the findings detectors produce: GuardDuty's `Finding` as GetFindings returns it
 * (restJson1 `jsonName`s, camelCase), derived from the generated SDK-form types so that a detector
 * that misspells a member or gives it the wrong type fails to compile. This module owns that
 * derivation and `FindingContent`, the part of a finding a detector fills in — type, severity,
 * title, description, resource and the occurrence parts of `service` — leaving ids, ARNs, times and
 * counts to the aggregator (`FindingAggregator.record`).
 */
import type * as gd from '../../services/guardduty/generated/types.js'

/**
 * The wire name of an SDK-form member: its first letter lower-cased, which is the model's
 * `jsonName` for every shape detectors use except `KubernetesApiCallAction.SourceIps`
 * (`sourceIPs`).
 */
export type WireName<K extends string> = K extends 'SourceIps' ? 'sourceIPs' : Uncapitalize<K>

/**
 * The wire form of an SDK-form model type: member names as `WireName` spells them, timestamps
 * (`Date`) as epoch **seconds**, lists and maps element by element. Optional members stay optional.
 */
export type WireOf<T> = T extends Date
  ? number
  : T extends readonly (infer U)[]
    ? WireOf<U>[]
    : T extends object
      ? { [K in keyof T as K extends string ? WireName<K> : never]: WireOf<T[K]> }
      : T

/** `Finding` in wire form. */
export type WireFinding = WireOf<gd.Finding>
/** `Resource` in wire form (`resourceType`, `accessKeyDetails`, `s3BucketDetails`, …). */
export type WireResource = WireOf<gd.Resource>
/** `Service` in wire form. */
export type WireService = WireOf<gd.Service>
/** `Action` in wire form. */
export type WireAction = WireOf<gd.Action>
/** `AwsApiCallAction` in wire form. */
export type WireAwsApiCallAction = WireOf<gd.AwsApiCallAction>
/** `RemoteIpDetails` in wire form. */
export type WireRemoteIpDetails = WireOf<gd.RemoteIpDetails>
/** `AccessKeyDetails` in wire form. */
export type WireAccessKeyDetails = WireOf<gd.AccessKeyDetails>
/** `S3BucketDetail` in wire form (its `createdAt` is epoch seconds). */
export type WireS3BucketDetail = WireOf<gd.S3BucketDetail>
/** `InstanceDetails` in wire form. */
export type WireInstanceDetails = WireOf<gd.InstanceDetails>
/** `Evidence` in wire form. */
export type WireEvidence = WireOf<gd.Evidence>
/** `EksClusterDetails` in wire form (its `createdAt` is epoch seconds). */
export type WireEksClusterDetails = WireOf<gd.EksClusterDetails>
/** `KubernetesDetails` in wire form. */
export type WireKubernetesDetails = WireOf<gd.KubernetesDetails>
/** `KubernetesWorkloadDetails` in wire form. */
export type WireKubernetesWorkloadDetails = WireOf<gd.KubernetesWorkloadDetails>
/** `Container` in wire form. */
export type WireContainer = WireOf<gd.Container>
/** `KubernetesApiCallAction` in wire form (`sourceIPs`). */
export type WireKubernetesApiCallAction = WireOf<gd.KubernetesApiCallAction>
/** `NetworkConnectionAction` in wire form. */
export type WireNetworkConnectionAction = WireOf<gd.NetworkConnectionAction>
/** `PortProbeDetail` in wire form. */
export type WirePortProbeDetail = WireOf<gd.PortProbeDetail>
/** `DnsRequestAction` in wire form. */
export type WireDnsRequestAction = WireOf<gd.DnsRequestAction>

/** The `service` members a detector sets; the aggregator adds name, detector id, count, times. */
export type FindingServiceContent = Omit<
  WireService,
  'serviceName' | 'detectorId' | 'count' | 'eventFirstSeen' | 'eventLastSeen' | 'archived'
> & {
  readonly action: WireAction
  readonly resourceRole: 'ACTOR' | 'TARGET'
}

/**
 * What a detector reports about one occurrence: the finding without `id`, `arn`, `accountId`,
 * `region`, `createdAt`, `updatedAt`, `schemaVersion` and the aggregation parts of `service`. A type
 * alias, not an interface, so that it is assignable to the aggregator's `Record<string, unknown>`.
 */
export type FindingContent = {
  /** `ThreatPurpose:ResourceTypeAffected/ThreatFamilyName.DetectionMechanism!Artifact`. */
  readonly type: string
  /** 1.0–10.0: Low 2, Medium 5, High 8 by default. */
  readonly severity: number
  readonly title: string
  readonly description: string
  readonly resource: WireResource & { readonly resourceType: string }
  readonly service: FindingServiceContent
}

/** `service.additionalInfo` as GuardDuty's API returns it: a JSON text and the type `default`. */
export function additionalInfo(value: Readonly<Record<string, unknown>>): {
  value: string
  type: string
} {
  return { value: JSON.stringify(value), type: 'default' }
}
