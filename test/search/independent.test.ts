/**
 * The production search, checked against an independent evaluator (issue acceptance criterion):
 * a generated data set of a few hundred resources is loaded over HTTP, and for each
 * representative query the ids returned by `GET [base]/[type]?<query>&_count=50` (all pages)
 * must equal the ids the in-memory evaluator over the official FHIRPath expressions selects.
 *
 * The evaluator runs on the resources as the server returned them from `PUT`, so
 * `meta.lastUpdated` is the server's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FhirResource } from 'fhir/r4.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { generateDataset } from './independent/dataset.js';
import { evaluateSearch } from './independent/evaluator.js';
import { LAST_UPDATED_PLACEHOLDER, representativeQueries, type RepresentativeQuery } from './independent/queries.js';

const dataset = generateDataset();
const queries = representativeQueries(dataset);
const MAX_PAGES = 20;

let api: TestApi;
/** The resources as stored by the server (PUT responses). */
const stored: FhirResource[] = [];

beforeAll(async () => {
  api = await startTestApi();
  for (const resource of dataset.resources) {
    const res = await call(`${api.base}/${resource.resourceType}/${resource.id}`, { method: 'PUT', body: resource });
    if (res.status !== 201) throw new Error(`loading ${resource.resourceType}/${resource.id} failed: ${res.status} ${JSON.stringify(res.body)}`);
    stored.push(res.body as FhirResource);
  }
}, 180_000);
afterAll(async () => api?.close());

/** The query with `{lastUpdated}` replaced by the middle server timestamp of the type. */
function concrete({ type, query }: RepresentativeQuery): string {
  if (!query.includes(LAST_UPDATED_PLACEHOLDER)) return query;
  const times = stored.filter((r) => r.resourceType === type).map((r) => r.meta!.lastUpdated!).sort();
  return query.replace(LAST_UPDATED_PLACEHOLDER, encodeURIComponent(times[Math.floor(times.length / 2)]!));
}

/** Every matched id over all pages, following `link[relation=next]`. */
async function searchIds(type: string, query: string): Promise<string[]> {
  const ids: string[] = [];
  let url: string | undefined = `${api.base}/${type}?${query}&_count=50`;
  for (let page = 0; url !== undefined; page++) {
    if (page >= MAX_PAGES) throw new Error(`more than ${MAX_PAGES} pages for ${type}?${query}`);
    const res = await call(url);
    expect(res.status, `${url} → ${JSON.stringify(res.body)}`).toBe(200);
    expect(res.body.resourceType).toBe('Bundle');
    expect(res.body.type).toBe('searchset');
    for (const entry of res.body.entry ?? []) {
      if ((entry.search?.mode ?? 'match') !== 'match') continue;
      expect(entry.resource.resourceType).toBe(type);
      ids.push(entry.resource.id);
    }
    const next: string | undefined = res.body.link?.find((l: { relation: string }) => l.relation === 'next')?.url;
    url = next === undefined ? undefined : new URL(next, url).toString();
  }
  return ids.sort();
}

describe('search agrees with the independent evaluator', () => {
  it.each(queries.map((q) => [`${q.type}?${q.query}`, q] as const))('%s', async (_name, q) => {
    const query = concrete(q);
    const expected = evaluateSearch(stored, q.type, query);
    const actual = await searchIds(q.type, query);
    // Sorted arrays, not sets: an id served twice across pages fails too.
    expect(actual).toEqual(expected);
  });

  it('has enough queries whose expected result is neither empty nor everything', () => {
    expect(queries.length).toBeGreaterThanOrEqual(30);
    expect(new Set(queries.map((q) => q.type))).toEqual(new Set(['CarePlan', 'CareTeam', 'Consent', 'Goal']));
    const partial = queries.filter((q) => {
      const total = stored.filter((r) => r.resourceType === q.type).length;
      const n = evaluateSearch(stored, q.type, concrete(q)).length;
      return n > 0 && n < total;
    });
    expect(partial.length).toBeGreaterThanOrEqual(25);
  });
});
