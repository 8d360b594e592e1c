/**
 * The outputs end to end with the AWS CLI as the client: sample findings of every type created with
 * `aws guardduty create-sample-findings` reach a webhook receiver on loopback as GuardDuty Finding
 * events and an S3-compatible server (s3rver) through a publishing destination, in AWS's formats.
 * Skipped when no `aws` command is on the PATH.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { loadConfig } from '../../src/config/config.js'
import { parseOutputsConfig } from '../../src/outputs/outputs-config.js'
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js'
import { startTestServer, type TestServer } from '../helpers/vigil-server.js'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js'

const hasCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0
const skip = hasCli ? false : 'no aws command on the PATH'

let s3: S3TestServer
let hook: WebhookReceiver
let server: TestServer
const home = mkdtempSync(join(tmpdir(), 'vigil-cli-home-'))

before(async () => {
  if (!hasCli) return
  s3 = await startS3Server(['soc-findings'])
  hook = await startWebhookReceiver()
  const { s3: s3Config } = loadConfig({
    VIGIL_S3_ENDPOINT: s3.endpoint,
    VIGIL_S3_ACCESS_KEY_ID: s3.accessKeyId,
    VIGIL_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  })
  assert.ok(s3Config)
  server = await startTestServer({
    s3: s3Config,
    outputs: parseOutputsConfig({ webhooks: [{ name: 'soc', url: hook.url }], pollMs: 20 }),
  })
  await new Promise((r) => setTimeout(r, 200)) // the sink takes its starting cursor
})
after(async () => {
  if (!hasCli) return
  await server.close()
  await hook.close()
  await s3.close()
})

function aws(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', [...args, '--endpoint-url', server.url, '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        AWS_ACCESS_KEY_ID: '950000000009',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('close', (status) =>
      status === 0
        ? resolve((out.trim() ? JSON.parse(out) : {}) as Record<string, unknown>)
        : reject(new Error(`aws ${args.join(' ')}: ${err}`)),
    )
  })
}

test(
  'every sample finding reaches the webhook and the S3-compatible destination',
  { skip },
  async () => {
    const detectorId = (await aws(['guardduty', 'create-detector', '--enable']))
      .DetectorId as string
    await aws([
      'guardduty',
      'create-publishing-destination',
      '--detector-id',
      detectorId,
      '--destination-type',
      'S3',
      '--destination-properties',
      'DestinationArn=arn:aws:s3:::soc-findings/guardduty,KmsKeyArn=arn:aws:kms:us-east-1:950000000009:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    ])
    await aws(['guardduty', 'create-sample-findings', '--detector-id', detectorId])
    const ids: string[] = []
    let token: string | undefined
    do {
      const page = await aws([
        'guardduty',
        'list-findings',
        '--detector-id',
        detectorId,
        '--max-results',
        '50',
        '--no-paginate',
        ...(token ? ['--next-token', token] : []),
      ])
      ids.push(...(page.FindingIds as string[]))
      token = page.NextToken as string | undefined
    } while (token)
    assert.ok(ids.length >= 200)

    const posts = await hook.waitForOk(ids.length, 60_000)
    assert.deepEqual(posts.map((p) => (p.json.detail as { id: string }).id).sort(), [...ids].sort())
    assert.ok(posts.every((p) => p.json['detail-type'] === 'GuardDuty Finding'))

    await server.publishing.tick()
    const exported: string[] = []
    for await (const o of server.objectStore.listObjects(
      'soc-findings',
      'guardduty/AWSLogs/950000000009/GuardDuty/us-east-1/',
    )) {
      const body = await server.objectStore.getObject({ bucket: 'soc-findings', key: o.key })
      for (const line of gunzipSync(body ?? new Uint8Array())
        .toString()
        .trim()
        .split('\n'))
        exported.push((JSON.parse(line) as { id: string }).id)
    }
    assert.deepEqual(exported.sort(), [...ids].sort())
  },
)
