/**
 * Stores audit records that are not part of a write transaction (reads, searches, refusals):
 * BatchWriteItem in chunks of 25, unprocessed items retried; a record that cannot be stored
 * is a storage error, so the request fails rather than disclose without a log entry.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 */
import { BatchWriteItemCommand, PutItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { StorageUnavailableError } from './errors.js';
import { guard } from './guard.js';
import { auditPut } from './transaction.js';
import type { AuditRecord } from './types.js';

const CHUNK = 25;
const MAX_ROUNDS = 8;

/** Writes `records`; one record is one conditional PutItem, more go in batches. */
export async function writeAuditRecords(client: DynamoDBClient, tableName: string, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 1) {
    await guard(client.send(new PutItemCommand(auditPut(tableName, records[0]!))));
    return;
  }
  for (let start = 0; start < records.length; start += CHUNK) {
    let pending: WriteRequest[] = records.slice(start, start + CHUNK).map((record) => ({ PutRequest: { Item: auditPut(tableName, record).Item } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round > MAX_ROUNDS) throw new StorageUnavailableError('storage keeps leaving audit records unprocessed (throttled)');
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(round, 5)));
      const result = await guard(client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } })));
      pending = result.UnprocessedItems?.[tableName] ?? [];
    }
  }
}
