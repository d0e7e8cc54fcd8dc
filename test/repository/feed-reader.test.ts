import 'aws-sdk-client-mock-vitest/extend';
import { DynamoDBClient, QueryCommand, ThrottlingException, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FeedReader, type FeedOptions, type FeedPage } from '../../functions/api/repository/feed-reader.js';
import { StorageUnavailableError } from '../../functions/api/repository/index.js';
import type { SequenceState } from '../../functions/api/repository/types.js';
import { feedItem, TABLE } from './builders.js';

/** Query calls one read makes at most: the first and four retries (~0.6 s). */
const MAX_QUERIES = 5;

interface FakeIndex {
  /** The sequence numbers the `history` index holds at the `call`-th Query (0-based). */
  readonly present: (call: number) => readonly number[];
  /** Items one Query returns at most before stopping at the 1 MB page limit. */
  readonly itemsPerPage?: number;
}

/** A reader over a Goal feed whose sequence item reads `seq`, and an eventually consistent index. */
function reader(seq: number, index: FakeIndex): { feed: FeedReader; mock: ReturnType<typeof mockClient> } {
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
    return { Items: page.map((s) => feedItem(s)), ...(truncated ? { LastEvaluatedKey: { histPK: { S: 'Goal' }, histSK: { S: String(last).padStart(12, '0') } } } : {}) };
  });
  const sequences = async (types: readonly string[]): Promise<ReadonlyMap<string, SequenceState>> => new Map(types.map((type) => [type, { seq }]));
  return { feed: new FeedReader(client, TABLE, { readSequenceSnapshot: sequences }), mock };
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
    expect(page.next).toEqual({ Goal: 4 });
    expect(mock).toReceiveCommandExactlyOnceWith(QueryCommand, {
      TableName: TABLE,
      IndexName: 'history',
      KeyConditionExpression: 'histPK = :type AND histSK <= :top',
      ExpressionAttributeValues: { ':type': { S: 'Goal' }, ':top': { S: '000000000005' } },
      ScanIndexForward: false,
      Limit: 4,
    });
  });

  it('continues below the position of the previous page', async () => {
    const { feed, mock } = reader(5, { present: () => range(1, 5) });
    const page = served(await read(feed, { count: 2, position: { Goal: 4 } }));
    expect(seqs(page)).toEqual([3, 2]);
    expect(mock).toReceiveCommandWith(QueryCommand, { ExpressionAttributeValues: { ':type': { S: 'Goal' }, ':top': { S: '000000000003' } } });
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
    expect(page.next).toEqual({ Goal: 5 });
    expect(mock).toReceiveCommandTimes(QueryCommand, 2);
    expect(mock).toReceiveNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: { histPK: { S: 'Goal' }, histSK: { S: '000000000006' } }, Limit: 3 });
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
    const feed = new FeedReader(client, TABLE, { readSequenceSnapshot: async () => new Map([['Goal', { seq: 2 }]]) });
    await expect(feed.read(['Goal'], { count: 10 })).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(mock).toReceiveCommandTimes(QueryCommand, 1);
  });
});
