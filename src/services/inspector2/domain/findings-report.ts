/**
 * Findings reports (CreateFindingsReport): the report records (`inspector2:findings-report`, one per
 * report in the creator's scope, plus an `inspector2:findings-report-latest` pointer), the jobs that
 * write them, and the two report formats.
 *
 * A report is written asynchronously: CreateFindingsReport stores it IN_PROGRESS and answers; the job
 * checks the KMS key ARN (MALFORMED_KMS_KEY) and the bucket (BUCKET_NOT_FOUND), reads the matching
 * findings page by page (ListFindings' order: lastObservedAt, newest first), serializes each page as it
 * comes, and writes one object `<keyPrefix>/<reportId>.<csv|json>` through the object-store port with
 * the KMS key. It ends SUCCEEDED, or FAILED with an `errorCode` (NO_FINDINGS_FOUND when nothing
 * matched — no object is written), unless CancelFindingsReport made it CANCELLED first. Status changes
 * are serialized, so a report never leaves CANCELLED, SUCCEEDED or FAILED. A report found IN_PROGRESS
 * with no job running (Vigil restarted meanwhile) reads FAILED / INTERNAL_ERROR.
 *
 * Formats: JSON is `{"findings":[...]}` with each finding exactly as ListFindings sends it; CSV has the
 * 55 columns of Inspector's CSV export (`CSV_COLUMNS`), one row per finding (its first resource), RFC
 * 4180 quoting, CRLF line ends, timestamps in ISO-8601 UTC, and the values of multi-valued cells
 * (packages, tags, addresses, URLs) joined with `, ` — packages' cells keep the package order, so the
 * n-th name, version, fixed version, ... belong together.
 */
import { randomUUID } from 'node:crypto'
import type { Clock } from '../../../core/clock.js'
import type { ObjectStore } from '../../../outputs/object-store/object-store.js'
import { decodeWire } from '../../../protocol/read-input.js'
import { writeStructure } from '../../../protocol/write-output.js'
import type { FilterNode } from '../../../storage/query/criteria-ast.js'
import type { FindingPosition, Scope, Storage } from '../../../storage/ports.js'
import { schema } from '../generated/schema.js'
import type * as i2 from '../generated/types.js'
import { getDocument, putDocument } from '../handlers/pages.js'

export const REPORT_KIND = 'inspector2:findings-report'
export const LATEST_REPORT_KIND = 'inspector2:findings-report-latest'

type Wire = Readonly<Record<string, unknown>>

/** A report as stored. */
export interface ReportBody {
  readonly reportId: string
  readonly status: i2.ExternalReportStatus
  readonly errorCode?: i2.ReportingErrorCode
  readonly errorMessage?: string
  readonly reportFormat: i2.ReportFormat
  readonly destination: i2.Destination
  /** The request's `FilterCriteria` in wire form, as given (absent when none was). */
  readonly filterCriteria?: Wire
  /** Epoch milliseconds. */
  readonly createdAtMs: number
  /** The object key, once written. */
  readonly key?: string
  /** Findings in the report, once written. */
  readonly findings?: number
}

/** Findings read (and serialized) per page. */
const PAGE = 500
const DAY_MS = 86_400_000

/** KMS key ARNs: `arn:<partition>:kms:<region>:<account>:key/<id>` (aliases are not accepted). */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:key\/[A-Za-z0-9-]+$/

/** The object key of a report: `<keyPrefix>/<reportId>.<csv|json>` (no prefix: `<reportId>.<ext>`). */
export function reportKey(
  keyPrefix: string | undefined,
  reportId: string,
  format: i2.ReportFormat,
): string {
  const prefix = (keyPrefix ?? '').replace(/\/+$/, '')
  const name = `${reportId}.${format === 'CSV' ? 'csv' : 'json'}`
  return prefix === '' ? name : `${prefix}/${name}`
}

// --- Formats ----------------------------------------------------------------------------------------

