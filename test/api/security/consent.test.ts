/**
 * Another organisation with an active Consent recorded by the custodian: it may read, search and
 * update the client's CarePlan, CareTeam and Goal — each disclosure audited on the `consent`
 * basis naming the Consent — but never delete them, change the Consent, take over custody or move
 * the plan to a client it has no consent for (403, nothing written). The client's other plans and
 * other clients stay hidden.
 */
import type { Consent } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTODIAN_EXTENSION_URL } from '../../../functions/api/access/custodian.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG, TEST_ORG } from '../../support/tokens.js';
import {
  basesOf,
  byClient,
  byPlanIdentifier,
  clientRef,
  consentFor,
  createPlan,
  custodianOf,
  entitiesOf,
  eventAbout,
  exchange,
  expectAudit,
  expectNothingOf,
  expectRefused,
  idsIn,
  newClient,
  recordConsent,
  tableSnapshot,
  type Exchange,
  type Plan,
} from './helpers.js';

let api: TestApi;
let other: string;
let shared: Plan;
let consent: Consent & { id: string };
/** Another client of the custodian, without a Consent. */
let unrelated: Plan;
beforeAll(async () => {
  api = await startTestApi();
  other = await mintToken({ org: OTHER_ORG });
  shared = await createPlan(api, newClient());
  consent = await recordConsent(api, consentFor(shared.client, OTHER_ORG, { period: { start: '2020-01-01' } }));
  unrelated = await createPlan(api, newClient());
});
afterAll(async () => api.close());

/** The request's AuditEvent about the shared client: outcome 0 on the consent basis, naming the Consent. */
async function expectConsentBasis(res: Exchange, entities: readonly string[] = []): Promise<void> {
  const events = await expectAudit(api, res, { outcome: '0', secrets: unrelated.secrets });
  const event = eventAbout(events, shared.client);
  expect(basesOf(event)).toEqual(['consent']);
  expect(entitiesOf(event)).toContain(`Consent/${consent.id}`);
  for (const entity of entities) expect(entitiesOf(event)).toContain(entity);
}

describe('reading on the consent basis', () => {
  it.each([
    ['read of the CarePlan', () => `CarePlan/${shared.plan.id}`, () => `CarePlan/${shared.plan.id}/_history/1`],
    ['read of the CareTeam', () => `CareTeam/${shared.team.id}`, () => `CareTeam/${shared.team.id}/_history/1`],
    ['read of the Goal', () => `Goal/${shared.goal.id}`, () => `Goal/${shared.goal.id}/_history/1`],
    ['vread', () => `CarePlan/${shared.plan.id}/_history/1`, () => `CarePlan/${shared.plan.id}/_history/1`],
  ])('%s answers 200 and audits the consent', async (_name, path, entity) => {
    const res = await exchange(`${api.base}/${path()}`, { token: other });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain(shared.marker);
    expectNothingOf(res, unrelated.secrets);
    await expectConsentBasis(res, [entity()]);
  });

  it('reads the Consent that names it, on the basis of that Consent', async () => {
    const res = await exchange(`${api.base}/Consent/${consent.id}`, { token: other });
    expect(res.status).toBe(200);
    await expectConsentBasis(res, [`Consent/${consent.id}/_history/1`]);
  });

  it.each([
    ['search by client', () => `CarePlan?${byClient(shared.client)}`, () => [shared.plan.id]],
    ['search by identifier', () => `CarePlan?${byPlanIdentifier(shared.identifier)}`, () => [shared.plan.id]],
    ['search with _include of team and goal', () => `CarePlan?${byClient(shared.client)}&_include=CarePlan:care-team&_include=CarePlan:goal`, () => [shared.plan.id, shared.team.id, shared.goal.id]],
    ['search with _revinclude of the plan', () => `CareTeam?${byClient(shared.client)}&_revinclude=CarePlan:care-team`, () => [shared.team.id, shared.plan.id]],
    ['search over the type', () => 'CarePlan?_total=accurate', () => [shared.plan.id]],
    ['type _history', () => 'CarePlan/_history', () => [shared.plan.id]],
    ['instance _history', () => `CarePlan/${shared.plan.id}/_history`, () => [shared.plan.id]],
  ])('%s shows the shared plan and nothing of other clients', async (_name, path, ids) => {
    const res = await exchange(`${api.base}/${path()}`, { token: other });
    expect(res.status, res.text).toBe(200);
    expect([...new Set(idsIn(res.body))].sort()).toEqual(ids().sort());
    expectNothingOf(res, unrelated.secrets);
    await expectConsentBasis(res, [`CarePlan/${shared.plan.id}/_history/1`]);
  });

  it('counts the shared plan with _summary=count', async () => {
    const res = await exchange(`${api.base}/CarePlan?_summary=count`, { token: other });
    expect(res.body.total).toBe(1);
  });

  it('still answers 404 for the custodian’s plan about a client without consent', async () => {
    const res = await exchange(`${api.base}/CarePlan/${unrelated.plan.id}`, { token: other });
    expectRefused(res, 404, 'not-found');
    expectNothingOf(res, unrelated.secrets, { idNamedByCaller: true });
    const events = await expectAudit(api, res, { outcome: '4', secrets: unrelated.secrets });
    expect(eventAbout(events, unrelated.client).outcome).toBe('4');
  });
});

