/**
 * Transaction and batch Bundles run every entry through the same access decision as the single
 * interaction, with the outer request's caller: a transaction touching a resource the caller may
 * not read fails whole with 404 (never 412 for its ifMatch) and writes nothing; a batch reports
 * each entry on its own; a transaction GET entry reading a hidden resource fails it whole (404);
 * searches and history inside a Bundle leave hidden resources out; and the Bundle request is
 * audited once, as the transaction or batch it is.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG } from '../../support/tokens.js';
import { bundle, deleteEntry, getEntry, newUrn, patchEntry, postEntry, putEntry, type Entry } from '../bundle/helpers.js';
import {
  auditOf,
  basesOf,
  byPlanIdentifier,
  consentFor,
  createPlan,
  entitiesOf,
  eventAbout,
  exchange,
  expectAudit,
  expectNothingOf,
  expectRefused,
  hiddenScene,
  idsIn,
  newClient,
  PLAN_ID_SYSTEM,
  recordConsent,
  tableSnapshot,
  type Body,
  type Exchange,
  type HiddenScene,
  type Plan,
} from './helpers.js';

let api: TestApi;
let other: string;
let scene: HiddenScene;
beforeAll(async () => {
  api = await startTestApi();
  other = await mintToken({ org: OTHER_ORG });
  scene = await hiddenScene(api, other);
});
afterAll(async () => api.close());

const post = (body: unknown, token = other): Promise<Exchange> => exchange(api.base, { method: 'POST', body, token });
const revoke = [{ op: 'replace', path: '/status', value: 'revoked' }];
const planBody = (id: string): Body => ({ ...scene.hidden.plan, id, meta: undefined, status: 'revoked' });
/** The caller's own Goal about the client, optionally carrying the hidden plan's identifier. */
const ownGoal = (): Body => ({ ...scene.own.goal, id: undefined, meta: undefined });
const ownPlan = (identifier?: string): Body => ({
  ...scene.own.plan,
  id: undefined,
  meta: undefined,
  identifier: identifier ? [{ system: PLAN_ID_SYSTEM, value: identifier }] : undefined,
});

/** Nothing of the scene, except the hidden plan's id where the caller named it. */
function expectNothingOfScene(res: Exchange): void {
  expectNothingOf(res, scene.secrets.filter((secret) => secret.id !== scene.hidden.plan.id));
  expectNothingOf(res, scene.secrets.filter((secret) => secret.id === scene.hidden.plan.id), { idNamedByCaller: true });
}

/** The AuditEvents of a request (whatever their outcomes), none disclosing the scene's secrets. */
async function auditWithoutSecrets(res: Exchange): Promise<AuditEvent[]> {
  const events = await auditOf(api, res);
  expect(events.length).toBeGreaterThan(0);
  for (const event of events) {
    for (const secret of scene.secrets) expect(entitiesOf(event).some((ref) => ref.startsWith(`${secret.resourceType}/${secret.id}/`))).toBe(false);
  }
  return events;
}

