/**
 * Conditional interactions whose criteria match only a resource the caller may not read: the
 * match is judged by the same access decision as a search, so for the caller there is no match.
 * Nothing of the hidden resource is returned, changed or named. What does happen:
 * - create with `If-None-Exist` creates the caller's own resource — unless its body carries the
 *   hidden resource's business identifier, which is unique per type: then 409 `duplicate`,
 *   naming neither the holder nor its custodian, and nothing is written;
 * - conditional update behaves the same (no match → create), and with the hidden id in the
 *   body it is the plain update of a resource the caller may not read: 404;
 * - conditional delete deletes nothing (200).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG, TEST_ORG } from '../../support/tokens.js';
import {
  basesOf,
  byClient,
  byPlanIdentifier,
  custodianOf,
  eventAbout,
  exchange,
  expectAudit,
  expectNothingOf,
  expectRefused,
  hiddenScene,
  PLAN_ID_SYSTEM,
  tableSnapshot,
  type HiddenScene,
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

/** The caller's own plan about the same client; `identifier` as given. */
const ownPlan = (identifier?: string): Record<string, unknown> => ({
  ...scene.own.plan,
  id: undefined,
  meta: undefined,
  identifier: identifier ? [{ system: PLAN_ID_SYSTEM, value: identifier }] : undefined,
});

/** The custodian still sees its plan unchanged. */
async function expectHiddenPlanIntact(): Promise<void> {
  const res = await call(`${api.base}/CarePlan/${scene.hidden.plan.id}`);
  expect(res.status).toBe(200);
  expect(res.body).toEqual(scene.hidden.plan);
}

describe('refused without a trace of the hidden resource', () => {
  it.each([
    ['create with If-None-Exist, body with the hidden identifier', 'POST', () => 'CarePlan', () => ({ 'if-none-exist': byPlanIdentifier(scene.hidden.identifier) })],
    ['conditional update, body with the hidden identifier', 'PUT', () => `CarePlan?${byPlanIdentifier(scene.hidden.identifier)}`, () => ({})],
    ['conditional update by client, body with the hidden identifier', 'PUT', () => `CarePlan?${byClient(scene.client)}&status=active&${byPlanIdentifier(scene.hidden.identifier)}`, () => ({})],
  ])('%s answers 409 duplicate naming no holder, and writes nothing', async (_name, method, path, headers) => {
    const before = await tableSnapshot(api);
    const res = await exchange(`${api.base}/${path()}`, { method, body: ownPlan(scene.hidden.identifier), headers: headers(), token: other });

    expectRefused(res, 409, 'duplicate');
    expectNothingOf(res, scene.secrets);
    expect(res.text).not.toContain(TEST_ORG);
    expect(await tableSnapshot(api)).toEqual(before);
    await expectAudit(api, res, { outcome: '4', secrets: scene.secrets });
    await expectHiddenPlanIntact();
  });

  it('conditional update with the hidden id in the body answers 409 as for any existing id, saying nothing of it', async () => {
    const before = await tableSnapshot(api);
    const body = { ...scene.hidden.plan, meta: undefined, status: 'revoked' };
    const res = await exchange(`${api.base}/CarePlan?${byPlanIdentifier(scene.hidden.identifier)}`, { method: 'PUT', body, token: other });

    // The same answer as for an id the caller can see: the R5 rule never overwrites a non-match.
    expectRefused(res, 409, 'conflict');
    expectNothingOf(res, scene.secrets, { idNamedByCaller: true });
    expect(await tableSnapshot(api)).toEqual(before);
    const events = await expectAudit(api, res, { outcome: '4', secrets: scene.secrets });
    expect(eventAbout(events, scene.client).outcome).toBe('4');
    await expectHiddenPlanIntact();
  });

  it.each([
    ['by identifier', () => `CarePlan?${byPlanIdentifier(scene.hidden.identifier)}`],
    ['by _id', () => `CarePlan?_id=${scene.hidden.plan.id}`],
    ['of a Consent by client', () => `Consent?${byClient(scene.client)}`],
  ])('conditional delete %s deletes nothing (200) and reveals nothing', async (_name, path) => {
    const before = await tableSnapshot(api);
    const res = await exchange(`${api.base}/${path()}`, { method: 'DELETE', token: other });

    expect(res.status, res.text).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toMatch(/nothing was deleted/);
    expectNothingOf(res, scene.secrets);
    expect(await tableSnapshot(api)).toEqual(before);
    const [event, ...more] = await expectAudit(api, res, { outcome: '0', secrets: scene.secrets });
    expect(more).toEqual([]);
    expect(basesOf(event!)).toEqual([]);
    await expectHiddenPlanIntact();
  });
});

describe('no match for the caller: its own resource is created', () => {
  it.each([
    ['create with If-None-Exist by the hidden identifier, body without it', 'POST', () => 'CarePlan', () => ({ 'if-none-exist': byPlanIdentifier(scene.hidden.identifier) })],
    ['create with If-None-Exist by the hidden id', 'POST', () => 'CarePlan', () => ({ 'if-none-exist': `_id=${scene.hidden.plan.id}` })],
    ['conditional update by the hidden identifier, body without it', 'PUT', () => `CarePlan?${byPlanIdentifier(scene.hidden.identifier)}`, () => ({})],
  ])('%s: 201, a new resource whose custodian is the caller', async (_name, method, path, headers) => {
    const res = await exchange(`${api.base}/${path()}`, { method, body: ownPlan(), headers: headers(), token: other });

    expect(res.status, res.text).toBe(201);
    expect(res.body.id).not.toBe(scene.hidden.plan.id);
    expect(custodianOf(res.body)).toBe(OTHER_ORG);
    expectNothingOf(res, scene.secrets);
    const [event] = await expectAudit(api, res, { outcome: '0', secrets: scene.secrets });
    expect(basesOf(event!)).toEqual(['creator']);
    await expectHiddenPlanIntact();
  });
});
