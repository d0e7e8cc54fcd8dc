import type { CarePlan } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../../fixtures/shared-plan.js';
import {
  bundle,
  byIdentifier,
  createResource,
  deleteEntry,
  expectNamesEntry,
  expectOutcome,
  expectWritten,
  feedHead,
  getEntry,
  goalsWithIdentifier,
  goalWith,
  GOAL_ID_SYSTEM,
  newUrn,
  newValue,
  patchEntry,
  postBundle,
  postEntry,
  putEntry,
  tableSnapshot,
} from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

const read = async (path: string): Promise<any> => {
  const res = await call(`${api.base}/${path}`);
  expect(res.status).toBe(200);
  return res.body;
};

describe('transaction: a whole shared plan in one request', () => {
  it('creates every resource in one TransactWriteItems and rewrites urn:uuid references everywhere', async () => {
    const [planUrn, teamUrn, subTeamUrn, consentUrn, goal1Urn, goal2Urn] = [newUrn(), newUrn(), newUrn(), newUrn(), newUrn(), newUrn()];
    const plan = carePlanFixture();
    plan.careTeam = [{ reference: teamUrn }];
    plan.goal = [{ reference: goal1Urn }, { reference: goal2Urn }];
    plan.activity![0]!.detail!.goal = [{ reference: goal1Urn }];
    plan.extension = [...plan.extension!, { url: 'https://example.fi/fhir/StructureDefinition/plan-consent', valueReference: { reference: consentUrn } }];
    const earlier: CarePlan = { resourceType: 'CarePlan', id: 'aiempi', status: 'completed', intent: 'plan', subject: plan.subject!, goal: [{ reference: goal2Urn }] };
    plan.contained = [earlier];
    plan.basedOn = [{ reference: '#aiempi' }];
    const team = careTeamFixture();
    team.participant = [...team.participant!, { member: { reference: subTeamUrn, display: 'Kotihoidon tiimi' } }];
    const { participant: _members, ...subTeam } = { ...careTeamFixture(), name: 'Kotihoidon tiimi' };
    const consent = consentFixture();
    consent.provision!.data = [{ meaning: 'related', reference: { reference: planUrn } }];
    const goal2 = { ...goalFixture(), extension: [{ url: 'https://example.fi/fhir/StructureDefinition/goal-plan', valueReference: { reference: planUrn } }] };

    const entries = [
      postEntry(planUrn, plan),
      postEntry(teamUrn, team),
      postEntry(subTeamUrn, subTeam),
      postEntry(consentUrn, consent),
      postEntry(goal1Urn, goalFixture()),
      postEntry(goal2Urn, goal2),
    ];
    api.resetCommands();
    const res = await postBundle(api, bundle('transaction', entries));
    const commands = api.commands();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.resourceType).toBe('Bundle');
    expect(res.body.type).toBe('transaction-response');
    expect(commands.filter((name) => name === 'TransactWriteItemsCommand')).toHaveLength(1);
    expect(res.body.entry).toHaveLength(entries.length);
    const types = ['CarePlan', 'CareTeam', 'CareTeam', 'Consent', 'Goal', 'Goal'];
    const [planId, teamId, subTeamId, consentId, goal1Id, goal2Id] = types.map((type, i) => expectWritten(api, res.body.entry[i], '201 Created', type));
    expect(new Set([planId, teamId, subTeamId, consentId, goal1Id, goal2Id]).size).toBe(6);

    const storedPlan = await read(`CarePlan/${planId}`);
    expect(storedPlan.careTeam).toEqual([{ reference: `CareTeam/${teamId}` }]);
    expect(storedPlan.goal).toEqual([{ reference: `Goal/${goal1Id}` }, { reference: `Goal/${goal2Id}` }]);
    expect(storedPlan.activity[0].detail.goal).toEqual([{ reference: `Goal/${goal1Id}` }]);
    expect(storedPlan.extension[1].valueReference).toEqual({ reference: `Consent/${consentId}` });
    expect(storedPlan.contained[0].goal).toEqual([{ reference: `Goal/${goal2Id}` }]);
    expect(storedPlan.basedOn).toEqual([{ reference: '#aiempi' }]);
    expect((await read(`CareTeam/${teamId}`)).participant[4].member.reference).toBe(`CareTeam/${subTeamId}`);
    expect((await read(`Consent/${consentId}`)).provision.data[0].reference).toEqual({ reference: `CarePlan/${planId}` });
    expect((await read(`Goal/${goal2Id}`)).extension[0].valueReference).toEqual({ reference: `CarePlan/${planId}` });
    for (const path of [`CarePlan/${planId}`, `CareTeam/${teamId}`, `Consent/${consentId}`, `Goal/${goal2Id}`]) {
      expect(JSON.stringify(await read(path))).not.toContain('urn:uuid');
    }
    // The search index was built from the rewritten references.
    expect((await call(`${api.base}/CarePlan?goal=Goal/${goal1Id}`)).body.total).toBe(1);
    expect((await call(`${api.base}/CareTeam?participant=CareTeam/${subTeamId}`)).body.entry[0].resource.id).toBe(teamId);
  });

  it('answers in request order while processing DELETE, POST, PUT/PATCH, then GET', async () => {
    const toDelete = await createResource(api, goalFixture());
    const toPut = await createResource(api, goalFixture());
    const toPatch = await createResource(api, goalFixture());
    const value = newValue();
    const goalUrn = newUrn();
    const entries = [
      getEntry(`Goal?${byIdentifier(value)}`),
      patchEntry(`Goal/${toPatch.id}`, [{ op: 'replace', path: '/lifecycleStatus', value: 'on-hold' }]),
      putEntry(api.base, `Goal/${toPut.id}`, { ...toPut, lifecycleStatus: 'completed' }),
      postEntry(goalUrn, goalWith(value)),
      deleteEntry(`Goal/${toDelete.id}`),
    ];
    api.resetCommands();
    const res = await postBundle(api, bundle('transaction', entries));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(api.commands().filter((name) => name === 'TransactWriteItemsCommand')).toHaveLength(1);
    const [search, patched, put, posted, deleted] = res.body.entry;
    // The GET ran after the POST, so the search sees the goal created in this transaction.
    expect(search.response.status).toMatch(/^200/);
    expect(search.resource.type).toBe('searchset');
    const newId = expectWritten(api, posted, '201 Created', 'Goal');
    expect(search.resource.entry.map((e: any) => e.resource.id)).toEqual([newId]);
    expect(expectWritten(api, patched, '200 OK', 'Goal', '2')).toBe(toPatch.id);
    expect(expectWritten(api, put, '200 OK', 'Goal', '2')).toBe(toPut.id);
    expect(deleted.response.status).toMatch(/^(200|204)/);

    expect((await read(`Goal/${toPatch.id}`)).lifecycleStatus).toBe('on-hold');
    expect((await read(`Goal/${toPut.id}`)).lifecycleStatus).toBe('completed');
    expect((await call(`${api.base}/Goal/${toDelete.id}`)).status).toBe(410);
    expect((await read(`Goal/${newId}`)).identifier[0].value).toBe(value);
  });

  it('lets a GET entry read the version the same transaction wrote', async () => {
    const goal = await createResource(api, goalFixture());
    const res = await postBundle(
      api,
      bundle('transaction', [getEntry(`Goal/${goal.id}`), putEntry(api.base, `Goal/${goal.id}`, { ...goal, lifecycleStatus: 'accepted' })]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.entry[0].response.status).toMatch(/^200/);
    expect(res.body.entry[0].resource.lifecycleStatus).toBe('accepted');
    expect(res.body.entry[0].resource.meta.versionId).toBe('2');
  });

  it('frees an identifier with a DELETE before a POST of the same transaction takes it', async () => {
    const value = newValue();
    const old = await createResource(api, goalWith(value));
    const res = await postBundle(api, bundle('transaction', [postEntry(newUrn(), goalWith(value)), deleteEntry(`Goal/${old.id}`)]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const newId = expectWritten(api, res.body.entry[0], '201 Created', 'Goal');
    expect((await call(`${api.base}/Goal/${old.id}`)).status).toBe(410);
    expect((await call(`${api.base}/Goal?${byIdentifier(value)}`)).body.entry.map((e: any) => e.resource.id)).toEqual([newId]);
  });

  it('fails the whole transaction when a GET entry fails, committing none of its writes', async () => {
    const value = newValue();
    const before = await tableSnapshot(api);
    const res = await postBundle(api, bundle('transaction', [postEntry(newUrn(), goalWith(value)), getEntry('Goal/ei-ole-olemassa')]));
    expectNamesEntry(expectOutcome(res, [404]), 1);
    expect(await goalsWithIdentifier(api, value)).toBe(0);
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('judges a GET of a resource the transaction deletes on the state after its writes (410, nothing committed)', async () => {
    const goal = await createResource(api, goalFixture());
    const before = await tableSnapshot(api);
    const res = await postBundle(api, bundle('transaction', [getEntry(`Goal/${goal.id}`), deleteEntry(`Goal/${goal.id}`)]));
    expectNamesEntry(expectOutcome(res, [410]), 0);
    expect(await tableSnapshot(api)).toEqual(before);
    expect((await read(`Goal/${goal.id}`)).meta.versionId).toBe('1');
  });

  it('lets a GET entry read a resource the same transaction creates with PUT', async () => {
    const chosenId = `tavoite-${newValue().slice(-12)}`;
    const res = await postBundle(api, bundle('transaction', [getEntry(`Goal/${chosenId}`), putEntry(api.base, `Goal/${chosenId}`, { ...goalFixture(), id: chosenId })]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.entry[0].response.status).toMatch(/^200/);
    expect(res.body.entry[0].resource.id).toBe(chosenId);
    expectWritten(api, res.body.entry[1], '201 Created', 'Goal');
  });

  it('rewrites (never stores) a urn:uuid reference carried by a PATCH entry', async () => {
    const plan = await createResource(api, carePlanFixture());
    const goalUrn = newUrn();
    const res = await postBundle(
      api,
      bundle('transaction', [postEntry(goalUrn, goalFixture()), patchEntry(`CarePlan/${plan.id}`, [{ op: 'add', path: '/goal/-', value: { reference: goalUrn } }])]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const goalId = expectWritten(api, res.body.entry[0], '201 Created', 'Goal');
    expect((await read(`CarePlan/${plan.id}`)).goal.at(-1)).toEqual({ reference: `Goal/${goalId}` });
  });

  it('creates with PUT to a new id (201) and accepts ifNoneMatch', async () => {
    const id = `tavoite-${newValue().slice(-12)}`;
    const res = await postBundle(api, bundle('transaction', [putEntry(api.base, `Goal/${id}`, { ...goalFixture(), id }, { ifNoneMatch: '*' })]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(expectWritten(api, res.body.entry[0], '201 Created', 'Goal')).toBe(id);
    expect((await read(`Goal/${id}`)).meta.versionId).toBe('1');
  });
});

describe('transaction: conditional references', () => {
  it('resolves Goal?identifier=… to the one matching goal', async () => {
    const value = newValue();
    const goal = await createResource(api, goalWith(value));
    const plan = { ...carePlanFixture(), goal: [{ reference: `Goal?identifier=${GOAL_ID_SYSTEM}|${value}` }] };
    const res = await postBundle(api, bundle('transaction', [postEntry(newUrn(), plan)]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const planId = expectWritten(api, res.body.entry[0], '201 Created', 'CarePlan');
    expect((await read(`CarePlan/${planId}`)).goal).toEqual([{ reference: `Goal/${goal.id}` }]);
  });

  it.each([
    ['several goals match', 2, [412]],
    ['no goal matches', 0, [404, 412]],
  ])('fails the whole transaction when %s', async (_label, matches, statuses) => {
    const value = newValue();
    for (let n = 0; n < matches; n++) await createResource(api, goalWith(`${value}-${n}`));
    const reference = matches > 1 ? `Goal?${byIdentifier(`${value}-0`)},${encodeURIComponent(`${GOAL_ID_SYSTEM}|${value}-1`)}` : `Goal?${byIdentifier(value)}`;
    const newGoal = newValue();
    const planUrn = newUrn();
    const before = await feedHead(api);
    const res = await postBundle(
      api,
      bundle('transaction', [postEntry(newUrn(), goalWith(newGoal)), postEntry(planUrn, { ...carePlanFixture(), goal: [{ reference }] })]),
    );
    const outcome = expectOutcome(res, statuses);
    expectNamesEntry(outcome, 1, planUrn);
    expect(await goalsWithIdentifier(api, newGoal)).toBe(0);
    expect(await feedHead(api)).toEqual(before);
  });
});

describe('transaction: conditional entries', () => {
  it('answers ifNoneExist with 200 pointing at the existing goal, writes nothing for it, and points references there', async () => {
    const value = newValue();
    const existing = await createResource(api, goalWith(value));
    const goalUrn = newUrn();
    const plan = { ...carePlanFixture(), goal: [{ reference: goalUrn }] };
    const res = await postBundle(
      api,
      bundle('transaction', [postEntry(goalUrn, goalWith(value), { ifNoneExist: byIdentifier(value) }), postEntry(newUrn(), plan)]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(expectWritten(api, res.body.entry[0], '200 OK', 'Goal')).toBe(existing.id);
    const planId = expectWritten(api, res.body.entry[1], '201 Created', 'CarePlan');
    expect((await read(`CarePlan/${planId}`)).goal).toEqual([{ reference: `Goal/${existing.id}` }]);
    expect((await read(`Goal/${existing.id}/_history`)).total).toBe(1);
    expect(await goalsWithIdentifier(api, value)).toBe(1);
  });

  it('fails the whole transaction with 412 when an ifMatch is stale, writing nothing', async () => {
    const plan = await createResource(api, carePlanFixture());
    const v2 = await call(`${api.base}/CarePlan/${plan.id}`, { method: 'PUT', body: { ...plan, title: 'Päivitetty suunnitelma' } });
    expect(v2.status).toBe(200);
    const value = newValue();
    const chosenId = `tavoite-${newValue().slice(-12)}`;
    const before = await feedHead(api);
    const stale = putEntry(api.base, `CarePlan/${plan.id}`, { ...v2.body, title: 'Vanhan version päälle' }, { ifMatch: 'W/"1"' });
    const res = await postBundle(
      api,
      bundle('transaction', [postEntry(newUrn(), goalWith(value)), putEntry(api.base, `Goal/${chosenId}`, { ...goalFixture(), id: chosenId }), stale]),
    );
    const outcome = expectOutcome(res, [412]);
    expectNamesEntry(outcome, 2, stale.fullUrl);
    expect(await goalsWithIdentifier(api, value)).toBe(0);
    expect((await call(`${api.base}/Goal/${chosenId}`)).status).toBe(404);
    expect((await call(`${api.base}/Goal/${chosenId}/_history/1`)).status).toBe(404);
    expect((await read(`CarePlan/${plan.id}`)).title).toBe('Päivitetty suunnitelma');
    expect(await feedHead(api)).toEqual(before);
  });

  it('fails the whole transaction with 412 when a DELETE entry ifMatch is stale, writing nothing', async () => {
    const goal = await createResource(api, goalFixture());
    expect((await call(`${api.base}/Goal/${goal.id}`, { method: 'PUT', body: { ...goal, lifecycleStatus: 'on-hold' } })).status).toBe(200);
    const value = newValue();
    const before = await tableSnapshot(api);
    const res = await postBundle(api, bundle('transaction', [postEntry(newUrn(), goalWith(value)), deleteEntry(`Goal/${goal.id}`, { ifMatch: 'W/"1"' })]));
    expectNamesEntry(expectOutcome(res, [412]), 1);
    expect(await tableSnapshot(api)).toEqual(before);
    const current = await postBundle(api, bundle('transaction', [deleteEntry(`Goal/${goal.id}`, { ifMatch: 'W/"2"' })]));
    expect(current.status, JSON.stringify(current.body)).toBe(200);
    expect((await call(`${api.base}/Goal/${goal.id}`)).status).toBe(410);
  });

  it('answers 409 for a conditional PUT entry that matches nothing but names the id of an existing resource, writing nothing', async () => {
    const other = await createResource(api, goalWith(newValue()));
    const value = newValue();
    const before = await tableSnapshot(api);
    const entry = putEntry(api.base, `Goal?${byIdentifier(value)}`, { ...goalWith(value), id: other.id });
    const res = await postBundle(api, bundle('transaction', [postEntry(newUrn(), goalWith(newValue())), entry]));
    const outcome = expectOutcome(res, [409]);
    expectNamesEntry(outcome, 1);
    expect(outcome.issue[0].code).toBe('conflict');
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('applies an update whose ifMatch is current', async () => {
    const goal = await createResource(api, goalFixture());
    const res = await postBundle(
      api,
      bundle('transaction', [
        patchEntry(`Goal/${goal.id}`, [{ op: 'add', path: '/priority', value: { text: 'korkea' } }], { ifMatch: 'W/"1"' }),
      ]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectWritten(api, res.body.entry[0], '200 OK', 'Goal', '2');
    expect((await read(`Goal/${goal.id}`)).priority).toEqual({ text: 'korkea' });
  });
});
