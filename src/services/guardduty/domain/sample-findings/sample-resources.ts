/**
 * The resource blocks of sample findings, in wire form: EC2 instances (with a network interface, security
 * group, instance profile and tags), access keys of IAM users, roles and the root user, S3 buckets (owner,
 * encryption, public-access settings, objects), EKS clusters with the Kubernetes user and workload, ECS
 * clusters with a task, containers, Lambda functions, RDS instances and database users, and scanned EBS
 * volumes. Every identifier is drawn from the type's value stream and every ARN uses the caller's account
 * and Region.
 */
import type { Scope } from '../../../../storage/ports.js'
import type { Wire } from './sample-parts.js'
import { epochSeconds, isoDate, sampleDate, type SampleValues } from './sample-values.js'

/** A resource block and the identifiers other parts of the sample refer to. */
export interface Built<Extra = object> {
  readonly details: Wire
  readonly name: string
  readonly extra: Extra
}

const TEAMS = ['payments', 'platform', 'analytics', 'storefront', 'identity']
const ENVIRONMENTS = ['production', 'staging']

function tags(values: SampleValues, name?: string): Wire[] {
  return [
    ...(name ? [{ key: 'Name', value: name }] : []),
    { key: 'Environment', value: values.pick(ENVIRONMENTS) },
    { key: 'Team', value: values.pick(TEAMS) },
  ]
}

function dnsSuffix(region: string, kind: 'internal' | 'public'): string {
  if (kind === 'internal')
    return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`
  return region === 'us-east-1' ? 'compute-1.amazonaws.com' : `${region}.compute.amazonaws.com`
}

/** Network identifiers of an instance. */
export interface InstanceNetwork {
  readonly instanceId: string
  readonly privateIp: string
  readonly publicIp: string
  readonly vpcId: string
  readonly subnetId: string
  readonly securityGroup: { readonly groupId: string; readonly groupName: string }
}

/** `resource.instanceDetails` of an EC2 instance. */
export function instanceDetails(
  scope: Scope,
  values: SampleValues,
  options: { readonly windows?: boolean } = {},
): Built<InstanceNetwork> {
  const instanceId = values.resourceId('i')
  const privateIp = values.privateIpV4()
  const publicIp = values.ownPublicIpV4()
  const vpcId = values.resourceId('vpc')
  const subnetId = values.resourceId('subnet')
  const role = values.pick(['web-server', 'batch-worker', 'bastion', 'api-backend'])
  const securityGroup = { groupId: values.resourceId('sg'), groupName: `${role}-sg` }
  const name = `${role}-${values.int(1, 9)}`
  const privateDnsName = `ip-${privateIp.replaceAll('.', '-')}.${dnsSuffix(scope.region, 'internal')}`
  const details: Wire = {
    availabilityZone: `${scope.region}${values.pick(['a', 'b', 'c'])}`,
    iamInstanceProfile: {
      arn: `arn:aws:iam::${scope.accountId}:instance-profile/${role}-profile`,
      id: `AIPA${values.chars(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    },
    imageDescription: options.windows
      ? 'Microsoft Windows Server 2022 Full Locale English AMI'
      : 'Amazon Linux 2023 AMI x86_64 HVM kernel-6.1',
    imageId: values.resourceId('ami'),
    instanceId,
    instanceState: 'running',
    instanceType: values.pick(['t3.medium', 'm5.large', 'c6i.xlarge', 'r6g.large']),
    launchTime: isoDate(sampleDate(values, values.int(0, 60))),
    networkInterfaces: [
      {
        ipv6Addresses: [],
        networkInterfaceId: values.resourceId('eni'),
        privateDnsName,
        privateIpAddress: privateIp,
        privateIpAddresses: [{ privateDnsName, privateIpAddress: privateIp }],
        publicDnsName: `ec2-${publicIp.replaceAll('.', '-')}.${dnsSuffix(scope.region, 'public')}`,
        publicIp,
        securityGroups: [securityGroup],
        subnetId,
        vpcId,
      },
    ],
    ...(options.windows ? { platform: 'windows' } : {}),
    productCodes: [],
    tags: tags(values, name),
  }
  return {
    details,
    name: instanceId,
    extra: { instanceId, privateIp, publicIp, vpcId, subnetId, securityGroup },
  }
}

