/**
 * A write DynamoDB cannot take in one TransactWriteItems (at most 100 actions) is refused before
 * anything is sent, naming the element that makes it too big — by a single interaction exactly
 * as by a transaction.
 */
import type { CareTeam, Goal } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { careTeamFixture, goalFixture } from '../fixtures/shared-plan.js';
import { bundle, GOAL_ID_SYSTEM, newUrn, postBundle, postEntry, tableSnapshot } from './bundle/helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

/** A CareTeam with `count` practitioner members: one search anchor item each. */
function careTeamOf(count: number): CareTeam {
  const participant = Array.from({ length: count }, (_, n) => ({ member: { reference: `Practitioner/tyontekija-${n}` } }));
  return { ...careTeamFixture(), participant };
}

/** A Goal with `count` business identifiers: one uniqueness item each. */
function goalOf(count: number, prefix: string): Goal {
  return { ...goalFixture(), identifier: Array.from({ length: count }, (_, n) => ({ system: GOAL_ID_SYSTEM, value: `${prefix}-${n}` })) };
}

function expectTooCostly(res: { status: number; body: any }, element: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(413);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].code).toBe('too-costly');
  expect(res.body.issue[0].expression).toContain(element);
  expect(res.body.issue[0].diagnostics).toContain('100');
}

describe('writes too big for one DynamoDB transaction', () => {
  it('answers 413 too-costly naming CareTeam.participant for a create with 99 participants, writing nothing', async () => {
    const before = await tableSnapshot(api);
    expectTooCostly(await call(`${api.base}/CareTeam`, { method: 'POST', body: careTeamOf(99) }), 'CareTeam.participant');
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('answers 413 too-costly naming Goal.identifier for an update adding 98 identifiers, writing nothing', async () => {
    const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    expect(created.status).toBe(201);
    const before = await tableSnapshot(api);
    const res = await call(`${api.base}/Goal/${created.body.id}`, { method: 'PUT', body: { ...goalOf(98, 'iso'), id: created.body.id } });
    expectTooCostly(res, 'Goal.identifier');
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('still stores a CareTeam whose write fits', async () => {
    const res = await call(`${api.base}/CareTeam`, { method: 'POST', body: careTeamOf(40) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('answers a transaction holding such a resource with 413 too-costly, writing nothing', async () => {
    const before = await tableSnapshot(api);
    const res = await postBundle(api, bundle('transaction', [postEntry(newUrn(), careTeamOf(99))]));
    expect(res.status, JSON.stringify(res.body)).toBe(413);
    expect(res.body.issue[0].code).toBe('too-costly');
    expect(await tableSnapshot(api)).toEqual(before);
  });
});
