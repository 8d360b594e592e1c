/**
 * Which EKS cluster — and so which account and Region — Kubernetes audit events belong to. Audit
 * events name neither the cluster nor the account, so the operator declares the clusters Vigil
 * reads logs of (config `kubernetesClusters`, `KubernetesCluster` in `object-context.ts`); the
 * ingestion names the cluster of the object it reads (`LogObjectContext.cluster`), else the
 * default cluster is used (the one marked default, else the only one declared). This module owns
 * that port, `KubernetesClusters`, the optional details findings show about a cluster
 * (`KubernetesClusterDetails`: ARN, VPC, status, tags), an in-memory implementation and the
 * reading of its JSON form:
 *
 * ```json
 * {"clusters": [{"name": "prod", "accountId": "111122223333", "region": "us-east-1",
 *   "arn": "arn:aws:eks:…", "vpcId": "vpc-…", "default": true, "tags": {"team": "web"}}]}
 * ```
 *
 * (`aws eks describe-cluster` output, `{"cluster": {name, arn, …}}`, is accepted too: the account
 * and Region come from the ARN.) `arn` defaults to `arn:aws:eks:<region>:<account>:cluster/<name>`.
 */
import { readFile } from 'node:fs/promises'
import type { KubernetesCluster } from '../object-context.js'

/** A declared cluster with the details findings show when the operator gives them. */
export interface KubernetesClusterDetails extends KubernetesCluster {
  /** The cluster ARN; derived from name, account and Region when not configured. */
  readonly arn?: string
  readonly vpcId?: string
  /** `ACTIVE` unless configured. */
  readonly status?: string
  /** Creation time, epoch **seconds**. */
  readonly createdAt?: number
  readonly tags?: Readonly<Record<string, string>>
}

/** The port: the cluster of a run. */
export interface KubernetesClusters {
  /**
   * The cluster named `name`; with no name, the default cluster (the one marked default, else the
   * only one configured). Undefined when there is none.
   */
  cluster(name?: string): KubernetesClusterDetails | undefined
}

/** The ARN of a cluster (configured, else derived). */
export function clusterArn(cluster: KubernetesClusterDetails): string {
  return cluster.arn ?? `arn:aws:eks:${cluster.region}:${cluster.accountId}:cluster/${cluster.name}`
}

type Json = Readonly<Record<string, unknown>>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

const ACCOUNT = /^\d{12}$/
const CLUSTER_ARN = /^arn:aws[a-z-]*:eks:([a-z0-9-]+):(\d{12}):cluster\/(.+)$/

/** A cluster from one configuration entry or `describe-cluster`'s `cluster`; throws when unusable. */
function readCluster(entry: Json): { cluster: KubernetesClusterDetails; isDefault: boolean } {
  const arn = text(entry.arn)
  const fromArn = arn === undefined ? null : CLUSTER_ARN.exec(arn)
  const name = text(entry.name) ?? fromArn?.[3]
  const accountId = text(entry.accountId) ?? fromArn?.[2]
  const region = text(entry.region) ?? fromArn?.[1]
  if (name === undefined) throw new TypeError('kubernetes clusters: a cluster has no name')
  if (accountId === undefined || !ACCOUNT.test(accountId)) {
    throw new TypeError(`kubernetes clusters: cluster ${name} needs a 12-digit accountId (or arn)`)
  }
  if (region === undefined) {
    throw new TypeError(`kubernetes clusters: cluster ${name} needs a region (or arn)`)
  }
  const resources = isObject(entry.resourcesVpcConfig) ? entry.resourcesVpcConfig : {}
  const vpcId = text(entry.vpcId) ?? text(resources.vpcId)
  const status = text(entry.status)
  const created = entry.createdAt
  const createdAt =
    typeof created === 'number'
      ? created
      : typeof created === 'string' && !Number.isNaN(Date.parse(created))
        ? Math.floor(Date.parse(created) / 1000)
        : undefined
  const tags: Record<string, string> = {}
  if (isObject(entry.tags)) {
    for (const [key, value] of Object.entries(entry.tags)) {
      if (typeof value === 'string') tags[key] = value
    }
  }
  return {
    cluster: {
      name,
      accountId,
      region,
      ...(arn !== undefined ? { arn } : {}),
      ...(vpcId !== undefined ? { vpcId } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(createdAt !== undefined ? { createdAt } : {}),
      ...(Object.keys(tags).length > 0 ? { tags } : {}),
    },
    isDefault: entry.default === true,
  }
}

/** Clusters held in memory. */
export class StaticKubernetesClusters implements KubernetesClusters {
  readonly #byName = new Map<string, KubernetesClusterDetails>()
  #default: KubernetesClusterDetails | undefined

  /** @param clusters the clusters (config `kubernetesClusters`); `defaultName` names the default */
  constructor(clusters: Iterable<KubernetesClusterDetails> = [], defaultName?: string) {
    for (const cluster of clusters) this.add(cluster, cluster.name === defaultName)
  }

  /** Number of clusters. */
  get size(): number {
    return this.#byName.size
  }

  /** Adds (or replaces) a cluster; `isDefault` makes it the default. */
  add(cluster: KubernetesClusterDetails, isDefault = false): void {
    this.#byName.set(cluster.name, cluster)
    if (isDefault) this.#default = cluster
  }

  cluster(name?: string): KubernetesClusterDetails | undefined {
    if (name !== undefined) return this.#byName.get(name)
    if (this.#default !== undefined) return this.#default
    if (this.#byName.size !== 1) return undefined
    return this.#byName.values().next().value
  }

  /**
   * Reads the configuration (see the module comment): `{"clusters": [...]}`, a JSON array of
   * clusters, or `describe-cluster` output. Returns how many clusters were read.
   * @throws TypeError when the value is none of these or a cluster lacks its account or Region
   */
  load(value: unknown): number {
    const entries: unknown[] = Array.isArray(value)
      ? value
      : isObject(value) && Array.isArray(value.clusters)
        ? value.clusters
        : isObject(value) && isObject(value.cluster)
          ? [value.cluster]
          : []
    if (entries.length === 0 && !(isObject(value) && Array.isArray(value.clusters))) {
      throw new TypeError(
        'kubernetes clusters: expected {"clusters": [...]} or describe-cluster output',
      )
    }
    for (const entry of entries) {
      if (!isObject(entry)) throw new TypeError('kubernetes clusters: a cluster is not an object')
      const { cluster, isDefault } = readCluster(entry)
      this.add(cluster, isDefault)
    }
    return entries.length
  }

  /** Reads a JSON file and `load`s it. */
  async loadFile(path: string): Promise<number> {
    return this.load(JSON.parse(await readFile(path, 'utf8')) as unknown)
  }
}