/** Who holds an access key. */
export type KeyHolder =
  'IAMUser' | 'AssumedRole' | 'InstanceRole' | 'TaskRole' | 'FunctionRole' | 'Root' | 'RootSession'

/** Identity of an access key's holder. */
export interface KeyIdentity {
  readonly accessKeyId: string
  readonly principalId: string
  readonly userName: string
  readonly userType: string
}

/** `resource.accessKeyDetails` of a key held by a user, a role (session) or the root user. */
export function accessKeyDetails(
  scope: Scope,
  values: SampleValues,
  holder: KeyHolder,
  sessionName?: string,
): Built<KeyIdentity> {
  let identity: KeyIdentity
  switch (holder) {
    case 'IAMUser':
      identity = {
        accessKeyId: values.accessKeyId(false),
        principalId: values.principalId('user'),
        userName: values.pick(['john_doe', 'ci-deployer', 'data-engineer', 'ops-admin']),
        userType: 'IAMUser',
      }
      break
    case 'Root':
    case 'RootSession':
      identity = {
        accessKeyId: values.accessKeyId(holder === 'RootSession'),
        principalId: scope.accountId,
        userName: 'Root',
        userType: 'Root',
      }
      break
    default: {
      const roleName = {
        AssumedRole: values.pick(['AdminRole', 'DeveloperAccess', 'ReadOnlyAuditor']),
        InstanceRole: values.pick(['web-server-role', 'batch-worker-role']),
        TaskRole: values.pick(['orders-task-role', 'ingest-task-role']),
        FunctionRole: values.pick(['thumbnailer-role', 'webhook-handler-role']),
      }[holder]
      identity = {
        accessKeyId: values.accessKeyId(true),
        principalId: `${values.principalId('role')}:${sessionName ?? values.pick(['alice', 'deploy-session'])}`,
        userName: roleName,
        userType: 'AssumedRole',
      }
    }
  }
  return { details: { ...identity }, name: identity.userName, extra: identity }
}

/** The public-access stance of a sample bucket. */
export type BucketExposure = 'private' | 'public' | 'accountBlockOff' | 'bucketBlockOff'

/** One `resource.s3BucketDetails` entry. */
export function s3BucketDetail(
  scope: Scope,
  values: SampleValues,
  options: { readonly exposure?: BucketExposure; readonly objects?: readonly Wire[] } = {},
): Built<{ readonly arn: string }> {
  const exposure = options.exposure ?? 'private'
  const name = `${values.pick(['customer-exports', 'app-logs', 'nightly-backups', 'analytics-raw'])}-${scope.accountId}-${scope.region}`
  const arn = `arn:aws:s3:::${name}`
  const kms = values.int(0, 1) === 1
  const block = (on: boolean): Wire => ({
    ignorePublicAcls: on,
    restrictPublicBuckets: on,
    blockPublicAcls: on,
    blockPublicPolicy: on,
  })
  const details: Wire = {
    arn,
    name,
    type: 'Destination',
    createdAt: epochSeconds(sampleDate(values, -values.int(30, 400))),
    owner: { id: values.hex(64) },
    tags: tags(values),
    defaultServerSideEncryption: kms
      ? {
          encryptionType: 'aws:kms',
          kmsMasterKeyArn: `arn:aws:kms:${scope.region}:${scope.accountId}:key/${values.uuid()}`,
        }
      : { encryptionType: 'AES256' },
    publicAccess: {
      permissionConfiguration: {
        bucketLevelPermissions: {
          accessControlList: {
            allowsPublicReadAccess: exposure === 'public',
            allowsPublicWriteAccess: false,
          },
          bucketPolicy: {
            allowsPublicReadAccess: exposure === 'public',
            allowsPublicWriteAccess: false,
          },
          blockPublicAccess: block(exposure === 'private' || exposure === 'accountBlockOff'),
        },
        accountLevelPermissions: {
          blockPublicAccess: block(exposure === 'private' || exposure === 'bucketBlockOff'),
        },
      },
      effectivePermission: exposure === 'public' ? 'PUBLIC' : 'NOT_PUBLIC',
    },
    ...(options.objects ? { s3ObjectDetails: options.objects } : {}),
  }
  return { details, name, extra: { arn } }
}

