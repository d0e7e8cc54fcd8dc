import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careTeamFixture, consentFixture, goalFixture } from '../../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { HETU, create, matchIds, planFor, sorted, tag, testHetu, unique } from './helpers.js';

const SNOMED = 'http://snomed.info/sct';
const LOCAL = 'https://example.fi/fhir/CodeSystem/plan-category';
const PLAN_ID = 'https://example.fi/fhir/NamingSystem/plan-id';

let api: TestApi;
/** One patient's plans: A snomed+active, B local (two codings)+draft, C system-less code+completed, D no category+active. */
const patient = unique('pat');
const scope = tag(unique('tok'));
const ids: Record<'a' | 'b' | 'c' | 'd', string> = { a: '', b: '', c: '', d: '' };
const identifierValue = unique('plan');

beforeAll(async () => {
  api = await startTestApi();
  const meta = { tag: [scope] };
  ids.a = (await create(api, planFor(patient, { meta, status: 'active', identifier: [{ system: PLAN_ID, value: identifierValue }], category: [{ coding: [{ system: SNOMED, code: '734163000' }] }] }))).id;
  ids.b = (await create(api, planFor(patient, { meta, status: 'draft', category: [{ coding: [{ system: LOCAL, code: '734163000' }, { system: LOCAL, code: 'home-care' }] }] }))).id;
  ids.c = (await create(api, planFor(patient, { meta, status: 'completed', category: [{ coding: [{ code: '734163000' }] }] }))).id;
  const d = planFor(patient, { meta, status: 'active' });
  delete d.category;
  ids.d = (await create(api, d)).id;
  // Another patient's plan with the same codes must never leak into the patient-scoped searches.
  await create(api, planFor(unique('other'), { status: 'active' }));
});
afterAll(async () => api.close());

const within = (query: string): string => `CarePlan?patient=${patient}&${query}`;
const expected = (...keys: (keyof typeof ids)[]): string[] => sorted(keys.map((key) => ids[key]));

describe('token search', () => {
  it('matches a code in any system', async () => {
    expect(await matchIds(api, within('category=734163000'))).toEqual(expected('a', 'b', 'c'));
  });

  it('matches system|code only in that system', async () => {
    expect(await matchIds(api, within(`category=${SNOMED}|734163000`))).toEqual(expected('a'));
    expect(await matchIds(api, within(`category=${LOCAL}|734163000`))).toEqual(expected('b'));
  });

  it('matches |code only where the coding has no system', async () => {
    expect(await matchIds(api, within('category=|734163000'))).toEqual(expected('c'));
  });

  it('matches system| with any code of that system', async () => {
    expect(await matchIds(api, within(`category=${LOCAL}|`))).toEqual(expected('b'));
  });

  it(':not matches resources without a matching value, including those without the element', async () => {
    expect(await matchIds(api, within(`category:not=${SNOMED}|734163000`))).toEqual(expected('b', 'c', 'd'));
    expect(await matchIds(api, within('status:not=active'))).toEqual(expected('b', 'c'));
    expect(await matchIds(api, within('status:not=active,draft'))).toEqual(expected('c'));
  });

  it(':missing=true finds resources without the element and :missing=false those with it', async () => {
    expect(await matchIds(api, within('category:missing=true'))).toEqual(expected('d'));
    expect(await matchIds(api, within('category:missing=false'))).toEqual(expected('a', 'b', 'c'));
  });

  it('applies the same token semantics when the type partition is walked (no anchor)', async () => {
    const byTag = `CarePlan?_tag=${scope.system}|${scope.code}`;
    expect(await matchIds(api, `${byTag}&category:missing=true`)).toEqual(expected('d'));
    expect(await matchIds(api, `${byTag}&category=|734163000`)).toEqual(expected('c'));
    expect(await matchIds(api, `${byTag}&status=active`)).toEqual(expected('a', 'd'));
  });

  it('ORs comma-separated values and ANDs repeated parameters', async () => {
    expect(await matchIds(api, within('status=active,draft'))).toEqual(expected('a', 'b', 'd'));
    expect(await matchIds(api, within('status=active&status=draft'))).toEqual([]);
    expect(await matchIds(api, within(`category=${LOCAL}|734163000&category=${LOCAL}|home-care`))).toEqual(expected('b'));
    expect(await matchIds(api, within(`category=${SNOMED}|734163000&category=${LOCAL}|home-care`))).toEqual([]);
    expect(await matchIds(api, within(`category=${SNOMED}|734163000,${LOCAL}|home-care&status=draft`))).toEqual(expected('b'));
  });

  it('finds status within a patient', async () => {
    expect(await matchIds(api, within('status=active'))).toEqual(expected('a', 'd'));
    expect(await matchIds(api, within('status=completed'))).toEqual(expected('c'));
    expect(await matchIds(api, within('status=revoked'))).toEqual([]);
  });
});

