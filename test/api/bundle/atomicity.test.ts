import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../../fixtures/shared-plan.js';
import {
  bundle,
  createResource,
  deleteEntry,
  type Entry,
  expectNamesEntry,
  expectOutcome,
  expectWritten,
  feedHead,
  goalsWithIdentifier,
  goalWith,
  newUrn,
  newValue,
  postBundle,
  postEntry,
  putEntry,
  tableSnapshot,
} from './helpers.js';

let api: TestApi;
/** Fault injection: runs once just before the next TransactWriteItems is sent. */
let beforeNextCommit: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // No commit gate: an injected write stands for another process (Lambda instance), which would
  // otherwise queue behind the very commit it interrupts and never run.
  api = await startTestApi({}, { serialiseCommits: false });
  api.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' && beforeNextCommit) {
        const inject = beforeNextCommit;
        beforeNextCommit = undefined;
        await inject();
      }
      return next(args);
    },
    { step: 'initialize', name: 'beforeNextCommit' },
  );
});
afterAll(async () => api.close());

const transactWrites = (): number => api.commands().filter((name) => name === 'TransactWriteItemsCommand').length;

function throttling(): Error {
  const error = new Error('Rate of requests exceeds the allowed throughput');
  error.name = 'ProvisionedThroughputExceededException';
  return error;
}

/** A shared plan of `goals` goals: CarePlan (entry 0), CareTeam, Consent, then the goals. */
function sharedPlan(goals: readonly { resourceType: string }[]): Entry[] {
  const [planUrn, teamUrn, consentUrn] = [newUrn(), newUrn(), newUrn()];
  const goalUrns = goals.map(() => newUrn());
  const plan = { ...carePlanFixture(), careTeam: [{ reference: teamUrn }], goal: goalUrns.map((reference) => ({ reference })) };
  const consent = consentFixture();
  consent.provision!.data = [{ meaning: 'related', reference: { reference: planUrn } }];
  return [
    postEntry(planUrn, plan),
    postEntry(teamUrn, careTeamFixture()),
    postEntry(consentUrn, consent),
    ...goals.map((goal, i) => postEntry(goalUrns[i]!, goal)),
  ];
}

describe('transaction size', () => {
  it('commits a typical shared plan of 25 resources in one TransactWriteItems', async () => {
    const entries = sharedPlan(Array.from({ length: 22 }, () => goalFixture()));
    expect(entries).toHaveLength(25);
    api.resetCommands();
    const res = await postBundle(api, bundle('transaction', entries));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(transactWrites()).toBe(1);
    const ids = (res.body.entry as any[]).map((entry, i) => expectWritten(api, entry, '201 Created', entries[i]!.resource!.resourceType));
    const found = await call(`${api.base}/CarePlan?goal=Goal/${ids[24]}`);
    expect(found.body.entry.map((e: any) => e.resource.id)).toEqual([ids[0]]);
  });

  it('rejects up front, stating the limit, a bundle too large for one DynamoDB transaction', async () => {
    const participant = (team: number, member: number) => ({ member: { reference: `Practitioner/ammattilainen-${team}-${member}` } });
    const teams = Array.from({ length: 60 }, (_, team) => ({
      ...careTeamFixture(),
      participant: Array.from({ length: 6 }, (_, member) => participant(team, member)),
    }));
    const before = await tableSnapshot(api);
    api.resetCommands();
    const res = await postBundle(api, bundle('transaction', teams.map((team) => postEntry(newUrn(), team))));
    const outcome = expectOutcome(res, [400, 413]);
    const diagnostics = (outcome.issue as any[]).map((issue) => issue.diagnostics ?? '').join(' ');
    expect(diagnostics).toMatch(/\d/);
    expect(diagnostics).toMatch(/limit|at most|maximum|exceed|too (large|many)/i);
    expect(transactWrites()).toBe(0);
    expect(await tableSnapshot(api)).toEqual(before);
  });
});

