import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture } from '../fixtures/shared-plan.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

describe('optimistic concurrency', () => {
  it('lets exactly one of two updates with the same If-Match win; the other gets 412', async () => {
    const created = await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() });
    const id = created.body.id as string;
    const [a, b] = await Promise.all(
      ['Sosiaalityöntekijän versio', 'Sairaanhoitajan versio'].map((title) =>
        call(`${api.base}/CarePlan/${id}`, { method: 'PUT', headers: { 'If-Match': 'W/"1"' }, body: { ...created.body, title } }),
      ),
    );
    expect([a!.status, b!.status].sort()).toEqual([200, 412]);
    const history = await call(`${api.base}/CarePlan/${id}/_history`);
    expect(history.body.total).toBe(2);
    const winner = a!.status === 200 ? a! : b!;
    expect((await call(`${api.base}/CarePlan/${id}`)).body.title).toBe(winner.body.title);
  });

  it('keeps every one of many concurrent updates without If-Match as its own version', async () => {
    const created = await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() });
    const id = created.body.id as string;
    const titles = Array.from({ length: 6 }, (_, n) => `Päivitys ${n}`);
    const results = await Promise.all(titles.map((title) => call(`${api.base}/CarePlan/${id}`, { method: 'PUT', body: { ...created.body, title } })));
    // A writer that loses the race re-reads and retries on the newer version (each round has a winner).
    expect(results.map((r) => r.status)).toEqual(titles.map(() => 200));
    const ok = results;
    const history = await call(`${api.base}/CarePlan/${id}/_history?_count=50`);
    expect(history.body.total).toBe(1 + ok.length);
    const stored = new Set(history.body.entry.map((e: any) => e.resource.title));
    for (const r of ok) expect(stored.has(r.body.title)).toBe(true);
    expect(new Set(ok.map((r) => r.body.meta.versionId)).size).toBe(titles.length);
  });
});
