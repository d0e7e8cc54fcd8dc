import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carePlanFixture, goalFixture } from '../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { tableSnapshot } from './bundle/helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

/** `{"a":{"a":…}}` nested `depth` levels, as JSON text (too deep for JSON.stringify to produce). */
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}"pohja"${'}'.repeat(depth)}`;

function expectOutcome(res: { status: number; body: any }, status: number, code?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  if (code) expect(res.body.issue[0].code).toBe(code);
}

const transaction = (entry: unknown[]): unknown => ({ resourceType: 'Bundle', type: 'transaction', entry });

describe('hostile input is refused with a 4xx OperationOutcome and changes nothing', () => {
  it('refuses the ids "." and "..", which no URL can reach, through conditional PUT and Bundles', async () => {
    const before = await tableSnapshot(api);
    for (const id of ['.', '..']) {
      const conditional = await call(`${api.base}/Goal?identifier=https://example.fi/x|${id}x`, { method: 'PUT', body: { ...goalFixture(), id } });
      expectOutcome(conditional, 400);
      const bundled = await call(api.base, { method: 'POST', body: transaction([{ resource: { ...goalFixture(), id }, request: { method: 'PUT', url: `Goal?identifier=https://example.fi/x|${id}y` } }]) });
      expectOutcome(bundled, 400);
    }
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('caps comma-separated alternatives at 100 per parameter (400 too-costly naming the parameter)', async () => {
    const values = Array.from({ length: 2000 }, (_, n) => `https://example.fi/id|${n}`).join(',');
    const res = await call(`${api.base}/CarePlan/_search`, { method: 'POST', rawBody: new URLSearchParams({ identifier: values }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectOutcome(res, 400, 'too-costly');
    expect(res.body.issue[0].expression).toEqual(['identifier']);
    const hundred = Array.from({ length: 100 }, (_, n) => `https://example.fi/id|${n}`).join(',');
    expect((await call(`${api.base}/CarePlan?identifier=${encodeURIComponent(hundred)}`)).status).toBe(200);
  });

  it('refuses JSON nested deeper than 64 levels in a body, a JSON Patch value and a transaction Binary', async () => {
    const before = await tableSnapshot(api);
    const json = { 'content-type': 'application/fhir+json' };
    const deepGoal = JSON.stringify(goalFixture()).replace(/}$/, `,"extension":[{"url":"https://example.fi/x","valueString":"x","deep":${nested(5000)}}]}`);
    expectOutcome(await call(`${api.base}/Goal`, { method: 'POST', rawBody: deepGoal, headers: json }), 400, 'too-long');
    const goal = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    const patch = `[{"op":"add","path":"/note","value":[{"text":"x","deep":${nested(5000)}}]}]`;
    expectOutcome(await call(`${api.base}/Goal/${goal.body.id}`, { method: 'PATCH', rawBody: patch, headers: { 'content-type': 'application/json-patch+json' } }), 400, 'too-long');
    const binary = { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(patch).toString('base64') };
    const res = await call(api.base, { method: 'POST', body: transaction([{ resource: binary, request: { method: 'PATCH', url: `Goal/${goal.body.id}` } }]) });
    expectOutcome(res, 400, 'too-long');
    expect(JSON.stringify(res.body)).toContain('Bundle.entry[0]');
    const after = await tableSnapshot(api);
    expect(after.length - before.length).toBeGreaterThan(0); // only the one valid Goal was added
    expect((await call(`${api.base}/Goal/${goal.body.id}`)).body.meta.versionId).toBe('1');
  });

  it('refuses __proto__ and constructor members by one rule, in a POST and inside a transaction entry', async () => {
    const before = await tableSnapshot(api);
    const poisoned = `{"resourceType":"Goal","lifecycleStatus":"active","description":{"text":"x"},"subject":{"reference":"Patient/p1"},"__proto__":{"admin":true}}`;
    expectOutcome(await call(`${api.base}/Goal`, { method: 'POST', rawBody: poisoned, headers: { 'content-type': 'application/fhir+json' } }), 400, 'structure');
    const inBundle = `{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Goal"},"resource":${poisoned}}]}`;
    expectOutcome(await call(api.base, { method: 'POST', rawBody: inBundle, headers: { 'content-type': 'application/fhir+json' } }), 400, 'structure');
    const ctor = JSON.stringify({ ...carePlanFixture(), constructor: { prototype: {} } });
    expectOutcome(await call(`${api.base}/CarePlan`, { method: 'POST', rawBody: ctor, headers: { 'content-type': 'application/fhir+json' } }), 400, 'structure');
    expect(await tableSnapshot(api)).toEqual(before);
  });
});

describe('request bodies', () => {
  it('accepts a gzip-encoded body and refuses other encodings with 415', async () => {
    const gz = await fetch(`${api.base}/Goal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/fhir+json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ ...goalFixture(), description: { text: 'Päästä töihin 🙂' } })),
    });
    expect(gz.status).toBe(201);
    expect(((await gz.json()) as any).description.text).toBe('Päästä töihin 🙂');
    const br = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture(), headers: { 'content-encoding': 'br' } });
    expectOutcome(br, 415);
  });

  it('refuses a gzip body that inflates past the limit (413) without inflating it whole', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    const res = await fetch(`${api.base}/Goal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/fhir+json', 'content-encoding': 'gzip' },
      body: bomb,
    });
    expect(res.status).toBe(413);
  });

  it('refuses a 10 MB body sent without Content-Length (chunked) with 413', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 10 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${api.base}/Goal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/fhir+json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(10 * 1024 * 1024);
  });
});
