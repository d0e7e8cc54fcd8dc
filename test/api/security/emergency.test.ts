/**
 * Emergency access ("break the glass", purpose of use `ETREAT`): another organisation may read
 * the plan and its Consents without a Consent — each disclosure audited on the `emergency` basis
 * with the purpose of use — but never write it (403: it may read, so not 404), directly or in a
 * Bundle. A Consent, when there is one, is the basis instead; any other purpose opens nothing.
 */
import type { AuditEvent, Consent } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG } from '../../support/tokens.js';
import {
  basesOf,
  byClient,
  consentFor,
  createPlan,
  custodianOf,
  eventAbout,
  exchange,
  expectAudit,
  expectNothingOf,
  expectRefused,
  idsIn,
  newClient,
  recordConsent,
  tableSnapshot,
  THIRD_ORG,
  type Exchange,
  type Plan,
} from './helpers.js';

let api: TestApi;
let emergency: string;
let plan: Plan;
let consent: Consent & { id: string };
beforeAll(async () => {
  api = await startTestApi();
  emergency = await mintToken({ org: OTHER_ORG, purpose: 'ETREAT' });
  plan = await createPlan(api, newClient());
  consent = await recordConsent(api, consentFor(plan.client, THIRD_ORG));
});
afterAll(async () => api.close());

/** The request's AuditEvent about the client: the emergency basis and purpose of use. */
async function expectEmergency(res: Exchange, outcome: '0' | '4'): Promise<AuditEvent> {
  const event = eventAbout(await expectAudit(api, res, { outcome }), plan.client);
  expect(event.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('ETREAT');
  return event;
}

describe('reading in an emergency', () => {
  it.each([
    ['the CarePlan', () => `CarePlan/${plan.plan.id}`],
    ['the CareTeam', () => `CareTeam/${plan.team.id}`],
    ['the Goal, a version', () => `Goal/${plan.goal.id}/_history/1`],
    ['the Consent, which names another organisation', () => `Consent/${consent.id}`],
    ['the instance history', () => `CarePlan/${plan.plan.id}/_history`],
  ])('%s: 200, audited on the emergency basis', async (_name, path) => {
    const res = await exchange(`${api.base}/${path()}`, { token: emergency });
    expect(res.status, res.text).toBe(200);
    expect(basesOf(await expectEmergency(res, '0'))).toEqual(['emergency']);
  });

  it('finds the plan by client, with its team and goal included', async () => {
    const res = await exchange(`${api.base}/CarePlan?${byClient(plan.client)}&_include=CarePlan:care-team&_include=CarePlan:goal`, { token: emergency });
    expect(res.status).toBe(200);
    expect(idsIn(res.body).sort()).toEqual([plan.plan.id, plan.team.id, plan.goal.id].sort());
    const event = await expectEmergency(res, '0');
    expect(basesOf(event)).toEqual(['emergency']);
    expect(event.entity?.length).toBeGreaterThanOrEqual(3);
  });

  it('records the consent basis, not an emergency, when a Consent permits the read', async () => {
    const client = newClient();
    const consented = await createPlan(api, client);
    const granting = await recordConsent(api, consentFor(client, OTHER_ORG));
    const res = await exchange(`${api.base}/CarePlan/${consented.plan.id}`, { token: emergency });
    expect(res.status).toBe(200);
    const event = eventAbout(await expectAudit(api, res, { outcome: '0' }), client);
    expect(basesOf(event)).toEqual(['consent']);
    expect(event.entity?.map((entity) => entity.what?.reference)).toContain(`Consent/${granting.id}`);
  });

  it('opens nothing for any other purpose of use (TREAT): 404', async () => {
    const res = await exchange(`${api.base}/CarePlan/${plan.plan.id}`, { token: await mintToken({ org: OTHER_ORG, purpose: 'TREAT' }) });
    expectRefused(res, 404, 'not-found');
    expectNothingOf(res, plan.secrets, { idNamedByCaller: true });
    await expectAudit(api, res, { outcome: '4', secrets: plan.secrets });
  });
});

const patchGoal = [{ op: 'replace', path: '/lifecycleStatus', value: 'cancelled' }];

describe('writing in an emergency', () => {
  it.each([
    ['update', () => ({ method: 'PUT', path: `CarePlan/${plan.plan.id}`, body: { ...plan.plan, title: 'Hätätilanteessa muutettu' } })],
    ['update with If-Match', () => ({ method: 'PUT', path: `CarePlan/${plan.plan.id}`, body: { ...plan.plan, title: 'Hätä' }, headers: { 'if-match': 'W/"1"' } })],
    ['patch', () => ({ method: 'PATCH', path: `Goal/${plan.goal.id}`, body: patchGoal, headers: { 'content-type': 'application/json-patch+json' } })],
    ['delete', () => ({ method: 'DELETE', path: `CareTeam/${plan.team.id}` })],
    ['update of the Consent', () => ({ method: 'PUT', path: `Consent/${consent.id}`, body: { ...consent, status: 'inactive' } })],
    ['delete of the Consent', () => ({ method: 'DELETE', path: `Consent/${consent.id}` })],
  ])('%s: 403 forbidden, nothing written, the refusal audited', async (_name, request) => {
    const { method, path, body, headers } = request() as { method: string; path: string; body?: unknown; headers?: Record<string, string> };
    const before = await tableSnapshot(api);
    const res = await exchange(`${api.base}/${path}`, { method, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}), token: emergency });
    expectRefused(res, 403, 'forbidden');
    expect(res.body.issue[0].diagnostics).toMatch(/emergency access \(ETREAT\) allows reading only/);
    expect(await tableSnapshot(api)).toEqual(before);
    await expectEmergency(res, '4');
  });

  it('refuses a transaction updating the plan with 403, writing nothing', async () => {
    const before = await tableSnapshot(api);
    const body = { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { ...plan.plan, title: 'Hätä' }, request: { method: 'PUT', url: `CarePlan/${plan.plan.id}` } }] };
    const res = await exchange(api.base, { method: 'POST', body, token: emergency });
    expectRefused(res, 403, 'forbidden');
    expect(await tableSnapshot(api)).toEqual(before);
    await expectEmergency(res, '4');
  });

  it('refuses a batch entry deleting the plan with 403 in that entry, while its read entry succeeds', async () => {
    const before = await tableSnapshot(api);
    const body = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [{ request: { method: 'DELETE', url: `CarePlan/${plan.plan.id}` } }, { request: { method: 'GET', url: `CarePlan/${plan.plan.id}` } }],
    };
    const res = await exchange(api.base, { method: 'POST', body, token: emergency });
    expect(res.status).toBe(200);
    expect(res.body.entry.map((entry: { response: { status: string } }) => entry.response.status)).toEqual(['403 Forbidden', '200 OK']);
    expect(await tableSnapshot(api)).toEqual(before);
    const event = await expectEmergency(res, '4');
    expect(basesOf(event)).toEqual(['emergency']);
  });

  it('may still create (201): the caller becomes the custodian', async () => {
    const res = await exchange(`${api.base}/Goal`, { method: 'POST', body: { ...plan.goal, id: undefined, meta: undefined }, token: emergency });
    expect(res.status, res.text).toBe(201);
    expect(custodianOf(res.body)).toBe(OTHER_ORG);
    expect(basesOf((await expectAudit(api, res, { outcome: '0' }))[0]!)).toEqual(['creator']);
  });
});
