/**
 * The reads a search is made of — every one a strongly consistent Query, GetItem or BatchGetItem
 * on the base table or a local secondary index, never a Scan. The local indexes hold keys only
 * (`TABLE.localIndexProjection`): a page walked along one is read by one BatchGetItem per 100 keys.
 */
import { GetItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalIndexName } from '../../shared/table-definition.js';
import { batchGetItems } from './batch-get.js';
import { guard } from './guard.js';
import { toStoredVersion, type Item } from './item-codec.js';
import { anchorPk, currentKey, custodianSortKey, uniqueKey } from './keys.js';
import type { StoredVersion } from './types.js';

/** A DynamoDB position to continue a Query from (JSON-serialisable). */
export type StartKey = Record<string, AttributeValue>;

/** A page of current items and where the next starts. */
export interface CurrentPage {
  readonly items: readonly { readonly version: StoredVersion; readonly key: StartKey }[];
  readonly lastKey?: StartKey;
}

/** How to walk the current items of a type. */
export type TypeWalk =
  | { readonly kind: 'all' }
  | { readonly kind: 'patientRef' | 'patientIdentifier'; readonly value: string }
  | { readonly kind: 'lastUpdated'; readonly low?: string; readonly high?: string; readonly descending: boolean };

const LSI: Record<Exclude<TypeWalk['kind'], 'all'>, { index: LocalIndexName; attribute: string }> = {
  patientRef: { index: 'byPatientRef', attribute: 'lsiPatRef' },
  patientIdentifier: { index: 'byPatientIdentifier', attribute: 'lsiPatIdent' },
  lastUpdated: { index: 'byLastUpdated', attribute: 'lsiUpdated' },
};
const BY_CUSTODIAN: { index: LocalIndexName; attribute: string } = { index: 'byCustodian', attribute: 'lsiCustodian' };

