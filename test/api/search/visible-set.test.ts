/**
 * Searches that name no patient, identifier, id or anchor are planned from what the caller may
 * see — its custodianship (byCustodian) and the clients whose Consents name it — so their cost
 * does not grow with the rest of the county. Identities are synthetic only.
 *
 * @see docs/data-model.md ("Searches of a caller that sees little")
 */
import type { Bundle, CarePlan, Consent, ConsentProvision, Reference } from 'fhir/r4.js';
import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSynthetic } from '../../../bench/load.js';
import { consentFixture } from '../../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG, TEST_ORG } from '../../support/tokens.js';
import { create, HETU, idsOf, nextLink, planFor, sorted, testHetu } from './helpers.js';

const SOTE = 'urn:oid:1.2.246.537.6.202.2008';
/** A third organisation (synthetic OID) that records its own plan and Consent. */
const THIRD_ORG = '1.2.246.10.1122334.10.4';

const byHetu = (hetu: string): Reference => ({ type: 'Patient', identifier: { system: HETU, value: hetu } });
const organization = (oid: string): Reference => ({ type: 'Organization', identifier: { system: SOTE, value: oid } });
const permit = (oid: string, nested: ConsentProvision[] = []): ConsentProvision => ({
  type: 'permit',
  actor: [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: organization(oid) }],
  ...(nested.length > 0 ? { provision: nested } : {}),
});

/** A privacy Consent about `patient` with `provision`, open-ended. */
function consentFor(patient: Reference, provision: ConsentProvision, status: Consent['status'] = 'active'): Consent {
  return { ...consentFixture(), status, patient, performer: [patient], provision };
}

/** What one table holds for the searches of {@link OTHER_ORG}, and what it may see of it. */
interface Seeded {
  /** Active CarePlans OTHER_ORG may read. */
  readonly visibleActive: string[];
  /** Draft CarePlans OTHER_ORG may read. */
  readonly visibleDraft: string[];
  /** Consents OTHER_ORG may read. */
  readonly visibleConsents: string[];
  /** Client B's Consent (by `Patient/<id>`) and B's plans. */
  readonly consentB: Consent & { id: string };
  readonly plansB: string[];
}

/**
 * Seeds a table: clients A–D and J whose Consents (recorded by TEST_ORG) open their plans to
 * OTHER_ORG — by henkilötunnus, by `Patient/<id>`, by both with an absolute Patient URL in one
 * plan, by an untyped identifier, and by a nested permit only; OTHER_ORG's own plans; a client
 * whose Consent THIRD_ORG recorded (opening THIRD_ORG's plan, not TEST_ORG's); and what stays
 * hidden: an inactive Consent, and a Consent OTHER_ORG recorded about TEST_ORG's client. Then
 * `others` synthetic patients (5 resources each) of TEST_ORG that no Consent opens to OTHER_ORG.
 */
async function seed(api: TestApi, others: number): Promise<Seeded> {
  const [other, third] = [await mintToken({ org: OTHER_ORG }), await mintToken({ org: THIRD_ORG })];
  const visibleActive: string[] = [];
  const visibleDraft: string[] = [];
  const visibleConsents: string[] = [];
  const plan = async (subject: Reference, status: CarePlan['status'], token?: string): Promise<string> =>
    (await create(api, { ...planFor('x', { status }), subject }, token)).id;
  const consent = async (body: Consent, token?: string): Promise<Consent & { id: string }> => {
    const created = await create(api, body, token);
    visibleConsents.push(created.id);
    return created;
  };

  const a = byHetu(testHetu('010170', '-', 901));
  await consent(consentFor(a, permit(OTHER_ORG)));
  for (const status of ['active', 'active', 'active'] as const) visibleActive.push(await plan(a, status));
  visibleDraft.push(await plan(a, 'draft'));

  const b: Reference = { reference: 'Patient/client-b' };
  const consentB = await consent(consentFor(b, permit(OTHER_ORG)));
  const plansB = [await plan(b, 'active'), await plan(b, 'active'), await plan(b, 'active')];
  visibleActive.push(...plansB);

  const hetuC = testHetu('020270', '-', 902);
  await consent(consentFor({ reference: 'Patient/client-c', identifier: { system: HETU, value: hetuC } }, permit(OTHER_ORG)));
  visibleActive.push(await plan(byHetu(hetuC), 'active'), await plan({ reference: 'https://other.example/fhir/Patient/client-c' }, 'active'));

  const d: Reference = { identifier: { system: 'https://example.fi/fhir/sid/client-number', value: 'D-77' } };
  await consent(consentFor(d, permit(OTHER_ORG)));
  visibleActive.push(await plan(d, 'active'));

  const j = byHetu(testHetu('030370', '-', 903));
  await consent(consentFor(j, { ...permit(THIRD_ORG), provision: [permit(OTHER_ORG)] }));
  visibleActive.push(await plan(j, 'active'));

  visibleActive.push(await plan(byHetu(testHetu('040470', '-', 904)), 'active', other), await plan({ reference: 'Patient/own' }, 'active', other));
  visibleDraft.push(await plan({ reference: 'Patient/own' }, 'draft', other));

  const f = byHetu(testHetu('050570', '-', 905));
  await consent(consentFor(f, permit(OTHER_ORG)), third);
  visibleActive.push(await plan(f, 'active', third));
  await plan(f, 'active');

  const g = byHetu(testHetu('060670', '-', 906));
  await consent(consentFor(g, permit(OTHER_ORG), 'inactive'));
  await plan(g, 'active');

  const h = byHetu(testHetu('070770', '-', 907));
  await consent(consentFor(h, permit(OTHER_ORG)), other);
  await plan(h, 'active');

  await loadSynthetic({ client: api.client, tableName: api.config.tableName, patients: others / 5 });
  return { visibleActive, visibleDraft, visibleConsents, consentB, plansB };
}

