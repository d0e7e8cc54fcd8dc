import type { Reference } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';
import { bundle, createResource, newUrn, patchEntry, postBundle, postEntry, putEntry, tableSnapshot } from './bundle/helpers.js';

const HETU = 'urn:oid:1.2.246.21';
const SOTE = 'urn:oid:1.2.246.537.6.202.2008';
/** The HL7 Finland base profile example: its check character should be W. */
const BAD_HETU = '010190-999Y';
const WRONG_CHECK = /check character should be W/;

const client = (value: string): Reference => ({ type: 'Patient', identifier: { system: HETU, value } });

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

/** Expects a 422 OperationOutcome whose only issue is `key` at `expression`, and returns its diagnostics. */
function expectRefused(res: { status: number; body: any }, key: string, expression: string): string {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue).toEqual([expect.objectContaining({ severity: 'error', code: 'invariant', expression: [expression] })]);
  expect(res.body.issue[0].diagnostics).toMatch(new RegExp(`^${key}: `));
  return res.body.issue[0].diagnostics;
}

describe('every write path checks henkilötunnus and SOTE organisation identifiers', () => {
  it('create: refuses a CarePlan whose subject has a wrong check character (422), writing nothing', async () => {
    const before = await tableSnapshot(api);
    const res = await call(`${api.base}/CarePlan`, { method: 'POST', body: { ...carePlanFixture(), subject: client(BAD_HETU) } });
    expect(expectRefused(res, 'fi-hetu', 'CarePlan.subject.identifier.value')).toMatch(WRONG_CHECK);
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('update: refuses a Consent whose patient has an impossible birth date (422), writing nothing', async () => {
    const consent = await createResource(api, consentFixture());
    const before = await tableSnapshot(api);
    const res = await call(`${api.base}/Consent/${consent.id}`, { method: 'PUT', body: { ...consent, patient: client('300290-999W') } });
    expect(expectRefused(res, 'fi-hetu', 'Consent.patient.identifier.value')).toMatch(/30 February 1990 is not a date/);
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('PATCH: refuses a result with a Goal identifier that is no henkilötunnus (422), writing nothing', async () => {
    const goal = await createResource(api, goalFixture());
    const before = await tableSnapshot(api);
    const res = await call(`${api.base}/Goal/${goal.id}`, {
      method: 'PATCH',
      rawBody: JSON.stringify([{ op: 'add', path: '/identifier', value: [{ system: HETU, value: '311080G999X' }] }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(expectRefused(res, 'fi-hetu', 'Goal.identifier[0].value')).toMatch(/century sign 'G' is not one of/);
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('transaction: refuses a Bundle with a bad henkilötunnus inside a contained resource, writing nothing', async () => {
    const contained = [{ resourceType: 'Goal', id: 'g', lifecycleStatus: 'active', description: { text: 'Aiempi tavoite' }, subject: client(BAD_HETU) }];
    const plan = { ...carePlanFixture(), goal: [{ reference: '#g' }], contained };
    const before = await tableSnapshot(api);
    const res = await postBundle(api, bundle('transaction', [postEntry(newUrn(), goalFixture()), postEntry(newUrn(), plan)]));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    const issue = (res.body.issue as any[]).find((i) => String(i.diagnostics).includes('fi-hetu'));
    expect(issue?.expression).toEqual(['Bundle.entry[1]', 'CarePlan.contained[0].subject.identifier.value']);
    expect(issue?.diagnostics).toMatch(WRONG_CHECK);
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it('batch: refuses only the entries with a bad henkilötunnus or a SOTE identifier that is no OID', async () => {
    const goal = await createResource(api, goalFixture());
    const team = { type: 'Organization', identifier: { system: SOTE, value: 'Terveysasema' } };
    const res = await postBundle(
      api,
      bundle('batch', [
        postEntry(newUrn(), goalFixture()),
        putEntry(api.base, `Goal/${goal.id}`, { ...goal, subject: client('311080-001X') }),
        patchEntry(`Goal/${goal.id}`, [{ op: 'replace', path: '/subject', value: client('311080-999x') }]),
        postEntry(newUrn(), { ...goalFixture(), expressedBy: team }),
      ]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [created, put, patched, sote] = res.body.entry as any[];
    expect(created.response.status).toMatch(/^201/);
    const refusal = (entry: any): { status: string; issue: any } => ({ status: entry.response.status, issue: entry.response.outcome?.issue?.[0] });
    expect(refusal(put)).toMatchObject({ status: '422 Unprocessable Entity', issue: { diagnostics: expect.stringMatching(/individual number 001 is not issued/) } });
    expect(refusal(patched)).toMatchObject({ status: '422 Unprocessable Entity', issue: { diagnostics: expect.stringMatching(/check character should be X, not 'x'/) } });
    expect(refusal(sote)).toMatchObject({ status: '422 Unprocessable Entity', issue: { diagnostics: expect.stringMatching(/^fi-sote-oid: 'Terveysasema' is not an OID/) } });
    expect((await call(`${api.base}/Goal/${goal.id}`)).body.meta.versionId).toBe('1');
  });

  it('accepts valid synthetic codes with the 2023 century signs on create', async () => {
    for (const value of ['311080Y999X', '020516B903K']) {
      const res = await call(`${api.base}/CarePlan`, { method: 'POST', body: { ...carePlanFixture(), subject: client(value) } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });
});
