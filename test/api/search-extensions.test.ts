/**
 * The search parameters beyond R4 (issue 9): CarePlan `coordinator` and `participant`, found
 * through the plan's CareTeam at query time, and `next-review`, the plan's own review date — over
 * HTTP, with the guarantees of every search (access decision before paging and totals, scopes),
 * and their SearchParameter resources. Synthetic identities only.
 */
import type { Bundle, CarePlan, CareTeam, CareTeamParticipant, Consent, Reference } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_SYSTEMS, COORDINATOR_ROLE, EXTENSIONS, SEARCH_PARAMETERS } from '../../functions/api/profile/canonical.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { mintToken, OTHER_ORG } from '../support/tokens.js';
import { makeHetu } from '../search/independent/hetu.js';
import { allPages, create, idsOf, matchIds, search, tag, unique } from './search/helpers.js';

const HETU = 'urn:oid:1.2.246.21';
const SOTE = 'urn:oid:1.2.246.537.6.202.2008';
/** Terhikki (Valvira's register of professionals): a synthetic number. */
const TERHIKKI = 'urn:oid:1.2.246.537.26';

const LOCAL_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });
const today = LOCAL_DAY.format(new Date());
/** `today` plus `days` (a calendar day, YYYY-MM-DD). */
const day = (days: number): string => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

let individual = 900;
const newClient = (): string => makeHetu({ year: 1975, month: 3, day: 14 }, '-', individual++);
const clientRef = (hetu: string): Reference => ({ type: 'Patient', identifier: { system: HETU, value: hetu } });

const role = (code: string): CareTeamParticipant['role'] => [{ coding: [{ system: CODE_SYSTEMS.careTeamRole.url, code }] }];
const coordinator = (member: Reference, period: CareTeamParticipant['period'] = { start: day(-100) }): CareTeamParticipant => ({ role: role(COORDINATOR_ROLE), member, period });
const member = (reference: Reference, code = 'nurse'): CareTeamParticipant => ({ role: role(code), member: reference });

function team(client: string, participant: CareTeamParticipant[]): CareTeam {
  return { resourceType: 'CareTeam', status: 'active', subject: clientRef(client), participant };
}

function plan(client: string, teams: readonly string[], options: { review?: string; status?: CarePlan['status']; code?: string } = {}): CarePlan {
  return {
    resourceType: 'CarePlan',
    ...(options.review ? { extension: [{ url: EXTENSIONS.nextReview.url, valueDate: options.review }] } : {}),
    ...(options.code ? { meta: { tag: [tag(options.code)] } } : {}),
    status: options.status ?? 'active',
    intent: 'plan',
    subject: clientRef(client),
    ...(teams.length > 0 ? { careTeam: teams.map((id) => ({ reference: `CareTeam/${id}` })) } : {}),
  };
}

let api: TestApi;
let other: string;
/** The scene's tag: next-review searches are scoped to it. */
const scene = unique('review');
const anna: Reference = { reference: `Practitioner/${unique('anna')}`, identifier: { system: TERHIKKI, value: unique('anna-id') } };
const bert: Reference = { reference: `Practitioner/${unique('bert')}` };
const nina: Reference = { reference: `Practitioner/${unique('nina')}` };
const orgOid = '1.2.246.10.1234567.10.7';
const organisation: Reference = { type: 'Organization', identifier: { system: SOTE, value: orgOid } };

/** P1: Anna coordinates, Nina and an organisation are members; review overdue. */
let p1: string;
/** P2: Anna coordinates a team that is handed over to Bert; review in a month. */
let p2: string;
let teamB: CareTeam & { id: string };
/** P3: no care team, no review date. */
let p3: string;
/** P4: on hold; Anna coordinates; review on a fixed date. */
let p4: string;

beforeAll(async () => {
  api = await startTestApi();
  other = await mintToken({ org: OTHER_ORG });
  const [c1, c2, c3, c4] = [newClient(), newClient(), newClient(), newClient()];
  const teamA = await create(api, team(c1, [coordinator(anna), member(nina), member(organisation, 'network-member')]));
  teamB = await create(api, team(c2, [coordinator(anna), member(nina, 'social-worker')]));
  const teamD = await create(api, team(c4, [coordinator(anna)]));
  p1 = (await create(api, plan(c1, [teamA.id], { review: day(-1), code: scene }))).id;
  p2 = (await create(api, plan(c2, [teamB.id], { review: day(30), code: scene }))).id;
  p3 = (await create(api, plan(c3, [], { code: scene }))).id;
  p4 = (await create(api, plan(c4, [teamD.id], { review: '2031-05-15', status: 'on-hold', code: scene }))).id;
});
afterAll(async () => api.close());