/** Queries the app sent since the last reset, as their inputs. */
function recordQueries(api: TestApi): { readonly inputs: QueryCommandInput[] } {
  const inputs: QueryCommandInput[] = [];
  api.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand') inputs.push(args.input as QueryCommandInput);
      return next(args);
    },
    { step: 'initialize', name: 'recordQueries' },
  );
  return { inputs };
}

/** The audit records of a request are written with PutItem or, several at once, BatchWriteItem. */
const isAuditWrite = (name: string): boolean => name === 'PutItemCommand' || name === 'BatchWriteItemCommand';

/** Whether a Query walks a whole type partition of the base table. */
const walksPartition = (input: QueryCommandInput, resourceType: string): boolean =>
  input.IndexName === undefined && input.ExpressionAttributeValues?.[':type']?.S === resourceType;

async function searchAs(token: string, url: string): Promise<Bundle> {
  const res = await call(url, { token });
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as Bundle;
}

/** Every page of `url` as `token`, following `next` links (bounded). */
async function pagesAs(token: string, url: string): Promise<Bundle[]> {
  const pages = [await searchAs(token, url)];
  for (let next = nextLink(pages[0]!); next !== undefined; next = nextLink(pages[pages.length - 1]!)) {
    expect(pages.length).toBeLessThan(20);
    pages.push(await searchAs(token, next));
  }
  return pages;
}

