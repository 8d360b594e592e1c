/**
 * What the detection pipeline may know about the log object being read, beyond its records: its
 * name (an S3 key or a file name), the hints that name carries (`parseS3LogKey`: source, account,
 * Region, flow log id, VPC) and, for Kubernetes audit logs, the cluster the events come from.
 * Records of some sources do not name their scope (a default-format flow log has no Region, an
 * audit event names no cluster or account), so attributions of those sources read this context.
 * This module owns the vocabulary and the holder the ingestion sets around each engine run; it
 * holds no parsing.
 */
import type { S3LogKeyHint } from './sources/index.js'

/** A Kubernetes cluster the operator declared (config `kubernetesClusters`). */
export interface KubernetesCluster {
  /** The cluster name (EKS cluster name). */
  readonly name: string
  /** The 12-digit account that owns the cluster. */
  readonly accountId: string
  /** Its Region (`us-east-1`). */
  readonly region: string
}

/** The object being read. */
export interface LogObjectContext {
  /** The object's S3 key or file name, as the caller gave it. */
  readonly name?: string
  /** What the name says (`parseS3LogKey`), when it follows an AWS delivery layout. */
  readonly keyHint?: S3LogKeyHint
  /** The cluster of a Kubernetes audit log (named by the caller or the only declared one). */
  readonly cluster?: KubernetesCluster
}

/**
 * The context of the object being read, set by the ingestion around each engine run (runs are
 * serialised, so there is one current object at a time).
 */
export class LogObjectContextHolder {
  #current: LogObjectContext | undefined

  /** The object being read, or undefined between runs. */
  get current(): LogObjectContext | undefined {
    return this.#current
  }

  /** Runs `work` with `context` as the current object. */
  async with<T>(context: LogObjectContext, work: () => Promise<T>): Promise<T> {
    this.#current = context
    try {
      return await work()
    } finally {
      this.#current = undefined
    }
  }
}
