import 'aws-sdk-client-mock-vitest/extend';
import { DynamoDBClient, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DuplicateIdentifierError, DynamoResourceRepository, transactionActionCount } from '../../functions/api/repository/index.js';
import type { CommitBatch, ResourceWrite } from '../../functions/api/repository/types.js';
import { buildTransaction } from '../../functions/api/repository/transaction.js';
import { auditRecord, consentWrite, entries, goalWrite, TABLE } from './builders.js';

const CLOCK = '2026-12-01T10:00:00.000Z';

function batchOf(writes: readonly ResourceWrite[], extra: Partial<CommitBatch> = {}): CommitBatch {
  const types = [...new Set(writes.map((w) => w.resourceType))];
  return {
    writes,
    sequences: types.map((resourceType) => ({ resourceType, lane: 3, expected: 4, next: 5, first: CLOCK, lastUpdated: CLOCK })),
    ...extra,
  };
}

/** One line per action: what it does to which item. */
function describeActions(items: readonly TransactWriteItem[]): string[] {
  return items.map((item) => {
    if (item.Put) return `Put ${item.Put.Item?.PK?.S} ${item.Put.Item?.SK?.S}`;
    if (item.Delete) return `Delete ${item.Delete.Key?.PK?.S} ${item.Delete.Key?.SK?.S}`;
    if (item.Update) return `Update ${item.Update.Key?.PK?.S} ${item.Update.Key?.SK?.S}`;
    return 'ConditionCheck';
  });
}

