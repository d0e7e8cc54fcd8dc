/**
 * Another organisation without a Consent, over every REST interaction: a direct interaction with
 * the custodian's resource answers 404 exactly as for an id that never existed (never 410, 412 or
 * 304, which would reveal it), nothing is written, and search, totals, includes, paging, history
 * and the feed leave the resource out. Every request is audited: refusals as outcome 4, filtered
 * reads as outcome 0 disclosing only what was shown.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG } from '../../support/tokens.js';
import {
  allPages,
  basesOf,
  byClient,
  byPlanIdentifier,
  entitiesOf,
  eventAbout,
  exchange,
  expectAudit,
  expectNothingOf,
  expectRefused,
  hiddenScene,
  idsIn,
  organizationOf,
  tableSnapshot,
  type Exchange,
  type HiddenScene,
} from './helpers.js';

let api: TestApi;
let other: string;
let scene: HiddenScene;
/** Before the scene was created: `_since` for the feed. */
let start: string;
beforeAll(async () => {
  api = await startTestApi();
  other = await mintToken({ org: OTHER_ORG });
  start = new Date(Date.now() - 1000).toISOString();
  scene = await hiddenScene(api, other);
});
afterAll(async () => api.close());

const patchDoc = [{ op: 'replace', path: '/status', value: 'revoked' }];
const asPatch = { 'content-type': 'application/json-patch+json' };

/**
 * Direct interactions with one id: the same request is sent for the hidden id and for one that
 * never existed. The last column: whether a stored version was judged (and the refusal is then
 * audited about the client).
 */
const BY_ID: readonly [string, (s: HiddenScene) => string, (id: string) => { path: string; method?: string; body?: unknown; headers?: Record<string, string> }, boolean?][] = [
  ['read', (s) => s.hidden.plan.id, (id) => ({ path: `CarePlan/${id}` })],
  ['read with If-None-Match of the current version', (s) => s.hidden.plan.id, (id) => ({ path: `CarePlan/${id}`, headers: { 'if-none-match': 'W/"1"' } })],
  ['read of a CareTeam', (s) => s.hidden.team.id, (id) => ({ path: `CareTeam/${id}` })],
  ['read of a Goal', (s) => s.hidden.goal.id, (id) => ({ path: `Goal/${id}` })],
  ['read of a Consent not naming the caller', (s) => s.consent.id, (id) => ({ path: `Consent/${id}` })],
  ['read of a deleted Goal (not 410)', (s) => s.deletedGoal.id, (id) => ({ path: `Goal/${id}` })],
  ['vread', (s) => s.hidden.plan.id, (id) => ({ path: `CarePlan/${id}/_history/1` })],
  ['vread of a version that does not exist', (s) => s.hidden.plan.id, (id) => ({ path: `CarePlan/${id}/_history/9` }), false],
  ['vread of a deletion (not 410)', (s) => s.deletedGoal.id, (id) => ({ path: `Goal/${id}/_history/2` })],
  ['instance _history', (s) => s.hidden.plan.id, (id) => ({ path: `CarePlan/${id}/_history` })],
  ['instance _history of a deleted Goal', (s) => s.deletedGoal.id, (id) => ({ path: `Goal/${id}/_history` })],
  ['PATCH', (s) => s.hidden.plan.id, (id) => ({ path: `CarePlan/${id}`, method: 'PATCH', body: patchDoc, headers: asPatch })],
  ['PATCH with If-Match of the current version', (s) => s.hidden.plan.id, (id) => ({ path: `CarePlan/${id}`, method: 'PATCH', body: patchDoc, headers: { ...asPatch, 'if-match': 'W/"1"' } })],
  ['PATCH with a stale If-Match (not 412)', (s) => s.hidden.plan.id, (id) => ({ path: `CarePlan/${id}`, method: 'PATCH', body: patchDoc, headers: { ...asPatch, 'if-match': 'W/"7"' } })],
  ['DELETE', (s) => s.hidden.plan.id, (id) => ({ path: `CarePlan/${id}`, method: 'DELETE' })],
  ['DELETE of a Consent', (s) => s.consent.id, (id) => ({ path: `Consent/${id}`, method: 'DELETE' })],
];

