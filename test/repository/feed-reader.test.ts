import 'aws-sdk-client-mock-vitest/extend';
import { DynamoDBClient, QueryCommand, ThrottlingException, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FeedReader, type FeedOptions, type FeedPage } from '../../functions/api/repository/feed-reader.js';
import { StorageUnavailableError } from '../../functions/api/repository/index.js';
import type { LaneChoice, LaneState } from '../../functions/api/repository/types.js';
import { versionItem } from '../../functions/api/repository/item-codec.js';
import { feedItem, goalWrite, TABLE } from './builders.js';

/** Query calls one read makes at most: the first and four retries (~0.6 s). */
const MAX_QUERIES = 5;

interface FakeIndex {
  /** The sequence numbers the `history` index holds at the `call`-th Query (0-based). */
  readonly present: (call: number) => readonly number[];
  /** Items one Query returns at most before stopping at the 1 MB page limit. */
  readonly itemsPerPage?: number;
}

/** The reader's seal: after every `feedItem(seq)` with seq < 60 unless a test says otherwise. */
const SEALED = '2026-12-01T10:01:00.000Z';

/** A one-lane Goal feed whose lane counter reads `seq` at the seal. */
const sealing = (seq: number) => ({
  sealLanes: async (lanes: readonly LaneChoice[], _instant: string): Promise<LaneState[]> => lanes.map((lane) => ({ ...lane, seq })),
});

/** A reader over a one-lane Goal feed whose counter reads `seq`, and an eventually consistent index. */
function reader(seq: number, index: FakeIndex, sealed = SEALED): { feed: FeedReader; mock: ReturnType<typeof mockClient> } {
  const client = new DynamoDBClient({ region: 'local' });
  const mock = mockClient(client);
  let call = 0;
  mock.on(QueryCommand).callsFake((input: QueryCommandInput): Partial<QueryCommandOutput> => {
    const top = Number(input.ExpressionAttributeValues![':top']!.S);
    const after = input.ExclusiveStartKey ? Number(input.ExclusiveStartKey.histSK!.S) : Infinity;
    const matching = [...index.present(call++)].filter((s) => s <= top && s < after).sort((a, b) => b - a);
    const page = matching.slice(0, Math.min(input.Limit ?? Infinity, index.itemsPerPage ?? Infinity));
    const last = page[page.length - 1];
    const truncated = page.length < matching.length && last !== undefined;
    return { Items: page.map((s) => feedItem(s)), ...(truncated ? { LastEvaluatedKey: { histPK: { S: 'Goal#0' }, histSK: { S: String(last).padStart(12, '0') } } } : {}) };
  });
  return { feed: new FeedReader(client, TABLE, sealing(seq), { lanes: 1, now: () => new Date(sealed) }), mock };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, n) => from + n);
const without = (all: readonly number[], missing: number): number[] => all.filter((s) => s !== missing);
const seqs = (page: FeedPage): number[] => page.versions.map((v) => v.seq!);

async function read(feed: FeedReader, options: FeedOptions): Promise<PromiseSettledResult<FeedPage>> {
  const settled = Promise.allSettled([feed.read(['Goal'], options)]);
  await vi.runAllTimersAsync();
  return (await settled)[0];
}

const served = (result: PromiseSettledResult<FeedPage>): FeedPage => {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
};

