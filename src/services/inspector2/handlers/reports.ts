/**
 * Inspector findings reports: CreateFindingsReport, GetFindingsReportStatus and CancelFindingsReport
 * over the report jobs of `domain/findings-report.ts`. A report holds the findings the caller reads
 * (its own and, for a delegated administrator, its associated members') that match `filterCriteria`;
 * as AWS documents, only ACTIVE findings unless the criteria name `findingStatus`. An invalid criteria
 * is refused at once (`ValidationException`); problems with the destination (bucket, KMS key) end the
 * report FAILED with an `errorCode`, as AWS reports them. Reports belong to the account that created
 * them: another account's report id is not found.
 */
import type { Clock } from '../../../core/clock.js'
import type { ObjectStore } from '../../../outputs/object-store/object-store.js'
import type { Storage } from '../../../storage/ports.js'
import { scopeOf, type ServiceContext } from '../../service-context.js'
import { criteriaFromStored, criteriaToStored } from '../domain/filter-records.js'
import { parseFilterCriteria } from '../domain/finding-criteria.js'
import { FindingsReports, type ReportBody } from '../domain/findings-report.js'
import type { InspectorFindingAccess } from '../domain/suppression.js'
import { ResourceNotFoundException } from '../generated/errors.js'
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'

export interface ReportHandlerDeps {
  readonly storage: Storage
  readonly clock: Clock
  readonly objectStore: ObjectStore
  readonly access: InspectorFindingAccess
}

const notFound = (reportId: string | undefined) =>
  new ResourceNotFoundException(
    reportId === undefined
      ? 'No findings report has been created by this account.'
      : `The findings report ${reportId} does not exist.`,
  )

/** A stored report as GetFindingsReportStatus answers it. */
function statusOf(report: ReportBody): i2.GetFindingsReportStatusResponse {
  return {
    reportId: report.reportId,
    status: report.status,
    ...(report.errorCode !== undefined ? { errorCode: report.errorCode } : {}),
    ...(report.errorMessage !== undefined ? { errorMessage: report.errorMessage } : {}),
    destination: report.destination,
    ...(report.filterCriteria ? { filterCriteria: criteriaFromStored(report.filterCriteria) } : {}),
  }
}

/** CreateFindingsReport, GetFindingsReportStatus, CancelFindingsReport; one job runner per service. */
export function reportHandlers({ storage, clock, objectStore, access }: ReportHandlerDeps) {
  const reports = new FindingsReports({ storage, clock, objectStore })
  return {
    async CreateFindingsReport(
      input: i2.CreateFindingsReportRequest,
      ctx: ServiceContext,
    ): Promise<i2.CreateFindingsReportResponse> {
      const given = input.filterCriteria
      const filter = parseFilterCriteria(
        given?.findingStatus?.length
          ? given
          : { ...given, findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }] },
      )
      const owner = scopeOf(ctx)
      const destination: i2.Destination = {
        bucketName: input.s3Destination.bucketName,
        ...(input.s3Destination.keyPrefix !== undefined
          ? { keyPrefix: input.s3Destination.keyPrefix }
          : {}),
        kmsKeyArn: input.s3Destination.kmsKeyArn,
      }
      const reportId = await reports.create({
        owner,
        scopes: await access.readableScopes(owner),
        filter,
        reportFormat: input.reportFormat,
        destination,
        ...(given ? { filterCriteria: criteriaToStored(given) } : {}),
      })
      return { reportId }
    },

    async GetFindingsReportStatus(
      input: i2.GetFindingsReportStatusRequest,
      ctx: ServiceContext,
    ): Promise<i2.GetFindingsReportStatusResponse> {
      const report = await reports.get(scopeOf(ctx), input.reportId)
      if (!report) throw notFound(input.reportId)
      return statusOf(report)
    },

    async CancelFindingsReport(
      input: i2.CancelFindingsReportRequest,
      ctx: ServiceContext,
    ): Promise<i2.CancelFindingsReportResponse> {
      const report = await reports.cancel(scopeOf(ctx), input.reportId)
      if (!report) throw notFound(input.reportId)
      if (report.status !== 'CANCELLED')
        throw invalidField(
          'reportId',
          `The findings report ${input.reportId} has already ended (${report.status}); only a report IN_PROGRESS can be cancelled.`,
        )
      return { reportId: report.reportId }
    },
  }
}
