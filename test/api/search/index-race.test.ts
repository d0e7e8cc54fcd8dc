/**
 * The local indexes hold keys only, so a search reads a page's items after the index Query. A
 * resource changed in between — moved to another client — must not be returned for the old one.
 * Fault injection: the update commits between the Query and the BatchGetItem of the page. Two
 * things keep it out, and this test holds either way: the page read drops an item that no longer
 * sits at its index position (`SearchStore.itemsOf`), and the matcher re-checks every criterion
 * on the item read. Removing only the first does not make this test fail.
 */
import type { CarePlan } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../support/api.js';

let api: TestApi;
/** Set by the test: runs once, after a Query of `byPatientRef` and before the next command. */
let between: (() => Promise<void>) | undefined;
let indexQueried = false;

beforeAll(async () => {
  api = await startTestApi();
  api.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { IndexName?: string };
      if (indexQueried && between && context.commandName === 'BatchGetItemCommand') {
        const run = between;
        between = undefined;
        await run();
      }
      const result = await next(args);
      if (context.commandName === 'QueryCommand' && input.IndexName === 'byPatientRef') indexQueried = true;
      return result;
    },
    { step: 'initialize', name: 'commitBetweenIndexAndItems' },
  );
});
afterAll(async () => api.close());

const plan = (patient: string): CarePlan => ({ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: `Patient/${patient}` }, title: 'Siirtyvä suunnitelma' });

describe('a resource that moves while a search reads its index page', () => {
  it('is not returned for the client it no longer belongs to, and is found under the new one', async () => {
    const created = await call(`${api.base}/CarePlan`, { method: 'POST', body: plan('siirto-a') });
    expect(created.status).toBe(201);
    const stay = await call(`${api.base}/CarePlan`, { method: 'POST', body: plan('siirto-a') });
    between = async () => {
      const moved = await call(`${api.base}/CarePlan/${created.body.id}`, { method: 'PUT', body: { ...plan('siirto-b'), id: created.body.id } });
      expect(moved.status).toBe(200);
    };
    const found = await call(`${api.base}/CarePlan?patient=Patient/siirto-a`);
    expect(found.status).toBe(200);
    expect(between).toBeUndefined(); // the update ran between the Query and the read
    expect((found.body.entry ?? []).map((entry: any) => entry.resource.id)).toEqual([stay.body.id]);
    const now = await call(`${api.base}/CarePlan?patient=Patient/siirto-b`);
    expect((now.body.entry ?? []).map((entry: any) => entry.resource.id)).toEqual([created.body.id]);
  });
});
