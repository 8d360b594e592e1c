/**
 * The object store on an S3-compatible server (AWS S3, MinIO, Ceph, LocalStack, s3rver, …) through
 * `@aws-sdk/client-s3`: endpoint, region, credentials and path-style addressing come from the
 * configuration (`VIGIL_S3_*`). A missing bucket or key reads as undefined, as the port says; other
 * failures (access denied, network) are thrown.
 */
import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import type {
  ObjectLocation,
  ObjectStore,
  ObjectSummary,
  PutObjectOptions,
} from './object-store.js'

export interface S3ObjectStoreOptions {
  /** e.g. `http://127.0.0.1:9000`; undefined for AWS's own endpoints. */
  readonly endpoint?: string
  readonly region: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** `http://host/bucket/key` rather than `http://bucket.host/key` (default true). */
  readonly forcePathStyle?: boolean
}

const MISSING = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound'])

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (MISSING.has(error.name) || error.$metadata.httpStatusCode === 404)
  )
}

export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client

  constructor(options: S3ObjectStoreOptions) {
    this.#client = new S3Client({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      region: options.region,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      forcePathStyle: options.forcePathStyle ?? true,
    })
  }

  async getObject(location: ObjectLocation): Promise<Uint8Array | undefined> {
    try {
      const res = await this.#client.send(
        new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
      )
      return res.Body ? await res.Body.transformToByteArray() : new Uint8Array()
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async putObject(
    location: ObjectLocation,
    body: Uint8Array | string,
    options: PutObjectOptions = {},
  ): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: body,
        ...(options.contentType ? { ContentType: options.contentType } : {}),
        ...(options.kmsKeyArn
          ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: options.kmsKeyArn }
          : {}),
      }),
    )
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: bucket }))
      return true
    } catch (error) {
      if (isMissing(error)) return false
      throw error
    }
  }

  async *listObjects(bucket: string, prefix: string): AsyncIterable<ObjectSummary> {
    let token: string | undefined
    do {
      let page
      try {
        page = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        )
      } catch (error) {
        if (isMissing(error)) return
        throw error
      }
      for (const o of page.Contents ?? [])
        if (o.Key !== undefined)
          yield { key: o.Key, size: o.Size ?? 0, lastModifiedMs: o.LastModified?.getTime() ?? 0 }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  /** Closes the client's connections. */
  close(): void {
    this.#client.destroy()
  }
}
