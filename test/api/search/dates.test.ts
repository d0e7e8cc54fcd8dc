import type { CarePlanActivity, Goal } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentFixture, goalFixture } from '../../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { create, idsOf, matchIds, planFor, search, sorted, tag, unique } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

/** Creates one resource per key and returns key → id. */
async function createAll<K extends string>(build: Record<K, () => Parameters<typeof create>[1]>): Promise<Record<K, string>> {
  const ids = {} as Record<K, string>;
  for (const key of Object.keys(build) as K[]) ids[key] = (await create(api, build[key]())).id;
  return ids;
}

const pick = <K extends string>(ids: Record<K, string>, ...keys: K[]): string[] => sorted(keys.map((key) => ids[key]));

describe('CarePlan date (period, open end allowed)', () => {
  const patient = unique('pat');
  const scope = tag(unique('dates'));
  let ids: Record<'closed' | 'open' | 'lastYear' | 'none', string>;
  beforeAll(async () => {
    const withPeriod = (period?: { start?: string; end?: string }) => () => {
      const plan = planFor(patient, { meta: { tag: [scope] } });
      delete plan.period;
      return period ? { ...plan, period } : plan;
    };
    ids = await createAll({
      closed: withPeriod({ start: '2026-03-10', end: '2026-03-20' }),
      open: withPeriod({ start: '2026-03-15T10:00:00Z' }),
      lastYear: withPeriod({ start: '2025-01-01', end: '2025-12-31' }),
      none: withPeriod(),
    });
  });
  const q = (value: string): string => `CarePlan?patient=${patient}&date=${encodeURIComponent(value)}`;

  it.each([
    ['2025', ['lastYear']],
    ['2026', ['closed']],
    ['2026-03', ['closed']],
    ['eq2026-03-15', []],
    ['ne2026-03', ['open', 'lastYear']],
    ['gt2026-03-20', ['open']],
    ['gt2026-03-19', ['closed', 'open']],
    ['lt2026-03-12', ['closed', 'lastYear']],
    ['ge2026-03', ['closed', 'open']],
    ['le2025-12-31', ['lastYear']],
    ['sa2026-03-12', ['open']],
    ['sa2025', ['closed', 'open']],
    ['eb2026-03-15', ['lastYear']],
    ['gt2026-03-15T10:00:00Z', ['closed', 'open']],
    ['gt2026-03-21T00:00:00Z', ['open']],
    ['sa2026-03-15T09:59:59Z', ['open']],
    ['sa2026-03-15T10:00:00Z', []],
  ] as const)('date=%s matches %j', async (value, keys) => {
    expect(await matchIds(api, q(value))).toEqual(pick(ids, ...keys));
  });

  it('ANDs two prefixes into a range', async () => {
    expect(await matchIds(api, `CarePlan?patient=${patient}&date=ge2026-03-12&date=le2026-03-14`)).toEqual(pick(ids, 'closed'));
    expect(await matchIds(api, `CarePlan?patient=${patient}&date=ge2026-01-01&date=le2026-12-31`)).toEqual(pick(ids, 'closed', 'open'));
  });

  it('_sort=date orders by start ascending and by end descending, resources without a date last', async () => {
    expect(idsOf(await search(api, `CarePlan?patient=${patient}&_sort=date`))).toEqual([ids.lastYear, ids.closed, ids.open, ids.none]);
    expect(idsOf(await search(api, `CarePlan?patient=${patient}&_sort=-date`))).toEqual([ids.open, ids.closed, ids.lastYear, ids.none]);
    expect(idsOf(await search(api, `CarePlan?_tag=${scope.system}|${scope.code}&_sort=date`))).toEqual([ids.lastYear, ids.closed, ids.open, ids.none]);
  });

  it('ap matches a period near the given date, relative to now', async () => {
    const day = (offsetDays: number): string => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
    const who = unique('pat');
    const near = await create(api, { ...planFor(who), period: { start: day(-2), end: day(2) } });
    const far = await create(api, { ...planFor(who), period: { start: day(730), end: day(760) } });
    expect(await matchIds(api, `CarePlan?patient=${who}&date=ap${day(0)}`)).toEqual([near.id]);
    expect(await matchIds(api, `CarePlan?patient=${who}&date=ap${day(740)}`)).toEqual([far.id]);
  });

  it('rejects a malformed date with 400', async () => {
    for (const value of ['2026-13', 'xx2026', '2026-02-30', '26-03-01']) {
      const res = await call(`${api.base}/CarePlan?date=${value}`);
      expect(res.status, value).toBe(400);
      expect(res.body.issue[0].expression).toEqual(['date']);
    }
  });
});

