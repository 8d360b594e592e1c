/**
 * Sample findings against the model and the catalog: the catalog is complete and consistent (unique
 * types, default severities in their bands, signals of rule types), every type's sample passes a strict
 * walk of the model's `Finding` shape (no unknown members, right types, required members, enum values)
 * and decodes with `decodeWire`, carries its type, default severity, resource type, `[SAMPLE]` title and
 * sample flag, has the resource block and action its data source implies, uses documentation IP ranges
 * and the caller's account and Region in ARNs, and is deterministic. The strict walk itself is shown to
 * fail on bad input.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeWire } from '../../../../protocol/read-input.js'
import { schema } from '../../generated/schema.js'
import type * as gd from '../../generated/types.js'
import {
  DEFAULT_SEVERITY,
  FINDING_CATALOG,
  FINDING_TYPES,
  severityLabel,
  type CatalogResourceType,
  type FindingDataSource,
  type FindingTypeInfo,
} from './finding-catalog.js'
import {
  SAMPLE_ADDITIONAL_INFO,
  SAMPLE_TITLE_PREFIX,
  sampleAggregationKey,
  sampleFinding,
} from './sample-finding.js'
import type { Wire } from './sample-parts.js'
import { wireProblems } from './wire-conformance.js'

const SCOPE = { accountId: '123456789012', region: 'eu-west-1' }
const OTHER = { accountId: '210987654321', region: 'ap-southeast-2' }

/** The members `FindingAggregator` adds, so the content can be checked as a whole finding. */
function stored(content: Wire, scope = SCOPE): Wire {
  const service = content.service as Wire
  return {
    schemaVersion: '2.0',
    partition: 'aws',
    confidence: 5,
    ...content,
    accountId: scope.accountId,
    region: scope.region,
    id: 'f'.repeat(32),
    arn: `arn:aws:guardduty:${scope.region}:${scope.accountId}:detector/d1/finding/${'f'.repeat(32)}`,
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    service: {
      ...service,
      serviceName: 'guardduty',
      detectorId: 'd1',
      count: 1,
      eventFirstSeen: '2026-11-20T10:00:00.000Z',
      eventLastSeen: '2026-11-20T10:00:00.000Z',
      archived: false,
    },
  }
}

/**
 * Constraint waivers: the model caps `FindingType` at 50 characters, but GuardDuty's own type names are
 * longer (`UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS`).
 */
function waived(entry: FindingTypeInfo): string[] {
  return entry.type.length > 50 ? ['/type'] : []
}

const at = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, key) => (v as Wire | undefined)?.[key], value)

test('the catalog lists every documented type once, with consistent defaults', () => {
  assert.equal(FINDING_TYPES.length, 226)
  assert.equal(FINDING_CATALOG.size, FINDING_TYPES.length)
  for (const e of FINDING_TYPES) {
    assert.match(e.type, /^[A-Za-z]+:[A-Za-z0-9]+\/[A-Za-z0-9&.!]+$/, e.type)
    assert.ok(Object.values(DEFAULT_SEVERITY).includes(e.severity), `${e.type} severity`)
    assert.ok(e.description.length > 10 && e.description.endsWith('.'), `${e.type} description`)
    if (e.signals) {
      assert.equal(e.dataSource, 'CLOUDTRAIL_MANAGEMENT_EVENTS')
      assert.equal(e.severity, Math.max(...e.signals.map((s) => s.severity)), e.type)
    }
    if (e.type.startsWith('AttackSequence:')) assert.equal(severityLabel(e.severity), 'Critical')
  }
  const count = (source: FindingDataSource) =>
    FINDING_TYPES.filter((e) => e.dataSource === source).length
  assert.equal(count('VPC_FLOW_LOGS'), 25)
  assert.equal(count('DNS_LOGS'), 15)
  assert.equal(count('EKS_AUDIT_LOGS'), 35)
  assert.equal(count('RUNTIME_MONITORING'), 42)
  assert.equal(count('EXTENDED_THREAT_DETECTION'), 5)
  assert.equal(FINDING_TYPES.filter((e) => e.signals).length, 25)
  assert.equal(FINDING_CATALOG.get('Recon:EC2/PortProbeUnprotectedPort')?.variableSeverity, true)
})

test('severity labels follow the documented bands', () => {
  assert.equal(severityLabel(1), 'Low')
  assert.equal(severityLabel(3.9), 'Low')
  assert.equal(severityLabel(4), 'Medium')
  assert.equal(severityLabel(6.9), 'Medium')
  assert.equal(severityLabel(7), 'High')
  assert.equal(severityLabel(8.9), 'High')
  assert.equal(severityLabel(9), 'Critical')
})