/** One `s3ObjectDetails` entry of an object in `bucketArn`. */
export function s3ObjectDetail(values: SampleValues, bucketArn: string, key: string): Wire {
  return {
    objectArn: `${bucketArn}/${key}`,
    key,
    eTag: values.hex(32),
    hash: values.sha256(),
    versionId: values.alnum(32),
  }
}

/** `resource.eksClusterDetails`. */
export function eksClusterDetails(scope: Scope, values: SampleValues): Built {
  const name = `${values.pick(['prod', 'shared', 'data'])}-eks-${values.alnum(4)}`
  return {
    details: {
      name,
      arn: `arn:aws:eks:${scope.region}:${scope.accountId}:cluster/${name}`,
      vpcId: values.resourceId('vpc'),
      status: 'ACTIVE',
      tags: tags(values),
      createdAt: epochSeconds(sampleDate(values, -values.int(30, 300))),
    },
    name,
    extra: {},
  }
}

/** A container of a workload (`Container`). */
export function container(
  values: SampleValues,
  options: {
    readonly name?: string
    readonly image?: string
    readonly privileged?: boolean
    readonly mounts?: readonly { readonly name: string; readonly mountPath: string }[]
    readonly runtime?: string
  } = {},
): Wire {
  const image =
    options.image ??
    values.pick(['public.ecr.aws/nginx/nginx:1.27', 'public.ecr.aws/docker/library/python:3.12'])
  return {
    containerRuntime: options.runtime ?? 'containerd',
    id: values.hex(64),
    name: options.name ?? values.pick(['app', 'web', 'worker', 'sidecar']),
    image,
    imagePrefix: image.slice(0, image.indexOf('/')),
    volumeMounts: options.mounts ?? [],
    securityContext: {
      privileged: options.privileged ?? false,
      allowPrivilegeEscalation: options.privileged ?? false,
    },
  }
}

/** A Kubernetes user as the audit log names it. */
export interface KubernetesUser {
  readonly username: string
  readonly uid?: string
  readonly groups: readonly string[]
  readonly sessionName?: readonly string[]
}

/** An authenticated IAM-mapped Kubernetes user, or `system:anonymous`. */
export function kubernetesUser(
  scope: Scope,
  values: SampleValues,
  anonymous = false,
): KubernetesUser {
  if (anonymous) return { username: 'system:anonymous', groups: ['system:unauthenticated'] }
  const session = values.pick(['alice', 'bob', 'ci-runner'])
  return {
    username: `arn:aws:sts::${scope.accountId}:assumed-role/EKSDeveloper/${session}`,
    uid: `aws-iam-authenticator:${scope.accountId}:${values.principalId('role')}`,
    groups: ['system:authenticated', 'developers'],
    sessionName: [session],
  }
}

/** A workload of a Kubernetes finding. */
export interface Workload {
  readonly name: string
  readonly type: string
  readonly namespace: string
  readonly containers: readonly Wire[]
  readonly volumes?: readonly Wire[]
  readonly hostNetwork?: boolean
  readonly serviceAccountName?: string
}

/** `resource.kubernetesDetails`: the user and the workload, each when there is one. */
export function kubernetesDetails(
  values: SampleValues,
  user: KubernetesUser | undefined,
  workload?: Workload,
): Wire {
  return {
    ...(user
      ? {
          kubernetesUserDetails: {
            username: user.username,
            ...(user.uid ? { uid: user.uid } : {}),
            groups: [...user.groups],
            ...(user.sessionName ? { sessionName: [...user.sessionName] } : {}),
          },
        }
      : {}),
    ...(workload
      ? {
          kubernetesWorkloadDetails: {
            name: workload.name,
            type: workload.type,
            uid: values.uuid(),
            namespace: workload.namespace,
            hostNetwork: workload.hostNetwork ?? false,
            containers: [...workload.containers],
            volumes: [...(workload.volumes ?? [])],
            serviceAccountName: workload.serviceAccountName ?? 'default',
            hostIPC: false,
            hostPID: false,
          },
        }
      : {}),
  }
}

