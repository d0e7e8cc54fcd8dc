import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { goalFixture } from '../fixtures/shared-plan.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

describe('DynamoDB calls per interaction', () => {
  it('read by the custodian is one GetItem and the audit PutItem', async () => {
    const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    api.resetCommands();
    await call(`${api.base}/Goal/${created.body.id}`);
    expect(api.commands()).toEqual(['GetItemCommand', 'PutItemCommand']);
  });

  it('create is one read of the change-feed sequence and one TransactWriteItems (which carries the audit record)', async () => {
    api.resetCommands();
    await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    expect(api.commands()).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
  });

  it('update and delete are one read (resource and sequence together) and one TransactWriteItems', async () => {
    const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    api.resetCommands();
    await call(`${api.base}/Goal/${created.body.id}`, { method: 'PUT', body: { ...created.body, lifecycleStatus: 'accepted' } });
    expect(api.commands()).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
    api.resetCommands();
    await call(`${api.base}/Goal/${created.body.id}`, { method: 'DELETE' });
    expect(api.commands()).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
  });

  it('vread is one GetItem and the audit PutItem; an unchanged update is one read, no write, and the audit PutItem', async () => {
    const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    api.resetCommands();
    await call(`${api.base}/Goal/${created.body.id}/_history/1`);
    expect(api.commands()).toEqual(['GetItemCommand', 'PutItemCommand']);
    api.resetCommands();
    await call(`${api.base}/Goal/${created.body.id}`, { method: 'PUT', body: created.body });
    expect(api.commands()).toEqual(['BatchGetItemCommand', 'PutItemCommand']);
  });

  it('never scans', async () => {
    api.resetCommands();
    const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    await call(`${api.base}/Goal/${created.body.id}/_history`);
    await call(`${api.base}/metadata`);
    expect(api.commands()).not.toContain('ScanCommand');
    expect([...new Set(api.commands())].sort()).toEqual(['BatchGetItemCommand', 'GetItemCommand', 'PutItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
  });
});