describe('writing on the consent basis', () => {
  it('refuses delete with 403 forbidden (it may read, so not 404) and writes nothing', async () => {
    const before = await tableSnapshot(api);
    const res = await exchange(`${api.base}/CarePlan/${shared.plan.id}`, { method: 'DELETE', token: other });
    expectRefused(res, 403, 'forbidden');
    expect(res.body.issue[0].diagnostics).toMatch(/only the custodian organisation may delete/);
    expect(await tableSnapshot(api)).toEqual(before);
    expect(eventAbout(await expectAudit(api, res, { outcome: '4' }), shared.client).outcome).toBe('4');
  });

  it('refuses a conditional delete of the shared plan with 403 and writes nothing', async () => {
    const before = await tableSnapshot(api);
    const res = await exchange(`${api.base}/CarePlan?${byPlanIdentifier(shared.identifier)}`, { method: 'DELETE', token: other });
    expectRefused(res, 403, 'forbidden');
    expect(await tableSnapshot(api)).toEqual(before);
    await expectAudit(api, res, { outcome: '4' });
  });

  it.each([
    ['update', 'PUT', () => ({ ...consent, status: 'inactive' })],
    ['delete', 'DELETE', () => undefined],
  ])('refuses to %s the Consent that names it with 403', async (_name, method, body) => {
    const before = await tableSnapshot(api);
    const res = await exchange(`${api.base}/Consent/${consent.id}`, { method, ...(body() ? { body: body() } : {}), token: other });
    expectRefused(res, 403, 'forbidden');
    expect(await tableSnapshot(api)).toEqual(before);
    await expectAudit(api, res, { outcome: '4' });
  });

  it('refuses to move the plan to a client it has no consent for, writing nothing', async () => {
    const before = await tableSnapshot(api);
    const current = (await call(`${api.base}/CarePlan/${shared.plan.id}`)).body;
    const res = await exchange(`${api.base}/CarePlan/${shared.plan.id}`, { method: 'PUT', body: { ...current, subject: clientRef(unrelated.client) }, token: other });
    expectRefused(res, 403, 'forbidden');
    expectNothingOf(res, unrelated.secrets);
    expect(await tableSnapshot(api)).toEqual(before);
    await expectAudit(api, res, { outcome: '4' });
  });

  it('updates with PUT (200); the custodian stays the recorded one, whatever the body claims', async () => {
    const current = (await call(`${api.base}/CarePlan/${shared.plan.id}`)).body;
    const claimed = { url: CUSTODIAN_EXTENSION_URL, valueIdentifier: { system: 'urn:oid:1.2.246.537.6.202.2008', value: OTHER_ORG } };
    const body = { ...current, title: 'Päivitetty terveysasemalla', meta: { extension: [claimed] } };
    const res = await exchange(`${api.base}/CarePlan/${shared.plan.id}`, { method: 'PUT', body, token: other });
    expect(res.status, res.text).toBe(200);
    expect(custodianOf(res.body)).toBe(TEST_ORG);
    await expectConsentBasis(res, [`CarePlan/${shared.plan.id}/_history/${res.body.meta.versionId}`]);
    const stored = await call(`${api.base}/CarePlan/${shared.plan.id}`);
    expect(stored.body.title).toBe('Päivitetty terveysasemalla');
    expect(custodianOf(stored.body)).toBe(TEST_ORG);
  });

  it('updates with PATCH (200) on the consent basis', async () => {
    const res = await exchange(`${api.base}/Goal/${shared.goal.id}`, {
      method: 'PATCH',
      body: [{ op: 'replace', path: '/lifecycleStatus', value: 'on-hold' }],
      headers: { 'content-type': 'application/json-patch+json' },
      token: other,
    });
    expect(res.status, res.text).toBe(200);
    expect(custodianOf(res.body)).toBe(TEST_ORG);
    await expectConsentBasis(res, [`Goal/${shared.goal.id}/_history/2`]);
  });

  it('updates by a conditional PUT matching the shared plan', async () => {
    const current = (await call(`${api.base}/CarePlan/${shared.plan.id}`)).body;
    const res = await exchange(`${api.base}/CarePlan?${byPlanIdentifier(shared.identifier)}`, { method: 'PUT', body: { ...current, id: undefined, title: 'Ehdollisesti päivitetty' }, token: other });
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(shared.plan.id);
    await expectConsentBasis(res);
  });
});
