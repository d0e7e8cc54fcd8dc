import type { CarePlan, Goal } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, careTeamFixture, goalFixture } from '../fixtures/shared-plan.js';
import { bundle, postBundle, postEntry, putEntry, newUrn, tableSnapshot } from './bundle/helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

const HETU = 'urn:oid:1.2.246.21';
/** 500 characters but 1 000 bytes of UTF-8: over the 900-byte limit only when measured in bytes. */
const finnish = 'ä'.repeat(500);
/** ~2 KB: past DynamoDB's 2 048-byte partition keys with any prefix. */
const emoji = '😀'.repeat(520);

const goalIdentified = (value: string): Goal => ({ ...goalFixture(), identifier: [{ system: 'https://example.fi/sid/goal', value }] });
/** A client identified in a local system (no henkilötunnus check), as `subject`. */
function planFor(value: string): CarePlan {
  const { careTeam: _team, ...plan } = carePlanFixture();
  return { ...plan, subject: { type: 'Patient', identifier: { system: 'urn:oid:1.2.246.10.12345678.99', value } } };
}

function expectRefused(res: { status: number; body: any }, statuses: readonly number[], expression: string): void {
  expect(statuses, JSON.stringify(res.body).slice(0, 600)).toContain(res.status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  const issues = (res.body.issue ?? []) as any[];
  expect(issues.some((issue) => (issue.expression ?? []).includes(expression) && /900 bytes/.test(issue.diagnostics)), JSON.stringify(issues).slice(0, 600)).toBe(true);
}

describe('values beyond the DynamoDB key limits', () => {
  it('refuses a create whose identifier is over 900 bytes of UTF-8 with 422, writing nothing', async () => {
    const before = await tableSnapshot(api);
    for (const value of [finnish, emoji]) {
      expectRefused(await call(`${api.base}/Goal`, { method: 'POST', body: goalIdentified(value) }), [422], 'Goal.identifier[0].value');
    }
    expectRefused(await call(`${api.base}/CarePlan`, { method: 'POST', body: planFor(finnish) }), [422], 'CarePlan.subject.identifier.value');
    const longTeam = { ...carePlanFixture(), careTeam: [{ reference: `https://example.fi/fhir/CareTeam/${'x'.repeat(2100)}` }] };
    expectRefused(await call(`${api.base}/CarePlan`, { method: 'POST', body: longTeam }), [422], 'CarePlan.careTeam[0].reference');
    const longMember = { ...careTeamFixture(), participant: [{ member: { identifier: { system: 'urn:x', value: emoji } } }] };
    expectRefused(await call(`${api.base}/CareTeam`, { method: 'POST', body: longMember }), [422], 'CareTeam.participant[0].member.identifier.value');
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('accepts an identifier of exactly 900 bytes', async () => {
    const system = 'https://example.fi/sid/goal';
    const value = 'ö'.repeat((900 - system.length) / 2);
    const res = await call(`${api.base}/Goal`, { method: 'POST', body: { ...goalFixture(), identifier: [{ system, value }] } });
    expect(res.status).toBe(201);
  });

  it('refuses an update and a transaction entry with such values, writing nothing', async () => {
    const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
    expect(created.status).toBe(201);
    const before = await tableSnapshot(api);
    const update = await call(`${api.base}/Goal/${created.body.id}`, { method: 'PUT', body: { ...goalIdentified(emoji), id: created.body.id } });
    expectRefused(update, [422], 'Goal.identifier[0].value');
    const tx = await postBundle(
      api,
      bundle('transaction', [postEntry(newUrn(), goalFixture()), putEntry(api.base, `Goal/${created.body.id}`, { ...goalIdentified(finnish), id: created.body.id })]),
    );
    expect([400, 422]).toContain(tx.status);
    expect(JSON.stringify(tx.body)).toContain('900 bytes');
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('answers 400 naming the parameter for searches and If-None-Exist with such values, never 500', async () => {
    const before = await tableSnapshot(api);
    const searches: [string, string][] = [
      [`Goal?identifier=${encodeURIComponent(`urn:x|${emoji}`)}`, 'identifier'],
      [`CarePlan?patient:identifier=${encodeURIComponent(`${HETU}|${finnish}`)}`, 'patient:identifier'],
      [`CarePlan?subject:identifier=${encodeURIComponent(`${HETU}|${finnish}`)}`, 'subject:identifier'],
      [`CarePlan?care-team=${encodeURIComponent(`https://example.fi/fhir/CareTeam/${emoji}`)}`, 'care-team'],
      [`CareTeam?participant:identifier=${encodeURIComponent(`urn:x|${emoji}`)}`, 'participant:identifier'],
      [`Goal?patient=${encodeURIComponent(`https://example.fi/fhir/Patient/${emoji}`)}`, 'patient'],
    ];
    for (const [query, parameter] of searches) {
      const res = await call(`${api.base}/${query}`);
      expectRefused(res, [400], parameter);
    }
    const conditional = await call(`${api.base}/Goal`, {
      method: 'POST',
      body: goalFixture(),
      headers: { 'if-none-exist': `identifier=${encodeURIComponent(`urn:x|${finnish}`)}` },
    });
    expectRefused(conditional, [400], 'identifier');
    expect(await tableSnapshot(api)).toEqual(before);
  });
});
