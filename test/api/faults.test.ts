import { BatchGetItemCommand, DynamoDBClient, GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../functions/api/bootstrap.js';
import { loadConfig } from '../../functions/shared/config.js';
import { goalFixture } from '../fixtures/shared-plan.js';
import { mintToken, testKeys } from '../support/tokens.js';

// Fault injection only: persistence itself is tested against DynamoDB Local elsewhere.
async function appWithFault(fault: Error): Promise<{ request: (path: string, init?: RequestInit) => Promise<Response>; logs: string[] }> {
  const client = new DynamoDBClient({ region: 'local' });
  const mock = mockClient(client);
  mock.on(GetItemCommand).rejects(fault);
  mock.on(BatchGetItemCommand).rejects(fault);
  mock.on(TransactWriteItemsCommand).rejects(fault);
  const config = await loadConfig({ TABLE_NAME: 'fault-table', CURSOR_SECRET: 'x'.repeat(32), DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' });
  const logs: string[] = [];
  const { app } = buildApp(config, { client, logSink: (line) => logs.push(line), jwks: (await testKeys()).jwks });
  const token = await mintToken();
  return {
    request: async (path, init) => app.request(`http://localhost/fhir${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init?.headers as Record<string, string>) } }),
    logs,
  };
}

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('storage faults', () => {
  it('answers an unexpected failure with 500 OperationOutcome, no stack trace, and logs it with the request id', async () => {
    const { request, logs } = await appWithFault(new Error('socket hang up at secret/internal/path.ts:12'));
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

  it('answers throttling with 503 throttled and Retry-After', async () => {
    const { request } = await appWithFault(named('ProvisionedThroughputExceededException', 'slow down'));
    const res = await request('/Goal', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(goalFixture()) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as any).issue[0].code).toBe('throttled');
  });
});
