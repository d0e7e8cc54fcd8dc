import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/api/routes/registry.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { goalFixture } from '../fixtures/shared-plan.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

describe('CapabilityStatement', () => {
  it('describes an R4 JSON server for the four resource types and the AuditEvent log', async () => {
    const res = await call(`${api.base}/metadata`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance', status: 'active' });
    const types = res.body.rest[0].resource.map((r: any) => r.type);
    expect(types.slice(0, 5)).toEqual(['CarePlan', 'CareTeam', 'Consent', 'Goal', 'AuditEvent']);
    // The read-only conformance resources of the shared-plan profile (docs/profile.md).
    expect(types).toEqual(expect.arrayContaining(['StructureDefinition', 'CodeSystem', 'ValueSet']));
    expect(res.body.implementation.url).toBe(api.base);
  });

  it('is served without a token and declares SMART-on-FHIR security with the OAuth token endpoint', async () => {
    const res = await call(`${api.base}/metadata`, { token: null });
    expect(res.status).toBe(200);
    const security = res.body.rest[0].security;
    expect(security.service[0].coding[0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' });
    const oauth = security.extension.find((e: any) => e.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris');
    expect(oauth.extension.find((e: any) => e.url === 'token').valueUri).toBe(api.config.auth.tokenEndpoint);
  });

  it('serves the SMART configuration as JSON under any Accept, without a token', async () => {
    const res = await call(`${api.base}/.well-known/smart-configuration`, { token: null, headers: { accept: 'application/fhir+xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.token_endpoint).toBe(api.config.auth.tokenEndpoint);
    expect(res.body.grant_types_supported).toEqual(['client_credentials']);
    expect(res.body.capabilities).toEqual(expect.arrayContaining(['client-confidential-asymmetric', 'permission-v2']));
    expect(res.body.scopes_supported).toEqual(expect.arrayContaining(['system/CarePlan.rs', 'system/AuditEvent.rs', 'system/*.cruds']));
  });

  it('lists exactly the interactions of the route table', async () => {
    const res = await call(`${api.base}/metadata`);
    const listed = res.body.rest[0].resource[0].interaction.map((i: any) => i.code).sort();
    const systemLevel = ['capabilities', 'history-system', 'transaction', 'batch', 'search-system'];
    // Operations (`CarePlan/$indicators`) are listed as the type's `operation`, not as interactions.
    const all = [...new Set(ROUTES.flatMap((r) => [r.interaction, ...(r.also ?? [])]))].filter((c) => c !== 'operation');
    const routed = all.filter((c) => !systemLevel.includes(c)).sort();
    expect(listed).toEqual(routed);
    const system = res.body.rest[0].interaction.map((i: any) => i.code).sort();
    expect(system).toEqual(all.filter((c) => systemLevel.includes(c) && c !== 'capabilities').sort());
  });

  it('every listed interaction answers', async () => {
    const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    const id = created.body.id as string;
    const probes: Record<string, () => Promise<number>> = {
      create: async () => created.status,
      read: async () => (await call(`${api.base}/Goal/${id}`)).status,
      vread: async () => (await call(`${api.base}/Goal/${id}/_history/1`)).status,
      update: async () => (await call(`${api.base}/Goal/${id}`, { method: 'PUT', body: { ...created.body, lifecycleStatus: 'accepted' } })).status,
      'history-instance': async () => (await call(`${api.base}/Goal/${id}/_history`)).status,
      patch: async () =>
        (await call(`${api.base}/Goal/${id}`, { method: 'PATCH', rawBody: JSON.stringify([{ op: 'replace', path: '/lifecycleStatus', value: 'active' }]), headers: { 'content-type': 'application/json-patch+json' } })).status,
      'search-type': async () => (await call(`${api.base}/Goal?lifecycle-status=active`)).status,
      'history-type': async () => (await call(`${api.base}/Goal/_history`)).status,
      delete: async () => (await call(`${api.base}/Goal/${id}`, { method: 'DELETE' })).status,
    };
    const res = await call(`${api.base}/metadata`);
    const codes = res.body.rest[0].resource[0].interaction.map((i: any) => i.code);
    // Run delete last so the other probes still find the resource.
    for (const code of [...codes.filter((c: string) => c !== 'delete'), 'delete']) {
      const probe = probes[code as string];
      expect(probe, `no probe for listed interaction ${code}`).toBeDefined();
      expect([200, 201, 204]).toContain(await probe!());
    }
    expect((await call(`${api.base}/_history`)).status).toBe(200);
  });
});
