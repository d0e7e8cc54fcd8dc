/**
 * The DynamoDB implementation of {@link ResourceRepository}: every write is one
 * TransactWriteItems (see `transaction.ts`); every read is strongly consistent.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
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
import { clientConsentsKey, currentKey, laneKey, versionKey, versionPk, versionSk, VERSION_SK_PREFIX } from './keys.js';
import { buildTransaction } from './transaction.js';
import type { AuditRecord, CommitBatch, LaneChoice, LaneState, ResourceRepository, StoredVersion, VersionPage, WriteContext } from './types.js';

/** Sends of one commit whose outcome stays unknown before it is reported unavailable (503). */
export const COMMIT_SENDS = 3;
const RESEND_DELAY_MS = 100;
/** Waits before re-sending a seal that collided with a committing write. */
const SEAL_RETRY_DELAYS_MS = [10, 30, 80, 200];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of {@link DynamoResourceRepository}. */
export interface DynamoRepositoryOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

const toLaneState = (lane: LaneChoice, item: Item | undefined): LaneState => ({
  resourceType: lane.resourceType,
  lane: lane.lane,
  seq: Number(item?.seq?.N ?? '0'),
  ...(item?.lastUpdated?.S ? { lastUpdated: item.lastUpdated.S } : {}),
});

/** Each chosen lane's counter among `items`, by resource type. */
function lanesByType(lanes: readonly LaneChoice[], items: readonly Item[]): Map<string, LaneState> {
  return new Map(lanes.map((lane) => [lane.resourceType, toLaneState(lane, items.find((item) => item.PK?.S === laneKey(lane.resourceType, lane.lane).PK.S))]));
}

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

  async readForWrite(resourceType: string, id: string, lane: number): Promise<WriteContext> {
    const items = await this.batchGet([currentKey(resourceType, id), laneKey(resourceType, lane)]);
    const current = items.find((item) => item.PK?.S === resourceType && item.SK?.S === id);
    const counter = items.find((item) => item.PK?.S === laneKey(resourceType, lane).PK.S);
    return { ...(current ? { current: toStoredVersion(current) } : {}), lane: toLaneState({ resourceType, lane }, counter) };
  }

  async readManyForWrite(
    resources: readonly { readonly resourceType: string; readonly id: string }[],
    lanes: readonly LaneChoice[],
  ): Promise<{ readonly current: ReadonlyMap<string, StoredVersion>; readonly lanes: ReadonlyMap<string, LaneState> }> {
    const unique = [...new Map(resources.map((r) => [`${r.resourceType}/${r.id}`, r])).values()];
    const items = await this.batchGet([...unique.map((r) => currentKey(r.resourceType, r.id)), ...lanes.map((l) => laneKey(l.resourceType, l.lane))]);
    const current = new Map<string, StoredVersion>();
    for (const item of items) {
      if (item.SK?.S === 'SEQ' && item.PK?.S?.startsWith('SEQ#')) continue;
      const version = toStoredVersion(item);
      current.set(`${version.resourceType}/${version.id}`, version);
    }
    return { current, lanes: lanesByType(lanes, items) };
  }

  async readLanes(lanes: readonly LaneChoice[]): Promise<ReadonlyMap<string, LaneState>> {
    return lanesByType(lanes, await this.batchGet(lanes.map((l) => laneKey(l.resourceType, l.lane))));
  }

  /**
   * One conditional UpdateItem per lane, in parallel: the lane's instant becomes `instant` unless
   * it is already later (then the old counter comes back with the failed condition). A seal that
   * collides with a committing write is retried briefly, then 503.
   */
  async sealLanes(lanes: readonly LaneChoice[], instant: string): Promise<LaneState[]> {
    return Promise.all(lanes.map((lane) => this.seal(lane, instant)));
  }

  private async seal(lane: LaneChoice, instant: string): Promise<LaneState> {
    const command = new UpdateItemCommand({
      TableName: this.tableName,
      Key: laneKey(lane.resourceType, lane.lane),
      UpdateExpression: 'SET lastUpdated = :instant, seq = if_not_exists(seq, :zero)',
      ConditionExpression: 'attribute_not_exists(lastUpdated) OR lastUpdated < :instant',
      ExpressionAttributeValues: { ':instant': { S: instant }, ':zero': { N: '0' } },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    for (let attempt = 0; ; attempt++) {
      try {
        return toLaneState(lane, (await this.client.send(command)).Attributes);
      } catch (error) {
        // Already sealed later, or written by a later write: what is counted is as it stands.
        if (error instanceof ConditionalCheckFailedException) return toLaneState(lane, error.Item ?? (await this.getRaw(laneKey(lane.resourceType, lane.lane))));
        const translated = translateStorageError(error, []);
        const delay = SEAL_RETRY_DELAYS_MS[attempt];
        if (!(translated instanceof TransactionContentionError)) throw translated;
        if (delay === undefined) throw new StorageUnavailableError('the change feed is being written; retry', { cause: error });
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
    const item = await this.getRaw(key);
    return item ? toStoredVersion(item) : undefined;
  }

  private async getRaw(key: Record<string, AttributeValue>): Promise<Item | undefined> {
    return (await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })))).Item;
  }

  private batchGet(keys: readonly Record<string, AttributeValue>[]): Promise<Item[]> {
    return batchGetItems(this.client, this.tableName, keys);
  }
}
