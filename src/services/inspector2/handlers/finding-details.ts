/**
 * Inspector operations that look past a finding: BatchGetFindingDetails, BatchGetCodeSnippet and
 * GetClustersForImage.
 *
 * - BatchGetFindingDetails answers, for each finding the caller reads (its own, and its associated
 *   members' for a delegated administrator), the vulnerability details the stored finding carries:
 *   `epssScore` (`epss.score`), `referenceUrls` (package and code details), `cwes` (code details),
 *   `exploitObserved` (`lastSeen` = `exploitabilityDetails.lastKnownExploitAt`), and `cisaData`,
 *   `riskScore`, `evidences`, `ttps`, `tools` when the stored finding holds those members (a scanner
 *   may store them alongside the model's; imported findings do not have them). An ARN of an account
 *   the caller does not read is an ACCESS_DENIED entry of `errors`; an unknown finding (or one of
 *   another region) FINDING_DETAILS_NOT_FOUND.
 * - BatchGetCodeSnippet: Vigil keeps no source code, so no snippet is ever returned; every ARN gets an
 *   `errors` entry: ACCESS_DENIED (account not read), CODE_SNIPPET_NOT_FOUND (unknown finding, or a
 *   code finding whose source Vigil does not hold), INVALID_INPUT (a finding that is not a
 *   CODE_VULNERABILITY finding).
 * - GetClustersForImage: Vigil has no EKS/ECS inventory; for an image of an account the caller reads,
 *   the answer is an empty, well-formed `cluster` list (an image of another account is an
 *   `AccessDeniedException`). No page token is ever issued.
 */
import { decodeWire } from '../../../protocol/read-input.js'
import type { Scope, Storage, StoredInspectorFinding } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { parseFindingArn } from '../domain/finding-import.js'
import type { InspectorFindingAccess } from '../domain/suppression.js'
import { AccessDeniedException } from '../generated/errors.js'
import { schema } from '../generated/schema.js'
import type * as i2 from '../generated/types.js'
import { invalidNextToken } from './pages.js'

export interface FindingDetailHandlerDeps {
  readonly storage: Storage
  readonly access: InspectorFindingAccess
}

type Wire = Readonly<Record<string, unknown>>

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** The `FindingDetail` of a stored finding, in wire form. */
function detailWire(f: Wire): Record<string, unknown> {
  const pvd = obj(f.packageVulnerabilityDetails)
  const code = obj(f.codeVulnerabilityDetails)
  const urls = [
    ...new Set(
      [...list(pvd.referenceUrls), ...list(code.referenceUrls)].filter(
        (u): u is string => typeof u === 'string',
      ),
    ),
  ].slice(0, 100)
  const lastKnown = obj(f.exploitabilityDetails).lastKnownExploitAt
  const exploitObserved =
    f.exploitObserved ?? (typeof lastKnown === 'number' ? { lastSeen: lastKnown } : undefined)
  const out: Record<string, unknown> = {
    findingArn: f.findingArn,
    cisaData: f.cisaData,
    riskScore: f.riskScore,
    evidences: f.evidences,
    ttps: f.ttps,
    tools: f.tools,
    exploitObserved,
    referenceUrls: urls.length > 0 ? urls : undefined,
    cwes: code.cwes,
    epssScore: obj(f.epss).score,
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined))
}

type Lookup =
  | { readonly kind: 'found'; readonly finding: Wire }
  | { readonly kind: 'denied' }
  | { readonly kind: 'missing' }

/** BatchGetFindingDetails, BatchGetCodeSnippet and GetClustersForImage. */
export function findingDetailHandlers({ storage, access }: FindingDetailHandlerDeps) {
  /** Looks the ARNs up among the findings the caller reads. */
  async function lookup(ctx: ServiceContext, arns: readonly string[]) {
    const readable = await access.readableScopes(scopeOf(ctx))
    const accounts = new Set(readable.map((s) => s.accountId))
    const found = new Map<string, StoredInspectorFinding>()
    for (const s of await storage.inspectorFindings.getByArns(readable, [...new Set(arns)]))
      found.set(String(s.finding.findingArn), s)
    return (arn: string): Lookup => {
      const parsed = parseFindingArn(arn)
      if (parsed && parsed.region === ctx.region && !accounts.has(parsed.accountId))
        return { kind: 'denied' }
      const stored = found.get(arn)
      return stored ? { kind: 'found', finding: stored.finding } : { kind: 'missing' }
    }
  }

  const denied = (arn: string) =>
    `The caller may not read finding ${arn}: its account is neither the caller nor one of its associated members.`

  return {
    async BatchGetFindingDetails(
      input: i2.BatchGetFindingDetailsRequest,
      ctx: ServiceContext,
    ): Promise<i2.BatchGetFindingDetailsResponse> {
      const find = await lookup(ctx, input.findingArns)
      const findingDetails: i2.FindingDetail[] = []
      const errors: i2.FindingDetailsError[] = []
      for (const findingArn of input.findingArns) {
        const r = find(findingArn)
        if (r.kind === 'found')
          findingDetails.push(
            (decodeWire(schema, 'FindingDetail', detailWire(r.finding)) as i2.FindingDetail) ?? {
              findingArn,
            },
          )
        else if (r.kind === 'denied')
          errors.push({ findingArn, errorCode: 'ACCESS_DENIED', errorMessage: denied(findingArn) })
        else
          errors.push({
            findingArn,
            errorCode: 'FINDING_DETAILS_NOT_FOUND',
            errorMessage: `The finding ${findingArn} does not exist.`,
          })
      }
      return { findingDetails, errors }
    },

    async BatchGetCodeSnippet(
      input: i2.BatchGetCodeSnippetRequest,
      ctx: ServiceContext,
    ): Promise<i2.BatchGetCodeSnippetResponse> {
      const find = await lookup(ctx, input.findingArns)
      const errors: i2.CodeSnippetError[] = input.findingArns.map((findingArn) => {
        const r = find(findingArn)
        if (r.kind === 'denied')
          return { findingArn, errorCode: 'ACCESS_DENIED', errorMessage: denied(findingArn) }
        if (r.kind === 'missing')
          return {
            findingArn,
            errorCode: 'CODE_SNIPPET_NOT_FOUND',
            errorMessage: `The finding ${findingArn} does not exist.`,
          }
        if (r.finding.type !== 'CODE_VULNERABILITY')
          return {
            findingArn,
            errorCode: 'INVALID_INPUT',
            errorMessage: `The finding ${findingArn} is a ${String(r.finding.type)} finding; code snippets exist for CODE_VULNERABILITY findings only.`,
          }
        return {
          findingArn,
          errorCode: 'CODE_SNIPPET_NOT_FOUND',
          errorMessage: `Vigil keeps no source code: there is no code snippet for finding ${findingArn}.`,
        }
      })
      return { codeSnippetResults: [], errors }
    },

    async GetClustersForImage(
      input: i2.GetClustersForImageRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetClustersForImageResponse> {
      if (input.nextToken !== undefined) throw invalidNextToken()
      const account = /^arn:[^:]*:ecr:[^:]*:(\d{12}):/.exec(input.filter.resourceId)?.[1]
      const readable: Scope[] = await access.readableScopes(scopeOf(ctx))
      if (account !== undefined && !readable.some((s) => s.accountId === account))
        throw new AccessDeniedException(
          `The caller may not read images of account ${account}: it is neither the caller nor one of its associated members.`,
        )
      return { cluster: [] }
    },
  }
}