describe.each(BY_ID)('%s of a resource the caller may not read', (_name, target, request, judged = true) => {
  it('answers 404 exactly as for an id that never existed, writes nothing and audits a refusal', async () => {
    const id = target(scene);
    const never = randomUUID();
    const before = await tableSnapshot(api);
    const send = async (which: string): Promise<Exchange> => {
      const { path, method, body, headers } = request(which);
      return exchange(`${api.base}/${path}`, { method: method ?? 'GET', ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}), token: other });
    };
    const res = await send(id);
    const unknown = await send(never);

    expectRefused(res, 404, 'not-found');
    expect(JSON.stringify(res.body)).toBe(JSON.stringify(unknown.body).replaceAll(never, id));
    expectNothingOf(res, scene.secrets, { idNamedByCaller: true });
    expect(await tableSnapshot(api)).toEqual(before);
    const events = await expectAudit(api, res, { outcome: '4', secrets: scene.secrets });
    if (judged) expect(organizationOf(eventAbout(events, scene.client))).toBe(OTHER_ORG);
  });
});

/** Updates of a resource the caller may not read: never created, never 412. */
const UPDATES: readonly [string, (s: HiddenScene) => { path: string; body: unknown; headers?: Record<string, string> }][] = [
  ['PUT', (s) => ({ path: `CarePlan/${s.hidden.plan.id}`, body: { ...s.hidden.plan, status: 'revoked', meta: undefined } })],
  ['PUT with If-Match of the current version', (s) => ({ path: `CarePlan/${s.hidden.plan.id}`, body: { ...s.hidden.plan, status: 'revoked' }, headers: { 'if-match': 'W/"1"' } })],
  ['PUT with a stale If-Match (not 412)', (s) => ({ path: `CarePlan/${s.hidden.plan.id}`, body: { ...s.hidden.plan, status: 'revoked' }, headers: { 'if-match': 'W/"7"' } })],
  ['PUT of a Consent', (s) => ({ path: `Consent/${s.consent.id}`, body: { ...s.consent, status: 'inactive' } })],
  ['PUT onto a deleted Goal (update-as-create)', (s) => ({ path: `Goal/${s.deletedGoal.id}`, body: { ...s.deletedGoal, meta: undefined } })],
  ['PUT onto a deleted Goal with If-Match of the deletion', (s) => ({ path: `Goal/${s.deletedGoal.id}`, body: { ...s.deletedGoal, meta: undefined }, headers: { 'if-match': 'W/"2"' } })],
];

describe.each(UPDATES)('%s of a resource the caller may not read', (_name, request) => {
  it('answers 404, writes nothing and audits a refusal', async () => {
    const { path, body, headers } = request(scene);
    const before = await tableSnapshot(api);
    const res = await exchange(`${api.base}/${path}`, { method: 'PUT', body, ...(headers ? { headers } : {}), token: other });

    expectRefused(res, 404, 'not-found');
    expectNothingOf(res, scene.secrets, { idNamedByCaller: true });
    expect(await tableSnapshot(api)).toEqual(before);
    await expectAudit(api, res, { outcome: '4', secrets: scene.secrets });
  });
});

/** Searches, history and the feed: each result must consist of the caller's own resources only. */
const FILTERED: readonly [string, (s: HiddenScene) => string, (s: HiddenScene) => string[], number | undefined][] = [
  ['search by client', (s) => `CarePlan?${byClient(s.client)}`, (s) => [s.own.plan.id], undefined],
  ['search by client with _total=accurate', (s) => `CarePlan?${byClient(s.client)}&_total=accurate`, (s) => [s.own.plan.id], 1],
  ['search by client with _summary=count', (s) => `CarePlan?${byClient(s.client)}&_summary=count`, () => [], 1],
  ['search over the type with _total=accurate', () => 'CarePlan?_total=accurate', (s) => [s.own.plan.id], 1],
  ['search over the type with _summary=count', () => 'CarePlan?_summary=count', () => [], 1],
  ['search by the hidden plan’s identifier', (s) => `CarePlan?${byPlanIdentifier(s.hidden.identifier)}&_total=accurate`, () => [], 0],
  ['search of CareTeams by client', (s) => `CareTeam?${byClient(s.client)}&_total=accurate`, (s) => [s.own.team.id], 1],
  ['search of Goals by client (a deleted one too)', (s) => `Goal?${byClient(s.client)}&_total=accurate`, (s) => [s.own.goal.id], 1],
  ['search of Consents by client', (s) => `Consent?${byClient(s.client)}&_total=accurate`, () => [], 0],
  ['search with _revinclude of plans pointing at the caller’s CareTeam', (s) => `CareTeam?${byClient(s.client)}&_revinclude=CarePlan:care-team`, (s) => [s.own.team.id, s.own.plan.id], undefined],
  ['search with _include of the goals of every plan', (s) => `CarePlan?${byClient(s.client)}&_include=CarePlan:goal`, (s) => [s.own.plan.id, s.own.goal.id], undefined],
  ['type _history', () => 'CarePlan/_history', (s) => [s.own.plan.id], undefined],
  ['system _history with _since', () => `_history?_since=${encodeURIComponent(start)}`, (s) => [s.own.team.id, s.own.goal.id, s.own.plan.id], undefined],
];

