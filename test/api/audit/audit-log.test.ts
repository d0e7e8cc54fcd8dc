/**
 * The client's "who saw my data and why": after a create, read, search, update, a refused read
 * and an unauthenticated request, the client's AuditEvents say who did what, on what basis, and
 * with what outcome — and the search of the log is itself logged under the client.
 */
import type { AuditEvent } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID_SYSTEM } from '../../../functions/api/audit/index.js';
import { carePlanFixture } from '../../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG, TEST_ORG } from '../../support/tokens.js';
import { auditRecords } from '../bundle/helpers.js';
import { auditorToken, basesOf, byClient, entitiesOf, eventsOf, HETU, queryOf, REGISTRY_ORG, requestIdOf, searchLog, SOTE } from './helpers.js';

const CLIENT = '311080-999X';
const RUN = `log-${Date.now().toString(36)}`;
const step = (name: string): string => `${RUN}-${name}`;

let api: TestApi;
let auditor: string;
let planId: string;
/** The client's events after the scenario, newest first. */
let events: AuditEvent[];
const eventOf = (name: string): AuditEvent => {
  const found = events.filter((event) => requestIdOf(event) === step(name));
  expect(found, `event of ${name}`).toHaveLength(1);
  return found[0]!;
};

beforeAll(async () => {
  api = await startTestApi();
  auditor = await auditorToken();
  const worker = await mintToken({ practitioner: 'Practitioner/pr-901', purpose: 'TREAT' });
  const headers = (name: string): Record<string, string> => ({ 'x-request-id': step(name) });
  const created = await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture(), token: worker, headers: headers('create') });
  expect(created.status).toBe(201);
  planId = created.body.id;
  expect((await call(`${api.base}/CarePlan/${planId}`, { token: worker, headers: headers('read') })).status).toBe(200);
  expect((await call(`${api.base}/CarePlan?${byClient(CLIENT)}`, { token: worker, headers: headers('search') })).status).toBe(200);
  const form = { ...headers('search-post'), 'content-type': 'application/x-www-form-urlencoded' };
  expect((await call(`${api.base}/CarePlan/_search?_count=5`, { method: 'POST', rawBody: byClient(CLIENT), token: worker, headers: form })).status).toBe(200);
  const updated = await call(`${api.base}/CarePlan/${planId}`, { method: 'PUT', body: { ...created.body, title: 'Päivitetty suunnitelma' }, token: worker, headers: headers('update') });
  expect(updated.status).toBe(200);
  const other = await mintToken({ org: OTHER_ORG });
  expect((await call(`${api.base}/CarePlan/${planId}`, { token: other, headers: headers('denied') })).status).toBe(404);
  expect((await call(`${api.base}/CarePlan/${planId}`, { token: null, headers: headers('anonymous') })).status).toBe(401);
  events = eventsOf(await searchLog(api, `${byClient(CLIENT)}&_count=100`, auditor));
});
afterAll(async () => api.close());

