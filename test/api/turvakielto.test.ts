/**
 * Non-disclosure (turvakielto) over HTTP: a plan whose resources carry the HL7 Finland label
 * `TURVAKIELTO` shows its contact and address data to the custodian only. An organisation a
 * Consent opens the plan to — and an emergency reader — receives every resource without them,
 * labelled REDACTED, on every path: read, vread, search with _include/_revinclude/_elements/
 * _summary, instance/type/system history, batch and transaction Bundles, and write responses.
 * It may not change what it cannot see, nor remove the marking.
 *
 * @see docs/access-policy.md
 */
import { randomUUID } from 'node:crypto';
import type { CarePlan, CareTeam, Goal } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NON_DISCLOSURE_LABEL, REDACTED_LABEL } from '../../functions/api/access/index.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { mintToken, OTHER_ORG } from '../support/tokens.js';
import { bundle, getEntry, patchEntry } from './bundle/helpers.js';
import { byClient, clientRef, consentFor, exchange, newClient, recordConsent, THIRD_ORG, type Exchange } from './security/helpers.js';

/** Contact data that must never reach anyone but the custodian: each a unique string. */
const PHONE = `+358 40 ${randomUUID().slice(0, 8)}`;
const GUARDIAN_PHONE = `+358 50 ${randomUUID().slice(0, 8)}`;
const STREET = `Salaisenkuja ${randomUUID().slice(0, 8)}`;
const SCHOOL = `Kaurialan koulu ${randomUUID().slice(0, 8)}`;
const ADDED_PHONE = `+358 44 ${randomUUID().slice(0, 8)}`;
const SECRETS = [PHONE, GUARDIAN_PHONE, STREET, SCHOOL];
/** Contact data of an unmarked team: shown to everyone the Consent names. */
const OPEN_PHONE = `+358 45 ${randomUUID().slice(0, 8)}`;

const marking = { system: NON_DISCLOSURE_LABEL.system, code: NON_DISCLOSURE_LABEL.code, display: NON_DISCLOSURE_LABEL.display };
const contactExtension = (value: string): { url: string; valueContactPoint: { system: string; value: string } } => ({ url: 'https://example.fi/fhir/StructureDefinition/yhteystieto', valueContactPoint: { system: 'phone', value } });

let api: TestApi;
let other: string;
let emergency: string;
let client: string;
let team: CareTeam & { id: string };
let openTeam: CareTeam & { id: string };
let plan: CarePlan & { id: string };
let goals: (Goal & { id: string })[];
let start: string;

