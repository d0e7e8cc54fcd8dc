/**
 * The generated search data set is valid FHIR R4 for this API (every resource is accepted by
 * `PUT [type]/[id]` as update-as-create), deterministic, internally consistent, and uses only
 * synthetic identity codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { generateDataset } from './dataset.js';
import { HETU_SYSTEM, parseHetu } from './hetu.js';

const dataset = generateDataset();

/** Every `Identifier` with the HETU system anywhere in the data set. */
function hetusIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => hetusIn(v, found));
  else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.system === HETU_SYSTEM && typeof record.value === 'string') found.push(record.value);
    Object.values(record).forEach((v) => hetusIn(v, found));
  }
  return found;
}

describe('generated search data set', () => {
  it('is deterministic and has unique ids', () => {
    expect(generateDataset()).toEqual(dataset);
    const keys = dataset.resources.map((r) => `${r.resourceType}/${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(dataset.resources.length).toBeGreaterThan(200);
  });

  it('uses only valid HETUs with individual numbers 900–999', () => {
    const hetus = [...dataset.patients.map((p) => p.hetu), ...hetusIn(dataset.resources)];
    expect(hetus.length).toBeGreaterThan(dataset.patients.length);
    for (const hetu of hetus) {
      const check = parseHetu(hetu);
      expect(check.valid, hetu).toBe(true);
      expect(check.individualNumber, hetu).toBeGreaterThanOrEqual(900);
      expect(check.individualNumber, hetu).toBeLessThanOrEqual(999);
    }
    expect(new Set(dataset.patients.map((p) => p.hetu)).size).toBe(dataset.patients.length);
  });

  it('refers only to CareTeams and Goals that are in the data set', () => {
    const keys = new Set(dataset.resources.map((r) => `${r.resourceType}/${r.id}`));
    const refs = dataset.resources.flatMap((r) => (r.resourceType === 'CarePlan' ? [...(r.careTeam ?? []), ...(r.goal ?? [])] : []));
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(keys.has(ref.reference!), ref.reference).toBe(true);
  });

  describe('through the API', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startTestApi();
    });
    afterAll(async () => api.close());

    it('accepts every resource with PUT as update-as-create (201)', async () => {
      const failures: string[] = [];
      for (const resource of dataset.resources) {
        const res = await call(`${api.base}/${resource.resourceType}/${resource.id}`, { method: 'PUT', body: resource });
        if (res.status !== 201) failures.push(`${resource.resourceType}/${resource.id} → ${res.status} ${JSON.stringify(res.body?.issue ?? res.body)}`);
      }
      expect(failures).toEqual([]);
    }, 300_000); // 255 sequential writes; slow when the fuzz file shares DynamoDB Local

    it('would reject an invalid resource, so the 201s above mean something', async () => {
      const [first] = dataset.resources;
      const res = await call(`${api.base}/${first!.resourceType}/not-valid`, { method: 'PUT', body: { ...first, id: 'not-valid', unknownElement: true } });
      expect(res.status).toBe(400);
    });
  });
});
