/**
 * The default object store: a directory holding one folder per bucket (`<root>/<bucket>/<key>`). Keys
 * map to relative paths; a key that would leave its bucket's folder (`..` segments, absolute paths) is
 * treated as absent on read and refused on write.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { dirname, join, normalize, sep } from 'node:path'
import { isBucketName, type ObjectLocation, type ObjectStore } from './object-store.js'

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
}
