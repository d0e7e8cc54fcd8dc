/**
 * Consents that open nothing: withdrawn (refused from the very next request), expired, not yet
 * in force, draft, with a deny for the organisation, recorded by the other organisation itself
 * (self-granted), or not a privacy consent. For each, the other organisation's requests are
 * refused exactly as without any Consent: 404 on direct interactions (even delete: it may not
 * read), absent from search, totals and history, nothing written, refusals audited.
 */
import type { Consent } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG } from '../../support/tokens.js';
import {
  actorOf,
  auditRecords,
  basesOf,
  byClient,
  consentFor,
  createPlan,
  eventAbout,
  exchange,
  expectAudit,
  expectNothingOf,
  expectRefused,
  newClient,
  recordConsent,
  tableSnapshot,
  type Exchange,
  type Plan,
} from './helpers.js';

let api: TestApi;
let other: string;
beforeAll(async () => {
  api = await startTestApi();
  other = await mintToken({ org: OTHER_ORG });
});
afterAll(async () => api.close());

/** Every way the other organisation could reach the plan; each must be refused or come back empty. */
async function expectShutOut(plan: Plan): Promise<void> {
  const before = await tableSnapshot(api);
  const refused: Exchange[] = [];
  for (const [method, path] of [
    ['GET', `CarePlan/${plan.plan.id}`],
    ['GET', `Goal/${plan.goal.id}/_history/1`],
    ['GET', `CareTeam/${plan.team.id}/_history`],
    ['DELETE', `CarePlan/${plan.plan.id}`],
  ] as const) {
    refused.push(await exchange(`${api.base}/${path}`, { method, token: other }));
  }
  refused.push(await exchange(`${api.base}/CarePlan/${plan.plan.id}`, { method: 'PUT', body: { ...plan.plan, title: 'Ei saa muuttaa' }, token: other }));
  const empty: Exchange[] = [];
  for (const path of [`CarePlan?${byClient(plan.client)}&_total=accurate`, `Goal?${byClient(plan.client)}&_summary=count`, 'CarePlan/_history', `CareTeam?${byClient(plan.client)}&_revinclude=CarePlan:care-team`]) {
    empty.push(await exchange(`${api.base}/${path}`, { token: other }));
  }
  expect(await tableSnapshot(api)).toEqual(before);
  const stored = await auditRecords(api);
  for (const res of refused) {
    expectRefused(res, 404, 'not-found');
    expectNothingOf(res, plan.secrets, { idNamedByCaller: true });
    const events = await expectAudit(api, res, { outcome: '4', secrets: plan.secrets }, stored);
    expect(eventAbout(events, plan.client).outcome).toBe('4');
  }
  for (const res of empty) {
    expect(res.status, res.text).toBe(200);
    // Other scenarios' plans may be in the type history; none of this plan's resources may.
    expectNothingOf(res, plan.secrets);
    if (res.body.total !== undefined) expect(res.body.total).toBe(0);
    await expectAudit(api, res, { outcome: '0', secrets: plan.secrets }, stored);
  }
}

/** Consents of the client that must not open the custodian's plan to OTHER_ORG. */
const CLOSED: readonly [string, (client: string) => Consent, 'custodian' | 'other'][] = [
  ['expired', (client) => consentFor(client, OTHER_ORG, { period: { start: '2020-01-01', end: '2021-12-31' } }), 'custodian'],
  ['not yet in force', (client) => consentFor(client, OTHER_ORG, { period: { start: '2099-01-01' } }), 'custodian'],
  ['draft', (client) => consentFor(client, OTHER_ORG, { status: 'draft' }), 'custodian'],
  ['proposed', (client) => consentFor(client, OTHER_ORG, { status: 'proposed' }), 'custodian'],
  ['with a nested deny for the organisation', (client) => consentFor(client, OTHER_ORG, { nested: [{ type: 'deny', actor: [actorOf(OTHER_ORG)] }] }), 'custodian'],
  ['with a nested deny for everyone, in force now', (client) => consentFor(client, OTHER_ORG, { nested: [{ type: 'deny', period: { start: '2020-01-01' } }] }), 'custodian'],
  ['not a privacy consent (scope research)', (client) => ({ ...consentFor(client, OTHER_ORG), scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] } }), 'custodian'],
  ['self-granted: recorded by the other organisation, naming itself', (client) => consentFor(client, OTHER_ORG), 'other'],
];

describe.each(CLOSED)('a Consent %s', (_name, consent, recordedBy) => {
  it('opens nothing: every request is refused or comes back empty', async () => {
    const plan = await createPlan(api, newClient());
    await recordConsent(api, consent(plan.client), recordedBy === 'other' ? other : undefined);
    await expectShutOut(plan);
  });
});

describe('withdrawal', () => {
  it('refuses the very next request after the custodian sets the Consent inactive', async () => {
    const plan = await createPlan(api, newClient());
    const consent = await recordConsent(api, consentFor(plan.client, OTHER_ORG));
    const allowed = await exchange(`${api.base}/CarePlan/${plan.plan.id}`, { token: other });
    expect(allowed.status).toBe(200);
    expect(basesOf(eventAbout(await expectAudit(api, allowed, { outcome: '0' }), plan.client))).toEqual(['consent']);

    const withdrawn = await call(`${api.base}/Consent/${consent.id}`, { method: 'PUT', body: { ...consent, status: 'inactive' } });
    expect(withdrawn.status).toBe(200);

    await expectShutOut(plan);
  });

  it('does not withdraw what another active Consent of the custodian still permits', async () => {
    const plan = await createPlan(api, newClient());
    const first = await recordConsent(api, consentFor(plan.client, OTHER_ORG));
    const second = await recordConsent(api, consentFor(plan.client, OTHER_ORG));
    expect((await call(`${api.base}/Consent/${first.id}`, { method: 'PUT', body: { ...first, status: 'inactive' } })).status).toBe(200);
    const res = await exchange(`${api.base}/CarePlan/${plan.plan.id}`, { token: other });
    expect(res.status).toBe(200);
    const event = eventAbout(await expectAudit(api, res, { outcome: '0' }), plan.client);
    expect(event.entity?.map((entity) => entity.what?.reference)).toContain(`Consent/${second.id}`);
    expect(event.entity?.map((entity) => entity.what?.reference)).not.toContain(`Consent/${first.id}`);
  });
});
