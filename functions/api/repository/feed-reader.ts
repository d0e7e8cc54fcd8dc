/**
 * The change feed: type- and system-level history, newest first, read from the `history`
 * index lane by lane and merged.
 *
 * Each type's feed is split into {@link FEED_LANES} lanes; a write takes the next gap-free
 * number of one lane in its own transaction, so in every lane all numbers up to its counter are
 * committed and lastUpdated grows with the number. A read starts by *sealing* the lanes at its
 * own instant (see `DynamoResourceRepository.sealLanes`): afterwards no write stamped at or
 * before that instant can land — one that had not would fail its lane condition and be
 * re-stamped later — so the versions up to the seal are complete, and a client that polls with
 * `_since` = the newest lastUpdated it has seen never misses a change. Versions stamped after
 * the seal are left for the next read.
 *
 * The index is eventually consistent, so a lane is only served when the numbers it covers are
 * contiguous: a hole means the index has not caught up yet, and rather than skip a change the
 * reader retries briefly and then answers "try again" (503).
 *
 * @see https://hl7.org/fhir/R4/http.html#history
 */
import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StorageUnavailableError } from './errors.js';
import { guard } from './guard.js';
import { toStoredVersion, type Item } from './item-codec.js';
import { FEED_LANES, historySk, laneName } from './keys.js';
import type { LaneChoice, ResourceRepository, StoredVersion } from './types.js';

/** Where a feed continues: the first page's seal and, per lane, the number to continue below (0 = exhausted). */
export interface FeedPosition {
  /** The instant the first page sealed the lanes at: later versions belong to a later read. */
  readonly sealed: string;
  /** Per lane name (`<Type>#<lane>`): continue below this sequence number; 0 = exhausted. */
  readonly below: Readonly<Record<string, number>>;
}

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

/** Options of {@link FeedReader}. */
export interface FeedReaderOptions {
  /** @default FEED_LANES */
  readonly lanes?: number;
  readonly now?: () => Date;
}

const RETRY_DELAYS_MS = [20, 60, 150, 400];

interface LaneRun {
  readonly versions: StoredVersion[];
  /** True when the run reached the `_since` boundary or the first change. */
  readonly complete: boolean;
}

/** Newest first: lastUpdated, then type, lane and number, so the merge is deterministic. */
function newestFirst(a: StoredVersion, b: StoredVersion): number {
  if (a.lastUpdated !== b.lastUpdated) return a.lastUpdated < b.lastUpdated ? 1 : -1;
  if (a.resourceType !== b.resourceType) return a.resourceType.localeCompare(b.resourceType);
  return (a.lane ?? 0) - (b.lane ?? 0) || (b.seq ?? 0) - (a.seq ?? 0);
}

/**
 * Checks a position decoded from a cursor against the lanes of `resourceTypes`: every lane a
 * non-negative integer, the seal an instant. Undefined when it does not fit.
 */