describe('a failure in the middle of a transaction leaves nothing behind', () => {
  it('refuses (409) 12 entries whose 7th takes a used identifier; the table is unchanged', async () => {
    const taken = newValue();
    await createResource(api, goalWith(taken));
    const toDelete = await createResource(api, goalFixture());
    const toUpdate = await createResource(api, carePlanFixture());
    const values = Array.from({ length: 7 }, newValue);
    const entries = sharedPlan([...values.slice(0, 3).map((v) => goalWith(v)), goalWith(values[3]!, taken), ...values.slice(4).map((v) => goalWith(v))]);
    entries.push(deleteEntry(`Goal/${toDelete.id}`), putEntry(api.base, `CarePlan/${toUpdate.id}`, { ...toUpdate, status: 'on-hold' }));
    expect(entries).toHaveLength(12);
    const before = await tableSnapshot(api);
    const feed = await feedHead(api);

    const res = await postBundle(api, bundle('transaction', entries));
    const outcome = expectOutcome(res, [409]);
    expectNamesEntry(outcome, 6, entries[6]!.fullUrl);
    expect(await tableSnapshot(api)).toEqual(before);
    expect(await feedHead(api)).toEqual(feed);
    for (const value of values) expect(await goalsWithIdentifier(api, value)).toBe(0);
    expect((await call(`${api.base}/Goal/${toDelete.id}`)).status).toBe(200);
    expect((await call(`${api.base}/CarePlan/${toUpdate.id}`)).body.meta.versionId).toBe('1');
  });

  it('refuses (409) when the identifier is taken between planning and commit; nothing of the transaction is written', async () => {
    const contested = newValue();
    const values = Array.from({ length: 8 }, newValue);
    const entries = sharedPlan([...values.slice(0, 3).map((v) => goalWith(v)), goalWith(values[3]!, contested), ...values.slice(4).map((v) => goalWith(v))]);
    let afterInjection: string[] = [];
    beforeNextCommit = async () => {
      expect((await call(`${api.base}/Goal`, { method: 'POST', body: goalWith(contested) })).status).toBe(201);
      afterInjection = await tableSnapshot(api);
    };
    const res = await postBundle(api, bundle('transaction', entries));
    expect(beforeNextCommit).toBeUndefined();
    const outcome = expectOutcome(res, [409]);
    expectNamesEntry(outcome, 6, entries[6]!.fullUrl);
    expect(await tableSnapshot(api)).toEqual(afterInjection);
    for (const value of values) expect(await goalsWithIdentifier(api, value)).toBe(0);
  });

  it('answers a throttled commit with 503 and Retry-After, writing nothing', async () => {
    const value = newValue();
    const before = await tableSnapshot(api);
    beforeNextCommit = async () => {
      throw throttling();
    };
    const res = await postBundle(api, bundle('transaction', sharedPlan([goalWith(value)])));
    expectOutcome(res, [503]);
    expect(res.headers.get('retry-after')).not.toBeNull();
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('refuses an invalid resource in the middle (400/422 naming the entry), writing nothing', async () => {
    const values = Array.from({ length: 4 }, newValue);
    const { lifecycleStatus: _missing, ...invalid } = goalWith(values[1]!);
    const entries = sharedPlan([goalWith(values[0]!), invalid, goalWith(values[2]!), goalWith(values[3]!)]);
    const before = await tableSnapshot(api);
    const res = await postBundle(api, bundle('transaction', entries));
    const outcome = expectOutcome(res, [400, 422]);
    expectNamesEntry(outcome, 4, entries[4]!.fullUrl);
    expect(await tableSnapshot(api)).toEqual(before);
  });
});

describe('concurrent transactions', () => {
  it('lets exactly one of two transactions updating the same CarePlan with If-Match W/"1" commit', async () => {
    for (let round = 0; round < 3; round++) {
      const plan = await createResource(api, carePlanFixture());
      const values = [newValue(), newValue()];
      const results = await Promise.all(
        values.map((value) =>
          postBundle(
            api,
            bundle('transaction', [
              postEntry(newUrn(), goalWith(value)),
              putEntry(api.base, `CarePlan/${plan.id}`, { ...plan, title: `Versio ${value}` }, { ifMatch: 'W/"1"' }),
            ]),
          ),
        ),
      );
      const winner = results.findIndex((r) => r.status === 200);
      expect(winner, JSON.stringify(results.map((r) => r.body))).toBeGreaterThanOrEqual(0);
      const loser = 1 - winner;
      expectOutcome(results[loser]!, [409, 412]);
      expect(await goalsWithIdentifier(api, values[winner]!)).toBe(1);
      expect(await goalsWithIdentifier(api, values[loser]!)).toBe(0);
      const stored = await call(`${api.base}/CarePlan/${plan.id}`);
      expect(stored.body.title).toBe(`Versio ${values[winner]}`);
      expect((await call(`${api.base}/CarePlan/${plan.id}/_history`)).body.total).toBe(2);
    }
  });
});
