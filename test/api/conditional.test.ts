import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, goalFixture } from '../fixtures/shared-plan.js';

/** A synthetic business identifier system of the shared plan's goals. */
const GOAL_ID_SYSTEM = 'https://example.fi/fhir/sid/shared-plan-goal';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

const newValue = (): string => `tavoite-${randomUUID()}`;
const token = (value: string): string => `${GOAL_ID_SYSTEM}|${value}`;
const criteria = (value: string): string => `identifier=${encodeURIComponent(token(value))}`;

function goalWith(...values: string[]): Record<string, unknown> {
  return { ...goalFixture(), identifier: values.map((value) => ({ system: GOAL_ID_SYSTEM, value })) };
}

async function createGoal(...values: string[]): Promise<any> {
  const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalWith(...values) });
  expect(created.status).toBe(201);
  return created.body;
}

/** The newest entry of the Goal change feed, as `fullUrl etag`. */
async function newestGoalChange(): Promise<string> {
  const feed = await call(`${api.base}/Goal/_history?_count=1`);
  expect(feed.status).toBe(200);
  const entry = feed.body.entry[0];
  return `${entry.fullUrl} ${entry.response.etag}`;
}

async function searchTotal(value: string): Promise<number> {
  const res = await call(`${api.base}/Goal?${criteria(value)}`);
  expect(res.status).toBe(200);
  return res.body.total;
}

