/**
 * Building blocks of the generated search data set: code systems, synthetic people and
 * organisations, references in the three styles used in practice, and dates of varied precision.
 */
import type { CodeableConcept, Reference } from 'fhir/r4.js';
import { HETU_SYSTEM, makeHetu } from './hetu.js';
import type { Random } from './random.js';

export const SYSTEMS = {
  hetu: HETU_SYSTEM,
  sote: 'urn:oid:1.2.246.537.6.202.2008',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  planType: 'https://example.fi/fhir/CodeSystem/plan-type',
  role: 'https://example.fi/fhir/CodeSystem/shared-plan-role',
  goalCategory: 'http://terminology.hl7.org/CodeSystem/goal-category',
  goalAchievement: 'http://terminology.hl7.org/CodeSystem/goal-achievement',
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  dataset: 'https://example.fi/fhir/CodeSystem/search-dataset',
  carePlanId: 'https://example.fi/fhir/sid/care-plan',
  careTeamId: 'https://example.fi/fhir/sid/care-team',
  goalId: 'https://example.fi/fhir/sid/goal',
} as const;

/** The canonical the HOPA plans instantiate (for the `instantiates-uri` parameter). */
export const HOPA_PLAN_DEFINITION = 'https://example.fi/fhir/PlanDefinition/hopa-shared-plan';

/** A synthetic client: a Patient id (never stored; the API has no Patient) and a test-range HETU. */
export interface SyntheticPatient {
  id: string;
  hetu: string;
}

export const PRACTITIONERS = Array.from({ length: 12 }, (_, i) => `Practitioner/prac-${String(i + 1).padStart(2, '0')}`);
export const ORGANIZATIONS = Array.from({ length: 5 }, (_, i) => ({ id: `org-${i + 1}`, oid: `1.2.246.10.12345678.10.${i + 1}` }));
export const GROUPS = ['Group/grp-1', 'Group/grp-2'];

/** `count` patients with distinct valid HETUs (individual numbers 900–999). */
export function makePatients(random: Random, count: number): SyntheticPatient[] {
  const seen = new Set<string>();
  const patients: SyntheticPatient[] = [];
  while (patients.length < count) {
    const year = random.int(1935, 2012);
    const sign = year < 2000 ? random.pick(['-', 'Y', 'X']) : random.pick(['A', 'B']);
    const hetu = makeHetu({ year, month: random.int(1, 12), day: random.int(1, 28) }, sign, random.int(900, 999));
    if (seen.has(hetu)) continue;
    seen.add(hetu);
    patients.push({ id: `pat-${String(patients.length + 1).padStart(2, '0')}`, hetu });
  }
  return patients;
}

/** A reference to the patient: literal, identifier only (with or without type), or both. */
export function patientReference(random: Random, patient: SyntheticPatient): Reference {
  const identifier = { system: SYSTEMS.hetu, value: patient.hetu };
  return random.weighted<Reference>([
    [{ reference: `Patient/${patient.id}` }, 40],
    [{ identifier }, 25],
    [{ type: 'Patient', identifier }, 10],
    [{ reference: `Patient/${patient.id}`, identifier }, 25],
  ]);
}

/** A reference to an organisation: literal, or by its SOTE identifier with type, or both. */
export function organizationReference(random: Random, organization = random.pick(ORGANIZATIONS)): Reference {
  const identifier = { system: SYSTEMS.sote, value: organization.oid };
  return random.weighted<Reference>([
    [{ reference: `Organization/${organization.id}` }, 50],
    [{ type: 'Organization', identifier }, 30],
    [{ reference: `Organization/${organization.id}`, identifier }, 20],
  ]);
}

export const coded = (system: string, code: string, text?: string): CodeableConcept => ({
  coding: [{ system, code }],
  ...(text !== undefined ? { text } : {}),
});

const START = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

/** A day counted from 2025-01-01, as `YYYY-MM-DD`. */
export function isoDay(dayNumber: number): string {
  return new Date(START + dayNumber * DAY).toISOString().slice(0, 10);
}

/** A random day number in 2025-01-01 … 2028-06-30. */
export function randomDay(random: Random): number {
  return random.int(0, 1276);
}

/** A dateTime-typed value on that day: a plain date, a time with a Finnish or UTC offset, or a month. */
export function dateTimeOn(random: Random, dayNumber: number): string {
  const day = isoDay(dayNumber);
  const hh = String(random.int(7, 18)).padStart(2, '0');
  return random.weighted([
    [day, 55],
    [`${day}T${hh}:${random.pick(['00', '15', '30', '45'])}:00+02:00`, 15],
    [`${day}T${hh}:30:00+03:00`, 10],
    [`${day}T${hh}:00:00Z`, 10],
    [day.slice(0, 7), 10],
  ]);
}

/** A date-typed value on that day: mostly the day, sometimes only the month. */
export function dateOn(random: Random, dayNumber: number): string {
  const day = isoDay(dayNumber);
  return random.chance(0.15) ? day.slice(0, 7) : day;
}
