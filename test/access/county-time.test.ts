import { describe, expect, it } from 'vitest';
import { periodEndInstant, periodStartInstant } from '../../functions/api/access/index.js';

describe('period bounds in Europe/Helsinki', () => {
  it.each([
    ['a winter day (UTC+2)', '2026-12-01', '2026-11-30T22:00:00.000Z', '2026-12-01T21:59:59.999Z'],
    ['a summer day (UTC+3)', '2026-07-15', '2026-07-14T21:00:00.000Z', '2026-07-15T20:59:59.999Z'],
    ['the spring DST change day (23 hours)', '2026-03-29', '2026-03-28T22:00:00.000Z', '2026-03-29T20:59:59.999Z'],
    ['the autumn DST change day (25 hours)', '2026-10-25', '2026-10-24T21:00:00.000Z', '2026-10-25T21:59:59.999Z'],
    ['a month', '2026-12', '2026-11-30T22:00:00.000Z', '2026-12-31T21:59:59.999Z'],
    ['a month spanning the spring change', '2026-03', '2026-02-28T22:00:00.000Z', '2026-03-31T20:59:59.999Z'],
    ['a year', '2026', '2025-12-31T22:00:00.000Z', '2026-12-31T21:59:59.999Z'],
    ['a leap day', '2028-02-29', '2028-02-28T22:00:00.000Z', '2028-02-29T21:59:59.999Z'],
  ])('reads %s as a calendar day in Finland', (_name, text, start, end) => {
    expect(periodStartInstant(text)).toBe(start);
    expect(periodEndInstant(text)).toBe(end);
  });

  it.each([
    ['with an offset and seconds', '2026-12-01T10:00:00+02:00', '2026-12-01T08:00:00.000Z'],
    ['without seconds', '2026-12-01T10:00+02:00', '2026-12-01T08:00:00.000Z'],
    ['in UTC', '2026-12-01T23:30:00Z', '2026-12-01T23:30:00.000Z'],
    ['with a negative offset', '2026-12-01T20:00:00-05:00', '2026-12-02T01:00:00.000Z'],
    ['with milliseconds', '2026-12-01T10:00:00.250Z', '2026-12-01T10:00:00.250Z'],
    ['with more digits than milliseconds', '2026-12-01T10:00:00.123456Z', '2026-12-01T10:00:00.123Z'],
    ['with a +14:00 offset', '2026-12-02T00:00:00+14:00', '2026-12-01T10:00:00.000Z'],
  ])('converts a dateTime %s exactly, as start and as end', (_name, text, instant) => {
    expect(periodStartInstant(text)).toBe(instant);
    expect(periodEndInstant(text)).toBe(instant);
  });

  it.each([
    ['a time without offset', '2026-12-01T10:00:00'],
    ['a time without offset or seconds', '2026-12-01T10:00'],
    ['February 30th', '2026-02-30'],
    ['month 13', '2026-13'],
    ['day 00', '2026-12-00'],
    ['year 0000', '0000'],
    ['hour 24', '2026-12-01T24:00:00Z'],
    ['minute 60', '2026-12-01T10:60:00Z'],
    ['an offset beyond +14:00', '2026-12-01T10:00:00+14:30'],
    ['an offset with minute 60', '2026-12-01T10:00:00+02:60'],
    ['a two-digit year', '26-12-01'],
    ['a Finnish date', '1.12.2026'],
    ['a date with a space', '2026-12-01 10:00:00Z'],
    ['an empty string', ''],
  ])('gives undefined for %s', (_name, text) => {
    expect(periodStartInstant(text)).toBeUndefined();
    expect(periodEndInstant(text)).toBeUndefined();
  });
});