/** The columns of Inspector's CSV findings report, in order. */
export const CSV_COLUMNS = [
  'AWS Account Id',
  'Severity',
  'Fix Available',
  'Finding Type',
  'Title',
  'Description',
  'Finding ARN',
  'First Seen',
  'Last Seen',
  'Last Updated',
  'Resource ID',
  'Container Image Tags',
  'Region',
  'Platform',
  'Resource Tags',
  'Affected Packages',
  'Package Installed Version',
  'Fixed in Version',
  'Package Remediation',
  'File Path',
  'Network Paths',
  'Age (Days)',
  'Remediation',
  'Inspector Score',
  'Inspector Score Vector',
  'Status',
  'Vulnerability Id',
  'Vendor',
  'Vendor Severity',
  'Vendor Advisory',
  'Vendor Advisory Published',
  'NVD CVSS3 Score',
  'NVD CVSS3 Vector',
  'NVD CVSS2 Score',
  'NVD CVSS2 Vector',
  'Vendor CVSS3 Score',
  'Vendor CVSS3 Vector',
  'Vendor CVSS2 Score',
  'Vendor CVSS2 Vector',
  'Resource Type',
  'Ami',
  'Resource Public Ipv4',
  'Resource Private Ipv4',
  'Resource Ipv6',
  'Resource Vpc',
  'Port Range',
  'Epss Score',
  'Exploit Available',
  'Last Exploited At',
  'Lambda Layers',
  'Lambda Package Type',
  'Lambda Last Updated At',
  'Reference Urls',
  'Detector Name',
  'Package Manager',
] as const

export type CsvColumn = (typeof CSV_COLUMNS)[number]

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : ''
const joined = (values: readonly unknown[]) => values.map(text).join(', ')
/** An epoch-seconds (wire) timestamp as ISO-8601 UTC; '' when absent. */
const iso = (v: unknown) => (typeof v === 'number' ? new Date(v * 1000).toISOString() : '')

/** Whether an IPv4 address is private (RFC 1918, shared 100.64/10, link-local, loopback). */
function isPrivateIpv4(ip: string): boolean {
  const [a = -1, b = -1] = ip.split('.').map(Number)
  return (
    a === 10 ||
    a === 127 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254)
  )
}

/** The installed version of a vulnerable package: `[epoch:]version[-release]`. */
function installedVersion(p: Record<string, unknown>): string {
  const epoch = typeof p.epoch === 'number' && p.epoch > 0 ? `${p.epoch}:` : ''
  const release = text(p.release)
  return `${epoch}${text(p.version)}${release ? `-${release}` : ''}`
}

/** The region of a finding ARN. */
const regionOfArn = (arn: unknown) => text(arn).split(':')[3] ?? ''

