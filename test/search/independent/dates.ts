/**
 * Date search semantics of FHIR R4 (https://hl7.org/fhir/R4/search.html#date), written
 * independently of the production search engine.
 *
 * Every date-like value is an implicit range given by its precision: `2026` is the whole year,
 * `2026-03` the whole month, `2026-03-05T10:00Z` one minute, and so on. Ranges are half-open
 * `[low, high)` in epoch milliseconds. A value without a time zone is read as UTC.
 */

/** A half-open range `[low, high)` in epoch ms; `-Infinity`/`Infinity` for an open end. */
export interface DateRange {
  low: number;
  high: number;
}

/** The comparison prefixes implemented here (`ap` is deliberately not). */
export type DatePrefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb';

const DATE_PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Minutes east of UTC for `Z`, `+02:00`, `-05:30`; 0 when absent. */
function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}

/** The implicit range of a FHIR date, dateTime or instant (also accepts minute precision). */
export function precisionRange(value: string): DateRange {
  const match = DATE_PATTERN.exec(value);
  if (!match) throw new Error(`not a FHIR date/dateTime: ${value}`);
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  if (mo === undefined) return { low: Date.UTC(year, 0, 1), high: Date.UTC(year + 1, 0, 1) };
  const month = Number(mo) - 1;
  if (d === undefined) return { low: Date.UTC(year, month, 1), high: Date.UTC(year, month + 1, 1) };
  const day = Number(d);
  if (h === undefined) return { low: Date.UTC(year, month, day), high: Date.UTC(year, month, day + 1) };
  const milliseconds = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const low = Date.UTC(year, month, day, Number(h), Number(mi), Number(s ?? 0), milliseconds) - zoneOffsetMinutes(zone) * 60_000;
  const width = s === undefined ? 60_000 : fraction === undefined ? 1_000 : 10 ** Math.max(0, 3 - fraction.length);
  return { low, high: low + width };
}

/** Period: from the start of `start` to the end of `end` (inclusive end); a missing end is open. */
export function periodRange(period: { start?: string; end?: string }): DateRange | undefined {
  if (period.start === undefined && period.end === undefined) return undefined;
  return {
    low: period.start === undefined ? -Infinity : precisionRange(period.start).low,
    high: period.end === undefined ? Infinity : precisionRange(period.end).high,
  };
}

/**
 * Timing: "the specified scheduling details are ignored and only the outer limits matter" —
 * the range spans the earliest to the latest of `event` and `repeat.boundsPeriod`.
 */
export function timingRange(timing: { event?: string[]; repeat?: { boundsPeriod?: { start?: string; end?: string } } }): DateRange | undefined {
  const parts: DateRange[] = (timing.event ?? []).map(precisionRange);
  const bounds = timing.repeat?.boundsPeriod ? periodRange(timing.repeat.boundsPeriod) : undefined;
  if (bounds) parts.push(bounds);
  if (parts.length === 0) return undefined;
  return { low: Math.min(...parts.map((p) => p.low)), high: Math.max(...parts.map((p) => p.high)) };
}

/** Splits `ge2026-01` into prefix and value; no prefix means `eq`; `ap` is rejected. */
export function parseDateSearchValue(raw: string): { prefix: DatePrefix; range: DateRange } {
  const match = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.+)$/.exec(raw);
  if (!match) throw new Error(`empty date search value`);
  if (match[1] === 'ap') throw new Error('the ap prefix is not implemented by the independent evaluator');
  return { prefix: (match[1] ?? 'eq') as DatePrefix, range: precisionRange(match[2]!) };
}

const contains = (outer: DateRange, inner: DateRange) => outer.low <= inner.low && inner.high <= outer.high;

/**
 * Whether a target range satisfies `prefix` against the search range, worded as in R4:
 * - eq: the search range fully contains the target range; ne: it does not.
 * - gt / lt: the range above / below the search range overlaps the target range.
 * - ge / le: as gt / lt, or as eq.
 * - sa / eb: the target does not overlap the search range and lies entirely above / below it.
 */
export function dateMatches(prefix: DatePrefix, search: DateRange, target: DateRange): boolean {
  switch (prefix) {
    case 'eq':
      return contains(search, target);
    case 'ne':
      return !contains(search, target);
    case 'gt':
      return target.high > search.high;
    case 'lt':
      return target.low < search.low;
    case 'ge':
      return target.high > search.high || contains(search, target);
    case 'le':
      return target.low < search.low || contains(search, target);
    case 'sa':
      return target.low >= search.high;
    case 'eb':
      return target.high <= search.low;
  }
}
