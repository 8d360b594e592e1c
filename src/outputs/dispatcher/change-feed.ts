/**
 * A change feed the outputs read: a name (the cursor's key), the changes after a change number, the
 * feed's end, and how a change becomes an event. The GuardDuty and the Inspector findings stores are
 * the feeds.
 */
import type {
  FindingChange,
  FindingStore,
  InspectorFindingChange,
  InspectorFindingStore,
} from '../../storage/ports.js'
import {
  guardDutyFindingEvent,
  inspectorFindingEvent,
  type VigilEvent,
} from '../events/vigil-event.js'

export interface ChangeFeed {
  readonly name: string
  changesAfter(afterSeq: number, limit: number): Promise<readonly { readonly seq: number }[]>
  lastChangeSeq(): Promise<number>
  toEvent(change: { readonly seq: number }): VigilEvent
}

/** GuardDuty findings as a feed of "GuardDuty Finding" events. */
export function guardDutyFindingFeed(findings: FindingStore): ChangeFeed {
  return {
    name: 'guardduty-findings',
    changesAfter: (afterSeq, limit) => findings.changesAfter(afterSeq, limit),
    lastChangeSeq: () => findings.lastChangeSeq(),
    toEvent: (change) => guardDutyFindingEvent(change as FindingChange),
  }
}

/** Inspector findings as a feed of "Inspector2 Finding" events. */
export function inspectorFindingFeed(findings: InspectorFindingStore): ChangeFeed {
  return {
    name: 'inspector2-findings',
    changesAfter: (afterSeq, limit) => findings.changesAfter(afterSeq, limit),
    lastChangeSeq: () => findings.lastChangeSeq(),
    toEvent: (change) => inspectorFindingEvent(change as InspectorFindingChange),
  }
}
