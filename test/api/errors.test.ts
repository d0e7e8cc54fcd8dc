import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

function expectOutcome(body: any, code?: string): void {
  expect(body.resourceType).toBe('OperationOutcome');
  expect(body.issue.length).toBeGreaterThan(0);
  if (code) expect(body.issue.map((i: any) => i.code)).toContain(code);
}

describe('routing errors', () => {
  it('returns 404 for an unsupported resource type', async () => {
    const res = await call(`${api.base}/Patient/abc`);
    expect(res.status).toBe(404);
    expectOutcome(res.body, 'not-supported');
  });

  it('returns 404 for an unknown path', async () => {
    const res = await call(`${api.base}/CarePlan/a/b/c/d`);
    expect(res.status).toBe(404);
    expectOutcome(res.body, 'not-found');
    expect((await call(`http://${new URL(api.base).host}/elsewhere`)).status).toBe(404);
  });

  it('returns 405 with Allow for a method the path does not support', async () => {
    const res = await call(`${api.base}/CarePlan/abc/_history`, { method: 'POST', body: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expectOutcome(res.body, 'not-supported');
    const put = await call(`${api.base}/metadata`, { method: 'DELETE' });
    expect(put.status).toBe(405);
  });

  it('returns 400 for a malformed id in the URL', async () => {
    const res = await call(`${api.base}/CarePlan/${'x'.repeat(65)}`);
    expect(res.status).toBe(400);
    expectOutcome(res.body, 'invalid');
  });
});

describe('media types', () => {
  it('returns 406 for an unsupported Accept and for _format=xml', async () => {
    const a = await call(`${api.base}/metadata`, { headers: { Accept: 'application/fhir+xml' } });
    expect(a.status).toBe(406);
    expectOutcome(a.body, 'not-supported');
    expect((await call(`${api.base}/metadata?_format=xml`)).status).toBe(406);
  });

  it('accepts application/json, */* and _format=json', async () => {
    expect((await call(`${api.base}/metadata`, { headers: { Accept: 'application/json' } })).status).toBe(200);
    expect((await call(`${api.base}/metadata`, { headers: { Accept: 'text/html, */*;q=0.1' } })).status).toBe(200);
    expect((await call(`${api.base}/metadata?_format=json`, { headers: { Accept: 'application/xml' } })).status).toBe(200);
  });

  it('returns 415 for an unsupported Content-Type and accepts application/json', async () => {
    const bad = await call(`${api.base}/Goal`, { method: 'POST', rawBody: JSON.stringify(goalFixture()), headers: { 'content-type': 'text/plain' } });
    expect(bad.status).toBe(415);
    expectOutcome(bad.body, 'not-supported');
    const ok = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture(), headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(ok.status).toBe(201);
  });

  it('returns 413 for a body over 1 MiB', async () => {
    const big = { ...goalFixture(), note: [{ text: 'a'.repeat(1024 * 1024) }] };
    const res = await call(`${api.base}/Goal`, { method: 'POST', body: big });
    expect(res.status).toBe(413);
    expectOutcome(res.body, 'too-long');
  });

  it('stores a large resource under the limit by compressing it', async () => {
    const notes = Array.from({ length: 300 }, (_, n) => ({ text: `Verkostopalaverin muistiinpano ${n}: ${'asiakas kertoi arjesta '.repeat(60)}` }));
    const res = await call(`${api.base}/Goal`, { method: 'POST', body: { ...goalFixture(), note: notes } });
    expect(res.status).toBe(201);
    const read = await call(`${api.base}/Goal/${res.body.id}`);
    expect(read.body.note).toHaveLength(300);
  });

  it('returns 400 for invalid JSON, an empty body and a non-object body', async () => {
    const broken = await call(`${api.base}/Goal`, { method: 'POST', rawBody: '{"resourceType": "Goal",', headers: { 'content-type': 'application/fhir+json' } });
    expect(broken.status).toBe(400);
    expectOutcome(broken.body, 'structure');
    const empty = await call(`${api.base}/Goal`, { method: 'POST', rawBody: '', headers: { 'content-type': 'application/fhir+json' } });
    expect(empty.status).toBe(400);
    const array = await call(`${api.base}/Goal`, { method: 'POST', body: [goalFixture()] });
    expect(array.status).toBe(400);
  });
});

describe('validation', () => {
  it('returns 400 naming the element for a bad code, and writes nothing', async () => {
    const plan = carePlanFixture() as any;
    plan.activity[0].detail.status = 'bogus';
    const res = await call(`${api.base}/CarePlan`, { method: 'POST', body: plan });
    expect(res.status).toBe(400);
    expectOutcome(res.body, 'code-invalid');
    expect(res.body.issue.flatMap((i: any) => i.expression)).toContain('CarePlan.activity[0].detail.status');
  });

  it('returns 400 for an unknown element and for a resourceType that does not match the URL', async () => {
    const res = await call(`${api.base}/Goal`, { method: 'POST', body: { ...goalFixture(), colour: 'blue' } });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['Goal.colour']);
    const wrongType = await call(`${api.base}/Goal`, { method: 'POST', body: carePlanFixture() });
    expect(wrongType.status).toBe(400);
  });

  it('returns 422 for an invariant violation (consent scope patient-privacy without patient)', async () => {
    const { patient: _p, ...consent } = consentFixture() as any;
    const res = await call(`${api.base}/Consent`, { method: 'POST', body: consent });
    expect(res.status).toBe(422);
    expectOutcome(res.body, 'invariant');
  });

  it('validates updates too: 400 on a structurally bad update leaves the resource unchanged', async () => {
    const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    const res = await call(`${api.base}/Goal/${created.body.id}`, { method: 'PUT', body: { ...created.body, lifecycleStatus: 'finished' } });
    expect(res.status).toBe(400);
    expect((await call(`${api.base}/Goal/${created.body.id}`)).body.meta.versionId).toBe('1');
  });
});

describe('request ids', () => {
  it('echoes a given X-Request-Id and logs it', async () => {
    const res = await call(`${api.base}/metadata`, { headers: { 'X-Request-Id': 'trace-abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    const line = api.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === 'trace-abc-123');
    expect(line).toMatchObject({ message: 'request', status: 200, method: 'GET' });
  });

  it('generates one when absent or malformed, also on errors', async () => {
    const res = await call(`${api.base}/Goal/unknown-goal`, { headers: { 'X-Request-Id': 'bad id with spaces' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.status).toBe(404);
  });
});

describe('trailing slashes', () => {
  it('treats [base]/ like [base] and [type]/ like [type]', async () => {
    const res = await call(`${api.base}/`, { method: 'POST', body: { resourceType: 'Bundle', type: 'batch' } });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    expect((await call(`${api.base}/Goal/`, { method: 'POST', body: goalFixture() })).status).toBe(201);
  });
});