const q = (value: string): string => encodeURIComponent(value);

describe('CarePlan?coordinator', () => {
  it('finds the plans whose care team has the member as its active coordinator', async () => {
    expect(await matchIds(api, `CarePlan?coordinator=${q(anna.reference!)}`)).toEqual([p1, p2, p4].sort());
  });

  it('does not find a plan by a member who is not its coordinator', async () => {
    const bundle = await search(api, `CarePlan?coordinator=${q(nina.reference!)}&_total=accurate`);
    expect(idsOf(bundle)).toEqual([]);
    expect(bundle.total).toBe(0);
  });

  it('finds nothing for a practitioner in no care team', async () => {
    expect(await matchIds(api, `CarePlan?coordinator=Practitioner/${unique('nobody')}`)).toEqual([]);
  });

  it('finds the coordinator by identifier (:identifier)', async () => {
    expect(await matchIds(api, `CarePlan?coordinator:identifier=${q(`${TERHIKKI}|${anna.identifier!.value!}`)}`)).toEqual([p1, p2, p4].sort());
  });

  it('finds the coordinator by a bare id of one of its target types (:Practitioner)', async () => {
    const id = anna.reference!.split('/')[1]!;
    expect(await matchIds(api, `CarePlan?coordinator:Practitioner=${id}`)).toEqual([p1, p2, p4].sort());
  });

  it('accepts every form of a reference value: bare id, absolute URL, own base URL, :identifier without a system', async () => {
    const id = anna.reference!.split('/')[1]!;
    expect(await matchIds(api, `CarePlan?coordinator=${id}`)).toEqual([p1, p2, p4].sort());
    expect(await matchIds(api, `CarePlan?coordinator=${q(`${api.base}/${anna.reference!}`)}`)).toEqual([p1, p2, p4].sort());
    expect(await matchIds(api, `CarePlan?coordinator=${q(`https://elsewhere.example/fhir/${anna.reference!}`)}`)).toEqual([]);
    expect(await matchIds(api, `CarePlan?participant:identifier=${q(anna.identifier!.value!)}`)).toEqual([p1, p2, p4].sort());
  });

  it('with :missing=true finds the plans without an active coordinator', async () => {
    const ids = await matchIds(api, `CarePlan?coordinator:missing=true&_tag=${q(`${tag(scene).system}|${scene}`)}`);
    expect(ids).toEqual([p3]);
  });

  it('combines with the plan\'s own parameters (status)', async () => {
    expect(await matchIds(api, `CarePlan?status=active&coordinator=${q(anna.reference!)}`)).toEqual([p1, p2].sort());
  });
});

describe('CarePlan?participant', () => {
  it('finds the plans whose care team has the member, whatever its role', async () => {
    expect(await matchIds(api, `CarePlan?participant=${q(nina.reference!)}`)).toEqual([p1, p2].sort());
    expect(await matchIds(api, `CarePlan?participant=${q(anna.reference!)}`)).toEqual([p1, p2, p4].sort());
  });

  it('finds an organisation member by its SOTE identifier', async () => {
    expect(await matchIds(api, `CarePlan?participant:identifier=${q(`${SOTE}|${orgOid}`)}`)).toEqual([p1]);
  });

  it('ORs comma-separated members and ANDs repeated parameters', async () => {
    expect(await matchIds(api, `CarePlan?participant=${q(`${nina.reference!},${anna.reference!}`)}`)).toEqual([p1, p2, p4].sort());
    expect(await matchIds(api, `CarePlan?participant=${q(nina.reference!)}&participant:identifier=${q(`${SOTE}|${orgOid}`)}`)).toEqual([p1]);
  });
});

describe('coordinator hand-over', () => {
  it('no longer finds the plan by the old coordinator once its period has ended, and finds it by the new one at once', async () => {
    const handedOver: CareTeam = {
      ...teamB,
      participant: [coordinator(anna, { start: day(-100), end: day(-1) }), coordinator(bert, { start: today }), member(nina, 'social-worker')],
    };
    const res = await call(`${api.base}/CareTeam/${teamB.id}`, { method: 'PUT', body: handedOver });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await matchIds(api, `CarePlan?coordinator=${q(anna.reference!)}`)).toEqual([p1, p4].sort());
    expect(await matchIds(api, `CarePlan?coordinator=${q(bert.reference!)}`)).toEqual([p2]);
    // Still a member of the team.
    expect(await matchIds(api, `CarePlan?participant=${q(anna.reference!)}`)).toEqual([p1, p2, p4].sort());
  });

  it('does not find a coordinator whose period has not started', async () => {
    const later: Reference = { reference: `Practitioner/${unique('later')}` };
    const client = newClient();
    const t = await create(api, team(client, [coordinator(later, { start: day(7) })]));
    await create(api, plan(client, [t.id]));
    expect(await matchIds(api, `CarePlan?coordinator=${q(later.reference!)}`)).toEqual([]);
    expect((await matchIds(api, `CarePlan?participant=${q(later.reference!)}`)).length).toBe(1);
  });
});

describe('CarePlan?next-review', () => {
  const inScene = `_tag=${q(`${tag(scene).system}|${scene}`)}`;

  it('lt<today> finds the overdue reviews', async () => {
    expect(await matchIds(api, `CarePlan?next-review=lt${today}&${inScene}`)).toEqual([p1]);
  });

  it('eq finds a review on that day', async () => {
    expect(await matchIds(api, `CarePlan?next-review=2031-05-15&${inScene}`)).toEqual([p4]);
    expect(await matchIds(api, `CarePlan?next-review=eq2031-05&${inScene}`)).toEqual([p4]);
  });

  it('ge and le bound the review date', async () => {
    expect(await matchIds(api, `CarePlan?next-review=ge${today}&${inScene}`)).toEqual([p2, p4].sort());
    expect(await matchIds(api, `CarePlan?next-review=le${day(30)}&${inScene}`)).toEqual([p1, p2].sort());
    expect(await matchIds(api, `CarePlan?next-review=ge${today}&next-review=le${day(30)}&${inScene}`)).toEqual([p2]);
  });

  it(':missing=true finds the plans without a review date', async () => {
    expect(await matchIds(api, `CarePlan?next-review:missing=true&${inScene}`)).toEqual([p3]);
    expect(await matchIds(api, `CarePlan?next-review:missing=false&${inScene}`)).toEqual([p1, p2, p4].sort());
  });

  it('sorts by the review date', async () => {
    const bundle = await search(api, `CarePlan?next-review:missing=false&${inScene}&_sort=-next-review`);
    expect(idsOf(bundle)).toEqual([p4, p2, p1]);
  });

  it('combines with coordinator and participant', async () => {
    expect(await matchIds(api, `CarePlan?next-review=lt${today}&participant=${q(nina.reference!)}`)).toEqual([p1]);
    expect(await matchIds(api, `CarePlan?next-review=gt${today}&coordinator=${q(anna.reference!)}`)).toEqual([p4]);
  });
});

describe('reads', () => {
  it('answers through Queries and batch reads, never a Scan', async () => {
    api.resetCommands();
    await matchIds(api, `CarePlan?coordinator=${q(anna.reference!)}`);
    await matchIds(api, `CarePlan?participant=${q(nina.reference!)}&next-review=lt${today}`);
    const commands = api.commands();
    expect(commands).toContain('QueryCommand');
    expect(commands).not.toContain('ScanCommand');
  });
});

describe('paging and totals', () => {
  it('pages a coordinator search with _count and counts every match once', async () => {
    const many: Reference = { reference: `Practitioner/${unique('many')}` };
    const created: string[] = [];
    for (let n = 0; n < 5; n++) {
      const client = newClient();
      const t = await create(api, team(client, [coordinator(many)]));
      created.push((await create(api, plan(client, [t.id]))).id);
    }
    const pages = await allPages(api, `CarePlan?coordinator=${q(many.reference!)}&_count=2&_total=accurate`);
    expect(pages.map((page) => idsOf(page).length)).toEqual([2, 2, 1]);
    expect(pages[0]!.total).toBe(5);
    expect(pages.flatMap((page) => idsOf(page)).sort()).toEqual(created.sort());
  });
});

describe('what another organisation sees', () => {
  const searchAs = async (token: string, query: string): Promise<Bundle> => {
    const res = await call(`${api.base}/${query}`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Bundle;
  };
  const shared: Reference = { reference: `Practitioner/${unique('shared')}` };
  let own: string;
  let hidden: string;
  let pointing: string;
  let consented: string;
  let consentedClient: string;

  beforeAll(async () => {
    // The other organisation's own plan, and the custodian's plan it may not see, both coordinated by `shared`.
    const c1 = newClient();
    const ownTeam = await create(api, team(c1, [coordinator(shared)]), other);
    own = (await create(api, plan(c1, [ownTeam.id]), other)).id;
    const c2 = newClient();
    const hiddenTeam = await create(api, team(c2, [coordinator(shared)]));
    hidden = (await create(api, plan(c2, [hiddenTeam.id]))).id;
    // Its own plan pointing at the custodian's team, which it may not read.
    pointing = (await create(api, plan(newClient(), [hiddenTeam.id]), other)).id;
    // A plan a Consent opens to it.
    consentedClient = newClient();
    const consentedTeam = await create(api, team(consentedClient, [coordinator(shared)]));
    consented = (await create(api, plan(consentedClient, [consentedTeam.id]))).id;
  });

  it('totals count only what the caller may see, and leave out plans it may not', async () => {
    const bundle = await searchAs(other, `CarePlan?coordinator=${q(shared.reference!)}&_total=accurate`);
    expect(idsOf(bundle)).toEqual([own]);
    expect(bundle.total).toBe(1);
    const custodian = await search(api, `CarePlan?coordinator=${q(shared.reference!)}&_total=accurate`);
    expect(idsOf(custodian).sort()).toEqual([hidden, consented].sort());
    expect(custodian.total).toBe(2);
  });

  it('never finds a plan through a care team the caller may not read', async () => {
    expect(idsOf(await searchAs(other, `CarePlan?participant=${q(shared.reference!)}`))).not.toContain(pointing);
    expect(idsOf(await searchAs(other, `CarePlan?coordinator:missing=true&_id=${pointing}`))).toEqual([pointing]);
  });

  it('finds a consented plan once the Consent names the organisation', async () => {
    const consent: Consent = {
      resourceType: 'Consent',
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: clientRef(consentedClient),
      dateTime: '2026-11-16T10:30:00+02:00',
      policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
      provision: { type: 'permit', actor: [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { identifier: { system: SOTE, value: OTHER_ORG } } }] },
    };
    await create(api, consent);
    const bundle = await searchAs(other, `CarePlan?coordinator=${q(shared.reference!)}&_total=accurate`);
    expect(idsOf(bundle).sort()).toEqual([own, consented].sort());
    expect(bundle.total).toBe(2);
  });
});

describe('refusals', () => {
  it('answers 400 naming an unknown modifier', async () => {
    for (const name of ['coordinator:exact', 'participant:text', 'next-review:contains']) {
      const res = await call(`${api.base}/CarePlan?${name}=x`);
      expect(res.status, name).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].expression).toEqual([name]);
    }
  });

  it('answers 400 for a malformed review date and for including a parameter found through the care team', async () => {
    const bad = await call(`${api.base}/CarePlan?next-review=lt2026-13-01`);
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['next-review']);
    const include = await call(`${api.base}/CarePlan?_include=CarePlan:coordinator`);
    expect(include.status).toBe(400);
    expect(include.body.issue[0].expression).toEqual(['_include']);
  });

  it('needs the search scope on CareTeam to search through the care team (403), not for next-review', async () => {
    const token = await mintToken({ scope: 'system/CarePlan.rs' });
    const refused = await call(`${api.base}/CarePlan?coordinator=${q(anna.reference!)}`, { token });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('insufficient_scope');
    const allowed = await call(`${api.base}/CarePlan?next-review=lt${today}`, { token });
    expect(allowed.status).toBe(200);
  });
});

