/**
 * SMART scopes limit what a client system may do at all, whatever the access policy allows: the
 * custodian itself, with a token lacking a scope, is refused with 403 `forbidden` (an
 * `insufficient_scope` challenge naming the scope), nothing is written and the refusal is
 * audited. Creating needs `c` however it is asked for (update-as-create too); a conditional
 * interaction searches, so it needs `s` as well; `_include`/`_revinclude` bring in only types
 * the token may read; the system history shows only such types.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.js';
import { mintToken } from '../../support/tokens.js';
import { bundle, deleteEntry, getEntry, newUrn, patchEntry, postEntry, putEntry, type Entry } from '../bundle/helpers.js';
import { byClient, byPlanIdentifier, createPlan, exchange, expectAudit, expectRefused, idsIn, newClient, tableSnapshot, type Body, type Exchange, type Plan } from './helpers.js';

let api: TestApi;
let plan: Plan;
/** Deleted by the custodian: writing it again is a creation. */
let deletedGoalId: string;
let start: string;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  api = await startTestApi();
  start = new Date(Date.now() - 1000).toISOString();
  plan = await createPlan(api, newClient());
  const goal = await exchange(`${api.base}/Goal`, { method: 'POST', body: { ...plan.goal, id: undefined, meta: undefined } });
  deletedGoalId = goal.body.id;
  expect((await exchange(`${api.base}/Goal/${deletedGoalId}`, { method: 'DELETE' })).status).toBe(204);
  for (const scope of ['system/CarePlan.r', 'system/*.rs', 'system/CarePlan.rus system/Goal.rus', 'system/CarePlan.rs', 'system/CareTeam.rs', 'system/CarePlan.c', 'system/CarePlan.u', 'system/CarePlan.d']) {
    tokens[scope] = await mintToken({ scope });
  }
});
afterAll(async () => api.close());

/** A refusal for want of `scope`: 403 forbidden, the challenge naming it, nothing written, audited as refused. */
async function expectScopeRefusal(send: () => Promise<Exchange>, scope: string): Promise<void> {
  const before = await tableSnapshot(api);
  const res = await send();
  expectRefused(res, 403, 'forbidden');
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope"/);
  expect(res.headers.get('www-authenticate')).toContain(`scope="${scope}"`);
  expect(await tableSnapshot(api)).toEqual(before);
  await expectAudit(api, res, { outcome: '4' });
}

const planBody = (): Body => ({ ...plan.plan, meta: undefined, identifier: undefined, title: 'Ei oikeutta' });
const asPatch = { 'content-type': 'application/json-patch+json' };
const revoke = [{ op: 'replace', path: '/status', value: 'revoked' }];

type Request = { method: string; path: string; body?: unknown; headers?: Record<string, string> };

