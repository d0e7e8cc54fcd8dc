/**
 * The DynamoDB implementation of {@link ResourceRepository}: every write is one
 * TransactWriteItems (see `transaction.ts`); every read is strongly consistent.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
import {
  GetItemCommand,
  QueryCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { batchGetItems } from './batch-get.js';
import { isOutcomeUnknown, translateStorageError } from './dynamo-errors.js';
import { StorageUnavailableError, TransactionContentionError } from './errors.js';
import { guard } from './guard.js';
import type { ConsentFacts } from '../access/types.js';
import { writeAuditRecords } from './audit-writer.js';
import { toStoredVersion, type Item } from './item-codec.js';
import { clientConsentsKey, currentKey, GLOBAL_CLOCK, sequenceKey, versionKey, versionPk, versionSk, VERSION_SK_PREFIX } from './keys.js';
import { buildTransaction } from './transaction.js';
import type { AuditRecord, CommitBatch, ResourceRepository, SequenceState, StoredVersion, VersionPage, WriteContext } from './types.js';

/** Sends of one commit whose outcome stays unknown before it is reported unavailable (503). */
export const COMMIT_SENDS = 3;
const RESEND_DELAY_MS = 100;
/** Waits before re-reading a sequence snapshot that collided with a committing write. */
const SNAPSHOT_RETRY_DELAYS_MS = [10, 30, 80, 200];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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

  /**
   * The sequence state of each type (and under `*` the global clock) as of one instant: a
   * TransactGetItems (≤ 100 items) is a serialisable snapshot, where a BatchGetItem may read each
   * key at a different moment — and the feed must never see a later write of one type without an
   * earlier one of another. Contention with a committing write is retried briefly, then 503.
   *
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
   */
  async readSequenceSnapshot(resourceTypes: readonly string[]): Promise<ReadonlyMap<string, SequenceState>> {
    const unique = [...new Set([...resourceTypes, GLOBAL_CLOCK])];
    const command = new TransactGetItemsCommand({ TransactItems: unique.map((type) => ({ Get: { TableName: this.tableName, Key: sequenceKey(type) } })) });
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await guard(this.client.send(command));
        return new Map(unique.map((type, n) => [type, toSequence(result.Responses?.[n]?.Item)]));
      } catch (error) {
        const delay = SNAPSHOT_RETRY_DELAYS_MS[attempt];
        if (!(error instanceof TransactionContentionError)) throw error;
        if (delay === undefined) throw new StorageUnavailableError('the change feed positions are being written; retry', { cause: error });
        await sleep(delay);
      }
    }
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

  /**
   * Sends the commit's one TransactWriteItems with a ClientRequestToken of its own. When the
   * outcome is unknown (a timeout, a broken connection) the SAME request is re-sent, up to
   * {@link COMMIT_SENDS} sends in all: DynamoDB applies a token at most once within 10 minutes
   * and answers a repeat of an applied one with success, so a commit is never applied twice.
   */
  async commit(batch: CommitBatch): Promise<void> {
    const { items, purposes } = buildTransaction(this.tableName, batch);
    const input = { TransactItems: items, ClientRequestToken: randomUUID() };
    for (let send = 1; ; send++) {
      try {
        await this.client.send(new TransactWriteItemsCommand(input));
        return;
      } catch (error) {
        if (send >= COMMIT_SENDS || !isOutcomeUnknown(error)) throw translateStorageError(error, purposes);
        await sleep(RESEND_DELAY_MS * send);
      }
    }
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