/** The CSV cells of one finding (wire form), by column. */
export function csvRecord(finding: Wire, nowMs: number): Record<CsvColumn, string> {
  const resource = obj(list(finding.resources)[0])
  const details = obj(resource.details)
  const ec2 = obj(details.awsEc2Instance)
  const ecr = obj(details.awsEcrContainerImage)
  const lambda = obj(details.awsLambdaFunction)
  const pvd = obj(finding.packageVulnerabilityDetails)
  const code = obj(finding.codeVulnerabilityDetails)
  const network = obj(finding.networkReachabilityDetails)
  const packages = list(pvd.vulnerablePackages).map(obj)
  const cvss = list(pvd.cvss).map(obj)
  const vendor = text(pvd.source)
  const score = (source: 'NVD' | 'vendor', major: string) =>
    cvss.find(
      (c) =>
        text(c.version).startsWith(major) &&
        (source === 'NVD' ? c.source === 'NVD' : c.source !== 'NVD' && c.source === vendor),
    )
  const nvd3 = score('NVD', '3')
  const nvd2 = score('NVD', '2')
  const vendor3 = score('vendor', '3')
  const vendor2 = score('vendor', '2')
  const ipv4 = list(ec2.ipV4Addresses).map(text)
  const tags = Object.entries(obj(resource.tags)).map(([k, v]) => `${k}=${text(v)}`)
  const ports = obj(network.openPortRange)
  const firstSeen =
    typeof finding.firstObservedAt === 'number' ? finding.firstObservedAt : undefined
  const codePath = text(obj(code.filePath).filePath)
  return {
    'AWS Account Id': text(finding.awsAccountId),
    Severity: text(finding.severity),
    'Fix Available': text(finding.fixAvailable),
    'Finding Type': text(finding.type),
    Title: text(finding.title),
    Description: text(finding.description),
    'Finding ARN': text(finding.findingArn),
    'First Seen': iso(finding.firstObservedAt),
    'Last Seen': iso(finding.lastObservedAt),
    'Last Updated': iso(finding.updatedAt),
    'Resource ID': text(resource.id),
    'Container Image Tags': joined(list(ecr.imageTags)),
    Region: text(resource.region) || regionOfArn(finding.findingArn),
    Platform: text(ec2.platform) || text(ecr.platform),
    'Resource Tags': tags.join(', '),
    'Affected Packages': joined(packages.map((p) => p.name)),
    'Package Installed Version': packages.map(installedVersion).join(', '),
    'Fixed in Version': joined(packages.map((p) => p.fixedInVersion)),
    'Package Remediation': joined(packages.map((p) => p.remediation)),
    'File Path': codePath || joined(packages.map((p) => p.filePath).filter((p) => p !== undefined)),
    'Network Paths': list(obj(network.networkPath).steps)
      .map((s) => text(obj(s).componentId))
      .join(' > '),
    'Age (Days)':
      firstSeen === undefined
        ? ''
        : String(Math.max(0, Math.floor((nowMs - firstSeen * 1000) / DAY_MS))),
    Remediation: text(obj(obj(finding.remediation).recommendation).text),
    'Inspector Score': text(finding.inspectorScore),
    'Inspector Score Vector': text(
      obj(obj(finding.inspectorScoreDetails).adjustedCvss).scoringVector,
    ),
    Status: text(finding.status),
    'Vulnerability Id': text(pvd.vulnerabilityId) || text(code.ruleId),
    Vendor: vendor,
    'Vendor Severity': text(pvd.vendorSeverity),
    'Vendor Advisory': text(pvd.sourceUrl),
    'Vendor Advisory Published': iso(pvd.vendorCreatedAt),
    'NVD CVSS3 Score': text(nvd3?.baseScore),
    'NVD CVSS3 Vector': text(nvd3?.scoringVector),
    'NVD CVSS2 Score': text(nvd2?.baseScore),
    'NVD CVSS2 Vector': text(nvd2?.scoringVector),
    'Vendor CVSS3 Score': text(vendor3?.baseScore),
    'Vendor CVSS3 Vector': text(vendor3?.scoringVector),
    'Vendor CVSS2 Score': text(vendor2?.baseScore),
    'Vendor CVSS2 Vector': text(vendor2?.scoringVector),
    'Resource Type': text(resource.type),
    Ami: text(ec2.imageId),
    'Resource Public Ipv4': ipv4.filter((ip) => !isPrivateIpv4(ip)).join(', '),
    'Resource Private Ipv4': ipv4.filter(isPrivateIpv4).join(', '),
    'Resource Ipv6': joined(list(ec2.ipV6Addresses)),
    'Resource Vpc': text(ec2.vpcId),
    'Port Range':
      ports.begin === undefined ? '' : `${text(ports.begin)}-${text(ports.end ?? ports.begin)}`,
    'Epss Score': text(obj(finding.epss).score),
    'Exploit Available': text(finding.exploitAvailable),
    'Last Exploited At': iso(obj(finding.exploitabilityDetails).lastKnownExploitAt),
    'Lambda Layers': joined(list(lambda.layers)),
    'Lambda Package Type': text(lambda.packageType),
    'Lambda Last Updated At': iso(lambda.lastModifiedAt),
    'Reference Urls': joined([...list(pvd.referenceUrls), ...list(code.referenceUrls)]),
    'Detector Name': text(code.detectorName),
    'Package Manager': joined(packages.map((p) => p.packageManager)),
  }
}

/** One CSV line (RFC 4180: a field holding `"`, `,`, CR or LF is quoted, quotes doubled; CRLF). */
export function csvLine(fields: readonly string[]): string {
  return (
    fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',') + '\r\n'
  )
}

/** A stored finding as ListFindings sends it (decoded through the model and encoded again). */
export function findingOnWire(stored: Wire): Record<string, unknown> {
  return writeStructure(schema, 'Finding', decodeWire(schema, 'Finding', stored) as object).body
}

