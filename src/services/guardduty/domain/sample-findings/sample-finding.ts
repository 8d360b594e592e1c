/**
 * Sample findings, as `CreateSampleFindings` makes them: for any type of the catalog, the finding content
 * in wire form — type, the type's default severity, a `[SAMPLE]` title, a description, a `resource` block
 * of the type's resource type and the `service` parts the type's data source produces (action, evidence,
 * runtime, scan, anomaly or attack-sequence details), marked as a sample by
 * `service.additionalInfo` `{"sample":true}` as GuardDuty marks its own. Ids, ARNs and times of the finding
 * itself are left to `FindingAggregator`. The content is deterministic: the same type and scope always give
 * the same sample (its values come from a stream seeded by account, Region and type).
 */
import type { Scope } from '../../../../storage/ports.js'
import { attackSequenceSample } from './attack-sequence-samples.js'
import { customRuleSample, iamSample, s3ApiSample } from './api-samples.js'
import { FINDING_CATALOG, type FindingTypeInfo } from './finding-catalog.js'
import { kubernetesSample } from './kubernetes-samples.js'
import { backupMalwareSample, ebsMalwareSample, s3MalwareSample } from './malware-samples.js'
import { ec2DnsSample, ec2FlowSample, lambdaSample, rdsSample } from './network-samples.js'
import { runtimeSample } from './runtime-samples.js'
import type { SampleInput, SampleParts, Wire } from './sample-parts.js'
import { SampleValues } from './sample-values.js'

/** The title prefix of every sample finding. */
export const SAMPLE_TITLE_PREFIX = '[SAMPLE] '

/** `service.additionalInfo` of every sample finding, as GuardDuty writes it. */
export const SAMPLE_ADDITIONAL_INFO: Readonly<{ value: string; type: string }> = {
  value: '{"sample":true}',
  type: 'default',
}

/**
 * The aggregation key of a type's sample: one sample finding per type and detector, so creating samples
 * again updates the existing ones (`service.count` grows) instead of piling up copies.
 */
export function sampleAggregationKey(type: string): string {
  return `sample:${type}`
}

function builder(entry: FindingTypeInfo): (input: SampleInput) => SampleParts {
  switch (entry.dataSource) {
    case 'VPC_FLOW_LOGS':
      return ec2FlowSample
    case 'DNS_LOGS':
      return ec2DnsSample
    case 'CLOUDTRAIL_MANAGEMENT_EVENTS':
      if (entry.signals) return customRuleSample
      return entry.resourceType === 'S3Bucket' ? s3ApiSample : iamSample
    case 'CLOUDTRAIL_S3_DATA_EVENTS':
      return s3ApiSample
    case 'EKS_AUDIT_LOGS':
      return kubernetesSample
    case 'RUNTIME_MONITORING':
      return runtimeSample
    case 'EBS_MALWARE_PROTECTION':
      return ebsMalwareSample
    case 'S3_MALWARE_PROTECTION':
      return s3MalwareSample
    case 'BACKUP_MALWARE_PROTECTION':
      return backupMalwareSample
    case 'LAMBDA_NETWORK_ACTIVITY':
      return lambdaSample
    case 'RDS_LOGIN_ACTIVITY':
      return rdsSample
    case 'EXTENDED_THREAT_DETECTION':
      return attackSequenceSample
  }
}

/**
 * The wire-form content of the sample finding of `type` in `scope`, ready for `FindingAggregator.record`.
 * @throws Error when `type` is not in the catalog (callers check with `FINDING_CATALOG` first)
 */
export function sampleFinding(type: string, scope: Scope): Wire {
  const entry = FINDING_CATALOG.get(type)
  if (!entry) throw new Error(`unknown finding type ${type}`)
  const values = new SampleValues(`${scope.accountId}\u0000${scope.region}\u0000${type}`)
  const parts = builder(entry)({ entry, scope, values })
  return {
    type,
    severity: entry.severity,
    title: `${SAMPLE_TITLE_PREFIX}${entry.description}`,
    description:
      `${entry.description} Affected: ${parts.subject}. ${parts.detail ? `${parts.detail} ` : ''}` +
      'This is a sample finding made by CreateSampleFindings; it describes no real activity.',
    resource: parts.resource,
    service: {
      ...parts.service,
      resourceRole: parts.resourceRole,
      additionalInfo: { ...SAMPLE_ADDITIONAL_INFO },
    },
  }
}
