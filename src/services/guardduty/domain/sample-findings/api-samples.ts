/**
 * Sample findings of AWS API activity recorded by CloudTrail: IAM findings (the caller's access key and
 * the API call), AI-protection findings, S3 findings (the bucket, its public-access stance and the caller)
 * and Custom Detection Rules findings (the call behind the type's most severe signal, on the resource it
 * changes). For each type a table gives the API and service; the caller (ordinary, Tor exit node, AWS
 * threat intelligence, customer threat list, another AWS account) follows from the type name.
 */
import { anomalyDetection, awsApiCallAction, userAgent, type ApiCall } from './sample-actions.js'
import {
  callerKind,
  SAMPLE_THREAT_LIST,
  threatEvidence,
  typeName,
  type SampleInput,
  type SampleParts,
  type Wire,
} from './sample-parts.js'
import {
  accessKeyDetails,
  instanceDetails,
  lambdaDetails,
  rdsDbInstanceDetails,
  s3BucketDetail,
  type BucketExposure,
  type KeyHolder,
} from './sample-resources.js'
import { remoteIpDetails, type SampleValues } from './sample-values.js'

/** The call a type's sample shows. */
interface ApiSpec {
  readonly api: string
  /** The service's endpoint name, `iam.amazonaws.com`. */
  readonly service: string
  readonly holder?: KeyHolder
  readonly exposure?: BucketExposure
  /** The call failed with this error (GuardDuty reports denied calls too). */
  readonly errorCode?: string
}

const call = (
  api: string,
  service: string,
  extra: Omit<ApiSpec, 'api' | 'service'> = {},
): ApiSpec => ({ api, service: `${service}.amazonaws.com`, ...extra })