// --- Jobs -------------------------------------------------------------------------------------------

export interface FindingsReportsDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly objectStore: ObjectStore
}

/** What CreateFindingsReport hands over: the parsed filter and where the findings are read. */
export interface ReportRequest {
  readonly owner: Scope
  /** Scopes whose findings the report holds (the owner's, and its members' for an administrator). */
  readonly scopes: readonly Scope[]
  /** The filter to apply (the request's, with the ACTIVE default already added). */
  readonly filter: FilterNode
  readonly reportFormat: i2.ReportFormat
  readonly destination: i2.Destination
  readonly filterCriteria?: Wire
}

/** How a job ends. */
type Outcome =
  | { readonly status: 'SUCCEEDED'; readonly key: string; readonly findings: number }
  | {
      readonly status: 'FAILED'
      readonly errorCode: i2.ReportingErrorCode
      readonly errorMessage: string
    }
  | { readonly status: 'CANCELLED' }

/** The report-writing jobs of one Vigil. */
export class FindingsReports {
  readonly #deps: FindingsReportsDeps
  /** Jobs running in this process, by `<account>/<region>/<reportId>`. */
  readonly #running = new Map<string, { cancelled: boolean; done: Promise<void> }>()
  #queue: Promise<unknown> = Promise.resolve()

  constructor(deps: FindingsReportsDeps) {
    this.#deps = deps
  }

