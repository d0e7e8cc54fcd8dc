import 'aws-sdk-client-mock-vitest/extend';
import { BatchWriteItemCommand, DynamoDBClient, PutItemCommand, ThrottlingException, type BatchWriteItemCommandInput, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeAuditRecords } from '../../functions/api/repository/audit-writer.js';
import { StorageUnavailableError } from '../../functions/api/repository/index.js';
import { auditRecord, TABLE } from './builders.js';

const requestsOf = (input: BatchWriteItemCommandInput): WriteRequest[] => input.RequestItems?.[TABLE] ?? [];
const eventIdsOf = (requests: readonly WriteRequest[]): string[] => requests.map((r) => r.PutRequest!.Item!.SK!.S!.split('#')[1]!);

function setup(): { client: DynamoDBClient; mock: ReturnType<typeof mockClient> } {
  const client = new DynamoDBClient({ region: 'local' });
  return { client, mock: mockClient(client) };
}

async function settle(promise: Promise<void>): Promise<PromiseSettledResult<void>> {
  const settled = Promise.allSettled([promise]);
  await vi.runAllTimersAsync();
  return (await settled)[0];
}

describe('writeAuditRecords', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes one record with one PutItem that never overwrites', async () => {
    const { client, mock } = setup();
    mock.on(PutItemCommand).resolves({});
    await writeAuditRecords(client, TABLE, [auditRecord('e1', 'Patient/p1')]);
    expect(mock).toReceiveCommandExactlyOnceWith(PutItemCommand, {
      TableName: TABLE,
      Item: expect.objectContaining({ PK: { S: 'AU#Patient/p1#2026' }, SK: { S: '2026-12-01T10:00:00.000Z#e1' } }),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(mock).not.toReceiveCommand(BatchWriteItemCommand);
  });

  it('files a record about no client under an hourly shard', async () => {
    const { client, mock } = setup();
    mock.on(PutItemCommand).resolves({});
    await writeAuditRecords(client, TABLE, [auditRecord('e1')]);
    const pk = mock.commandCalls(PutItemCommand)[0]!.args[0].input.Item!.PK!.S!;
    expect(pk).toMatch(/^AU#-#2026-12-01T10#[0-9]$/);
  });

  it('retries the items BatchWriteItem leaves unprocessed until all are stored', async () => {
    const { client, mock } = setup();
    mock
      .on(BatchWriteItemCommand)
      .callsFakeOnce((input: BatchWriteItemCommandInput) => ({ UnprocessedItems: { [TABLE]: requestsOf(input).slice(1) } }))
      .callsFakeOnce((input: BatchWriteItemCommandInput) => ({ UnprocessedItems: { [TABLE]: requestsOf(input).slice(1) } }))
      .resolves({ UnprocessedItems: {} });
    const result = await settle(writeAuditRecords(client, TABLE, [auditRecord('e1', 'k1'), auditRecord('e2', 'k2'), auditRecord('e3', 'k3')]));
    expect(result.status).toBe('fulfilled');
    const calls = mock.commandCalls(BatchWriteItemCommand).map((call) => eventIdsOf(requestsOf(call.args[0].input)));
    expect(calls).toEqual([['e1', 'e2', 'e3'], ['e2', 'e3'], ['e3']]);
    expect(mock).not.toReceiveCommand(PutItemCommand);
  });

  it('writes in batches of 25', async () => {
    const { client, mock } = setup();
    mock.on(BatchWriteItemCommand).resolves({});
    await writeAuditRecords(client, TABLE, Array.from({ length: 30 }, (_, n) => auditRecord(`e${n}`, `k${n}`)));
    expect(mock.commandCalls(BatchWriteItemCommand).map((call) => requestsOf(call.args[0].input).length)).toEqual([25, 5]);
  });

  it('reports records that stay unprocessed as StorageUnavailableError after 8 retries', async () => {
    const { client, mock } = setup();
    mock.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => ({ UnprocessedItems: { [TABLE]: requestsOf(input) } }));
    const result = await settle(writeAuditRecords(client, TABLE, [auditRecord('e1', 'k1'), auditRecord('e2', 'k2')]));
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailableError);
    expect(mock).toReceiveCommandTimes(BatchWriteItemCommand, 9);
  });

  it('translates a throttled PutItem into StorageUnavailableError', async () => {
    const { client, mock } = setup();
    mock.on(PutItemCommand).rejects(new ThrottlingException({ message: 'throttled', $metadata: {} }));
    await expect(writeAuditRecords(client, TABLE, [auditRecord('e1', 'k1')])).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