const API_SPECS: Readonly<Record<string, ApiSpec>> = {
  'CredentialAccess:IAMUser/AnomalousBehavior': call('GetSecretValue', 'secretsmanager'),
  'DefenseEvasion:IAMUser/AnomalousBehavior': call('DeleteFlowLogs', 'ec2'),
  'DefenseEvasion:IAMUser/BedrockLoggingDisabled': call(
    'DeleteModelInvocationLoggingConfiguration',
    'bedrock',
  ),
  'Discovery:IAMUser/AnomalousBehavior': call('ListAccessKeys', 'iam'),
  'Exfiltration:IAMUser/AnomalousBehavior': call('PutBucketReplication', 's3'),
  'Impact:IAMUser/AnomalousBehavior': call('DeleteSecurityGroup', 'ec2'),
  'InitialAccess:IAMUser/AnomalousBehavior': call('GetFederationToken', 'sts'),
  'PenTest:IAMUser/KaliLinux': call('ListUsers', 'iam'),
  'PenTest:IAMUser/ParrotLinux': call('ListRoles', 'iam'),
  'PenTest:IAMUser/PentooLinux': call('DescribeInstances', 'ec2'),
  'Persistence:IAMUser/AnomalousBehavior': call('CreateAccessKey', 'iam'),
  'Policy:IAMUser/RootCredentialUsage': call('GetAccountSummary', 'iam', { holder: 'Root' }),
  'Policy:IAMUser/ShortTermRootCredentialUsage': call('DeleteBucketPolicy', 's3', {
    holder: 'RootSession',
  }),
  'PrivilegeEscalation:IAMUser/AnomalousBehavior': call('AttachUserPolicy', 'iam'),
  'Recon:IAMUser/MaliciousIPCaller': call('ListRoles', 'iam'),
  'Recon:IAMUser/MaliciousIPCaller.Custom': call('DescribeSecurityGroups', 'ec2'),
  'Recon:IAMUser/TorIPCaller': call('ListUsers', 'iam'),
  'Stealth:IAMUser/CloudTrailLoggingDisabled': call('StopLogging', 'cloudtrail'),
  'Stealth:IAMUser/PasswordPolicyChange': call('UpdateAccountPasswordPolicy', 'iam'),
  'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B': call('ConsoleLogin', 'signin'),
  'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS': call(
    'DescribeInstances',
    'ec2',
    { holder: 'InstanceRole' },
  ),
  'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS': call(
    'ListBuckets',
    's3',
    { holder: 'InstanceRole' },
  ),
  'UnauthorizedAccess:IAMUser/MaliciousIPCaller': call('CreateUser', 'iam'),
  'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom': call(
    'AuthorizeSecurityGroupIngress',
    'ec2',
  ),
  'UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.InsideAWS': call(
    'DescribeDBInstances',
    'rds',
    { holder: 'TaskRole' },
  ),
  'UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.OutsideAWS': call(
    'GetSecretValue',
    'secretsmanager',
    { holder: 'FunctionRole' },
  ),
  'UnauthorizedAccess:IAMUser/TorIPCaller': call('GetCallerIdentity', 'sts'),
  'Impact:IAMUser/AnomalousModelInvocation': call('InvokeModel', 'bedrock'),
  'Impact:IAMUser/CostHarvesting': call('InvokeModelWithResponseStream', 'bedrock'),
  'Impact:IAMUser/PromptInjection.Direct': call('ApplyGuardrail', 'bedrock'),
  'Discovery:S3/AnomalousBehavior': call('ListObjects', 's3'),
  'Discovery:S3/MaliciousIPCaller': call('GetBucketAcl', 's3', { errorCode: 'AccessDenied' }),
  'Discovery:S3/MaliciousIPCaller.Custom': call('ListObjects', 's3'),
  'Discovery:S3/TorIPCaller': call('GetBucketPolicy', 's3'),
  'Exfiltration:S3/AnomalousBehavior': call('GetObject', 's3'),
  'Exfiltration:S3/MaliciousIPCaller': call('GetObject', 's3'),
  'Impact:S3/AnomalousBehavior.Delete': call('DeleteObjects', 's3'),
  'Impact:S3/AnomalousBehavior.Permission': call('PutObjectAcl', 's3'),
  'Impact:S3/AnomalousBehavior.Write': call('PutObject', 's3'),
  'Impact:S3/MaliciousIPCaller': call('PutObjectAcl', 's3'),
  'PenTest:S3/KaliLinux': call('ListObjects', 's3'),
  'PenTest:S3/ParrotLinux': call('GetObject', 's3'),
  'PenTest:S3/PentooLinux': call('GetBucketLocation', 's3'),
  'UnauthorizedAccess:S3/MaliciousIPCaller.Custom': call('PutObject', 's3'),
  'UnauthorizedAccess:S3/TorIPCaller': call('GetObject', 's3'),
  'Policy:S3/AccountBlockPublicAccessDisabled': call('PutAccountPublicAccessBlock', 's3', {
    exposure: 'accountBlockOff',
  }),
  'Policy:S3/BucketAnonymousAccessGranted': call('PutBucketPolicy', 's3', { exposure: 'public' }),
  'Policy:S3/BucketBlockPublicAccessDisabled': call('DeleteBucketPublicAccessBlock', 's3', {
    exposure: 'bucketBlockOff',
  }),
  'Policy:S3/BucketPublicAccessGranted': call('PutBucketAcl', 's3', { exposure: 'public' }),
  'Stealth:S3/ServerAccessLoggingDisabled': call('PutBucketLogging', 's3'),
}

