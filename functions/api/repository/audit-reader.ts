/**
 * Reads one client's audit records: the client's year partitions (`AU#<client key>#<yyyy>`) in
 * order, each a strongly consistent Query over the `recorded` range in the sort key — never a
 * Scan and never another client's partition. Work per call is bounded (items examined and
 * Queries sent); when a bound is reached the page ends early with a position to continue from.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
 */
import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AuditEvent } from 'fhir/r4.js';
import { guard } from './guard.js';
import { auditPk } from './keys.js';

/** Where a page of audit records continues: a year partition, after the sort key `after` (absent: from its start). */
export interface AuditPosition {
  readonly year: number;
  readonly after?: string;
}

/** One page request over a client's audit records. */
export interface AuditQuery {
  readonly clientKey: string;
  /** Inclusive bounds on `recorded` (UTC ISO instants). */
  readonly low: string;
  readonly high: string;
  readonly newestFirst: boolean;
  /** Matches wanted on the page (at least 1). */
  readonly count: number;
  /** The criteria the key condition cannot apply; absent = every record matches. */
  readonly accept?: (event: AuditEvent) => boolean;
  /** From a previous page's `next`; absent = the first page. */
  readonly from?: AuditPosition;
  /** At most this many records are read in one call… */
  readonly maxExamined: number;
  /** …with at most this many Queries. */
  readonly maxQueries: number;
}

/** Matching AuditEvents in order, and where the next page starts (absent on the last page). */
export interface AuditPage {
  readonly events: readonly AuditEvent[];
  readonly next?: AuditPosition;
}

/** Records read per Query when criteria are applied in memory (misses are expected). */
const FILTERED_BATCH = 100;

/** Sort keys are `<recorded>#<event id>`: `<high>$` sorts after every key recorded at `high`. */
const upperKey = (query: AuditQuery): string => `${query.high}$`;

/**
 * Where to continue within the range: after `after`, from the range's start (undefined) when
 * `after` lies before it, or `exhausted` when `after` lies beyond its end (retention moved past).
 */
function startAfter(query: AuditQuery, after: string | undefined): string | undefined | 'exhausted' {
  if (after === undefined) return undefined;
  const [before, beyond] = query.newestFirst ? [after > upperKey(query), after < query.low] : [after < query.low, after > upperKey(query)];
  if (beyond) return 'exhausted';
  return before ? undefined : after;
}

/** The year partitions a range covers, in reading order. */
function yearsOf(query: AuditQuery): number[] {
  if (query.low > query.high) return [];
  const first = Number(query.low.slice(0, 4));
  const last = Number(query.high.slice(0, 4));
  const years = Array.from({ length: last - first + 1 }, (_, n) => first + n);
  return query.newestFirst ? years.reverse() : years;
}

export class AuditReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Reads the next page of `query`. */
  async page(query: AuditQuery): Promise<AuditPage> {
    const years = yearsOf(query);
    let index = query.from ? years.indexOf(query.from.year) : 0;
    // A position outside the range (retention moved past it) has nothing left to read.
    if (index < 0) return { events: [] };
    let after = query.from?.after;
    const events: AuditEvent[] = [];
    let examined = 0;
    let queries = 0;
    while (index < years.length) {
      const year = years[index]!;
      if (queries >= query.maxQueries || examined >= query.maxExamined) return { events, next: { year, ...(after !== undefined ? { after } : {}) } };
      const start = startAfter(query, after);
      if (start === 'exhausted') {
        index += 1;
        after = undefined;
        continue;
      }
      const wanted = query.count - events.length;
      const limit = Math.min(query.maxExamined - examined, query.accept ? Math.max(wanted + 1, FILTERED_BATCH) : wanted + 1);
      const result = await this.query(query, year, start, limit);
      queries += 1;
      let consumed = 0;
      for (const item of result.items) {
        consumed += 1;
        examined += 1;
        after = item.SK?.S;
        const event = JSON.parse(item.body?.S ?? '{}') as AuditEvent;
        if (!query.accept || query.accept(event)) events.push(event);
        if (events.length === query.count) break;
      }
      const more = consumed < result.items.length || result.more;
      if (events.length === query.count) {
        if (more) return { events, next: { year, ...(after !== undefined ? { after } : {}) } };
        // Whether an older year holds more is not known without another Query: the next page may be empty.
        const nextYear = years[index + 1];
        return { events, ...(nextYear !== undefined ? { next: { year: nextYear } } : {}) };
      }
      if (!more) {
        index += 1;
        after = undefined;
      }
    }
    return { events };
  }

  /** One Query of a year partition, after the sort key `start` (absent: from the start of the range). */
  private async query(query: AuditQuery, year: number, start: string | undefined, limit: number): Promise<{ items: Record<string, AttributeValue>[]; more: boolean }> {
    const pk = auditPk(query.clientKey, `${String(year).padStart(4, '0')}-01-01T00:00:00.000Z`, 0);
    const result = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': { S: pk }, ':lo': { S: query.low }, ':hi': { S: upperKey(query) } },
          ProjectionExpression: 'SK, #body',
          ExpressionAttributeNames: { '#body': 'body' },
          ScanIndexForward: !query.newestFirst,
          ConsistentRead: true,
          Limit: limit,
          ...(start !== undefined ? { ExclusiveStartKey: { PK: { S: pk }, SK: { S: start } } } : {}),
        }),
      ),
    );
    return { items: result.Items ?? [], more: result.LastEvaluatedKey !== undefined };
  }
}
