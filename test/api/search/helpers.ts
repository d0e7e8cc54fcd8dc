/**
 * Helpers shared by the HTTP-level search tests: create resources, run searches, read a
 * Bundle's ids and walk its `next` links. Identities are synthetic only.
 */
import type { Bundle, CarePlan, Coding, FhirResource } from 'fhir/r4.js';
import { expect } from 'vitest';
import { carePlanFixture } from '../../fixtures/shared-plan.js';
import { call, type TestApi } from '../../support/api.js';

/** Henkilötunnus identifier system. */
export const HETU = 'urn:oid:1.2.246.21';
/** Tag system that scopes a test's resources when it searches a whole type. */
export const TAG_SYSTEM = 'https://example.fi/fhir/CodeSystem/search-test';

const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

/**
 * A synthetic personal identity code (individual number 900–999) with a valid check character,
 * e.g. `testHetu('311080', '-', 999)` is `311080-999X`.
 */
export function testHetu(birth: string, centurySign: '+' | '-' | 'A' | 'C', individual: number): string {
  if (individual < 900 || individual > 999) throw new Error('test identity codes use individual numbers 900–999');
  const check = CHECK_CHARACTERS[Number(`${birth}${individual}`) % 31];
  return `${birth}${centurySign}${individual}${check}`;
}

let counter = 0;
/** A fresh value usable as a FHIR id, identifier value or tag code. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}${Date.now().toString(36)}-${counter}`;
}

/** A tag coding in {@link TAG_SYSTEM}. */
export const tag = (code: string): Coding => ({ system: TAG_SYSTEM, code });

/** The fixture CarePlan for `Patient/<patientId>` with `overrides` applied. */
export function planFor(patientId: string, overrides: Partial<CarePlan> = {}): CarePlan {
  return { ...carePlanFixture(), subject: { reference: `Patient/${patientId}` }, ...overrides };
}

/** POSTs a resource and returns the created one (fails the test unless 201). */
export async function create<T extends FhirResource>(api: TestApi, resource: T, token?: string): Promise<T & { id: string }> {
  const res = await call(`${api.base}/${resource.resourceType}`, { method: 'POST', body: resource, ...(token ? { token } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as T & { id: string };
}

/** GETs `[base]/<query>` and returns the searchset Bundle (fails the test unless 200). */
export async function search(api: TestApi, query: string, headers: Record<string, string> = {}): Promise<Bundle> {
  return searchUrl(`${api.base}/${query}`, headers);
}

/** GETs an absolute search URL (e.g. a `next` link) and returns the searchset Bundle. */
export async function searchUrl(url: string, headers: Record<string, string> = {}): Promise<Bundle> {
  const res = await call(url, { headers });
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
  expect(res.body.resourceType).toBe('Bundle');
  expect(res.body.type).toBe('searchset');
  return res.body as Bundle;
}

/** Ids of the entries with `search.mode` = `mode`, in Bundle order. */
export function idsOf(bundle: Bundle, mode: 'match' | 'include' = 'match'): string[] {
  return (bundle.entry ?? []).filter((entry) => entry.search?.mode === mode).map((entry) => entry.resource!.id!);
}

/** Sorted ids of the matches of `[base]/<query>`. */
export async function matchIds(api: TestApi, query: string): Promise<string[]> {
  return idsOf(await search(api, query)).sort();
}

/** The `next` link of a Bundle, if any. */
export const nextLink = (bundle: Bundle): string | undefined => bundle.link?.find((link) => link.relation === 'next')?.url;

/** Every page of `[base]/<query>`, following `next` links (bounded, so a loop fails instead of hanging). */
export async function allPages(api: TestApi, query: string, maxPages = 50): Promise<Bundle[]> {
  const pages = [await search(api, query)];
  for (let url = nextLink(pages[0]!); url !== undefined; url = nextLink(pages[pages.length - 1]!)) {
    expect(pages.length, `more than ${maxPages} pages for ${query}`).toBeLessThan(maxPages);
    pages.push(await searchUrl(url));
  }
  return pages;
}

/** Sorts a copy of ids. */
export const sorted = (ids: readonly string[]): string[] => [...ids].sort();
