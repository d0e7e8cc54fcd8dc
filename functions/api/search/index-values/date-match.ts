/**
 * Date prefix comparison of a search range with an indexed range.
 *
 * @see https://hl7.org/fhir/R4/search.html#prefix
 */
import type { DatePrefix, DateValue } from '../types.js';

const DAY_MS = 86_400_000;

interface Range {
  readonly low: number;
  readonly high: number;
}

/** An indexed range in epoch ms; an open side is ±infinity. */
export function toRange(value: DateValue): Range {
  return {
    low: value.low === undefined ? -Infinity : Date.parse(value.low),
    high: value.high === undefined ? Infinity : Date.parse(value.high),
  };
}

/** `ap`: the search range widened on each side by 10 % of that side's distance from now, at least one day. */
function widen(search: Range, now: number): Range {
  return {
    low: search.low - Math.max(DAY_MS, Math.abs(now - search.low) / 10),
    high: search.high + Math.max(DAY_MS, Math.abs(now - search.high) / 10),
  };
}

/**
 * Whether the target (indexed) range satisfies `prefix` against the search range, per the R4
 * prefix table, with search range [sl, sh] and target range [tl, th] (open sides infinite):
 *
 * | prefix | matches when |
 * |---|---|
 * | eq | the search range fully contains the target: sl ≤ tl and th ≤ sh |
 * | ne | not eq |
 * | gt | the range above the search value intersects the target: th > sh |
 * | lt | the range below the search value intersects the target: tl < sl |
 * | ge | gt or eq |
 * | le | lt or eq |
 * | sa | the target starts after the search range: tl > sh |
 * | eb | the target ends before the search range: th < sl |
 * | ap | the target intersects the search range widened by 10 % of its distance from `now` (≥ 1 day) on each side |
 *
 * @see https://hl7.org/fhir/R4/search.html#prefix
 */
export function matchesDate(prefix: DatePrefix, search: DateValue, target: DateValue, now: Date): boolean {
  const s = toRange(search);
  const t = toRange(target);
  const eq = s.low <= t.low && t.high <= s.high;
  switch (prefix) {
    case 'eq':
      return eq;
    case 'ne':
      return !eq;
    case 'gt':
      return t.high > s.high;
    case 'lt':
      return t.low < s.low;
    case 'ge':
      return t.high > s.high || eq;
    case 'le':
      return t.low < s.low || eq;
    case 'sa':
      return t.low > s.high;
    case 'eb':
      return t.high < s.low;
    case 'ap': {
      const w = widen(s, now.getTime());
      return t.low <= w.high && w.low <= t.high;
    }
  }
}