/** `resource.ecsClusterDetails` with one running task of the given containers. */
export function ecsClusterDetails(
  scope: Scope,
  values: SampleValues,
  containers: readonly Wire[],
): Built {
  const name = `${values.pick(['orders', 'ingest', 'web'])}-cluster`
  const family = `${name.replace('-cluster', '')}-task`
  const revision = values.int(3, 40)
  const created = sampleDate(values, values.int(0, 20))
  return {
    details: {
      name,
      arn: `arn:aws:ecs:${scope.region}:${scope.accountId}:cluster/${name}`,
      status: 'ACTIVE',
      activeServicesCount: values.int(1, 6),
      registeredContainerInstancesCount: values.int(0, 4),
      runningTasksCount: values.int(2, 12),
      tags: tags(values),
      taskDetails: {
        arn: `arn:aws:ecs:${scope.region}:${scope.accountId}:task/${name}/${values.hex(32)}`,
        definitionArn: `arn:aws:ecs:${scope.region}:${scope.accountId}:task-definition/${family}:${revision}`,
        version: String(revision),
        createdAt: epochSeconds(created),
        startedAt: epochSeconds(new Date(created.getTime() + 20_000)),
        startedBy: `ecs-svc/${values.int(1_000_000_000, 1_999_999_999)}`,
        tags: [],
        volumes: [],
        containers: [...containers],
        group: `service:${family}`,
        launchType: values.pick(['FARGATE', 'EC2']),
      },
    },
    name,
    extra: {},
  }
}

/** `resource.lambdaDetails`. */
export function lambdaDetails(scope: Scope, values: SampleValues): Built {
  const name = values.pick(['thumbnailer', 'webhook-handler', 'report-builder'])
  const vpcId = values.resourceId('vpc')
  return {
    details: {
      functionArn: `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`,
      functionName: name,
      description: `The ${name} function.`,
      lastModifiedAt: epochSeconds(sampleDate(values, values.int(0, 40))),
      revisionId: values.uuid(),
      functionVersion: '$LATEST',
      role: `arn:aws:iam::${scope.accountId}:role/service-role/${name}-role`,
      vpcConfig: {
        subnetIds: [values.resourceId('subnet'), values.resourceId('subnet')],
        vpcId,
        securityGroups: [{ groupId: values.resourceId('sg'), groupName: `${name}-sg` }],
      },
      tags: tags(values),
    },
    name,
    extra: {},
  }
}

/** `resource.rdsDbInstanceDetails` of an Aurora instance. */
export function rdsDbInstanceDetails(scope: Scope, values: SampleValues): Built {
  const postgres = values.int(0, 1) === 1
  const cluster = `${values.pick(['orders', 'customers', 'ledger'])}-db`
  const id = `${cluster}-instance-${values.int(1, 3)}`
  return {
    details: {
      dbInstanceIdentifier: id,
      engine: postgres ? 'aurora-postgresql' : 'aurora-mysql',
      engineVersion: postgres ? '16.4' : '8.0.mysql_aurora.3.08.0',
      dbClusterIdentifier: cluster,
      dbInstanceArn: `arn:aws:rds:${scope.region}:${scope.accountId}:db:${id}`,
      tags: tags(values),
    },
    name: id,
    extra: {},
  }
}

/** `resource.rdsDbUserDetails` of the user a login used. */
export function rdsDbUserDetails(values: SampleValues, user: string): Wire {
  return {
    user,
    application: values.pick(['psql', 'mysql', 'DBeaver']),
    database: values.pick(['orders', 'app', 'postgres']),
    ssl: 'ssl-on',
    authMethod: 'PASSWORD',
  }
}

/** `resource.ebsVolumeDetails` with one scanned volume (and its snapshot, when given). */
export function ebsVolumeDetails(
  scope: Scope,
  values: SampleValues,
  snapshotArn = `arn:aws:ec2:${scope.region}:${scope.accountId}:snapshot/${values.resourceId('snap')}`,
): Wire {
  return {
    scannedVolumeDetails: [
      {
        volumeArn: `arn:aws:ec2:${scope.region}:${scope.accountId}:volume/${values.resourceId('vol')}`,
        volumeType: 'gp3',
        deviceName: '/dev/xvda',
        volumeSizeInGB: values.pick([8, 20, 50, 100]),
        encryptionType: 'CMK',
        snapshotArn,
        kmsKeyArn: `arn:aws:kms:${scope.region}:${scope.accountId}:key/${values.uuid()}`,
      },
    ],
    skippedVolumeDetails: [],
  }
}