describe('SearchParameter resources', () => {
  const coordinatorParam = SEARCH_PARAMETERS.coordinator;

  it('reads each SearchParameter by id', async () => {
    for (const param of Object.values(SEARCH_PARAMETERS)) {
      const res = await call(`${api.base}/SearchParameter/${param.id}`);
      expect(res.status, param.id).toBe(200);
      expect(res.body).toMatchObject({ resourceType: 'SearchParameter', id: param.id, url: param.url, code: param.code, base: [param.base], status: 'active' });
    }
    const review = await call(`${api.base}/SearchParameter/${SEARCH_PARAMETERS.nextReview.id}`);
    expect(review.body.type).toBe('date');
    expect(review.body.expression).toContain(EXTENSIONS.nextReview.url);
    expect(review.body.comparator).toEqual(expect.arrayContaining(['lt', 'ge', 'eq']));
  });

  it('answers 404 for an unknown id', async () => {
    const res = await call(`${api.base}/SearchParameter/CarePlan-unknown`);
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('searches by code, url, base and type', async () => {
    const ids = async (query: string): Promise<string[]> => {
      const res = await call(`${api.base}/SearchParameter?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.total).toBe((res.body.entry ?? []).length);
      return idsOf(res.body as Bundle).sort();
    };
    expect(await ids('code=coordinator')).toEqual([coordinatorParam.id]);
    expect(await ids(`url=${q(SEARCH_PARAMETERS.participant.url)}`)).toEqual([SEARCH_PARAMETERS.participant.id]);
    expect(await ids('base=CarePlan')).toEqual(Object.values(SEARCH_PARAMETERS).map((param) => param.id).sort());
    expect(await ids('base=CarePlan&type=date')).toEqual([SEARCH_PARAMETERS.nextReview.id]);
    expect(await ids('code=next-review,participant')).toEqual([SEARCH_PARAMETERS.nextReview.id, SEARCH_PARAMETERS.participant.id].sort());
    expect(await ids('code=nothing')).toEqual([]);
    expect(await ids('')).toHaveLength(3);
    const posted = await call(`${api.base}/SearchParameter/_search`, { method: 'POST', rawBody: 'code=coordinator', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    expect(idsOf(posted.body as Bundle)).toEqual([coordinatorParam.id]);
    const unknown = await call(`${api.base}/SearchParameter?name=x`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.issue[0].expression).toEqual(['name']);
  });

  it('is read-only: writes answer 405', async () => {
    const body = { resourceType: 'SearchParameter' };
    for (const [method, path] of [['PUT', `SearchParameter/${coordinatorParam.id}`], ['DELETE', `SearchParameter/${coordinatorParam.id}`], ['POST', 'SearchParameter'], ['PATCH', `SearchParameter/${coordinatorParam.id}`]] as const) {
      const res = await call(`${api.base}/${path}`, { method, ...(method === 'DELETE' ? {} : { body }) });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe('GET');
    }
  });

  it('is served to any valid token, whatever its scopes, and to no caller without one', async () => {
    const token = await mintToken({ scope: 'system/Goal.rs' });
    expect((await call(`${api.base}/SearchParameter/${coordinatorParam.id}`, { token })).status).toBe(200);
    expect((await call(`${api.base}/SearchParameter?code=coordinator`, { token })).status).toBe(200);
    expect((await call(`${api.base}/SearchParameter/${coordinatorParam.id}`, { token: null })).status).toBe(401);
  });

  it('is listed in the CapabilityStatement: CarePlan searchParam with the canonical definition, and the SearchParameter type', async () => {
    const statement = (await call(`${api.base}/metadata`)).body;
    const carePlan = statement.rest[0].resource.find((resource: { type: string }) => resource.type === 'CarePlan');
    for (const param of Object.values(SEARCH_PARAMETERS)) {
      expect(carePlan.searchParam).toContainEqual(expect.objectContaining({ name: param.code, definition: param.url }));
    }
    expect(carePlan.searchInclude).not.toContain('CarePlan:coordinator');
    const searchParameter = statement.rest[0].resource.find((resource: { type: string }) => resource.type === 'SearchParameter');
    expect(searchParameter.interaction.map((i: { code: string }) => i.code).sort()).toEqual(['read', 'search-type']);
    expect(searchParameter.searchParam.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['code', 'url', 'base']));
  });
});