/** The API call behind each Custom Detection Rules signal. */
const SIGNAL_CALLS: Readonly<Record<string, ApiSpec>> = {
  EC2PasswordDataRetrieved: call('GetPasswordData', 'ec2'),
  RDSMasterPasswordReset: call('ModifyDBInstance', 'rds'),
  EC2TerminationProtectionEnabled: call('ModifyInstanceAttribute', 'ec2'),
  VPCFlowLogsDeleted: call('DeleteFlowLogs', 'ec2'),
  OrganizationLeaveAttempt: call('LeaveOrganization', 'organizations'),
  OrganizationPolicyDisabled: call('DisablePolicyType', 'organizations'),
  RDSIAMAuthDisabled: call('ModifyDBInstance', 'rds'),
  DNSQueryLogsDeleted: call('DeleteResolverQueryLogConfig', 'route53resolver'),
  S3CustomerProvidedKeysEnabled: call('PutBucketEncryption', 's3'),
  SageMakerLifecycleConfigModified: call('UpdateNotebookInstanceLifecycleConfig', 'sagemaker'),
  AMIExternalAccess: call('ModifyImageAttribute', 'ec2'),
  EBSSnapshotExternalAccess: call('ModifySnapshotAttribute', 'ec2'),
  RDSSnapshotPubliclyShared: call('ModifyDBSnapshotAttribute', 'rds'),
  S3BucketPolicyExternalAccess: call('PutBucketPolicy', 's3'),
  S3LifecycleRapidExpiration: call('PutBucketLifecycle', 's3'),
  SESAccountSendingEnabled: call('UpdateAccountSendingEnabled', 'ses'),
  SESProductionAccessEnabled: call('PutAccountDetails', 'ses'),
  ConsoleLoginWithoutMFA: call('ConsoleLogin', 'signin'),
  RDSPubliclyAccessible: call('ModifyDBInstance', 'rds'),
  EC2InstanceSSHKeyPushed: call('SendSSHPublicKey', 'ec2-instance-connect'),
  EC2UserDataModified: call('ModifyInstanceAttribute', 'ec2'),
  EC2SecurityGroupPublicSSH: call('AuthorizeSecurityGroupIngress', 'ec2'),
  IAMAccessKeyCreated: call('CreateAccessKey', 'iam'),
  IAMRoleTrustPolicyModified: call('UpdateAssumeRolePolicy', 'iam'),
  IAMUserLoginProfileCreated: call('CreateLoginProfile', 'iam'),
  IAMUserLoginProfileUpdated: call('UpdateLoginProfile', 'iam'),
  LambdaFunctionPublicAccess: call('AddPermission', 'lambda'),
  LambdaFunctionUrlPublicAccess: call('CreateFunctionUrlConfig', 'lambda'),
  RolesAnywhereTrustAnchorCreated: call('CreateTrustAnchor', 'rolesanywhere'),
  AdminPolicyAttachedToRole: call('AttachRolePolicy', 'iam'),
  AdminPolicyAttachedToUser: call('AttachUserPolicy', 'iam'),
  BedrockServiceCredentialCreated: call('CreateServiceSpecificCredential', 'iam'),
  SESFullAccessPolicyAttachedToRole: call('AttachRolePolicy', 'iam'),
  SESFullAccessPolicyAttachedToUser: call('AttachUserPolicy', 'iam'),
  SESDomainIdentityVerified: call('VerifyDomainIdentity', 'ses'),
}

function apiSpec(type: string): ApiSpec {
  const spec = API_SPECS[type]
  if (!spec) throw new Error(`no sample API call for ${type}`)
  return spec
}

/** The user agent a type's caller shows. */
function agentFor(values: SampleValues, type: string, api: string): string {
  const { purpose, technique } = typeName(type)
  if (purpose === 'PenTest') {
    if (technique === 'KaliLinux') return userAgent(values, 'kali')
    if (technique === 'ParrotLinux') return userAgent(values, 'parrot')
    return userAgent(values, 'pentoo')
  }
  if (api === 'ConsoleLogin') return userAgent(values, 'console')
  return userAgent(values, values.pick(['cli', 'sdk'] as const))
}

/** The action, evidence and anomaly parts of `service` for one API call. */
function apiService(
  input: SampleInput,
  spec: ApiSpec,
  affectedResources?: Readonly<Record<string, string>>,
): Wire {
  const { entry, values } = input
  const { technique } = typeName(entry.type)
  const kind = callerKind(technique)
  const remote = remoteIpDetails(values)
  const insideAws = technique.endsWith('.InsideAWS')
  const apiCall: ApiCall = {
    api: spec.api,
    serviceName: spec.service,
    userAgent: agentFor(values, entry.type, spec.api),
    caller: insideAws
      ? {
          kind: 'account',
          accountId: String(values.int(100_000_000_000, 999_999_999_999)),
          affiliated: false,
        }
      : { kind: 'ip', remote },
    ...(spec.errorCode ? { errorCode: spec.errorCode } : {}),
    ...(affectedResources ? { affectedResources } : {}),
  }
  const evidence =
    kind === 'malicious'
      ? { evidence: threatEvidence('Amazon', 'MaliciousHost') }
      : kind === 'custom'
        ? { evidence: threatEvidence(SAMPLE_THREAT_LIST, 'SampleThreatListEntry') }
        : {}
  const anomalous =
    technique.startsWith('AnomalousBehavior') ||
    technique === 'AnomalousModelInvocation' ||
    technique === 'CostHarvesting'
  return {
    action: awsApiCallAction(apiCall),
    ...evidence,
    ...(anomalous ? { detection: anomalyDetection({ API: spec.api }) } : {}),
  }
}

