import type { CarePlan } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careTeamFixture } from '../../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG } from '../../support/tokens.js';
import { allPages, create, idsOf, matchIds, nextLink, planFor, search, searchUrl, sorted, unique } from './helpers.js';

const PLAN_ID = 'https://example.fi/fhir/NamingSystem/plan-id';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

/** A plan with its own patient, identifier and care team, so each search finds only it. */
async function createTracedPlan(): Promise<{ plan: CarePlan & { id: string }; patient: string; identifier: string; team: string }> {
  const patient = unique('pat');
  const identifier = unique('plan');
  const team = unique('team');
  const plan = await create(api, planFor(patient, { status: 'active', identifier: [{ system: PLAN_ID, value: identifier }], careTeam: [{ reference: `CareTeam/${team}` }] }));
  return { plan, patient, identifier, team };
}

describe('read-your-writes', () => {
  it('finds a created resource immediately by patient, identifier, care team, status and _id', async () => {
    const { plan, patient, identifier, team } = await createTracedPlan();
    expect(await matchIds(api, `CarePlan?patient=${patient}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?identifier=${PLAN_ID}|${identifier}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?care-team=CareTeam/${team}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?patient=${patient}&status=active`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?_id=${plan.id}`)).toEqual([plan.id]);
  });

  it('after an update that changes status, finds it only under the new status', async () => {
    const { plan, patient } = await createTracedPlan();
    const res = await call(`${api.base}/CarePlan/${plan.id}`, { method: 'PUT', body: { ...plan, status: 'completed' } });
    expect(res.status).toBe(200);
    expect(await matchIds(api, `CarePlan?patient=${patient}&status=active`)).toEqual([]);
    expect(await matchIds(api, `CarePlan?patient=${patient}&status=completed`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?_id=${plan.id}&status=active`)).toEqual([]);
  });

  it('after an update that changes identifier and care team, finds it only under the new ones', async () => {
    const { plan, identifier, team } = await createTracedPlan();
    const [newIdentifier, newTeam] = [unique('plan'), unique('team')];
    const changed = { ...plan, identifier: [{ system: PLAN_ID, value: newIdentifier }], careTeam: [{ reference: `CareTeam/${newTeam}` }] };
    expect((await call(`${api.base}/CarePlan/${plan.id}`, { method: 'PUT', body: changed })).status).toBe(200);
    expect(await matchIds(api, `CarePlan?identifier=${PLAN_ID}|${identifier}`)).toEqual([]);
    expect(await matchIds(api, `CarePlan?care-team=CareTeam/${team}`)).toEqual([]);
    expect(await matchIds(api, `CarePlan?identifier=${PLAN_ID}|${newIdentifier}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?care-team=CareTeam/${newTeam}`)).toEqual([plan.id]);
  });

  it('after a delete, no search finds it', async () => {
    const { plan, patient, identifier, team } = await createTracedPlan();
    expect((await call(`${api.base}/CarePlan/${plan.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    for (const query of [`patient=${patient}`, `identifier=${PLAN_ID}|${identifier}`, `identifier=${identifier}`, `care-team=CareTeam/${team}`, `_id=${plan.id}`]) {
      expect(await matchIds(api, `CarePlan?${query}`), query).toEqual([]);
    }
    expect((await search(api, `CarePlan?patient=${patient}&_summary=count`)).total).toBe(0);
  });
});

describe('DynamoDB commands per search', () => {
  it('search by patient is one Query per page, one BatchGetItem of its items (the index holds keys only) and the audit PutItem', async () => {
    const { patient } = await createTracedPlan();
    await create(api, planFor(patient, { status: 'draft' }));
    api.resetCommands();
    expect(await matchIds(api, `CarePlan?patient=${patient}&status=active`)).toHaveLength(1);
    expect(api.commands()).toEqual(['QueryCommand', 'BatchGetItemCommand', 'PutItemCommand']);
    for (let i = 0; i < 24; i++) await create(api, planFor(patient));
    api.resetCommands();
    const first = await search(api, `CarePlan?patient=${patient}&_count=20`);
    expect(idsOf(first)).toHaveLength(20);
    expect(api.commands()).toEqual(['QueryCommand', 'BatchGetItemCommand', 'PutItemCommand']);
    api.resetCommands();
    expect(idsOf(await searchUrl(nextLink(first)!))).toHaveLength(6);
    expect(api.commands()).toEqual(['QueryCommand', 'BatchGetItemCommand', 'PutItemCommand']);
  });

  it('search by identifier is one GetItem, one BatchGetItem and the audit PutItem', async () => {
    const { identifier } = await createTracedPlan();
    api.resetCommands();
    expect(await matchIds(api, `CarePlan?identifier=${PLAN_ID}|${identifier}`)).toHaveLength(1);
    expect(api.commands()).toEqual(['GetItemCommand', 'BatchGetItemCommand', 'PutItemCommand']);
  });

  it('search by _id is one BatchGetItem and the audit PutItem', async () => {
    const { plan } = await createTracedPlan();
    api.resetCommands();
    expect(await matchIds(api, `CarePlan?_id=${plan.id}`)).toEqual([plan.id]);
    expect(api.commands()).toEqual(['BatchGetItemCommand', 'PutItemCommand']);
  });

  it('search by care team is one Query, one BatchGetItem and the audit PutItem', async () => {
    const { team } = await createTracedPlan();
    api.resetCommands();
    expect(await matchIds(api, `CarePlan?care-team=CareTeam/${team}`)).toHaveLength(1);
    expect(api.commands()).toEqual(['QueryCommand', 'BatchGetItemCommand', 'PutItemCommand']);
  });

  it('never scans, whatever the search', async () => {
    const { patient } = await createTracedPlan();
    api.resetCommands();
    for (const query of [
      'CarePlan?status=active',
      'CarePlan?identifier=no-system',
      `CarePlan?subject=${patient}`,
      'CarePlan?date=ge2026&_sort=-date',
      'CarePlan?_lastUpdated=gt2020&_sort=_lastUpdated',
      'CarePlan?category:missing=true&_total=accurate',
      `CareTeam?_id=x&_revinclude=CarePlan:care-team&_revinclude=CarePlan:performer`,
      'Goal?_summary=count',
      'Consent?actor=Organization/x',
    ]) {
      await search(api, query);
    }
    expect(api.commands().length).toBeGreaterThan(0);
    expect(api.commands()).not.toContain('ScanCommand');
  });
});

describe('access decision (resources of another organisation, without consent, are hidden)', () => {
  let guarded: TestApi;
  let other: string;
  const patient = unique('pat');
  const visible: string[] = [];
  const hidden: string[] = [];
  const visibleTeam = unique('team');
  let hiddenTeam: string;

  beforeAll(async () => {
    guarded = await startTestApi();
    other = await mintToken({ org: OTHER_ORG });
    hiddenTeam = (await create(guarded, careTeamFixture(), other)).id;
    expect((await call(`${guarded.base}/CareTeam/${visibleTeam}`, { method: 'PUT', body: { ...careTeamFixture(), id: visibleTeam } })).status).toBe(201);
    for (let i = 0; i < 30; i++) {
      const isHidden = i % 2 === 1;
      const careTeam = [{ reference: `CareTeam/${isHidden ? visibleTeam : hiddenTeam}` }];
      const identifier = [{ system: PLAN_ID, value: `${patient}-${i}` }];
      const plan = await create(guarded, planFor(patient, { careTeam, identifier }), isHidden ? other : undefined);
      (isHidden ? hidden : visible).push(plan.id);
    }
  }, 60_000);
  afterAll(async () => guarded.close());

  it.each([
    ['by patient', `CarePlan?patient=${patient}&_count=5`],
    ['by patient, sorted', `CarePlan?patient=${patient}&_count=5&_sort=-_lastUpdated`],
    ['over the type', `CarePlan?_count=5`],
  ])('fills every page but the last with visible entries only (%s)', async (_label, query) => {
    const pages = await allPages(guarded, query);
    expect(pages.map((page) => idsOf(page).length)).toEqual([5, 5, 5]);
    expect(sorted(pages.flatMap((page) => idsOf(page)))).toEqual(sorted(visible));
    const uneven = await allPages(guarded, query.replace('_count=5', '_count=4'));
    expect(uneven.map((page) => idsOf(page).length)).toEqual([4, 4, 4, 3]);
  });

  it('counts only visible resources in totals', async () => {
    expect((await search(guarded, `CarePlan?patient=${patient}&_summary=count`)).total).toBe(15);
    expect((await search(guarded, `CarePlan?patient=${patient}&_total=accurate&_count=5`)).total).toBe(15);
    expect((await search(guarded, `CarePlan?_total=accurate&_count=1`)).total).toBe(15);
  });

  it('never finds a hidden resource by _id, identifier or care team', async () => {
    expect(await matchIds(guarded, `CarePlan?_id=${hidden.slice(0, 3).join(',')}`)).toEqual([]);
    expect(await matchIds(guarded, `CarePlan?identifier=${PLAN_ID}|${patient}-1`)).toEqual([]);
    expect(await matchIds(guarded, `CarePlan?identifier=${PLAN_ID}|${patient}-0`)).toEqual([visible[0]]);
    expect(await matchIds(guarded, `CarePlan?care-team=CareTeam/${visibleTeam}`)).toEqual([]);
    expect(await matchIds(guarded, `CareTeam?_id=${hiddenTeam}`)).toEqual([]);
  });

  it('_include and _revinclude never return a hidden resource', async () => {
    const included = await search(guarded, `CarePlan?patient=${patient}&_count=100&_include=CarePlan:care-team`);
    expect(idsOf(included, 'include')).toEqual([]);
    expect(sorted(idsOf(included))).toEqual(sorted(visible));
    const reverse = await search(guarded, `CareTeam?_id=${visibleTeam}&_revinclude=CarePlan:care-team`);
    expect(idsOf(reverse)).toEqual([visibleTeam]);
    expect(idsOf(reverse, 'include')).toEqual([]);
  });
});
