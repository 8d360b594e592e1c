/**
 * Import of findings exported from Amazon Inspector, keeping their ARNs and timestamps. Accepted inputs
 * (detected from the content):
 *
 * - `{"findings": [...]}` — a ListFindings response (as the API sends it, or as the AWS CLI prints it
 *   with ISO-8601 dates) or a JSON findings report (CreateFindingsReport, format JSON);
 * - EventBridge "Inspector2 Finding" events (`{"detail-type": "Inspector2 Finding", "detail": {...}}`),
 *   one, a JSON array of them, or one per line;
 * - findings one per line (JSON lines), a JSON array of findings, or a single finding.
 *
 * Dates may be epoch seconds, ISO-8601, or EventBridge's `Wed Sep 04 16:59:44.356 UTC 2024` and
 * `Mar 20, 2023, 6:08:05 PM` (read as UTC).
 *
 * Each finding is read against the model's `Finding` shape (`read-document.ts`); a record with a
 * missing required member, a value of the wrong type, or a `findingArn` that is not an Inspector
 * finding ARN of its `awsAccountId` is reported with its line and skipped. `placeFindings` then decides
 * where each finding goes: its account must be the importing account or one of the accounts that
 * account reads (its associated members, for a delegated administrator), and the region of its ARN the
 * importing region; others are reported and skipped.
 */
import { objectLines } from '../../../protocol/json-object-lines.js'
import { readDocument } from '../../../protocol/read-document.js'
import type { Scope, StoredInspectorFinding } from '../../../storage/ports.js'
import { schema } from '../generated/schema.js'

export interface ImportProblem {
  /** 1-based line of the record in the input. */
  readonly line: number
  readonly reason: string
}

export type ImportForm = 'findings list' | 'EventBridge events' | 'JSON lines' | 'JSON findings'

export interface ParsedImport {
  readonly findings: readonly { readonly line: number; readonly finding: Record<string, unknown> }[]
  readonly problems: readonly ImportProblem[]
  /** What the input was recognised as (`findings list`: a ListFindings response or a report). */
  readonly form: ImportForm
}

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Finding ARNs as the model defines them; groups: region, account. */
const FINDING_ARN =
  /^arn:(?:aws[a-zA-Z-]*)?:inspector2:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):finding\/[a-f0-9]{32}$/

/** `Mar 20, 2023, 6:08:05 PM`: EventBridge's older date form, in UTC but without a zone. */
const US_DATE = /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/

/** The region and account of a finding ARN, or undefined when it is not one. */
export function parseFindingArn(arn: string): { region: string; accountId: string } | undefined {
  const [, region, accountId] = FINDING_ARN.exec(arn) ?? []
  return region && accountId ? { region, accountId } : undefined
}

function isEvent(v: Json): boolean {
  return 'detail' in v && ('detail-type' in v || v.source === 'aws.inspector2')
}

/** EventBridge's zone-less dates made explicit (UTC), everywhere in a value. */
function utcDates(value: unknown): unknown {
  if (typeof value === 'string') return US_DATE.test(value) ? `${value} UTC` : value
  if (Array.isArray(value)) return value.map(utcDates)
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, utcDates(v)]))
  return value
}

/** The finding of a record: an event's detail, or the record itself. */
function unwrap(record: unknown): { finding?: unknown; problem?: string } {
  if (!isObject(record)) return { problem: 'the record is not a JSON object' }
  if (!isEvent(record)) return { finding: record }
  const type = record['detail-type']
  if (type !== undefined && type !== 'Inspector2 Finding')
    return {
      problem: `the event's detail-type is ${JSON.stringify(type)}, not 'Inspector2 Finding'`,
    }
  return { finding: record.detail }
}

