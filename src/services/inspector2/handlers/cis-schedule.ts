/**
 * CIS scan schedules as calendar arithmetic: when a `daily`, `weekly` or `monthly` schedule is due, in
 * the schedule's own IANA time zone (so "09:00 Europe/Paris" stays 09:00 local across daylight saving
 * changes). A `monthly` schedule names a weekday: it is due on the first such weekday of each month. A
 * local time that does not exist on a day (skipped by a daylight saving change) is taken one offset
 * later, as `Date` arithmetic does. `oneTime` schedules are never "due": their scan starts when the
 * configuration is written.
 */
import type * as i2 from '../generated/types.js'
import { invalidField } from '../inspector2-errors.js'

const DAY_MS = 24 * 60 * 60 * 1000
const WEEKDAYS: readonly i2.Day[] = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']
/** Calendar days looked at, at most, when catching up on missed due times. */
const MAX_DAYS_SCANNED = 4000

const formatters = new Map<string, Intl.DateTimeFormat>()

/** A formatter giving the wall-clock fields of an instant in `timeZone`; throws RangeError if unknown. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Whether `timeZone` is an IANA time zone name (or `UTC`) this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone)
    return true
  } catch {
    return false
  }
}

/** The schedule's start time, or undefined for `oneTime`. */
function startTimeOf(schedule: i2.Schedule): i2.Time | undefined {
  return schedule.daily?.startTime ?? schedule.weekly?.startTime ?? schedule.monthly?.startTime
}

/**
 * Checks what the model's constraints do not: the time zone is one the runtime knows.
 * @param field wire path of the schedule, for the error
 * @throws ValidationException for an unknown time zone
 */
export function checkSchedule(schedule: i2.Schedule, field: string): void {
  const start = startTimeOf(schedule)
  if (start && !isTimeZone(start.timezone)) {
    const kind = schedule.daily ? 'daily' : schedule.weekly ? 'weekly' : 'monthly'
    throw invalidField(
      `${field}.${kind}.startTime.timezone`,
      `${start.timezone} is not a valid IANA time zone.`,
    )
  }
}

/** Wall-clock fields (month 1-12) of the instant `ms` in `timeZone`. */
function wallClock(timeZone: string, ms: number) {
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(ms)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  }
}

/** Offset of `timeZone` from UTC at the instant `ms`, milliseconds (positive east of Greenwich). */
function offsetAt(timeZone: string, ms: number): number {
  const w = wallClock(timeZone, ms)
  const seconds = Math.floor(ms / 1000) * 1000
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - seconds
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local date and time.
 * @param month 1-12
 */
export function zonedTime(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute)
  const first = asUtc - offsetAt(timeZone, asUtc)
  return asUtc - offsetAt(timeZone, first)
}

/** Whether a recurring schedule runs on the local calendar date (UTC-normalised midnight `dateMs`). */
function runsOn(schedule: i2.Schedule, dateMs: number): boolean {
  const date = new Date(dateMs)
  const weekday = WEEKDAYS[date.getUTCDay()] as i2.Day
  if (schedule.daily) return true
  if (schedule.weekly) return schedule.weekly.days.includes(weekday)
  if (schedule.monthly) return schedule.monthly.day === weekday && date.getUTCDate() <= 7
  return false
}

/**
 * The due times of a recurring schedule in `(afterMs, untilMs]`, ascending, at most the latest `limit`.
 * Empty for `oneTime` and for a time zone the runtime does not know.
 */
export function dueTimes(
  schedule: i2.Schedule,
  afterMs: number,
  untilMs: number,
  limit: number,
): number[] {
  const start = startTimeOf(schedule)
  if (!start || untilMs <= afterMs || limit <= 0 || !isTimeZone(start.timezone)) return []
  const [hour = 0, minute = 0] = start.timeOfDay.split(':').map(Number)
  const tz = start.timezone
  const last = wallClock(tz, untilMs)
  const first = wallClock(tz, afterMs)
  // Local calendar dates as UTC midnights, walked backwards from the last one (one day of slack
  // on each side for offsets).
  const lastDate = Date.UTC(last.year, last.month - 1, last.day) + DAY_MS
  const firstDate = Math.max(
    Date.UTC(first.year, first.month - 1, first.day) - DAY_MS,
    lastDate - MAX_DAYS_SCANNED * DAY_MS,
  )
  const out: number[] = []
  for (let date = lastDate; date >= firstDate && out.length < limit; date -= DAY_MS) {
    if (!runsOn(schedule, date)) continue
    const d = new Date(date)
    const at = zonedTime(tz, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hour, minute)
    if (at > afterMs && at <= untilMs) out.push(at)
  }
  return out.reverse()
}