/** The resource member(s) each resource type must fill. */
const RESOURCE_BLOCK: Readonly<Record<CatalogResourceType, (r: Wire) => unknown>> = {
  Instance: (r) => at(r, 'instanceDetails.instanceId'),
  AccessKey: (r) => at(r, 'accessKeyDetails.accessKeyId'),
  S3Bucket: (r) => (r.s3BucketDetails as Wire[] | undefined)?.[0]?.arn,
  S3Object: (r) => (r.s3BucketDetails as Wire[] | undefined)?.[0]?.s3ObjectDetails,
  EKSCluster: (r) => at(r, 'eksClusterDetails.arn'),
  ECSCluster: (r) => at(r, 'ecsClusterDetails.arn'),
  Container: (r) => at(r, 'containerDetails.image'),
  Lambda: (r) => at(r, 'lambdaDetails.functionArn'),
  RDSDBInstance: (r) => at(r, 'rdsDbInstanceDetails.dbInstanceArn'),
  AttackSequence: (r) =>
    r.accessKeyDetails ??
    r.s3BucketDetails ??
    r.eksClusterDetails ??
    r.ecsClusterDetails ??
    r.instanceDetails,
  EBSSnapshot: (r) => at(r, 'ebsVolumeDetails.scannedVolumeDetails'),
  EC2Image: (r) => at(r, 'ebsVolumeDetails.scannedVolumeDetails'),
  RecoveryPoint: (r) => r.ebsVolumeDetails ?? r.s3BucketDetails,
}

/** What `service` must carry for each data source. */
function checkService(entry: FindingTypeInfo, service: Wire): void {
  const actionType = at(service, 'action.actionType')
  const label = `${entry.type} service`
  switch (entry.dataSource) {
    case 'VPC_FLOW_LOGS':
      assert.ok(actionType === 'NETWORK_CONNECTION' || actionType === 'PORT_PROBE', label)
      if (actionType === 'NETWORK_CONNECTION')
        assert.ok(at(service, 'action.networkConnectionAction.remoteIpDetails.geoLocation'), label)
      else assert.ok((at(service, 'action.portProbeAction.portProbeDetails') as Wire[]).length > 0)
      break
    case 'LAMBDA_NETWORK_ACTIVITY':
      assert.equal(actionType, 'NETWORK_CONNECTION', label)
      break
    case 'DNS_LOGS':
      assert.equal(actionType, 'DNS_REQUEST', label)
      assert.match(String(at(service, 'action.dnsRequestAction.domain')), /\.[a-z]+$/, label)
      break
    case 'CLOUDTRAIL_MANAGEMENT_EVENTS':
    case 'CLOUDTRAIL_S3_DATA_EVENTS':
      assert.equal(actionType, 'AWS_API_CALL', label)
      assert.ok(at(service, 'action.awsApiCallAction.api'), label)
      assert.match(String(at(service, 'action.awsApiCallAction.serviceName')), /\.amazonaws\.com$/)
      assert.ok(at(service, 'action.awsApiCallAction.userAgent'), label)
      break
    case 'EKS_AUDIT_LOGS':
      assert.equal(actionType, 'KUBERNETES_API_CALL', label)
      assert.ok(at(service, 'action.kubernetesApiCallAction.verb'), label)
      assert.ok(at(service, 'action.kubernetesApiCallAction.requestUri'), label)
      break
    case 'RDS_LOGIN_ACTIVITY':
      assert.equal(actionType, 'RDS_LOGIN_ATTEMPT', label)
      assert.ok(at(service, 'action.rdsLoginAttemptAction.remoteIpDetails'), label)
      break
    case 'RUNTIME_MONITORING':
      assert.ok(at(service, 'runtimeDetails.process.executablePath'), label)
      break
    case 'EBS_MALWARE_PROTECTION':
      assert.ok(at(service, 'ebsVolumeScanDetails.scanDetections.threatDetectedByName'), label)
      break
    case 'S3_MALWARE_PROTECTION':
      assert.ok(at(service, 'malwareScanDetails.threats'), label)
      break
    case 'BACKUP_MALWARE_PROTECTION':
      assert.ok(service.ebsVolumeScanDetails ?? service.malwareScanDetails, label)
      break
    case 'EXTENDED_THREAT_DETECTION':
      assert.ok((at(service, 'detection.sequence.signals') as Wire[]).length > 1, label)
      break
  }
}