describe('CarePlan activity-date (Timing events, Timing bounds, Period)', () => {
  const patient = unique('pat');
  let ids: Record<'events' | 'bounds' | 'period' | 'text', string>;
  beforeAll(async () => {
    const textual: CarePlanActivity = { detail: { status: 'scheduled', scheduledString: 'läheisneuvonpito 1 kk kuluessa' } };
    const withActivity = (...activity: CarePlanActivity[]) => () => planFor(patient, { activity });
    ids = await createAll({
      events: withActivity({ detail: { status: 'scheduled', scheduledTiming: { event: ['2027-02-01T09:00:00Z', '2027-03-01T09:00:00Z'] } } }),
      bounds: withActivity({
        detail: { status: 'scheduled', scheduledTiming: { repeat: { boundsPeriod: { start: '2027-04-01', end: '2027-04-30' }, frequency: 1, period: 1, periodUnit: 'wk' } } },
      }),
      period: withActivity({ detail: { status: 'not-started', scheduledPeriod: { start: '2027-05-03', end: '2027-05-16' } } }, textual),
      text: withActivity(textual),
    });
  });

  it.each([
    ['2027', ['events', 'bounds', 'period']],
    ['2027-04', ['bounds']],
    ['2027-03-01', ['events']],
    ['2027-02-01T09:00:00Z', ['events']],
    ['2027-02-01T09:00:01Z', []],
    ['sa2027-03-31', ['bounds', 'period']],
    ['eb2027-04-01', ['events']],
    ['ge2027-05', ['period']],
    ['lt2027-04-15', ['events', 'bounds']],
  ] as const)('activity-date=%s matches %j', async (value, keys) => {
    expect(await matchIds(api, `CarePlan?patient=${patient}&activity-date=${value}`)).toEqual(pick(ids, ...keys));
  });

  it(':missing=true finds the plan whose activities are scheduled only as text', async () => {
    expect(await matchIds(api, `CarePlan?patient=${patient}&activity-date:missing=true`)).toEqual(pick(ids, 'text'));
  });
});

describe('Consent date (dateTime) and period (provision.period)', () => {
  const patient = unique('pat');
  let ids: Record<'k1' | 'k2', string>;
  beforeAll(async () => {
    const consent = (dateTime: string, period: { start: string; end?: string }) => () => {
      const fixture = consentFixture();
      return { ...fixture, patient: { reference: `Patient/${patient}` }, dateTime, provision: { ...fixture.provision, period } };
    };
    ids = await createAll({
      k1: consent('2026-11-12T09:15:00+02:00', { start: '2026-11-12', end: '2027-11-12' }),
      k2: consent('2026-12-01T08:00:00Z', { start: '2028-01-01' }),
    });
  });
  const q = (param: string, value: string): string => `Consent?patient=${patient}&${param}=${encodeURIComponent(value)}`;

  it.each([
    ['2026-11-12T07:15:00Z', ['k1']],
    ['2026-11-12T09:15:00+02:00', ['k1']],
    ['2026-11-12T07:15:01Z', []],
    ['2026-11-12T07:15', ['k1']],
    ['2026-11', ['k1']],
    ['2026', ['k1', 'k2']],
    ['gt2026-11-12T07:15:00Z', ['k2']],
    ['le2026-11-12T07:15:00Z', ['k1']],
    ['ne2026-11-12T07:15:00Z', ['k2']],
  ] as const)('date=%s matches %j', async (value, keys) => {
    expect(await matchIds(api, q('date', value))).toEqual(pick(ids, ...keys));
  });

  it.each([
    ['2027', []],
    ['gt2027-12-31', ['k2']],
    ['lt2026-12', ['k1']],
    ['eb2028', ['k1']],
    ['sa2027-11-12', ['k2']],
    ['ge2026-11-12', ['k1', 'k2']],
    ['le2027-11-12', ['k1']],
  ] as const)('period=%s matches %j', async (value, keys) => {
    expect(await matchIds(api, q('period', value))).toEqual(pick(ids, ...keys));
  });
});