describe('transaction writing a resource the caller may not read', () => {
  /** Entries that must fail as for an id that never existed: sent for the hidden id and a fresh one. */
  it.each([
    ['PATCH', (id: string) => patchEntry(`CarePlan/${id}`, revoke)],
    ['PATCH with ifMatch of the current version', (id: string) => patchEntry(`CarePlan/${id}`, revoke, { ifMatch: 'W/"1"' })],
    ['PATCH with a stale ifMatch', (id: string) => patchEntry(`CarePlan/${id}`, revoke, { ifMatch: 'W/"5"' })],
    ['DELETE', (id: string) => deleteEntry(`CarePlan/${id}`)],
    ['DELETE with ifMatch of the current version', (id: string) => deleteEntry(`CarePlan/${id}`, { ifMatch: 'W/"1"' })],
  ])('%s fails the whole transaction with 404, exactly as for an id that never existed', async (_name, entry) => {
    const before = await tableSnapshot(api);
    const send = (id: string): Promise<Exchange> => post(bundle('transaction', [postEntry(newUrn(), ownGoal()), entry(id)]));
    const never = randomUUID();
    const res = await send(scene.hidden.plan.id);
    const unknown = await send(never);

    expectRefused(res, 404, 'not-found');
    expect(JSON.stringify(res.body)).toBe(JSON.stringify(unknown.body).replaceAll(never, scene.hidden.plan.id));
    expectNothingOfScene(res);
    expect(await tableSnapshot(api)).toEqual(before);
    const events = await expectAudit(api, res, { outcome: '4', secrets: scene.secrets });
    expect(eventAbout(events, scene.client).subtype?.[0]?.code).toBe('transaction');
  });

  it.each([
    ['PUT', () => putEntry(api.base, `CarePlan/${scene.hidden.plan.id}`, planBody(scene.hidden.plan.id))],
    ['PUT with ifMatch of the current version', () => putEntry(api.base, `CarePlan/${scene.hidden.plan.id}`, planBody(scene.hidden.plan.id), { ifMatch: 'W/"1"' })],
    ['PUT with a stale ifMatch (not 412)', () => putEntry(api.base, `CarePlan/${scene.hidden.plan.id}`, planBody(scene.hidden.plan.id), { ifMatch: 'W/"3"' })],
    ['PUT onto the deleted Goal', () => putEntry(api.base, `Goal/${scene.deletedGoal.id}`, { ...scene.deletedGoal, meta: undefined })],
    ['DELETE of the deleted Goal', () => deleteEntry(`Goal/${scene.deletedGoal.id}`)],
    ['DELETE of the Consent', () => deleteEntry(`Consent/${scene.consent.id}`)],
  ])('%s fails the whole transaction with 404 and writes nothing', async (_name, entry) => {
    const before = await tableSnapshot(api);
    const res = await post(bundle('transaction', [postEntry(newUrn(), ownGoal()), entry()]));
    expectRefused(res, 404, 'not-found');
    expectNothingOf(res, scene.secrets, { idNamedByCaller: true });
    expect(await tableSnapshot(api)).toEqual(before);
    await expectAudit(api, res, { outcome: '4', secrets: scene.secrets });
  });

  it.each([
    ['a POST with ifNoneExist by the hidden identifier, carrying it', () => postEntry(newUrn(), ownPlan(scene.hidden.identifier), { ifNoneExist: byPlanIdentifier(scene.hidden.identifier) }), 409],
    ['a conditional PUT by the hidden identifier, carrying it', () => ({ resource: ownPlan(scene.hidden.identifier), request: { method: 'PUT', url: `CarePlan?${byPlanIdentifier(scene.hidden.identifier)}` } }), 409],
    ['a conditional reference to the hidden plan', () => postEntry(newUrn(), { ...ownGoal(), addresses: [{ reference: `CarePlan?${byPlanIdentifier(scene.hidden.identifier)}` }] }), 412],
  ] as [string, () => Entry, number][])('%s finds no match: refused, naming nothing, writing nothing', async (_name, entry, status) => {
    const before = await tableSnapshot(api);
    const res = await post(bundle('transaction', [entry()]));
    expect(res.status, res.text).toBe(status);
    expectNothingOf(res, scene.secrets);
    expect(await tableSnapshot(api)).toEqual(before);
    await expectAudit(api, res, { outcome: '4', secrets: scene.secrets });
  });

  it('a conditional DELETE by the hidden identifier deletes nothing', async () => {
    const before = await tableSnapshot(api);
    const res = await post(bundle('transaction', [deleteEntry(`CarePlan?${byPlanIdentifier(scene.hidden.identifier)}`)]));
    expect(res.status, res.text).toBe(200);
    expect(res.body.entry[0].response).toEqual({ status: '204 No Content' });
    expectNothingOf(res, scene.secrets);
    expect(await tableSnapshot(api)).toEqual(before);
    await expectAudit(api, res, { outcome: '0', secrets: scene.secrets });
  });
});

describe('transaction GET entries', () => {
  it.each([
    ['a read', () => `CarePlan/${scene.hidden.plan.id}`],
    ['a vread', () => `CarePlan/${scene.hidden.plan.id}/_history/1`],
  ])('fail the whole transaction with 404 when %s of a hidden resource is one of them, writing and revealing nothing', async (_name, url) => {
    const before = await tableSnapshot(api);
    const res = await post(bundle('transaction', [postEntry(newUrn(), ownGoal()), getEntry(url()), getEntry(`CarePlan/${scene.own.plan.id}`)]));
    expectRefused(res, 404, 'not-found');
    expect(res.body.issue[0].expression).toEqual(['Bundle.entry[1]']);
    expectNothingOfScene(res);
    expect(await tableSnapshot(api)).toEqual(before);
    const events = await auditWithoutSecrets(res);
    expect(events.some((event) => event.outcome === '4')).toBe(true);
  });

  it('commit the writes while every search leaves hidden resources out', async () => {
    const res = await post(
      bundle('transaction', [
        postEntry(newUrn(), ownGoal()),
        getEntry(`CarePlan?${byPlanIdentifier(scene.hidden.identifier)}&_total=accurate`),
        getEntry(`CarePlan?_total=accurate`),
        getEntry(`CarePlan/${scene.own.plan.id}`),
      ]),
    );
    expect(res.status, res.text).toBe(200);
    const entries = res.body.entry as { response: { status: string }; resource?: any }[];
    expect(entries.map((entry) => entry.response.status)).toEqual(['201 Created', '200 OK', '200 OK', '200 OK']);
    expect(entries[1]!.resource.total).toBe(0);
    expect(idsIn(entries[2]!.resource)).toEqual([scene.own.plan.id]);
    expectNothingOfScene(res);
    const events = await auditWithoutSecrets(res);
    for (const event of events) expect(event.subtype?.[0]?.code).toBe('transaction');
  });
});

