import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.js';
import { bundle, goalsWithIdentifier, goalWith, newUrn, newValue, postBundle, postEntry } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

describe('batch: a malformed entry fails alone', () => {
  it('reports an entry without request, with an unsupported method or a nested Bundle in its own response; the others commit', async () => {
    const [a, b] = [newValue(), newValue()];
    const res = await postBundle(
      api,
      bundle('batch', [
        postEntry(newUrn(), goalWith(a)),
        { resource: goalWith(newValue()) } as never,
        { request: { method: 'HEAD', url: 'Goal' } } as never,
        { resource: { resourceType: 'Bundle', type: 'collection' }, request: { method: 'POST', url: 'Goal' } } as never,
        postEntry(newUrn(), goalWith(b)),
      ]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const statuses = res.body.entry.map((e: any) => e.response.status);
    expect(statuses).toEqual(['201 Created', '400 Bad Request', '400 Bad Request', '400 Bad Request', '201 Created']);
    for (const failed of res.body.entry.slice(1, 4)) {
      expect(failed.response.outcome.resourceType).toBe('OperationOutcome');
      expect(failed.response.outcome.issue[0].expression[0]).toMatch(/^Bundle\.entry\[[1-3]\]$/);
    }
    expect(await goalsWithIdentifier(api, a)).toBe(1);
    expect(await goalsWithIdentifier(api, b)).toBe(1);
  });
});