export class SearchStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** One page of current items of a type along `walk` (tombstones included; the caller skips them). */
  async walkType(resourceType: string, walk: TypeWalk, limit: number, startKey?: StartKey): Promise<CurrentPage> {
    const values: Record<string, AttributeValue> = { ':type': { S: resourceType } };
    let condition = 'PK = :type';
    let lsi: { index: LocalIndexName; attribute: string } | undefined;
    let forward = true;
    if (walk.kind !== 'all') {
      lsi = LSI[walk.kind];
      if (walk.kind === 'lastUpdated') {
        forward = !walk.descending;
        values[':lo'] = { S: walk.low ?? '0' };
        values[':hi'] = { S: walk.high ?? '9' };
        condition += ` AND ${lsi.attribute} BETWEEN :lo AND :hi`;
      } else {
        values[':v'] = { S: walk.value };
        condition += ` AND ${lsi.attribute} = :v`;
      }
    }
    return this.queryPage({ condition, values, lsi, forward, limit, startKey });
  }

  /**
   * One page of the live current items of a type held by `custodian` (byCustodian), in id
   * order, from the first id after `afterId` on.
   */
  async custodianPage(resourceType: string, custodian: string, afterId: string | undefined, limit: number, startKey?: StartKey): Promise<CurrentPage> {
    const values: Record<string, AttributeValue> = {
      ':type': { S: resourceType },
      ':lo': { S: custodianSortKey(custodian, afterId ?? '') },
      // '~' sorts after every character an id may hold ([A-Za-z0-9-.]).
      ':hi': { S: custodianSortKey(custodian, '~') },
    };
    const condition = `PK = :type AND ${BY_CUSTODIAN.attribute} BETWEEN :lo AND :hi`;
    const page = await this.queryPage({ condition, values, lsi: BY_CUSTODIAN, forward: true, limit, startKey });
    // BETWEEN includes its lower bound: the item at `afterId` itself was on the previous page.
    return afterId === undefined ? page : { ...page, items: page.items.filter((item) => item.version.id !== afterId) };
  }

  /**
   * Ids of the resources of a type holding an anchor (`<param>=<reference key>`): all of them,
   * or, once more than `max` are found, the first `max + 1` (enough to tell there are too many).
   */
  async anchorIds(resourceType: string, anchor: string, max = Number.POSITIVE_INFINITY): Promise<string[]> {
    const ids: string[] = [];
    let startKey: StartKey | undefined;
    do {
      const result = await guard(
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': { S: anchorPk(resourceType, anchor) } },
            ConsistentRead: true,
            ...(Number.isFinite(max) ? { Limit: max + 1 - ids.length } : {}),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of result.Items ?? []) if (item.SK?.S) ids.push(item.SK.S);
      startKey = ids.length > max ? undefined : result.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }

  /** The id holding a business identifier (its key, `<len(system)>:<system>|<value>`), if any. */
  async uniqueId(resourceType: string, identifier: string): Promise<string | undefined> {
    const result = await guard(
      this.client.send(new GetItemCommand({ TableName: this.tableName, Key: uniqueKey(resourceType, identifier), ConsistentRead: true })),
    );
    return result.Item?.id?.S;
  }

  /** Current items by id (consistent BatchGetItem in chunks of 100), in the order of `ids`. */
  async currentByIds(resourceType: string, ids: readonly string[]): Promise<StoredVersion[]> {
    const unique = [...new Set(ids)];
    const items = await batchGetItems(this.client, this.tableName, unique.map((id) => currentKey(resourceType, id)));
    const found = new Map(items.map((item) => toStoredVersion(item)).map((version) => [version.id, version]));
    return unique.map((id) => found.get(id)).filter((version): version is StoredVersion => version !== undefined);
  }

  private async queryPage(query: {
    readonly condition: string;
    readonly values: Record<string, AttributeValue>;
    readonly lsi: { readonly index: LocalIndexName; readonly attribute: string } | undefined;
    readonly forward: boolean;
    readonly limit: number;
    readonly startKey: StartKey | undefined;
  }): Promise<CurrentPage> {
    const result = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(query.lsi ? { IndexName: query.lsi.index } : {}),
          KeyConditionExpression: query.condition,
          ExpressionAttributeValues: query.values,
          ConsistentRead: true,
          ScanIndexForward: query.forward,
          Limit: query.limit,
          ...(query.startKey ? { ExclusiveStartKey: query.startKey } : {}),
        }),
      ),
    );
    const found = query.lsi ? await this.itemsOf(result.Items ?? [], query.lsi.attribute) : (result.Items ?? []);
    const items = found.map((item) => ({ version: toStoredVersion(item), key: keyOf(item, query.lsi?.attribute) }));
    return { items, ...(result.LastEvaluatedKey ? { lastKey: result.LastEvaluatedKey } : {}) };
  }

  /**
   * The items behind a page of local-index keys, in index order (consistent BatchGetItem). An
   * item changed between the Query and the read so that it no longer sits where the index put it
   * (deleted, or moved to another patient or instant) is left out: the walk meets it at its new
   * place, if anywhere, as if it had been read a moment later.
   */
  private async itemsOf(keys: readonly Item[], attribute: string): Promise<Item[]> {
    if (keys.length === 0) return [];
    const tableKey = (item: Item): string => `${item.PK?.S ?? ''}\u0000${item.SK?.S ?? ''}`;
    const read = await batchGetItems(this.client, this.tableName, keys.map((item) => ({ PK: item.PK ?? { S: '' }, SK: item.SK ?? { S: '' } })));
    const byKey = new Map(read.map((item) => [tableKey(item), item]));
    return keys.flatMap((key) => {
      const item = byKey.get(tableKey(key));
      return item !== undefined && item[attribute]?.S === key[attribute]?.S ? [item] : [];
    });
  }
}

/** The key to continue a Query right after `item` (table key plus the LSI sort key). */
function keyOf(item: Item, lsiAttribute: string | undefined): StartKey {
  const key: StartKey = { PK: item.PK ?? { S: '' }, SK: item.SK ?? { S: '' } };
  if (lsiAttribute && item[lsiAttribute]) key[lsiAttribute] = item[lsiAttribute];
  return key;
}
