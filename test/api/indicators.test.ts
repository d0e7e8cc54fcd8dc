/**
 * `CarePlan/$indicators` over HTTP: exact figures for a small county of plans built here, what
 * another organisation sees of the same county, scopes, a bad period, the audit and the
 * OperationDefinition. Synthetic identities only.
 *
 * @see docs/indicators.md
 */
import type { CarePlan, CareTeam, CareTeamParticipant, Consent, MeasureReport, MeasureReportGroup, Reference } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_SYSTEMS, COORDINATOR_ROLE, EXTENSIONS } from '../../functions/api/profile/canonical.js';
import { INDICATORS_MEASURE_URL, INDICATORS_OPERATION } from '../../functions/api/indicators/index.js';
import { REQUEST_ID_SYSTEM } from '../../functions/api/audit/index.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { mintToken, OTHER_ORG, TEST_ORG } from '../support/tokens.js';
import { makeHetu } from '../search/independent/hetu.js';
import { auditRecords } from './bundle/helpers.js';
import { create, unique } from './search/helpers.js';

const HETU = 'urn:oid:1.2.246.21';
const SOTE = 'urn:oid:1.2.246.537.6.202.2008';
const THIRD_ORG = '1.2.246.10.1234567.10.9';
const ORG_A: Reference = { type: 'Organization', identifier: { system: SOTE, value: '1.2.246.10.1234567.10.21' } };
const ORG_B: Reference = { type: 'Organization', identifier: { system: SOTE, value: '1.2.246.10.1234567.10.22' } };
const ORG_C: Reference = { type: 'Organization', identifier: { system: SOTE, value: '1.2.246.10.1234567.10.23' } };
const ORG_D: Reference = { reference: 'Organization/kolmas-sektori-ry' };

const LOCAL_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });
const today = LOCAL_DAY.format(new Date());
const day = (days: number): string => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

let individual = 900;
const newClient = (): string => makeHetu({ year: 1982, month: 6, day: 9 }, '-', individual++);
const clientRef = (hetu: string): Reference => ({ type: 'Patient', identifier: { system: HETU, value: hetu } });
const role = (code: string): CareTeamParticipant['role'] => [{ coding: [{ system: CODE_SYSTEMS.careTeamRole.url, code }] }];
const practitioner = (): Reference => ({ reference: `Practitioner/${unique('pr')}` });

const coordinator = (period: CareTeamParticipant['period'] = { start: '2026-01-01' }, onBehalfOf?: Reference): CareTeamParticipant => ({
  role: role(COORDINATOR_ROLE),
  member: practitioner(),
  period,
  ...(onBehalfOf ? { onBehalfOf } : {}),
});
const worker = (onBehalfOf: Reference): CareTeamParticipant => ({ role: role('social-worker'), member: practitioner(), onBehalfOf });
const organisationMember = (organisation: Reference): CareTeamParticipant => ({ role: role('network-member'), member: organisation });

const team = (client: string, participant: CareTeamParticipant[]): CareTeam => ({ resourceType: 'CareTeam', status: 'active', subject: clientRef(client), participant });

function plan(client: string, options: { created: string; period: CarePlan['period']; teams?: string[]; review?: string; status?: CarePlan['status'] }): CarePlan {
  return {
    resourceType: 'CarePlan',
    ...(options.review ? { extension: [{ url: EXTENSIONS.nextReview.url, valueDate: options.review }] } : {}),
    status: options.status ?? 'active',
    intent: 'plan',
    subject: clientRef(client),
    period: options.period,
    created: options.created,
    ...(options.teams ? { careTeam: options.teams.map((id) => ({ reference: `CareTeam/${id}` })) } : {}),
  };
}

function consent(client: string, dateTime: string, named: string, status: Consent['status'] = 'active'): Consent {
  return {
    resourceType: 'Consent',
    status,
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: clientRef(client),
    dateTime,
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: { type: 'permit', actor: [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { identifier: { system: SOTE, value: named } } }] },
  };
}

let api: TestApi;
let other: string;

