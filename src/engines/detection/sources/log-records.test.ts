/** The three JSON record checks: CloudTrail, Resolver query log, Kubernetes audit event. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { readCloudTrailRecord } from './cloudtrail-record.js'
import { readKubernetesAuditEvent } from './kubernetes-audit-event.js'
import { readResolverQueryRecord } from './resolver-query-record.js'

const TRAIL = {
  eventVersion: '1.08',
  eventTime: '2024-08-02T08:31:07Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'GetCallerIdentity',
  awsRegion: 'us-west-2',
  sourceIPAddress: '18.236.253.47',
  userIdentity: {
    type: 'AssumedRole',
    arn: 'arn:aws:sts::017622104382:assumed-role/role/i-786a3A8B5C0d92eF4',
    sessionContext: {
      attributes: { creationDate: '2024-08-02T08:20:52Z', mfaAuthenticated: 'false' },
      ec2RoleDelivery: '1.0',
    },
  },
  responseElements: null,
}

test('CloudTrail: a record is returned as is, unknown fields and nulls kept', () => {
  const record = readCloudTrailRecord(TRAIL)
  assert.equal(record, TRAIL)
  assert.ok(typeof record !== 'string')
  assert.equal(record.userIdentity?.sessionContext?.ec2RoleDelivery, '1.0')
})

test('CloudTrail: refusals name the field', () => {
  const cases: [unknown, string][] = [
    [[TRAIL], 'not a JSON object'],
    [null, 'not a JSON object'],
    [{ ...TRAIL, eventName: undefined }, 'field eventName is missing'],
    [{ ...TRAIL, awsRegion: null }, 'field awsRegion is missing'],
    [{ ...TRAIL, eventTime: 'soon' }, 'field eventTime is not a timestamp'],
    [{ ...TRAIL, eventVersion: 1.08 }, 'field eventVersion is a number, not a string'],
    [{ ...TRAIL, managementEvent: 'true' }, 'field managementEvent is a string, not a boolean'],
    [{ ...TRAIL, requestParameters: [] }, 'field requestParameters is an array, not an object'],
    [
      { ...TRAIL, resources: [{ ARN: 'a' }, 'b'] },
      'field resources holds a value that is not an object',
    ],
    [{ ...TRAIL, userIdentity: { type: 7 } }, 'field userIdentity.type is a number, not a string'],
    [
      { ...TRAIL, userIdentity: { sessionContext: { ec2RoleDelivery: 1 } } },
      'field userIdentity.sessionContext.ec2RoleDelivery is a number, not a string',
    ],
  ]
  for (const [value, reason] of cases) assert.equal(readCloudTrailRecord(value), reason, reason)
})

test('Resolver query log record: checks and refusals', () => {
  const query = {
    query_timestamp: '2021-02-04T17:51:55Z',
    query_name: 'example.com.',
    answers: [{ Rdata: '169.254.169.254', Type: 'A', Class: 'IN' }],
    srcids: { instance: 'i-1' },
  }
  assert.equal(readResolverQueryRecord(query), query)
  assert.equal(
    readResolverQueryRecord({ ...query, query_name: undefined }),
    'field query_name is missing',
  )
  assert.equal(
    readResolverQueryRecord({ ...query, query_timestamp: '17:51' }),
    'field query_timestamp is not a timestamp',
  )
  assert.equal(
    readResolverQueryRecord({ ...query, answers: ['x'] }),
    'field answers holds a value that is not an object',
  )
  assert.equal(
    readResolverQueryRecord({ ...query, srcids: { instance: 1 } }),
    'field srcids.instance is a number, not a string',
  )
})

test('Kubernetes audit event: v1, v1beta1, no apiVersion; refusals', () => {
  const event = {
    kind: 'Event',
    auditID: 'x',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods/p/exec',
    verb: 'create',
    user: { username: 'u', groups: ['g'] },
    annotations: { 'authorization.k8s.io/decision': 'allow' },
    responseStatus: { code: 101 },
  }
  for (const apiVersion of [undefined, 'audit.k8s.io/v1', 'audit.k8s.io/v1beta1']) {
    const value = { ...event, apiVersion }
    assert.equal(readKubernetesAuditEvent(value), value)
  }
  const cases: [unknown, string][] = [
    [{ kind: 0 }, 'field kind is 0, not "Event"'],
    [{ apiVersion: 'audit.k8s.io/v1' }, 'field kind is missing'],
    [{ ...event, kind: 'EventList' }, 'field kind is "EventList", not "Event"'],
    [{ ...event, verb: undefined }, 'field verb is missing'],
    [{ ...event, user: 'admin' }, 'field user is a string, not an object'],
    [{ ...event, user: { groups: 'g' } }, 'field user.groups is a string, not an array of strings'],
    [{ ...event, sourceIPs: [1] }, 'field sourceIPs holds a value that is not a string'],
    [{ ...event, annotations: { a: 1 } }, 'annotation a is not a string'],
    [{ ...event, responseStatus: { code: '200' } }, 'field responseStatus.code is not a number'],
    [
      { ...event, objectRef: { namespace: 5 } },
      'field objectRef.namespace is a number, not a string',
    ],
  ]
  for (const [value, reason] of cases) assert.equal(readKubernetesAuditEvent(value), reason, reason)
})
