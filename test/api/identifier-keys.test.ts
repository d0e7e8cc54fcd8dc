import type { Goal } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

/** The two official R4 Goal examples, trimmed: both carry `identifier: [{ value: "123" }]`. */
const r4Goals = (): Goal[] => [
  {
    resourceType: 'Goal',
    identifier: [{ value: '123' }],
    lifecycleStatus: 'on-hold',
    description: { text: 'Target weight is 160 to 180 lbs.' },
    subject: { reference: 'Patient/example', display: 'Peter James Chalmers' },
    startDate: '2015-04-05',
  },
  {
    resourceType: 'Goal',
    identifier: [{ value: '123' }],
    lifecycleStatus: 'active',
    description: { text: 'Stop smoking' },
    subject: { reference: 'Patient/example' },
  },
];

const goalWith = (system: string, value: string): Goal => ({
  resourceType: 'Goal',
  identifier: [{ system, value }],
  lifecycleStatus: 'active',
  description: { text: 'Avaimet erikseen' },
  subject: { reference: 'Patient/example' },
});

async function idsFound(query: string): Promise<string[]> {
  const res = await call(`${api.base}/Goal?${query}`);
  expect(res.status).toBe(200);
  return ((res.body.entry ?? []) as any[]).map((e) => e.resource.id as string).sort();
}

describe('business identifier keys', () => {
  it('stores both R4 example Goals: an identifier without a system is not held unique', async () => {
    const [a, b] = await Promise.all(r4Goals().map((goal) => call(`${api.base}/Goal`, { method: 'POST', body: goal })));
    expect(a!.status).toBe(201);
    expect(b!.status).toBe(201);
    const both = [a!.body.id, b!.body.id].sort();
    expect(await idsFound('identifier=123')).toEqual(both);
    expect(await idsFound(`identifier=${encodeURIComponent('|123')}`)).toEqual(both);
  });

  it('keeps system a|b value c apart from system a value b|c, each found by its escaped search value', async () => {
    const first = await call(`${api.base}/Goal`, { method: 'POST', body: goalWith('urn:x:a|b', 'c') });
    const second = await call(`${api.base}/Goal`, { method: 'POST', body: goalWith('urn:x:a', 'b|c') });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await idsFound(`identifier=${encodeURIComponent('urn:x:a\\|b|c')}`)).toEqual([first.body.id]);
    expect(await idsFound(`identifier=${encodeURIComponent('urn:x:a|b\\|c')}`)).toEqual([second.body.id]);
  });

  it('still refuses a second Goal with the same system and value', async () => {
    const first = await call(`${api.base}/Goal`, { method: 'POST', body: goalWith('urn:x:dup', 'd|1') });
    const second = await call(`${api.base}/Goal`, { method: 'POST', body: goalWith('urn:x:dup', 'd|1') });
    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(second.body.issue[0].diagnostics).toContain('urn:x:dup|d|1');
  });
});
