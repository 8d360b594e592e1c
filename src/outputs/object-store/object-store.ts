/**
 * The object-store port: where Vigil reads threat lists and logs and writes exports. Locations are
 * S3-style (`s3://bucket/key` or an `https://…amazonaws.com/…` URL) whatever the backend; the default
 * backend is a local directory, `$VIGIL_DATA_DIR/s3/<bucket>/<key>`; with `VIGIL_S3_ENDPOINT` it is
 * an S3-compatible server (`s3-object-store.ts`).
 */

export interface ObjectLocation {
  readonly bucket: string
  readonly key: string
}

/** One object of a listing. */
export interface ObjectSummary {
  readonly key: string
  /** Bytes. */
  readonly size: number
  /** Last modification, epoch milliseconds. */
  readonly lastModifiedMs: number
}

export interface PutObjectOptions {
  readonly contentType?: string
  /** A KMS key ARN: the object is written with server-side encryption `aws:kms` under this key. */
  readonly kmsKeyArn?: string
}

export interface ObjectStore {
  /** The object's bytes, or undefined when the bucket or key does not exist. */
  getObject(location: ObjectLocation): Promise<Uint8Array | undefined>
  /** Writes an object, creating the bucket's folder if needed. */
  putObject(
    location: ObjectLocation,
    body: Uint8Array | string,
    options?: PutObjectOptions,
  ): Promise<void>
  bucketExists(bucket: string): Promise<boolean>
  /** The objects of `bucket` whose keys start with `prefix`, in key order (none for no bucket). */
  listObjects(bucket: string, prefix: string): AsyncIterable<ObjectSummary>
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/** Whether `name` is a valid S3 bucket name (3–63 lowercase letters, digits, dots, hyphens). */
export function isBucketName(name: string): boolean {
  return BUCKET.test(name) && !name.includes('..')
}

/**
 * Parses an object location in any form GuardDuty accepts: `s3://bucket/key`,
 * `https://s3.amazonaws.com/bucket/key`, `https://s3-<region>.amazonaws.com/bucket/key`,
 * `https://s3.<region>.amazonaws.com/bucket/key`, `https://bucket.s3.amazonaws.com/key`,
 * `https://bucket.s3[.-]<region>.amazonaws.com/key` (and `http://`).
 * @returns undefined when the text is none of these or names no key
 */
export function parseObjectLocation(location: string): ObjectLocation | undefined {
  let bucket: string
  let key: string
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(location)
  if (s3) {
    bucket = s3[1] as string
    key = s3[2] as string
  } else {
    let url: URL
    try {
      url = new URL(location)
    } catch {
      return undefined
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
    const host = url.hostname.toLowerCase()
    const path = url.pathname.replace(/^\//, '')
    const pathStyle = /^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.exec(host)
    const virtual = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.exec(host)
    if (pathStyle) {
      const slash = path.indexOf('/')
      if (slash < 1) return undefined
      bucket = path.slice(0, slash)
      key = path.slice(slash + 1)
    } else if (virtual) {
      bucket = virtual[1] as string
      key = path
    } else return undefined
    try {
      key = decodeURIComponent(key)
    } catch {
      return undefined
    }
  }
  if (!isBucketName(bucket) || key === '') return undefined
  return { bucket, key }
}
