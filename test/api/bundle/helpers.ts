/**
 * Builders and checks shared by the transaction/batch tests: Bundle entries, the response
 * checks the contract names, and "nothing was persisted" probes (HTTP and a direct table scan).
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Goal } from 'fhir/r4.js';
import { expect } from 'vitest';
import { call, type TestApi } from '../../support/api.js';
import { comparableItem } from '../../support/stored-items.js';
import { goalFixture } from '../../fixtures/shared-plan.js';

/** A synthetic business identifier system of the shared plan's goals. */
export const GOAL_ID_SYSTEM = 'https://example.fi/fhir/sid/shared-plan-goal';

type Json = Record<string, any>;
/** Any resource, typed (`fhir/r4` types) or not. */
type AnyResource = { readonly resourceType: string };
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Conditions = { ifMatch?: string; ifNoneExist?: string; ifNoneMatch?: string };

/** One request entry of a transaction or batch Bundle. */
export interface Entry {
  fullUrl?: string;
  resource?: Json;
  request?: { method: Method | string; url: string } & Conditions;
}

export const newUrn = (): string => `urn:uuid:${randomUUID()}`;
export const newValue = (): string => `tavoite-${randomUUID()}`;
/** `identifier=<system>|<value>`, URL-encoded, for search URLs and conditions. */
export const byIdentifier = (value: string): string => `identifier=${encodeURIComponent(`${GOAL_ID_SYSTEM}|${value}`)}`;

/** A Goal carrying the given business identifiers. */
export function goalWith(...values: string[]): Goal {
  return { ...goalFixture(), identifier: values.map((value) => ({ system: GOAL_ID_SYSTEM, value })) };
}

export const postEntry = <R extends AnyResource>(fullUrl: string, resource: R, conditions: Conditions = {}): Entry => ({
  fullUrl,
  resource: resource as Json,
  request: { method: 'POST', url: resource.resourceType, ...conditions },
});

export const putEntry = <R extends AnyResource>(base: string, url: string, resource: R, conditions: Conditions = {}): Entry => ({
  fullUrl: `${base}/${url}`,
  resource: resource as Json,
  request: { method: 'PUT', url, ...conditions },
});

export const deleteEntry = (url: string, conditions: Conditions = {}): Entry => ({ request: { method: 'DELETE', url, ...conditions } });

export const getEntry = (url: string): Entry => ({ request: { method: 'GET', url } });

/** A PATCH entry: the JSON Patch document travels base64-encoded in a Binary resource. */
export function patchEntry(url: string, operations: readonly unknown[], conditions: Conditions = {}): Entry {
  const data = Buffer.from(JSON.stringify(operations)).toString('base64');
  return { resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data }, request: { method: 'PATCH', url, ...conditions } };
}

export const bundle = (type: string, entry: readonly Entry[]): Json => ({ resourceType: 'Bundle', type, entry });

/** `POST [base]` with a Bundle (or anything else, to test rejections). */
export function postBundle(api: TestApi, body: unknown): ReturnType<typeof call> {
  return call(api.base, { method: 'POST', body });
}

/** Creates a resource through the plain REST API and returns it. */
export async function createResource(api: TestApi, resource: AnyResource): Promise<any> {
  const res = await call(`${api.base}/${resource.resourceType}`, { method: 'POST', body: resource });
  expect(res.status).toBe(201);
  return res.body;
}

/**
 * `{ type, id, versionId }` of a response location: `Type/id/_history/n` as the contract shows
 * (an absolute URL under the base is accepted too, which FHIR allows).
 */
export function parseLocation(api: TestApi, location: unknown): { type: string; id: string; versionId: string } {
  expect(typeof location).toBe('string');
  const relative = (location as string).startsWith(`${api.base}/`) ? (location as string).slice(api.base.length + 1) : (location as string);
  const match = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})\/_history\/(\d+)$/.exec(relative);
  expect(match, `location '${String(location)}'`).not.toBeNull();
  return { type: match![1]!, id: match![2]!, versionId: match![3]! };
}

/** Checks a write's entry response (status, location, etag, lastModified) and returns its id. */
export function expectWritten(api: TestApi, entry: any, status: string, type: string, versionId = '1'): string {
  expect(entry.response.status).toBe(status);
  const location = parseLocation(api, entry.response.location);
  expect(location.type).toBe(type);
  expect(location.versionId).toBe(versionId);
  expect(entry.response.etag).toBe(`W/"${versionId}"`);
  expect(Number.isNaN(Date.parse(entry.response.lastModified))).toBe(false);
  return location.id;
}

/** Checks a 4xx OperationOutcome and returns it. */
export function expectOutcome(res: { status: number; body: any }, statuses: readonly number[]): any {
  expect(statuses, JSON.stringify(res.body)).toContain(res.status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue.length).toBeGreaterThan(0);
  return res.body;
}

/** The outcome names the failing entry: `Bundle.entry[i]` in an expression, its fullUrl in diagnostics. */
export function expectNamesEntry(outcome: any, index: number, fullUrl?: string): void {
  const issues = outcome.issue as any[];
  const expressions = issues.flatMap((issue) => (issue.expression ?? []) as string[]);
  expect(
    expressions.some((e) => e === `Bundle.entry[${index}]` || e.startsWith(`Bundle.entry[${index}].`)),
    `expressions ${JSON.stringify(expressions)}`,
  ).toBe(true);
  if (fullUrl !== undefined) expect(issues.map((issue) => issue.diagnostics ?? '').join(' ')).toContain(fullUrl);
}

/** Number of Goals carrying the identifier value. */
export async function goalsWithIdentifier(api: TestApi, value: string): Promise<number> {
  const res = await call(`${api.base}/Goal?${byIdentifier(value)}`);
  expect(res.status).toBe(200);
  return res.body.total;
}

/** The newest page of the system-level change feed, as `fullUrl etag` lines. */
export async function feedHead(api: TestApi): Promise<string[]> {
  const res = await call(`${api.base}/_history?_count=50`);
  expect(res.status).toBe(200);
  return ((res.body.entry ?? []) as any[]).map((e) => `${e.fullUrl} ${e.response.etag}`);
}

/**
 * Every item of the test table, each as canonical JSON, sorted: equal snapshots mean no current
 * item, version, anchor, uniqueness item, consent summary or feed lane number was added, removed
 * or changed. Left out (see test/support/stored-items.ts): audit records (a refused request is
 * itself logged: see {@link auditRecords}) and the seals feed reads put on lanes.
 */
export async function tableSnapshot(api: TestApi): Promise<string[]> {
  return (await allItems(api)).flatMap((item) => comparableItem(item) ?? []).sort();
}

/** The AuditEvents stored so far, oldest first. */
export async function auditRecords(api: TestApi): Promise<any[]> {
  const records = (await allItems(api)).filter((item) => item.PK?.S?.startsWith('AU#'));
  return records.sort((a, b) => (a.SK!.S! < b.SK!.S! ? -1 : 1)).map((item) => JSON.parse(item.body!.S!));
}

async function allItems(api: TestApi): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await api.client.send(new ScanCommand({ TableName: api.config.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