/**
 * The county (custodian TEST_ORG unless said), reporting period 2026:
 *
 * | plan | status, period | created | consent (earliest active) | days | care team: coordinator, organisations | review |
 * |---|---|---|---|---|---|---|
 * | P1 | active, 2026-03-11– | 2026-03-11T09:00+02:00 | 2026-03-01 (names OTHER_ORG) | 10 | T1: active; A (onBehalfOf), B (member) → 2 | overdue |
 * | P2 | active, 2026-04-21– | 2026-04-21 | 2026-04-01T01:30+03:00 (UTC: 31 March) | 20 | T2: ended; A, C, D → 3 | in 10 days |
 * | P3 | active, 2026-05-15– | 2026-05-15T12:00+03:00 | 2026-05-10 | 5 | none | overdue |
 * | P4 | active, 2026-06-01– | 2026-06-01 | inactive only | — | T4: active; none → 0 | none |
 * | P5 | completed | 2026-02-01 | — | — | T5 | — (not counted) |
 * | P6 | active, 2026-01-10–2026-01-31 | 2026-01-10T10:00+02:00 | 2025-12-20 and 2026-02-01 | 21 | T1 (again) | none |
 * | P7 | active, 2025 only | 2025-01-05 | — | — | — | — (period outside) |
 * | P8 | active, 2025-11-01– | 2025-11-01 | 2025-10-01 | (created before) | T8: active; A → 1 | none |
 * | Q  | OTHER_ORG's, active, 2026-07-01– | 2026-07-01 | OTHER_ORG's, 2026-06-21 | 10 | none | none |
 */
beforeAll(async () => {
  api = await startTestApi();
  other = await mintToken({ org: OTHER_ORG });
  const [c1, c2, c3, c4, c5, c6, c7, c8, c9] = Array.from({ length: 9 }, newClient) as [string, string, string, string, string, string, string, string, string];
  const t1 = await create(api, team(c1, [coordinator(undefined, ORG_A), worker(ORG_A), organisationMember(ORG_B)]));
  const t2 = await create(api, team(c2, [coordinator({ start: '2026-01-01', end: day(-10) }, ORG_A), worker(ORG_C), organisationMember(ORG_D), organisationMember(ORG_A)]));
  const t4 = await create(api, team(c4, [coordinator()]));
  const t5 = await create(api, team(c5, [coordinator()]));
  const t8 = await create(api, team(c8, [coordinator(undefined, ORG_A)]));

  await create(api, consent(c1, '2026-03-01T10:00:00+02:00', OTHER_ORG));
  await create(api, consent(c2, '2026-04-01T01:30:00+03:00', THIRD_ORG));
  await create(api, consent(c3, '2026-05-10T08:00:00+03:00', THIRD_ORG));
  await create(api, consent(c4, '2026-01-01T08:00:00+02:00', THIRD_ORG, 'inactive'));
  await create(api, consent(c6, '2026-02-01T08:00:00+02:00', THIRD_ORG));
  await create(api, consent(c6, '2025-12-20T08:00:00+02:00', THIRD_ORG));
  await create(api, consent(c8, '2025-10-01T08:00:00+03:00', THIRD_ORG));

  await create(api, plan(c1, { created: '2026-03-11T09:00:00+02:00', period: { start: '2026-03-11' }, teams: [t1.id], review: day(-5) }));
  await create(api, plan(c2, { created: '2026-04-21', period: { start: '2026-04-21' }, teams: [t2.id], review: day(10) }));
  await create(api, plan(c3, { created: '2026-05-15T12:00:00+03:00', period: { start: '2026-05-15' }, review: day(-1) }));
  await create(api, plan(c4, { created: '2026-06-01', period: { start: '2026-06-01' }, teams: [t4.id] }));
  await create(api, plan(c5, { created: '2026-02-01', period: { start: '2026-02-01' }, teams: [t5.id], status: 'completed' }));
  await create(api, plan(c6, { created: '2026-01-10T10:00:00+02:00', period: { start: '2026-01-10', end: '2026-01-31' }, teams: [t1.id] }));
  await create(api, plan(c7, { created: '2025-01-05', period: { start: '2025-01-01', end: '2025-12-31' } }));
  await create(api, plan(c8, { created: '2025-11-01', period: { start: '2025-11-01' }, teams: [t8.id] }));

  await create(api, consent(c9, '2026-06-21T09:00:00+03:00', THIRD_ORG), other);
  await create(api, plan(c9, { created: '2026-07-01', period: { start: '2026-07-01' } }), other);
});
afterAll(async () => api.close());

const YEAR = 'periodStart=2026-01-01&periodEnd=2026-12-31';

