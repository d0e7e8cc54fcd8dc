/**
 * Property-based fuzzing of the whole HTTP surface with fast-check (issue 8): random request
 * bodies, headers, query strings, ids, JSON Patch documents and Bundles against one API.
 * For every generated request: never a 5xx; every 4xx is an OperationOutcome; every 2xx is FHIR
 * JSON of the expected type; a refused request changes no stored item. See harness.ts for the
 * seed (`FUZZ_SEED`), the case count (`FUZZ_RUNS`) and replay (`FUZZ_PATH`); docs/reliability.md.
 */
import type fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { bodyRequest, bundleRequest, fixtureOf, headerRequest, idRequest, patchRequest, queryRequest, TYPES, type FuzzRequest, type Seeded } from './arbitraries.js';
import { fuzz, fuzzSeed, StoredState, totalCases } from './harness.js';

let api: TestApi;
let state: StoredState;
let seeded: Seeded;
const cursors: string[] = [];
let generated = 0;

beforeAll(async () => {
  api = await startTestApi();
  const ids = {} as Record<(typeof TYPES)[number], string[]>;
  for (const type of TYPES) {
    ids[type] = [];
    for (let n = 0; n < 2; n++) {
      const res = await call(`${api.base}/${type}`, { method: 'POST', body: fixtureOf(type) });
      expect(res.status).toBe(201);
      ids[type].push(res.body.id);
    }
    const page = await call(`${api.base}/${type}?_count=1`);
    const next = (page.body.link as { relation: string; url: string }[]).find((link) => link.relation === 'next');
    const cursor = next && new URL(next.url).searchParams.get('_cursor');
    if (cursor) cursors.push(cursor);
  }
  seeded = ids;
  state = new StoredState(api);
  await state.capture();
  console.info(`fuzz: seed ${fuzzSeed} (FUZZ_SEED), ${totalCases} requests in total (FUZZ_RUNS)`);
});

afterAll(async () => {
  console.info(`fuzz: ${generated} requests generated with seed ${fuzzSeed}`);
  await api?.close();
});

/** Generous per-property timeout: 2 min plus 300 ms per request (DynamoDB Local is shared with the whole suite in `npm test`), for nightly-size runs too. */
const timeout = (share: number): number => 120_000 + totalCases * share * 300;

const property = (name: string, share: number, arbitrary: () => fc.Arbitrary<FuzzRequest>): void => {
  it(
    name,
    async () => {
      generated += await fuzz(name, api, state, arbitrary(), share);
    },
    timeout(share),
  );
};

describe('fuzzed requests never answer 5xx, refuse with an OperationOutcome and change nothing when refused', () => {
  property('request bodies: mutated fixtures in creates, updates and conditional writes', 0.25, () => bodyRequest(seeded));
  property('headers: Content-Type, Accept, If-Match, If-None-Exist, Prefer and Content-Encoding garbage', 0.1, () => headerRequest(seeded));
  property('query strings: random search parameters, modifiers, prefixes, values, _count, _sort, _include and cursors', 0.25, () => queryRequest(seeded, cursors));
  property('ids: random, unicode and path-traversal ids in reads, vreads, histories and writes', 0.15, () => idRequest(seeded));
  property('JSON Patch documents: random operations and paths (incl. /__proto__, -, ~0 ~1)', 0.1, () => patchRequest(seeded));
  property('Bundles: random entries, methods, urls, fullUrls and urn:uuid references', 0.15, () => bundleRequest(seeded));
});
