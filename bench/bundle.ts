/**
 * Transaction capacity: the largest typical shared plan one atomic transaction accepts, and
 * the time of a 25-resource transaction through the HTTP API.
 */
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../test/fixtures/shared-plan.js';
import { ms, quantile, timeMany } from './stats.js';
import { apiFetch } from './http.js';

/** A typical shared plan as one transaction: 1 CarePlan, 1 CareTeam, 1 Consent and `goals` Goals, linked by urn:uuid. */
export function sharedPlanTransaction(goals: number, run: number): unknown {
  const goalUrls = Array.from({ length: goals }, (_, n) => `urn:uuid:00000000-0000-4000-8000-${String(run * 1000 + n).padStart(12, '0')}`);
  const teamUrl = `urn:uuid:10000000-0000-4000-8000-${String(run).padStart(12, '0')}`;
  const plan = {
    ...carePlanFixture(),
    identifier: [{ system: 'https://example.fi/fhir/bench-plan', value: `plan-${run}` }],
    careTeam: [{ reference: teamUrl }],
    goal: goalUrls.map((reference) => ({ reference })),
  };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { resource: plan, request: { method: 'POST', url: 'CarePlan' } },
      { fullUrl: teamUrl, resource: careTeamFixture(), request: { method: 'POST', url: 'CareTeam' } },
      { resource: consentFixture(), request: { method: 'POST', url: 'Consent' } },
      ...goalUrls.map((fullUrl, n) => ({ fullUrl, resource: { ...goalFixture(), description: { text: `Tavoite ${n + 1}` } }, request: { method: 'POST', url: 'Goal' } })),
    ],
  };
}

async function post(base: string, body: unknown): Promise<number> {
  const res = await apiFetch(base, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

/** Finds the capacity and times 25-resource transactions. */
export async function benchBundle(base: string, n: number): Promise<string> {
  let run = 1;
  let largest = 0;
  for (let goals = 1; goals <= 100; goals++) {
    const status = await post(base, sharedPlanTransaction(goals, run++));
    if (status !== 200) break;
    largest = goals + 3;
  }
  for (let i = 0; i < 5; i++) await post(base, sharedPlanTransaction(22, run++));
  const samples = await timeMany(n, async () => {
    const status = await post(base, sharedPlanTransaction(22, run++));
    if (status !== 200) throw new Error(`25-resource transaction failed: ${status}`);
  });
  return [
    '| Transaction bundle | value |',
    '|---|---:|',
    `| largest typical shared plan in one atomic transaction (1 CarePlan + 1 CareTeam of 4 participants + 1 Consent + Goals) | ${largest} resources |`,
    `| 25-resource transaction (22 Goals), p50 over ${n} | ${ms(quantile(samples, 0.5))} ms |`,
    `| 25-resource transaction, p95 | ${ms(quantile(samples, 0.95))} ms |`,
  ].join('\n');
}