describe('the client access log', () => {
  it('returns the events of every request about the client, newest first', () => {
    const steps = events.map(requestIdOf).filter((id) => id?.startsWith(RUN));
    expect(steps).toEqual(['denied', 'update', 'search-post', 'search', 'read', 'create'].map(step));
    const recorded = events.map((event) => event.recorded);
    expect(recorded).toEqual([...recorded].sort().reverse());
  });

  it('records a create: action C, success, the version created, basis creator', () => {
    const event = eventOf('create');
    expect(event).toMatchObject({ resourceType: 'AuditEvent', type: { code: 'rest' }, subtype: [{ code: 'create' }], action: 'C', outcome: '0' });
    expect(entitiesOf(event)).toContain(`CarePlan/${planId}/_history/1`);
    expect(basesOf(event)).toEqual(['creator']);
  });

  it('names the client system, organisation, practitioner and purpose of use as agents', () => {
    const event = eventOf('create');
    const who = event.agent.map((agent) => agent.who);
    expect(who).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ identifier: { system: CLIENT_ID_SYSTEM, value: 'test-client' } }),
        expect.objectContaining({ identifier: { system: SOTE, value: TEST_ORG } }),
        { reference: 'Practitioner/pr-901' },
      ]),
    );
    expect(event.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('TREAT');
    expect(event.entity).toEqual(expect.arrayContaining([expect.objectContaining({ what: { identifier: { system: HETU, value: CLIENT }, type: 'Patient' } })]));
  });

  it('records a read and an update with the custodian basis', () => {
    expect(eventOf('read')).toMatchObject({ subtype: [{ code: 'read' }], action: 'R', outcome: '0' });
    expect(basesOf(eventOf('read'))).toEqual(['custodian']);
    expect(eventOf('update')).toMatchObject({ subtype: [{ code: 'update' }], action: 'U', outcome: '0' });
    expect(entitiesOf(eventOf('update'))).toContain(`CarePlan/${planId}/_history/2`);
    expect(basesOf(eventOf('update'))).toEqual(['custodian']);
  });

  it('records a search with its query and the versions it disclosed', () => {
    const event = eventOf('search');
    expect(event).toMatchObject({ subtype: [{ code: 'search-type' }], action: 'E', outcome: '0' });
    expect(queryOf(event)).toBe(`patient%3Aidentifier=${encodeURIComponent(`${HETU}|${CLIENT}`)}`);
    expect(entitiesOf(event)).toContain(`CarePlan/${planId}/_history/1`);
  });

  it('records a POST _search with the parameters of its form body as well as those of its URL', () => {
    const event = eventOf('search-post');
    expect(event).toMatchObject({ subtype: [{ code: 'search-type' }], action: 'E', outcome: '0' });
    expect(queryOf(event)).toBe(`_count=5&patient%3Aidentifier=${encodeURIComponent(`${HETU}|${CLIENT}`)}`);
    expect(entitiesOf(event)).toContain(`CarePlan/${planId}/_history/1`);
  });

  it('records a refused read: outcome 4, the other organisation, no basis, nothing disclosed', () => {
    const event = eventOf('denied');
    expect(event).toMatchObject({ subtype: [{ code: 'read' }], action: 'R', outcome: '4' });
    expect(event.outcomeDesc).toBeDefined();
    expect(event.agent.some((agent) => agent.who?.identifier?.value === OTHER_ORG)).toBe(true);
    expect(basesOf(event)).toEqual([]);
    expect(entitiesOf(event)).toEqual([]);
  });

  it('files an unauthenticated request about no client, outside the client log', async () => {
    expect(events.some((event) => requestIdOf(event) === step('anonymous'))).toBe(false);
    const stored = ((await auditRecords(api)) as AuditEvent[]).filter((event) => requestIdOf(event) === step('anonymous'));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ outcome: '4', outcomeDesc: 'authentication failed' });
  });
});

describe('searching the log', () => {
  it('is itself logged under the client: search-type with the query, the registry as agent', async () => {
    const query = `${byClient(CLIENT)}&outcome=4`;
    const res = await call(`${api.base}/AuditEvent?${query}`, { token: auditor, headers: { 'x-request-id': step('audit-search') } });
    expect(res.status).toBe(200);
    const logged = eventsOf(await searchLog(api, `${byClient(CLIENT)}&agent:identifier=${encodeURIComponent(`${SOTE}|${REGISTRY_ORG}`)}`, auditor));
    const event = logged.find((candidate) => requestIdOf(candidate) === step('audit-search'));
    expect(event).toMatchObject({ subtype: [{ code: 'search-type' }], action: 'E', outcome: '0' });
    expect(queryOf(event!)).toBe(query.replace('patient:identifier', 'patient%3Aidentifier'));
    expect(event!.entity).toEqual(expect.arrayContaining([expect.objectContaining({ what: { identifier: { system: HETU, value: CLIENT }, type: 'Patient' } })]));
  });

  it('logs a POST _search with the parameters of its form body', async () => {
    const form = `${byClient(CLIENT)}&outcome=0`;
    const res = await call(`${api.base}/AuditEvent/_search`, {
      method: 'POST',
      rawBody: form,
      token: auditor,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': step('audit-post') },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(eventsOf(res.body).every((event) => event.outcome === '0')).toBe(true);
    expect(eventsOf(res.body).map(requestIdOf)).toEqual(expect.arrayContaining([step('create'), step('read')]));
    const logged = eventsOf(await searchLog(api, `${byClient(CLIENT)}&_count=5`, auditor));
    expect(queryOf(logged.find((event) => requestIdOf(event) === step('audit-post'))!)).toContain('outcome=0');
  });

  it('finds the same events by either form of the client only when they were filed under that form', async () => {
    // The fixture names the client by henkilötunnus only: nothing is filed under a Patient reference.
    expect(eventsOf(await searchLog(api, 'patient=Patient/p-901', auditor))).toEqual([]);
  });
});
