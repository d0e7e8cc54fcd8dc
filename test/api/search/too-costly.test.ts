/**
 * Every search's work is bounded: past `SEARCH_MAX_EXAMINED` stored resources read, it answers
 * 400 `too-costly` naming a narrower query — never a timeout. Here the budget is 300 and the
 * table holds 210 synthetic patients of TEST_ORG (210 CarePlans, 420 Goals, 210 Consents, each
 * Consent naming the fixture's two organisations).
 *
 * @see docs/data-model.md ("Searches of a caller that sees little")
 */
import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSynthetic, syntheticPatient } from '../../../bench/load.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { mintToken } from '../../support/tokens.js';

/** Named as actor by every synthetic Consent (the fixture's health centre): more than the visible-set plan takes. */
const NAMED_EVERYWHERE = '1.2.246.10.12345678.10.2';
/** An organisation named by no Consent. */
const STRANGER = '1.2.246.10.1122334.10.4';

let api: TestApi;
const inputs: QueryCommandInput[] = [];

beforeAll(async () => {
  api = await startTestApi({ SEARCH_MAX_EXAMINED: '300' });
  await loadSynthetic({ client: api.client, tableName: api.config.tableName, patients: 210 });
  api.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand') inputs.push(args.input as QueryCommandInput);
      return next(args);
    },
    { step: 'initialize', name: 'recordQueries' },
  );
}, 240_000);
afterAll(async () => api.close());

async function expectTooCostly(url: string, token: string = api.token): Promise<void> {
  const res = await call(url, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  const [issue] = res.body.issue;
  expect(issue.code).toBe('too-costly');
  expect(issue.diagnostics).toContain('more than 300 stored resources');
  expect(issue.diagnostics).toMatch(/\?patient=Patient\/<id>/);
  expect(issue.diagnostics).toMatch(/\?identifier=<system>\|<value>/);
}

describe('too-costly searches', () => {
  it('answers 400 too-costly when a streamed search examines its budget without filling a page', async () => {
    await expectTooCostly(`${api.base}/Goal?lifecycle-status=cancelled`);
  });

  it('answers 400 too-costly when a count must see more than the budget', async () => {
    await expectTooCostly(`${api.base}/Goal?_summary=count`);
    await expectTooCostly(`${api.base}/Goal?_total=accurate&_count=1`);
    await expectTooCostly(`${api.base}/Goal?_sort=-start-date`);
  });

  it('bounds an emergency reader, who walks the whole type', async () => {
    await expectTooCostly(`${api.base}/Goal?lifecycle-status=cancelled`, await mintToken({ org: STRANGER, purpose: 'ETREAT' }));
  });

  it('answers the narrower query the outcome names', async () => {
    const patient = syntheticPatient(7);
    const res = await call(`${api.base}/Goal?patient=Patient/${patient.patientId}&_summary=count`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect((await call(`${api.base}/CarePlan?_summary=count`)).body.total).toBe(210);
  });

  it('costs a caller that sees nothing nothing, however large the type', async () => {
    inputs.length = 0;
    const res = await call(`${api.base}/Goal?lifecycle-status=cancelled&_total=accurate`, { token: await mintToken({ org: STRANGER }) });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(0);
    expect(inputs.map((input) => input.IndexName)).toEqual([undefined, 'byCustodian']);
  });

  it('walks the type (bounded) when more Consents name the caller than the visible-set plan takes', async () => {
    inputs.length = 0;
    const res = await call(`${api.base}/CarePlan?status=active&_count=5`, { token: await mintToken({ org: NAMED_EVERYWHERE }) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(inputs.some((input) => input.IndexName === undefined && input.ExpressionAttributeValues?.[':type']?.S === 'CarePlan')).toBe(true);
    expect(inputs.some((input) => input.IndexName === 'byCustodian')).toBe(false);
  });
});
