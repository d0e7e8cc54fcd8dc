/**
 * README.md "Modelling a shared plan" cannot drift: its transaction Bundle is taken from the
 * README as written and posted through the API by the family centre, and it must be stored as
 * the seed's family-centre case (same client, identifiers and goals), conform to the profiles,
 * and open the plan to the organisations its Consent names. The canonical URLs it lists are
 * those of `canonical.ts`, and the quick start stays two commands.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, CarePlan, CareTeam, Consent, Goal } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodianOf } from '../../functions/api/access/index.js';
import { CODE_SYSTEMS, COORDINATOR_ROLE, EXTENSIONS, HETU_SYSTEM, NON_DISCLOSURE_LABEL, PROFILES } from '../../functions/api/profile/canonical.js';
import { CLIENTS, kantaHame } from '../../scripts/seed/county.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { mintToken } from '../support/tokens.js';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const MARKER = '<!-- example: shared-plan-transaction';

/** The JSON block right after the example marker. */
function exampleBundle(): Bundle {
  const at = README.indexOf(MARKER);
  expect(at, 'the README example marker').toBeGreaterThan(-1);
  const block = /```json\n([\s\S]*?)\n```/.exec(README.slice(at));
  expect(block, 'a ```json block after the marker').not.toBeNull();
  return JSON.parse(block![1]!) as Bundle;
}

const [familyBatch] = kantaHame();
const custodian = familyBatch!.organisation.oid;
const bundle = exampleBundle();
const resources = (bundle.entry ?? []).map((entry) => entry.resource!);
let api: TestApi;
let token: string;
let response: { status: number; body: any };

beforeAll(async () => {
  api = await startTestApi();
  token = await mintToken({ org: custodian });
  response = await call(api.base, { method: 'POST', body: bundle, token });
});
afterAll(async () => api.close());

const read = async <T>(location: string, as = token): Promise<T> => {
  const res = await call(`${api.base}/${location.replace(/\/_history\/\d+$/, '')}`, { token: as });
  expect(res.status).toBe(200);
  return res.body as T;
};

describe('the README transaction', () => {
  it('is stored whole: every entry created', () => {
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.type).toBe('transaction-response');
    expect(response.body.entry.map((entry: { response: { status: string } }) => entry.response.status)).toEqual(resources.map(() => '201 Created'));
  });

  it('creates nothing when sent again', async () => {
    const again = await call(api.base, { method: 'POST', body: bundle, token });
    expect(again.status).toBe(200);
    expect(again.body.entry.map((entry: { response: { status: string } }) => entry.response.status)).toEqual(resources.map(() => '200 OK'));
  });

  it('records a CareTeam with an active coordinator after a hand-over, Goals, a CarePlan with both extensions, and a Consent', async () => {
    const [consentAt, teamAt, ...rest] = response.body.entry.map((entry: { response: { location: string } }) => entry.response.location) as string[];
    const planAt = rest.pop()!;
    const plan = await read<CarePlan>(planAt);
    const team = await read<CareTeam>(teamAt!);
    const consent = await read<Consent>(consentAt!);
    expect(plan.careTeam).toEqual([{ reference: teamAt!.replace(/\/_history\/\d+$/, '') }]);
    expect(plan.goal?.map((goal) => goal.reference)).toEqual(rest.map((at) => at.replace(/\/_history\/\d+$/, '')));
    expect(plan.extension?.map((extension) => extension.url)).toEqual([EXTENSIONS.nextReview.url, EXTENSIONS.supportingFactor.url, EXTENSIONS.supportingFactor.url]);
    const coordinators = (team.participant ?? []).filter((participant) => participant.role?.some((role) => role.coding?.some((coding) => coding.code === COORDINATOR_ROLE)));
    expect(coordinators.map((participant) => participant.period?.end)).toEqual(['2026-11-01', undefined]);
    expect(consent.extension?.map((extension) => extension.url)).toEqual([EXTENSIONS.consentMethod.url, EXTENSIONS.consentStorage.url]);
    for (const resource of [plan, team, consent]) expect(custodianOf(resource)).toBe(custodian);
    for (const goalAt of rest) expect((await read<Goal>(goalAt)).meta?.profile).toEqual([PROFILES.goal.url]);
  });

  it('is the seed\'s family-centre case: same client, identifiers and goals', () => {
    const seeded = (familyBatch!.bundle.entry ?? []).map((entry) => entry.resource!);
    const idOf = (resource: { identifier?: { value?: string }[] }): string | undefined => resource.identifier?.[0]?.value;
    const seededIds = new Set(seeded.map((resource) => idOf(resource as { identifier?: { value?: string }[] })));
    for (const resource of resources) expect(seededIds.has(idOf(resource as { identifier?: { value?: string }[] })), `${resource.resourceType} identifier`).toBe(true);
    const seededGoals = seeded.filter((resource): resource is Goal => resource.resourceType === 'Goal').map((goal) => goal.description.text);
    for (const goal of resources.filter((resource): resource is Goal => resource.resourceType === 'Goal')) expect(seededGoals).toContain(goal.description.text);
    const plan = resources.find((resource): resource is CarePlan => resource.resourceType === 'CarePlan')!;
    expect(plan.subject.identifier).toEqual({ system: HETU_SYSTEM, value: CLIENTS.child.hetu });
  });

  it('opens the plan to each organisation the Consent names, and to no other', async () => {
    const consent = resources.find((resource): resource is Consent => resource.resourceType === 'Consent')!;
    const query = `CarePlan?identifier=${encodeURIComponent('urn:oid:1.2.246.10.99900010.10.11|HOPA-2025-0411')}&_include=CarePlan:care-team&_include=CarePlan:goal`;
    for (const actor of consent.provision?.actor ?? []) {
      const res = await call(`${api.base}/${query}`, { token: await mintToken({ org: actor.reference.identifier!.value! }) });
      expect(res.body.entry?.map((entry: { resource: { resourceType: string } }) => entry.resource.resourceType).sort()).toEqual(['CarePlan', 'CareTeam', 'Goal', 'Goal']);
    }
    const outsider = await call(`${api.base}/${query}`, { token: await mintToken({ org: '1.2.246.10.99900010.10.22' }) });
    expect(outsider.body.entry).toBeUndefined();
  });
});

describe('the README', () => {
  it('lists the canonical URLs and codes of canonical.ts', () => {
    const urls = [
      ...Object.values(PROFILES).map((profile) => profile.url),
      ...Object.values(EXTENSIONS).map((extension) => extension.url),
      ...Object.values(CODE_SYSTEMS).map((system) => system.url),
      `${NON_DISCLOSURE_LABEL.system}#${NON_DISCLOSURE_LABEL.code}`,
      HETU_SYSTEM,
    ];
    const section = README.slice(README.indexOf('## Modelling a shared plan'));
    for (const url of urls) expect(section).toContain(`\`${url}\``);
    expect(section).toContain(`\`${COORDINATOR_ROLE}\``);
  });

  it('keeps the quick start to two commands', () => {
    const quickStart = README.slice(README.indexOf('## Quick start'), README.indexOf('## Authentication'));
    const commands = /```bash\n([\s\S]*?)\n```/.exec(quickStart)![1]!.split('\n');
    expect(commands.map((line) => line.split('#')[0]!.trim())).toEqual(['npm start', 'npm test']);
  });
});
