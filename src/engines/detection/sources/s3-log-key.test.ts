import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseS3LogKey } from './s3-log-key.js'

test('CloudTrail keys, with a bucket prefix and an organization id', () => {
  assert.deepEqual(
    parseS3LogKey(
      'trails/AWSLogs/o-exampleorgid/111122223333/CloudTrail/us-east-1/2024/05/01/111122223333_CloudTrail_us-east-1_20240501T1005Z_AbCdEf0123456789.json.gz',
    ),
    {
      source: 'cloudtrail',
      service: 'CloudTrail',
      account: '111122223333',
      region: 'us-east-1',
      date: '2024-05-01',
      organizationId: 'o-exampleorgid',
      fileTime: '2024-05-01T10:05Z',
      prefix: 'trails',
      fileName: '111122223333_CloudTrail_us-east-1_20240501T1005Z_AbCdEf0123456789.json.gz',
    },
  )
  const plain = parseS3LogKey(
    's3://bucket/AWSLogs/111122223333/CloudTrail-Insight/eu-west-1/2024/12/31/111122223333_CloudTrail-Insight_eu-west-1_20241231T2355Z_x.json.gz',
  )
  assert.equal(plain?.service, 'CloudTrail-Insight')
  assert.equal(plain?.region, 'eu-west-1')
  assert.equal(plain?.prefix, undefined)
  assert.equal(
    parseS3LogKey('AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/a.json.gz'),
    undefined,
  )
  assert.equal(
    parseS3LogKey('AWSLogs/111122223333/CloudTrail/us-east-1/2024/13/01/a.json.gz'),
    undefined,
  )
})

test('VPC flow log keys: plain, hourly, Hive-style, bare file name', () => {
  const file = '123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20220929T1440Z_0001.log.gz'
  assert.deepEqual(
    parseS3LogKey(`flows/AWSLogs/123456789012/vpcflowlogs/us-east-1/2022/09/29/${file}`),
    {
      source: 'vpc-flow',
      service: 'vpcflowlogs',
      account: '123456789012',
      region: 'us-east-1',
      date: '2022-09-29',
      flowLogId: 'fl-0123456789abcdef0',
      fileTime: '2022-09-29T14:40Z',
      prefix: 'flows',
      fileName: file,
    },
  )
  assert.equal(
    parseS3LogKey(`AWSLogs/123456789012/vpcflowlogs/us-east-1/2022/09/29/14/${file}`)?.hour,
    '14',
  )
  const hive = parseS3LogKey(
    `AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-southeast-2/year=2022/month=09/day=29/hour=15/${file}`,
  )
  assert.equal(hive?.account, '123456789012')
  assert.equal(hive?.region, 'ap-southeast-2')
  assert.equal(hive?.date, '2022-09-29')
  assert.equal(hive?.hour, '15')
  assert.deepEqual(parseS3LogKey(file), {
    source: 'vpc-flow',
    service: 'vpcflowlogs',
    account: '123456789012',
    region: 'us-east-1',
    date: '2022-09-29',
    fileTime: '2022-09-29T14:40Z',
    flowLogId: 'fl-0123456789abcdef0',
    fileName: file,
  })
})

test('Resolver query log keys and EKS audit export streams', () => {
  const dns = parseS3LogKey(
    'AWSLogs/111122223333/vpcdnsquerylogs/vpc-0abc123/2021/02/04/vpc-0abc123_vpcdnsquerylogs_111122223333_20210204T1750Z_9f8e7d6c.log.gz',
  )
  assert.equal(dns?.source, 'dns')
  assert.equal(dns?.vpcId, 'vpc-0abc123')
  assert.equal(dns?.account, '111122223333')
  assert.equal(dns?.date, '2021-02-04')
  assert.equal(dns?.region, undefined)
  const eks = parseS3LogKey('exports/0f1e2d/kube-apiserver-audit-abc123/000000.gz')
  assert.deepEqual(eks, { source: 'k8s-audit', service: 'eks-audit-export', fileName: '000000.gz' })
})

test('keys in no known layout give no hint', () => {
  for (const key of [
    '',
    'logs/app.log',
    'AWSLogs/123/CloudTrail/us-east-1/2024/05/01/x.json.gz',
    'AWSLogs/111122223333/elasticloadbalancing/us-east-1/2024/05/01/x.log.gz',
  ]) {
    assert.equal(parseS3LogKey(key), undefined, key)
  }
})
