/**
 * FHIR date and dateTime values as the instants a Consent period starts and ends. Dates have no
 * time zone, so a date-only (or year, or year-month) bound is read as a calendar day in the
 * county's time zone: a Consent valid "until 2026-12-31" is valid until midnight in Finland, not
 * in UTC. A dateTime carries its own offset and is converted exactly.
 *
 * @see https://hl7.org/fhir/R4/datatypes.html#date
 * @see https://hl7.org/fhir/R4/datatypes.html#dateTime
 */

/** The IANA time zone in which date-only values are read (Finland; EET/EEST with DST). */
export const COUNTY_TIME_ZONE = 'Europe/Helsinki';

const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

const FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: COUNTY_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Epoch ms of a UTC calendar time; works for years below 100, unlike `Date.UTC`. */
function utc(year: number, month: number, day = 1, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** How far the county's wall clock is ahead of UTC at `instant`, in ms. */
function countyOffset(instant: number): number {
  const part = (parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((entry) => entry.type === type)?.value);
  const parts = FORMAT.formatToParts(instant);
  const wall = utc(part(parts, 'year'), part(parts, 'month') - 1, part(parts, 'day'), part(parts, 'hour'), part(parts, 'minute'), part(parts, 'second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the county's wall clock shows `wall` (a UTC-encoded calendar time).
 * Two passes settle the offset on either side of a DST change; midnight in Finland never falls
 * in the skipped hour (clocks change at 03:00/04:00).
 */
function countyWallToInstant(wall: number): number {
  const guess = wall - countyOffset(wall);
  return wall - countyOffset(guess);
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (minutes > 59 || hours > 14 || (hours === 14 && minutes > 0)) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** The first and last millisecond a date or dateTime covers, as epoch ms. */
function bounds(text: string): { readonly first: number; readonly last: number } | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 0 : Number(mo) - 1;
  const day = d === undefined ? 1 : Number(d);
  const check = new Date(utc(year, month, day));
  if (year === 0 || month > 11 || check.getUTCMonth() !== month || check.getUTCDate() !== day) return undefined;
  if (h !== undefined) {
    // A time without an offset is not a FHIR dateTime: which instant it means cannot be known.
    const offset = zone === undefined ? undefined : zoneOffsetMinutes(zone);
    if (offset === undefined || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 60) return undefined;
    const ms = Number((fraction ?? '').slice(0, 3).padEnd(3, '0'));
    const instant = utc(year, month, day, Number(h), Number(mi), Number(s ?? 0), ms) - offset * 60_000;
    return { first: instant, last: instant };
  }
  const next = mo === undefined ? utc(year + 1, 0) : d === undefined ? utc(year, month + 1) : utc(year, month, day + 1);
  return { first: countyWallToInstant(utc(year, month, day)), last: countyWallToInstant(next) - 1 };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The instant a period starting at `text` starts, as a UTC ISO string with milliseconds: the
 * first millisecond of a year, month or day in {@link COUNTY_TIME_ZONE}, or a dateTime exactly
 * (seconds optional, an offset required).
 *
 * @returns undefined when `text` is not a FHIR date or dateTime.
 * @see https://hl7.org/fhir/R4/datatypes.html#Period
 */
export function periodStartInstant(text: string): string | undefined {
  const range = bounds(text);
  return range === undefined ? undefined : iso(range.first);
}

/**
 * The last instant of a period ending at `text`, as a UTC ISO string with milliseconds: the last
 * millisecond of a year, month or day in {@link COUNTY_TIME_ZONE} (a period end is inclusive), or
 * a dateTime exactly.
 *
 * @returns undefined when `text` is not a FHIR date or dateTime.
 * @see https://hl7.org/fhir/R4/datatypes.html#Period
 */
export function periodEndInstant(text: string): string | undefined {
  const range = bounds(text);
  return range === undefined ? undefined : iso(range.last);
}
