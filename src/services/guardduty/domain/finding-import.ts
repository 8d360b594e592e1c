/**
 * Import of findings exported from AWS GuardDuty into a detector, keeping their ids and timestamps.
 * Accepted inputs (detected from the content):
 *
 * - a GetFindings response — `{"Findings": [...]}` as the AWS CLI prints it (member names, ISO dates)
 *   or as the API sends it (`{"findings": [...]}`, wire names);
 * - EventBridge "GuardDuty Finding" events (`{"detail-type": "GuardDuty Finding", "detail": {...}}`),
 *   one, a JSON array of them, or one per line;
 * - findings one per line (JSON lines), or a JSON array of findings, or a single finding.
 *
 * Each finding is read against the model's `Finding` shape (`read-document.ts`); one with a missing
 * required member or a value of the wrong type is reported with its line and skipped, and nothing else
 * is lost. Imported findings belong to the target detector: `accountId`, `region`, `arn` and
 * `service.detectorId` are rewritten to it; `id`, `createdAt`, `updatedAt`, counts, archived state and
 * feedback are kept. Suppression rules are not applied (the export carries the archived state).
 */
import { objectLines } from '../../../protocol/json-object-lines.js'
import { readDocument } from '../../../protocol/read-document.js'
import type { Scope, StoredFinding } from '../../../storage/ports.js'
import { schema } from '../generated/schema.js'

export interface ImportProblem {
  /** 1-based line of the record in the input. */
  readonly line: number
  readonly reason: string
}

export interface ParsedImport {
  readonly findings: readonly { readonly line: number; readonly finding: Record<string, unknown> }[]
  readonly problems: readonly ImportProblem[]
  /** What the input was recognised as. */
  readonly form: 'GetFindings response' | 'EventBridge events' | 'JSON lines' | 'JSON findings'
}

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

function isEvent(v: Json): boolean {
  return 'detail' in v && ('detail-type' in v || v.source === 'aws.guardduty')
}

/** The finding of a record: an event's detail, or the record itself. */
function unwrap(record: unknown): { finding?: unknown; problem?: string } {
  if (!isObject(record)) return { problem: 'the record is not a JSON object' }
  if (!isEvent(record)) return { finding: record }
  const type = record['detail-type']
  if (type !== undefined && type !== 'GuardDuty Finding')
    return {
      problem: `the event's detail-type is ${JSON.stringify(type)}, not 'GuardDuty Finding'`,
    }
  return { finding: record.detail }
}

/** Splits an export into findings (wire form) and problems, by line. */
export function parseFindingExport(text: string): ParsedImport {
  let records: { line: number; record: unknown }[]
  let form: ParsedImport['form']
  const problems: ImportProblem[] = []
  let whole: unknown
  let parsed = false
  try {
    whole = JSON.parse(text)
    parsed = true
  } catch {
    // not one JSON document: JSON lines
  }
  if (
    parsed &&
    isObject(whole) &&
    (Array.isArray(whole.Findings) || Array.isArray(whole.findings))
  ) {
    const list = (whole.Findings ?? whole.findings) as unknown[]
    const lines = objectLines(text, 2)
    records = list.map((record, i) => ({ line: lines[i] ?? 1, record }))
    form = 'GetFindings response'
  } else if (parsed && Array.isArray(whole)) {
    const lines = objectLines(text, 1)
    records = (whole as unknown[]).map((record, i) => ({ line: lines[i] ?? 1, record }))
    form = whole.some((r) => isObject(r) && isEvent(r)) ? 'EventBridge events' : 'JSON findings'
  } else if (parsed && isObject(whole)) {
    records = [{ line: 1, record: whole }]
    form = isEvent(whole) ? 'EventBridge events' : 'JSON findings'
  } else {
    records = []
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return
      try {
        records.push({ line: i + 1, record: JSON.parse(raw) as unknown })
      } catch (error) {
        problems.push({
          line: i + 1,
          reason: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
        })
      }
    })
    form = records.some((r) => isObject(r.record) && isEvent(r.record))
      ? 'EventBridge events'
      : 'JSON lines'
  }
  const findings: { line: number; finding: Json }[] = []
  for (const { line, record } of records) {
    const { finding, problem } = unwrap(record)
    if (problem !== undefined) {
      problems.push({ line, reason: problem })
      continue
    }
    const read = readDocument(schema, 'Finding', finding)
    if (read.problems.length > 0 || !isObject(read.value)) {
      const detail = read.problems
        .slice(0, 3)
        .map((p) => `${p.path}: ${p.message}`)
        .join('; ')
      const more = read.problems.length > 3 ? ` (and ${read.problems.length - 3} more)` : ''
      problems.push({ line, reason: `not a GuardDuty finding: ${detail}${more}` })
      continue
    }
    findings.push({ line, finding: read.value })
  }
  problems.sort((a, b) => a.line - b.line)
  return { findings, problems, form }
}

/** The findings of a parsed export, moved into the target detector. */
export function findingsForDetector(
  parsed: ParsedImport,
  scope: Scope,
  detectorId: string,
): StoredFinding[] {
  return parsed.findings.map(({ finding }) => {
    const service = isObject(finding.service) ? finding.service : {}
    const id = String(finding.id)
    return {
      scope,
      detectorId,
      finding: {
        ...finding,
        accountId: scope.accountId,
        region: scope.region,
        arn: `arn:aws:guardduty:${scope.region}:${scope.accountId}:detector/${detectorId}/finding/${id}`,
        service: { ...service, detectorId },
      },
    }
  })
}
