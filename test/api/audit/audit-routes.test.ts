/**
 * The AuditEvent endpoints: search only (append-only log, no read by id), the client required,
 * the SMART `s` scope on AuditEvent required, and the CapabilityStatement saying exactly that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { mintToken } from '../../support/tokens.js';
import { auditorToken, byClient, REGISTRY_ORG } from './helpers.js';

const CLIENT = '311080-999X';

let api: TestApi;
let auditor: string;
beforeAll(async () => {
  api = await startTestApi();
  auditor = await auditorToken();
});
afterAll(async () => api.close());

describe('the client is required', () => {
  it('answers 400 naming patient when no client is given', async () => {
    const res = await call(`${api.base}/AuditEvent?date=ge2026`, { token: auditor });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0]).toMatchObject({ code: 'required', expression: ['patient', 'patient:identifier'] });
  });

  it.each([
    ['both forms', `${byClient(CLIENT)}&patient=Patient/p-907`],
    ['a list of clients', `patient=Patient/p-907,Patient/p-908`],
    ['a repeated client', 'patient=p-907&patient=p-908'],
    ['an identifier without system', 'patient:identifier=311080-999X'],
    ['another resource type', 'patient=Group/g-1'],
  ])('answers 400 for %s', async (_, query) => {
    const res = await call(`${api.base}/AuditEvent?${query}`, { token: auditor });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.issue[0].expression.some((name: string) => name.startsWith('patient'))).toBe(true);
  });

  it('answers 400 listing every unknown parameter', async () => {
    const res = await call(`${api.base}/AuditEvent?${byClient(CLIENT)}&_summary=count&site=x&agent:missing=true`, { token: auditor });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['_summary', 'site', 'agent:missing']);
  });

  it('answers an empty searchset for a client without events', async () => {
    const res = await call(`${api.base}/AuditEvent?patient=Patient/p-909`, { token: auditor });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(res.body.entry).toBeUndefined();
    expect(res.body.link).toEqual([{ relation: 'self', url: `${api.base}/AuditEvent?patient=Patient%2Fp-909` }]);
  });
});

describe('append-only', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('answers %s [base]/AuditEvent with 405, Allow: GET', async (method) => {
    const res = await call(`${api.base}/AuditEvent?${byClient(CLIENT)}`, { method, rawBody: '{}', token: auditor, headers: { 'content-type': 'application/fhir+json' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])('answers %s [base]/AuditEvent/[id] with 405 and an empty Allow', async (method) => {
    const res = await call(`${api.base}/AuditEvent/1c0ffee0-0000-4000-8000-000000000901`, { method, token: auditor, ...(method === 'GET' || method === 'DELETE' ? {} : { rawBody: '{}', headers: { 'content-type': 'application/fhir+json' } }) });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('');
    expect(res.body.issue[0]).toMatchObject({ code: 'not-supported' });
    expect(res.body.issue[0].diagnostics).toContain('AuditEvent?patient:identifier=');
  });

  it('answers history of AuditEvent with 405', async () => {
    expect((await call(`${api.base}/AuditEvent/_history`, { token: auditor })).status).toBe(405);
  });

  it('accepts _search only with POST', async () => {
    const res = await call(`${api.base}/AuditEvent/_search?${byClient(CLIENT)}`, { token: auditor });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('who may search', () => {
  it('requires the AuditEvent search scope: 403 naming it', async () => {
    const token = await mintToken({ org: REGISTRY_ORG, scope: 'system/CarePlan.cruds system/AuditEvent.r' });
    const res = await call(`${api.base}/AuditEvent?${byClient(CLIENT)}`, { token });
    expect(res.status).toBe(403);
    expect(res.body.issue[0].code).toBe('forbidden');
    expect(res.body.issue[0].diagnostics).toContain('system/AuditEvent.s');
  });

  it('refuses the POST search without the scope too', async () => {
    const token = await mintToken({ scope: 'system/CarePlan.rs' });
    const res = await call(`${api.base}/AuditEvent/_search`, { method: 'POST', rawBody: byClient(CLIENT), token, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(403);
  });

  it.each(['system/AuditEvent.s', 'system/AuditEvent.read', 'system/*.rs'])('allows the search with %s', async (scope) => {
    const res = await call(`${api.base}/AuditEvent?${byClient(CLIENT)}`, { token: await mintToken({ org: REGISTRY_ORG, scope }) });
    expect(res.status).toBe(200);
  });

  it('answers 401 without a token', async () => {
    expect((await call(`${api.base}/AuditEvent?${byClient(CLIENT)}`, { token: null })).status).toBe(401);
  });
});

describe('CapabilityStatement', () => {
  it('lists AuditEvent with search-type only and its search parameters', async () => {
    const res = await call(`${api.base}/metadata`, { token: null });
    const entry = res.body.rest[0].resource.find((resource: { type: string }) => resource.type === 'AuditEvent');
    expect(entry).toMatchObject({ type: 'AuditEvent', interaction: [{ code: 'search-type' }], versioning: 'no-version', conditionalCreate: false });
    expect(entry.searchParam.map((param: { name: string; type: string }) => `${param.name}:${param.type}`)).toEqual([
      'patient:reference',
      'date:date',
      'agent:reference',
      'entity:reference',
      'outcome:token',
    ]);
    expect(entry.searchInclude).toBeUndefined();
  });
});
