/**
 * Where log objects to ingest come from: a local file, a local directory (walked recursively, in
 * name order) or an object-store prefix (`s3://bucket/prefix`). This module owns parsing those
 * locations, the ledger key of each object (`s3://bucket/key`; `file://` + the absolute path, as a
 * file URL), and which names a walk passes over because they are not logs: hidden files, licence
 * and read-me files (`LICENSE*`, `NOTICE*`, `README*`, `COPYING*`, `CHANGELOG*`, `*.md`) and
 * CloudTrail digest files (`CloudTrail-Digest`).
 */
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import type { ObjectStore } from '../../../outputs/object-store/object-store.js'
import { isBucketName } from '../../../outputs/object-store/object-store.js'

/** One object to ingest. */
export interface LogObjectRef {
  /** Its ledger key: `s3://bucket/key` or `file:///absolute/path`. */
  readonly location: string
  /** Its name for messages and key hints: the S3 key, or the file path as given. */
  readonly name: string
  /** Bytes as stored. */
  readonly size: number
  /** Last modification, epoch milliseconds. */
  readonly lastModifiedMs: number
  /** Its content (a stream for files, the bytes for objects). */
  open(): Promise<Readable | Uint8Array>
}

/** A parsed ingestion location. */
export type IngestLocation =
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string }
  | { readonly kind: 'file'; readonly path: string }

/** The location is not a path nor an `s3://bucket/prefix`. */
export class IngestLocationError extends Error {
  override readonly name = 'IngestLocationError'
}

/**
 * Reads `s3://bucket[/prefix]`, `file:///path` or a plain path (relative to the working directory).
 * @throws IngestLocationError for an `s3://` location with an invalid bucket name
 */
export function parseIngestLocation(text: string): IngestLocation {
  const s3 = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(text)
  if (s3 !== null) {
    const bucket = s3[1] ?? ''
    if (!isBucketName(bucket)) {
      throw new IngestLocationError(`${text}: '${bucket}' is not a valid S3 bucket name`)
    }
    return { kind: 's3', bucket, prefix: s3[2] ?? '' }
  }
  if (text.startsWith('file://')) return { kind: 'file', path: new URL(text).pathname }
  return { kind: 'file', path: resolve(text) }
}

/** The ledger key of a local file. */
export function fileLocation(path: string): string {
  return pathToFileURL(resolve(path)).href
}

const NOT_LOGS = /^(?:\.|(?:LICENSE|NOTICE|README|COPYING|CHANGELOG)(?:[.\-_].*)?$)|\.md$/i

/** Whether a walk passes over this object name or path (see the module comment). */
export function isIgnoredName(path: string): boolean {
  return NOT_LOGS.test(basename(path)) || /(?:^|\/)CloudTrail-Digest\//.test(path)
}

/** A local file as an object. `name` is how messages name it (default: the path). */
export async function fileObject(path: string, name = path): Promise<LogObjectRef> {
  const info = await stat(path)
  return {
    location: fileLocation(path),
    name,
    size: info.size,
    lastModifiedMs: Math.trunc(info.mtimeMs),
    open: () => Promise.resolve(createReadStream(path)),
  }
}

/**
 * The files under `root` (recursively, in name order; symbolic links to directories are not
 * followed), or `root` itself when it is a file. Names `isIgnoredName` passes over are skipped in
 * directories, never when `root` names the file.
 * @param display how messages name a file (default: its path)
 * @throws the file system's error when `root` does not exist
 */
export async function* walkFiles(
  root: string,
  display: (path: string) => string = (path) => path,
): AsyncGenerator<LogObjectRef> {
  const info = await stat(root)
  if (!info.isDirectory()) {
    yield await fileObject(root, display(root))
    return
  }
  const entries = await readdir(root, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    const path = join(root, entry.name)
    if (isIgnoredName(path)) continue
    if (entry.isDirectory()) yield* walkFiles(path, display)
    else if (entry.isFile()) yield await fileObject(path, display(path))
    else if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined)
      if (target?.isFile() === true) yield await fileObject(path, display(path))
    }
  }
}

/** The objects under `s3://bucket/prefix` in key order, without the ignored names. */
export async function* listStoreObjects(
  store: ObjectStore,
  bucket: string,
  prefix: string,
): AsyncGenerator<LogObjectRef> {
  for await (const summary of store.listObjects(bucket, prefix)) {
    if (summary.key.endsWith('/') || isIgnoredName(summary.key)) continue
    const location = { bucket, key: summary.key }
    yield {
      location: `s3://${bucket}/${summary.key}`,
      name: summary.key,
      size: summary.size,
      lastModifiedMs: Math.trunc(summary.lastModifiedMs),
      open: async () => {
        const bytes = await store.getObject(location)
        if (bytes === undefined) throw new Error(`s3://${bucket}/${summary.key} no longer exists`)
        return bytes
      },
    }
  }
}
