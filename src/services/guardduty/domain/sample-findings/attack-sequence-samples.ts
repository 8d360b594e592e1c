/**
 * Sample findings of Extended Threat Detection (attack sequences): the resource the sequence centres on
 * (the credentials, the bucket, the EKS or ECS cluster, the instance group), and `service.detection.sequence`
 * with its actors, resources, network endpoints, the signals (findings and events) it correlated, and the
 * MITRE ATT&CK tactics and techniques it maps to.
 */
import type { Scope } from '../../../../storage/ports.js'
import { typeName, type SampleInput, type SampleParts, type Wire } from './sample-parts.js'
import {
  accessKeyDetails,
  container,
  ecsClusterDetails,
  eksClusterDetails,
  instanceDetails,
  kubernetesDetails,
  s3BucketDetail,
} from './sample-resources.js'
import { epochSeconds, remoteIpDetails, sampleDate, type SampleValues } from './sample-values.js'

/** A signal: `[type, name, severity, tactic]`. */
type SignalSpec = readonly [string, string, number, string]

interface SequenceSpec {
  readonly signals: readonly SignalSpec[]
  readonly techniques: readonly string[]
  readonly highRiskApis?: readonly string[]
}

const SEQUENCES: Readonly<Record<string, SequenceSpec>> = {
  'IAM/CompromisedCredentials': {
    signals: [
      ['FINDING', 'Recon:IAMUser/TorIPCaller', 5, 'Discovery'],
      ['CLOUD_TRAIL', 'CreateRole', 5, 'Persistence'],
      ['FINDING', 'PenTest:IAMUser/KaliLinux', 5, 'PrivilegeEscalation'],
      ['FINDING', 'Stealth:IAMUser/CloudTrailLoggingDisabled', 2, 'DefenseEvasion'],
    ],
    techniques: ['T1078.004', 'T1087.004', 'T1098.003', 'T1562.008'],
    highRiskApis: ['iam:CreateRole', 'iam:AttachRolePolicy', 'cloudtrail:DeleteTrail'],
  },
  'S3/CompromisedData': {
    signals: [
      ['FINDING', 'Discovery:S3/TorIPCaller', 5, 'Discovery'],
      ['FINDING', 'Exfiltration:S3/AnomalousBehavior', 8, 'Exfiltration'],
      ['S3_DATA_EVENTS', 'DeleteObjects', 8, 'Impact'],
    ],
    techniques: ['T1619', 'T1530', 'T1485'],
    highRiskApis: ['s3:GetObject', 's3:DeleteObjects'],
  },
  'EKS/CompromisedCluster': {
    signals: [
      ['FINDING', 'CredentialAccess:Kubernetes/MaliciousIPCaller', 8, 'CredentialAccess'],
      ['EKS_AUDIT_LOGS', 'create pods/exec', 5, 'Execution'],
      ['FINDING', 'Execution:Runtime/ReverseShell', 8, 'Execution'],
    ],
    techniques: ['T1552.007', 'T1609', 'T1059.004'],
  },
  'ECS/CompromisedCluster': {
    signals: [
      ['FINDING', 'Execution:Runtime/NewBinaryExecuted', 5, 'Execution'],
      ['DNS_LOGS', 'CryptoCurrency:Runtime/BitcoinTool.B!DNS', 8, 'Impact'],
      ['FINDING', 'Impact:Runtime/CryptoMinerExecuted', 8, 'Impact'],
    ],
    techniques: ['T1204.003', 'T1496'],
  },
  'EC2/CompromisedInstanceGroup': {
    signals: [
      ['FLOW_LOGS', 'Backdoor:EC2/C&CActivity.B', 8, 'CommandAndControl'],
      ['FINDING', 'Execution:Runtime/SuspiciousCommand', 5, 'Execution'],
      [
        'FINDING',
        'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
        8,
        'CredentialAccess',
      ],
    ],
    techniques: ['T1071', 'T1059', 'T1552.005'],
  },
}

interface SequenceResource {
  readonly uid: string
  readonly v2: Wire
}

