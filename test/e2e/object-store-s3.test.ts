/**
 * Vigil with an S3-compatible server as its object store (`VIGIL_S3_*`): a threat list uploaded to
 * the server is read by CreateThreatIntelSet through the S3 API and feeds the matcher; a list in a
 * bucket that does not exist ends in status ERROR.
 */
import {
  CreateDetectorCommand,
  CreateThreatIntelSetCommand,
  GetThreatIntelSetCommand,
} from '@aws-sdk/client-guardduty'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { loadConfig } from '../../src/config/config.js'
import { S3ObjectStore } from '../../src/outputs/object-store/s3-object-store.js'
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js'
import { guardDutyClient, startTestServer, type TestServer } from '../helpers/vigil-server.js'

let s3: S3TestServer
let server: TestServer
before(async () => {
  s3 = await startS3Server(['intel'])
  const { s3: s3Config } = loadConfig({
    VIGIL_S3_ENDPOINT: s3.endpoint,
    VIGIL_S3_ACCESS_KEY_ID: s3.accessKeyId,
    VIGIL_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  })
  assert.ok(s3Config)
  server = await startTestServer({ s3: s3Config })
})
after(async () => {
  await server.close()
  await s3.close()
})

test('threat lists are read from the S3-compatible server', async () => {
  assert.ok(server.objectStore instanceof S3ObjectStore)
  const direct = new S3ObjectStore({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  })
  await direct.putObject(
    { bucket: 'intel', key: 'feeds/bad.txt' },
    '45.155.205.99\n103.75.190.0/24\n',
  )
  direct.close()
  const gd = guardDutyClient(server.url, { accessKeyId: '980000000001' })
  const detectorId = (await gd.send(new CreateDetectorCommand({ Enable: true }))).DetectorId ?? ''
  const { ThreatIntelSetId } = await gd.send(
    new CreateThreatIntelSetCommand({
      DetectorId: detectorId,
      Name: 'bad',
      Format: 'TXT',
      Location: 's3://intel/feeds/bad.txt',
      Activate: true,
    }),
  )
  const got = await gd.send(
    new GetThreatIntelSetCommand({ DetectorId: detectorId, ThreatIntelSetId }),
  )
  assert.equal(got.Status, 'ACTIVE')
  const matcher = await server.threatLists.matcher({
    accountId: '980000000001',
    region: 'us-east-1',
  })
  assert.deepEqual(
    matcher.matchIp('103.75.190.77').map((m) => m.name),
    ['bad'],
  )
  assert.deepEqual(matcher.matchIp('8.8.8.8'), [])
  const missing = await gd.send(
    new CreateThreatIntelSetCommand({
      DetectorId: detectorId,
      Name: 'missing',
      Format: 'TXT',
      Location: 's3://no-such-bucket/x.txt',
      Activate: true,
    }),
  )
  const failed = await gd.send(
    new GetThreatIntelSetCommand({
      DetectorId: detectorId,
      ThreatIntelSetId: missing.ThreatIntelSetId,
    }),
  )
  assert.equal(failed.Status, 'ERROR')
})
