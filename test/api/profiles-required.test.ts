import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/shared/config.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';
import { CONFORMING } from '../profile/examples.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ REQUIRE_PROFILES: 'true' });
});
afterAll(async () => api.close());

const expressionsOf = (body: any): string[] => (body?.issue ?? []).flatMap((issue: any) => issue.expression ?? []);
const withoutMeta = <T extends { meta?: unknown }>(resource: T): Omit<T, 'meta'> => {
  const { meta: _meta, ...rest } = resource;
  return rest;
};

describe('REQUIRE_PROFILES=true', () => {
  it('reads the switch from the environment: false unless set, true or false only', async () => {
    expect(api.config.requireProfiles).toBe(true);
    const env = { TABLE_NAME: 'shared-care-plan', CURSOR_SECRET: 'k'.repeat(32) };
    expect((await loadConfig(env)).requireProfiles).toBe(false);
    await expect(loadConfig({ ...env, REQUIRE_PROFILES: 'yes' })).rejects.toThrow(/REQUIRE_PROFILES must be true or false/);
  });

  it.each(Object.keys(CONFORMING))('stores a conforming %s that does not name its profile', async (type) => {
    const res = await call(`${api.base}/${type}`, { method: 'POST', body: withoutMeta(CONFORMING[type as keyof typeof CONFORMING]()) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses a write that does not conform even though it names no profile', async () => {
    const team = await call(`${api.base}/CareTeam`, { method: 'POST', body: careTeamFixture() });
    expect(team.status).toBe(422);
    expect(expressionsOf(team.body)).toEqual(expect.arrayContaining(['CareTeam.participant[0].role[0]', 'CareTeam.participant']));
    const consent = await call(`${api.base}/Consent`, { method: 'POST', body: consentFixture() });
    expect(consent.status).toBe(422);
    expect(expressionsOf(consent.body)).toEqual([`Consent.extension('https://shared-care-plan.fi/fhir/StructureDefinition/consent-method')`]);
  });

  it('keeps the unprofiled plan and goal fixtures valid (they already conform)', async () => {
    expect((await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() })).status).toBe(201);
    expect((await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() })).status).toBe(201);
  });

  it('holds for PATCH results and transaction entries too', async () => {
    const goal = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    const patched = await call(`${api.base}/Goal/${goal.body.id}`, {
      method: 'PATCH',
      rawBody: JSON.stringify([{ op: 'remove', path: '/expressedBy' }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(patched.status).toBe(422);
    expect(expressionsOf(patched.body)).toContain('Goal.expressedBy');
    const transaction = await call(api.base, {
      method: 'POST',
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: consentFixture(), request: { method: 'POST', url: 'Consent' } }] },
    });
    expect(transaction.status).toBe(422);
    expect(expressionsOf(transaction.body)).toContain('Bundle.entry[0]');
  });
});
