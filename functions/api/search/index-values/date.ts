/**
 * FHIR date, dateTime, instant, Period and Timing values as the closed ranges of instants they
 * cover, for date search.
 *
 * @see https://hl7.org/fhir/R4/search.html#date
 * @see https://hl7.org/fhir/R4/datatypes.html#dateTime
 */
import type { DateValue } from '../types.js';
import type { PathNode } from './path.js';

/** A range with both ends known (a date or dateTime is never open). */
export interface ClosedRange {
  readonly low: string;
  readonly high: string;
}

const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Epoch ms of a UTC calendar time; works for years below 100, unlike `Date.UTC`. */
function utc(year: number, month: number, day = 1, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}

/**
 * The instants a date, dateTime or instant covers at its precision, as UTC ISO strings with
 * milliseconds: `2026` → `2026-01-01T00:00:00.000Z`..`2026-12-31T23:59:59.999Z`;
 * `2026-11-30T10:00:00+02:00` → `08:00:00.000Z`..`08:00:00.999Z`; fractions of a second narrow the
 * range to their last digit (`.5` → 500..599 ms; digits beyond milliseconds are truncated).
 * Minute precision (`T10:00`) is accepted for search values. A time without a zone, and a date
 * (which has none), are taken as UTC, so day boundaries are UTC midnight.
 *
 * @returns undefined when `text` is not a FHIR date/dateTime/instant or names no calendar day.
 * @see https://hl7.org/fhir/R4/search.html#date
 */
export function dateRange(text: string): ClosedRange | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 0 : Number(mo) - 1;
  const day = d === undefined ? 1 : Number(d);
  const check = new Date(utc(year, month, day));
  if (month > 11 || check.getUTCMonth() !== month || check.getUTCDate() !== day) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 60)) return undefined;

  let low: number;
  let next: number;
  if (mo === undefined) [low, next] = [utc(year, 0), utc(year + 1, 0)];
  else if (d === undefined) [low, next] = [utc(year, month), utc(year, month + 1)];
  else if (h === undefined) [low, next] = [utc(year, month, day), utc(year, month, day + 1)];
  else {
    const digits = fraction?.slice(0, 3) ?? '';
    const ms = Number(digits.padEnd(3, '0'));
    const width = s === undefined ? 60_000 : fraction === undefined ? 1000 : 10 ** (3 - digits.length);
    low = utc(year, month, day, Number(h), Number(mi), Number(s ?? 0), ms) - offsetMinutes(zone) * 60_000;
    next = low + width;
  }
  return { low: new Date(low).toISOString(), high: new Date(next - 1).toISOString() };
}

function periodRange(period: { start?: unknown; end?: unknown }): DateValue | undefined {
  const low = typeof period.start === 'string' ? dateRange(period.start)?.low : undefined;
  const high = typeof period.end === 'string' ? dateRange(period.end)?.high : undefined;
  if (low === undefined && high === undefined) return undefined;
  return { ...(low ? { low } : {}), ...(high ? { high } : {}) };
}

/** Timing: each `event`, and `repeat.boundsPeriod`; `boundsRange`/`boundsDuration` are relative and ignored. */
function timingRanges(timing: { event?: unknown; repeat?: { boundsPeriod?: unknown } }): DateValue[] {
  const events = Array.isArray(timing.event) ? timing.event : [];
  const ranges: (DateValue | undefined)[] = events.map((event) => (typeof event === 'string' ? dateRange(event) : undefined));
  const bounds = timing.repeat?.boundsPeriod;
  if (typeof bounds === 'object' && bounds !== null) ranges.push(periodRange(bounds));
  return ranges.filter((range): range is DateValue => range !== undefined);
}

const DATE_TYPES = new Set(['date', 'dateTime', 'instant', 'Period', 'Timing']);

/**
 * The date ranges of one node: a date/dateTime/instant string, a Period (an absent side stays
 * open) or a Timing. Choice values of other types (`scheduledString`) give none.
 */
export function toDateValues(node: PathNode): DateValue[] {
  if (node.type !== undefined && !DATE_TYPES.has(node.type)) return [];
  const { value } = node;
  if (typeof value === 'string') {
    const range = dateRange(value);
    return range ? [range] : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  if (node.type === 'Timing' || 'event' in value || 'repeat' in value) return timingRanges(value);
  const range = periodRange(value);
  return range ? [range] : [];
}
