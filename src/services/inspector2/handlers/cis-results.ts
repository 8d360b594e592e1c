/**
 * Results of Inspector CIS scans: GetCisScanReport, GetCisScanResultDetails,
 * ListCisScanResultsAggregatedByChecks and ListCisScanResultsAggregatedByTargetResource.
 *
 * Vigil's scans check no resource (see `cis-state.ts`), so the result lists are empty — the list member
 * is left out, as the model's lists hold at least one item — while the scan ARN, the paging token and
 * the filters are still checked. A scan of another account is an `AccessDeniedException`; an unknown
 * scan is `ResourceNotFoundException` for the report and, since the result operations model no
 * not-found error, a `ValidationException` on `scanArn` for the others. The report is always
 * `SUCCEEDED`, its `url` a `data:` URL carrying the document itself: a CSV with the header row only, or
 * a one-page PDF stating the scan and why it has no results.
 */
import type { ResourceRecord, Scope } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { ResourceNotFoundException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'
import { keysetPage } from './cis-filters.js'
import { cisArn, type CisScanBody, type CisScans, ownedId } from './cis-state.js'

export interface CisResultDeps {
  readonly cis: CisScans
}

/** Columns of the CSV report. */
export const CSV_COLUMNS = [
  'scanArn',
  'accountId',
  'targetResourceId',
  'platform',
  'checkId',
  'title',
  'level',
  'status',
  'statusReason',
] as const

/** Escapes text for a PDF literal string. */
const pdfText = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?')

/** A minimal one-page PDF (Helvetica, one line per entry of `lines`). */
export function pdfDocument(lines: readonly string[]): Buffer {
  const content = [
    'BT /F1 11 Tf 50 780 Td 14 TL',
    ...lines.map((l) => `(${pdfText(l)}) '`),
    'ET',
  ].join('\n')
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R ' +
      '/Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let out = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'))
    out += `${i + 1} 0 obj\n${body}\nendobj\n`
  })
  const xref = Buffer.byteLength(out, 'latin1')
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

/** The report of a scan as a `data:` URL in `format`. */
function reportUrl(scope: Scope, scan: ResourceRecord<CisScanBody>, format: i2.CisReportFormat) {
  if (format === 'CSV')
    return `data:text/csv;base64,${Buffer.from(CSV_COLUMNS.join(',') + '\r\n').toString('base64')}`
  const b = scan.body
  const pdf = pdfDocument([
    'Amazon Inspector CIS scan report (Vigil)',
    '',
    `Scan: ${b.scanName}`,
    `Scan ARN: ${cisArn(scope, 'cis-scan', scan.id)}`,
    `Started: ${new Date(b.scanDateMs).toISOString()}`,
    `Security level: ${b.securityLevel}`,
    `Status: ${b.status} (${b.failedChecks} of ${b.totalChecks} checks failed)`,
    '',
    ...(b.statusReason.match(/.{1,90}(\s|$)/g) ?? []).map((l) => l.trim()),
  ])
  return `data:application/pdf;base64,${pdf.toString('base64')}`
}

export function cisResultHandlers({ cis }: CisResultDeps) {
  /**
   * The scan an ARN names.
   * @param notFound the error for a scan that does not exist
   */
  async function requireScan(
    arn: string,
    ctx: ServiceContext,
    notFound: () => Error,
  ): Promise<ResourceRecord<CisScanBody>> {
    const id = ownedId(arn, 'cis-scan', ctx, 'scanArn')
    const scan = id === undefined ? undefined : await cis.scan(scopeOf(ctx), id)
    if (!scan) throw notFound()
    return scan
  }

  const invalidScan = (arn: string) => () =>
    invalidField('scanArn', `The CIS scan ${arn} does not exist.`)

  /** An empty page, after checking the token against the query. */
  const emptyPage = (query: readonly unknown[], nextToken: string | undefined) =>
    keysetPage([], () => ['', ''], false, query, undefined, nextToken, 1)

  return {
    async GetCisScanReport(
      input: i2.GetCisScanReportRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetCisScanReportResponse> {
      const scan = await requireScan(
        input.scanArn,
        ctx,
        () => new ResourceNotFoundException(`The CIS scan ${input.scanArn} does not exist.`),
      )
      return {
        status: 'SUCCEEDED',
        url: reportUrl(scopeOf(ctx), scan, input.reportFormat ?? 'PDF'),
      }
    },

    async GetCisScanResultDetails(
      input: i2.GetCisScanResultDetailsRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetCisScanResultDetailsResponse> {
      await requireScan(input.scanArn, ctx, invalidScan(input.scanArn))
      const { nextToken, maxResults: _, ...query } = input
      emptyPage(['GetCisScanResultDetails', scopeOf(ctx), query], nextToken)
      return {}
    },

    async ListCisScanResultsAggregatedByChecks(
      input: i2.ListCisScanResultsAggregatedByChecksRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListCisScanResultsAggregatedByChecksResponse> {
      await requireScan(input.scanArn, ctx, invalidScan(input.scanArn))
      const { nextToken, maxResults: _, ...query } = input
      emptyPage(['ListCisScanResultsAggregatedByChecks', scopeOf(ctx), query], nextToken)
      return {}
    },

    async ListCisScanResultsAggregatedByTargetResource(
      input: i2.ListCisScanResultsAggregatedByTargetResourceRequest,
      ctx: ServiceContext,
    ): Promise<i2.ListCisScanResultsAggregatedByTargetResourceResponse> {
      await requireScan(input.scanArn, ctx, invalidScan(input.scanArn))
      const { nextToken, maxResults: _, ...query } = input
      emptyPage(['ListCisScanResultsAggregatedByTargetResource', scopeOf(ctx), query], nextToken)
      return {}
    },
  }
}
