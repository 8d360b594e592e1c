/** CIS schedule due times: local wall-clock times across daylight saving, weekdays, months, limits. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkSchedule, dueTimes, isTimeZone, zonedTime } from './cis-schedule.js'

const iso = (ms: readonly number[]) => ms.map((m) => new Date(m).toISOString())

test('zonedTime converts a local wall-clock time, daylight saving included', () => {
  assert.equal(
    new Date(zonedTime('Europe/Paris', 2026, 1, 15, 9, 0)).toISOString(),
    '2026-01-15T08:00:00.000Z',
  )
  assert.equal(
    new Date(zonedTime('Europe/Paris', 2026, 7, 15, 9, 0)).toISOString(),
    '2026-07-15T07:00:00.000Z',
  )
  assert.equal(
    new Date(zonedTime('America/New_York', 2026, 12, 31, 23, 30)).toISOString(),
    '2027-01-01T04:30:00.000Z',
  )
})

test('a daily schedule is due at the same local time on each side of a DST change', () => {
  const daily = { daily: { startTime: { timeOfDay: '09:00', timezone: 'Europe/Paris' } } }
  assert.deepEqual(
    iso(dueTimes(daily, Date.UTC(2026, 2, 27, 0), Date.UTC(2026, 2, 31, 7, 0), 100)),
    [
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
    ],
  )
  // The interval is (after, until]: a due time equal to `after` is not repeated.
  assert.deepEqual(
    iso(dueTimes(daily, Date.UTC(2026, 2, 31, 7, 0), Date.UTC(2026, 3, 1, 6, 59), 100)),
    [],
  )
})

test('weekly schedules run on their days; monthly ones on the first such weekday', () => {
  const weekly = {
    weekly: {
      startTime: { timeOfDay: '6:05', timezone: 'UTC' },
      days: ['MON' as const, 'FRI' as const],
    },
  }
  // 2026-06-01 is a Monday.
  assert.deepEqual(iso(dueTimes(weekly, Date.UTC(2026, 5, 1), Date.UTC(2026, 5, 9), 100)), [
    '2026-06-01T06:05:00.000Z',
    '2026-06-05T06:05:00.000Z',
    '2026-06-08T06:05:00.000Z',
  ])
  const monthly = {
    monthly: { startTime: { timeOfDay: '00:00', timezone: 'UTC' }, day: 'MON' as const },
  }
  assert.deepEqual(iso(dueTimes(monthly, Date.UTC(2026, 0, 1), Date.UTC(2026, 3, 30), 100)), [
    '2026-01-05T00:00:00.000Z',
    '2026-02-02T00:00:00.000Z',
    '2026-03-02T00:00:00.000Z',
    '2026-04-06T00:00:00.000Z',
  ])
})

test('only the latest `limit` due times are returned; one-time schedules are never due', () => {
  const daily = { daily: { startTime: { timeOfDay: '12:00', timezone: 'UTC' } } }
  assert.deepEqual(iso(dueTimes(daily, Date.UTC(2020, 0, 1), Date.UTC(2026, 0, 10, 13), 2)), [
    '2026-01-09T12:00:00.000Z',
    '2026-01-10T12:00:00.000Z',
  ])
  assert.deepEqual(dueTimes({ oneTime: {} }, 0, Date.UTC(2030, 0, 1), 100), [])
})

test('unknown time zones are refused', () => {
  assert.equal(isTimeZone('Europe/Paris'), true)
  assert.equal(isTimeZone('Mars/Olympus'), false)
  assert.throws(
    () =>
      checkSchedule(
        { daily: { startTime: { timeOfDay: '12:00', timezone: 'Mars/Olympus' } } },
        'schedule',
      ),
    (e: Error & { members?: { fields?: { name: string }[] } }) =>
      e.name === 'ValidationException' &&
      e.members?.fields?.[0]?.name === 'schedule.daily.startTime.timezone',
  )
})
