import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  ThrottlingException,
  TransactionInProgressException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandInput,
  type GetItemCommandInput,
  type QueryCommandInput,
  type QueryCommandOutput,
  type TransactWriteItemsCommandInput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../functions/api/bootstrap.js';
import { currentItem } from '../../functions/api/repository/item-codec.js';
import { loadConfig } from '../../functions/shared/config.js';
import { goalFixture } from '../fixtures/shared-plan.js';
import { cancelled, feedItem, reasonsAt, sdkError } from '../repository/builders.js';
import { mintToken, testKeys, TEST_ORG } from '../support/tokens.js';

// Fault injection only: persistence itself is tested against DynamoDB Local elsewhere. The
// mocked client serves a few stored items, and each test makes one call fail the way only
// the real service does.

type Item = Record<string, AttributeValue>;
type Mock = ReturnType<typeof mockClient>;

interface Storage {
  /** Items the table holds (GetItem and BatchGetItem find them by key). */
  readonly items?: readonly Item[];
  /** Commands that fail, every time, with the given error. */
  readonly fail?: Partial<Record<'get' | 'batchGet' | 'query' | 'transact' | 'put', Error>>;
  /** The `history` index: answers each Query (default: nothing). */
  readonly query?: (input: QueryCommandInput) => Partial<QueryCommandOutput>;
  /** Runs on each TransactWriteItems; throwing cancels it (default: it commits). */
  readonly transact?: (input: TransactWriteItemsCommandInput, table: Map<string, Item>) => void;
}

interface FaultyApp {
  request(path: string, init?: RequestInit): Promise<Response>;
  readonly logs: string[];
  readonly mock: Mock;
}

const keyOf = (key: Item): string => `${key.PK?.S}|${key.SK?.S}`;