/** An IAM (or AI protection) finding: an access key and one API call made with it. */
export function iamSample(input: SampleInput): SampleParts {
  const { entry, scope, values } = input
  const spec = apiSpec(entry.type)
  const holder = spec.holder ?? 'IAMUser'
  const instanceId = values.resourceId('i')
  const key = accessKeyDetails(
    scope,
    values,
    holder,
    holder === 'InstanceRole' ? instanceId : undefined,
  )
  const affected: Record<string, string> | undefined =
    spec.api === 'StopLogging'
      ? {
          'AWS::CloudTrail::Trail': `arn:aws:cloudtrail:${scope.region}:${scope.accountId}:trail/management-events`,
        }
      : undefined
  return {
    resource: { resourceType: 'AccessKey', accessKeyDetails: key.details },
    service: apiService(input, spec, affected),
    resourceRole: 'TARGET',
    subject: `${key.extra.userType} ${key.name} (access key ${key.extra.accessKeyId})`,
  }
}

/** An S3 finding: the bucket, its public-access stance and one API call on it. */
export function s3ApiSample(input: SampleInput): SampleParts {
  const { entry, scope, values } = input
  const spec = apiSpec(entry.type)
  const key = accessKeyDetails(scope, values, spec.holder ?? 'IAMUser')
  const bucket = s3BucketDetail(scope, values, { exposure: spec.exposure ?? 'private' })
  return {
    resource: {
      resourceType: 'S3Bucket',
      accessKeyDetails: key.details,
      s3BucketDetails: [bucket.details],
    },
    service: apiService(input, spec, { 'AWS::S3::Bucket': bucket.name }),
    resourceRole: 'TARGET',
    subject: `S3 bucket ${bucket.name}`,
  }
}

/** A Custom Detection Rules finding: the call behind its most severe signal. */
export function customRuleSample(input: SampleInput): SampleParts {
  const { entry, scope, values } = input
  const signals = entry.signals ?? []
  const top = signals.find((s) => s.severity === entry.severity) ?? signals[0]
  const spec = top ? SIGNAL_CALLS[top.name] : undefined
  if (!top || !spec) throw new Error(`no sample API call for ${entry.type}`)
  const key = accessKeyDetails(scope, values, 'AssumedRole')
  let resource: Wire
  let subject: string
  let affected: Record<string, string> | undefined
  switch (entry.resourceType) {
    case 'Instance': {
      const instance = instanceDetails(scope, values)
      resource = { instanceDetails: instance.details }
      subject = `EC2 instance ${instance.name}`
      affected = { 'AWS::EC2::Instance': instance.name }
      break
    }
    case 'RDSDBInstance': {
      const db = rdsDbInstanceDetails(scope, values)
      resource = { rdsDbInstanceDetails: db.details }
      subject = `RDS database ${db.name}`
      affected = { 'AWS::RDS::DBInstance': db.name }
      break
    }
    case 'S3Bucket': {
      const bucket = s3BucketDetail(scope, values)
      resource = { s3BucketDetails: [bucket.details] }
      subject = `S3 bucket ${bucket.name}`
      affected = { 'AWS::S3::Bucket': bucket.name }
      break
    }
    case 'Lambda': {
      const fn = lambdaDetails(scope, values)
      resource = { lambdaDetails: fn.details }
      subject = `Lambda function ${fn.name}`
      affected = { 'AWS::Lambda::Function': fn.name }
      break
    }
    default:
      resource = {}
      subject = `${key.extra.userType} ${key.name}`
  }
  return {
    resource: { resourceType: entry.resourceType, accessKeyDetails: key.details, ...resource },
    service: apiService(input, spec, affected),
    resourceRole: 'TARGET',
    subject,
    detail: `Rule signal: ${top.name}.`,
  }
}
