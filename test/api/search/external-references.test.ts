import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.js';
import { create, matchIds, planFor, unique } from './helpers.js';

let api: TestApi;
let localPlan: string;
let remotePlan: string;
const patient = unique('p');
const remote = `https://other-county.example/fhir/Patient/${patient}`;

beforeAll(async () => {
  api = await startTestApi();
  localPlan = (await create(api, planFor(patient))).id!;
  remotePlan = (await create(api, { ...planFor(patient), subject: { reference: remote } })).id!;
});
afterAll(async () => api.close());

describe('references to another server', () => {
  it('are not found by the local Type/id or bare id of the same name', async () => {
    expect(await matchIds(api, `CarePlan?patient=Patient/${patient}`)).toEqual([localPlan]);
    expect(await matchIds(api, `CarePlan?subject=${patient}`)).toEqual([localPlan]);
  });

  it('are found by their absolute URL only', async () => {
    expect(await matchIds(api, `CarePlan?patient=${encodeURIComponent(remote)}`)).toEqual([remotePlan]);
  });

  it('an absolute URL on this server base means the local resource', async () => {
    expect(await matchIds(api, `CarePlan?patient=${encodeURIComponent(`${api.base}/Patient/${patient}`)}`)).toEqual([localPlan]);
  });
});
