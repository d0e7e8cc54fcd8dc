import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, goalFixture } from '../fixtures/shared-plan.js';

let api: TestApi;
/** While set, the next Goal commit waits until the test releases it (no timers: CI machines vary in speed). */
let holdNextGoalCommit: Promise<void> | undefined;
let goalCommitHeld: () => void = () => {};

beforeAll(async () => {
  // Writers race as separate Lambda instances would (no in-process commit queue).
  api = await startTestApi({}, { serialiseCommits: false });
  // Fault injection: hold back the commit of a Goal write so a later CarePlan write commits first.
  api.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = JSON.stringify(args.input);
      if (context.commandName === 'TransactWriteItemsCommand' && holdNextGoalCommit && input.includes('"S":"Goal"')) {
        const hold = holdNextGoalCommit;
        holdNextGoalCommit = undefined;
        goalCommitHeld();
        await hold;
      }
      return next(args);
    },
    { step: 'initialize', name: 'delayGoalCommit' },
  );
});
afterAll(async () => api.close());

async function newestSince(since: string | undefined): Promise<{ keys: string[]; newest: string | undefined }> {
  const url = `${api.base}/_history${since ? `?_since=${encodeURIComponent(since)}` : ''}`;
  const res = await call(url);
  expect(res.status).toBe(200);
  const entries = (res.body.entry ?? []) as any[];
  return {
    keys: entries.map((e) => `${e.fullUrl}|${e.response.etag}`),
    newest: entries[0]?.response.lastModified ?? since,
  };
}

describe('system-level change feed across types', () => {
  it('never loses a write of one type that was slower to commit than a later write of another type', async () => {
    await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() });
    const first = await newestSince(undefined);

    let release: () => void = () => {};
    holdNextGoalCommit = new Promise<void>((resolve) => (release = resolve));
    const held = new Promise<void>((resolve) => (goalCommitHeld = resolve));
    const slowGoal = call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    await held; // the Goal is stamped and its commit is on its way
    const fastPlan = await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() });
    expect(fastPlan.status).toBe(201);

    const second = await newestSince(first.newest); // seals every lane, the Goal's included
    release();
    const goal = await slowGoal;
    expect(goal.status).toBe(201);
    const third = await newestSince(second.newest);

    const seen = new Set([...first.keys, ...second.keys, ...third.keys]);
    expect(seen.has(`${api.base}/Goal/${goal.body.id}|W/"1"`)).toBe(true);
    // The slow write was re-stamped after the write that overtook it.
    expect(Date.parse(goal.body.meta.lastUpdated)).toBeGreaterThan(Date.parse(fastPlan.body.meta.lastUpdated));
  });
});
