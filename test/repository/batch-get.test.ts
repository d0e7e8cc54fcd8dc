import 'aws-sdk-client-mock-vitest/extend';
import { BatchGetItemCommand, DynamoDBClient, ProvisionedThroughputExceededException, type AttributeValue, type BatchGetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchGetItems } from '../../functions/api/repository/batch-get.js';
import { StorageUnavailableError } from '../../functions/api/repository/index.js';
import { TABLE } from './builders.js';

type Key = Record<string, AttributeValue>;

const keys = (count: number): Key[] => Array.from({ length: count }, (_, n) => ({ PK: { S: 'Goal' }, SK: { S: `g${n}` } }));
const itemOf = (key: Key): Key => ({ ...key, vid: { N: '1' } });
const keysOf = (input: BatchGetItemCommandInput): Key[] => (input.RequestItems?.[TABLE]?.Keys ?? []) as Key[];

function setup(): { client: DynamoDBClient; mock: ReturnType<typeof mockClient> } {
  const client = new DynamoDBClient({ region: 'local' });
  return { client, mock: mockClient(client) };
}

/** Runs `promise` to its end with the backoff timers fast-forwarded. */
async function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  const settled = Promise.allSettled([promise]);
  await vi.runAllTimersAsync();
  return (await settled)[0];
}

describe('batchGetItems', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads strongly consistently in one call when nothing is left unprocessed', async () => {
    const { client, mock } = setup();
    mock.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => ({ Responses: { [TABLE]: keysOf(input).map(itemOf) } }));
    expect(await batchGetItems(client, TABLE, keys(3))).toHaveLength(3);
    expect(mock).toReceiveCommandExactlyOnceWith(BatchGetItemCommand, { RequestItems: { [TABLE]: { Keys: keys(3), ConsistentRead: true } } });
  });

  it.each([1, 2, 3])('returns every item when keys come back unprocessed %i time(s), asking only for what is missing', async (times) => {
    const { client, mock } = setup();
    let call = 0;
    // Each throttled round serves the first pending key and leaves the rest unprocessed.
    mock.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => {
      const pending = keysOf(input);
      const throttled = call++ < times;
      const served = throttled ? pending.slice(0, 1) : pending;
      return { Responses: { [TABLE]: served.map(itemOf) }, ...(throttled ? { UnprocessedKeys: { [TABLE]: { Keys: pending.slice(1), ConsistentRead: true } } } : {}) };
    });
    const found = await settle(batchGetItems(client, TABLE, keys(5)));
    expect(found.status).toBe('fulfilled');
    const items = (found as PromiseFulfilledResult<Key[]>).value;
    expect(items.map((item) => item.SK!.S).sort()).toEqual(['g0', 'g1', 'g2', 'g3', 'g4']);
    expect(mock).toReceiveCommandTimes(BatchGetItemCommand, times + 1);
    expect(mock).toReceiveNthCommandWith(BatchGetItemCommand, 2, { RequestItems: { [TABLE]: { Keys: keys(5).slice(1), ConsistentRead: true } } });
  });

  it('reports throttling that never clears as StorageUnavailableError after 8 retries', async () => {
    const { client, mock } = setup();
    mock.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => ({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: keysOf(input) } } }));
    const result = await settle(batchGetItems(client, TABLE, keys(2)));
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailableError);
    expect(mock).toReceiveCommandTimes(BatchGetItemCommand, 9);
  });

  it('splits more than 100 keys into chunks of at most 100', async () => {
    const { client, mock } = setup();
    mock.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => ({ Responses: { [TABLE]: keysOf(input).map(itemOf) } }));
    const all = keys(250);
    expect(await batchGetItems(client, TABLE, all)).toHaveLength(250);
    const sizes = mock.commandCalls(BatchGetItemCommand).map((call) => keysOf(call.args[0].input).length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(mock).toReceiveNthCommandWith(BatchGetItemCommand, 3, { RequestItems: { [TABLE]: { Keys: all.slice(200), ConsistentRead: true } } });
  });

  it('translates a throttled call into StorageUnavailableError', async () => {
    const { client, mock } = setup();
    mock.on(BatchGetItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(batchGetItems(client, TABLE, keys(1))).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
