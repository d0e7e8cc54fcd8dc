import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../functions/api/profile/canonical.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { mintToken } from '../support/tokens.js';
import { ALLOWED, BREACHES, CONFORMING, changed, conformingCarePlan, conformingGoal } from '../profile/examples.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

const expressionsOf = (body: any): string[] => (body?.issue ?? []).flatMap((issue: any) => issue.expression ?? []);
const post = (resource: Record<string, any>, headers: Record<string, string> = {}): ReturnType<typeof call> =>
  call(`${api.base}/${resource.resourceType}`, { method: 'POST', body: resource, headers });

describe('conformance resources', () => {
  it('reads a profile with its differential and its snapshot', async () => {
    const res = await call(`${api.base}/StructureDefinition/shared-care-plan`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'StructureDefinition', url: PROFILES.carePlan.url, type: 'CarePlan', kind: 'resource', derivation: 'constraint', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/CarePlan' });
    const ids = res.body.snapshot.element.map((element: any) => element.id);
    expect(ids).toEqual(expect.arrayContaining(['CarePlan', 'CarePlan.careTeam', 'CarePlan.extension:nextReview', 'CarePlan.subject.identifier.system', 'CarePlan.note']));
    expect(res.body.snapshot.element.find((element: any) => element.id === 'CarePlan.careTeam')).toMatchObject({ min: 1, max: '1' });
    expect(res.body.differential.element.length).toBeGreaterThan(0);
  });

  it('finds a StructureDefinition by url, also with its version, and nothing for another url', async () => {
    for (const url of [PROFILES.careTeam.url, `${PROFILES.careTeam.url}|0.1.0`]) {
      const res = await call(`${api.base}/StructureDefinition?url=${encodeURIComponent(url)}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
      expect(res.body.entry[0]).toMatchObject({ fullUrl: `${api.base}/StructureDefinition/shared-care-team`, search: { mode: 'match' }, resource: { id: 'shared-care-team' } });
    }
    const none = await call(`${api.base}/StructureDefinition?url=${encodeURIComponent(`${PROFILES.careTeam.url}|2.0.0`)}`);
    expect(none.body).toMatchObject({ total: 0 });
    expect(none.body.entry).toBeUndefined();
  });

  it('answers a POST _search with a form body as the GET search, for every conformance type', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const posted = await call(`${api.base}/StructureDefinition/_search`, { method: 'POST', rawBody: `url=${encodeURIComponent(PROFILES.careTeam.url)}`, headers: form });
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    expect(posted.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect(posted.body.entry[0].resource.id).toBe('shared-care-team');
    for (const type of ['CodeSystem', 'ValueSet']) {
      const all = await call(`${api.base}/${type}`);
      const byPost = await call(`${api.base}/${type}/_search?_id=${all.body.entry[0].resource.id}`, { method: 'POST', rawBody: '', headers: form });
      expect(byPost.status, type).toBe(200);
      expect(byPost.body.entry.map((entry: any) => entry.resource.id)).toEqual([all.body.entry[0].resource.id]);
    }
    const unknown = await call(`${api.base}/ValueSet/_search`, { method: 'POST', rawBody: 'name=x', headers: form });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issue[0].expression).toEqual(['name']);
  });

  it('lists every definition of a type without parameters, and finds them by _id', async () => {
    const counts = { StructureDefinition: 9, CodeSystem: 3, ValueSet: 3 };
    for (const [type, count] of Object.entries(counts)) {
      const res = await call(`${api.base}/${type}`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(count);
      expect(res.body.entry.every((entry: any) => entry.resource.resourceType === type)).toBe(true);
    }
    const byId = await call(`${api.base}/StructureDefinition?_id=client-goal,consent-method`);
    expect(byId.body.entry.map((entry: any) => entry.resource.id)).toEqual(['client-goal', 'consent-method']);
  });

  it('serves the CodeSystems and ValueSets by id and by url, with Finnish, Swedish and English displays', async () => {
    const system = await call(`${api.base}/CodeSystem/care-team-role`);
    expect(system.status).toBe(200);
    const coordinator = system.body.concept.find((concept: any) => concept.code === 'coordinator');
    expect(coordinator.designation.filter((designation: any) => designation.use.code === 'display').map((designation: any) => designation.value)).toEqual(['Vastuutyöntekijä', 'Ansvarig arbetstagare', 'Coordinator']);
    const set = await call(`${api.base}/ValueSet?url=${encodeURIComponent('https://shared-care-plan.fi/fhir/ValueSet/consent-storage')}`);
    expect(set.body.entry[0].resource).toMatchObject({ id: 'consent-storage', compose: { include: [{ system: 'https://shared-care-plan.fi/fhir/CodeSystem/consent-storage' }] } });
  });

  it('answers 404 for an unknown id', async () => {
    const res = await call(`${api.base}/StructureDefinition/us-core-patient`);
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('refuses an unknown search parameter with 400, and ignores it with Prefer: handling=lenient', async () => {
    const strict = await call(`${api.base}/StructureDefinition?type=CarePlan`);
    expect(strict.status).toBe(400);
    expect(expressionsOf(strict.body)).toEqual(['type']);
    const lenient = await call(`${api.base}/StructureDefinition?type=CarePlan&_id=client-goal`, { headers: { prefer: 'handling=lenient' } });
    expect(lenient.status).toBe(200);
    expect(lenient.body.entry.map((entry: any) => entry.search.mode)).toEqual(['match', 'outcome']);
  });

  it.each([
    ['POST', '/StructureDefinition'],
    ['PUT', '/StructureDefinition/shared-care-plan'],
    ['DELETE', '/StructureDefinition/shared-care-plan'],
    ['PATCH', '/CodeSystem/care-team-role'],
    ['PUT', '/ValueSet/care-team-role'],
    ['DELETE', '/ValueSet'],
  ])('answers %s %s with 405 and Allow: GET', async (method, path) => {
    const res = await call(`${api.base}${path}`, { method, body: { resourceType: path.split('/')[1] } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('answers 400 for a malformed id, naming the type', async () => {
    const res = await call(`${api.base}/StructureDefinition/bad_id`);
    expect(res.status).toBe(400);
    expect(expressionsOf(res.body)).toEqual(['StructureDefinition.id']);
  });

  it('audits a read as a request about no client', async () => {
    const requestId = `profile-read-${Date.now()}`;
    expect((await call(`${api.base}/CodeSystem/care-team-role`, { headers: { 'x-request-id': requestId } })).status).toBe(200);
    const scan = await api.client.send(new ScanCommand({ TableName: api.config.tableName, ConsistentRead: true }));
    const records = (scan.Items ?? []).map((item) => unmarshall(item)).filter((item) => String(item.body ?? '').includes(requestId));
    expect(records).toHaveLength(1);
    expect(records[0]?.PK).toMatch(/^AU#-#/);
    expect(JSON.parse(records[0]?.body as string)).toMatchObject({ resourceType: 'AuditEvent', outcome: '0' });
  });

  it('needs a valid token but no scope on the conformance types', async () => {
    expect((await call(`${api.base}/StructureDefinition/shared-care-plan`, { token: null })).status).toBe(401);
    const goalsOnly = await mintToken({ scope: 'system/Goal.r' });
    expect((await call(`${api.base}/StructureDefinition/shared-care-plan`, { token: goalsOnly })).status).toBe(200);
    expect((await call(`${api.base}/ValueSet?url=${encodeURIComponent('https://shared-care-plan.fi/fhir/ValueSet/care-team-role')}`, { token: goalsOnly })).status).toBe(200);
  });
});

describe('CapabilityStatement', () => {
  it('lists the profile of each stored type as supportedProfile', async () => {
    const res = await call(`${api.base}/metadata`, { token: null });
    const byType = Object.fromEntries(res.body.rest[0].resource.map((resource: any) => [resource.type, resource]));
    expect(byType.CarePlan.supportedProfile).toEqual([PROFILES.carePlan.url]);
    expect(byType.CareTeam.supportedProfile).toEqual([PROFILES.careTeam.url]);
    expect(byType.Consent.supportedProfile).toEqual([PROFILES.consent.url]);
    expect(byType.Goal.supportedProfile).toEqual([PROFILES.goal.url]);
  });

  it.each(['StructureDefinition', 'CodeSystem', 'ValueSet'])('lists %s with read and search by url and _id only', async (type) => {
    const res = await call(`${api.base}/metadata`, { token: null });
    const entry = res.body.rest[0].resource.find((resource: any) => resource.type === type);
    expect(entry.interaction.map((interaction: any) => interaction.code).sort()).toEqual(['read', 'search-type']);
    expect(entry.searchParam.map((param: any) => `${param.name}:${param.type}`)).toEqual(['url:uri', '_id:token']);
    expect(entry).toMatchObject({ versioning: 'no-version', conditionalCreate: false, updateCreate: false });
  });
});

describe('profile enforcement on create', () => {
  it.each(Object.keys(CONFORMING))('stores a conforming %s with its meta.profile', async (type) => {
    const res = await post(CONFORMING[type as keyof typeof CONFORMING]());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.meta.profile).toHaveLength(1);
  });

  it.each(BREACHES.map((breach) => [breach.rule, breach] as const))('refuses a breach of %s with 422 naming the element', async (_rule, breach) => {
    const res = await post(changed(breach.type, breach.change));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(expressionsOf(res.body)).toContain(breach.expression);
    const [element] = breach.rule.split('#');
    expect(res.body.issue.some((issue: any) => issue.diagnostics.includes(`rule ${element} `))).toBe(true);
  });

  it.each(ALLOWED.map((allowed) => [allowed.type, allowed.why, allowed] as const))('stores a %s that still conforms: %s', async (type, _why, allowed) => {
    const res = await post(changed(type, allowed.change));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses an unknown profile in meta.profile with 422 saying which', async () => {
    const res = await post({ ...conformingGoal(), meta: { profile: ['https://example.fi/fhir/StructureDefinition/tavoite'] } });
    expect(res.status).toBe(422);
    expect(res.body.issue).toEqual([expect.objectContaining({ expression: ['Goal.meta.profile[0]'], diagnostics: expect.stringContaining("Unknown profile 'https://example.fi/fhir/StructureDefinition/tavoite'") })]);
  });

  it('checks only R4 when the resource names no profile and the county requires none', async () => {
    const { meta: _meta, careTeam: _careTeam, ...plan } = conformingCarePlan();
    expect((await post(plan)).status).toBe(201);
  });
});

describe('profile enforcement on every write path', () => {
  const identifier = (value: string): { system: string; value: string } => ({ system: 'urn:oid:1.2.246.10.1234567.10.1', value });
  const withoutCareTeam = (value: string): Record<string, any> => {
    const { careTeam: _careTeam, ...plan } = conformingCarePlan();
    return { ...plan, identifier: [identifier(value)] };
  };

  it('update: PUT of a breach is 422 and the stored version stays', async () => {
    const created = await post(conformingCarePlan());
    const res = await call(`${api.base}/CarePlan/${created.body.id}`, { method: 'PUT', body: { ...withoutCareTeam('HOPA-PUT'), id: created.body.id } });
    expect(res.status).toBe(422);
    expect(expressionsOf(res.body)).toContain('CarePlan.careTeam');
    expect((await call(`${api.base}/CarePlan/${created.body.id}`)).body.meta.versionId).toBe('1');
  });

  it('conditional create: If-None-Exist with a breach is 422', async () => {
    const res = await post(withoutCareTeam('HOPA-IFNONE'), { 'if-none-exist': 'identifier=urn:oid:1.2.246.10.1234567.10.1|HOPA-IFNONE' });
    expect(res.status).toBe(422);
    expect(expressionsOf(res.body)).toContain('CarePlan.careTeam');
  });

  it('conditional update: PUT [type]?identifier= with a breach is 422', async () => {
    const res = await call(`${api.base}/CarePlan?identifier=${encodeURIComponent('urn:oid:1.2.246.10.1234567.10.1|HOPA-CONDPUT')}`, { method: 'PUT', body: withoutCareTeam('HOPA-CONDPUT') });
    expect(res.status).toBe(422);
    expect(expressionsOf(res.body)).toContain('CarePlan.careTeam');
  });

  it('PATCH: a result that breaks the profile is 422', async () => {
    const created = await post(conformingCarePlan());
    const res = await call(`${api.base}/CarePlan/${created.body.id}`, {
      method: 'PATCH',
      rawBody: JSON.stringify([{ op: 'remove', path: '/careTeam' }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(res.status).toBe(422);
    expect(expressionsOf(res.body)).toContain('CarePlan.careTeam');
  });

  it('transaction: an entry that breaks the profile fails the whole Bundle with 422 naming the entry', async () => {
    const res = await call(api.base, {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: 'urn:uuid:6f1c2a9e-0000-4000-8000-000000000001', resource: conformingGoal(), request: { method: 'POST', url: 'Goal' } },
          { fullUrl: 'urn:uuid:6f1c2a9e-0000-4000-8000-000000000002', resource: withoutCareTeam('HOPA-TX'), request: { method: 'POST', url: 'CarePlan' } },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(expressionsOf(res.body)).toEqual(expect.arrayContaining(['Bundle.entry[1]', 'CarePlan.careTeam']));
    const stored = await call(`${api.base}/CarePlan?identifier=${encodeURIComponent('urn:oid:1.2.246.10.1234567.10.1|HOPA-TX')}`);
    expect(stored.body.total ?? stored.body.entry?.length ?? 0).toBe(0);
  });

  it('batch: the breaching entry fails with 422 and its outcome, the other is stored', async () => {
    const res = await call(api.base, {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { resource: conformingGoal(), request: { method: 'POST', url: 'Goal' } },
          { resource: withoutCareTeam('HOPA-BATCH'), request: { method: 'POST', url: 'CarePlan' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toMatch(/^201/);
    expect(res.body.entry[1].response.status).toMatch(/^422/);
    expect(expressionsOf(res.body.entry[1].response.outcome)).toContain('CarePlan.careTeam');
  });
});
