/**
 * The default object store: a directory holding one folder per bucket (`<root>/<bucket>/<key>`). Keys
 * map to relative paths; a key that would leave its bucket's folder (`..` segments, absolute paths) is
 * treated as absent on read and refused on write. Write options (content type, KMS key) have no
 * meaning on a local disk and are ignored.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { dirname, join, normalize, relative, sep } from 'node:path'
import {
  isBucketName,
  type ObjectLocation,
  type ObjectStore,
  type ObjectSummary,
} from './object-store.js'

export class LocalDirectoryStore implements ObjectStore {
  /** @param root the directory holding the bucket folders */
  constructor(readonly root: string) {}

  #path({ bucket, key }: ObjectLocation): string | undefined {
    if (!isBucketName(bucket)) return undefined
    const base = join(this.root, bucket)
    const full = normalize(join(base, key))
    return full.startsWith(base + sep) ? full : undefined
  }

  async getObject(location: ObjectLocation): Promise<Uint8Array | undefined> {
    const path = this.#path(location)
    if (!path) return undefined
    try {
      return await readFile(path)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined
      throw error
    }
  }

  async putObject(location: ObjectLocation, body: Uint8Array | string): Promise<void> {
    const path = this.#path(location)
    if (!path) throw new Error(`invalid object location s3://${location.bucket}/${location.key}`)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, body)
  }

  async bucketExists(bucket: string): Promise<boolean> {
    if (!isBucketName(bucket)) return false
    try {
      return (await stat(join(this.root, bucket))).isDirectory()
    } catch {
      return false
    }
  }

  async *listObjects(bucket: string, prefix: string): AsyncIterable<ObjectSummary> {
    if (!(await this.bucketExists(bucket))) return
    const base = join(this.root, bucket)
    const files: string[] = []
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name)
        if (entry.isDirectory()) await walk(full)
        else if (entry.isFile()) files.push(relative(base, full).split(sep).join('/'))
      }
    }
    await walk(base)
    for (const key of files.filter((k) => k.startsWith(prefix)).sort()) {
      const info = await stat(join(base, key))
      yield { key, size: info.size, lastModifiedMs: info.mtimeMs }
    }
  }
}
