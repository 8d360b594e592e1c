/**
 * Sample findings of EKS Protection (Kubernetes audit logs): the EKS cluster, the Kubernetes user (an
 * IAM-mapped user, or `system:anonymous` for anonymous-access types) and, when the request creates or
 * targets one, the workload; the `KUBERNETES_API_CALL` the technique implies (reading secrets, listing pods,
 * exec into a pod, deploying a privileged or host-mounting workload, binding roles, exposing a dashboard,
 * ...) with permission-check, role and role-binding details where the model has them.
 */
import {
  anomalyDetection,
  kubernetesApiCallAction,
  userAgent,
  type KubernetesCall,
  type KubernetesExtras,
} from './sample-actions.js'
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
  container,
  eksClusterDetails,
  kubernetesDetails,
  kubernetesUser,
  type Workload,
} from './sample-resources.js'
import { remoteIpDetails, type SampleValues } from './sample-values.js'

/** The request of a technique, without who sent it from where. */
type Request = Omit<KubernetesCall, 'sourceIp' | 'remote' | 'userAgent'>

interface Scenario {
  readonly request: Request
  readonly workload?: Workload
  readonly extras?: KubernetesExtras
}

function podName(values: SampleValues, app: string): string {
  return `${app}-${values.alnum(10)}-${values.alnum(5)}`
}

function workloadCreated(
  values: SampleValues,
  kind: 'Pod' | 'Deployment',
  options: { readonly privileged?: boolean; readonly hostPath?: string } = {},
): Scenario {
  const name = values.pick(['metrics-agent', 'debug-tools', 'log-shipper'])
  const resource = kind === 'Pod' ? 'pods' : 'deployments'
  const base = kind === 'Pod' ? '/api/v1' : '/apis/apps/v1'
  const mounts = options.hostPath ? [{ name: 'host-root', mountPath: '/host' }] : []
  const volumes = options.hostPath
    ? [{ name: 'host-root', hostPath: { path: options.hostPath } }]
    : []
  const image = options.privileged
    ? 'public.ecr.aws/docker/library/alpine:3.20'
    : 'public.ecr.aws/docker/library/busybox:1.36'
  const podSpec = {
    containers: [
      {
        name,
        image,
        ...(options.privileged ? { securityContext: { privileged: true } } : {}),
        ...(options.hostPath ? { volumeMounts: mounts } : {}),
      },
    ],
    ...(options.hostPath ? { volumes } : {}),
  }
  return {
    request: {
      verb: 'create',
      requestUri: `${base}/namespaces/default/${resource}`,
      resource,
      namespace: 'default',
      resourceName: name,
      statusCode: 201,
      parameters: {
        kind,
        metadata: { name, namespace: 'default' },
        spec: kind === 'Pod' ? podSpec : { replicas: 1, template: { spec: podSpec } },
      },
    },
    workload: {
      name,
      type: kind === 'Pod' ? 'pods' : 'deployments',
      namespace: 'default',
      containers: [
        container(values, {
          name,
          image,
          mounts,
          ...(options.privileged ? { privileged: true } : {}),
        }),
      ],
      volumes,
    },
  }
}

function execInPod(values: SampleValues, namespace: string, app: string): Scenario {
  const pod = podName(values, app)
  return {
    request: {
      verb: 'create',
      requestUri: `/api/v1/namespaces/${namespace}/pods/${pod}/exec?command=sh&container=${app}&stdin=true&stdout=true&tty=true`,
      resource: 'pods',
      subresource: 'exec',
      namespace,
      resourceName: pod,
      statusCode: 101,
    },
    workload: { name: pod, type: 'pods', namespace, containers: [container(values)] },
  }
}

function roleBinding(
  values: SampleValues,
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  roleRefName: string,
  subject: Wire,
): Scenario {
  const name = `${values.pick(['ops', 'tmp', 'support'])}-${roleRefName}-binding`
  const cluster = kind === 'ClusterRoleBinding'
  const resource = cluster ? 'clusterrolebindings' : 'rolebindings'
  const namespace = cluster ? undefined : 'kube-system'
  return {
    request: {
      verb: 'create',
      requestUri: `/apis/rbac.authorization.k8s.io/v1/${namespace ? `namespaces/${namespace}/` : ''}${resource}`,
      resource,
      ...(namespace ? { namespace } : {}),
      resourceName: name,
      statusCode: 201,
      parameters: {
        kind,
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleRefName },
        subjects: [subject],
      },
    },
    extras: {
      roleBinding: { kind, name, uid: values.uuid(), roleRefName, roleRefKind: 'ClusterRole' },
    },
  }
}

function exposedService(values: SampleValues, namespace: string, name: string): Scenario {
  return {
    request: {
      verb: 'create',
      requestUri: `/api/v1/namespaces/${namespace}/services`,
      resource: 'services',
      namespace,
      resourceName: name,
      statusCode: 201,
      parameters: {
        kind: 'Service',
        metadata: { name, namespace },
        spec: {
          type: 'LoadBalancer',
          ports: [{ port: 443, targetPort: values.pick([8443, 9090]) }],
        },
      },
    },
  }
}