function inDocumentationRanges(ip: string): boolean {
  return /^(198\.51\.100|203\.0\.113)\.\d+$|^10\.\d+\.\d+\.\d+$/.test(ip)
}

test('every catalog type yields a sample that conforms to the model and to its type', () => {
  for (const entry of FINDING_TYPES) {
    const content = sampleFinding(entry.type, SCOPE)
    const finding = stored(content)
    assert.deepEqual(wireProblems(schema, 'Finding', finding, waived(entry)), [], entry.type)
    const decoded = decodeWire(schema, 'Finding', finding) as gd.Finding
    assert.equal(decoded.Type, entry.type)
    assert.equal(decoded.Severity, entry.severity)
    assert.equal(severityLabel(decoded.Severity), severityLabel(entry.severity))
    assert.equal(decoded.Resource.ResourceType, entry.resourceType)
    assert.ok(decoded.Title?.startsWith(SAMPLE_TITLE_PREFIX), `${entry.type} title`)
    assert.ok(decoded.Description?.includes('sample finding'), `${entry.type} description`)
    assert.deepEqual(decoded.Service?.AdditionalInfo, {
      Value: SAMPLE_ADDITIONAL_INFO.value,
      Type: SAMPLE_ADDITIONAL_INFO.type,
    })
    assert.ok(['ACTOR', 'TARGET'].includes(decoded.Service?.ResourceRole ?? ''), entry.type)
    assert.ok(
      RESOURCE_BLOCK[entry.resourceType](content.resource as Wire),
      `${entry.type} resource`,
    )
    checkService(entry, content.service as Wire)
    const text = JSON.stringify(content)
    for (const [ip] of text.matchAll(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g))
      assert.ok(inDocumentationRanges(ip), `${entry.type}: ${ip}`)
    for (const [, region, account] of text.matchAll(/arn:aws:[a-z0-9-]+:([a-z0-9-]*):(\d*):/g)) {
      assert.ok(region === '' || region === SCOPE.region, `${entry.type}: region ${region}`)
      assert.ok(account === '' || account === SCOPE.accountId, `${entry.type}: account ${account}`)
    }
  }
})

test('samples are deterministic per type and scope', () => {
  for (const type of ['Backdoor:EC2/C&CActivity.B', 'Policy:S3/BucketPublicAccessGranted']) {
    assert.deepEqual(sampleFinding(type, SCOPE), sampleFinding(type, SCOPE))
    const other = JSON.stringify(sampleFinding(type, OTHER))
    assert.notEqual(other, JSON.stringify(sampleFinding(type, SCOPE)))
    assert.ok(!other.includes(SCOPE.accountId))
  }
  const a = sampleFinding('Recon:EC2/Portscan', SCOPE)
  const b = sampleFinding('Recon:EC2/Portscan', OTHER)
  assert.notEqual(
    at(a, 'resource.instanceDetails.instanceId'),
    at(b, 'resource.instanceDetails.instanceId'),
  )
  assert.equal(sampleAggregationKey('Recon:EC2/Portscan'), 'sample:Recon:EC2/Portscan')
})

