import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { carePlanFixture, goalFixture } from '../../fixtures/shared-plan.js';
import {
  bundle,
  byIdentifier,
  createResource,
  deleteEntry,
  type Entry,
  expectNamesEntry,
  expectOutcome,
  feedHead,
  goalsWithIdentifier,
  goalWith,
  newUrn,
  newValue,
  postBundle,
  postEntry,
  putEntry,
} from './helpers.js';

let api: TestApi;
let existing: any;
beforeAll(async () => {
  api = await startTestApi();
  existing = await createResource(api, goalFixture());
});
afterAll(async () => api.close());

/** Posts the bundle, expects 400 (or `statuses`) with an OperationOutcome and that nothing reached the change feed. */
async function rejected(body: unknown, statuses: readonly number[] = [400]): Promise<any> {
  const before = await feedHead(api);
  const res = await postBundle(api, body);
  const outcome = expectOutcome(res, statuses);
  expect(await feedHead(api)).toEqual(before);
  return outcome;
}

describe('POST [base] refuses what is not a transaction or batch Bundle', () => {
  it('returns 400 for a resource that is not a Bundle', async () => {
    await rejected(goalFixture());
  });

  it.each(['collection', 'document', 'searchset', 'transaction-response', undefined])('returns 400 for Bundle type %s', async (type) => {
    const value = newValue();
    await rejected({ resourceType: 'Bundle', ...(type ? { type } : {}), entry: [postEntry(newUrn(), goalWith(value))] });
    expect(await goalsWithIdentifier(api, value)).toBe(0);
  });

  it('returns 400 for a body that is not JSON', async () => {
    const res = await call(api.base, { method: 'POST', rawBody: '{"resourceType":"Bundle",', headers: { 'content-type': 'application/fhir+json' } });
    expectOutcome(res, [400]);
  });
});

describe('transaction: malformed entries fail the whole Bundle with 400 naming the entry', () => {
  const plainGoal = (): Entry => postEntry(newUrn(), goalWith(newValue()));

  it('refuses two PUT entries for the same resource', async () => {
    const id = `tavoite-${newValue().slice(-12)}`;
    const second = putEntry(api.base, `Goal/${id}`, { ...goalFixture(), id, lifecycleStatus: 'on-hold' });
    const outcome = await rejected(bundle('transaction', [putEntry(api.base, `Goal/${id}`, { ...goalFixture(), id }), second]));
    expectNamesEntry(outcome, 1);
    expect((await call(`${api.base}/Goal/${id}`)).status).toBe(404);
  });

  it('refuses a DELETE and a PUT of the same resource', async () => {
    const outcome = await rejected(
      bundle('transaction', [deleteEntry(`Goal/${existing.id}`), putEntry(api.base, `Goal/${existing.id}`, { ...existing, lifecycleStatus: 'on-hold' })]),
    );
    expect(outcome.issue.some((issue: any) => (issue.expression ?? []).some((e: string) => e.startsWith('Bundle.entry[')))).toBe(true);
    expect((await call(`${api.base}/Goal/${existing.id}`)).body.meta.versionId).toBe('1');
  });

  it('refuses a PUT and a conditional DELETE that resolve to the same resource', async () => {
    const value = newValue();
    const goal = await createResource(api, goalWith(value));
    const entries = [putEntry(api.base, `Goal/${goal.id}`, { ...goal, lifecycleStatus: 'on-hold' }), deleteEntry(`Goal?${byIdentifier(value)}`)];
    const outcome = await rejected(bundle('transaction', entries));
    expect(outcome.issue.some((issue: any) => (issue.expression ?? []).some((e: string) => e.startsWith('Bundle.entry[')))).toBe(true);
    expect((await call(`${api.base}/Goal/${goal.id}`)).body.meta.versionId).toBe('1');
  });

  it('refuses two entries with the same fullUrl', async () => {
    const urn = newUrn();
    const outcome = await rejected(bundle('transaction', [postEntry(urn, goalWith(newValue())), postEntry(urn, goalWith(newValue()))]));
    expectNamesEntry(outcome, 1, urn);
  });

  it('refuses a reference to a urn:uuid that no entry defines', async () => {
    const planUrn = newUrn();
    const missing = newUrn();
    const outcome = await rejected(bundle('transaction', [plainGoal(), postEntry(planUrn, { ...carePlanFixture(), goal: [{ reference: missing }] })]));
    expectNamesEntry(outcome, 1, planUrn);
    expect(JSON.stringify(outcome)).toContain(missing);
  });

  it('refuses an entry whose URL names another type than its resource', async () => {
    const urn = newUrn();
    const outcome = await rejected(bundle('transaction', [plainGoal(), { fullUrl: urn, resource: carePlanFixture(), request: { method: 'POST', url: 'Goal' } }]));
    expectNamesEntry(outcome, 1, urn);
  });

  it('refuses a PUT whose resource id differs from the URL id', async () => {
    const outcome = await rejected(
      bundle('transaction', [plainGoal(), putEntry(api.base, `Goal/${existing.id}`, { ...existing, id: 'joku-toinen-tavoite' })]),
    );
    expectNamesEntry(outcome, 1);
    expect((await call(`${api.base}/Goal/joku-toinen-tavoite`)).status).toBe(404);
  });

  it('refuses an entry without request', async () => {
    const urn = newUrn();
    const outcome = await rejected(bundle('transaction', [plainGoal(), { fullUrl: urn, resource: goalWith(newValue()) }]));
    expectNamesEntry(outcome, 1, urn);
  });

  it('refuses an unsupported method', async () => {
    const outcome = await rejected(bundle('transaction', [plainGoal(), { request: { method: 'HEAD', url: `Goal/${existing.id}` } }]));
    expectNamesEntry(outcome, 1);
  });

  it('refuses a Bundle nested in an entry', async () => {
    const urn = newUrn();
    const nested = bundle('transaction', [plainGoal()]);
    const outcome = await rejected(bundle('transaction', [plainGoal(), { fullUrl: urn, resource: nested, request: { method: 'POST', url: 'Bundle' } }]));
    expectNamesEntry(outcome, 1, urn);
  });

  it('refuses an entry for a resource type this server does not store (4xx, nothing written)', async () => {
    const value = newValue();
    const patient = { resourceType: 'Patient', name: [{ family: 'Asiakas', given: ['Testi'] }] };
    const entries = [postEntry(newUrn(), goalWith(value)), { fullUrl: newUrn(), resource: patient, request: { method: 'POST', url: 'Patient' } }];
    await rejected(bundle('transaction', entries), [400, 404, 422]);
    expect(await goalsWithIdentifier(api, value)).toBe(0);
  });
});