/** What requests of each tactic look like when only the caller is the finding. */
function tacticRequest(values: SampleValues, purpose: string): Scenario {
  switch (purpose) {
    case 'CredentialAccess': {
      const name = values.pick(['db-credentials', 'registry-token', 'api-keys'])
      return {
        request: {
          verb: 'get',
          requestUri: `/api/v1/namespaces/kube-system/secrets/${name}`,
          resource: 'secrets',
          namespace: 'kube-system',
          resourceName: name,
          statusCode: 200,
        },
      }
    }
    case 'DefenseEvasion':
      return {
        request: {
          verb: 'deletecollection',
          requestUri: '/api/v1/namespaces/default/events',
          resource: 'events',
          namespace: 'default',
          statusCode: 200,
        },
      }
    case 'Discovery':
      return {
        request: { verb: 'list', requestUri: '/api/v1/pods', resource: 'pods', statusCode: 200 },
      }
    case 'Impact': {
      const name = values.pick(['payments-api', 'storefront', 'orders-worker'])
      return {
        request: {
          verb: 'delete',
          requestUri: `/apis/apps/v1/namespaces/default/deployments/${name}`,
          resource: 'deployments',
          namespace: 'default',
          resourceName: name,
          statusCode: 200,
        },
      }
    }
    default: {
      const name = values.pick(['cache-cleanup', 'node-report'])
      return {
        request: {
          verb: 'create',
          requestUri: '/apis/batch/v1/namespaces/kube-system/cronjobs',
          resource: 'cronjobs',
          namespace: 'kube-system',
          resourceName: name,
          statusCode: 201,
          parameters: {
            kind: 'CronJob',
            metadata: { name, namespace: 'kube-system' },
            spec: { schedule: '*/5 * * * *' },
          },
        },
        workload: {
          name,
          type: 'cronjobs',
          namespace: 'kube-system',
          containers: [container(values, { image: 'public.ecr.aws/docker/library/alpine:3.20' })],
        },
      }
    }
  }
}

function scenario(values: SampleValues, type: string): Scenario {
  const { purpose, technique } = typeName(type)
  switch (technique) {
    case 'AnomalousBehavior.PermissionChecked':
      return {
        request: {
          verb: 'create',
          requestUri: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
          resource: 'selfsubjectaccessreviews',
          statusCode: 201,
          parameters: {
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { verb: 'create', resource: 'clusterrolebindings' } },
          },
        },
        extras: {
          permissionChecked: {
            verb: 'create',
            resource: 'clusterrolebindings',
            namespace: 'kube-system',
            allowed: true,
          },
        },
      }
    case 'AnomalousBehavior.ExecInPod':
      return execInPod(values, 'default', 'web')
    case 'ExecInKubeSystemPod':
      return execInPod(values, 'kube-system', 'aws-node')
    case 'AnomalousBehavior.WorkloadDeployed':
      return workloadCreated(values, 'Deployment')
    case 'AnomalousBehavior.WorkloadDeployed!ContainerWithSensitiveMount':
      return workloadCreated(values, 'Deployment', { hostPath: '/' })
    case 'ContainerWithSensitiveMount':
      return workloadCreated(values, 'Pod', { hostPath: '/etc' })
    case 'AnomalousBehavior.WorkloadDeployed!PrivilegedContainer':
      return workloadCreated(values, 'Deployment', { privileged: true })
    case 'PrivilegedContainer':
      return workloadCreated(values, 'Pod', { privileged: true })
    case 'AdminAccessToDefaultServiceAccount':
      return roleBinding(values, 'ClusterRoleBinding', 'cluster-admin', {
        kind: 'ServiceAccount',
        name: 'default',
        namespace: 'default',
      })
    case 'AnonymousAccessGranted':
      return roleBinding(values, 'ClusterRoleBinding', 'view', {
        kind: 'User',
        name: 'system:anonymous',
        apiGroup: 'rbac.authorization.k8s.io',
      })
    case 'AnomalousBehavior.RoleBindingCreated':
      return roleBinding(values, 'RoleBinding', 'edit', {
        kind: 'User',
        name: values.pick(['contractor', 'temp-admin']),
        apiGroup: 'rbac.authorization.k8s.io',
      })
    case 'AnomalousBehavior.RoleCreated': {
      const name = values.pick(['power-user', 'all-access'])
      return {
        request: {
          verb: 'create',
          requestUri: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
          resource: 'clusterroles',
          resourceName: name,
          statusCode: 201,
          parameters: {
            kind: 'ClusterRole',
            metadata: { name },
            rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
          },
        },
        extras: { role: { kind: 'ClusterRole', name, uid: values.uuid() } },
      }
    }
    case 'ExposedDashboard':
      return exposedService(values, 'kubernetes-dashboard', 'kubernetes-dashboard')
    case 'KubeflowDashboardExposed':
      return exposedService(values, 'kubeflow', 'centraldashboard')
    default:
      return tacticRequest(values, purpose)
  }
}

/** An EKS Protection finding. */
export function kubernetesSample({ entry, scope, values }: SampleInput): SampleParts {
  const { technique } = typeName(entry.type)
  const caller = callerKind(technique)
  const cluster = eksClusterDetails(scope, values)
  const user = kubernetesUser(scope, values, technique === 'SuccessfulAnonymousAccess')
  const { request, workload, extras } = scenario(values, entry.type)
  const remote = remoteIpDetails(values)
  const evidence =
    caller === 'malicious'
      ? { evidence: threatEvidence('Amazon', 'MaliciousHost') }
      : caller === 'custom'
        ? { evidence: threatEvidence(SAMPLE_THREAT_LIST, 'SampleThreatListEntry') }
        : {}
  return {
    resource: {
      resourceType: 'EKSCluster',
      eksClusterDetails: cluster.details,
      kubernetesDetails: kubernetesDetails(values, user, workload),
    },
    service: {
      action: kubernetesApiCallAction(
        {
          ...request,
          sourceIp: remote.ipAddressV4 as string,
          remote,
          userAgent: userAgent(values, 'kubectl'),
        },
        extras,
      ),
      ...evidence,
      ...(technique.startsWith('AnomalousBehavior')
        ? { detection: anomalyDetection({ VERB_RESOURCE: `${request.verb} ${request.resource}` }) }
        : {}),
    },
    resourceRole: 'TARGET',
    subject: `EKS cluster ${cluster.name}`,
  }
}