export function feedPositionOf(value: unknown, resourceTypes: readonly string[], lanes = FEED_LANES): FeedPosition | undefined {
  const state = value as { sealed?: unknown; below?: Record<string, unknown> } | null;
  if (!state || typeof state !== 'object' || typeof state.sealed !== 'string' || Number.isNaN(Date.parse(state.sealed))) return undefined;
  if (!state.below || typeof state.below !== 'object') return undefined;
  const below: Record<string, number> = {};
  for (const lane of lanesOf(resourceTypes, lanes)) {
    const name = laneName(lane.resourceType, lane.lane);
    const value = state.below[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return undefined;
    below[name] = value;
  }
  return { sealed: state.sealed, below };
}

/** Every lane of `resourceTypes`. */
export const lanesOf = (resourceTypes: readonly string[], lanes = FEED_LANES): LaneChoice[] =>
  resourceTypes.flatMap((resourceType) => Array.from({ length: lanes }, (_, lane) => ({ resourceType, lane })));

export class FeedReader {
  private readonly lanes: number;
  private readonly now: () => Date;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly repository: Pick<ResourceRepository, 'sealLanes'>,
    options: FeedReaderOptions = {},
  ) {
    this.lanes = options.lanes ?? FEED_LANES;
    this.now = options.now ?? (() => new Date());
  }

  /** Reads one page of the merged feed of `resourceTypes`. */
  async read(resourceTypes: readonly string[], options: FeedOptions): Promise<FeedPage> {
    const lanes = lanesOf(resourceTypes, this.lanes);
    const position = options.position ?? (await this.seal(lanes));
    const runs = new Map<string, LaneRun>();
    await Promise.all(
      lanes.map(async (lane) => {
        const name = laneName(lane.resourceType, lane.lane);
        runs.set(name, await this.readRun(name, (position.below[name] ?? 0) - 1, position.sealed, options));
      }),
    );
    const page = [...runs.values()].flatMap((run) => run.versions).sort(newestFirst).slice(0, options.count);
    const below: Record<string, number> = {};
    let more = false;
    for (const [name, run] of runs) {
      const taken = page.filter((version) => laneName(version.resourceType, version.lane ?? 0) === name);
      const last = taken[taken.length - 1];
      const exhausted = run.complete && taken.length === run.versions.length;
      below[name] = exhausted ? 0 : last?.seq ?? position.below[name] ?? 0;
      if (!exhausted) more = true;
    }
    return { versions: page, ...(more ? { next: { sealed: position.sealed, below } } : {}) };
  }

  /** Seals every lane at this instant: the first page's position. */
  private async seal(lanes: readonly LaneChoice[]): Promise<FeedPosition> {
    const sealed = this.now().toISOString();
    const states = await this.repository.sealLanes(lanes, sealed);
    return { sealed, below: Object.fromEntries(states.map((state) => [laneName(state.resourceType, state.lane), state.seq + 1])) };
  }

  /**
   * The newest `count + 1` versions of a lane at or below `top` and not after `sealed`,
   * verified contiguous from `top` down.
   */
  private async readRun(lane: string, top: number, sealed: string, options: FeedOptions): Promise<LaneRun> {
    if (top < 1) return { versions: [], complete: true };
    // One more than a page, plus one to see past the `_since` boundary.
    const wanted = options.count + 2;
    for (let attempt = 0; ; attempt++) {
      const { items, exhausted } = await this.queryIndex(lane, top, wanted, sealed);
      let expected = top;
      let contiguous = true;
      let complete = false;
      const versions: StoredVersion[] = [];
      for (const item of items) {
        const version = toStoredVersion(item);
        if (version.seq !== expected) {
          contiguous = false;
          break;
        }
        expected--;
        // Stamped after the seal (a writer whose clock runs ahead): the next read serves it.
        if (version.lastUpdated > sealed) continue;
        if (options.since !== undefined && version.lastUpdated < options.since) {
          complete = true;
          break;
        }
        versions.push(version);
      }
      if (contiguous && !complete && exhausted) {
        // The index returned everything at or below `top`: it must reach the first change.
        complete = expected === 0;
        contiguous = complete;
      }
      if (contiguous) return { versions: versions.slice(0, options.count + 1), complete: complete && versions.length <= options.count };
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) throw new StorageUnavailableError(`the ${lane} change feed is catching up; retry`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /**
   * Index items of a lane from `top` down until `wanted` of them are not after `sealed` (those
   * after it only ever sit at the top), or the lane ends (`exhausted`). A Query stops at 1 MB of
   * data: it is followed, or a page of large versions would look like a hole that never fills.
   */
  private async queryIndex(lane: string, top: number, wanted: number, sealed: string): Promise<{ items: Item[]; exhausted: boolean }> {
    const items: Item[] = [];
    let served = 0;
    let startKey: Item | undefined;
    do {
      const result = await guard(
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'history',
            KeyConditionExpression: 'histPK = :lane AND histSK <= :top',
            ExpressionAttributeValues: { ':lane': { S: lane }, ':top': { S: historySk(top) } },
            ScanIndexForward: false,
            Limit: wanted - served,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of result.Items ?? []) {
        items.push(item);
        if ((item.lastUpdated?.S ?? '') <= sealed) served++;
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey && served < wanted);
    return { items, exhausted: startKey === undefined && served < wanted };
  }
}