  /** Runs status changes one at a time, so that a job's end and a cancellation never interleave. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn)
    this.#queue = run.catch(() => undefined)
    return run
  }

  #get(scope: Scope, reportId: string): Promise<ReportBody | undefined> {
    return getDocument<ReportBody>(this.#deps.storage, scope, REPORT_KIND, reportId)
  }

  #put(scope: Scope, body: ReportBody): Promise<void> {
    return putDocument(
      this.#deps.storage,
      scope,
      REPORT_KIND,
      body.reportId,
      body,
      this.#deps.clock.now(),
    )
  }

  /**
   * Ends an IN_PROGRESS report (no effect on a report that has already ended).
   * @returns the report as it is afterwards
   */
  #finish(scope: Scope, reportId: string, outcome: Outcome): Promise<ReportBody | undefined> {
    return this.#serial(async () => {
      const report = await this.#get(scope, reportId)
      if (!report || report.status !== 'IN_PROGRESS') return report
      const ended: ReportBody = { ...report, ...outcome }
      await this.#put(scope, ended)
      return ended
    })
  }

  /** Stores a new IN_PROGRESS report and starts its job. */
  async create(request: ReportRequest): Promise<string> {
    const reportId = randomUUID()
    const now = this.#deps.clock.now()
    const body: ReportBody = {
      reportId,
      status: 'IN_PROGRESS',
      reportFormat: request.reportFormat,
      destination: request.destination,
      ...(request.filterCriteria ? { filterCriteria: request.filterCriteria } : {}),
      createdAtMs: now,
    }
    // Registered before the record exists, so that no reader takes it for an interrupted report.
    const job = { cancelled: false, done: Promise.resolve() }
    const key = this.#key(request.owner, reportId)
    this.#running.set(key, job)
    try {
      await this.#put(request.owner, body)
      await putDocument(
        this.#deps.storage,
        request.owner,
        LATEST_REPORT_KIND,
        'latest',
        { reportId },
        now,
      )
    } catch (error) {
      this.#running.delete(key)
      throw error
    }
    job.done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#run(request, reportId, job))
      .then((outcome) => this.#finish(request.owner, reportId, outcome))
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => this.#running.delete(key))
    return reportId
  }

  /** Writes a report; never throws. */
  async #run(
    request: ReportRequest,
    reportId: string,
    job: { cancelled: boolean },
  ): Promise<Outcome> {
    const { storage, objectStore, clock } = this.#deps
    const { destination, reportFormat } = request
    const fail = (errorCode: i2.ReportingErrorCode, errorMessage: string): Outcome => ({
      status: 'FAILED',
      errorCode,
      errorMessage,
    })
    try {
      if (!KMS_KEY_ARN.test(destination.kmsKeyArn))
        return fail(
          'MALFORMED_KMS_KEY',
          `The KMS key ARN ${destination.kmsKeyArn} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>).`,
        )
      if (!(await objectStore.bucketExists(destination.bucketName)))
        return fail('BUCKET_NOT_FOUND', `The bucket ${destination.bucketName} does not exist.`)
      const now = clock.now()
      const chunks: Buffer[] = [
        Buffer.from(reportFormat === 'CSV' ? csvLine(CSV_COLUMNS) : '{"findings":['),
      ]
      let count = 0
      let after: FindingPosition | undefined
      do {
        // Let requests through between pages; stop as soon as the report is cancelled.
        await new Promise<void>((resolve) => setImmediate(resolve))
        if (job.cancelled) return { status: 'CANCELLED' }
        const page = await storage.inspectorFindings.query({
          scopes: request.scopes,
          filter: request.filter,
          sort: { key: 'lastObservedAt', order: 'DESC' },
          limit: PAGE,
          ...(after ? { after } : {}),
        })
        let piece = ''
        for (const { finding } of page.findings) {
          if (reportFormat === 'CSV') piece += csvLine(Object.values(csvRecord(finding, now)))
          else piece += (count > 0 ? ',' : '') + JSON.stringify(findingOnWire(finding))
          count++
        }
        chunks.push(Buffer.from(piece))
        after = page.next
      } while (after)
      if (count === 0) return fail('NO_FINDINGS_FOUND', 'No findings match the filter criteria.')
      if (reportFormat === 'JSON') chunks.push(Buffer.from(']}'))
      if (job.cancelled) return { status: 'CANCELLED' }
      const key = reportKey(destination.keyPrefix, reportId, reportFormat)
      await objectStore.putObject({ bucket: destination.bucketName, key }, Buffer.concat(chunks), {
        contentType: reportFormat === 'CSV' ? 'text/csv' : 'application/json',
        kmsKeyArn: destination.kmsKeyArn,
      })
      return { status: 'SUCCEEDED', key, findings: count }
    } catch (error) {
      const name = error instanceof Error ? error.name : ''
      const message = error instanceof Error ? error.message : String(error)
      if (name === 'NoSuchBucket')
        return fail('BUCKET_NOT_FOUND', `The bucket ${destination.bucketName} does not exist.`)
      if (name === 'AccessDenied' || name === 'Forbidden')
        return fail('INVALID_PERMISSIONS', `Vigil may not write to the bucket: ${message}`)
      return fail('INTERNAL_ERROR', `The report could not be written: ${message}`)
    }
  }

  /**
   * A report of `owner`, or its latest when `reportId` is undefined. A report left IN_PROGRESS by a
   * job that no longer runs (a restart) is ended FAILED / INTERNAL_ERROR first.
   */
  async get(owner: Scope, reportId: string | undefined): Promise<ReportBody | undefined> {
    const id =
      reportId ??
      (
        await getDocument<{ reportId: string }>(
          this.#deps.storage,
          owner,
          LATEST_REPORT_KIND,
          'latest',
        )
      )?.reportId
    if (id === undefined) return undefined
    const report = await this.#get(owner, id)
    if (report?.status !== 'IN_PROGRESS' || this.#running.has(this.#key(owner, id))) return report
    return this.#finish(owner, id, {
      status: 'FAILED',
      errorCode: 'INTERNAL_ERROR',
      errorMessage: 'The report was interrupted (Vigil restarted while writing it).',
    })
  }

  #key(owner: Scope, reportId: string) {
    return `${owner.accountId}/${owner.region}/${reportId}`
  }

  /**
   * Cancels an IN_PROGRESS report of `owner`.
   * @returns the report afterwards (CANCELLED, or unchanged when it had already ended), or undefined
   *   when `owner` has no such report
   */
  async cancel(owner: Scope, reportId: string): Promise<ReportBody | undefined> {
    const report = await this.get(owner, reportId)
    if (report?.status !== 'IN_PROGRESS') return report
    const job = this.#running.get(this.#key(owner, reportId))
    if (job) job.cancelled = true
    return this.#finish(owner, reportId, { status: 'CANCELLED' })
  }

  /** Resolves when every job running now has ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.#running.values()].map((j) => j.done))
  }
}
