/**
 * Coverage from ingestion: the EC2 instances and EKS clusters whose activity Vigil analysed,
 * registered through GuardDuty's coverage port (`CoverageRegistry`, read back by ListCoverage and
 * GetCoverageStatistics). This module owns which records reveal a resource — an EC2 instance-role
 * session (`assumed-role/<role>/i-…`) or a successful `RunInstances` in CloudTrail, a flow log's
 * `instance-id`, a Resolver query's `srcids.instance`, the cluster of a Kubernetes audit log — and
 * how often a resource is written again (once per `refreshMs`, so that a busy instance is one
 * storage write an hour, not one per event).
 *
 * Coverage here means "its logs are analysed": resources are registered `HEALTHY`; GuardDuty's
 * Runtime Monitoring agent state does not exist in Vigil.
 */
import type { CoverageBody } from '../../../services/guardduty/domain/coverage.js'
import type { Scope } from '../../../storage/ports.js'
import type { KubernetesCluster } from '../object-context.js'
import type { LogEntry } from '../sources/index.js'

/** The coverage port (`CoverageRegistry` satisfies it). */
export interface CoverageSink {
  /** Records a covered resource of `scope`; false when the scope has no detector. */
  register(scope: Scope, resourceId: string, body: CoverageBody): Promise<boolean>
}

/** A resource seen in a record. */
export interface ObservedResource {
  readonly id: string
  readonly body: CoverageBody
}

const INSTANCE_SESSION = /:assumed-role\/[^/]+\/(i-[0-9a-zA-Z]{8,17})$/
const INSTANCE_ID = /^i-[0-9a-zA-Z]{8,17}$/

function instance(id: string): ObservedResource {
  return {
    id,
    body: {
      resourceType: 'EC2',
      coverageStatus: 'HEALTHY',
      details: { Ec2InstanceDetails: { InstanceId: id } },
    },
  }
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Instance ids of a `RunInstances` response (`instancesSet.items[].instanceId`). */
function launchedInstances(response: unknown): string[] {
  if (!isObject(response) || !isObject(response.instancesSet)) return []
  const items = response.instancesSet.items
  if (!Array.isArray(items)) return []
  const ids: string[] = []
  for (const item of items) {
    const id = isObject(item) ? item.instanceId : undefined
    if (typeof id === 'string' && INSTANCE_ID.test(id)) ids.push(id)
  }
  return ids
}

/**
 * The resources one record shows (usually none). `cluster` is the cluster of the object being read
 * (Kubernetes audit logs name none themselves).
 */
export function observedResources(
  entry: LogEntry,
  cluster: KubernetesCluster | undefined,
): ObservedResource[] {
  switch (entry.source) {
    case 'cloudtrail': {
      const record = entry.record
      const out: ObservedResource[] = []
      const session = INSTANCE_SESSION.exec(record.userIdentity?.arn ?? '')
      if (session?.[1] !== undefined && record.userIdentity?.type === 'AssumedRole') {
        out.push(instance(session[1]))
      }
      if (
        record.eventName === 'RunInstances' &&
        record.eventSource === 'ec2.amazonaws.com' &&
        record.errorCode === undefined
      ) {
        for (const id of launchedInstances(record.responseElements)) out.push(instance(id))
      }
      return out
    }
    case 'vpc-flow': {
      const id = entry.record.instanceId
      return id !== undefined && INSTANCE_ID.test(id) ? [instance(id)] : []
    }
    case 'dns': {
      const id = entry.record.srcids?.instance
      return id !== undefined && INSTANCE_ID.test(id) ? [instance(id)] : []
    }
    case 'k8s-audit':
      return cluster === undefined
        ? []
        : [
            {
              id: cluster.name,
              body: {
                resourceType: 'EKS',
                coverageStatus: 'HEALTHY',
                details: { EksClusterDetails: { ClusterName: cluster.name } },
              },
            },
          ]
  }
}

/** Registers observed resources, each at most once per `refreshMs`. */
export class CoverageTracker {
  readonly #registeredAt = new Map<string, number>()

  /**
   * @param now epoch-milliseconds clock
   * @param refreshMs how long a registration stays fresh, milliseconds (default 1 hour)
   * @param maxTracked resources remembered; past it the memory is cleared (default 100,000)
   */
  constructor(
    private readonly sink: CoverageSink,
    private readonly now: () => number,
    private readonly refreshMs = 3_600_000,
    private readonly maxTracked = 100_000,
  ) {}

  /** Registers the resources not registered within `refreshMs`; returns how many were written. */
  async register(
    resources: Iterable<{ scope: Scope; resource: ObservedResource }>,
  ): Promise<number> {
    let written = 0
    for (const { scope, resource } of resources) {
      const key = `${scope.accountId}\u0000${scope.region}\u0000${resource.id}`
      const at = this.#registeredAt.get(key)
      const now = this.now()
      if (at !== undefined && now - at < this.refreshMs) continue
      if (this.#registeredAt.size >= this.maxTracked) this.#registeredAt.clear()
      if (await this.sink.register(scope, resource.id, resource.body)) written++
      this.#registeredAt.set(key, now)
    }
    return written
  }
}
