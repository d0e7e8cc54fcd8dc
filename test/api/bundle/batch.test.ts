import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { carePlanFixture, goalFixture } from '../../fixtures/shared-plan.js';
import {
  bundle,
  byIdentifier,
  createResource,
  deleteEntry,
  expectWritten,
  getEntry,
  goalsWithIdentifier,
  goalWith,
  newUrn,
  newValue,
  patchEntry,
  postBundle,
  postEntry,
  putEntry,
} from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

/** The entry's status code, and its OperationOutcome when it failed. */
function failed(entry: any, statuses: readonly number[]): any {
  const code = Number(String(entry.response.status).split(' ')[0]);
  expect(statuses, JSON.stringify(entry.response)).toContain(code);
  expect(entry.response.outcome?.resourceType).toBe('OperationOutcome');
  expect(entry.response.outcome.issue.length).toBeGreaterThan(0);
  return entry.response.outcome;
}

describe('batch: independent entries', () => {
  it('answers 200 batch-response in request order; failing entries get their own status and outcome, the others commit', async () => {
    const plan = await createResource(api, carePlanFixture());
    const staleTarget = await createResource(api, goalFixture());
    const toDelete = await createResource(api, goalFixture());
    const toPatch = await createResource(api, goalFixture());
    await call(`${api.base}/Goal/${staleTarget.id}`, { method: 'PUT', body: { ...staleTarget, lifecycleStatus: 'on-hold' } });
    const [okValue, invalidValue] = [newValue(), newValue()];
    const { lifecycleStatus: _missing, ...invalidGoal } = goalWith(invalidValue);

    const res = await postBundle(
      api,
      bundle('batch', [
        postEntry(newUrn(), goalWith(okValue)),
        putEntry(api.base, `Goal/${staleTarget.id}`, { ...staleTarget, lifecycleStatus: 'completed' }, { ifMatch: 'W/"1"' }),
        postEntry(newUrn(), invalidGoal),
        deleteEntry(`Goal/${toDelete.id}`),
        getEntry(`Goal/does-not-exist-${newValue().slice(-8)}`),
        patchEntry(`Goal/${toPatch.id}`, [{ op: 'replace', path: '/lifecycleStatus', value: 'accepted' }]),
        putEntry(api.base, `CarePlan/${plan.id}`, { ...plan, title: 'Tarkistettu suunnitelma' }),
        getEntry(`Goal/${toPatch.id}`),
      ]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.resourceType).toBe('Bundle');
    expect(res.body.type).toBe('batch-response');
    const entries = res.body.entry as any[];
    expect(entries).toHaveLength(8);

    const createdId = expectWritten(api, entries[0], '201 Created', 'Goal');
    failed(entries[1], [412]);
    failed(entries[2], [400, 422]);
    expect(entries[3].response.status).toMatch(/^(200|204)/);
    failed(entries[4], [404]);
    expectWritten(api, entries[5], '200 OK', 'Goal', '2');
    expectWritten(api, entries[6], '200 OK', 'CarePlan', '2');
    expect(entries[7].response.status).toMatch(/^200/);
    expect(entries[7].resource.id).toBe(toPatch.id);

    expect((await call(`${api.base}/Goal/${createdId}`)).body.identifier[0].value).toBe(okValue);
    const stale = await call(`${api.base}/Goal/${staleTarget.id}`);
    expect(stale.body.lifecycleStatus).toBe('on-hold');
    expect(stale.body.meta.versionId).toBe('2');
    expect(await goalsWithIdentifier(api, invalidValue)).toBe(0);
    expect((await call(`${api.base}/Goal/${toDelete.id}`)).status).toBe(410);
    expect((await call(`${api.base}/Goal/${toPatch.id}`)).body.lifecycleStatus).toBe('accepted');
    expect((await call(`${api.base}/CarePlan/${plan.id}`)).body.title).toBe('Tarkistettu suunnitelma');
  });

  it('keeps each entry atomic: a goal refused for a taken identifier reserves none of its other identifiers', async () => {
    const [taken, free] = [newValue(), newValue()];
    const holder = await createResource(api, goalWith(taken));
    const other = newValue();
    const res = await postBundle(api, bundle('batch', [postEntry(newUrn(), goalWith(free, taken)), postEntry(newUrn(), goalWith(other))]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const outcome = failed(res.body.entry[0], [409]);
    expect(JSON.stringify(outcome)).toContain('already used by another Goal');
    expect(JSON.stringify(outcome)).not.toContain(holder.id);
    expectWritten(api, res.body.entry[1], '201 Created', 'Goal');
    expect(await goalsWithIdentifier(api, free)).toBe(0);
    expect(await goalsWithIdentifier(api, other)).toBe(1);
    // The free identifier was not left reserved by the refused entry.
    expect((await call(`${api.base}/Goal`, { method: 'POST', body: goalWith(free) })).status).toBe(201);
  });

  it('answers a conditional create that finds its match with 200 and the existing goal', async () => {
    const value = newValue();
    const existing = await createResource(api, goalWith(value));
    const res = await postBundle(api, bundle('batch', [postEntry(newUrn(), goalWith(value), { ifNoneExist: byIdentifier(value) })]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(expectWritten(api, res.body.entry[0], '200 OK', 'Goal')).toBe(existing.id);
    expect((await call(`${api.base}/Goal/${existing.id}/_history`)).body.total).toBe(1);
  });

  it('answers an empty batch with an empty batch-response', async () => {
    const res = await postBundle(api, { resourceType: 'Bundle', type: 'batch' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.type).toBe('batch-response');
    expect(res.body.entry ?? []).toEqual([]);
  });

  it('runs a search entry and returns its searchset', async () => {
    const value = newValue();
    const goal = await createResource(api, goalWith(value));
    const res = await postBundle(api, bundle('batch', [getEntry(`Goal?${byIdentifier(value)}`)]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.entry[0].response.status).toMatch(/^200/);
    expect(res.body.entry[0].resource.type).toBe('searchset');
    expect(res.body.entry[0].resource.entry.map((e: any) => e.resource.id)).toEqual([goal.id]);
  });
});