describe.each(FILTERED)('%s', (_name, path, visible, total) => {
  it('shows only the caller’s own resources and audits their disclosure on the custodian basis', async () => {
    const res = await exchange(`${api.base}/${path(scene)}`, { token: other });
    expect(res.status, res.text).toBe(200);
    expect([...new Set(idsIn(res.body))].sort()).toEqual(visible(scene).sort());
    if (total !== undefined) expect(res.body.total).toBe(total);
    expectNothingOf(res, scene.secrets);
    const events = await expectAudit(api, res, { outcome: '0', secrets: scene.secrets });
    for (const event of events) expect(basesOf(event).filter((basis) => basis !== 'custodian')).toEqual([]);
    if (visible(scene).length > 0) expect(basesOf(eventAbout(events, scene.client))).toEqual(['custodian']);
  });
});

describe('paging', () => {
  it.each([
    ['a search by client', (s: HiddenScene) => `CarePlan?${byClient(s.client)}&_count=1`, (s: HiddenScene) => [s.own.plan.id]],
    ['a search of every type member', () => 'Goal?_count=1', (s: HiddenScene) => [s.own.goal.id]],
    ['the type history', () => 'CarePlan/_history?_count=1', (s: HiddenScene) => [s.own.plan.id]],
    ['the system history', () => `_history?_count=1&_since=${encodeURIComponent(start)}`, (s: HiddenScene) => [s.own.team.id, s.own.goal.id, s.own.plan.id]],
  ])('never shows a hidden resource on any page of %s (_count=1, next links)', async (_name, path, visible) => {
    const pages = await allPages(`${api.base}/${path(scene)}`, other);
    expect(pages.flatMap((page) => idsIn(page.body)).sort()).toEqual(visible(scene).sort());
    for (const page of pages) {
      expectNothingOf(page, scene.secrets);
      await expectAudit(api, page, { outcome: '0', secrets: scene.secrets });
    }
  });
});

/* Last: these write the caller's own resources, which the listings above must not expect. */
describe('update-as-create of a new id', () => {
  it('creates the caller’s own resource (201), the custodian is the caller', async () => {
    const id = `oma-${randomUUID()}`;
    const res = await exchange(`${api.base}/Goal/${id}`, { method: 'PUT', body: { ...scene.own.goal, id, meta: undefined }, token: other });
    expect(res.status, res.text).toBe(201);
    expectNothingOf(res, scene.secrets);
    const [event] = await expectAudit(api, res, { outcome: '0' });
    expect(basesOf(event!)).toEqual(['creator']);
  });
});

describe('search with _include of a CareTeam the caller may not read', () => {
  it('includes nothing: the reference in the caller’s own plan is all it sees', async () => {
    const plan = { ...scene.own.plan, id: undefined, meta: undefined, identifier: undefined, careTeam: [{ reference: `CareTeam/${scene.hidden.team.id}` }] };
    const mine = await exchange(`${api.base}/CarePlan`, { method: 'POST', body: plan, token: other });
    expect(mine.status).toBe(201);
    const res = await exchange(`${api.base}/CarePlan?_id=${mine.body.id}&_include=CarePlan:care-team`, { token: other });
    expect(res.status).toBe(200);
    expect(idsIn(res.body)).toEqual([mine.body.id]);
    expect(res.body.entry.map((entry: { search: { mode: string } }) => entry.search.mode)).toEqual(['match']);
    const team = scene.secrets.filter((secret) => secret.id === scene.hidden.team.id);
    expectNothingOf(res, scene.secrets.filter((secret) => secret.id !== scene.hidden.team.id));
    expectNothingOf(res, team, { idNamedByCaller: true });
    const events = await expectAudit(api, res, { outcome: '0', secrets: scene.secrets });
    expect(entitiesOf(eventAbout(events, scene.client))).toEqual([`CarePlan/${mine.body.id}/_history/1`]);
  });
});