describe('identifier search', () => {
  it('finds by system|value and by value without a system', async () => {
    expect(await matchIds(api, `CarePlan?identifier=${PLAN_ID}|${identifierValue}`)).toEqual(expected('a'));
    expect(await matchIds(api, `CarePlan?identifier=${identifierValue}`)).toEqual(expected('a'));
  });

  it('does not match the value under another system or with |value', async () => {
    expect(await matchIds(api, `CarePlan?identifier=https://example.fi/other|${identifierValue}`)).toEqual([]);
    expect(await matchIds(api, `CarePlan?identifier=|${identifierValue}`)).toEqual([]);
  });
});

describe('reference search on the subject', () => {
  const all = (): string[] => expected('a', 'b', 'c', 'd');

  it('patient accepts Type/id, a bare id and an absolute URL', async () => {
    expect(await matchIds(api, `CarePlan?patient=${patient}`)).toEqual(all());
    expect(await matchIds(api, `CarePlan?patient=Patient/${patient}`)).toEqual(all());
    expect(await matchIds(api, `CarePlan?patient=${encodeURIComponent(`${api.base}/Patient/${patient}`)}`)).toEqual(all());
  });

  it('subject accepts Type/id, a bare id and an absolute URL', async () => {
    expect(await matchIds(api, `CarePlan?subject=Patient/${patient}`)).toEqual(all());
    expect(await matchIds(api, `CarePlan?subject=${patient}`)).toEqual(all());
    expect(await matchIds(api, `CarePlan?subject=${encodeURIComponent(`${api.base}/Patient/${patient}`)}`)).toEqual(all());
  });

  it('does not match another type with the same id', async () => {
    expect(await matchIds(api, `CarePlan?subject=Group/${patient}`)).toEqual([]);
  });

  it('ORs patients given comma-separated', async () => {
    const other = unique('pat');
    const plan = await create(api, planFor(other));
    expect(await matchIds(api, `CarePlan?patient=${patient},Patient/${other}`)).toEqual(sorted([...all(), plan.id]));
  });

  it(':identifier finds a plan whose subject is only a personal identity code', async () => {
    const hetu = testHetu('020516', 'C', 903);
    const decoy = testHetu('311080', '-', 999);
    const plan = await create(api, planFor('x', { subject: { identifier: { system: HETU, value: hetu } } }));
    await create(api, planFor('x', { subject: { identifier: { system: HETU, value: decoy } } }));
    expect(await matchIds(api, `CarePlan?subject:identifier=${HETU}|${hetu}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?patient:identifier=${HETU}|${hetu}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?patient:identifier=${HETU}|${hetu}&status=active`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?patient:identifier=https://example.fi/other|${hetu}`)).toEqual([]);
    expect(await matchIds(api, `CarePlan?subject:identifier=${hetu}`)).toEqual([plan.id]);
  });

  it('subject:identifier finds a subject identified in another system', async () => {
    const system = 'https://example.fi/fhir/NamingSystem/client-number';
    const value = unique('client');
    const plan = await create(api, planFor('x', { subject: { identifier: { system, value } } }));
    expect(await matchIds(api, `CarePlan?subject:identifier=${system}|${value}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?subject:identifier=${HETU}|${value}`)).toEqual([]);
  });

  it('subject:Patient narrows a bare id to Patient', async () => {
    expect(await matchIds(api, `CarePlan?subject:Patient=${patient}`)).toEqual(all());
    expect(await matchIds(api, `CarePlan?subject:Group=${patient}`)).toEqual([]);
  });

  it('finds Goals, CareTeams and Consents by patient', async () => {
    const who = unique('pat');
    const subject = { reference: `Patient/${who}` };
    const goal = await create(api, { ...goalFixture(), subject });
    const team = await create(api, { ...careTeamFixture(), subject });
    const consent = await create(api, { ...consentFixture(), patient: subject });
    expect(await matchIds(api, `Goal?patient=${who}`)).toEqual([goal.id]);
    expect(await matchIds(api, `CareTeam?patient=Patient/${who}`)).toEqual([team.id]);
    expect(await matchIds(api, `Consent?patient=${who}`)).toEqual([consent.id]);
  });
});

describe('reference search on anchored parameters', () => {
  it('care-team and goal find the plan by Type/id and by bare id', async () => {
    const team = await create(api, careTeamFixture());
    const goal = await create(api, goalFixture());
    const plan = await create(api, planFor(unique('pat'), { careTeam: [{ reference: `CareTeam/${team.id}` }], goal: [{ reference: `Goal/${goal.id}` }] }));
    await create(api, planFor(unique('pat'), { careTeam: [{ reference: `CareTeam/${unique('team')}` }] }));
    expect(await matchIds(api, `CarePlan?care-team=CareTeam/${team.id}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?care-team=${team.id}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?goal=Goal/${goal.id}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?goal=${encodeURIComponent(`${api.base}/Goal/${goal.id}`)}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?care-team=CareTeam/${team.id}&goal=Goal/${goal.id}`)).toEqual([plan.id]);
    expect(await matchIds(api, `CarePlan?care-team=CareTeam/${team.id}&goal=Goal/${unique('goal')}`)).toEqual([]);
  });

  it('care-team ORs comma-separated teams', async () => {
    const [t1, t2] = [unique('team'), unique('team')];
    const p1 = await create(api, planFor(unique('pat'), { careTeam: [{ reference: `CareTeam/${t1}` }] }));
    const p2 = await create(api, planFor(unique('pat'), { careTeam: [{ reference: `CareTeam/${t2}` }] }));
    expect(await matchIds(api, `CarePlan?care-team=CareTeam/${t1},CareTeam/${t2}`)).toEqual(sorted([p1.id, p2.id]));
  });

  it('participant finds the CareTeam of a practitioner', async () => {
    const practitioner = unique('prac');
    const fixture = careTeamFixture();
    fixture.participant![1]!.member = { reference: `Practitioner/${practitioner}` };
    const team = await create(api, fixture);
    await create(api, careTeamFixture());
    expect(await matchIds(api, `CareTeam?participant=Practitioner/${practitioner}`)).toEqual([team.id]);
    expect(await matchIds(api, `CareTeam?participant=Organization/${practitioner}`)).toEqual([]);
  });

  it('actor finds the Consent naming an organisation', async () => {
    const organisation = unique('org');
    const fixture = consentFixture();
    fixture.provision!.actor![0]!.reference = { reference: `Organization/${organisation}` };
    const consent = await create(api, fixture);
    await create(api, consentFixture());
    expect(await matchIds(api, `Consent?actor=Organization/${organisation}`)).toEqual([consent.id]);
    expect(await matchIds(api, `Consent?actor=${organisation}`)).toEqual([consent.id]);
  });
});

describe('reference parameters reject malformed values', () => {
  it('returns 400 for a reference to an unknown resource type', async () => {
    const res = await call(`${api.base}/CarePlan?patient=Nonsense/1`);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression).toEqual(['patient']);
  });
});
