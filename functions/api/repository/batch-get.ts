/**
 * Consistent BatchGetItem of any number of keys: chunks of 100 (the service limit) in parallel, unprocessed
 * keys retried with backoff, throttling that never clears reported as a storage error.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
 */
import { BatchGetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { guard } from './guard.js';
import { StorageUnavailableError } from './errors.js';
import type { Item } from './item-codec.js';

const CHUNK = 100;
const MAX_ROUNDS = 8;

/** The items found for `keys` (missing keys are simply absent, order not kept), read strongly consistently; chunks in parallel. */
export async function batchGetItems(client: DynamoDBClient, tableName: string, keys: readonly Record<string, AttributeValue>[]): Promise<Item[]> {
  const chunks: Record<string, AttributeValue>[][] = [];
  for (let start = 0; start < keys.length; start += CHUNK) chunks.push(keys.slice(start, start + CHUNK));
  return (await Promise.all(chunks.map((chunk) => getChunk(client, tableName, chunk)))).flat();
}

async function getChunk(client: DynamoDBClient, tableName: string, keys: Record<string, AttributeValue>[]): Promise<Item[]> {
  const found: Item[] = [];
  let pending = keys;
  for (let round = 0; pending.length > 0; round++) {
    if (round > MAX_ROUNDS) throw new StorageUnavailableError('storage keeps leaving keys unprocessed (throttled)');
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(round, 5)));
    const result = await guard(client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: [...pending], ConsistentRead: true } } })));
    found.push(...(result.Responses?.[tableName] ?? []));
    pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, AttributeValue>[];
  }
  return found;
}