describe('FeedReader', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the newest versions from the history index, one more than a page plus one', async () => {
    const { feed, mock } = reader(5, { present: () => range(1, 5) });
    const page = served(await read(feed, { count: 2 }));
    expect(seqs(page)).toEqual([5, 4]);
    expect(page.next).toEqual({ sealed: SEALED, below: { 'Goal#0': 4 } });
    expect(mock).toReceiveCommandExactlyOnceWith(QueryCommand, {
      TableName: TABLE,
      IndexName: 'history',
      KeyConditionExpression: 'histPK = :lane AND histSK <= :top',
      ExpressionAttributeValues: { ':lane': { S: 'Goal#0' }, ':top': { S: '000000000005' } },
      ScanIndexForward: false,
      Limit: 4,
    });
  });

  it('continues below the position of the previous page', async () => {
    const { feed, mock } = reader(5, { present: () => range(1, 5) });
    const page = served(await read(feed, { count: 2, position: { sealed: SEALED, below: { 'Goal#0': 4 } } }));
    expect(seqs(page)).toEqual([3, 2]);
    expect(mock).toReceiveCommandWith(QueryCommand, { ExpressionAttributeValues: { ':lane': { S: 'Goal#0' }, ':top': { S: '000000000003' } } });
  });

  it('retries a hole in the index and serves the page once the hole fills', async () => {
    const { feed, mock } = reader(5, { present: (call) => (call < 2 ? without(range(1, 5), 4) : range(1, 5)) });
    const page = served(await read(feed, { count: 10 }));
    expect(seqs(page)).toEqual([5, 4, 3, 2, 1]);
    expect(page.next).toBeUndefined();
    expect(mock).toReceiveCommandTimes(QueryCommand, 3);
  });

  it('waits for the newest change to reach the index rather than serve a page without it', async () => {
    const { feed, mock } = reader(5, { present: (call) => (call < 1 ? range(1, 4) : range(1, 5)) });
    expect(seqs(served(await read(feed, { count: 10 })))).toEqual([5, 4, 3, 2, 1]);
    expect(mock).toReceiveCommandTimes(QueryCommand, 2);
  });

  it('answers StorageUnavailableError when a hole never fills', async () => {
    const { feed, mock } = reader(5, { present: () => without(range(1, 5), 3) });
    const result = await read(feed, { count: 10 });
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailableError);
    expect(mock).toReceiveCommandTimes(QueryCommand, MAX_QUERIES);
  });

  it('checks contiguity down to the first change when the index returns less than a page', async () => {
    const { feed, mock } = reader(3, { present: (call) => (call < 1 ? [3, 2] : [3, 2, 1]) });
    const page = served(await read(feed, { count: 10 }));
    expect(seqs(page)).toEqual([3, 2, 1]);
    expect(page.next).toBeUndefined();
    expect(mock).toReceiveCommandTimes(QueryCommand, 2);
  });

  it('includes the version at the _since boundary and stops there', async () => {
    const { feed } = reader(5, { present: () => range(1, 5) });
    const page = served(await read(feed, { count: 10, since: feedItem(3).lastUpdated!.S! }));
    expect(seqs(page)).toEqual([5, 4, 3]);
    expect(page.next).toBeUndefined();
  });

  it('serves a page whose only hole is older than _since', async () => {
    const { feed, mock } = reader(5, { present: () => without(range(1, 5), 1) });
    expect(seqs(served(await read(feed, { count: 10, since: feedItem(3).lastUpdated!.S! })))).toEqual([5, 4, 3]);
    expect(mock).toReceiveCommandTimes(QueryCommand, 1);
  });

  it('follows a Query that stops at the 1 MB limit instead of taking it for a hole', async () => {
    const { feed, mock } = reader(8, { present: () => range(1, 8), itemsPerPage: 3 });
    const page = served(await read(feed, { count: 4 }));
    expect(seqs(page)).toEqual([8, 7, 6, 5]);
    expect(page.next).toEqual({ sealed: SEALED, below: { 'Goal#0': 5 } });
    expect(mock).toReceiveCommandTimes(QueryCommand, 2);
    expect(mock).toReceiveNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: { histPK: { S: 'Goal#0' }, histSK: { S: '000000000006' } }, Limit: 3 });
  });

  it('leaves versions stamped after its seal for the next read, without counting them towards the page', async () => {
    // Versions 6–9 were stamped after 10:00:05.500 (a writer whose clock runs ahead of the reader's).
    const { feed, mock } = reader(9, { present: () => range(1, 9) }, '2026-12-01T10:00:05.500Z');
    const page = served(await read(feed, { count: 2 }));
    expect(seqs(page)).toEqual([5, 4]);
    expect(page.next).toEqual({ sealed: '2026-12-01T10:00:05.500Z', below: { 'Goal#0': 4 } });
    // The first Query (limit 4) held only 9–6: the reader went on below them instead of serving an empty page.
    expect(mock).toReceiveCommandTimes(QueryCommand, 2);
  });

  it('never serves a version after the seal on a later page of the same read', async () => {
    const { feed } = reader(9, { present: () => range(1, 9) }, '2026-12-01T10:00:05.500Z');
    const page = served(await read(feed, { count: 10, position: { sealed: '2026-12-01T10:00:03.500Z', below: { 'Goal#0': 10 } } }));
    expect(seqs(page)).toEqual([3, 2, 1]);
    expect(page.next).toBeUndefined();
  });

  it('seals every lane of every type it reads, at its own instant, and merges them newest first', async () => {
    const client = new DynamoDBClient({ region: 'local' });
    const mock = mockClient(client);
    mock.on(QueryCommand).callsFake((input: QueryCommandInput): Partial<QueryCommandOutput> => {
      const lane = input.ExpressionAttributeValues![':lane']!.S!;
      // Lane 1 of Goal holds seconds 2 and 4, lane 0 seconds 1 and 3; CarePlan lane 1 second 5.
      const items: Record<string, Record<string, import('@aws-sdk/client-dynamodb').AttributeValue>[]> = {
        'Goal#0': [versionItem(goalWrite('a', { seq: 2, lane: 0, lastUpdated: '2026-12-01T10:00:03.000Z' })), versionItem(goalWrite('b', { seq: 1, lane: 0, lastUpdated: '2026-12-01T10:00:01.000Z' }))],
        'Goal#1': [versionItem(goalWrite('c', { seq: 2, lane: 1, lastUpdated: '2026-12-01T10:00:04.000Z' })), versionItem(goalWrite('d', { seq: 1, lane: 1, lastUpdated: '2026-12-01T10:00:02.000Z' }))],
        'CarePlan#1': [versionItem(goalWrite('e', { resourceType: 'CarePlan', seq: 1, lane: 1, lastUpdated: '2026-12-01T10:00:05.000Z' }))],
      };
      return { Items: items[lane] ?? [] };
    });
    const sealed: { lanes: readonly LaneChoice[]; instant: string }[] = [];
    const counters: Record<string, number> = { 'Goal#0': 2, 'Goal#1': 2, 'CarePlan#1': 1 };
    const repository = {
      sealLanes: async (lanes: readonly LaneChoice[], instant: string): Promise<LaneState[]> => {
        sealed.push({ lanes, instant });
        return lanes.map((lane) => ({ ...lane, seq: counters[`${lane.resourceType}#${lane.lane}`] ?? 0 }));
      },
    };
    const feed = new FeedReader(client, TABLE, repository, { lanes: 2, now: () => new Date(SEALED) });
    const page = await feed.read(['CarePlan', 'Goal'], { count: 10 });
    expect(sealed).toEqual([{ lanes: [{ resourceType: 'CarePlan', lane: 0 }, { resourceType: 'CarePlan', lane: 1 }, { resourceType: 'Goal', lane: 0 }, { resourceType: 'Goal', lane: 1 }], instant: SEALED }]);
    expect(page.versions.map((v) => v.id)).toEqual(['e', 'c', 'a', 'd', 'b']);
    expect(page.next).toBeUndefined();
    // A lane with nothing in it is not queried.
    expect(mock).toReceiveCommandTimes(QueryCommand, 3);
  });

  it('reads an empty feed without querying the index', async () => {
    const { feed, mock } = reader(0, { present: () => [] });
    const page = served(await read(feed, { count: 10 }));
    expect(page.versions).toEqual([]);
    expect(page.next).toBeUndefined();
    expect(mock).not.toReceiveCommand(QueryCommand);
  });

  it('translates a throttled Query into StorageUnavailableError without retrying it', async () => {
    const client = new DynamoDBClient({ region: 'local' });
    const mock = mockClient(client);
    mock.on(QueryCommand).rejects(new ThrottlingException({ message: 'throttled', $metadata: {} }));
    const feed = new FeedReader(client, TABLE, sealing(2), { lanes: 1 });
    await expect(feed.read(['Goal'], { count: 10 })).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(mock).toReceiveCommandTimes(QueryCommand, 1);
  });
});
