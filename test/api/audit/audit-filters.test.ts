/**
 * AuditEvent search criteria: the client (`patient`, `patient:identifier`), `date` on
 * `recorded`, `agent`, `entity` and `outcome`; repeats are ANDed, comma lists ORed.
 */
import type { AuditEvent } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID_SYSTEM } from '../../../functions/api/audit/index.js';
import { carePlanFixture } from '../../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG, TEST_ORG } from '../../support/tokens.js';
import { auditorToken, eventsOf, requestIdOf, searchLog, SOTE } from './helpers.js';

const PATIENT = 'p-902';
const RUN = `flt-${Date.now().toString(36)}`;
const step = (name: string): string => `${RUN}-${name}`;

let api: TestApi;
let auditor: string;
let planId: string;
/** The scenario's events, oldest first. */
let all: AuditEvent[];

const stepsOf = async (query: string): Promise<string[]> =>
  eventsOf(await searchLog(api, `patient=Patient/${PATIENT}&_count=100&${query}`, auditor))
    .map(requestIdOf)
    .flatMap((id) => (id?.startsWith(RUN) ? [id.slice(RUN.length + 1)] : []));

beforeAll(async () => {
  api = await startTestApi();
  auditor = await auditorToken();
  const worker = await mintToken({ practitioner: 'pr-902' });
  const headers = (name: string): Record<string, string> => ({ 'x-request-id': step(name) });
  const plan = { ...carePlanFixture(), subject: { reference: `Patient/${PATIENT}` } };
  const created = await call(`${api.base}/CarePlan`, { method: 'POST', body: plan, headers: headers('create') });
  expect(created.status).toBe(201);
  planId = created.body.id;
  expect((await call(`${api.base}/CarePlan/${planId}`, { token: worker, headers: headers('read') })).status).toBe(200);
  expect((await call(`${api.base}/CarePlan/${planId}`, { method: 'PUT', body: { ...created.body, title: 'Uusi' }, headers: headers('update') })).status).toBe(200);
  expect((await call(`${api.base}/CarePlan/${planId}`, { token: await mintToken({ org: OTHER_ORG }), headers: headers('denied') })).status).toBe(404);
  all = eventsOf(await searchLog(api, `patient=Patient/${PATIENT}&_count=100`, auditor)).reverse();
  expect(all.map(requestIdOf)).toEqual(['create', 'read', 'update', 'denied'].map(step));
});
afterAll(async () => api.close());

describe('the client', () => {
  it('is found by Patient reference, bare id or absolute URL alike', async () => {
    for (const form of [`Patient/${PATIENT}`, PATIENT, encodeURIComponent(`https://example.fi/fhir/Patient/${PATIENT}`)]) {
      const found = eventsOf(await searchLog(api, `patient=${form}&_count=100`, auditor)).map(requestIdOf);
      expect(found, form).toEqual(expect.arrayContaining(['create', 'read', 'update', 'denied'].map(step)));
    }
  });
});

describe('date', () => {
  const at = (n: number): string => all[n]!.recorded;

  it('bounds recorded with ge and le, inclusive', async () => {
    expect(await stepsOf(`date=ge${at(1)}&date=le${at(2)}`)).toEqual(['update', 'read']);
  });

  it('excludes the instant itself with gt and lt', async () => {
    expect(await stepsOf(`date=gt${at(0)}&date=lt${at(3)}`)).toEqual(['update', 'read']);
  });

  it('matches a whole day, month or year at partial precision', async () => {
    const day = at(0).slice(0, 10);
    expect(await stepsOf(`date=${day.slice(0, 4)}`)).toHaveLength(4);
    expect(await stepsOf(`date=eq${day.slice(0, 7)}`)).toHaveLength(4);
    expect(await stepsOf(`date=${day}`)).toHaveLength(4);
    expect(await stepsOf('date=lt2020-01-01')).toEqual([]);
  });

  it('reads an offset, and an instant with eq matches exactly that millisecond', async () => {
    expect(await stepsOf(`date=eq${at(2)}`)).toEqual(['update']);
    const shifted = new Date(Date.parse(at(2)) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    expect(await stepsOf(`date=${encodeURIComponent(shifted)}`)).toEqual(['update']);
  });
});

describe('agent', () => {
  it('matches the organisation by its OID identifier', async () => {
    expect(await stepsOf(`agent:identifier=${encodeURIComponent(`${SOTE}|${OTHER_ORG}`)}`)).toEqual(['denied']);
    expect(await stepsOf(`agent:identifier=${encodeURIComponent(`${SOTE}|${TEST_ORG}`)}`)).toEqual(['update', 'read', 'create']);
  });

  it('matches the client system by its client id, with or without the system', async () => {
    expect(await stepsOf(`agent:identifier=${encodeURIComponent(`${CLIENT_ID_SYSTEM}|test-client`)}`)).toHaveLength(4);
    expect(await stepsOf('agent:identifier=nobody')).toEqual([]);
  });

  it('matches a practitioner reference, typed or as a bare id', async () => {
    expect(await stepsOf('agent=Practitioner/pr-902')).toEqual(['read']);
    expect(await stepsOf('agent=pr-902')).toEqual(['read']);
    expect(await stepsOf('agent=Practitioner/pr-000')).toEqual([]);
  });
});

describe('entity', () => {
  it('matches a resource in any version, or one version', async () => {
    expect(await stepsOf(`entity=CarePlan/${planId}`)).toEqual(['update', 'read', 'create']);
    expect(await stepsOf(`entity=CarePlan/${planId}/_history/2`)).toEqual(['update']);
    expect(await stepsOf(`entity=Goal/${planId}`)).toEqual([]);
  });

  it('matches the request id with :identifier', async () => {
    expect(await stepsOf(`entity:identifier=${step('read')}`)).toEqual(['read']);
  });
});

describe('outcome and combinations', () => {
  it('matches outcome codes, ORed in a list', async () => {
    expect(await stepsOf('outcome=4')).toEqual(['denied']);
    expect(await stepsOf('outcome=0')).toEqual(['update', 'read', 'create']);
    expect(await stepsOf(`outcome=${encodeURIComponent('http://hl7.org/fhir/audit-event-outcome|0,4')}`)).toHaveLength(4);
  });

  it('ANDs different parameters and repeats', async () => {
    expect(await stepsOf(`outcome=0&entity=CarePlan/${planId}/_history/1&agent=Practitioner/pr-902`)).toEqual(['read']);
    expect(await stepsOf(`entity=CarePlan/${planId}/_history/1&entity=CarePlan/${planId}/_history/2`)).toEqual([]);
  });

  it('sorts oldest first with _sort=date', async () => {
    expect(await stepsOf('_sort=date')).toEqual(['create', 'read', 'update', 'denied']);
  });
});

describe('malformed criteria', () => {
  it.each([
    ['date=2026-02-30', 'date'],
    ['date=ne2026', 'date'],
    ['date=ge2026,le2027', 'date'],
    ['outcome=2', 'outcome'],
    ['agent=NotAType/x', 'agent'],
    ['_sort=_lastUpdated', '_sort'],
    ['_count=many', '_count'],
  ])('answers 400 naming the parameter for %s', async (query, name) => {
    const res = await call(`${api.base}/AuditEvent?patient=${PATIENT}&${query}`, { token: auditor });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression).toContain(name);
  });
});