describe('buildTransaction', () => {
  it('creates with the current item conditional on absence, the version record, anchors, identifiers, audit and the lane advance', () => {
    const write = goalWrite('g1', { index: entries(['care-team=CareTeam/t1'], ['urn:x|1']) });
    const { items, purposes } = buildTransaction(TABLE, batchOf([write], { audit: [auditRecord('e1', 'Patient/p1')] }));
    expect(describeActions(items)).toEqual([
      'Put Goal g1',
      'Put Goal/g1 V#0000000001',
      'Put IX#Goal#care-team=CareTeam/t1 g1',
      'Put UQ#Goal#urn:x|1 UQ',
      'Put AU#Patient/p1#2026 2026-12-01T10:00:00.000Z#e1',
      'Update SEQ#Goal#3 SEQ',
    ]);
    expect(purposes.map((p) => p.kind)).toEqual(['current', 'version', 'anchor', 'unique', 'audit', 'sequence']);
    expect(items[0]!.Put).toMatchObject({ TableName: TABLE, ConditionExpression: 'attribute_not_exists(PK)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    expect(items[1]!.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(PK)', Item: { histPK: { S: 'Goal#0' }, histSK: { S: '000000000001' } } });
    expect(items[3]!.Put).toMatchObject({
      Item: { id: { S: 'g1' } },
      ConditionExpression: 'attribute_not_exists(PK) OR id = :id0',
      ExpressionAttributeValues: { ':id0': { S: 'g1' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(items[4]!.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(PK)', Item: { expiresAt: { N: '2000000000' } } });
  });

  it('moves the lane counter conditional on the number read and on no seal at or after the first instant', () => {
    const later = '2026-12-01T10:00:00.005Z';
    const batch: CommitBatch = { writes: [goalWrite('g1')], sequences: [{ resourceType: 'Goal', lane: 3, expected: 4, next: 6, first: CLOCK, lastUpdated: later }] };
    const { items, purposes } = buildTransaction(TABLE, batch);
    expect(items.at(-1)!.Update).toEqual({
      TableName: TABLE,
      Key: { PK: { S: 'SEQ#Goal#3' }, SK: { S: 'SEQ' } },
      UpdateExpression: 'SET seq = :next, lastUpdated = :lastUpdated',
      ConditionExpression: 'seq = :expected AND (attribute_not_exists(lastUpdated) OR lastUpdated < :first)',
      ExpressionAttributeValues: { ':next': { N: '6' }, ':expected': { N: '4' }, ':first': { S: CLOCK }, ':lastUpdated': { S: later } },
    });
    expect(purposes.at(-1)).toEqual({ kind: 'sequence', resourceType: 'Goal#3' });
  });

  it('accepts a missing or only sealed lane counter for the first write of a lane', () => {
    const batch: CommitBatch = { writes: [goalWrite('g1')], sequences: [{ resourceType: 'Goal', lane: 0, expected: 0, next: 1, first: CLOCK, lastUpdated: CLOCK }] };
    expect(buildTransaction(TABLE, batch).items.at(-1)!.Update!.ConditionExpression).toBe(
      '(attribute_not_exists(seq) OR seq = :expected) AND (attribute_not_exists(lastUpdated) OR lastUpdated < :first)',
    );
  });

  it('updates conditional on the version read, adding and removing only the anchors and identifiers that changed', () => {
    const write = goalWrite('g1', {
      expectedVersionId: 3,
      versionId: 4,
      method: 'PUT',
      previousIndex: entries(['care-team=CareTeam/a', 'care-team=CareTeam/b'], ['urn:x|old', 'urn:x|kept']),
      index: entries(['care-team=CareTeam/b', 'care-team=CareTeam/c'], ['urn:x|kept', 'urn:x|new']),
    });
    const { items, purposes } = buildTransaction(TABLE, batchOf([write]));
    expect(describeActions(items)).toEqual([
      'Put Goal g1',
      'Put Goal/g1 V#0000000004',
      'Put IX#Goal#care-team=CareTeam/c g1',
      'Delete IX#Goal#care-team=CareTeam/a g1',
      'Put UQ#Goal#urn:x|new UQ',
      'Delete UQ#Goal#urn:x|old UQ',
      'Update SEQ#Goal#3 SEQ',
    ]);
    expect(items[0]!.Put).toMatchObject({ ConditionExpression: 'vid = :expected', ExpressionAttributeValues: { ':expected': { N: '3' } } });
    expect(items[5]!.Delete).toMatchObject({ ConditionExpression: 'attribute_not_exists(PK) OR id = :id0', ExpressionAttributeValues: { ':id0': { S: 'g1' } } });
    expect(purposes[4]).toMatchObject({ kind: 'unique', identifier: 'urn:x|new', write: { id: 'g1' } });
    expect(purposes[5]).toMatchObject({ kind: 'unique', identifier: 'urn:x|old', write: { id: 'g1' } });
  });

  it('deletes by writing a tombstone and removing every anchor and identifier item the resource owned', () => {
    const write = goalWrite('g1', {
      expectedVersionId: 2,
      versionId: 3,
      method: 'DELETE',
      resource: undefined,
      index: undefined,
      previousIndex: entries(['goal=Goal/x'], ['urn:x|1']),
    });
    const { items } = buildTransaction(TABLE, batchOf([write]));
    expect(describeActions(items)).toEqual([
      'Put Goal g1',
      'Put Goal/g1 V#0000000003',
      'Delete IX#Goal#goal=Goal/x g1',
      'Delete UQ#Goal#urn:x|1 UQ',
      'Update SEQ#Goal#3 SEQ',
    ]);
    expect(items[0]!.Put!.Item).toMatchObject({ deleted: { BOOL: true }, custodian: { S: expect.any(String) } });
    expect(items[0]!.Put!.Item).not.toHaveProperty('body');
    expect(items[0]!.Put!.Item).not.toHaveProperty('sx');
  });

  it('moves an identifier between two resources of one transaction with one action, allowed to either holder', () => {
    const loser = goalWrite('a', { expectedVersionId: 1, versionId: 2, previousIndex: entries([], ['urn:x|1']), index: entries([]) });
    const taker = goalWrite('b', { index: entries([], ['urn:x|1']) });
    const { items, purposes } = buildTransaction(TABLE, batchOf([loser, taker]));
    const unique = items.filter((item) => (item.Put?.Item ?? item.Delete?.Key)?.PK?.S === 'UQ#Goal#urn:x|1');
    expect(unique).toHaveLength(1);
    expect(unique[0]!.Put).toMatchObject({
      Item: { id: { S: 'b' } },
      ConditionExpression: 'attribute_not_exists(PK) OR id = :id0 OR id = :id1',
      ExpressionAttributeValues: { ':id0': { S: 'a' }, ':id1': { S: 'b' } },
    });
    expect(purposes[items.indexOf(unique[0]!)]).toMatchObject({ kind: 'unique', identifier: 'urn:x|1', write: { id: 'b' } });
  });

  it('refuses two resources taking the same identifier before anything is sent', () => {
    const batch = batchOf([goalWrite('a', { index: entries([], ['urn:x|1']) }), goalWrite('b', { index: entries([], ['urn:x|1']) })]);
    expect(() => buildTransaction(TABLE, batch)).toThrow(DuplicateIdentifierError);
  });

  it('sets and removes Consent facts with one merged Update per client', () => {
    const moved = consentWrite('c1', ['k2'], { expectedVersionId: 1, versionId: 2, previousClientKeys: ['k1'] });
    const added = consentWrite('c2', ['k1']);
    const removed = consentWrite('c3', ['k1'], { expectedVersionId: 1, versionId: 2, resource: undefined, consent: undefined, previousClientKeys: ['k1'] });
    const { items, purposes } = buildTransaction(TABLE, batchOf([moved, added, removed]));
    const updates = items.filter((item) => item.Update?.Key?.SK?.S === 'CONSENTS');
    expect(updates.map((item) => item.Update!.Key!.PK!.S)).toEqual(['CLIENT#k2', 'CLIENT#k1']);
    expect(updates[0]!.Update).toMatchObject({
      UpdateExpression: 'SET #c0 = :c0',
      ExpressionAttributeNames: { '#c0': 'consent:c1' },
      ExpressionAttributeValues: { ':c0': { S: JSON.stringify(moved.consent) } },
    });
    expect(updates[1]!.Update).toEqual({
      TableName: TABLE,
      Key: { PK: { S: 'CLIENT#k1' }, SK: { S: 'CONSENTS' } },
      UpdateExpression: 'SET #c0 = :c0 REMOVE #c1, #c2',
      ExpressionAttributeNames: { '#c0': 'consent:c2', '#c1': 'consent:c1', '#c2': 'consent:c3' },
      ExpressionAttributeValues: { ':c0': { S: JSON.stringify(added.consent) } },
    });
    expect(updates.map((item) => purposes[items.indexOf(item)])).toEqual([
      { kind: 'consents', clientKey: 'k2' },
      { kind: 'consents', clientKey: 'k1' },
    ]);
  });

  it('removes a deleted Consent\'s facts with an Update that has no values', () => {
    const removed = consentWrite('c3', ['k1'], { expectedVersionId: 1, versionId: 2, resource: undefined, consent: undefined, previousClientKeys: ['k1'] });
    const update = buildTransaction(TABLE, batchOf([removed])).items.find((item) => item.Update?.Key?.SK?.S === 'CONSENTS')!.Update!;
    expect(update.UpdateExpression).toBe('REMOVE #c0');
    expect(update).not.toHaveProperty('ExpressionAttributeValues');
  });

  it('keeps purposes aligned index for index with the actions of a mixed batch', () => {
    const batch = batchOf(
      [
        goalWrite('g1', { index: entries(['care-team=CareTeam/t1'], ['urn:x|1']) }),
        consentWrite('c1', ['k1', 'k2'], { index: entries(['actor=Organization/o1']) }),
      ],
      { audit: [auditRecord('e1', 'k1'), auditRecord('e2', 'k2')] },
    );
    const { items, purposes } = buildTransaction(TABLE, batch);
    expect(purposes).toHaveLength(items.length);
    items.forEach((item, n) => {
      const purpose = purposes[n]!;
      const pk = (item.Put?.Item ?? item.Delete?.Key ?? item.Update?.Key)!.PK!.S!;
      if (purpose.kind === 'current') expect(pk).toBe(purpose.write.resourceType);
      if (purpose.kind === 'version') expect(pk).toBe(`${purpose.write.resourceType}/${purpose.write.id}`);
      if (purpose.kind === 'anchor') expect(pk).toMatch(new RegExp(`^IX#${purpose.write.resourceType}#`));
      if (purpose.kind === 'unique') expect(pk).toBe(`UQ#${purpose.write.resourceType}#${purpose.identifier}`);
      if (purpose.kind === 'consents') expect(pk).toBe(`CLIENT#${purpose.clientKey}`);
      if (purpose.kind === 'audit') expect(pk).toMatch(/^AU#/);
      if (purpose.kind === 'sequence') expect(item.Update!.Key!.PK!.S).toBe(`SEQ#${purpose.resourceType}`);
    });
  });
});

describe('transactionActionCount', () => {
  it('counts the actions the transaction will send', () => {
    const batch = batchOf([goalWrite('g1', { index: entries(['care-team=CareTeam/t1', 'goal=Goal/x'], ['urn:x|1']) })], { audit: [auditRecord('e1', 'Patient/p1')] });
    expect(transactionActionCount(batch)).toBe(buildTransaction(TABLE, batch).items.length);
    expect(transactionActionCount(batch)).toBe(7);
  });
});

describe('DynamoResourceRepository.commit', () => {
  it('sends the whole batch as one TransactWriteItems', async () => {
    const client = new DynamoDBClient({ region: 'local' });
    const mock = mockClient(client);
    mock.on(TransactWriteItemsCommand).resolves({});
    const repository = new DynamoResourceRepository({ client, tableName: TABLE });
    await repository.commit(batchOf([goalWrite('g1')], { audit: [auditRecord('e1', 'Patient/p1')] }));
    expect(mock).toReceiveCommandTimes(TransactWriteItemsCommand, 1);
    expect(mock).toReceiveCommandWith(TransactWriteItemsCommand, {
      TransactItems: [
        { Put: expect.objectContaining({ TableName: TABLE, ConditionExpression: 'attribute_not_exists(PK)' }) },
        { Put: expect.objectContaining({ Item: expect.objectContaining({ SK: { S: 'V#0000000001' } }) }) },
        { Put: expect.objectContaining({ Item: expect.objectContaining({ PK: { S: 'AU#Patient/p1#2026' } }) }) },
        { Update: expect.objectContaining({ Key: { PK: { S: 'SEQ#Goal#3' }, SK: { S: 'SEQ' } } }) },
      ],
    });
  });
});
