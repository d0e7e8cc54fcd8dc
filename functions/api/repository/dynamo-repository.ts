/**
 * The DynamoDB implementation of {@link ResourceRepository}: every write is one
 * TransactWriteItems (see `transaction.ts`); every read is strongly consistent.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
import {
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { batchGetItems } from './batch-get.js';
import { guard } from './guard.js';
import type { ConsentFacts } from '../access/types.js';
import { writeAuditRecords } from './audit-writer.js';
import { toStoredVersion, type Item } from './item-codec.js';
import { clientConsentsKey, currentKey, GLOBAL_CLOCK, sequenceKey, versionKey, versionPk, versionSk, VERSION_SK_PREFIX } from './keys.js';
import { buildTransaction } from './transaction.js';
import type { AuditRecord, CommitBatch, ResourceRepository, SequenceState, StoredVersion, VersionPage, WriteContext } from './types.js';

/** Options of {@link DynamoResourceRepository}. */
export interface DynamoRepositoryOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

const toSequence = (item: Item | undefined): SequenceState => ({
  seq: Number(item?.seq?.N ?? '0'),
  ...(item?.lastUpdated?.S ? { lastUpdated: item.lastUpdated.S } : {}),
});

export class DynamoResourceRepository implements ResourceRepository {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: DynamoRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async readCurrent(resourceType: string, id: string): Promise<StoredVersion | undefined> {
    return this.getItem(currentKey(resourceType, id));
  }

  async readVersion(resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined> {
    return this.getItem(versionKey(resourceType, id, versionId));
  }

  async readForWrite(resourceType: string, id: string): Promise<WriteContext> {
    const items = await this.batchGet([currentKey(resourceType, id), sequenceKey(resourceType), sequenceKey(GLOBAL_CLOCK)]);
    const current = items.find((item) => item.PK?.S === resourceType && item.SK?.S === id);
    const sequence = items.find((item) => item.PK?.S === 'SEQ' && item.SK?.S === resourceType);
    const clock = items.find((item) => item.PK?.S === 'SEQ' && item.SK?.S === GLOBAL_CLOCK)?.lastUpdated?.S;
    return { ...(current ? { current: toStoredVersion(current) } : {}), sequence: toSequence(sequence), ...(clock ? { clock } : {}) };
  }

  async readManyForWrite(
    resources: readonly { readonly resourceType: string; readonly id: string }[],
    resourceTypes: readonly string[],
  ): Promise<{ readonly current: ReadonlyMap<string, StoredVersion>; readonly sequences: ReadonlyMap<string, SequenceState>; readonly clock?: string }> {
    const types = [...new Set([...resourceTypes, GLOBAL_CLOCK])];
    const unique = [...new Map(resources.map((r) => [`${r.resourceType}/${r.id}`, r])).values()];
    const keys = [...unique.map((r) => currentKey(r.resourceType, r.id)), ...types.map(sequenceKey)];
    const items = await this.batchGet(keys);
    const current = new Map<string, StoredVersion>();
    for (const item of items) {
      if (item.PK?.S === 'SEQ') continue;
      const version = toStoredVersion(item);
      current.set(`${version.resourceType}/${version.id}`, version);
    }
    const sequences = new Map(types.map((type) => [type, toSequence(items.find((item) => item.PK?.S === 'SEQ' && item.SK?.S === type))]));
    const clock = sequences.get(GLOBAL_CLOCK)?.lastUpdated;
    return { current, sequences, ...(clock ? { clock } : {}) };
  }

  async readSequences(resourceTypes: readonly string[]): Promise<ReadonlyMap<string, SequenceState>> {
    const unique = [...new Set([...resourceTypes, GLOBAL_CLOCK])];
    const items = await this.batchGet(unique.map(sequenceKey));
    return new Map(unique.map((type) => [type, toSequence(items.find((item) => item.SK?.S === type))]));
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
    const result = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
          ExpressionAttributeValues: values,
          ...(options.since ? { FilterExpression: 'lastUpdated >= :since' } : {}),
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: options.count + 1,
        }),
      ),
    );
    // Limit applies before the filter, but versions only get newer, so once one is older than
    // `_since` all the following are too: more than `count` matches means there is a next page.
    // A Query that stopped at 1 MB with nothing filtered out has more as well (a short page).
    const matched = (result.Items ?? []).map(toStoredVersion);
    const versions = matched.slice(0, options.count);
    const last = versions[versions.length - 1];
    const cutShort = result.LastEvaluatedKey !== undefined && result.Count === result.ScannedCount;
    return { versions, ...((matched.length > options.count || cutShort) && last ? { nextBelowVersionId: last.versionId } : {}) };
  }

  async commit(batch: CommitBatch): Promise<void> {
    const { items, purposes } = buildTransaction(this.tableName, batch);
    await guard(this.client.send(new TransactWriteItemsCommand({ TransactItems: items })), purposes);
  }

  async readConsents(clientKeys: readonly string[]): Promise<ConsentFacts[]> {
    if (clientKeys.length === 0) return [];
    const items = await this.batchGet([...new Set(clientKeys)].map(clientConsentsKey));
    const byId = new Map<string, ConsentFacts>();
    for (const item of items) {
      for (const [name, value] of Object.entries(item)) {
        if (!name.startsWith('consent:') || value.S === undefined) continue;
        const facts = JSON.parse(value.S) as ConsentFacts;
        byId.set(facts.id, facts);
      }
    }
    return [...byId.values()];
  }

  async appendAudit(records: readonly AuditRecord[]): Promise<void> {
    if (records.length > 0) await writeAuditRecords(this.client, this.tableName, records);
  }

  private async getItem(key: Record<string, AttributeValue>): Promise<StoredVersion | undefined> {
    const result = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })));
    return result.Item ? toStoredVersion(result.Item) : undefined;
  }

  private batchGet(keys: readonly Record<string, AttributeValue>[]): Promise<Item[]> {
    return batchGetItems(this.client, this.tableName, keys);
  }
}
