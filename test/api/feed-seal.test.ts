import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, goalFixture } from '../fixtures/shared-plan.js';

let api: TestApi;
/** Set by a test: the writes to commit in the middle of the feed's next sealing of its lanes. */
let interleave: (() => Promise<void>) | undefined;

beforeAll(async () => {
  api = await startTestApi();
  // Fault injection: when the feed seals its lanes (one UpdateItem per lane, in parallel), commit
  // writes before the first seal reaches DynamoDB — so some lanes are sealed before the writes and
  // some after, as a slow network may order them.
  api.client.middlewareStack.add(
    (next, context) => async (args) => {
      const writes = interleave;
      const key = (args.input as { Key?: { PK?: { S?: string } } }).Key?.PK?.S ?? '';
      if (writes && context.commandName === 'UpdateItemCommand' && key.startsWith('SEQ#')) {
        interleave = undefined;
        await writes();
      }
      return next(args);
    },
    { step: 'initialize', name: 'interleaveSeal' },
  );
});
afterAll(async () => api.close());

async function poll(since: string | undefined): Promise<{ keys: string[]; newest: string | undefined }> {
  const res = await call(`${api.base}/_history${since ? `?_since=${encodeURIComponent(since)}` : ''}`);
  expect(res.status).toBe(200);
  const entries = (res.body.entry ?? []) as any[];
  return { keys: entries.map((e) => e.fullUrl as string), newest: entries[0]?.response.lastModified ?? since };
}

describe('system-level change feed seal', () => {
  it('never loses a Goal committed while the feed sealed its lanes, before a later CarePlan', async () => {
    await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() });
    const first = await poll(undefined);

    let goalId: string | undefined;
    interleave = async () => {
      const goal = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
      expect(goal.status).toBe(201);
      goalId = goal.body.id;
      const plan = await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() });
      expect(plan.status).toBe(201);
    };
    const second = await poll(first.newest);
    expect(goalId).toBeDefined();
    const third = await poll(second.newest);

    const seen = new Set([...first.keys, ...second.keys, ...third.keys]);
    expect(seen.has(`${api.base}/Goal/${goalId}`)).toBe(true);
  });
});