function resourceV2(
  scope: Scope,
  uid: string,
  name: string,
  resourceType: string,
  service: string,
  data: Wire,
): SequenceResource {
  return {
    uid,
    v2: {
      uid,
      name,
      accountId: scope.accountId,
      resourceType,
      region: scope.region,
      service,
      cloudPartition: 'aws',
      tags: [],
      data,
    },
  }
}

/** The finding's resource block and the sequence's resources for each kind of sequence. */
function centre(
  kind: string,
  scope: Scope,
  values: SampleValues,
): { resource: Wire; resources: SequenceResource[]; subject: string; actor: Wire } {
  const key = accessKeyDetails(scope, values, 'IAMUser')
  const user: Wire = {
    id: `user:IAMUser:${key.extra.principalId}`,
    user: {
      name: key.extra.userName,
      uid: key.extra.principalId,
      type: 'IAMUser',
      credentialUid: key.extra.accessKeyId,
      account: { uid: scope.accountId },
    },
    session: {
      uid: `${key.extra.principalId}:${values.hex(8)}`,
      mfaStatus: 'DISABLED',
      createdTime: epochSeconds(sampleDate(values, 44)),
      issuer: `arn:aws:iam::${scope.accountId}:user/${key.extra.userName}`,
    },
  }
  const keyResource = resourceV2(
    scope,
    key.extra.accessKeyId,
    key.extra.userName,
    'ACCESS_KEY',
    'IAM',
    {
      accessKey: {
        principalId: key.extra.principalId,
        userName: key.extra.userName,
        userType: key.extra.userType,
      },
    },
  )
  switch (kind) {
    case 'S3/CompromisedData': {
      const bucket = s3BucketDetail(scope, values)
      return {
        resource: { accessKeyDetails: key.details, s3BucketDetails: [bucket.details] },
        resources: [
          keyResource,
          resourceV2(scope, bucket.extra.arn, bucket.name, 'S3_BUCKET', 'S3', {
            s3Bucket: {
              ownerId: (bucket.details.owner as Wire).id,
              createdAt: bucket.details.createdAt,
              encryptionType: 'SSE-S3',
              effectivePermission: 'NOT_PUBLIC',
              publicReadAccess: 'BLOCKED',
              publicWriteAccess: 'BLOCKED',
            },
          }),
        ],
        subject: `S3 bucket ${bucket.name} (IAM user ${key.name})`,
        actor: user,
      }
    }
    case 'EKS/CompromisedCluster': {
      const cluster = eksClusterDetails(scope, values)
      const c = container(values)
      const pod = `api-${values.alnum(10)}-${values.alnum(5)}`
      const arn = cluster.details.arn as string
      return {
        resource: {
          eksClusterDetails: cluster.details,
          kubernetesDetails: kubernetesDetails(values, undefined, {
            name: pod,
            type: 'pods',
            namespace: 'default',
            containers: [c],
          }),
        },
        resources: [
          resourceV2(scope, arn, cluster.name, 'EKS_CLUSTER', 'EKS', {
            eksCluster: {
              arn,
              createdAt: cluster.details.createdAt,
              status: 'ACTIVE',
              vpcId: cluster.details.vpcId,
            },
          }),
          resourceV2(scope, `${arn}/default/${pod}`, pod, 'KUBERNETES_WORKLOAD', 'EKS', {
            kubernetesWorkload: { containerUids: [c.id], namespace: 'default', type: 'PODS' },
          }),
          resourceV2(scope, String(c.id), String(c.name), 'CONTAINER', 'EKS', {
            container: { image: c.image, imageUid: `sha256:${values.sha256()}` },
          }),
        ],
        subject: `EKS cluster ${cluster.name}`,
        actor: { id: `process:${values.uuid()}`, process: { name: 'bash', path: '/usr/bin/bash' } },
      }
    }
    case 'ECS/CompromisedCluster': {
      const c = container(values)
      const cluster = ecsClusterDetails(scope, values, [c])
      return {
        resource: { ecsClusterDetails: cluster.details },
        resources: [
          resourceV2(scope, String(c.id), String(c.name), 'CONTAINER', 'ECS', {
            container: { image: c.image, imageUid: `sha256:${values.sha256()}` },
          }),
        ],
        subject: `ECS cluster ${cluster.name}`,
        actor: {
          id: `process:${values.uuid()}`,
          process: { name: 'xmrig', path: '/tmp/.cache/xmrig', sha256: values.sha256() },
        },
      }
    }
    case 'EC2/CompromisedInstanceGroup': {
      const first = instanceDetails(scope, values)
      const second = instanceDetails(scope, values)
      const instanceResource = (i: typeof first): SequenceResource => {
        const eni = (i.details.networkInterfaces as Wire[])[0]?.networkInterfaceId as string
        return resourceV2(scope, i.name, i.name, 'EC2_INSTANCE', 'EC2', {
          ec2Instance: {
            availabilityZone: i.details.availabilityZone,
            instanceState: 'running',
            instanceType: i.details.instanceType,
            ec2NetworkInterfaceUids: [eni],
          },
        })
      }
      return {
        resource: { instanceDetails: first.details },
        resources: [instanceResource(first), instanceResource(second)],
        subject: `EC2 instances ${first.name} and ${second.name}`,
        actor: { id: `process:${values.uuid()}`, process: { name: 'sh', path: '/bin/sh' } },
      }
    }
    default:
      return {
        resource: { accessKeyDetails: key.details },
        resources: [keyResource],
        subject: `IAM user ${key.name}`,
        actor: user,
      }
  }
}

