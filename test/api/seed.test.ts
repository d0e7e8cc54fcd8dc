/**
 * `npm run seed`'s data and loader against a real API: the first run creates the county, the
 * second creates nothing; every seeded resource was accepted by the server and validates; the
 * data is what the brief of the seed promises (synthetic identities only, custodians of both
 * sectors, a coordinator hand-over, overdue reviews, a Swedish-speaking client, consents that
 * really open the plans to the organisations they name).
 */
import type { CarePlan, CareTeam, Consent, FhirResource, Goal, Reference } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodianOf } from '../../functions/api/access/index.js';
import { COORDINATOR_ROLE, EXTENSIONS, HETU_SYSTEM, PROFILES } from '../../functions/api/profile/canonical.js';
import { checkHenkilotunnus } from '../../schemas/henkilotunnus.js';
import { validateResource, type SupportedResourceType } from '../../schemas/index.js';
import { byIdentifier, day } from '../../scripts/seed/builders.js';
import { CLAIM_PROFILES, CLIENTS, kantaHame, type SeedBatch } from '../../scripts/seed/county.js';
import { formatSummary, seed, type SeedSummary } from '../../scripts/seed/load.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { mintToken } from '../support/tokens.js';

type Seeded = CarePlan | CareTeam | Consent | Goal;

let api: TestApi;
const today = new Date();
const batches = kantaHame(today);
const tokenFor = (org: string): Promise<string> => mintToken({ org, expiresIn: 600 });
let first: SeedSummary;
let second: SeedSummary;
/** Every seeded resource as the server stores it, with the organisation that wrote it. */
let stored: { resource: Seeded; batch: SeedBatch }[];

/** Entries per type in the seed data. */
function expectedCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of batches.flatMap((batch) => batch.bundle.entry ?? [])) counts[entry.resource!.resourceType] = (counts[entry.resource!.resourceType] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  api = await startTestApi();
  first = await seed({ base: api.base, tokenFor }, batches);
  second = await seed({ base: api.base, tokenFor }, batches);
  stored = [];
  for (const batch of batches) {
    const token = await tokenFor(batch.organisation.oid);
    for (const entry of batch.bundle.entry ?? []) {
      const resource = entry.resource as Seeded;
      const res = await call(`${api.base}/${resource.resourceType}?${byIdentifier(resource)}`, { token });
      expect(res.status).toBe(200);
      expect(res.body.entry, `${resource.resourceType} ${byIdentifier(resource)}`).toHaveLength(1);
      stored.push({ resource: res.body.entry[0].resource, batch });
    }
  }
}, 120_000);
afterAll(async () => api.close());

const plans = (): CarePlan[] => stored.map(({ resource }) => resource).filter((resource): resource is CarePlan => resource.resourceType === 'CarePlan');
const teams = (): CareTeam[] => stored.map(({ resource }) => resource).filter((resource): resource is CareTeam => resource.resourceType === 'CareTeam');
const clientOf = (resource: Seeded): Reference | undefined => (resource.resourceType === 'Consent' ? resource.patient : resource.subject);

describe('loading', () => {
  it('creates every resource on the first run', () => {
    const expected = expectedCounts();
    expect(Object.keys(first).sort()).toEqual(['CarePlan', 'CareTeam', 'Consent', 'Goal']);
    for (const [type, count] of Object.entries(expected)) expect(first[type]).toEqual({ created: count, existing: 0 });
  });

  it('creates nothing on the second run and reports everything as existing', () => {
    for (const [type, count] of Object.entries(expectedCounts())) expect(second[type]).toEqual({ created: 0, existing: count });
    const total = Object.values(expectedCounts()).reduce((a, b) => a + b, 0);
    expect(formatSummary(second)).toMatch(new RegExp(`total\\s+0\\s+${total}$`));
  });

  it('stored each resource once: one match per business identifier', () => {
    expect(stored).toHaveLength(Object.values(expectedCounts()).reduce((a, b) => a + b, 0));
  });
});

describe('the seeded resources', () => {
  it('each pass validation as stored', () => {
    for (const { resource } of stored) {
      const result = validateResource(resource.resourceType as SupportedResourceType, resource);
      expect(result.ok, JSON.stringify(result.ok ? '' : result.issues)).toBe(true);
    }
  });

  it('claim the shared-plan profiles', () => {
    const profileOf = { CarePlan: PROFILES.carePlan.url, CareTeam: PROFILES.careTeam.url, Consent: PROFILES.consent.url, Goal: PROFILES.goal.url };
    for (const { resource } of stored) expect(resource.meta?.profile).toEqual(CLAIM_PROFILES ? [profileOf[resource.resourceType]] : undefined);
  });

  it('are each held by the organisation that wrote them: custodians of both sectors', () => {
    for (const { resource, batch } of stored) expect(custodianOf(resource)).toBe(batch.organisation.oid);
    const sectors = new Set(batches.map((batch) => batch.organisation.sector));
    expect([...sectors].sort()).toEqual(['health care', 'social care']);
    expect(new Set(plans().map((plan) => custodianOf(plan))).size).toBe(3);
  });

  it('name clients only by synthetic henkilötunnus (900–999, correct check character)', () => {
    const hetus = new Set(stored.map(({ resource }) => clientOf(resource)?.identifier).filter((id) => id?.system === HETU_SYSTEM).map((id) => id!.value!));
    expect([...hetus].sort()).toEqual(Object.values(CLIENTS).map((client) => client.hetu).sort());
    for (const hetu of hetus) {
      expect(checkHenkilotunnus(hetu), hetu).toBeUndefined();
      expect(Number(hetu.slice(7, 10))).toBeGreaterThanOrEqual(900);
    }
  });
});

