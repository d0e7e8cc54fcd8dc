import { randomBytes, randomUUID } from 'node:crypto';
import type { CarePlan } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incompressibleCarePlan, jsonBytes, largeCarePlan, repetitiveCarePlan } from '../fixtures/large-care-plan.js';
import { carePlanFixture } from '../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { tableSnapshot } from './bundle/helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

const PLAN_SYSTEM = 'urn:oid:1.2.246.10.1234567.10.1';

/** `plan` with a fresh business identifier, so each test finds exactly its own plan. */
function identified(plan: CarePlan): { plan: CarePlan; value: string } {
  const value = `HOPA-${randomUUID()}`;
  return { plan: { ...plan, identifier: [{ system: PLAN_SYSTEM, value }] }, value };
}

/** A plan whose activity text (searchable: `activity-code:text`) is `bytes` of random base64. */
function indexedRandomText(bytes: number): CarePlan {
  const plan = carePlanFixture();
  return { ...plan, activity: [{ detail: { status: 'scheduled', code: { text: randomBytes(Math.floor(bytes * 0.75)).toString('base64') } } }] };
}

/** The resource without what the server sets (`id`, `meta`). */
function content(resource: object): object {
  const { id: _id, meta: _meta, ...rest } = resource as Record<string, unknown>;
  return rest;
}

/** Creates `plan` and checks it reads back identical and is found by identifier and by its activities' text. */
async function expectStoredAndFound(plan: CarePlan, value: string, activityText: string): Promise<void> {
  const created = await call(`${api.base}/CarePlan`, { method: 'POST', body: plan });
  expect(created.status, JSON.stringify(created.body).slice(0, 500)).toBe(201);
  const id = created.body.id as string;

  const read = await call(`${api.base}/CarePlan/${id}`);
  expect(read.status).toBe(200);
  expect(content(read.body)).toEqual(content(plan));
  expect(read.body).toEqual(created.body);

  const byIdentifier = await call(`${api.base}/CarePlan?identifier=${encodeURIComponent(`${PLAN_SYSTEM}|${value}`)}`);
  expect(byIdentifier.body.entry?.map((entry: any) => entry.resource.id)).toEqual([id]);
  const byText = await call(`${api.base}/CarePlan?identifier=${encodeURIComponent(`${PLAN_SYSTEM}|${value}`)}&activity-code:text=${encodeURIComponent(activityText)}`);
  expect(byText.body.entry?.map((entry: any) => entry.resource.id)).toEqual([id]);
  const notText = await call(`${api.base}/CarePlan?identifier=${encodeURIComponent(`${PLAN_SYSTEM}|${value}`)}&activity-code:text=ei-tällaista-toimenpidettä`);
  expect(notText.body.entry ?? []).toEqual([]);

  // A new version of the same size replaces the old one and is found the same way.
  const updated = { ...read.body, status: 'on-hold' };
  const put = await call(`${api.base}/CarePlan/${id}`, { method: 'PUT', body: updated, headers: { 'if-match': 'W/"1"' } });
  expect(put.status, JSON.stringify(put.body).slice(0, 500)).toBe(200);
  const onHold = await call(`${api.base}/CarePlan?identifier=${encodeURIComponent(`${PLAN_SYSTEM}|${value}`)}&status=on-hold&activity-code:text=${encodeURIComponent(activityText)}`);
  expect(onHold.body.entry?.map((entry: any) => entry.resource.id)).toEqual([id]);
}

describe('resources up to the 1 MiB request limit', () => {
  it('stores, reads back and finds a realistic 371 KB plan of long Finnish text and many actions', async () => {
    const { plan, value } = identified(largeCarePlan(371_000));
    expect(jsonBytes(plan)).toBeGreaterThan(370_000);
    expect(jsonBytes(plan)).toBeLessThan(380_000);
    expect(JSON.stringify(plan)).toMatch(/[äöå]/);
    // Words of the last action's free text, which only the search index holds besides the body.
    const words = /^[^:]+: ([\p{L} ]+)/u.exec(plan.activity!.at(-1)!.detail!.code!.text!)![1]!.trim();
    await expectStoredAndFound(plan, value, words);
  });

  it('stores, reads back and finds a 900 KB plan that compresses well', async () => {
    const { plan, value } = identified(repetitiveCarePlan(900_000));
    expect(jsonBytes(plan)).toBeGreaterThan(900_000);
    expect(jsonBytes(plan)).toBeLessThan(1_048_576);
    await expectStoredAndFound(plan, value, 'viikkokäynti');
  });

  it('stores and finds them in every local index: a 371 KB plan naming its client by reference and by identifier, and a 220 KB plan of random text', async () => {
    // The local indexes hold keys only: a projected copy per index used to count against the
    // item's 400 KB, and these two were refused with 413 (test/api/large-resources.test.ts, 2026-12-02).
    const byReference = (plan: CarePlan, patient: string): CarePlan => ({ ...plan, subject: { ...plan.subject, reference: `Patient/${patient}` } });
    for (const [index, made] of [largeCarePlan(371_000, 2), incompressibleCarePlan(220_000)].entries()) {
      const patient = `iso-${index}-${randomUUID()}`;
      const { plan, value } = identified(byReference(made, patient));
      const created = await call(`${api.base}/CarePlan`, { method: 'POST', body: plan });
      expect(created.status, JSON.stringify(created.body).slice(0, 500)).toBe(201);
      const ids = async (query: string): Promise<string[]> => ((await call(`${api.base}/CarePlan?${query}`)).body.entry ?? []).map((entry: any) => entry.resource.id);
      expect(await ids(`patient=Patient/${patient}`)).toEqual([created.body.id]);
      expect(await ids(`subject:identifier=${encodeURIComponent(`${plan.subject!.identifier!.system}|${plan.subject!.identifier!.value}`)}&identifier=${encodeURIComponent(`${PLAN_SYSTEM}|${value}`)}`)).toEqual([created.body.id]);
      expect(await ids(`_lastUpdated=ge${encodeURIComponent(created.body.meta.lastUpdated)}&identifier=${encodeURIComponent(`${PLAN_SYSTEM}|${value}`)}`)).toEqual([created.body.id]);
      const read = await call(`${api.base}/CarePlan/${created.body.id}`);
      expect(content(read.body)).toEqual(content(plan));
    }
  });

  // 700 KB is refused before anything is sent (its body alone compresses past the limit); the
  // other passes that check but not DynamoDB's item limit — random text in an element the search
  // index holds too, so body and index together exceed 400 KB — and is refused by the commit.
  it.each([
    ['700 000 bytes of random notes', () => incompressibleCarePlan(700_000)],
    ['random text of 300 000 bytes in an indexed element', () => indexedRandomText(300_000)],
  ])('refuses with 413 and an OperationOutcome a plan of %s, writing nothing', async (_name, make) => {
    const before = await tableSnapshot(api);
    const { plan, value } = identified(make());
    expect(jsonBytes(plan)).toBeLessThan(1_048_576);
    const res = await call(`${api.base}/CarePlan`, { method: 'POST', body: plan });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(413);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('too-long');
    expect(await tableSnapshot(api)).toEqual(before);
    const found = await call(`${api.base}/CarePlan?identifier=${encodeURIComponent(`${PLAN_SYSTEM}|${value}`)}`);
    expect(found.body.entry ?? []).toEqual([]);
  });
});
