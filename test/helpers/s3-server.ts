/**
 * An S3-compatible server (s3rver) on loopback for tests, in a child process. The child runs with
 * `--openssl-legacy-provider` because s3rver encrypts ListObjectsV2 continuation tokens with DES,
 * which OpenSSL 3 only offers through its legacy provider. Buckets are created at start.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface S3TestServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly endpoint: string
  /** s3rver's fixed credentials. */
  readonly accessKeyId: 'S3RVER'
  readonly secretAccessKey: 'S3RVER'
  close(): Promise<void>
}

const CHILD = `
const S3rver = require('s3rver')
const [directory, buckets] = process.argv.slice(1)
const server = new S3rver({
  address: '127.0.0.1', port: 0, silent: true, directory,
  configureBuckets: JSON.parse(buckets).map((name) => ({ name, configs: [] })),
})
server.run().then(({ port }) => process.stdout.write(String(port) + '\\n'))
process.on('SIGTERM', () => server.close().then(() => process.exit(0)))
`

/** Starts a server with these buckets; resolves once it listens. */
export function startS3Server(buckets: readonly string[]): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'vigil-s3rver-'))
  const child: ChildProcess = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-e', CHILD, directory, JSON.stringify(buckets)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${String(code)}`)))
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n')[0]
      if (!out.includes('\n') || !line) return
      child.removeAllListeners('exit')
      resolve({
        endpoint: `http://127.0.0.1:${line.trim()}`,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        close: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done())
            child.kill('SIGTERM')
          }),
      })
    })
  })
}
