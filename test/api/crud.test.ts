import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, goalFixture } from '../fixtures/shared-plan.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

async function createGoal(): Promise<{ id: string; body: any }> {
  const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
  expect(created.status).toBe(201);
  return { id: created.body.id, body: created.body };
}

describe('create', () => {
  it('returns 201 with Location, ETag and Last-Modified, ignoring client id and meta', async () => {
    const input = { ...goalFixture(), id: 'client-chosen', meta: { versionId: '77', lastUpdated: '2001-01-01T00:00:00Z', tag: [{ code: 'demo' }] } };
    const res = await call(`${api.base}/Goal`, { method: 'POST', body: input });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(id).not.toBe('client-chosen');
    expect(id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(res.headers.get('location')).toBe(`${api.base}/Goal/${id}/_history/1`);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(res.body.meta.versionId).toBe('1');
    expect(res.body.meta.tag).toEqual([{ code: 'demo' }]);
    expect(new Date(res.headers.get('last-modified')!).getTime()).toBe(Math.floor(Date.parse(res.body.meta.lastUpdated) / 1000) * 1000);
    const read = await call(`${api.base}/Goal/client-chosen`);
    expect(read.status).toBe(404);
  });
});

describe('read', () => {
  it('returns the current version with its ETag', async () => {
    const { id, body } = await createGoal();
    const res = await call(`${api.base}/Goal/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(body);
    expect(res.headers.get('etag')).toBe('W/"1"');
  });

  it('returns 404 OperationOutcome for an unknown id', async () => {
    const res = await call(`${api.base}/Goal/does-not-exist`);
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('not-found');
  });

  it('returns 304 when If-None-Match names the current version', async () => {
    const { id } = await createGoal();
    const res = await call(`${api.base}/Goal/${id}`, { headers: { 'If-None-Match': 'W/"1"' } });
    expect(res.status).toBe(304);
    const stale = await call(`${api.base}/Goal/${id}`, { headers: { 'If-None-Match': 'W/"9"' } });
    expect(stale.status).toBe(200);
  });
});

describe('update', () => {
  it('creates a new version and returns 200', async () => {
    const { id, body } = await createGoal();
    const res = await call(`${api.base}/Goal/${id}`, { method: 'PUT', body: { ...body, lifecycleStatus: 'accepted' } });
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
    expect(res.headers.get('etag')).toBe('W/"2"');
    const read = await call(`${api.base}/Goal/${id}`);
    expect(read.body.lifecycleStatus).toBe('accepted');
    const v1 = await call(`${api.base}/Goal/${id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.lifecycleStatus).toBe(body.lifecycleStatus);
  });

  it('creates the resource with the client id (update-as-create) and returns 201', async () => {
    const res = await call(`${api.base}/CarePlan/hopa-plan-1`, { method: 'PUT', body: { ...carePlanFixture(), id: 'hopa-plan-1' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${api.base}/CarePlan/hopa-plan-1/_history/1`);
    expect(res.body.id).toBe('hopa-plan-1');
  });

  it('returns 400 when the body id differs from the URL id, and writes nothing', async () => {
    const { id, body } = await createGoal();
    const res = await call(`${api.base}/Goal/${id}`, { method: 'PUT', body: { ...body, id: 'other' } });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['Goal.id']);
    expect((await call(`${api.base}/Goal/${id}`)).body.meta.versionId).toBe('1');
  });

  it('returns 400 when the body has no id', async () => {
    const { id, body } = await createGoal();
    const { id: _drop, ...withoutId } = body;
    const res = await call(`${api.base}/Goal/${id}`, { method: 'PUT', body: withoutId });
    expect(res.status).toBe(400);
  });

  it('returns 412 for a stale If-Match and writes nothing', async () => {
    const { id, body } = await createGoal();
    await call(`${api.base}/Goal/${id}`, { method: 'PUT', body: { ...body, lifecycleStatus: 'accepted' } });
    const res = await call(`${api.base}/Goal/${id}`, { method: 'PUT', headers: { 'If-Match': 'W/"1"' }, body: { ...body, lifecycleStatus: 'active' } });
    expect(res.status).toBe(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    const read = await call(`${api.base}/Goal/${id}`);
    expect(read.body.meta.versionId).toBe('2');
    expect(read.body.lifecycleStatus).toBe('accepted');
    expect((await call(`${api.base}/Goal/${id}/_history`)).body.total).toBe(2);
  });

  it('accepts a matching If-Match', async () => {
    const { id, body } = await createGoal();
    const res = await call(`${api.base}/Goal/${id}`, { method: 'PUT', headers: { 'If-Match': 'W/"1"' }, body: { ...body, lifecycleStatus: 'accepted' } });
    expect(res.status).toBe(200);
  });

  it('returns 400 for a malformed If-Match', async () => {
    const { id, body } = await createGoal();
    const res = await call(`${api.base}/Goal/${id}`, { method: 'PUT', headers: { 'If-Match': 'version one' }, body });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['If-Match']);
  });

  it('creates no new version when the content is unchanged', async () => {
    const { id, body } = await createGoal();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const res = await call(`${api.base}/Goal/${id}`, { method: 'PUT', body: { ...reordered, meta: { versionId: '1' } } });
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('1');
    expect((await call(`${api.base}/Goal/${id}/_history`)).body.total).toBe(1);
  });
});

describe('delete', () => {
  it('returns 204, then reads give 410 and history keeps every version plus the deletion', async () => {
    const { id, body } = await createGoal();
    await call(`${api.base}/Goal/${id}`, { method: 'PUT', body: { ...body, lifecycleStatus: 'accepted' } });
    const res = await call(`${api.base}/Goal/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    const read = await call(`${api.base}/Goal/${id}`);
    expect(read.status).toBe(410);
    expect(read.body.issue[0].code).toBe('deleted');
    const history = await call(`${api.base}/Goal/${id}/_history`);
    expect(history.body.total).toBe(3);
    expect(history.body.entry.map((e: any) => e.request.method)).toEqual(['DELETE', 'PUT', 'POST']);
    expect(history.body.entry[0].resource).toBeUndefined();
    expect((await call(`${api.base}/Goal/${id}/_history/3`)).status).toBe(410);
    expect((await call(`${api.base}/Goal/${id}/_history/2`)).status).toBe(200);
  });

  it('is harmless when repeated: 204 and no new version', async () => {
    const { id } = await createGoal();
    expect((await call(`${api.base}/Goal/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`${api.base}/Goal/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`${api.base}/Goal/${id}/_history`)).body.total).toBe(2);
  });

  it('returns 404 for a resource that never existed', async () => {
    expect((await call(`${api.base}/Goal/never-was`, { method: 'DELETE' })).status).toBe(404);
  });

  it('returns 412 for a stale If-Match and deletes nothing', async () => {
    const { id, body } = await createGoal();
    await call(`${api.base}/Goal/${id}`, { method: 'PUT', body: { ...body, lifecycleStatus: 'accepted' } });
    const res = await call(`${api.base}/Goal/${id}`, { method: 'DELETE', headers: { 'If-Match': 'W/"1"' } });
    expect(res.status).toBe(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect((await call(`${api.base}/Goal/${id}`)).body.meta.versionId).toBe('2');
    expect((await call(`${api.base}/Goal/${id}/_history`)).body.total).toBe(2);
  });

  it('returns 400 for a malformed If-Match and deletes nothing', async () => {
    const { id } = await createGoal();
    const res = await call(`${api.base}/Goal/${id}`, { method: 'DELETE', headers: { 'If-Match': 'version one' } });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['If-Match']);
    expect((await call(`${api.base}/Goal/${id}`)).status).toBe(200);
  });

  it('deletes when If-Match names the current version', async () => {
    const { id } = await createGoal();
    const res = await call(`${api.base}/Goal/${id}`, { method: 'DELETE', headers: { 'If-Match': 'W/"1"' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('etag')).toBe('W/"2"');
    expect((await call(`${api.base}/Goal/${id}`)).status).toBe(410);
  });

  it('lets an update bring a deleted resource back as a new version (201)', async () => {
    const { id, body } = await createGoal();
    await call(`${api.base}/Goal/${id}`, { method: 'DELETE' });
    const res = await call(`${api.base}/Goal/${id}`, { method: 'PUT', body });
    expect(res.status).toBe(201);
    expect(res.body.meta.versionId).toBe('3');
  });
});

describe('vread', () => {
  it('returns 404 for an unknown version and 400 for a malformed one', async () => {
    const { id } = await createGoal();
    expect((await call(`${api.base}/Goal/${id}/_history/2`)).status).toBe(404);
    expect((await call(`${api.base}/Goal/${id}/_history/abc`)).status).toBe(400);
  });
});

describe('Prefer', () => {
  it('return=minimal answers with headers and no body', async () => {
    const res = await call(`${api.base}/Goal`, { method: 'POST', headers: { Prefer: 'return=minimal' }, body: goalFixture() });
    expect(res.status).toBe(201);
    expect(res.body).toBeUndefined();
    expect(res.headers.get('location')).toMatch(/\/Goal\/[^/]+\/_history\/1$/);
  });

  it('return=OperationOutcome answers with an informational OperationOutcome', async () => {
    const res = await call(`${api.base}/Goal`, { method: 'POST', headers: { Prefer: 'return=OperationOutcome' }, body: goalFixture() });
    expect(res.status).toBe(201);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].severity).toBe('information');
  });

  it('return=representation answers with the stored resource', async () => {
    const res = await call(`${api.base}/Goal`, { method: 'POST', headers: { Prefer: 'return=representation' }, body: goalFixture() });
    expect(res.body.resourceType).toBe('Goal');
    expect(res.body.meta.versionId).toBe('1');
  });
});