async function faultyApp(storage: Storage): Promise<FaultyApp> {
  const client = new DynamoDBClient({ region: 'local' });
  const mock = mockClient(client);
  const table = new Map((storage.items ?? []).map((item) => [keyOf(item), item]));
  const { fail = {} } = storage;
  if (fail.get) mock.on(GetItemCommand).rejects(fail.get);
  else mock.on(GetItemCommand).callsFake((input: GetItemCommandInput) => ({ ...(table.has(keyOf(input.Key!)) ? { Item: table.get(keyOf(input.Key!)) } : {}) }));
  if (fail.batchGet) mock.on(BatchGetItemCommand).rejects(fail.batchGet);
  else {
    mock.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => ({
      Responses: Object.fromEntries(Object.entries(input.RequestItems!).map(([name, request]) => [name, request.Keys!.map((key) => table.get(keyOf(key))).filter((item): item is Item => item !== undefined)])),
    }));
  }
  // The feed seals its lanes (UpdateItem returning the counter), served from the same table.
  mock.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => ({ Attributes: table.get(keyOf(input.Key!)) ?? { seq: { N: '0' } } }));
  if (fail.query) mock.on(QueryCommand).rejects(fail.query);
  else mock.on(QueryCommand).callsFake((input: QueryCommandInput) => storage.query?.(input) ?? { Items: [] });
  if (fail.transact) mock.on(TransactWriteItemsCommand).rejects(fail.transact);
  else mock.on(TransactWriteItemsCommand).callsFake((input: TransactWriteItemsCommandInput) => (storage.transact?.(input, table), {}));
  if (fail.put) mock.on(PutItemCommand).rejects(fail.put);
  else mock.on(PutItemCommand).resolves({});
  mock.on(BatchWriteItemCommand).resolves({});

  const config = await loadConfig({ TABLE_NAME: 'fault-table', CURSOR_SECRET: 'x'.repeat(32), DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' });
  const logs: string[] = [];
  const { app } = buildApp(config, { client, logSink: (line) => logs.push(line), jwks: (await testKeys()).jwks });
  const token = await mintToken();
  return {
    request: async (path, init) => app.request(`http://localhost/fhir${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init?.headers as Record<string, string>) } }),
    logs,
    mock,
  };
}

/** Goal/g1 at `versionId`, held by the test caller's organisation. */
function storedGoal(versionId: number): Item {
  const id = 'g1';
  const lastUpdated = `2026-12-01T10:00:0${versionId}.000Z`;
  return currentItem({
    resourceType: 'Goal',
    id,
    expectedVersionId: versionId - 1,
    versionId,
    lastUpdated,
    method: 'PUT',
    seq: versionId,
    lane: 0,
    resource: { ...goalFixture(), id, meta: { versionId: String(versionId), lastUpdated } },
    access: { resourceType: 'Goal', id, custodian: TEST_ORG, clientKeys: ['urn:oid:1.2.246.21|311080-999X'] },
  });
}

/** The counter of Goal's feed lane 0 (the lane `feedItem` versions are in). */
const goalSequence = (seq: number): Item => ({ PK: { S: 'SEQ#Goal#0' }, SK: { S: 'SEQ' }, seq: { N: String(seq) }, lastUpdated: { S: '2026-12-01T10:00:09.000Z' } });

const json = { 'content-type': 'application/fhir+json' };
const post = { method: 'POST', headers: json, body: JSON.stringify(goalFixture()) };
const put = (headers: Record<string, string> = {}): RequestInit => ({ method: 'PUT', headers: { ...json, ...headers }, body: JSON.stringify({ ...goalFixture(), id: 'g1' }) });

/** A current-item condition that failed because Goal/g1 is now at `vid`. */
const currentChanged = (input: TransactWriteItemsCommandInput, vid: number): Error =>
  cancelled(reasonsAt(input.TransactItems!.length, { 0: { Code: 'ConditionalCheckFailed', Item: { vid: { N: String(vid) } } } }));

async function expectRetryLater(res: Response, codes: readonly string[] = ['throttled', 'transient']): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('1');
  const body = (await res.json()) as { resourceType: string; issue: { code: string }[] };
  expect(body.resourceType).toBe('OperationOutcome');
  expect(codes).toContain(body.issue[0]!.code);
}

const throttled = (): Error => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });

describe('storage faults', () => {
  it('answers an unexpected failure with 500 OperationOutcome, no stack trace, and logs it with the request id', async () => {
    const { request, logs } = await faultyApp({ fail: { get: new Error('socket hang up at secret/internal/path.ts:12') } });
    const res = await request('/Goal/abc', { headers: { 'X-Request-Id': 'req-500' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret/internal');
    const body = JSON.parse(text);
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0].code).toBe('exception');
    expect(body.issue[0].diagnostics).toContain('req-500');
    const logged = logs.map((l) => JSON.parse(l)).find((l) => l.level === 'error');
    expect(logged).toMatchObject({ requestId: 'req-500', message: 'unhandled error' });
    expect(logged.error.stack).toContain('socket hang up');
  });

  it.each([
    ['GetItem (read)', { fail: { get: throttled() } }, '/Goal/g1', undefined],
    ['Query (history index)', { items: [goalSequence(3)], fail: { query: throttled() } }, '/Goal/_history', undefined],
    ['BatchGetItem (read for write)', { fail: { batchGet: throttled() } }, '/Goal/g1', put()],
    ['TransactWriteItems (create)', { fail: { transact: new ThrottlingException({ message: 'throttled', $metadata: {} }) } }, '/Goal', post],
    ['PutItem (audit of a read)', { items: [storedGoal(1)], fail: { put: throttled() } }, '/Goal/g1', undefined],
  ] satisfies [string, Storage, string, RequestInit | undefined][])('answers throttling on %s with 503, Retry-After and an OperationOutcome', async (_call, storage, path, init) => {
    const { request } = await faultyApp(storage);
    await expectRetryLater(await request(path, init));
  });

  it('answers a transaction cancelled for throttling with 503', async () => {
    const { request } = await faultyApp({
      transact: (input) => {
        throw cancelled(reasonsAt(input.TransactItems!.length, { 1: { Code: 'ThrottlingError', Message: 'Throttled at the item level' } }));
      },
    });
    await expectRetryLater(await request('/Goal', post));
  });

  it('answers 503 when the outcome of a retried transaction is not known yet', async () => {
    const { request } = await faultyApp({ fail: { transact: new TransactionInProgressException({ message: 'in progress', $metadata: {} }) } });
    await expectRetryLater(await request('/Goal', post));
  });

  it('re-sends a timed-out commit with the same ClientRequestToken and answers 201 when it succeeds', async () => {
    let attempt = 0;
    const { request, mock } = await faultyApp({
      transact: () => {
        if (attempt++ === 0) throw sdkError('TimeoutError', 'Connection timed out after 5000 ms');
      },
    });
    const res = await request('/Goal', post);
    expect(res.status).toBe(201);
    const tokens = mock.commandCalls(TransactWriteItemsCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens[1]).toBe(tokens[0]);
    const [first, second] = mock.commandCalls(TransactWriteItemsCommand).map((call) => call.args[0].input);
    expect(second).toEqual(first);
  });

  it('answers 503 when a commit keeps timing out, having sent one token every time', async () => {
    const { request, mock } = await faultyApp({ fail: { transact: sdkError('TimeoutError', 'Connection timed out after 5000 ms') } });
    await expectRetryLater(await request('/Goal', post));
    const tokens = new Set(mock.commandCalls(TransactWriteItemsCommand).map((call) => call.args[0].input.ClientRequestToken));
    expect(mock.commandCalls(TransactWriteItemsCommand).length).toBeGreaterThan(1);
    expect(tokens.size).toBe(1);
  });

  it('answers a read that timed out with 503', async () => {
    const { request } = await faultyApp({ fail: { get: sdkError('TimeoutError', 'Connection timed out after 1000 ms') } });
    await expectRetryLater(await request('/Goal/g1'));
  });

  it('answers 412 when the If-Match version lost the race at commit, without retrying', async () => {
    const { request, mock } = await faultyApp({
      items: [storedGoal(1)],
      transact: (input) => {
        throw currentChanged(input, 2);
      },
    });
    const res = await request('/Goal/g1', put({ 'If-Match': 'W/"1"' }));
    expect(res.status).toBe(412);
    expect(((await res.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    expect(mock.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
  });

  it('re-reads and applies an unpinned update on top of the version that won the race', async () => {
    let attempt = 0;
    const { request, mock } = await faultyApp({
      items: [storedGoal(1)],
      transact: (input, table) => {
        if (attempt++ > 0) return;
        // Another writer committed version 2 first.
        const winner = storedGoal(2);
        table.set(keyOf(winner), winner);
        throw currentChanged(input, 2);
      },
    });
    const res = await request('/Goal/g1', put());
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('W/"3"');
    const commits = mock.commandCalls(TransactWriteItemsCommand).map((call) => call.args[0].input.TransactItems![0]!.Put!);
    expect(commits.map((current) => current.ExpressionAttributeValues?.[':expected']?.N)).toEqual(['1', '2']);
    expect(mock.commandCalls(BatchGetItemCommand)).toHaveLength(2);
  });

  it('answers 503 and discloses nothing when the audit record of a successful read cannot be written', async () => {
    const { request, logs } = await faultyApp({ items: [storedGoal(1)], fail: { put: throttled() } });
    const res = await request('/Goal/g1');
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('last-modified')).toBeNull();
    expect(JSON.parse(text)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'transient' }] });
    expect(text).not.toContain('"resourceType":"Goal"');
    expect(text).not.toContain(goalFixture().description.text!);
    expect(logs.map((l) => JSON.parse(l)).some((l) => l.level === 'error' && l.message === 'audit write failed')).toBe(true);
  });

  it('serves the change feed once a hole in the history index fills', async () => {
    let queries = 0;
    const { request } = await faultyApp({ items: [goalSequence(3)], query: () => ({ Items: (queries++ < 1 ? [3, 1] : [3, 2, 1]).map((seq) => feedItem(seq)) }) });
    const res = await request('/Goal/_history');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { entry: unknown[] }).entry).toHaveLength(3);
    expect(queries).toBe(2);
  });

  it('answers 503 with Retry-After rather than skip a change when a hole in the history index never fills', async () => {
    const { request, mock } = await faultyApp({ items: [goalSequence(3)], query: () => ({ Items: [3, 1].map((seq) => feedItem(seq)) }) });
    await expectRetryLater(await request('/Goal/_history'));
    expect(mock.commandCalls(QueryCommand)).toHaveLength(5);
  });
});
