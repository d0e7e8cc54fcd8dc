import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTODIAN_EXTENSION_URL, SOTE_ORGANIZATION_SYSTEM } from '../../functions/api/access/index.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { TEST_ORG } from '../support/tokens.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

const fixtures = { CarePlan: carePlanFixture, CareTeam: careTeamFixture, Consent: consentFixture, Goal: goalFixture } as const;

describe('Finnish shared-plan fixtures', () => {
  for (const [type, make] of Object.entries(fixtures)) {
    it(`${type} round-trips unchanged apart from id and meta`, async () => {
      const input = make();
      const created = await call(`${api.base}/${type}`, { method: 'POST', body: input });
      expect(created.status).toBe(201);
      const read = await call(`${api.base}/${type}/${created.body.id}`);
      const { id, meta, ...content } = read.body;
      expect(id).toBe(created.body.id);
      expect(meta).toEqual({
        versionId: '1',
        lastUpdated: created.body.meta.lastUpdated,
        extension: [{ url: CUSTODIAN_EXTENSION_URL, valueIdentifier: { system: SOTE_ORGANIZATION_SYSTEM, value: TEST_ORG } }],
      });
      expect(content).toEqual(input);
    });
  }
});
