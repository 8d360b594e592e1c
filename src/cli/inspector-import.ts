/**
 * `vigil inspector import FILE`: reads an Amazon Inspector findings export (a ListFindings response, a
 * JSON findings report, EventBridge "Inspector2 Finding" events, or JSON lines of findings), reports
 * every record that cannot be imported with its line in FILE, and sends the valid findings to a
 * running Vigil in signed batches (`POST /_vigil/inspector2/findings/import`) for the account and
 * region of the credentials. Exit status: 0 when every record was imported, 1 when some were skipped,
 * 2 when nothing could be imported (unreadable file, no server).
 */
import { readFile } from 'node:fs/promises'
import { VigilError } from '../core/vigil-error.js'
import { parseInspectorExport } from '../services/inspector2/domain/finding-import.js'
import { adminRequest, regionOf } from './admin-client.js'

/** Findings per request (well under the server's body limit for typical findings). */
const BATCH = 500

export interface InspectorImportOptions {
  readonly endpointUrl: string
  readonly env: NodeJS.ProcessEnv
  /** Where progress and problems are written. */
  readonly out: (line: string) => void
}

interface Problem {
  readonly line: number
  readonly reason: string
}

function problemsOf(body: Record<string, unknown>): Problem[] {
  const list = Array.isArray(body.problems) ? (body.problems as unknown[]) : []
  return list.flatMap((p) =>
    p !== null && typeof p === 'object' && 'line' in p && 'reason' in p
      ? [{ line: Number(p.line), reason: String(p.reason) }]
      : [],
  )
}

/**
 * Imports `file`; returns the exit status.
 * @throws VigilError `VIGIL_INPUT_INVALID` (unreadable, empty of findings, refused), `VIGIL_UNREACHABLE`
 */
export async function importInspectorFile(
  file: string,
  options: InspectorImportOptions,
): Promise<number> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    throw new VigilError('VIGIL_INPUT_INVALID', `cannot read ${file}`, { cause })
  }
  const parsed = parseInspectorExport(text)
  const problems: Problem[] = [...parsed.problems]
  if (parsed.findings.length === 0) {
    for (const p of problems) options.out(`${file}:${p.line}: skipped: ${p.reason}`)
    throw new VigilError('VIGIL_INPUT_INVALID', `${file} holds no valid Inspector finding`)
  }
  let imported = 0
  for (let i = 0; i < parsed.findings.length; i += BATCH) {
    const batch = parsed.findings.slice(i, i + BATCH)
    const res = await adminRequest(
      { endpointUrl: options.endpointUrl, env: options.env },
      'POST',
      '/_vigil/inspector2/findings/import',
      {},
      batch.map((f) => JSON.stringify(f.finding)).join('\n'),
    )
    if (res.status !== 200) {
      const message = typeof res.body.message === 'string' ? res.body.message : `HTTP ${res.status}`
      throw new VigilError(
        'VIGIL_INPUT_INVALID',
        `Vigil refused the import after ${imported} findings: ${message}`,
      )
    }
    imported += Number(res.body.imported ?? 0)
    // The server numbers the lines of the batch it was sent: map them back to lines of the file.
    for (const p of problemsOf(res.body))
      problems.push({ line: batch[p.line - 1]?.line ?? p.line, reason: p.reason })
  }
  problems.sort((a, b) => a.line - b.line)
  for (const p of problems) options.out(`${file}:${p.line}: skipped: ${p.reason}`)
  options.out(
    `${file}: ${parsed.form}: imported ${imported} findings (account of the credentials, ${regionOf(options.env)}); skipped ${problems.length}`,
  )
  return problems.length > 0 ? 1 : 0
}
