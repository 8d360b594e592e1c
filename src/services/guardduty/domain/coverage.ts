/**
 * Runtime coverage records — the EC2 instances, EKS clusters and ECS clusters GuardDuty monitors — as the
 * detection engine registers them (`guardduty:coverage`, under the detector), and the filter and sort
 * keys of ListCoverage / GetCoverageStatistics read from them.
 */
import type { Clock } from '../../../core/clock.js'
import type { Scope, Storage } from '../../../storage/ports.js'
import type * as gd from '../generated/types.js'

export const COVERAGE_KIND = 'guardduty:coverage'

export interface CoverageBody {
  readonly resourceType: gd.ResourceType
  readonly coverageStatus: gd.CoverageStatus
  readonly issue?: string
  readonly details: gd.CoverageResourceDetails
}

/** A coverage filter or sort key's value for a record. */
export function coverageValue(
  key: gd.CoverageFilterCriterionKey | gd.CoverageSortKey,
  accountId: string,
  body: CoverageBody,
  updatedAtMs: number,
): string | undefined {
  const d = body.details
  switch (key) {
    case 'ACCOUNT_ID':
      return accountId
    case 'RESOURCE_TYPE':
      return body.resourceType
    case 'COVERAGE_STATUS':
      return body.coverageStatus
    case 'ISSUE':
      return body.issue
    case 'UPDATED_AT':
      return String(updatedAtMs).padStart(15, '0')
    case 'CLUSTER_NAME':
      return d.EksClusterDetails?.ClusterName ?? d.EcsClusterDetails?.ClusterName
    case 'EKS_CLUSTER_NAME':
      return d.EksClusterDetails?.ClusterName
    case 'ECS_CLUSTER_NAME':
      return d.EcsClusterDetails?.ClusterName
    case 'ADDON_VERSION':
      return d.EksClusterDetails?.AddonDetails?.AddonVersion
    case 'MANAGEMENT_TYPE':
      return (
        d.EksClusterDetails?.ManagementType ??
        d.Ec2InstanceDetails?.ManagementType ??
        d.EcsClusterDetails?.FargateDetails?.ManagementType
      )
    case 'AGENT_VERSION':
      return d.Ec2InstanceDetails?.AgentDetails?.Version
    case 'INSTANCE_ID':
      return d.Ec2InstanceDetails?.InstanceId
    case 'CLUSTER_ARN':
      return d.Ec2InstanceDetails?.ClusterArn
  }
}

/** The port the detection engine uses to register what it monitors. */
export class CoverageRegistry {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  /**
   * Records (or refreshes) a covered resource of `scope`.
   * @returns false when the scope has no detector (nothing is recorded)
   */
  async register(scope: Scope, resourceId: string, body: CoverageBody): Promise<boolean> {
    const [detectorId] = await this.storage.detectors.listIds(scope, undefined, 1)
    if (detectorId === undefined) return false
    const now = this.clock.now()
    const key = { scope, kind: COVERAGE_KIND, parentId: detectorId, id: resourceId }
    const existing = await this.storage.resources.get(key)
    await this.storage.resources.apply([
      {
        put: {
          ...key,
          sortKey: resourceId,
          createdAtMs: existing?.createdAtMs ?? now,
          updatedAtMs: now,
          body,
        },
      },
    ])
    return true
  }
}