describe('a token with system/CarePlan.r only (the custodian’s own plan)', () => {
  const token = (): string => tokens['system/CarePlan.r']!;

  it('reads, vreads and reads the history of the plan', async () => {
    for (const path of [`CarePlan/${plan.plan.id}`, `CarePlan/${plan.plan.id}/_history/1`, `CarePlan/${plan.plan.id}/_history`, 'CarePlan/_history']) {
      const res = await exchange(`${api.base}/${path}`, { token: token() });
      expect(res.status, path).toBe(200);
      await expectAudit(api, res, { outcome: '0' });
    }
  });

  it.each<[string, () => Request, string]>([
    ['create', () => ({ method: 'POST', path: 'CarePlan', body: { ...planBody(), id: undefined } }), 'system/CarePlan.c'],
    ['update', () => ({ method: 'PUT', path: `CarePlan/${plan.plan.id}`, body: planBody() }), 'system/CarePlan.u'],
    ['update-as-create', () => ({ method: 'PUT', path: 'CarePlan/uusi-suunnitelma', body: { ...planBody(), id: 'uusi-suunnitelma' } }), 'system/CarePlan.u'],
    ['patch', () => ({ method: 'PATCH', path: `CarePlan/${plan.plan.id}`, body: revoke, headers: asPatch }), 'system/CarePlan.u'],
    ['delete', () => ({ method: 'DELETE', path: `CarePlan/${plan.plan.id}` }), 'system/CarePlan.d'],
    ['conditional update', () => ({ method: 'PUT', path: `CarePlan?${byPlanIdentifier(plan.identifier)}`, body: { ...planBody(), id: undefined } }), 'system/CarePlan.u'],
    ['conditional delete', () => ({ method: 'DELETE', path: `CarePlan?${byPlanIdentifier(plan.identifier)}` }), 'system/CarePlan.d'],
    ['search', () => ({ method: 'GET', path: `CarePlan?${byClient(plan.client)}` }), 'system/CarePlan.s'],
    ['search by POST', () => ({ method: 'POST', path: `CarePlan/_search`, body: undefined, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'system/CarePlan.s'],
    ['read of another type', () => ({ method: 'GET', path: `Goal/${plan.goal.id}` }), 'system/Goal.r'],
    ['history of another type', () => ({ method: 'GET', path: 'CareTeam/_history' }), 'system/CareTeam.r'],
  ])('refuses %s with 403, writing nothing', async (_name, request, scope) => {
    const { method, path, body, headers } = request();
    await expectScopeRefusal(() => exchange(`${api.base}/${path}`, { method, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}), token: token() }), scope);
  });

  it.each<[string, () => Entry]>([
    ['a POST entry', () => postEntry(newUrn(), { ...planBody(), id: undefined })],
    ['a PUT entry', () => putEntry(api.base, `CarePlan/${plan.plan.id}`, planBody())],
    ['a PATCH entry', () => patchEntry(`CarePlan/${plan.plan.id}`, revoke)],
    ['a DELETE entry', () => deleteEntry(`CarePlan/${plan.plan.id}`)],
  ])('refuses a transaction with %s before reading anything (403), writing nothing', async (_name, entry) => {
    const before = await tableSnapshot(api);
    const res = await exchange(api.base, { method: 'POST', body: bundle('transaction', [getEntry(`CarePlan/${plan.plan.id}`), entry()]), token: token() });
    expectRefused(res, 403, 'forbidden');
    expect(await tableSnapshot(api)).toEqual(before);
    await expectAudit(api, res, { outcome: '4' });
  });

  it('answers each batch entry by its own scope', async () => {
    const before = await tableSnapshot(api);
    const res = await exchange(api.base, {
      method: 'POST',
      body: bundle('batch', [postEntry(newUrn(), { ...planBody(), id: undefined }), getEntry(`CarePlan/${plan.plan.id}`), getEntry(`Goal/${plan.goal.id}`), getEntry(`CarePlan?${byClient(plan.client)}`)]),
      token: token(),
    });
    expect(res.status).toBe(200);
    expect(res.body.entry.map((entry: { response: { status: string } }) => entry.response.status)).toEqual(['403 Forbidden', '200 OK', '403 Forbidden', '403 Forbidden']);
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('shows only CarePlans in the system history', async () => {
    const res = await exchange(`${api.base}/_history?_since=${encodeURIComponent(start)}`, { token: token() });
    expect(res.status).toBe(200);
    expect(idsIn(res.body)).toEqual([plan.plan.id]);
  });
});

describe('a token with system/*.rs (reading only)', () => {
  it.each<[string, () => Request, string]>([
    ['create of a Consent', () => ({ method: 'POST', path: 'Consent', body: { resourceType: 'Consent' } }), 'system/Consent.c'],
    ['update of a Goal', () => ({ method: 'PUT', path: `Goal/${plan.goal.id}`, body: { ...plan.goal, meta: undefined } }), 'system/Goal.u'],
    ['delete of a CareTeam', () => ({ method: 'DELETE', path: `CareTeam/${plan.team.id}` }), 'system/CareTeam.d'],
  ])('refuses %s with 403, writing nothing', async (_name, request, scope) => {
    const { method, path, body } = request();
    await expectScopeRefusal(() => exchange(`${api.base}/${path}`, { method, ...(body !== undefined ? { body } : {}), token: tokens['system/*.rs']! }), scope);
  });
});

describe('creating needs the create scope however it is asked for', () => {
  const token = (): string => tokens['system/CarePlan.rus system/Goal.rus']!;

  it.each<[string, () => Request, string]>([
    ['update-as-create of a new id', () => ({ method: 'PUT', path: 'CarePlan/ilman-luontioikeutta', body: { ...planBody(), id: 'ilman-luontioikeutta' } }), 'system/CarePlan.c'],
    ['update of a deleted resource (written again)', () => ({ method: 'PUT', path: `Goal/${deletedGoalId}`, body: { ...plan.goal, id: deletedGoalId, meta: undefined } }), 'system/Goal.c'],
    ['conditional update matching nothing', () => ({ method: 'PUT', path: 'CarePlan?identifier=https://example.fi/fhir/sid/none|nothing', body: { ...planBody(), id: undefined, identifier: undefined } }), 'system/CarePlan.c'],
  ])('refuses %s with 403, writing nothing', async (_name, request, scope) => {
    const { method, path, body } = request();
    await expectScopeRefusal(() => exchange(`${api.base}/${path}`, { method, body, token: token() }), scope);
  });

  it('refuses a transaction whose PUT entry would create (403), writing nothing', async () => {
    const before = await tableSnapshot(api);
    const res = await exchange(api.base, { method: 'POST', body: bundle('transaction', [putEntry(api.base, 'CarePlan/luotu-transaktiossa', { ...planBody(), id: 'luotu-transaktiossa' })]), token: token() });
    expectRefused(res, 403, 'forbidden');
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('still updates an existing resource (200)', async () => {
    const res = await exchange(`${api.base}/Goal/${plan.goal.id}`, { method: 'PUT', body: { ...plan.goal, meta: undefined, lifecycleStatus: 'on-hold' }, token: token() });
    expect(res.status, res.text).toBe(200);
  });
});

describe('conditional interactions search, so they need the search scope too', () => {
  it.each<[string, string, () => Request]>([
    ['create with If-None-Exist', 'system/CarePlan.c', () => ({ method: 'POST', path: 'CarePlan', body: { ...planBody(), id: undefined }, headers: { 'if-none-exist': `_id=${plan.plan.id}` } })],
    ['conditional update', 'system/CarePlan.u', () => ({ method: 'PUT', path: `CarePlan?${byPlanIdentifier(plan.identifier)}`, body: { ...planBody(), id: undefined } })],
    ['conditional delete', 'system/CarePlan.d', () => ({ method: 'DELETE', path: `CarePlan?${byPlanIdentifier(plan.identifier)}` })],
  ])('refuses %s with only %s (403), revealing and writing nothing', async (_name, scope, request) => {
    const { method, path, body, headers } = request();
    await expectScopeRefusal(() => exchange(`${api.base}/${path}`, { method, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}), token: tokens[scope]! }), 'system/CarePlan.s');
  });

  it.each<[string, string, () => Entry]>([
    ['a POST entry with ifNoneExist', 'system/CarePlan.c', () => postEntry(newUrn(), { ...planBody(), id: undefined }, { ifNoneExist: `_id=${plan.plan.id}` })],
    ['a conditional PUT entry', 'system/CarePlan.u', () => ({ resource: { ...planBody(), id: undefined }, request: { method: 'PUT', url: `CarePlan?${byPlanIdentifier(plan.identifier)}` } })],
    ['a conditional DELETE entry', 'system/CarePlan.d', () => deleteEntry(`CarePlan?${byPlanIdentifier(plan.identifier)}`)],
    ['a conditional reference', 'system/CarePlan.c', () => postEntry(newUrn(), { ...planBody(), id: undefined, basedOn: [{ reference: `CarePlan?${byPlanIdentifier(plan.identifier)}` }] })],
  ])('refuses a transaction with %s with only %s (403), writing nothing', async (_name, scope, entry) => {
    const before = await tableSnapshot(api);
    const res = await exchange(api.base, { method: 'POST', body: bundle('transaction', [entry()]), token: tokens[scope]! });
    expectRefused(res, 403, 'forbidden');
    expect(res.text).not.toContain(plan.marker);
    expect(await tableSnapshot(api)).toEqual(before);
  });
});

describe('includes bring in only types the token may read', () => {
  it.each([
    ['_include', 'system/CarePlan.rs', () => `CarePlan?${byClient(plan.client)}&_include=CarePlan:goal&_include=CarePlan:care-team`, () => plan.plan.id],
    ['_revinclude', 'system/CareTeam.rs', () => `CareTeam?${byClient(plan.client)}&_revinclude=CarePlan:care-team`, () => plan.team.id],
  ])('%s of other types with %s: only the matches', async (_name, scope, path, match) => {
    const res = await exchange(`${api.base}/${path()}`, { token: tokens[scope]! });
    expect(res.status).toBe(200);
    expect(idsIn(res.body)).toEqual([match()]);
    expect(res.body.entry.map((entry: { search: { mode: string } }) => entry.search.mode)).toEqual(['match']);
    const undisclosed = plan.secrets.filter((secret) => secret.id !== match());
    const [event, ...more] = await expectAudit(api, res, { outcome: '0', secrets: undisclosed });
    expect(more).toEqual([]);
    expect(event!.entity?.flatMap((entity) => (entity.what?.reference ? [entity.what.reference] : []))).toHaveLength(1);
  });
});
