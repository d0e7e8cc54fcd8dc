/**
 * Builds the one TransactWriteItems of a commit: per resource the current item (conditional
 * on the version read), the version record, anchor and identifier items added or removed, and
 * per type the sequence advance (conditional on the number read). Each action is tagged with
 * its purpose so a cancellation can be explained.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { currentItem, versionItem } from './item-codec.js';
import { anchorPk, GLOBAL_CLOCK, sequenceKey, uniqueKey } from './keys.js';
import type { CommitBatch, ResourceWrite } from './types.js';

/** Why an action is in the transaction: used to translate `CancellationReasons`. */
export type ActionPurpose =
  | { readonly kind: 'current' | 'version' | 'anchor'; readonly write: ResourceWrite }
  | { readonly kind: 'unique'; readonly write: ResourceWrite; readonly identifier: string }
  | { readonly kind: 'sequence'; readonly resourceType: string };

/** DynamoDB's limit of actions in one transaction. */
export const MAX_TRANSACTION_ACTIONS = 100;

const difference = (a: readonly string[] = [], b: readonly string[] = []): string[] => a.filter((value) => !b.includes(value));

/** The actions of a commit and, index for index, their purposes. */
export function buildTransaction(tableName: string, batch: CommitBatch): { items: TransactWriteItem[]; purposes: ActionPurpose[] } {
  const items: TransactWriteItem[] = [];
  const purposes: ActionPurpose[] = [];
  const add = (item: TransactWriteItem, purpose: ActionPurpose): void => {
    items.push(item);
    purposes.push(purpose);
  };

  for (const write of batch.writes) {
    add(
      {
        Put: {
          TableName: tableName,
          Item: currentItem(write),
          ...(write.expectedVersionId === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: 'vid = :expected', ExpressionAttributeValues: { ':expected': { N: String(write.expectedVersionId) } } }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      { kind: 'current', write },
    );
    add({ Put: { TableName: tableName, Item: versionItem(write), ConditionExpression: 'attribute_not_exists(PK)' } }, { kind: 'version', write });

    const before = write.previousIndex;
    const after = write.index;
    for (const anchor of difference(after?.anchors, before?.anchors)) {
      add({ Put: { TableName: tableName, Item: { PK: { S: anchorPk(write.resourceType, anchor) }, SK: { S: write.id } } } }, { kind: 'anchor', write });
    }
    for (const anchor of difference(before?.anchors, after?.anchors)) {
      add({ Delete: { TableName: tableName, Key: { PK: { S: anchorPk(write.resourceType, anchor) }, SK: { S: write.id } } } }, { kind: 'anchor', write });
    }
    for (const identifier of difference(after?.identifiers, before?.identifiers)) {
      add(
        {
          Put: {
            TableName: tableName,
            Item: { ...uniqueKey(write.resourceType, identifier), id: { S: write.id } },
            ConditionExpression: 'attribute_not_exists(PK) OR id = :id',
            ExpressionAttributeValues: { ':id': { S: write.id } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        { kind: 'unique', write, identifier },
      );
    }
    for (const identifier of difference(before?.identifiers, after?.identifiers)) {
      add(
        {
          Delete: {
            TableName: tableName,
            Key: uniqueKey(write.resourceType, identifier),
            ConditionExpression: 'attribute_not_exists(PK) OR id = :id',
            ExpressionAttributeValues: { ':id': { S: write.id } },
          },
        },
        { kind: 'unique', write, identifier },
      );
    }
  }

  for (const sequence of batch.sequences) {
    add(
      {
        Update: {
          TableName: tableName,
          Key: sequenceKey(sequence.resourceType),
          UpdateExpression: 'SET seq = :next, lastUpdated = :lastUpdated',
          ConditionExpression: sequence.expected === 0 ? 'attribute_not_exists(seq) OR seq = :expected' : 'seq = :expected',
          ExpressionAttributeValues: {
            ':next': { N: String(sequence.next) },
            ':expected': { N: String(sequence.expected) },
            ':lastUpdated': { S: sequence.lastUpdated },
          },
        },
      },
      { kind: 'sequence', resourceType: sequence.resourceType },
    );
  }
  // Commits must happen in lastUpdated order across all types, or a system-level feed reader
  // could move past an instant before an older write of another type lands.
  add(
    {
      Update: {
        TableName: tableName,
        Key: sequenceKey(GLOBAL_CLOCK),
        UpdateExpression: 'SET lastUpdated = :clock',
        ConditionExpression: 'attribute_not_exists(lastUpdated) OR lastUpdated < :clock',
        ExpressionAttributeValues: { ':clock': { S: batch.clock } },
      },
    },
    { kind: 'sequence', resourceType: GLOBAL_CLOCK },
  );
  return { items, purposes };
}

/** How many DynamoDB actions `batch` needs (to refuse an oversized transaction before sending it). */
export function transactionActionCount(batch: CommitBatch): number {
  return buildTransaction('count', batch).items.length;
}
