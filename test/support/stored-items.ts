/**
 * How tests compare stored state: each item as canonical JSON (keys sorted, binaries base64), with
 * what a refused request may legitimately change left out — audit records (a refusal is itself
 * logged) and the seals feed readers put on change-feed lanes (a read of `_history` moves a lane
 * counter's instant; see functions/api/repository/feed-reader.ts). A lane's number is kept: a
 * write that took one shows.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

const canonical = (value: unknown): unknown => {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
};

/** An audit record (left out of comparisons). */
export const isAudit = (item: Item): boolean => item.PK?.S?.startsWith('AU#') === true;

/** A feed lane's counter. */
const isLaneCounter = (item: Item): boolean => item.PK?.S?.startsWith('SEQ#') === true;

/** The comparable JSON of a stored item; undefined for what comparisons ignore (audit records, lanes only ever sealed). */
export function comparableItem(item: Item): string | undefined {
  if (isAudit(item)) return undefined;
  if (isLaneCounter(item)) {
    if ((item.seq?.N ?? '0') === '0') return undefined;
    const { lastUpdated: _sealedOrWritten, ...counter } = item;
    return JSON.stringify(canonical(counter));
  }
  return JSON.stringify(canonical(item));
}