async function report(query: string, token?: string): Promise<MeasureReport> {
  const res = await call(`${api.base}/CarePlan/$indicators?${query}`, token ? { token } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as MeasureReport;
}

const groupOf = (measure: MeasureReport, id: string): MeasureReportGroup => {
  const found = measure.group?.find((group) => group.id === id);
  expect(found, id).toBeDefined();
  return found!;
};
const countOf = (group: MeasureReportGroup, code: string): number | undefined => group.population?.find((population) => population.code?.coding?.[0]?.code === code)?.count;

/** The figures of a report: counts and scores of each group. */
function figures(measure: MeasureReport): Record<string, unknown> {
  const share = (id: string) => ({ numerator: countOf(groupOf(measure, id), 'numerator'), denominator: countOf(groupOf(measure, id), 'denominator'), score: groupOf(measure, id).measureScore?.value });
  const median = (id: string) => ({ count: countOf(groupOf(measure, id), 'initial-population'), median: groupOf(measure, id).measureScore?.value });
  return {
    activePlans: countOf(groupOf(measure, 'active-shared-plans'), 'initial-population'),
    namedCoordinator: share('named-coordinator'),
    consentToPlanDays: median('consent-to-plan-days'),
    overdueReview: share('overdue-review'),
    organisationsPerCareTeam: median('organisations-per-care-team'),
  };
}

describe('CarePlan/$indicators', () => {
  it('answers a complete summary MeasureReport for the period, one group per indicator', async () => {
    const measure = await report(YEAR);
    expect(measure).toMatchObject({
      resourceType: 'MeasureReport',
      status: 'complete',
      type: 'summary',
      measure: INDICATORS_MEASURE_URL,
      period: { start: '2026-01-01', end: '2026-12-31' },
      reporter: { identifier: { system: SOTE, value: TEST_ORG } },
    });
    expect(measure.group?.map((group) => group.id)).toEqual(['active-shared-plans', 'named-coordinator', 'consent-to-plan-days', 'overdue-review', 'organisations-per-care-team']);
    expect(groupOf(measure, 'consent-to-plan-days').measureScore).toMatchObject({ unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' });
  });

  it('gives the exact figures of the constructed county', async () => {
    expect(figures(await report(YEAR))).toEqual({
      activePlans: 6,
      namedCoordinator: { numerator: 4, denominator: 6, score: 0.6667 },
      consentToPlanDays: { count: 4, median: 15 },
      overdueReview: { numerator: 2, denominator: 6, score: 0.3333 },
      organisationsPerCareTeam: { count: 4, median: 1.5 },
    });
  });

  it('takes the period as one date (that whole year or month) or an interval start/end, as the same periodStart and periodEnd', async () => {
    expect(figures(await report('period=2026'))).toEqual(figures(await report(YEAR)));
    expect(figures(await report('period=2025'))).toEqual(figures(await report('periodStart=2025&periodEnd=2025')));
    expect(figures(await report(`period=${encodeURIComponent('2026-01/2026-12-31')}`))).toEqual(figures(await report(YEAR)));
    expect(figures(await report('period=2020-03'))).toEqual(figures(await report('periodStart=2020-03-01&periodEnd=2020-03-31')));
  });

  it('counts only the plans whose period overlaps the reporting period', async () => {
    expect(figures(await report('periodStart=2025&periodEnd=2025'))).toEqual({
      activePlans: 2,
      namedCoordinator: { numerator: 1, denominator: 2, score: 0.5 },
      consentToPlanDays: { count: 1, median: 31 },
      overdueReview: { numerator: 0, denominator: 2, score: 0 },
      organisationsPerCareTeam: { count: 1, median: 1 },
    });
  });

  it('shows another organisation only what it may see: its own plans and those a Consent opens to it', async () => {
    const measure = await report(YEAR, other);
    expect(measure.reporter?.identifier?.value).toBe(OTHER_ORG);
    expect(figures(measure)).toEqual({
      activePlans: 2,
      namedCoordinator: { numerator: 1, denominator: 2, score: 0.5 },
      consentToPlanDays: { count: 2, median: 10 },
      overdueReview: { numerator: 1, denominator: 2, score: 0.5 },
      organisationsPerCareTeam: { count: 1, median: 2 },
    });
  });

  it('reports an empty population without scores', async () => {
    const measure = await report('periodStart=2020-01&periodEnd=2020-12');
    expect(figures(measure)).toEqual({
      activePlans: 0,
      namedCoordinator: { numerator: 0, denominator: 0, score: undefined },
      consentToPlanDays: { count: 0, median: undefined },
      overdueReview: { numerator: 0, denominator: 0, score: undefined },
      organisationsPerCareTeam: { count: 0, median: undefined },
    });
  });

  it('is audited like a search: one AuditEvent with the operation and its query', async () => {
    const requestId = `indicators-${unique('audit')}`;
    const res = await call(`${api.base}/CarePlan/$indicators?${YEAR}`, { headers: { 'x-request-id': requestId } });
    expect(res.status).toBe(200);
    const events = (await auditRecords(api)).filter((event) => event.entity?.some((entity: any) => entity.what?.identifier?.system === REQUEST_ID_SYSTEM && entity.what.identifier.value === requestId));
    expect(events).toHaveLength(1);
    expect(events[0].subtype[0].code).toBe('operation');
    expect(events[0].outcome).toBe('0');
    const query = events[0].entity.find((entity: any) => entity.query !== undefined);
    expect(Buffer.from(query.query, 'base64').toString('utf8')).toBe(YEAR);
  });
});

describe('POST CarePlan/$indicators', () => {
  const parameters = (...parameter: unknown[]): Record<string, unknown> => ({ resourceType: 'Parameters', parameter });
  const post = (body: unknown, init: { headers?: Record<string, string> } = {}): ReturnType<typeof call> =>
    call(`${api.base}/CarePlan/$indicators`, { method: 'POST', body, ...init });

  it('takes the period as a Parameters resource and answers what the GET answers, audited with the same query', async () => {
    const requestId = `indicators-post-${unique('audit')}`;
    const res = await post(parameters({ name: 'periodStart', valueDate: '2026-01-01' }, { name: 'periodEnd', valueDate: '2026-12-31' }), { headers: { 'x-request-id': requestId } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(figures(res.body)).toEqual(figures(await report(YEAR)));
    const events = (await auditRecords(api)).filter((event) => event.entity?.some((entity: any) => entity.what?.identifier?.value === requestId));
    expect(events).toHaveLength(1);
    const query = events[0].entity.find((entity: any) => entity.query !== undefined);
    expect(Buffer.from(query.query, 'base64').toString('utf8')).toBe(YEAR);
  });

  it('answers 400 naming the element for a body that is not Parameters or a parameter without a valueDate', async () => {
    const expressions = async (body: unknown): Promise<string[]> => {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      return res.body.issue.flatMap((issue: { expression?: string[] }) => issue.expression ?? []).sort();
    };
    expect(await expressions({ resourceType: 'CarePlan' })).toEqual(['Parameters']);
    expect(await expressions({ resourceType: 'Parameters', parameter: { name: 'periodStart' } })).toEqual(['Parameters.parameter']);
    expect(await expressions(parameters({ name: 'periodStart', valueString: '2026' }, { name: 'periodEnd', valueDate: '2026' }))).toEqual(['Parameters.parameter[0].value']);
    expect(await expressions(parameters({ valueDate: '2026' }, { name: 'periodEnd', valueDate: '2026' }))).toEqual(['Parameters.parameter[0].name']);
    expect(await expressions(parameters({ name: 'periodEnd', valueDate: '2026' }))).toEqual(['periodStart']);
    expect(await expressions(parameters({ name: 'periodStart', valueDate: '1.1.2026' }, { name: 'periodEnd', valueDate: '2026' }))).toEqual(['periodStart']);
  });

  it('needs the same scopes (403) and refuses an emergency purpose of use', async () => {
    const body = parameters({ name: 'periodStart', valueDate: '2026' }, { name: 'periodEnd', valueDate: '2026' });
    expect((await call(`${api.base}/CarePlan/$indicators`, { method: 'POST', body, token: await mintToken({ scope: 'system/CarePlan.rs system/Consent.r' }) })).status).toBe(403);
    expect((await call(`${api.base}/CarePlan/$indicators`, { method: 'POST', body, token: await mintToken({ org: OTHER_ORG, purpose: 'ETREAT' }) })).status).toBe(403);
  });
});

describe('refusals', () => {
  const refused = async (query: string, expression: readonly string[]): Promise<void> => {
    const res = await call(`${api.base}/CarePlan/$indicators${query}`);
    expect(res.status, query).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue.flatMap((issue: { expression?: string[] }) => issue.expression ?? []).sort(), query).toEqual([...expression].sort());
  };

  it('answers 400 naming the parameter when the period is missing, malformed or reversed', async () => {
    await refused('', ['periodStart', 'periodEnd']);
    await refused('?periodStart=2026-01-01', ['periodEnd']);
    await refused('?periodStart=2026-13-01&periodEnd=2026-12-31', ['periodStart']);
    await refused('?periodStart=2026-01-01&periodEnd=31.12.2026', ['periodEnd']);
    await refused('?periodStart=2026-01-01T00:00:00Z&periodEnd=2026-12-31', ['periodStart']);
    await refused('?periodStart=2026-02-30&periodEnd=2026-12-31', ['periodStart']);
    await refused('?periodStart=2026-12-31&periodEnd=2026-01-01', ['periodStart', 'periodEnd']);
    await refused('?periodStart=2026-01-01&periodStart=2026-02-01&periodEnd=2026-12-31', ['periodStart']);
    await refused(`?${YEAR}&period=2026`, ['period']);
    await refused('?period=2026-13', ['period']);
    await refused('?period=2026/2027/2028', ['period']);
    await refused(`?period=${encodeURIComponent('2026-12/2026-01')}`, ['period']);
    await refused('?period=2025&period=2026', ['period']);
    await refused('?period=', ['period']);
    await refused('?period=2026&periodEnd=2026', ['period']);
  });

  it('needs system/CarePlan.rs, CareTeam read and Consent read (403 otherwise)', async () => {
    for (const scope of ['system/CarePlan.s system/CareTeam.r system/Consent.r', 'system/CarePlan.rs system/Consent.r', 'system/CarePlan.rs system/CareTeam.r']) {
      const res = await call(`${api.base}/CarePlan/$indicators?${YEAR}`, { token: await mintToken({ scope }) });
      expect(res.status, scope).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('insufficient_scope');
    }
    const allowed = await call(`${api.base}/CarePlan/$indicators?${YEAR}`, { token: await mintToken({ scope: 'system/CarePlan.rs system/CareTeam.r system/Consent.r' }) });
    expect(allowed.status).toBe(200);
  });

  it('is refused (403) under an emergency purpose of use, which opens plans for treatment, not statistics', async () => {
    const res = await call(`${api.base}/CarePlan/$indicators?${YEAR}`, { token: await mintToken({ org: OTHER_ORG, purpose: 'ETREAT' }) });
    expect(res.status).toBe(403);
    expect(res.body.issue[0].code).toBe('forbidden');
  });

  it('answers 405 to other methods and 401 without a token', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) expect((await call(`${api.base}/CarePlan/$indicators?${YEAR}`, { method, body: { resourceType: 'Parameters' } })).status, method).toBe(405);
    expect((await call(`${api.base}/CarePlan/$indicators?${YEAR}`, { token: null })).status).toBe(401);
  });
});

describe('OperationDefinition', () => {
  it('serves the OperationDefinition and lists the operation in the CapabilityStatement', async () => {
    const definition = await call(`${api.base}/OperationDefinition/${INDICATORS_OPERATION.id}`, { token: await mintToken({ scope: 'system/Goal.rs' }) });
    expect(definition.status).toBe(200);
    expect(definition.body).toMatchObject({ resourceType: 'OperationDefinition', url: INDICATORS_OPERATION.url, code: 'indicators', resource: ['CarePlan'], type: true, instance: false, affectsState: false });
    expect(definition.body.parameter.map((parameter: { name: string }) => parameter.name)).toEqual(['period', 'periodStart', 'periodEnd', 'return']);
    expect((await call(`${api.base}/OperationDefinition/unknown`)).status).toBe(404);
    const statement = (await call(`${api.base}/metadata`)).body;
    const carePlan = statement.rest[0].resource.find((resource: { type: string }) => resource.type === 'CarePlan');
    expect(carePlan.operation).toEqual([{ name: 'indicators', definition: INDICATORS_OPERATION.url }]);
    expect((statement.rest[0].interaction ?? []).map((i: { code: string }) => i.code)).not.toContain('operation');
  });
});
