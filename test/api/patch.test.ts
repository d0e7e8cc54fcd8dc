import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, goalFixture } from '../fixtures/shared-plan.js';

const JSON_PATCH = 'application/json-patch+json';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

async function create(resourceType: 'Goal' | 'CarePlan'): Promise<any> {
  const body = resourceType === 'Goal' ? goalFixture() : carePlanFixture();
  const created = await call(`${api.base}/${resourceType}`, { method: 'POST', body });
  expect(created.status).toBe(201);
  return created.body;
}

function patch(path: string, operations: unknown, headers: Record<string, string> = {}): ReturnType<typeof call> {
  return call(`${api.base}/${path}`, { method: 'PATCH', rawBody: JSON.stringify(operations), headers: { 'Content-Type': JSON_PATCH, ...headers } });
}

async function versionCount(path: string): Promise<number> {
  const history = await call(`${api.base}/${path}/_history`);
  expect(history.status).toBe(200);
  return history.body.total;
}

describe('PATCH applies a JSON Patch and stores a new version', () => {
  it('replaces a value (200, version 2, ETag and stored content)', async () => {
    const goal = await create('Goal');
    const res = await patch(`Goal/${goal.id}`, [{ op: 'replace', path: '/lifecycleStatus', value: 'on-hold' }]);
    expect(res.status).toBe(200);
    expect(res.body.lifecycleStatus).toBe('on-hold');
    expect(res.body.meta.versionId).toBe('2');
    expect(res.headers.get('etag')).toBe('W/"2"');
    expect(Date.parse(res.body.meta.lastUpdated)).toBeGreaterThan(Date.parse(goal.meta.lastUpdated));
    const read = await call(`${api.base}/Goal/${goal.id}`);
    expect(read.body).toEqual(res.body);
    const history = await call(`${api.base}/Goal/${goal.id}/_history`);
    expect(history.body.entry[0].request.method).toBe('PATCH');
    expect(history.body.entry[0].response.status).toBe('200 OK');
  });

  it('adds elements (a new note, a priority)', async () => {
    const goal = await create('Goal');
    const res = await patch(`Goal/${goal.id}`, [
      { op: 'add', path: '/note/-', value: { text: 'Seurantakäynnillä sovittu uusi välitavoite.' } },
      { op: 'add', path: '/priority', value: { text: 'korkea' } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
    expect(res.body.note).toHaveLength(2);
    expect(res.body.note[1].text).toBe('Seurantakäynnillä sovittu uusi välitavoite.');
    expect(res.body.priority).toEqual({ text: 'korkea' });
  });

  it('removes an element', async () => {
    const goal = await create('Goal');
    const res = await patch(`Goal/${goal.id}`, [{ op: 'remove', path: '/note' }]);
    expect(res.status).toBe(200);
    expect(res.body.note).toBeUndefined();
    expect((await call(`${api.base}/Goal/${goal.id}`)).body.note).toBeUndefined();
    expect(await versionCount(`Goal/${goal.id}`)).toBe(2);
    expect((await call(`${api.base}/Goal/${goal.id}/_history/1`)).body.note).toEqual(goal.note);
  });

  it('applies a patch whose test operation holds', async () => {
    const goal = await create('Goal');
    const res = await patch(`Goal/${goal.id}`, [
      { op: 'test', path: '/lifecycleStatus', value: 'active' },
      { op: 'replace', path: '/lifecycleStatus', value: 'completed' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.lifecycleStatus).toBe('completed');
  });

  it('creates no new version when the patch changes nothing', async () => {
    const goal = await create('Goal');
    api.resetCommands();
    const res = await patch(`Goal/${goal.id}`, [{ op: 'replace', path: '/lifecycleStatus', value: goal.lifecycleStatus }]);
    const commands = api.commands();
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('1');
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(commands).not.toContain('TransactWriteItemsCommand');
    expect(await versionCount(`Goal/${goal.id}`)).toBe(1);
  });
});

describe('PATCH preconditions', () => {
  it('returns 412 for a stale If-Match and writes nothing', async () => {
    const goal = await create('Goal');
    expect((await patch(`Goal/${goal.id}`, [{ op: 'replace', path: '/lifecycleStatus', value: 'accepted' }])).status).toBe(200);
    const res = await patch(`Goal/${goal.id}`, [{ op: 'replace', path: '/lifecycleStatus', value: 'on-hold' }], { 'If-Match': 'W/"1"' });
    expect(res.status).toBe(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    const read = await call(`${api.base}/Goal/${goal.id}`);
    expect(read.body.lifecycleStatus).toBe('accepted');
    expect(read.body.meta.versionId).toBe('2');
    expect(await versionCount(`Goal/${goal.id}`)).toBe(2);
  });

  it('applies the patch when If-Match names the current version', async () => {
    const goal = await create('Goal');
    const res = await patch(`Goal/${goal.id}`, [{ op: 'replace', path: '/lifecycleStatus', value: 'on-hold' }], { 'If-Match': 'W/"1"' });
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
  });

  it('returns 410 for a deleted resource and 404 for an unknown one', async () => {
    const goal = await create('Goal');
    expect((await call(`${api.base}/Goal/${goal.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await patch(`Goal/${goal.id}`, [{ op: 'replace', path: '/lifecycleStatus', value: 'active' }]);
    expect(gone.status).toBe(410);
    expect(gone.body.issue[0].code).toBe('deleted');
    expect(await versionCount(`Goal/${goal.id}`)).toBe(2);
    const unknown = await patch('Goal/no-such-goal', [{ op: 'replace', path: '/lifecycleStatus', value: 'active' }]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.issue[0].code).toBe('not-found');
  });

  it('returns 415 for a FHIR JSON body instead of a JSON Patch', async () => {
    const goal = await create('Goal');
    const res = await call(`${api.base}/Goal/${goal.id}`, { method: 'PATCH', body: [{ op: 'replace', path: '/lifecycleStatus', value: 'on-hold' }] });
    expect(res.status).toBe(415);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await versionCount(`Goal/${goal.id}`)).toBe(1);
  });
});

describe('PATCH rejects bad documents and invalid results', () => {
  it('returns 400 for a body that is not an array', async () => {
    const goal = await create('Goal');
    const res = await patch(`Goal/${goal.id}`, { op: 'replace', path: '/lifecycleStatus', value: 'on-hold' });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].code).toBe('structure');
  });

  it('returns 400 for an unknown or incomplete operation', async () => {
    const goal = await create('Goal');
    const bogus = await patch(`Goal/${goal.id}`, [{ op: 'bogus', path: '/lifecycleStatus', value: 'on-hold' }]);
    expect(bogus.status).toBe(400);
    expect(bogus.body.issue[0].expression).toEqual(['[0]']);
    const noValue = await patch(`Goal/${goal.id}`, [{ op: 'test', path: '/lifecycleStatus', value: 'active' }, { op: 'replace', path: '/lifecycleStatus' }]);
    expect(noValue.status).toBe(400);
    expect(noValue.body.issue[0].expression).toEqual(['[1]']);
    expect(await versionCount(`Goal/${goal.id}`)).toBe(1);
  });

  it('returns 422 when a test operation fails, writing nothing', async () => {
    const goal = await create('Goal');
    const res = await patch(`Goal/${goal.id}`, [
      { op: 'test', path: '/lifecycleStatus', value: 'completed' },
      { op: 'replace', path: '/lifecycleStatus', value: 'cancelled' },
    ]);
    expect(res.status).toBe(422);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect((await call(`${api.base}/Goal/${goal.id}`)).body.lifecycleStatus).toBe('active');
    expect(await versionCount(`Goal/${goal.id}`)).toBe(1);
  });

  it('returns 422, not 500, when an operation follows one that replaced the whole document with null', async () => {
    const plan = await create('CarePlan');
    const res = await patch(`CarePlan/${plan.id}`, [{ op: 'add', path: '', value: null }, { op: 'add', path: '/', value: '' }]);
    expect(res.status).toBe(422);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await versionCount(`CarePlan/${plan.id}`)).toBe(1);
  });

  it('returns 422 when an operation targets a path that does not exist', async () => {
    const goal = await create('Goal');
    const res = await patch(`Goal/${goal.id}`, [{ op: 'remove', path: '/outcomeReference' }]);
    expect(res.status).toBe(422);
    expect(await versionCount(`Goal/${goal.id}`)).toBe(1);
  });

  it('returns 422 with the expression when the result has an invalid code', async () => {
    const plan = await create('CarePlan');
    const res = await patch(`CarePlan/${plan.id}`, [{ op: 'replace', path: '/status', value: 'bogus' }]);
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['CarePlan.status']);
    expect(await versionCount(`CarePlan/${plan.id}`)).toBe(1);
  });

  it('returns 422 with the expression when the result lacks a required element', async () => {
    const plan = await create('CarePlan');
    const res = await patch(`CarePlan/${plan.id}`, [{ op: 'remove', path: '/status' }]);
    expect(res.status).toBe(422);
    expect(res.body.issue[0].code).toBe('required');
    expect(res.body.issue[0].expression).toEqual(['CarePlan.status']);
    const nested = await patch(`CarePlan/${plan.id}`, [{ op: 'remove', path: '/activity/0/detail/status' }]);
    expect(nested.status).toBe(422);
    expect(nested.body.issue[0].expression[0]).toMatch(/^CarePlan\.activity\[0\]\.detail\.status$/);
    expect(await versionCount(`CarePlan/${plan.id}`)).toBe(1);
  });

  it('returns 422 for a patch that changes the id or resourceType', async () => {
    const goal = await create('Goal');
    const res = await patch(`Goal/${goal.id}`, [{ op: 'replace', path: '/id', value: 'another-goal' }]);
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['Goal.id']);
    const retyped = await patch(`Goal/${goal.id}`, [{ op: 'replace', path: '/resourceType', value: 'CarePlan' }]);
    expect(retyped.status).toBe(422);
    expect(await versionCount(`Goal/${goal.id}`)).toBe(1);
    expect((await call(`${api.base}/Goal/another-goal`)).status).toBe(404);
  });
});
