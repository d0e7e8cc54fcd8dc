/**
 * Builds the one TransactWriteItems of a commit: per resource the current item (conditional
 * on the version read), the version record, anchor and identifier items added or removed, and
 * per lane the counter advance (conditional on the number read and on no seal since). Each action is tagged with
 * its purpose so a cancellation can be explained.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { DuplicateIdentifierError } from './errors.js';
import { currentItem, versionItem } from './item-codec.js';
import { anchorPk, auditPk, auditSk, clientConsentsKey, consentAttribute, laneKey, laneName, uniqueKey } from './keys.js';
import type { AuditRecord, CommitBatch, ResourceWrite, SequenceAdvance } from './types.js';

/** Why an action is in the transaction: used to translate `CancellationReasons`. */
export type ActionPurpose =
  | { readonly kind: 'current' | 'version' | 'anchor'; readonly write: ResourceWrite }
  | { readonly kind: 'unique'; readonly write: ResourceWrite; readonly identifier: string }
  | { readonly kind: 'sequence'; readonly resourceType: string }
  | { readonly kind: 'consents'; readonly clientKey: string }
  | { readonly kind: 'audit' };

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
  const uniqueClaims = new Map<string, { write: ResourceWrite; take: boolean }[]>();
  const claim = (identifier: string, write: ResourceWrite, take: boolean): void => {
    const key = `${write.resourceType}\u0000${identifier}`;
    uniqueClaims.set(key, [...(uniqueClaims.get(key) ?? []), { write, take }]);
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
    for (const identifier of difference(after?.identifiers, before?.identifiers)) claim(identifier, write, true);
    for (const identifier of difference(before?.identifiers, after?.identifiers)) claim(identifier, write, false);
  }

  // One action per identifier item even when a transaction moves an identifier from one
  // resource to another (DynamoDB refuses two operations on one item): the taker gets it, and
  // the item may currently belong to any resource of the transaction that touches it.
  for (const [identifierKey, claims] of uniqueClaims) {
    const [resourceType, identifier] = identifierKey.split('\u0000') as [string, string];
    const takers = claims.filter((c) => c.take);
    if (takers.length > 1) throw new DuplicateIdentifierError(resourceType, identifier, takers[0]!.write.id);
    const owner = takers[0];
    const allowed = [...new Set(claims.map((c) => c.write.id))];
    const values = Object.fromEntries(allowed.map((id, n) => [`:id${n}`, { S: id }]));
    const condition = `attribute_not_exists(PK) OR ${allowed.map((_, n) => `id = :id${n}`).join(' OR ')}`;
    const purposeWrite = owner?.write ?? claims[0]!.write;
    add(
      owner
        ? {
            Put: {
              TableName: tableName,
              Item: { ...uniqueKey(resourceType, identifier), id: { S: owner.write.id } },
              ConditionExpression: condition,
              ExpressionAttributeValues: values,
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          }
        : { Delete: { TableName: tableName, Key: uniqueKey(resourceType, identifier), ConditionExpression: condition, ExpressionAttributeValues: values } },
      { kind: 'unique', write: purposeWrite, identifier },
    );
  }

  for (const [clientKey, update] of consentUpdates(batch)) add(update(tableName), { kind: 'consents', clientKey });
  for (const record of batch.audit ?? []) add({ Put: auditPut(tableName, record) }, { kind: 'audit' });

  for (const sequence of batch.sequences) add(laneAdvance(tableName, sequence), { kind: 'sequence', resourceType: laneName(sequence.resourceType, sequence.lane) });
  return { items, purposes };
}

/**
 * The advance of one lane's counter: the next gap-free number, on the condition that nobody took
 * it first and that no feed reader sealed the lane at or after this batch's first instant there
 * (a reader serves what is older than its seal, so a write stamped before it must not land).
 */
function laneAdvance(tableName: string, sequence: SequenceAdvance): TransactWriteItem {
  const numbered = sequence.expected === 0 ? '(attribute_not_exists(seq) OR seq = :expected)' : 'seq = :expected';
  return {
    Update: {
      TableName: tableName,
      Key: laneKey(sequence.resourceType, sequence.lane),
      UpdateExpression: 'SET seq = :next, lastUpdated = :lastUpdated',
      ConditionExpression: `${numbered} AND (attribute_not_exists(lastUpdated) OR lastUpdated < :first)`,
      ExpressionAttributeValues: {
        ':next': { N: String(sequence.next) },
        ':expected': { N: String(sequence.expected) },
        ':first': { S: sequence.first },
        ':lastUpdated': { S: sequence.lastUpdated },
      },
    },
  };
}

/** How many DynamoDB actions `batch` needs (to refuse an oversized transaction before sending it). */
export function transactionActionCount(batch: CommitBatch): number {
  return buildTransaction('count', batch).items.length;
}

/**
 * One Update per client whose consents the batch changes (DynamoDB refuses two actions on one
 * item): a live Consent's facts are set under each of its client keys and removed from keys it
 * no longer has; a deleted Consent's facts are removed.
 */
function consentUpdates(batch: CommitBatch): Map<string, (tableName: string) => TransactWriteItem> {
  const sets = new Map<string, Map<string, string>>();
  const removes = new Map<string, Set<string>>();
  for (const write of batch.writes) {
    if (write.resourceType !== 'Consent') continue;
    const now = write.consent ? write.access.clientKeys : [];
    for (const key of now) sets.set(key, (sets.get(key) ?? new Map()).set(write.id, JSON.stringify(write.consent)));
    for (const key of write.previousClientKeys ?? []) if (!now.includes(key)) removes.set(key, (removes.get(key) ?? new Set()).add(write.id));
  }
  const updates = new Map<string, (tableName: string) => TransactWriteItem>();
  for (const clientKey of new Set([...sets.keys(), ...removes.keys()])) {
    const names: Record<string, string> = {};
    const values: Record<string, { S: string }> = {};
    const setParts: string[] = [];
    const removeParts: string[] = [];
    let n = 0;
    for (const [id, facts] of sets.get(clientKey) ?? []) {
      names[`#c${n}`] = consentAttribute(id);
      values[`:c${n}`] = { S: facts };
      setParts.push(`#c${n} = :c${n}`);
      n++;
    }
    for (const id of removes.get(clientKey) ?? []) {
      names[`#c${n}`] = consentAttribute(id);
      removeParts.push(`#c${n}`);
      n++;
    }
    const expression = [setParts.length > 0 ? `SET ${setParts.join(', ')}` : '', removeParts.length > 0 ? `REMOVE ${removeParts.join(', ')}` : ''].filter(Boolean).join(' ');
    updates.set(clientKey, (tableName) => ({
      Update: {
        TableName: tableName,
        Key: clientConsentsKey(clientKey),
        UpdateExpression: expression,
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      },
    }));
  }
  return updates;
}

/** The Put of one audit record (never overwrites: event ids are unique). */
export function auditPut(tableName: string, record: AuditRecord): NonNullable<TransactWriteItem['Put']> {
  return {
    TableName: tableName,
    Item: {
      PK: { S: auditPk(record.clientKey, record.recorded, shardOf(record.eventId)) },
      SK: { S: auditSk(record.recorded, record.eventId) },
      body: { S: record.body },
      expiresAt: { N: String(record.expiresAt) },
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  };
}

/** A stable shard (0–9) for records about no client, from the event id. */
function shardOf(eventId: string): number {
  let hash = 0;
  for (const char of eventId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 10;
}
