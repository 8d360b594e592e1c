/**
 * A webhook receiver on loopback for tests: records every POST (headers and parsed body) and answers
 * with the status a test-chosen function gives (default 200).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedPost {
  readonly headers: IncomingHttpHeaders
  readonly text: string
  readonly json: Record<string, unknown>
}

export interface WebhookReceiver {
  readonly url: string
  readonly received: ReceivedPost[]
  /** Status to answer a post with (called per post, after it is recorded). */
  respond: (post: ReceivedPost, index: number) => number
  /** Resolves once `n` posts answered 2xx have arrived (rejects after `timeoutMs`). */
  waitForOk(n: number, timeoutMs?: number): Promise<ReceivedPost[]>
  close(): Promise<void>
}

export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const received: ReceivedPost[] = []
  const ok: ReceivedPost[] = []
  let waiters: (() => void)[] = []
  const receiver: WebhookReceiver = {
    url: '',
    received,
    respond: () => 200,
    waitForOk(n, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (ok.length >= n) {
            clearTimeout(timer)
            resolve(ok.slice())
            return true
          }
          return false
        }
        const timer = setTimeout(
          () => reject(new Error(`only ${ok.length} of ${n} posts arrived`)),
          timeoutMs,
        )
        const retry = (): void => {
          if (!check()) waiters.push(retry)
        }
        retry()
      })
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const server: Server = createServer((req, res) => {
    let text = ''
    req.on('data', (d: Buffer) => (text += d.toString()))
    req.on('end', () => {
      const post = { headers: req.headers, text, json: JSON.parse(text) as Record<string, unknown> }
      received.push(post)
      const status = receiver.respond(post, received.length - 1)
      if (status >= 200 && status < 300) ok.push(post)
      res.writeHead(status).end()
      const pending = waiters
      waiters = []
      for (const w of pending) w()
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const { port: bound } = server.address() as AddressInfo
  return Object.assign(receiver, { url: `http://127.0.0.1:${bound}/hook` })
}
