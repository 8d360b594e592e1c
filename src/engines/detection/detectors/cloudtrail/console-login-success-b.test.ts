/**
 * UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B: successful console sign-ins of one user from
 * two places within the window (GeoIP countries when a lookup is supplied, else /16 networks);
 * failures, single places, sign-ins far apart and other users do not count.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import { cloudTrailRecord, runDetectors, TEST_SCOPE, infoOf } from '../../testing/harness.js'
import { CONSOLE_LOGIN_SUCCESS_B, consoleLoginSuccessB } from './console-login-success-b.js'

const BOB = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEBOB000001',
  arn: `arn:aws:iam::${TEST_SCOPE.accountId}:user/bob`,
  accountId: TEST_SCOPE.accountId,
  userName: 'bob',
}

const login = (
  ip: string,
  time: string,
  result = 'Success',
  identity: Record<string, unknown> = BOB,
) =>
  cloudTrailRecord({
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    eventType: 'AwsConsoleSignIn',
    eventTime: `2026-11-20T${time}Z`,
    sourceIPAddress: ip,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    userIdentity: identity,
    responseElements: { ConsoleLogin: result },
    additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com/console/home' },
  })

test('two networks within the hour raise; the finding lists both places', async () => {
  const run = await runDetectors(
    [consoleLoginSuccessB()],
    [
      login('203.0.113.10', '10:00:00'),
      login('203.0.113.99', '10:10:00'),
      login('198.51.100.4', '10:20:00'),
    ],
  )
  assert.equal(run.findings.length, 1)
  const [finding] = run.findings
  assert.equal(finding?.type, CONSOLE_LOGIN_SUCCESS_B)
  assert.equal(finding?.severity, 5)
  assert.deepEqual(infoOf(finding), {
    places: ['network:203.0/16', 'network:198.51/16'],
    sourceIps: ['203.0.113.10', '203.0.113.99', '198.51.100.4'],
    windowMinutes: 60,
    signIns: 3,
  })
  assert.deepEqual(finding?.resource, {
    resourceType: 'AccessKey',
    accessKeyDetails: { principalId: 'AIDAEXAMPLEBOB000001', userName: 'bob', userType: 'IAMUser' },
  })
})

test('with GeoIP, places are countries: two networks in one country do not raise', async () => {
  const geo: GeoIpLookup = {
    lookup: (ip) =>
      ip.startsWith('203.0.113.')
        ? { countryCode: 'FR', countryName: 'France', cityName: 'Paris' }
        : ip.startsWith('198.51.100.')
          ? { countryCode: 'FR', countryName: 'France' }
          : { countryCode: 'BR', countryName: 'Brazil', lat: -23.5, lon: -46.6 },
  }
  const sameCountry = await runDetectors(
    [consoleLoginSuccessB({ geoIp: geo })],
    [login('203.0.113.10', '10:00:00'), login('198.51.100.4', '10:05:00')],
  )
  assert.deepEqual(sameCountry.findings, [])
  const abroad = await runDetectors(
    [consoleLoginSuccessB({ geoIp: geo })],
    [login('203.0.113.10', '10:00:00'), login('192.0.2.44', '10:05:00')],
  )
  const action = abroad.findings[0]?.service.action as Record<string, Record<string, unknown>>
  assert.deepEqual(action.awsApiCallAction?.remoteIpDetails, {
    ipAddressV4: '192.0.2.44',
    country: { countryCode: 'BR', countryName: 'Brazil' },
    geoLocation: { lat: -23.5, lon: -46.6 },
  })
})

test('failures, sign-ins more than an hour apart and different users do not raise', async () => {
  const run = await runDetectors(
    [consoleLoginSuccessB()],
    [
      login('203.0.113.10', '10:00:00'),
      login('198.51.100.4', '10:05:00', 'Failure'),
      login('198.51.100.4', '11:30:00'),
      login('192.0.2.1', '11:31:00', 'Success', {
        ...BOB,
        principalId: 'AIDAEXAMPLECAROL0001',
        userName: 'carol',
      }),
    ],
  )
  assert.deepEqual(run.findings, [])
})
