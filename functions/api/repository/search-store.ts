/**
 * The reads a search is made of — every one a strongly consistent Query or GetItem on the
 * base table or a local secondary index, never a Scan.
 */
import { GetItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalIndexName } from '../../shared/table-definition.js';
import { batchGetItems } from './batch-get.js';
import { guard } from './guard.js';
import { toStoredVersion, type Item } from './item-codec.js';
import { anchorPk, currentKey, uniqueKey } from './keys.js';
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

export class SearchStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** One page of current items of a type along `walk` (tombstones included; the caller skips them). */
  async walkType(resourceType: string, walk: TypeWalk, limit: number, startKey?: StartKey): Promise<CurrentPage> {
    const values: Record<string, AttributeValue> = { ':type': { S: resourceType } };
    let condition = 'PK = :type';
    let indexName: string | undefined;
    let forward = true;
    let lsiAttribute: string | undefined;
    if (walk.kind !== 'all') {
      const lsi = LSI[walk.kind];
      indexName = lsi.index;
      lsiAttribute = lsi.attribute;
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
    const result = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(indexName ? { IndexName: indexName } : {}),
          KeyConditionExpression: condition,
          ExpressionAttributeValues: values,
          ConsistentRead: true,
          ScanIndexForward: forward,
          Limit: limit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    const items = (result.Items ?? []).map((item) => ({ version: toStoredVersion(item), key: keyOf(item, lsiAttribute) }));
    return { items, ...(result.LastEvaluatedKey ? { lastKey: result.LastEvaluatedKey } : {}) };
  }

  /** Ids of the resources of a type holding an anchor (`<param>=<reference key>`), all pages. */
  async anchorIds(resourceType: string, anchor: string): Promise<string[]> {
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
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of result.Items ?? []) if (item.SK?.S) ids.push(item.SK.S);
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }

  /** The id holding a business identifier (`<system>|<value>`), if any. */
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
}

/** The key to continue a Query right after `item` (table key plus the LSI sort key). */
function keyOf(item: Item, lsiAttribute: string | undefined): StartKey {
  const key: StartKey = { PK: item.PK ?? { S: '' }, SK: item.SK ?? { S: '' } };
  if (lsiAttribute && item[lsiAttribute]) key[lsiAttribute] = item[lsiAttribute];
  return key;
}
