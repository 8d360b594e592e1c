/**
 * Who sees which Inspector findings, and suppression rules. An account reads its own findings; a
 * delegated administrator also reads its associated (ENABLED) members'. A finding's suppression rules
 * are the SUPPRESS filters of its owner account and, when the owner is an associated member, of its
 * delegated administrator. A finding that is not CLOSED is SUPPRESSED while some rule matches it (the
 * rule is evaluated as if the finding were ACTIVE, so a rule naming `findingStatus` ACTIVE still holds)
 * and ACTIVE otherwise; `refresh` re-establishes this after filters change, `apply` on new findings.
 */
import type { Clock } from '../../../core/clock.js'
import type { FilterNode } from '../../../storage/query/criteria-ast.js'
import type { Scope, Storage, StoredInspectorFinding } from '../../../storage/ports.js'
import type { InspectorOrganizations } from '../handlers/organization-state.js'
import { MEMBER_KIND, type MemberBody, scopeOfAccount } from '../handlers/organization-state.js'
import { listAll } from '../handlers/pages.js'
import { criteriaFromStored, FILTER_KIND, type FilterBody } from './filter-records.js'
import { findingMatches, parseFilterCriteria } from './finding-criteria.js'

type Wire = Readonly<Record<string, unknown>>

const OPEN = parseFilterCriteria({
  findingStatus: [
    { comparison: 'EQUALS', value: 'ACTIVE' },
    { comparison: 'EQUALS', value: 'SUPPRESSED' },
  ],
})

/** Findings rewritten per transaction during a refresh. */
const BATCH = 500

export class InspectorFindingAccess {
  constructor(
    private readonly storage: Storage,
    private readonly organizations: InspectorOrganizations,
    private readonly clock: Clock,
  ) {}

  /** `scope` and, when its account is a delegated administrator, its associated members' scopes. */
  async readableScopes(scope: Scope): Promise<Scope[]> {
    if (!(await this.organizations.administered(scope))) return [scope]
    const members = await listAll<MemberBody>(this.storage, scope, MEMBER_KIND)
    return [
      scope,
      ...members
        .filter((m) => m.body.relationshipStatus === 'ENABLED')
        .map((m) => scopeOfAccount(scope, m.id)),
    ]
  }

  /** The delegated administrator `scope`'s account is an associated member of, if any. */
  async administratorOf(scope: Scope): Promise<string | undefined> {
    const org = this.organizations.directory.organizationOf(scope.accountId)
    if (!org) return undefined
    const admin = await this.organizations.delegatedAdmin(org, scope.region)
    if (!admin || admin === scope.accountId) return undefined
    return (await this.organizations.isAssociated(scopeOfAccount(scope, admin), scope.accountId))
      ? admin
      : undefined
  }

  /** The parsed SUPPRESS filters that apply to findings of `scope`. */
  async rulesFor(scope: Scope): Promise<FilterNode[]> {
    const admin = await this.administratorOf(scope)
    const owners = admin ? [scope, scopeOfAccount(scope, admin)] : [scope]
    const rules: FilterNode[] = []
    for (const owner of owners)
      for (const record of await listAll<FilterBody>(this.storage, owner, FILTER_KIND))
        if (record.body.action === 'SUPPRESS')
          rules.push(parseFilterCriteria(criteriaFromStored(record.body.criteria)))
    return rules
  }

  /**
   * The finding with the status `rules` give it, or the same object when that does not change it.
   * @param updatedAtMs when set, a changed finding gets this `updatedAt` (epoch milliseconds)
   */
  apply(finding: Wire, rules: readonly FilterNode[], updatedAtMs?: number): Wire {
    if (finding.status === 'CLOSED') return finding
    const asActive = { ...finding, status: 'ACTIVE' }
    const status = rules.some((r) => findingMatches(r, asActive)) ? 'SUPPRESSED' : 'ACTIVE'
    if (status === finding.status) return finding
    return {
      ...finding,
      status,
      ...(updatedAtMs !== undefined ? { updatedAt: updatedAtMs / 1000 } : {}),
    }
  }

  /** New findings with their suppression status (their timestamps are kept). */
  async applyAll(findings: readonly StoredInspectorFinding[]): Promise<StoredInspectorFinding[]> {
    const rules = new Map<string, FilterNode[]>()
    const out: StoredInspectorFinding[] = []
    for (const stored of findings) {
      const key = `${stored.scope.accountId}/${stored.scope.region}`
      let scopeRules = rules.get(key)
      if (!scopeRules) {
        scopeRules = await this.rulesFor(stored.scope)
        rules.set(key, scopeRules)
      }
      out.push({ ...stored, finding: this.apply(stored.finding, scopeRules) })
    }
    return out
  }

  /**
   * Re-evaluates the status of every ACTIVE or SUPPRESSED finding of the findings `owner` reads (after
   * one of its filters changed); changed findings get `updatedAt` = now.
   * @returns how many findings changed status
   */
  async refresh(owner: Scope): Promise<number> {
    let changed = 0
    for (const scope of await this.readableScopes(owner)) {
      const rules = await this.rulesFor(scope)
      let after
      do {
        const page = await this.storage.inspectorFindings.query({
          scopes: [scope],
          filter: OPEN,
          sort: { key: 'lastObservedAt', order: 'ASC' },
          limit: BATCH,
          ...(after ? { after } : {}),
        })
        const now = this.clock.now()
        const updates = page.findings.flatMap((s) => {
          const finding = this.apply(s.finding, rules, now)
          return finding === s.finding ? [] : [{ ...s, finding }]
        })
        if (updates.length) await this.storage.inspectorFindings.upsert(updates)
        changed += updates.length
        after = page.next
      } while (after)
    }
    return changed
  }
}
