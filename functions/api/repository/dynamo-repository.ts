/**
 * The DynamoDB implementation of {@link ResourceRepository}: every write is one
 * TransactWriteItems that conditionally replaces the current item and appends an immutable
 * version record; every read is one strongly consistent GetItem or Query.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
import {
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { FhirResource } from 'fhir/r4.js';
import { translateStorageError } from './dynamo-errors.js';
import { currentItem, toStoredVersion, versionItem } from './item-codec.js';
import { currentKey, versionPk, versionSk, VERSION_SK_PREFIX } from './keys.js';
import type { ResourceRepository, ResourceWrite, StoredVersion, VersionPage } from './types.js';

/** Adds search-index attributes to the current item of a live resource. */
export type IndexAttributes = (resource: FhirResource) => Record<string, AttributeValue>;

/** Options of {@link DynamoResourceRepository}. */
export interface DynamoRepositoryOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** @default no index attributes beyond the by-type index */
  readonly indexAttributes?: IndexAttributes;
}

export class DynamoResourceRepository implements ResourceRepository {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly indexAttributes: IndexAttributes;

  constructor(options: DynamoRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.indexAttributes = options.indexAttributes ?? (() => ({}));
  }

  async readCurrent(resourceType: string, id: string): Promise<StoredVersion | undefined> {
    return this.getItem(currentKey(resourceType, id));
  }

  async readVersion(resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined> {
    return this.getItem({ PK: { S: versionPk(resourceType, id) }, SK: { S: versionSk(versionId) } });
  }

  async listVersions(
    resourceType: string,
    id: string,
    options: { readonly count: number; readonly belowVersionId?: number; readonly since?: string },
  ): Promise<VersionPage> {
    const upper = options.belowVersionId !== undefined ? versionSk(options.belowVersionId - 1) : `${VERSION_SK_PREFIX}~`;
    const values: Record<string, AttributeValue> = {
      ':pk': { S: versionPk(resourceType, id) },
      ':lo': { S: VERSION_SK_PREFIX },
      ':hi': { S: upper },
    };
    if (options.since) values[':since'] = { S: options.since };
    const result = await this.guard(
      this.client.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
        ExpressionAttributeValues: values,
        ...(options.since ? { FilterExpression: 'lastUpdated >= :since' } : {}),
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: options.count + 1,
      })),
    );
    // Limit applies before the filter, but versions only get newer, so once one is older than
    // `_since` all the following are too: more than `count` matches means there is a next page.
    const matched = (result.Items ?? []).map(toStoredVersion);
    const versions = matched.slice(0, options.count);
    const last = versions[versions.length - 1];
    return { versions, ...(matched.length > options.count && last ? { nextBelowVersionId: last.versionId } : {}) };
  }

  async commit(writes: readonly ResourceWrite[]): Promise<void> {
    const items: TransactWriteItem[] = [];
    for (const write of writes) {
      const current = currentItem(write, write.resource ? this.indexAttributes(write.resource) : {});
      items.push({
        Put: {
          TableName: this.tableName,
          Item: current,
          ...(write.expectedVersionId === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: 'vid = :expected', ExpressionAttributeValues: { ':expected': { N: String(write.expectedVersionId) } } }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
      items.push({
        Put: { TableName: this.tableName, Item: versionItem(write), ConditionExpression: 'attribute_not_exists(PK)' },
      });
    }
    await this.guard(this.client.send(new TransactWriteItemsCommand({ TransactItems: items })), writes);
  }

  private async getItem(key: Record<string, AttributeValue>): Promise<StoredVersion | undefined> {
    const result = await this.guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })));
    return result.Item ? toStoredVersion(result.Item) : undefined;
  }

  // One place where SDK exceptions become domain errors (style.md, rule 4).
  private async guard<T>(call: Promise<T>, writes?: readonly ResourceWrite[]): Promise<T> {
    try {
      return await call;
    } catch (error) {
      throw translateStorageError(error, writes);
    }
  }
}
