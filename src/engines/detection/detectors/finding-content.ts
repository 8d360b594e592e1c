/**
 * The assembly of a detector's `FindingContent` from its parts — type, severity, texts, resource,
 * action, resource role, `additionalInfo` and evidence — shared by the flow-log, DNS and Kubernetes
 * detector families, and the aggregation-key convention they share with the CloudTrail detectors
 * (the type and the parts that make activity "the same", joined by `|`).
 */
import {
  additionalInfo,
  type FindingContent,
  type WireAction,
  type WireEvidence,
} from '../finding-wire.js'

/** What `findingContent` assembles. */
export interface FindingParts {
  readonly type: string
  readonly severity: number
  readonly title: string
  readonly description: string
  readonly resource: FindingContent['resource']
  readonly action: WireAction
  readonly resourceRole: 'ACTOR' | 'TARGET'
  /** Decoded `additionalInfo` (stored as GuardDuty does: a JSON text with type `default`). */
  readonly info?: Readonly<Record<string, unknown>>
  readonly evidence?: WireEvidence
}

/** The finding content of a detection. */
export function findingContent(parts: FindingParts): FindingContent {
  return {
    type: parts.type,
    severity: parts.severity,
    title: parts.title,
    description: parts.description,
    resource: parts.resource,
    service: {
      action: parts.action,
      resourceRole: parts.resourceRole,
      ...(parts.evidence ? { evidence: parts.evidence } : {}),
      ...(parts.info ? { additionalInfo: additionalInfo(parts.info) } : {}),
    },
  }
}

/** An aggregation key: the type and the parts that identify "the same" activity. */
export function aggregationKey(type: string, ...parts: readonly string[]): string {
  return [type, ...parts].join('|')
}

/** `evidence.threatIntelligenceDetails` naming lists (and, optionally, threat names). */
export function threatEvidence(
  lists: readonly { readonly name: string; readonly threatNames?: readonly string[] }[],
): WireEvidence {
  return {
    threatIntelligenceDetails: lists.map((list) => ({
      threatListName: list.name,
      ...(list.threatNames ? { threatNames: [...list.threatNames] } : {}),
    })),
  }
}
