/**
 * Inspector ListFindings over the findings store: `filterCriteria` (`domain/finding-criteria.ts`),
 * `sortCriteria` on every `SortField` (default: lastObservedAt, newest first) and keyset pages whose
 * opaque tokens are bound to the query. A delegated administrator reads its associated members'
 * findings too (narrow them with `awsAccountId`); every other account reads its own. Findings are
 * stored in wire form and decoded through the model on the way out.
 */
import { decodeWire } from '../../../protocol/read-input.js'
import type { FindingPosition, InspectorFindingSortKey, Storage } from '../../../storage/ports.js'
import { decodePageToken, encodePageToken, queryFingerprint } from '../../page-token.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { parseFilterCriteria } from '../domain/finding-criteria.js'
import type { InspectorFindingAccess } from '../domain/suppression.js'
import { schema } from '../generated/schema.js'
import type * as i2 from '../generated/types.js'
import { invalidNextToken } from './pages.js'

/** The store's sort key for each `SortField`. */
export const SORT_KEYS: Readonly<Record<i2.SortField, InspectorFindingSortKey>> = {
  AWS_ACCOUNT_ID: 'awsAccountId',
  FINDING_TYPE: 'type',
  SEVERITY: 'severity',
  FIRST_OBSERVED_AT: 'firstObservedAt',
  LAST_OBSERVED_AT: 'lastObservedAt',
  FINDING_STATUS: 'status',
  RESOURCE_TYPE: 'resourceType',
  ECR_IMAGE_PUSHED_AT: 'ecrImagePushedAt',
  ECR_IMAGE_REPOSITORY_NAME: 'ecrImageRepositoryName',
  ECR_IMAGE_REGISTRY: 'ecrImageRegistry',
  NETWORK_PROTOCOL: 'networkProtocol',
  COMPONENT_TYPE: 'componentType',
  VULNERABILITY_ID: 'vulnerabilityId',
  VULNERABILITY_SOURCE: 'vulnerabilitySource',
  INSPECTOR_SCORE: 'inspectorScore',
  VENDOR_SEVERITY: 'vendorSeverity',
  EPSS_SCORE: 'epssScore',
}

/** Page size when `maxResults` is absent. */
const DEFAULT_PAGE = 50

export interface FindingHandlerDeps {
  readonly storage: Storage
  readonly access: InspectorFindingAccess
}

/** The keyset position a token holds. */
function position(token: string, fingerprint: string): FindingPosition {
  const key = decodePageToken(token, fingerprint)?.key as { v?: unknown; p?: unknown } | undefined
  const v = key?.v
  if (
    !key ||
    typeof key.p !== 'number' ||
    (v !== null && typeof v !== 'string' && typeof v !== 'number')
  )
    throw invalidNextToken()
  return { sortValue: v, pk: key.p }
}

export function findingHandlers({ storage, access }: FindingHandlerDeps) {
  return {
    async ListFindings(
      input: i2.ListFindingsRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListFindingsResponse> {
      const filter = parseFilterCriteria(input.filterCriteria)
      const key = SORT_KEYS[input.sortCriteria?.field ?? 'LAST_OBSERVED_AT']
      const order = input.sortCriteria?.sortOrder ?? 'DESC'
      const scopes = await access.readableScopes(scopeOf(ctx))
      const fingerprint = queryFingerprint([
        'ListFindings',
        scopes,
        input.filterCriteria ?? null,
        key,
        order,
      ])
      const after =
        input.nextToken === undefined ? undefined : position(input.nextToken, fingerprint)
      const page = await storage.inspectorFindings.query({
        scopes,
        filter,
        sort: { key, order },
        limit: input.maxResults ?? DEFAULT_PAGE,
        ...(after ? { after } : {}),
      })
      return {
        findings: page.findings.map((s) => decodeWire(schema, 'Finding', s.finding) as i2.Finding),
        ...(page.next
          ? { nextToken: encodePageToken(fingerprint, { v: page.next.sortValue, p: page.next.pk }) }
          : {}),
      }
    },
  }
}