describe('Goal start-date and target-date (dates)', () => {
  const patient = unique('pat');
  let ids: Record<'g1' | 'g2' | 'g3', string>;
  beforeAll(async () => {
    const goal = (changes: Partial<Goal>) => (): Goal => {
      const fixture: Goal = { ...goalFixture(), subject: { reference: `Patient/${patient}` } };
      delete fixture.startDate;
      return { ...fixture, ...changes };
    };
    ids = await createAll({
      g1: goal({ startDate: '2026-11-16', target: [{ dueDate: '2027-05-16' }] }),
      g2: goal({ startDate: '2027-01-01', target: [{ dueDate: '2027-12-31' }, { dueDate: '2028-06-30' }] }),
      g3: goal({ startCodeableConcept: { text: 'kotiutuksen jälkeen' }, target: [{ dueDuration: { value: 6, unit: 'mo', system: 'http://unitsofmeasure.org', code: 'mo' } }] }),
    });
  });

  it.each([
    ['target-date', '2027-05-16', ['g1']],
    ['target-date', '2028', ['g2']],
    ['target-date', 'ge2027-06', ['g2']],
    ['target-date', 'lt2027-06', ['g1']],
    ['target-date:missing', 'true', ['g3']],
    ['start-date', '2027-01', ['g2']],
    ['start-date', 'lt2027', ['g1']],
    ['start-date', 'eb2027-01-01', ['g1']],
    ['start-date', 'ne2026-11-16', ['g2']],
    ['start-date:missing', 'true', ['g3']],
  ] as const)('%s=%s matches %j', async (param, value, keys) => {
    expect(await matchIds(api, `Goal?patient=${patient}&${param}=${value}`)).toEqual(pick(ids, ...keys));
  });

  it('_sort=target-date orders by the earliest due date, -target-date by the latest', async () => {
    expect(idsOf(await search(api, `Goal?patient=${patient}&_sort=target-date`))).toEqual([ids.g1, ids.g2, ids.g3]);
    expect(idsOf(await search(api, `Goal?patient=${patient}&_sort=-target-date`))).toEqual([ids.g2, ids.g1, ids.g3]);
  });
});

describe('_lastUpdated', () => {
  const patient = unique('pat');
  const scope = tag(unique('updated'));
  const byTag = `Goal?_tag=${scope.system}|${scope.code}`;
  const updated: string[] = [];
  const ids: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const goal = await create(api, { ...goalFixture(), meta: { tag: [scope] }, subject: { reference: `Patient/${patient}` } });
      ids.push(goal.id);
      updated.push((goal as Goal).meta!.lastUpdated!);
    }
  });

  it('filters by instant ranges over the type and within a patient', async () => {
    const [x1, x2, x3] = updated as [string, string, string];
    for (const scopeQuery of [byTag, `Goal?patient=${patient}`]) {
      expect(await matchIds(api, `${scopeQuery}&_lastUpdated=ge${x2}`)).toEqual(sorted(ids.slice(1)));
      expect(await matchIds(api, `${scopeQuery}&_lastUpdated=lt${x2}`)).toEqual([ids[0]]);
      expect(await matchIds(api, `${scopeQuery}&_lastUpdated=le${x2}`)).toEqual(sorted(ids.slice(0, 2)));
      expect(await matchIds(api, `${scopeQuery}&_lastUpdated=eq${x2}`)).toEqual([ids[1]]);
      expect(await matchIds(api, `${scopeQuery}&_lastUpdated=gt${x1}&_lastUpdated=lt${x3}`)).toEqual([ids[1]]);
      expect(await matchIds(api, `${scopeQuery}&_lastUpdated=sa${x1}`)).toEqual(sorted(ids.slice(1)));
      expect(await matchIds(api, `${scopeQuery}&_lastUpdated=eb${x3}`)).toEqual(sorted(ids.slice(0, 2)));
      expect(await matchIds(api, `${scopeQuery}&_lastUpdated=lt2000`)).toEqual([]);
      expect(await matchIds(api, `${scopeQuery}&_lastUpdated=ge${x1.slice(0, 4)}`)).toEqual(sorted(ids));
    }
  });

  it('_sort=_lastUpdated is oldest first and -_lastUpdated newest first', async () => {
    for (const scopeQuery of [byTag, `Goal?patient=${patient}`]) {
      expect(idsOf(await search(api, `${scopeQuery}&_sort=_lastUpdated`))).toEqual(ids);
      expect(idsOf(await search(api, `${scopeQuery}&_sort=-_lastUpdated`))).toEqual([...ids].reverse());
    }
  });

  it('an update moves the resource to the end of _sort=_lastUpdated', async () => {
    const read = await call(`${api.base}/Goal/${ids[0]}`);
    const res = await call(`${api.base}/Goal/${ids[0]}`, { method: 'PUT', body: { ...read.body, lifecycleStatus: 'accepted' } });
    expect(res.status).toBe(200);
    expect(idsOf(await search(api, `${byTag}&_sort=_lastUpdated`))).toEqual([ids[1], ids[2], ids[0]]);
    expect(await matchIds(api, `${byTag}&_lastUpdated=gt${updated[2]}`)).toEqual([ids[0]]);
  });
});