/** The records of an export with their lines, and how it was recognised. */
function records(text: string): {
  records: { line: number; record: unknown }[]
  problems: ImportProblem[]
  form: ImportForm
} {
  let whole: unknown
  try {
    whole = JSON.parse(text)
  } catch {
    const out: { line: number; record: unknown }[] = []
    const problems: ImportProblem[] = []
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return
      try {
        out.push({ line: i + 1, record: JSON.parse(raw) as unknown })
      } catch (error) {
        problems.push({
          line: i + 1,
          reason: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
        })
      }
    })
    const events = out.some((r) => isObject(r.record) && isEvent(r.record))
    return { records: out, problems, form: events ? 'EventBridge events' : 'JSON lines' }
  }
  if (isObject(whole) && Array.isArray(whole.findings)) {
    const lines = objectLines(text, 2)
    return {
      records: (whole.findings as unknown[]).map((record, i) => ({ line: lines[i] ?? 1, record })),
      problems: [],
      form: 'findings list',
    }
  }
  if (Array.isArray(whole)) {
    const lines = objectLines(text, 1)
    const list = whole as unknown[]
    return {
      records: list.map((record, i) => ({ line: lines[i] ?? 1, record })),
      problems: [],
      form: list.some((r) => isObject(r) && isEvent(r)) ? 'EventBridge events' : 'JSON findings',
    }
  }
  return {
    records: [{ line: 1, record: whole }],
    problems: [],
    form: isObject(whole) && isEvent(whole) ? 'EventBridge events' : 'JSON findings',
  }
}

/** Splits an export into findings (wire form) and problems, by line. */
export function parseInspectorExport(text: string): ParsedImport {
  const { records: found, problems, form } = records(text)
  const findings: { line: number; finding: Json }[] = []
  for (const { line, record } of found) {
    const { finding, problem } = unwrap(record)
    if (problem !== undefined) {
      problems.push({ line, reason: problem })
      continue
    }
    const read = readDocument(schema, 'Finding', utcDates(finding))
    if (read.problems.length > 0 || !isObject(read.value)) {
      const detail = read.problems
        .slice(0, 3)
        .map((p) => `${p.path}: ${p.message}`)
        .join('; ')
      const more = read.problems.length > 3 ? ` (and ${read.problems.length - 3} more)` : ''
      problems.push({ line, reason: `not an Inspector finding: ${detail}${more}` })
      continue
    }
    const value = read.value
    const arn = parseFindingArn(String(value.findingArn))
    if (!arn || arn.accountId !== value.awsAccountId) {
      problems.push({
        line,
        reason: `findingArn ${String(value.findingArn)} is not an Inspector finding ARN of account ${String(value.awsAccountId)}`,
      })
      continue
    }
    findings.push({ line, finding: value })
  }
  problems.sort((a, b) => a.line - b.line)
  return { findings, problems, form }
}

/**
 * Where each parsed finding is stored: in its account's scope, when that account is one of
 * `readable` (the importer's own and, for a delegated administrator, its members') and the ARN's
 * region is theirs.
 * @returns the findings to store and a problem (by line) for every other finding
 */
export function placeFindings(
  parsed: ParsedImport,
  readable: readonly Scope[],
): { findings: StoredInspectorFinding[]; problems: ImportProblem[] } {
  const region = readable[0]?.region
  const accounts = new Set(readable.map((s) => s.accountId))
  const findings: StoredInspectorFinding[] = []
  const problems: ImportProblem[] = []
  for (const { line, finding } of parsed.findings) {
    const arn = parseFindingArn(String(finding.findingArn))
    const accountId = String(finding.awsAccountId)
    if (!arn || arn.region !== region)
      problems.push({
        line,
        reason: `the finding is in region ${arn?.region ?? '?'}, not ${region ?? '?'} (sign the import for its region)`,
      })
    else if (!accounts.has(accountId))
      problems.push({
        line,
        reason: `account ${accountId} is neither the importing account nor one of its members`,
      })
    else findings.push({ scope: { accountId, region: arn.region }, finding })
  }
  return { findings, problems }
}
