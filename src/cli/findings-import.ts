/**
 * `vigil findings import FILE --detector-id ID`: reads a findings export (a GetFindings response,
 * EventBridge "GuardDuty Finding" events, or JSON lines of findings), reports every record that is not
 * a finding with its line, and sends the valid findings to a running Vigil in signed batches
 * (`POST /_vigil/guardduty/findings/import`). Exit status: 0 when every record was imported, 1 when
 * some were skipped, 2 when nothing could be imported (unreadable file, no server, unknown detector).
 */
import { readFile } from 'node:fs/promises'
import { VigilError } from '../core/vigil-error.js'
import { parseFindingExport } from '../services/guardduty/domain/finding-import.js'
import { adminRequest, regionOf } from './admin-client.js'

/** Findings per request (well under the server's body limit for typical findings). */
const BATCH = 500

export interface FindingsImportOptions {
  readonly detectorId: string
  readonly endpointUrl: string
  readonly env: NodeJS.ProcessEnv
  /** Where progress and problems are written. */
  readonly out: (line: string) => void
}

/**
 * Imports `file`; returns the exit status.
 * @throws VigilError `VIGIL_INPUT_INVALID` (unreadable or empty of findings), `VIGIL_UNREACHABLE`
 */
export async function importFindingsFile(
  file: string,
  options: FindingsImportOptions,
): Promise<number> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    throw new VigilError('VIGIL_INPUT_INVALID', `cannot read ${file}`, { cause })
  }
  const parsed = parseFindingExport(text)
  for (const p of parsed.problems) options.out(`${file}:${p.line}: skipped: ${p.reason}`)
  if (parsed.findings.length === 0)
    throw new VigilError('VIGIL_INPUT_INVALID', `${file} holds no valid GuardDuty finding`)
  let imported = 0
  for (let i = 0; i < parsed.findings.length; i += BATCH) {
    const body = parsed.findings
      .slice(i, i + BATCH)
      .map((f) => JSON.stringify(f.finding))
      .join('\n')
    const res = await adminRequest(
      { endpointUrl: options.endpointUrl, env: options.env },
      'POST',
      '/_vigil/guardduty/findings/import',
      { detectorId: options.detectorId },
      body,
    )
    if (res.status !== 200) {
      const message = typeof res.body.message === 'string' ? res.body.message : `HTTP ${res.status}`
      throw new VigilError(
        'VIGIL_INPUT_INVALID',
        `Vigil refused the import after ${imported} findings: ${message}`,
      )
    }
    imported += Number(res.body.imported ?? 0)
  }
  options.out(
    `${file}: ${parsed.form}: imported ${imported} findings into detector ${options.detectorId} (account of the credentials, ${regionOf(options.env)}); skipped ${parsed.problems.length}`,
  )
  return parsed.problems.length > 0 ? 1 : 0
}