/** An attack sequence finding. */
export function attackSequenceSample({ entry, scope, values }: SampleInput): SampleParts {
  const { affected, technique } = typeName(entry.type)
  const kind = `${affected}/${technique}`
  const spec = SEQUENCES[kind]
  if (!spec) throw new Error(`no sample sequence for ${entry.type}`)
  const { resource, resources, subject, actor } = centre(kind, scope, values)
  const remote = remoteIpDetails(values)
  const organization = remote.organization as Wire
  const city = remote.city as Wire
  const country = remote.country as Wire
  const geo = remote.geoLocation as Wire
  const endpointId = `ip:${String(remote.ipAddressV4)}`
  const endpoint = {
    id: endpointId,
    ip: remote.ipAddressV4,
    location: { city: city.cityName, country: country.countryName, lat: geo.lat, lon: geo.lon },
    autonomousSystem: { name: organization.asnOrg, number: Number(organization.asn) },
    connection: { direction: 'INBOUND' },
  }
  const tactics = [...new Set(spec.signals.map(([, , , tactic]) => tactic))]
  const signals = spec.signals.map(([type, name, severity, tactic], i) => {
    const first = sampleDate(values, 44 + i)
    const last = new Date(first.getTime() + values.int(60, 3600) * 1000)
    return {
      uid: `${type === 'FINDING' ? 'finding' : 'event'}:${values.hex(32)}`,
      type,
      description: `${name} was observed as part of the sequence.`,
      name,
      createdAt: epochSeconds(first),
      updatedAt: epochSeconds(last),
      firstSeenAt: epochSeconds(first),
      lastSeenAt: epochSeconds(last),
      severity,
      count: values.int(1, 12),
      resourceUids: resources.map((r) => r.uid),
      actorIds: [actor.id],
      endpointIds: [endpointId],
      signalIndicators: [{ key: 'ATTACK_TACTIC', values: [tactic], title: 'Attack tactic' }],
    }
  })
  const sequence: Wire = {
    uid: values.hex(32),
    description: `${entry.description} It involves ${subject}.`,
    actors: [actor],
    resources: resources.map((r) => r.v2),
    endpoints: [endpoint],
    signals,
    sequenceIndicators: [
      { key: 'ATTACK_TACTIC', values: tactics, title: 'Attack tactics' },
      { key: 'ATTACK_TECHNIQUE', values: [...spec.techniques], title: 'Attack techniques' },
      ...(spec.highRiskApis
        ? [{ key: 'HIGH_RISK_API', values: [...spec.highRiskApis], title: 'High-risk APIs' }]
        : []),
    ],
  }
  return {
    resource: { resourceType: 'AttackSequence', ...resource },
    service: { featureName: 'Correlation', detection: { sequence } },
    resourceRole: 'TARGET',
    subject,
  }
}