describe('a non-custodian whose consents name it for a few clients among many', () => {
  let api: TestApi;
  let seeded: Seeded;
  let other: string;
  let queries: { readonly inputs: QueryCommandInput[] };

  beforeAll(async () => {
    api = await startTestApi();
    other = await mintToken({ org: OTHER_ORG });
    seeded = await seed(api, 50);
    queries = recordQueries(api);
  }, 240_000);
  afterAll(async () => api.close());

  it('sees exactly the resources its custodianship and consents open, in full pages', async () => {
    const pages = await pagesAs(other, `${api.base}/CarePlan?status=active&_count=5`);
    const ids = pages.flatMap((page) => idsOf(page));
    expect(pages.map((page) => idsOf(page).length)).toEqual([5, 5, 3]);
    expect(ids).toEqual(sorted(seeded.visibleActive));
    const everything = (await pagesAs(other, `${api.base}/CarePlan?_count=4`)).flatMap((page) => idsOf(page));
    expect(everything).toEqual(sorted([...seeded.visibleActive, ...seeded.visibleDraft]));
  });

  it('reads Consents that name it in any provision, whatever their status, and its own', async () => {
    const ids = (await pagesAs(other, `${api.base}/Consent?_count=50`)).flatMap((page) => idsOf(page));
    expect(sorted(ids)).toEqual(sorted(seeded.visibleConsents));
  });

  it('counts the same set in totals, and sorts it on request', async () => {
    const total = seeded.visibleActive.length;
    expect((await searchAs(other, `${api.base}/CarePlan?status=active&_summary=count`)).total).toBe(total);
    const counted = await pagesAs(other, `${api.base}/CarePlan?status=active&_total=accurate&_count=5`);
    expect(counted.map((page) => page.total)).toEqual([total, total, total]);
    expect(counted.flatMap((page) => idsOf(page))).toEqual(sorted(seeded.visibleActive));
    const newest = (await pagesAs(other, `${api.base}/CarePlan?status=active&_sort=-_lastUpdated&_count=5`)).flatMap((page) => page.entry ?? []);
    const stamps = newest.map((entry) => entry.resource!.meta!.lastUpdated!);
    expect(stamps).toEqual([...stamps].sort().reverse());
    expect(sorted(newest.map((entry) => entry.resource!.id!))).toEqual(sorted(seeded.visibleActive));
  });

  it('pages stably: a resource created between pages neither repeats nor hides another', async () => {
    const first = await searchAs(other, `${api.base}/CarePlan?status=active&_count=5`);
    const created = await call(`${api.base}/CarePlan/0-before-all`, { method: 'PUT', body: { ...planFor('own'), id: '0-before-all' }, token: other });
    expect(created.status).toBe(201);
    const rest: string[] = [];
    for (let next = nextLink(first); next !== undefined; ) {
      const page = await searchAs(other, next);
      rest.push(...idsOf(page));
      next = nextLink(page);
    }
    expect([...idsOf(first), ...rest]).toEqual(sorted(seeded.visibleActive));
    expect((await call(`${api.base}/CarePlan/0-before-all`, { method: 'DELETE', token: other })).status).toBeLessThan(300);
  });

  it('reads no type partition: byCustodian, the Consents naming it and their clients only', async () => {
    queries.inputs.length = 0;
    await searchAs(other, `${api.base}/CarePlan?status=active`);
    expect(queries.inputs.some((input) => input.IndexName === 'byCustodian')).toBe(true);
    expect(queries.inputs.some((input) => walksPartition(input, 'CarePlan'))).toBe(false);
  });

  it("walks byCustodian for the custodian's own search", async () => {
    queries.inputs.length = 0;
    api.resetCommands();
    const page = await searchAs(api.token, `${api.base}/CarePlan?status=active&_count=5`);
    expect(idsOf(page)).toHaveLength(5);
    const custodian = queries.inputs.filter((input) => input.IndexName === 'byCustodian');
    expect(custodian).toHaveLength(1);
    expect(custodian[0]!.ExpressionAttributeValues?.[':lo']?.S).toBe(`${TEST_ORG}#`);
    expect(queries.inputs.some((input) => walksPartition(input, 'CarePlan'))).toBe(false);
    // The anchor Query of the Consents naming TEST_ORG, the byCustodian page and the BatchGetItem of
    // its items (the index holds keys only); then the audit write.
    expect(api.commands().filter((name) => !isAuditWrite(name))).toEqual(['QueryCommand', 'QueryCommand', 'BatchGetItemCommand']);
  });

  it('stops sharing at once when a Consent is withdrawn', async () => {
    const withdrawn = await call(`${api.base}/Consent/${seeded.consentB.id}`, { method: 'PUT', body: { ...seeded.consentB, status: 'inactive' } });
    expect(withdrawn.status).toBe(200);
    const ids = (await pagesAs(other, `${api.base}/CarePlan?status=active&_count=50`)).flatMap((page) => idsOf(page));
    expect(ids).toEqual(sorted(seeded.visibleActive.filter((id) => !seeded.plansB.includes(id))));
  });
});

describe('DynamoDB commands of a non-custodian search', () => {
  const commandsAt = async (others: number): Promise<string[]> => {
    const api = await startTestApi();
    try {
      const other = await mintToken({ org: OTHER_ORG });
      const { visibleActive } = await seed(api, others);
      api.resetCommands();
      const page = await searchAs(other, `${api.base}/CarePlan?status=active&_count=50`);
      expect(sorted(idsOf(page))).toEqual(sorted(visibleActive));
      return api.commands().sort();
    } finally {
      await api.close();
    }
  };

  it('do not grow with the resources of other clients (50 vs 500)', async () => {
    const few = await commandsAt(50);
    const many = await commandsAt(500);
    expect(many).toEqual(few);
    // The Consents naming OTHER_ORG and the consents of the candidates' clients (the access
    // decision): two BatchGetItems; and one per page of the patient indexes, which hold keys only.
    const queries = few.filter((name) => name === 'QueryCommand').length;
    const indexPages = queries - 1; // all but the anchor Query of the Consents naming OTHER_ORG
    expect(few.filter((name) => name !== 'QueryCommand' && !isAuditWrite(name))).toEqual(Array(2 + indexPages).fill('BatchGetItemCommand'));
  }, 300_000);
});
