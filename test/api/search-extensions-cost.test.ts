/**
 * Searches through the care team and `CarePlan/$indicators` stay within `SEARCH_MAX_EXAMINED`:
 * past it they answer 400 `too-costly`, never a timeout. Here the budget is 100 stored resources
 * (the least allowed) and one practitioner coordinates 51 plans (51 care teams + 51 plans to
 * read). Synthetic identities only.
 */
import type { CareTeam, CarePlan } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_SYSTEMS, COORDINATOR_ROLE } from '../../functions/api/profile/canonical.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { makeHetu } from '../search/independent/hetu.js';
import { create, matchIds, unique } from './search/helpers.js';

const HETU = 'urn:oid:1.2.246.21';
const busy = `Practitioner/${unique('busy')}`;
const calm = `Practitioner/${unique('calm')}`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ SEARCH_MAX_EXAMINED: '100' });
  const planOf = async (n: number): Promise<void> => {
    const subject = { type: 'Patient', identifier: { system: HETU, value: makeHetu({ year: 1990, month: 1, day: 2 }, '-', 900 + n) } };
    const members = n === 0 ? [busy, calm] : [busy];
    const team = await create<CareTeam>(api, {
      resourceType: 'CareTeam',
      status: 'active',
      subject,
      participant: members.map((reference) => ({ role: [{ coding: [{ system: CODE_SYSTEMS.careTeamRole.url, code: COORDINATOR_ROLE }] }], member: { reference } })),
    });
    await create<CarePlan>(api, { resourceType: 'CarePlan', status: 'active', intent: 'plan', subject, careTeam: [{ reference: `CareTeam/${team.id}` }] });
  };
  for (let start = 0; start < 51; start += 8) await Promise.all(Array.from({ length: Math.min(8, 51 - start) }, (_, k) => planOf(start + k)));
}, 120_000);
afterAll(async () => api.close());

const expectTooCostly = async (path: string): Promise<void> => {
  const res = await call(`${api.base}/${path}`);
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].code).toBe('too-costly');
};

describe('bounded work', () => {
  it('answers a coordinator search within the budget', async () => {
    expect(await matchIds(api, `CarePlan?coordinator=${encodeURIComponent(calm)}`)).toHaveLength(1);
  });

  it('answers 400 too-costly when the care teams and plans of a member exceed SEARCH_MAX_EXAMINED', async () => {
    await expectTooCostly(`CarePlan?coordinator=${encodeURIComponent(busy)}`);
    await expectTooCostly(`CarePlan?participant=${encodeURIComponent(busy)}`);
  });

  it('answers 400 too-costly when $indicators would read more than SEARCH_MAX_EXAMINED', async () => {
    await expectTooCostly('CarePlan/$indicators?periodStart=2026&periodEnd=2026');
    const res = await call(`${api.base}/CarePlan/$indicators?periodStart=2026&periodEnd=2026`);
    expect(res.body.issue[0].diagnostics).toContain('indicators');
  });
});
