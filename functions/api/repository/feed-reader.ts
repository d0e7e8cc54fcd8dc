/**
 * The change feed: type- and system-level history, newest first, read from the `history`
 * index by gap-free sequence number.
 *
 * Every write advances its type's sequence in the same transaction (see `transaction.ts`), so
 * all numbers up to the sequence item's value are committed, and lastUpdated grows with the
 * number. The index is eventually consistent, so a page is only served when the numbers it
 * covers are contiguous: a hole means the index has not caught up yet, and rather than skip a
 * change the reader retries briefly and then answers "try again" (503). A client that polls
 * with `_since` = the newest lastUpdated it has seen therefore never misses a change.
 *
 * @see https://hl7.org/fhir/R4/http.html#history
 */
import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StorageUnavailableError } from './errors.js';
import { guard } from './guard.js';
import { toStoredVersion, type Item } from './item-codec.js';
import { historySk } from './keys.js';
import type { ResourceRepository, StoredVersion } from './types.js';

/** Where each type's feed continues: below this sequence number (0 = exhausted). */
export type FeedPosition = Readonly<Record<string, number>>;

/** A page of the feed and where the next one starts (absent on the last page). */
export interface FeedPage {
  readonly versions: readonly StoredVersion[];
  readonly next?: FeedPosition;
}

/** Options of one feed read. */
export interface FeedOptions {
  readonly count: number;
  /** Only versions with lastUpdated ≥ since (inclusive, as FHIR `_since`). */
  readonly since?: string;
  /** From a previous page's `next`; absent = start at the newest change. */
  readonly position?: FeedPosition;
}

const RETRY_DELAYS_MS = [20, 60, 150, 400];

interface TypeRun {
  readonly versions: StoredVersion[];
  /** True when the run reached the `_since` boundary or the first change. */
  readonly complete: boolean;
}

export class FeedReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly repository: Pick<ResourceRepository, 'readSequenceSnapshot'>,
  ) {}

  /** Reads one page of the merged feed of `resourceTypes`. */
  async read(resourceTypes: readonly string[], options: FeedOptions): Promise<FeedPage> {
    // One snapshot: read key by key, a Goal committed before a later CarePlan could be missed
    // while the CarePlan is seen, and a poller's `_since` would pass the Goal for good.
    const sequences = await this.repository.readSequenceSnapshot(resourceTypes);
    const runs = new Map<string, TypeRun>();
    await Promise.all(
      resourceTypes.map(async (type) => {
        const below = options.position ? options.position[type] ?? 0 : (sequences.get(type)?.seq ?? 0) + 1;
        runs.set(type, await this.readRun(type, below - 1, options));
      }),
    );
    // Merge newest first; sequence order equals lastUpdated order within a type.
    const merged = [...runs.values()]
      .flatMap((run) => run.versions)
      .sort((a, b) => (a.lastUpdated === b.lastUpdated ? a.resourceType.localeCompare(b.resourceType) : a.lastUpdated < b.lastUpdated ? 1 : -1));
    const page = merged.slice(0, options.count);
    const next: Record<string, number> = {};
    let more = false;
    for (const type of resourceTypes) {
      const run = runs.get(type);
      const taken = page.filter((version) => version.resourceType === type);
      const last = taken[taken.length - 1];
      const startBelow = options.position ? options.position[type] ?? 0 : (sequences.get(type)?.seq ?? 0) + 1;
      const exhausted = run !== undefined && run.complete && taken.length === run.versions.length;
      next[type] = exhausted ? 0 : last?.seq ?? startBelow;
      if (!exhausted) more = true;
    }
    return { versions: page, ...(more ? { next } : {}) };
  }

  /** The newest `count + 1` versions of a type at or below `top`, verified contiguous. */
  private async readRun(resourceType: string, top: number, options: FeedOptions): Promise<TypeRun> {
    if (top < 1) return { versions: [], complete: true };
    // One more than a page, plus one to see past the `_since` boundary.
    const limit = options.count + 2;
    for (let attempt = 0; ; attempt++) {
      const items = (await this.queryIndex(resourceType, top, limit)).map(toStoredVersion);
      let expected = top;
      let contiguous = true;
      const versions: StoredVersion[] = [];
      let complete = false;
      for (const version of items) {
        if (version.seq !== expected) {
          contiguous = false;
          break;
        }
        expected--;
        if (options.since !== undefined && version.lastUpdated < options.since) {
          complete = true;
          break;
        }
        versions.push(version);
      }
      if (contiguous && !complete && items.length < limit) {
        // The index returned everything at or below `top`: it must reach the first change.
        complete = expected === 0;
        contiguous = complete;
      }
      if (contiguous) return { versions: versions.slice(0, options.count + 1), complete: complete && versions.length <= options.count };
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) throw new StorageUnavailableError(`the ${resourceType} change feed is catching up; retry`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /**
   * The newest `limit` index items at or below `top`. A Query stops at 1 MB of data: it is
   * followed, or a page of large versions would look like a hole that never fills.
   */
  private async queryIndex(resourceType: string, top: number, limit: number): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const result = await guard(
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'history',
            KeyConditionExpression: 'histPK = :type AND histSK <= :top',
            ExpressionAttributeValues: { ':type': { S: resourceType }, ':top': { S: historySk(top) } },
            ScanIndexForward: false,
            Limit: limit - items.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return items;
  }
}
