/**
 * The trusted/threat list port for the detection engine: for an (account, region) it answers with a
 * matcher over every list of the scope's detector that is (or is becoming) ACTIVE, built from the stored
 * entries and cached until a list of that scope changes.
 */
import {
  ThreatListMatcher,
  type ThreatListSource,
} from '../../../engines/detection/threat-lists/threat-list-matcher.js'
import type { ThreatListEntries } from '../../../engines/detection/threat-lists/parse-threat-list.js'
import type { Scope, Storage } from '../../../storage/ports.js'
import { THREAT_LIST_KINDS } from './threat-list-kinds.js'

interface ListState {
  readonly name: string
  readonly state: string
}

export class ThreatListRegistry {
  readonly #cache = new Map<string, Promise<ThreatListMatcher>>()

  constructor(private readonly storage: Storage) {}

  /** The matcher of the scope's active lists (empty when the scope has no detector). */
  matcher(scope: Scope): Promise<ThreatListMatcher> {
    const key = `${scope.accountId}/${scope.region}`
    let cached = this.#cache.get(key)
    if (!cached) {
      cached = this.#build(scope)
      this.#cache.set(key, cached)
      cached.catch(() => this.#cache.delete(key))
    }
    return cached
  }

  /** Forgets the scope's matcher; the next `matcher` call rebuilds it. */
  invalidate(scope: Scope): void {
    this.#cache.delete(`${scope.accountId}/${scope.region}`)
  }

  async #build(scope: Scope): Promise<ThreatListMatcher> {
    const [detectorId] = await this.storage.detectors.listIds(scope, undefined, 1)
    const sources: ThreatListSource[] = []
    if (detectorId !== undefined) {
      for (const spec of Object.values(THREAT_LIST_KINDS)) {
        const lists = await this.storage.resources.list<ListState>(
          scope,
          spec.kind,
          detectorId,
          undefined,
          100,
        )
        for (const list of lists) {
          if (list.body.state !== 'ACTIVE') continue
          const entries = await this.storage.resources.get<ThreatListEntries>({
            scope,
            kind: `${spec.kind}:entries`,
            parentId: detectorId,
            id: list.id,
          })
          if (entries)
            sources.push({
              id: list.id,
              name: list.body.name,
              kind: spec.role,
              entries: entries.body,
            })
        }
      }
    }
    return new ThreatListMatcher(sources)
  }
}