async function created<T>(resource: Record<string, unknown>): Promise<T & { id: string }> {
  const res = await call(`${api.base}/${String(resource.resourceType)}`, { method: 'POST', body: resource });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const goalBody = (text: string): Record<string, unknown> => ({
  resourceType: 'Goal',
  meta: { security: [marking] },
  lifecycleStatus: 'active',
  description: { text },
  subject: clientRef(client),
  expressedBy: clientRef(client),
});

beforeAll(async () => {
  api = await startTestApi();
  other = await mintToken({ org: OTHER_ORG });
  emergency = await mintToken({ org: THIRD_ORG, purpose: 'ETREAT' });
  start = new Date(Date.now() - 1000).toISOString();
  client = newClient();
  team = await created<CareTeam>({
    resourceType: 'CareTeam',
    meta: { security: [marking] },
    text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">Perheen omatiimi, ${STREET}</div>` },
    contained: [
      {
        resourceType: 'RelatedPerson',
        id: 'huoltaja',
        patient: clientRef(client),
        name: [{ text: 'Huoltaja Testinen' }],
        telecom: [{ system: 'phone', value: GUARDIAN_PHONE }],
        address: [{ line: [STREET], city: 'Hämeenlinna' }],
      },
    ],
    status: 'active',
    name: 'Perheen omatiimi',
    subject: clientRef(client),
    participant: [{ member: { reference: '#huoltaja' } }, { member: { reference: 'Practitioner/kuraattori-1', display: 'Koulukuraattori' } }],
    telecom: [{ system: 'phone', value: PHONE }],
  });
  openTeam = await created<CareTeam>({ resourceType: 'CareTeam', status: 'active', name: 'Avoin tiimi', subject: clientRef(client), telecom: [{ system: 'phone', value: OPEN_PHONE }] });
  goals = [];
  for (const text of ['Haluan käydä koulua joka päivä', 'Haluan nukkua yöt kotona', 'Haluan harrastaa jalkapalloa']) goals.push(await created<Goal>(goalBody(text)));
  plan = await created<CarePlan>({
    resourceType: 'CarePlan',
    meta: { security: [marking] },
    contained: [{ resourceType: 'Location', id: 'koulu', name: SCHOOL }],
    status: 'active',
    intent: 'plan',
    title: 'Perheen yhteinen suunnitelma',
    subject: clientRef(client),
    careTeam: [{ reference: `CareTeam/${team.id}` }],
    goal: [{ reference: `Goal/${goals[0]!.id}` }],
    activity: [{ detail: { status: 'scheduled', description: 'Verkostopalaveri koululla', location: { reference: '#koulu' } } }],
  });
  await recordConsent(api, consentFor(client, OTHER_ORG));
});
afterAll(async () => api.close());

const as = (token: string) => (path: string, init: Parameters<typeof exchange>[1] = {}): Promise<Exchange> => exchange(`${api.base}/${path}`, { ...init, token });

/** 200, and nothing of the contact data anywhere in the response. */
function expectRedacted(res: Exchange): void {
  expect(res.status, res.text).toBe(200);
  for (const secret of SECRETS) expect(res.text).not.toContain(secret);
}

const isRedacted = (resource: { meta?: { security?: { system?: string; code?: string }[] } }): boolean =>
  (resource.meta?.security ?? []).some((label) => label.system === REDACTED_LABEL.system && label.code === REDACTED_LABEL.code);

const resourcesOf = (body: { entry?: { resource?: any }[] }): any[] => (body.entry ?? []).flatMap((entry) => (entry.resource ? [entry.resource] : []));

describe('the custodian', () => {
  it('reads everything, unlabelled', async () => {
    const res = await as(api.token)(`CareTeam/${team.id}`);
    expect(res.status).toBe(200);
    for (const secret of [PHONE, GUARDIAN_PHONE, STREET]) expect(res.text).toContain(secret);
    expect(isRedacted(res.body)).toBe(false);
    expect((await as(api.token)(`CarePlan/${plan.id}`)).text).toContain(SCHOOL);
  });

  it('finds everything in search and history', async () => {
    const search = await as(api.token)(`CareTeam?${byClient(client)}`);
    for (const secret of [PHONE, GUARDIAN_PHONE]) expect(search.text).toContain(secret);
    expect((await as(api.token)(`CareTeam/${team.id}/_history`)).text).toContain(PHONE);
  });
});

describe('the REDACTED label', () => {
  it('is never stored: it marks a view an organisation received, not the data (POST, PUT, PATCH, transaction)', async () => {
    const labels = [marking, { ...REDACTED_LABEL }];
    const posted = await call(`${api.base}/Goal`, { method: 'POST', body: { ...goalBody('Haluan oppia uimaan'), meta: { security: labels } } });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    expect(posted.body.meta.security).toEqual([marking]);
    const id = posted.body.id as string;
    const kept = await call(`${api.base}/Goal/${id}`, { method: 'PUT', body: { ...posted.body, meta: { security: [{ ...REDACTED_LABEL }, marking] }, lifecycleStatus: 'completed' } });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect(kept.body.meta.security).toEqual([marking]);
    const patched = await call(`${api.base}/Goal/${id}`, {
      method: 'PATCH',
      body: [{ op: 'add', path: '/meta/security/-', value: { ...REDACTED_LABEL } }],
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.meta.security).toEqual([marking]);
    const unmarked = { resourceType: 'Goal', meta: { security: [{ ...REDACTED_LABEL }] }, lifecycleStatus: 'active', description: { text: 'Näen ystäviä 🙂' }, subject: clientRef(client) };
    const tx = await call(api.base, { method: 'POST', body: bundle('transaction', [{ fullUrl: 'urn:uuid:0b6c4a6e-3c1f-4a53-9d2e-7c8e9f0a1b2c', resource: unmarked, request: { method: 'POST', url: 'Goal' } }]) });
    expect(tx.status, JSON.stringify(tx.body)).toBe(200);
    const stored = await call(`${api.base}/${tx.body.entry[0].response.location.split('/_history')[0]}`);
    expect(stored.status).toBe(200);
    expect(stored.body.meta.security).toBeUndefined();
  });
});

describe('an organisation the Consent names', () => {
  const read = (path: string, init?: Parameters<typeof exchange>[1]): Promise<Exchange> => as(other)(path, init);

  it('reads the team without telecom, contained contact data or narrative, labelled REDACTED', async () => {
    const res = await read(`CareTeam/${team.id}`);
    expectRedacted(res);
    expect(isRedacted(res.body)).toBe(true);
    expect(res.body.meta.security).toContainEqual(marking);
    expect(res.body.telecom).toBeUndefined();
    expect(res.body.text).toBeUndefined();
    expect(res.body.name).toBe('Perheen omatiimi');
    expect(res.body.participant).toHaveLength(2);
    expect(res.body.contained[0]).toMatchObject({ resourceType: 'RelatedPerson', id: 'huoltaja', name: [{ text: 'Huoltaja Testinen' }] });
    expect(res.headers.get('etag')).toBe('W/"1"');
  });

  it('reads the plan without the activity location or the contained Location', async () => {
    const res = await read(`CarePlan/${plan.id}`);
    expectRedacted(res);
    expect(res.body.contained).toBeUndefined();
    expect(res.body.activity[0].detail).toEqual({ status: 'scheduled', description: 'Verkostopalaveri koululla' });
  });

  it('gets a marked resource without contact data unchanged and unlabelled', async () => {
    const res = await read(`Goal/${goals[0]!.id}`);
    expect(res.status).toBe(200);
    expect(isRedacted(res.body)).toBe(false);
    expect(res.body.description.text).toBe('Haluan käydä koulua joka päivä');
  });

  it('vreads the redacted version', async () => {
    const res = await read(`CareTeam/${team.id}/_history/1`);
    expectRedacted(res);
    expect(isRedacted(res.body)).toBe(true);
  });

  it('searches: marked teams redacted, an unmarked team in full', async () => {
    const res = await read(`CareTeam?${byClient(client)}`);
    expectRedacted(res);
    const found = resourcesOf(res.body);
    expect(found.map((r) => r.id).sort()).toEqual([team.id, openTeam.id].sort());
    expect(isRedacted(found.find((r) => r.id === team.id))).toBe(true);
    expect(res.text).toContain(OPEN_PHONE);
  });

  it('gets included and revincluded resources redacted', async () => {
    const included = await read(`CarePlan?_id=${plan.id}&_include=CarePlan:care-team`);
    expectRedacted(included);
    expect(resourcesOf(included.body).map((r) => r.resourceType).sort()).toEqual(['CarePlan', 'CareTeam']);
    expect(resourcesOf(included.body).every(isRedacted)).toBe(true);
    const revincluded = await read(`CareTeam?_id=${team.id}&_revinclude=CarePlan:care-team`);
    expectRedacted(revincluded);
    expect(resourcesOf(revincluded.body).map((r) => r.resourceType).sort()).toEqual(['CarePlan', 'CareTeam']);
  });

  it('gets no contact data through _elements or _summary', async () => {
    for (const query of ['_elements=telecom,contained', '_summary=true', '_summary=text', '_summary=data']) {
      const res = await read(`CareTeam?_id=${team.id}&${query}`);
      expectRedacted(res);
      expect(resourcesOf(res.body)).toHaveLength(1);
    }
  });

  it('gets instance, type and system history redacted', async () => {
    const since = encodeURIComponent(start);
    for (const path of [`CareTeam/${team.id}/_history`, `CareTeam/_history?_since=${since}`, `_history?_since=${since}&_count=100`]) {
      const res = await read(path);
      expectRedacted(res);
      expect(resourcesOf(res.body).some((r) => r.id === team.id && isRedacted(r))).toBe(true);
    }
  });

  it('gets batch and transaction GET entries redacted', async () => {
    const entries = [getEntry(`CareTeam/${team.id}`), getEntry(`CarePlan/${plan.id}`), getEntry(`CareTeam?${byClient(client)}`), getEntry(`CareTeam/${team.id}/_history`)];
    for (const type of ['batch', 'transaction']) {
      const res = await exchange(api.base, { method: 'POST', body: bundle(type, entries), token: other });
      expectRedacted(res);
      expect(res.body.entry.map((entry: { response: { status: string } }) => entry.response.status)).toEqual(['200 OK', '200 OK', '200 OK', '200 OK']);
      expect(isRedacted(res.body.entry[0].resource)).toBe(true);
    }
  });

  it('gets the response of its own write redacted, while the custodian sees what was written', async () => {
    const add = [{ op: 'add', path: '/extension', value: [contactExtension(ADDED_PHONE)] }];
    const res = await read(`Goal/${goals[1]!.id}`, { method: 'PATCH', body: add, headers: { 'content-type': 'application/json-patch+json' } });
    expect(res.status, res.text).toBe(200);
    expect(res.text).not.toContain(ADDED_PHONE);
    expect(isRedacted(res.body)).toBe(true);
    expect((await as(api.token)(`Goal/${goals[1]!.id}`)).text).toContain(ADDED_PHONE);
  });

  it('gets a transaction write entry redacted', async () => {
    const add = [{ op: 'add', path: '/extension', value: [contactExtension(ADDED_PHONE)] }];
    const res = await exchange(api.base, { method: 'POST', body: bundle('transaction', [patchEntry(`Goal/${goals[2]!.id}`, add)]), token: other });
    expect(res.status, res.text).toBe(200);
    expect(res.text).not.toContain(ADDED_PHONE);
    expect(isRedacted(res.body.entry[0].resource)).toBe(true);
  });

  it('may not change a resource holding contact data it cannot see (403, also for a probing JSON Patch test)', async () => {
    const asPatch = { 'content-type': 'application/json-patch+json' };
    for (const body of [
      [{ op: 'replace', path: '/name', value: 'Uusi nimi' }],
      [{ op: 'test', path: '/telecom/0/value', value: PHONE }, { op: 'replace', path: '/name', value: 'Uusi nimi' }],
      [{ op: 'test', path: '/telecom/0/value', value: 'väärä' }],
    ]) {
      const res = await read(`CareTeam/${team.id}`, { method: 'PATCH', body, headers: asPatch });
      expect(res.status, res.text).toBe(403);
      expect(res.body.issue[0].diagnostics).toMatch(/non-disclosure marking \(turvakielto\); only its custodian may change it/);
      for (const secret of SECRETS) expect(res.text).not.toContain(secret);
    }
    const put = await read(`CareTeam/${team.id}`, { method: 'PUT', body: { resourceType: 'CareTeam', id: team.id, status: 'inactive', subject: clientRef(client) } });
    expect(put.status).toBe(403);
    const stored = await as(api.token)(`CareTeam/${team.id}`);
    expect(stored.body.meta.versionId).toBe('1');
  });

  it('may not remove the marking', async () => {
    const res = await read(`Goal/${goals[0]!.id}`, { method: 'PATCH', body: [{ op: 'remove', path: '/meta/security' }], headers: { 'content-type': 'application/json-patch+json' } });
    expect(res.status, res.text).toBe(403);
    expect(res.body.issue[0].diagnostics).toMatch(/Only the custodian may remove the non-disclosure marking/);
  });
});

describe('an emergency reader', () => {
  it('reads and searches without the contact data too', async () => {
    expectRedacted(await as(emergency)(`CareTeam/${team.id}`));
    expectRedacted(await as(emergency)(`CarePlan?${byClient(client)}&_include=CarePlan:care-team`));
  });
});
