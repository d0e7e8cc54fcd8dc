/**
 * A FHIR date search value as the closed range of instants its precision covers.
 *
 * @see https://hl7.org/fhir/R4/search.html#date
 * @see https://hl7.org/fhir/R4/datatypes.html#dateTime
 */

/** `YYYY[-MM[-DD[Thh:mm[:ss[.S+]][zone]]]]`; the time may stop at minutes, as search allows. */
const DATE_VALUE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

const MINUTE_MS = 60_000;

/** Epoch milliseconds of a UTC calendar time; `setUTCFullYear` keeps years below 100 literal. */
function utc(year: number, monthIndex: number, day: number, hours = 0, minutes = 0, seconds = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hours, minutes, seconds, ms);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month, 0)).getUTCDate();
}

/** Minutes east of UTC for `Z` / `±hh:mm` (absent = UTC); undefined when out of range. */
function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** [low, high] epoch ms of the fractional-second precision: `.5` covers .500–.599. */
function fractionRange(fraction: string): [number, number] {
  const digits = fraction.slice(0, 3);
  return [Number(digits.padEnd(3, '0')), Number(digits.padEnd(3, '9'))];
}

/**
 * Parses a FHIR date search value (without prefix) into the instants its precision covers,
 * as UTC ISO strings with milliseconds: `2026-02` is `2026-02-01T00:00:00.000Z` …
 * `2026-02-28T23:59:59.999Z`, `2026-02-01T10:00` the whole minute.
 *
 * A time without a zone is taken as UTC (the spec leaves it to the server). Seconds `60`
 * (leap seconds) and impossible calendar dates are rejected; so is year `0000`, as in R4's regex.
 * Fractions beyond milliseconds are truncated.
 *
 * @returns undefined when `raw` is not a valid date, dateTime or instant.
 * @see https://hl7.org/fhir/R4/search.html#date
 */
export function parseDateRange(raw: string): { low: string; high: string } | undefined {
  const match = DATE_VALUE.exec(raw);
  if (!match) return undefined;
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction, zone] = match;
  const year = Number(yearText);
  const month = Number(monthText ?? '1');
  const day = Number(dayText ?? '1');
  const hours = Number(hourText ?? '0');
  const minutes = Number(minuteText ?? '0');
  const seconds = Number(secondText ?? '0');
  const offset = offsetMinutes(zone);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hours > 23 || minutes > 59 || seconds > 59 || offset === undefined) return undefined;

  const [lowMs, highMs] = fraction === undefined ? [0, 999] : fractionRange(fraction);
  const low = utc(year, month - 1, day, hours, minutes, seconds, lowMs);
  let high: number;
  if (monthText === undefined) high = utc(year + 1, 0, 1) - 1;
  else if (dayText === undefined) high = utc(year, month, 1) - 1;
  else if (hourText === undefined) high = utc(year, month - 1, day + 1) - 1;
  else if (secondText === undefined) high = low + MINUTE_MS - 1;
  else high = utc(year, month - 1, day, hours, minutes, seconds, highMs);

  const shift = offset * MINUTE_MS;
  return { low: new Date(low - shift).toISOString(), high: new Date(high - shift).toISOString() };
}
