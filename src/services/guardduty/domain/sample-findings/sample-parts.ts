/**
 * The vocabulary the sample-finding builders share: what a builder receives (the catalog entry, the
 * caller's scope and the type's value stream), what it returns (the `resource` block, the parts of
 * `service` it owns, the resource role and a short name of the affected resource for texts), and the
 * parsing of a finding type name into its parts.
 */
import type { Scope } from '../../../../storage/ports.js'
import type { FindingTypeInfo } from './finding-catalog.js'
import type { SampleValues } from './sample-values.js'

/** A JSON object in wire form. */
export type Wire = Record<string, unknown>

/** What a builder works from. */
export interface SampleInput {
  readonly entry: FindingTypeInfo
  readonly scope: Scope
  readonly values: SampleValues
}

/** What a builder produces. */
export interface SampleParts {
  /** The finding's `resource`, `resourceType` included. */
  readonly resource: Wire
  /** Members of `service` owned by the builder: `action`, `evidence`, `runtimeDetails`, ... */
  readonly service: Wire
  readonly resourceRole: 'ACTOR' | 'TARGET'
  /** The affected resource, for the description (`EC2 instance i-0abc…`). */
  readonly subject: string
  /** More for the description, as a sentence. */
  readonly detail?: string
}

/** The parts of `ThreatPurpose:ResourceTypeAffected/ThreatFamilyName.DetectionMechanism!Artifact`. */
export interface TypeName {
  /** `Backdoor`, `UnauthorizedAccess`, ... */
  readonly purpose: string
  /** `EC2`, `IAMUser`, `Kubernetes`, ... */
  readonly affected: string
  /** Everything after the slash: `C&CActivity.B!DNS`. */
  readonly technique: string
}

/** Splits a finding type name into its parts. */
export function typeName(type: string): TypeName {
  const colon = type.indexOf(':')
  const slash = type.indexOf('/')
  return {
    purpose: type.slice(0, colon),
    affected: type.slice(colon + 1, slash),
    technique: type.slice(slash + 1),
  }
}

/** The caller classes a technique name implies. */
export type CallerKind = 'tor' | 'malicious' | 'custom' | 'plain'

/** Whether the technique names a Tor exit node, AWS threat intelligence or a customer threat list. */
export function callerKind(technique: string): CallerKind {
  if (technique.includes('TorIPCaller')) return 'tor'
  if (technique.includes('MaliciousIPCaller.Custom')) return 'custom'
  if (technique.includes('MaliciousIPCaller')) return 'malicious'
  return 'plain'
}

/** The name of the customer threat list custom-list samples point at. */
export const SAMPLE_THREAT_LIST = 'SampleCustomThreatList'

/** `service.evidence` naming a threat list and threat. */
export function threatEvidence(threatListName: string, threatName: string): Wire {
  return { threatIntelligenceDetails: [{ threatListName, threatNames: [threatName] }] }
}