describe('conditional create (If-None-Exist)', () => {
  it('creates (201) when nothing matches', async () => {
    const value = newValue();
    const res = await call(`${api.base}/Goal`, { method: 'POST', headers: { 'If-None-Exist': criteria(value) }, body: goalWith(value) });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${api.base}/Goal/${res.body.id}/_history/1`);
    expect(await searchTotal(value)).toBe(1);
  });

  it('returns 200 with the existing resource and writes nothing when one matches', async () => {
    const value = newValue();
    const existing = await createGoal(value);
    const before = await newestGoalChange();
    api.resetCommands();
    const res = await call(`${api.base}/Goal`, { method: 'POST', headers: { 'If-None-Exist': criteria(value) }, body: goalWith(value) });
    const commands = api.commands();
    expect(res.status).toBe(200);
    expect(res.body).toEqual(existing);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(commands).not.toContain('TransactWriteItemsCommand');
    expect((await call(`${api.base}/Goal/${existing.id}/_history`)).body.total).toBe(1);
    expect(await newestGoalChange()).toBe(before);
  });

  it('returns 412 when more than one resource matches', async () => {
    const [a, b] = [newValue(), newValue()];
    await createGoal(a);
    await createGoal(b);
    const either = `identifier=${encodeURIComponent(`${token(a)},${token(b)}`)}`;
    const res = await call(`${api.base}/Goal`, { method: 'POST', headers: { 'If-None-Exist': either }, body: goalWith(newValue()) });
    expect(res.status).toBe(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('multiple-matches');

    await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() });
    await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() });
    const before = await call(`${api.base}/CarePlan?_summary=count`);
    const byStatus = await call(`${api.base}/CarePlan`, { method: 'POST', headers: { 'If-None-Exist': 'status=active' }, body: carePlanFixture() });
    expect(byStatus.status).toBe(412);
    expect((await call(`${api.base}/CarePlan?_summary=count`)).body.total).toBe(before.body.total);
  });

  it('lets exactly one of 10 concurrent conditional creates create; the rest answer 200 with its id', async () => {
    const value = newValue();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call(`${api.base}/Goal`, { method: 'POST', headers: { 'If-None-Exist': criteria(value) }, body: goalWith(value) })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await searchTotal(value)).toBe(1);
    const id = results[0]!.body.id as string;
    expect((await call(`${api.base}/Goal/${id}/_history`)).body.total).toBe(1);
  });

  it('returns 400 for criteria with an unknown parameter', async () => {
    const res = await call(`${api.base}/Goal`, { method: 'POST', headers: { 'If-None-Exist': 'no-such-param=1' }, body: goalWith(newValue()) });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['no-such-param']);
  });
});

describe('identifier uniqueness', () => {
  it('answers a plain create with a used identifier with 409 duplicate without naming the holder, writing nothing', async () => {
    const value = newValue();
    const existing = await createGoal(value);
    const before = await newestGoalChange();
    const res = await call(`${api.base}/Goal`, { method: 'POST', body: goalWith(value) });
    expect(res.status).toBe(409);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('duplicate');
    expect(res.body.issue[0].diagnostics).toContain('already used by another Goal');
    expect(JSON.stringify(res.body)).not.toContain(existing.id);
    expect(await newestGoalChange()).toBe(before);
    expect(await searchTotal(value)).toBe(1);
  });

  it('refuses (409) an update that takes another resource identifier', async () => {
    const [a, b] = [newValue(), newValue()];
    const holder = await createGoal(a);
    const other = await createGoal(b);
    const res = await call(`${api.base}/Goal/${other.id}`, { method: 'PUT', body: { ...other, identifier: [{ system: GOAL_ID_SYSTEM, value: a }] } });
    expect(res.status).toBe(409);
    expect(res.body.issue[0].code).toBe('duplicate');
    expect(res.body.issue[0].diagnostics).toContain('already used by another Goal');
    expect(JSON.stringify(res.body)).not.toContain(holder.id);
    expect((await call(`${api.base}/Goal/${other.id}`)).body.meta.versionId).toBe('1');
  });

  it('frees an identifier when its holder drops it, so another resource can take it', async () => {
    const [a, b] = [newValue(), newValue()];
    const holder = await createGoal(a);
    const other = await createGoal(b);
    const { identifier: _dropped, ...withoutIdentifier } = holder;
    expect((await call(`${api.base}/Goal/${holder.id}`, { method: 'PUT', body: withoutIdentifier })).status).toBe(200);
    const taken = await call(`${api.base}/Goal/${other.id}`, { method: 'PUT', body: { ...other, identifier: [{ system: GOAL_ID_SYSTEM, value: a }] } });
    expect(taken.status).toBe(200);
    const found = await call(`${api.base}/Goal?${criteria(a)}`);
    expect(found.body.total).toBe(1);
    expect(found.body.entry[0].resource.id).toBe(other.id);
    expect(await searchTotal(b)).toBe(0);
    expect((await call(`${api.base}/Goal`, { method: 'POST', body: goalWith(b) })).status).toBe(201);
  });
});

describe('conditional update (PUT [type]?criteria)', () => {
  it('creates (201) when nothing matches', async () => {
    const value = newValue();
    const res = await call(`${api.base}/Goal?${criteria(value)}`, { method: 'PUT', body: goalWith(value) });
    expect(res.status).toBe(201);
    expect(res.body.meta.versionId).toBe('1');
    expect(res.headers.get('location')).toBe(`${api.base}/Goal/${res.body.id}/_history/1`);
    expect(await searchTotal(value)).toBe(1);
  });

  it('updates the one match (200, version 2)', async () => {
    const value = newValue();
    const existing = await createGoal(value);
    const res = await call(`${api.base}/Goal?${criteria(value)}`, { method: 'PUT', body: { ...goalWith(value), lifecycleStatus: 'on-hold' } });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(existing.id);
    expect(res.body.meta.versionId).toBe('2');
    expect(res.headers.get('etag')).toBe('W/"2"');
    expect((await call(`${api.base}/Goal/${existing.id}`)).body.lifecycleStatus).toBe('on-hold');
  });

  it('returns 412 when more than one resource matches', async () => {
    const [a, b] = [newValue(), newValue()];
    await createGoal(a);
    await createGoal(b);
    const either = `identifier=${encodeURIComponent(`${token(a)},${token(b)}`)}`;
    const res = await call(`${api.base}/Goal?${either}`, { method: 'PUT', body: goalWith(a) });
    expect(res.status).toBe(412);
    expect(res.body.issue[0].code).toBe('multiple-matches');
  });

  it('returns 400 when the body id differs from the matching resource, writing nothing', async () => {
    const value = newValue();
    const existing = await createGoal(value);
    const res = await call(`${api.base}/Goal?${criteria(value)}`, { method: 'PUT', body: { ...goalWith(value), id: 'some-other-goal' } });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['Goal.id']);
    expect((await call(`${api.base}/Goal/${existing.id}`)).body.meta.versionId).toBe('1');
    expect((await call(`${api.base}/Goal/some-other-goal`)).status).toBe(404);
  });

  it('creates with the body id (201) when nothing matches and no resource has that id', async () => {
    const value = newValue();
    const chosen = `tavoite-${randomUUID()}`;
    const res = await call(`${api.base}/Goal?${criteria(value)}`, { method: 'PUT', body: { ...goalWith(value), id: chosen } });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(chosen);
    expect(res.body.meta.versionId).toBe('1');
  });

  it('returns 409 when nothing matches but a resource with the body id exists, overwriting nothing', async () => {
    const other = await createGoal(newValue());
    const value = newValue();
    const res = await call(`${api.base}/Goal?${criteria(value)}`, { method: 'PUT', body: { ...goalWith(value), id: other.id } });
    expect(res.status).toBe(409);
    expect(res.body.issue[0].code).toBe('conflict');
    expect(res.body.issue[0].diagnostics).toContain(other.id);
    expect(res.body.issue[0].diagnostics).not.toContain(other.identifier[0].value);
    const read = await call(`${api.base}/Goal/${other.id}`);
    expect(read.body.meta.versionId).toBe('1');
    expect(read.body.identifier).toEqual(other.identifier);
    expect(await searchTotal(value)).toBe(0);
  });

  it('returns 409 when nothing matches but a deleted resource has the body id, writing nothing', async () => {
    const other = await createGoal(newValue());
    expect((await call(`${api.base}/Goal/${other.id}`, { method: 'DELETE' })).status).toBe(204);
    const value = newValue();
    const res = await call(`${api.base}/Goal?${criteria(value)}`, { method: 'PUT', body: { ...goalWith(value), id: other.id } });
    expect(res.status).toBe(409);
    expect(res.body.issue[0].code).toBe('conflict');
    expect((await call(`${api.base}/Goal/${other.id}`)).status).toBe(410);
    expect((await call(`${api.base}/Goal/${other.id}/_history`)).body.total).toBe(2);
  });

  it('returns 400 for criteria with an unknown parameter', async () => {
    const res = await call(`${api.base}/Goal?no-such-param=1`, { method: 'PUT', body: goalWith(newValue()) });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['no-such-param']);
  });
});

describe('conditional delete (DELETE [type]?criteria)', () => {
  it('deletes the one match (204); a later read is 410', async () => {
    const value = newValue();
    const existing = await createGoal(value);
    const res = await call(`${api.base}/Goal?${criteria(value)}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await call(`${api.base}/Goal/${existing.id}`)).status).toBe(410);
    expect(await searchTotal(value)).toBe(0);
  });

  it('answers 200 with an OperationOutcome when nothing matches', async () => {
    const before = await newestGoalChange();
    const res = await call(`${api.base}/Goal?${criteria(newValue())}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await newestGoalChange()).toBe(before);
  });

  it('returns 412 for a stale If-Match, deleting nothing, and deletes when it is current', async () => {
    const value = newValue();
    const existing = await createGoal(value);
    expect((await call(`${api.base}/Goal/${existing.id}`, { method: 'PUT', body: { ...existing, lifecycleStatus: 'on-hold' } })).status).toBe(200);
    const stale = await call(`${api.base}/Goal?${criteria(value)}`, { method: 'DELETE', headers: { 'If-Match': 'W/"1"' } });
    expect(stale.status).toBe(412);
    expect((await call(`${api.base}/Goal/${existing.id}`)).body.meta.versionId).toBe('2');
    const malformed = await call(`${api.base}/Goal?${criteria(value)}`, { method: 'DELETE', headers: { 'If-Match': 'two' } });
    expect(malformed.status).toBe(400);
    expect((await call(`${api.base}/Goal/${existing.id}`)).status).toBe(200);
    const current = await call(`${api.base}/Goal?${criteria(value)}`, { method: 'DELETE', headers: { 'If-Match': 'W/"2"' } });
    expect(current.status).toBe(204);
    expect((await call(`${api.base}/Goal/${existing.id}`)).status).toBe(410);
  });

  it('returns 412 when more than one resource matches, deleting nothing', async () => {
    const [a, b] = [newValue(), newValue()];
    const first = await createGoal(a);
    const second = await createGoal(b);
    const either = `identifier=${encodeURIComponent(`${token(a)},${token(b)}`)}`;
    const res = await call(`${api.base}/Goal?${either}`, { method: 'DELETE' });
    expect(res.status).toBe(412);
    expect(res.body.issue[0].code).toBe('multiple-matches');
    expect((await call(`${api.base}/Goal/${first.id}`)).status).toBe(200);
    expect((await call(`${api.base}/Goal/${second.id}`)).status).toBe(200);
  });

  it('returns 400 for criteria with an unknown parameter', async () => {
    const res = await call(`${api.base}/Goal?no-such-param=1`, { method: 'DELETE' });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['no-such-param']);
  });
});