test('samples show what their type is about', () => {
  const ssh = sampleFinding('UnauthorizedAccess:EC2/SSHBruteForce', SCOPE)
  assert.equal(at(ssh, 'service.resourceRole'), 'TARGET')
  assert.equal(at(ssh, 'service.action.networkConnectionAction.connectionDirection'), 'INBOUND')
  assert.equal(at(ssh, 'service.action.networkConnectionAction.localPortDetails.port'), 22)
  const probe = sampleFinding('Recon:EC2/PortProbeEMRUnprotectedPort', SCOPE)
  assert.equal(at(probe, 'service.action.actionType'), 'PORT_PROBE')
  const c2 = sampleFinding('Backdoor:EC2/C&CActivity.B!DNS', SCOPE)
  assert.equal(at(c2, 'service.action.dnsRequestAction.domain'), 'c2.guarddutyc2activityb.com')
  assert.equal(
    at(c2, 'service.action.dnsRequestAction.domainWithSuffix'),
    'guarddutyc2activityb.com',
  )
  const kali = sampleFinding('PenTest:IAMUser/KaliLinux', SCOPE)
  assert.match(String(at(kali, 'service.action.awsApiCallAction.userAgent')), /kali/)
  const root = sampleFinding('Policy:IAMUser/RootCredentialUsage', SCOPE)
  assert.equal(at(root, 'resource.accessKeyDetails.userType'), 'Root')
  const inside = sampleFinding(
    'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS',
    SCOPE,
  )
  assert.equal(at(inside, 'service.action.awsApiCallAction.callerType'), 'Remote account')
  assert.match(String(at(inside, 'resource.accessKeyDetails.accessKeyId')), /^ASIA[A-Z2-7]{16}$/)
  const custom = sampleFinding('UnauthorizedAccess:EC2/MaliciousIPCaller.Custom', SCOPE)
  assert.ok(at(custom, 'service.evidence.threatIntelligenceDetails'))
  const anonymous = sampleFinding('Impact:Kubernetes/SuccessfulAnonymousAccess', SCOPE)
  assert.equal(
    at(anonymous, 'resource.kubernetesDetails.kubernetesUserDetails.username'),
    'system:anonymous',
  )
  const privileged = sampleFinding('PrivilegeEscalation:Kubernetes/PrivilegedContainer', SCOPE)
  const containers = at(
    privileged,
    'resource.kubernetesDetails.kubernetesWorkloadDetails.containers',
  ) as Wire[]
  assert.equal(at(containers[0], 'securityContext.privileged'), true)
  const bucket = sampleFinding('Policy:S3/BucketAnonymousAccessGranted', SCOPE)
  const details = (at(bucket, 'resource.s3BucketDetails') as Wire[])[0]
  assert.equal(at(details, 'publicAccess.effectivePermission'), 'PUBLIC')
  const kernel = sampleFinding('DefenseEvasion:Runtime/KernelModuleLoaded', SCOPE)
  assert.ok(at(kernel, 'service.runtimeDetails.context.moduleName'))
  const rule = sampleFinding('PrivilegeEscalation:IAM/AccountManipulation', SCOPE)
  assert.equal(at(rule, 'service.action.awsApiCallAction.api'), 'AttachRolePolicy')
  const sequence = sampleFinding('AttackSequence:IAM/CompromisedCredentials', SCOPE)
  assert.equal(at(sequence, 'service.featureName'), 'Correlation')
  assert.equal(at(sequence, 'resource.resourceType'), 'AttackSequence')
})

test('an unknown type has no sample', () => {
  assert.throws(() => sampleFinding('Nope:EC2/Nothing', SCOPE), /unknown finding type/)
})

test('the strict walk reports what decodeWire lets through', () => {
  const good = stored(sampleFinding('Recon:EC2/Portscan', SCOPE))
  assert.deepEqual(wireProblems(schema, 'Finding', good), [])
  const bad = structuredClone(good)
  bad.unexpected = true
  ;(bad.resource as Wire).resourceType = 7
  delete bad.accountId
  ;(bad.service as Wire).count = 1.5
  const action = at(bad, 'service.action.networkConnectionAction') as Wire
  action.localIpDetails = { ipv4: '10.0.0.1' }
  const detection = { sequence: { uid: 'x', description: 'd', signals: [], bogus: 1 } }
  ;(bad.service as Wire).detection = detection
  ;(bad.service as Wire).ebsVolumeScanDetails = { scanType: 'SOMETIMES' }
  const problems = wireProblems(schema, 'Finding', bad).map((p) => `${p.path} ${p.problem}`)
  const expect = (pattern: RegExp) =>
    assert.ok(
      problems.some((p) => pattern.test(p)),
      `${pattern} in ${problems.join('\n')}`,
    )
  expect(/^ unknown member 'unexpected'/)
  expect(/^ missing required member 'accountId'/)
  expect(/^\/resource\/resourceType expected a string/)
  expect(/^\/service\/count expected an integer/)
  expect(/localIpDetails unknown member 'ipv4'/)
  expect(/sequence unknown member 'bogus'/)
  expect(/scanType .*enum/)
  // decodeWire, by contrast, drops unknown members and wrong values without a word.
  const decoded = decodeWire(schema, 'Finding', bad) as Record<string, unknown>
  assert.equal(decoded.unexpected, undefined)
  assert.equal((decoded.Resource as Record<string, unknown>).ResourceType, undefined)
  // Type names longer than the model's 50-character limit need the waiver.
  const long = stored(
    sampleFinding('UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', SCOPE),
  )
  assert.equal(wireProblems(schema, 'Finding', long).length, 1)
  assert.deepEqual(wireProblems(schema, 'Finding', long, ['/type']), [])
})
