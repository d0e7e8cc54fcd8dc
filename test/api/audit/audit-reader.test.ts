/**
 * The storage edge of the access log, against a mocked DynamoDB client: what each Query asks
 * for, how the year partitions are walked and bounded, and how failures are translated.
 */
import { DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuditReader, type AuditQuery } from '../../../functions/api/repository/audit-reader.js';
import { StorageUnavailableError } from '../../../functions/api/repository/index.js';

const CLIENT = 'urn:oid:1.2.246.21|311080-999X';
const client = new DynamoDBClient({ region: 'local' });
const mock = mockClient(client);
const reader = new AuditReader(client, 'table');

const item = (recorded: string, id: string): Record<string, { S: string }> => ({
  SK: { S: `${recorded}#${id}` },
  body: { S: JSON.stringify({ resourceType: 'AuditEvent', id, recorded, outcome: '0' }) },
});
const query = (overrides: Partial<AuditQuery> = {}): AuditQuery => ({
  clientKey: CLIENT,
  low: '2024-06-01T00:00:00.000Z',
  high: '2026-12-31T23:59:59.999Z',
  newestFirst: true,
  count: 2,
  maxExamined: 1000,
  maxQueries: 16,
  ...overrides,
});
const sent = (): QueryCommandInput[] => mock.commandCalls(QueryCommand).map((call) => call.args[0].input);

beforeEach(() => mock.reset());

describe('AuditReader', () => {
  it('queries the client year partitions newest first, strongly consistent, within the recorded range', async () => {
    mock.on(QueryCommand).resolves({ Items: [] });
    expect(await reader.page(query())).toEqual({ events: [] });
    expect(sent().map((input) => input.ExpressionAttributeValues?.[':pk']?.S)).toEqual([`AU#${CLIENT}#2026`, `AU#${CLIENT}#2025`, `AU#${CLIENT}#2024`]);
    for (const input of sent()) {
      expect(input).toMatchObject({
        TableName: 'table',
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
        ConsistentRead: true,
        ScanIndexForward: false,
        Limit: 3,
      });
      expect(input.ExpressionAttributeValues).toMatchObject({ ':lo': { S: '2024-06-01T00:00:00.000Z' }, ':hi': { S: '2026-12-31T23:59:59.999Z$' } });
    }
  });

  it('stops at a full page and continues after the last record it took', async () => {
    mock.on(QueryCommand).resolves({ Items: [item('2026-03-03T00:00:00.000Z', 'c'), item('2026-03-02T00:00:00.000Z', 'b'), item('2026-03-01T00:00:00.000Z', 'a')] });
    const page = await reader.page(query());
    expect(page.events.map((event) => event.id)).toEqual(['c', 'b']);
    expect(page.next).toEqual({ year: 2026, after: '2026-03-02T00:00:00.000Z#b' });
    expect(sent()).toHaveLength(1);

    mock.reset();
    mock.on(QueryCommand).resolves({ Items: [item('2026-03-01T00:00:00.000Z', 'a')] });
    await reader.page(query({ from: page.next! }));
    expect(sent()[0]!.ExclusiveStartKey).toEqual({ PK: { S: `AU#${CLIENT}#2026` }, SK: { S: '2026-03-02T00:00:00.000Z#b' } });
  });

  it('skips, without a Query, a partition whose position retention has moved past', async () => {
    mock.on(QueryCommand).resolves({ Items: [] });
    await reader.page(query({ low: '2025-06-01T00:00:00.000Z', from: { year: 2025, after: '2025-01-01T00:00:00.000Z#x' } }));
    expect(sent()).toEqual([]);
  });

  it('ends a page early, with a position, when the Query budget is spent', async () => {
    mock.on(QueryCommand).resolves({ Items: [] });
    const page = await reader.page(query({ maxQueries: 2 }));
    expect(page).toEqual({ events: [], next: { year: 2024 } });
    expect(sent()).toHaveLength(2);
  });

  it('reads larger batches, within the budget, when criteria are applied in memory', async () => {
    mock.on(QueryCommand).resolves({ Items: [item('2026-03-01T00:00:00.000Z', 'a')], LastEvaluatedKey: { PK: { S: 'x' }, SK: { S: 'y' } } });
    const page = await reader.page(query({ accept: () => false, maxExamined: 3 }));
    expect(sent().map((input) => input.Limit)).toEqual([3, 2, 1]);
    expect(page).toEqual({ events: [], next: { year: 2026, after: '2026-03-01T00:00:00.000Z#a' } });
  });

  it('turns throttling into StorageUnavailableError', async () => {
    mock.on(QueryCommand).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(reader.page(query())).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
