/**
 * Detector protection plans: the features a detector reports, their defaults, and the two request
 * forms that set them — `features` (current) and the deprecated `dataSources` — kept consistent, so
 * enabling S3 protection through either form shows in both `features` and `dataSources` of GetDetector.
 *
 * Defaults and order are documented in `docs/guardduty-detectors.md`: the three foundational sources
 * (CloudTrail, DNS logs, VPC flow logs) are always enabled and listed first; a new detector then lists
 * the features it was created with, in submitted order, followed by the remaining features in the
 * model's order.
 */
import type { FeatureState } from '../../../storage/ports.js'
import type * as gd from '../generated/types.js'
import { invalidInput } from '../guardduty-errors.js'

/** Always-on sources, reported first. */
const FOUNDATIONAL = ['CLOUD_TRAIL', 'DNS_LOGS', 'FLOW_LOGS'] as const

/** Names of the always-on sources. */
export const FOUNDATIONAL_SOURCES: readonly string[] = FOUNDATIONAL

/** Optional features in the order of the model's `DetectorFeature` enum. */
const OPTIONAL = [
  'S3_DATA_EVENTS',
  'EKS_AUDIT_LOGS',
  'EBS_MALWARE_PROTECTION',
  'RDS_LOGIN_EVENTS',
  'EKS_RUNTIME_MONITORING',
  'LAMBDA_NETWORK_LOGS',
  'RUNTIME_MONITORING',
] as const

/** Features enabled on a detector created without saying otherwise. */
const ENABLED_BY_DEFAULT = new Set<string>([
  'S3_DATA_EVENTS',
  'EKS_AUDIT_LOGS',
  'EBS_MALWARE_PROTECTION',
  'RDS_LOGIN_EVENTS',
  'LAMBDA_NETWORK_LOGS',
])

/** Additional configurations each feature accepts. */
const ADDITIONAL: Readonly<Record<string, readonly string[]>> = {
  EKS_RUNTIME_MONITORING: ['EKS_ADDON_MANAGEMENT'],
  RUNTIME_MONITORING: [
    'EKS_ADDON_MANAGEMENT',
    'ECS_FARGATE_AGENT_MANAGEMENT',
    'EC2_AGENT_MANAGEMENT',
  ],
}

function defaultFeature(name: string, nowMs: number): FeatureState {
  const additional = ADDITIONAL[name]
  return {
    name,
    status:
      FOUNDATIONAL.includes(name as never) || ENABLED_BY_DEFAULT.has(name) ? 'ENABLED' : 'DISABLED',
    updatedAtMs: nowMs,
    ...(additional
      ? {
          additionalConfiguration: additional.map((n) => ({
            name: n,
            status: 'DISABLED' as const,
            updatedAtMs: nowMs,
          })),
        }
      : {}),
  }
}

/**
 * Reads the protection-plan part of a create or update request as a list of feature changes.
 * @throws BadRequestException when both forms are given, a feature repeats, or an additional
 *   configuration does not belong to its feature
 */
export function requestedFeatures(
  features: readonly gd.DetectorFeatureConfiguration[] | undefined,
  dataSources: gd.DataSourceConfigurations | undefined,
): gd.DetectorFeatureConfiguration[] {
  if (features && dataSources)
    throw invalidInput(
      'The request is rejected because both dataSources and features were provided. Use only features.',
    )
  if (dataSources) {
    const out: gd.DetectorFeatureConfiguration[] = []
    if (dataSources.S3Logs)
      out.push({
        Name: 'S3_DATA_EVENTS',
        Status: dataSources.S3Logs.Enable ? 'ENABLED' : 'DISABLED',
      })
    if (dataSources.Kubernetes)
      out.push({
        Name: 'EKS_AUDIT_LOGS',
        Status: dataSources.Kubernetes.AuditLogs.Enable ? 'ENABLED' : 'DISABLED',
      })
    const ebs = dataSources.MalwareProtection?.ScanEc2InstanceWithFindings?.EbsVolumes
    if (ebs !== undefined)
      out.push({ Name: 'EBS_MALWARE_PROTECTION', Status: ebs ? 'ENABLED' : 'DISABLED' })
    return out
  }
  const seen = new Set<string>()
  for (const f of features ?? []) {
    if (f.Name === undefined)
      throw invalidInput('The request is rejected because a feature has no name.')
    if (seen.has(f.Name))
      throw invalidInput(
        `The request is rejected because the feature ${f.Name} is specified more than once.`,
      )
    seen.add(f.Name)
    const allowed = ADDITIONAL[f.Name] ?? []
    for (const a of f.AdditionalConfiguration ?? [])
      if (a.Name !== undefined && !allowed.includes(a.Name))
        throw invalidInput(
          `The request is rejected because additional configuration ${a.Name} is not supported for feature ${f.Name}.`,
        )
  }
  return [...(features ?? [])]
}