describe('batch', () => {
  it('answers each entry on its own: hidden resources 404 or absent, the caller’s own served', async () => {
    const before = await tableSnapshot(api);
    const hiddenId = scene.hidden.plan.id;
    const res = await post(
      bundle('batch', [
        getEntry(`CarePlan/${hiddenId}`),
        putEntry(api.base, `CarePlan/${hiddenId}`, planBody(hiddenId)),
        putEntry(api.base, `CarePlan/${hiddenId}`, planBody(hiddenId), { ifMatch: 'W/"2"' }),
        patchEntry(`CarePlan/${hiddenId}`, revoke, { ifMatch: 'W/"1"' }),
        deleteEntry(`CarePlan/${hiddenId}`),
        getEntry(`CarePlan/${hiddenId}/_history`),
        getEntry(`CarePlan?${byPlanIdentifier(scene.hidden.identifier)}&_summary=count`),
        getEntry('CareTeam?_total=accurate'),
        deleteEntry(`CarePlan?${byPlanIdentifier(scene.hidden.identifier)}`),
        getEntry(`CarePlan/${scene.own.plan.id}`),
      ]),
    );
    expect(res.status, res.text).toBe(200);
    const entries = res.body.entry as { response: { status: string }; resource?: any }[];
    expect(entries.map((entry) => entry.response.status.slice(0, 3))).toEqual(['404', '404', '404', '404', '404', '404', '200', '200', '200', '200']);
    expect(entries[6]!.resource.total).toBe(0);
    expect(idsIn(entries[7]!.resource)).toEqual([scene.own.team.id]);
    expectNothingOfScene(res);
    expect(await tableSnapshot(api)).toEqual(before);
    const event = eventAbout(await auditWithoutSecrets(res), scene.client);
    expect(event.outcome).toBe('4');
    expect(event.subtype?.[0]?.code).toBe('batch');
    expect(basesOf(event)).toEqual(['custodian']);
  });
});

describe('Bundles on the consent basis', () => {
  let shared: Plan;
  let consentId: string;
  beforeAll(async () => {
    shared = await createPlan(api, newClient());
    consentId = (await recordConsent(api, consentFor(shared.client, OTHER_ORG))).id;
  });

  it('a transaction updating the shared plan and reading its goal commits, audited on the consent', async () => {
    const res = await post(bundle('transaction', [putEntry(api.base, `CarePlan/${shared.plan.id}`, { ...shared.plan, title: 'Yhdessä päivitetty' }), getEntry(`Goal/${shared.goal.id}`)]));
    expect(res.status, res.text).toBe(200);
    expect(res.body.entry.map((entry: { response: { status: string } }) => entry.response.status)).toEqual(['200 OK', '200 OK']);
    const events = await expectAudit(api, res, { outcome: '0' });
    for (const event of events) {
      expect(basesOf(event)).toEqual(['consent']);
      expect(entitiesOf(event)).toContain(`Consent/${consentId}`);
    }
  });

  it('a transaction deleting the shared plan fails whole with 403 and writes nothing', async () => {
    const before = await tableSnapshot(api);
    const res = await post(bundle('transaction', [postEntry(newUrn(), { ...shared.goal, id: undefined, meta: undefined }), deleteEntry(`CarePlan/${shared.plan.id}`)]));
    expectRefused(res, 403, 'forbidden');
    expect(await tableSnapshot(api)).toEqual(before);
    await expectAudit(api, res, { outcome: '4' });
  });

  it('a batch refuses its delete entry with 403 and serves its read entry', async () => {
    const before = await tableSnapshot(api);
    const res = await post(bundle('batch', [deleteEntry(`CarePlan/${shared.plan.id}`), getEntry(`CarePlan/${shared.plan.id}`)]));
    expect(res.body.entry.map((entry: { response: { status: string } }) => entry.response.status)).toEqual(['403 Forbidden', '200 OK']);
    expect(await tableSnapshot(api)).toEqual(before);
    const event = eventAbout(await expectAudit(api, res, { outcome: '4' }), shared.client);
    expect(basesOf(event)).toEqual(['consent']);
  });
});

describe('auditing a Bundle', () => {
  it('records one AuditEvent per client touched, each as the batch it was, and no other', async () => {
    const res = await post(bundle('batch', [getEntry(`CarePlan/${scene.own.plan.id}`)]));
    expect(res.status).toBe(200);
    const events = await expectAudit(api, res, { outcome: '0' });
    expect(events.map((event) => event.subtype?.[0]?.code)).toEqual(['batch']);
  });
});
