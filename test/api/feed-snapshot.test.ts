import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, goalFixture } from '../fixtures/shared-plan.js';

let api: TestApi;
/** Set by a test: the writes to commit in the middle of the feed's next read of the sequences. */
let interleave: (() => Promise<void>) | undefined;

type Key = { PK?: { S?: string }; SK?: { S?: string } };

beforeAll(async () => {
  api = await startTestApi();
  // Fault injection: when the feed reads the sequences of all four types, commit writes in the
  // middle of that read. A BatchGetItem is split around them (Goal's sequence first, the rest
  // after), as DynamoDB may serve its keys at different moments; a TransactGetItems cannot be
  // split, so the writes commit just before it.
  api.client.middlewareStack.add(
    (next, context) => async (args) => {
      const writes = interleave;
      const input = args.input as any;
      const table = api.config.tableName;
      if (writes && context.commandName === 'BatchGetItemCommand') {
        const keys = (input.RequestItems?.[table]?.Keys ?? []) as Key[];
        if (keys.filter((key) => key.PK?.S === 'SEQ').length >= 4) {
          interleave = undefined;
          const first = keys.filter((key) => key.SK?.S === 'Goal');
          const rest = keys.filter((key) => key.SK?.S !== 'Goal');
          const withKeys = (part: Key[]): typeof args => ({ ...args, input: { ...input, RequestItems: { [table]: { ...input.RequestItems[table], Keys: part } } } });
          const before: any = await next(withKeys(first));
          await writes();
          const after: any = await next(withKeys(rest));
          after.output.Responses[table] = [...(before.output.Responses?.[table] ?? []), ...(after.output.Responses?.[table] ?? [])];
          return after;
        }
      }
      if (writes && context.commandName === 'TransactGetItemsCommand' && JSON.stringify(input).includes('"S":"SEQ"')) {
        interleave = undefined;
        await writes();
      }
      return next(args);
    },
    { step: 'initialize', name: 'interleaveSequenceRead' },
  );
});
afterAll(async () => api.close());

async function poll(since: string | undefined): Promise<{ keys: string[]; newest: string | undefined }> {
  const res = await call(`${api.base}/_history${since ? `?_since=${encodeURIComponent(since)}` : ''}`);
  expect(res.status).toBe(200);
  const entries = (res.body.entry ?? []) as any[];
  return { keys: entries.map((e) => e.fullUrl as string), newest: entries[0]?.response.lastModified ?? since };
}

describe('system-level change feed snapshot', () => {
  it('never loses a Goal committed while the feed read the sequences, before a later CarePlan', async () => {
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