describe('the county', () => {
  const reviewOf = (plan: CarePlan): string | undefined => plan.extension?.find((extension) => extension.url === EXTENSIONS.nextReview.url)?.valueDate;

  it('has reviews overdue today and reviews to come', () => {
    const reviews = plans().map(reviewOf);
    expect(reviews.every((date) => date !== undefined)).toBe(true);
    expect(reviews.filter((date) => date! < day(today, 0)).length).toBeGreaterThanOrEqual(1);
    expect(reviews.filter((date) => date! > day(today, 0)).length).toBeGreaterThanOrEqual(1);
  });

  it('says in the emergency case that more than 8 visits in 6 months triggered the plan', () => {
    const plan = plans().find((candidate) => candidate.subject.identifier?.value === CLIENTS.frequentVisitor.hetu)!;
    expect(plan.description).toMatch(/yli 8 käyntiä 6 kk/);
    expect(plan.supportingInfo?.some((info) => /11 käyntiä/.test(info.display ?? ''))).toBe(true);
  });

  it('has a coordinator hand-over and one active coordinator per team', () => {
    for (const team of teams()) {
      const coordinators = (team.participant ?? []).filter((participant) => participant.role?.some((role) => role.coding?.some((coding) => coding.code === COORDINATOR_ROLE)));
      expect(coordinators.filter((participant) => participant.period?.end === undefined), team.name).toHaveLength(1);
    }
    const family = teams().find((team) => team.subject?.identifier?.value === CLIENTS.child.hetu)!;
    const [before, after] = (family.participant ?? []).filter((participant) => participant.role?.some((role) => role.coding?.some((coding) => coding.code === COORDINATOR_ROLE)));
    expect(before!.period!.end! < after!.period!.start!).toBe(true);
  });

  it('has goals in the clients\' own words, one client in Swedish', () => {
    const goals = stored.map(({ resource }) => resource).filter((resource): resource is Goal => resource.resourceType === 'Goal');
    expect(goals.every((goal) => /^(Haluan|Jag vill)/.test(goal.description.text ?? ''))).toBe(true);
    expect(goals.filter((goal) => goal.language === 'sv').length).toBeGreaterThanOrEqual(2);
  });

  it('records consents with method, storage, validity and recipients', () => {
    const consents = stored.map(({ resource }) => resource).filter((resource): resource is Consent => resource.resourceType === 'Consent');
    for (const consent of consents) {
      const urls = (consent.extension ?? []).map((extension) => extension.url);
      expect(urls).toEqual(expect.arrayContaining([EXTENSIONS.consentMethod.url, EXTENSIONS.consentStorage.url]));
      expect(consent.provision?.period?.start && consent.provision.period.end).toBeTruthy();
      expect(consent.provision?.actor?.length).toBeGreaterThan(0);
    }
  });

  it('shares each plan with the organisations its consent names', async () => {
    for (const batch of batches) {
      const consent = (batch.bundle.entry ?? []).map((entry) => entry.resource as FhirResource).find((resource): resource is Consent => resource.resourceType === 'Consent')!;
      const plan = (batch.bundle.entry ?? []).map((entry) => entry.resource as FhirResource).find((resource): resource is CarePlan => resource.resourceType === 'CarePlan');
      if (!plan) continue;
      for (const actor of consent.provision?.actor ?? []) {
        const res = await call(`${api.base}/CarePlan?${byIdentifier(plan)}`, { token: await tokenFor(actor.reference.identifier!.value!) });
        expect(res.body.entry ?? [], `${actor.reference.display} reads ${plan.title}`).toHaveLength(1);
      }
    }
  });

  it('resolves the social-care plan\'s reference to the health-care goal', () => {
    const plan = plans().find((candidate) => candidate.subject.identifier?.value === CLIENTS.adult.hetu)!;
    expect(plan.goal).toHaveLength(3);
    for (const reference of plan.goal ?? []) expect(reference.reference).toMatch(/^Goal\/[A-Za-z0-9-.]+$/);
  });
});
