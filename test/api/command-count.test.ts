import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { SOTE_ORGANIZATION_SYSTEM } from '../../functions/api/access/index.js';
import { consentFixture, goalFixture } from '../fixtures/shared-plan.js';
import { mintToken, OTHER_ORG } from '../support/tokens.js';

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

  it('read by another organisation under consent is one GetItem, one BatchGetItem of the client\'s consents and the audit PutItem', async () => {
    const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    const consent = consentFixture();
    consent.provision!.actor = [{ ...consent.provision!.actor![0]!, reference: { identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: OTHER_ORG } } }];
    expect((await call(`${api.base}/Consent`, { method: 'POST', body: consent })).status).toBe(201);
    const other = await mintToken({ org: OTHER_ORG });
    api.resetCommands();
    const read = await call(`${api.base}/Goal/${created.body.id}`, { token: other });
    expect(read.status).toBe(200);
    expect(api.commands()).toEqual(['GetItemCommand', 'BatchGetItemCommand', 'PutItemCommand']);
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
