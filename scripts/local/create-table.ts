/**
 * Creates the application table on DynamoDB Local from the shared table definition
 * (`functions/shared/table-definition.ts`), the same one the CDK stack uses.
 */
import {
  CreateTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLE } from '../../functions/shared/table-definition.js';

/** What of the deployed table's behaviour DynamoDB Local should emulate. */
export interface LocalTableOptions {
  /** The NEW_AND_OLD_IMAGES stream. @default true */
  readonly stream?: boolean;
  /** Time to live on {@link TABLE.timeToLiveAttribute}. @default true */
  readonly timeToLive?: boolean;
}

/**
 * Creates `tableName` (on-demand, stream NEW_AND_OLD_IMAGES, time to live) unless it already
 * exists. The test suite turns the stream and time to live off for tables that do not need them:
 * DynamoDB Local's emulation of both makes every later call of the JVM slower as records pile up
 * (measured: the fuzz file took 74 s after five other files with both on, 18 s with both off).
 */
export async function createTable(client: DynamoDBClient, tableName: string, options: LocalTableOptions = {}): Promise<void> {
  const { stream = true, timeToLive = true } = options;
  const keyNames = new Set<string>([TABLE.partitionKey.name, TABLE.sortKey.name]);
  for (const index of TABLE.globalIndexes) {
    keyNames.add(index.partitionKey.name);
    keyNames.add(index.sortKey.name);
  }
  for (const index of TABLE.localIndexes) keyNames.add(index.sortKey.name);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...keyNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE.globalIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        LocalSecondaryIndexes: TABLE.localIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
          ],
          // Keys only: a projected copy would count against the item's 400 KB (TABLE.localIndexProjection).
          Projection: { ProjectionType: TABLE.localIndexProjection },
        })),
        ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const } } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  if (!timeToLive) return;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE.timeToLiveAttribute } }),
    );
  } catch (error) {
    // Already enabled (a persisted DATA_DIR table): nothing to do.
    if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
  }
}