function applyChange(
  current: FeatureState,
  change: gd.DetectorFeatureConfiguration,
  nowMs: number,
): FeatureState {
  const status = change.Status ?? current.status
  let additional = current.additionalConfiguration
  if (change.AdditionalConfiguration && additional) {
    additional = additional.map((a) => {
      const c = change.AdditionalConfiguration?.find((x) => x.Name === a.name)
      if (!c?.Status || c.Status === a.status) return a
      return { ...a, status: c.Status, updatedAtMs: nowMs }
    })
  }
  return {
    ...current,
    status,
    updatedAtMs: status !== current.status ? nowMs : current.updatedAtMs,
    ...(additional ? { additionalConfiguration: additional } : {}),
  }
}

/** The feature list of a new detector: foundational, then submitted (in order), then the rest. */
export function initialFeatures(
  changes: readonly gd.DetectorFeatureConfiguration[],
  nowMs: number,
): FeatureState[] {
  const submitted = changes.map((c) => c.Name as string)
  const order = [
    ...FOUNDATIONAL,
    ...submitted,
    ...OPTIONAL.filter((name) => !submitted.includes(name)),
  ]
  return order.map((name) => {
    const base = defaultFeature(name, nowMs)
    const change = changes.find((c) => c.Name === name)
    return change ? applyChange(base, change, nowMs) : base
  })
}

/** Applies an update's feature changes in place of the existing entries, keeping their order. */
export function updatedFeatures(
  current: readonly FeatureState[],
  changes: readonly gd.DetectorFeatureConfiguration[],
  nowMs: number,
): FeatureState[] {
  const out = current.map((f) => {
    const change = changes.find((c) => c.Name === f.name)
    return change ? applyChange(f, change, nowMs) : f
  })
  for (const change of changes)
    if (!out.some((f) => f.name === change.Name))
      out.push(applyChange(defaultFeature(change.Name as string, nowMs), change, nowMs))
  return out
}

/** `features` as GetDetector returns them. */
export function featuresResult(
  features: readonly FeatureState[],
): gd.DetectorFeatureConfigurationResult[] {
  return features.map((f) => ({
    Name: f.name as gd.DetectorFeatureResult,
    Status: f.status,
    UpdatedAt: new Date(f.updatedAtMs),
    ...(f.additionalConfiguration
      ? {
          AdditionalConfiguration: f.additionalConfiguration.map((a) => ({
            Name: a.name as gd.FeatureAdditionalConfiguration,
            Status: a.status,
            UpdatedAt: new Date(a.updatedAtMs),
          })),
        }
      : {}),
  }))
}

/** The deprecated `dataSources` view of the same features. */
export function dataSourcesResult(
  features: readonly FeatureState[],
  accountId: string,
): gd.DataSourceConfigurationsResult {
  const status = (name: string): gd.DataSourceStatus =>
    features.find((f) => f.name === name)?.status ?? 'DISABLED'
  return {
    CloudTrail: { Status: status('CLOUD_TRAIL') },
    DNSLogs: { Status: status('DNS_LOGS') },
    FlowLogs: { Status: status('FLOW_LOGS') },
    S3Logs: { Status: status('S3_DATA_EVENTS') },
    Kubernetes: { AuditLogs: { Status: status('EKS_AUDIT_LOGS') } },
    MalwareProtection: {
      ScanEc2InstanceWithFindings: { EbsVolumes: { Status: status('EBS_MALWARE_PROTECTION') } },
      ServiceRole: `arn:aws:iam::${accountId}:role/aws-service-role/malware-protection.guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDutyMalwareProtection`,
    },
  }
}
