/**
 * The synthetic clients of the load test and the resources of their shared plans, built from the
 * HOPA-based fixtures of the API tests with each client's own identity.
 */
import type { CarePlan, CareTeam, Consent, Goal, Reference } from 'fhir/r4.js';
import { SOTE_ORGANIZATION_SYSTEM } from '../../functions/api/access/index.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../../test/fixtures/shared-plan.js';
import { syntheticHetu } from './hetu.js';

/** Henkilötunnus system (HL7 Finland Base Profiles). */
export const HETU_SYSTEM = 'urn:oid:1.2.246.21';

/** A stored CarePlan or Goal the load test reads and updates, with the last version it saw. */
export interface TrackedResource {
  readonly type: 'CarePlan' | 'Goal';
  readonly id: string;
  /** The newest representation seen; the base of the next update. */
  body: Record<string, unknown>;
  /** Its version id; `undefined` after a 412 until the resource is read again. */
  version: number | undefined;
}

/** One synthetic client and what is stored about them. */
export interface LoadClient {
  readonly index: number;
  readonly hetu: string;
  /** `Patient/<id>`: plans name the client by reference and by henkilötunnus. */
  readonly patient: string;
  /** Whether the custodian recorded a Consent opening the plan to the second organisation. */
  readonly consented: boolean;
  /** The id of the client's CareTeam, once stored. */
  careTeam: string | undefined;
  readonly carePlans: TrackedResource[];
  readonly goals: TrackedResource[];
}

/** Creates the `index`-th client, without stored resources yet; two in three give consent. */
export function loadClient(index: number): LoadClient {
  return { index, hetu: syntheticHetu(index), patient: `Patient/load-${index}`, consented: index % 3 !== 2, careTeam: undefined, carePlans: [], goals: [] };
}

/** The client as every resource names them: by Patient reference and by henkilötunnus. */
export function subjectOf(client: LoadClient): Reference {
  return { reference: client.patient, type: 'Patient', identifier: { system: HETU_SYSTEM, value: client.hetu }, display: `Testi Asiakas ${client.index}` };
}

const isoDate = (time: number): string => new Date(time).toISOString().slice(0, 10);

/** The client's consent, recorded by the custodian, naming organisation `actor`, in force now. */
export function consentFor(client: LoadClient, actor: string, now = Date.now()): Consent {
  const consent = consentFixture();
  const day = 86_400_000;
  return {
    ...consent,
    patient: subjectOf(client),
    performer: [subjectOf(client)],
    provision: {
      type: 'permit',
      period: { start: isoDate(now - 30 * day), end: isoDate(now + 365 * day) },
      actor: [{ ...consent.provision!.actor![0]!, reference: { identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: actor } } }],
    },
  };
}

/** The client's care team. */
export function careTeamFor(client: LoadClient): CareTeam {
  return { ...careTeamFixture(), subject: subjectOf(client), name: `Testi Asiakkaan ${client.index} omatiimi` };
}

/** One of the client's goals. */
export function goalFor(client: LoadClient, n: number): Goal {
  return { ...goalFixture(), subject: subjectOf(client), expressedBy: subjectOf(client), category: [{ text: n % 2 === 0 ? 'Arjen hallinta' : 'Terveys' }] };
}

/** A plan of the client referring to their team and first two goals. */
export function carePlanFor(client: LoadClient): CarePlan {
  const { careTeam, goal, ...plan } = carePlanFixture();
  const goals = client.goals.slice(0, 2).map(({ id }) => ({ reference: `Goal/${id}` }));
  return {
    ...plan,
    subject: subjectOf(client),
    contributor: [subjectOf(client), ...(plan.contributor ?? []).slice(1)],
    ...(client.careTeam ? { careTeam: [{ reference: `CareTeam/${client.careTeam}` }] } : {}),
    ...(goals.length > 0 ? { goal: goals } : {}),
  };
}
