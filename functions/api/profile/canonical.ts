/**
 * Canonical URLs and codes of the Finnish shared-plan profile (issue 9): the one place every
 * profile, extension, CodeSystem, ValueSet and SearchParameter of this API is named. Seed data,
 * validation, search and documentation import them from here.
 *
 * @see docs/profile.md
 */

/** Base of every canonical URL this API defines. */
export const CANONICAL_BASE = 'https://shared-care-plan.fi/fhir';

const sd = (id: string): string => `${CANONICAL_BASE}/StructureDefinition/${id}`;
const cs = (id: string): string => `${CANONICAL_BASE}/CodeSystem/${id}`;
const vs = (id: string): string => `${CANONICAL_BASE}/ValueSet/${id}`;
const sp = (id: string): string => `${CANONICAL_BASE}/SearchParameter/${id}`;

/** Profiles (StructureDefinition ids and URLs). */
export const PROFILES = {
  /** Shared client plan (HOPA): CarePlan. */
  carePlan: { id: 'shared-care-plan', url: sd('shared-care-plan'), type: 'CarePlan' },
  /** The client's network with one named coordinator: CareTeam. */
  careTeam: { id: 'shared-care-team', url: sd('shared-care-team'), type: 'CareTeam' },
  /** Consent for sharing between social and health care. */
  consent: { id: 'sharing-consent', url: sd('sharing-consent'), type: 'Consent' },
  /** A goal in the client's own words. */
  goal: { id: 'client-goal', url: sd('client-goal'), type: 'Goal' },
} as const;

/** Extensions (StructureDefinition ids and URLs). */
export const EXTENSIONS = {
  /** CarePlan: the date of the next review of the plan (valueDate, 0..1); searchable as `next-review`. */
  nextReview: { id: 'next-review', url: sd('next-review') },
  /** CarePlan: what supports the plan — strengths, "what goes well" (valueString, 0..*). */
  supportingFactor: { id: 'supporting-factor', url: sd('supporting-factor') },
  /** Consent: how the consent was given (valueCoding from {@link CODE_SYSTEMS.consentMethod}, 1..1 in the profile). */
  consentMethod: { id: 'consent-method', url: sd('consent-method') },
  /** Consent: where the consent document is stored (valueCoding from {@link CODE_SYSTEMS.consentStorage}, plus a text place). */
  consentStorage: { id: 'consent-storage', url: sd('consent-storage') },
  /** Any resource (meta.extension): the organisation holding the record, set by the server. */
  custodian: { id: 'custodian', url: sd('custodian') },
} as const;

/** CodeSystems (ids and URLs). */
export const CODE_SYSTEMS = {
  /** Roles in the client's network (Omatiimi): coordinator, client, relative, professions … */
  careTeamRole: { id: 'care-team-role', url: cs('care-team-role') },
  /** written | oral | electronic. */
  consentMethod: { id: 'consent-method', url: cs('consent-method') },
  /** electronic | paper. */
  consentStorage: { id: 'consent-storage', url: cs('consent-storage') },
} as const;

/** ValueSets (ids and URLs): each all codes of the CodeSystem of the same name. */
export const VALUE_SETS = {
  careTeamRole: { id: 'care-team-role', url: vs('care-team-role') },
  consentMethod: { id: 'consent-method', url: vs('consent-method') },
  consentStorage: { id: 'consent-storage', url: vs('consent-storage') },
} as const;

/** The care-team role code of the named coordinator (vastuutyöntekijä / koordinaattori). */
export const COORDINATOR_ROLE = 'coordinator';

/** Search parameters beyond R4 (SearchParameter ids, URLs and codes). */
export const SEARCH_PARAMETERS = {
  /** CarePlan: the active coordinator of the plan's care team (reference). */
  coordinator: { id: 'CarePlan-coordinator', url: sp('CarePlan-coordinator'), code: 'coordinator', base: 'CarePlan' },
  /** CarePlan: the next-review date (date): `next-review=lt<today>` finds overdue reviews. */
  nextReview: { id: 'CarePlan-next-review', url: sp('CarePlan-next-review'), code: 'next-review', base: 'CarePlan' },
  /** CarePlan: any member of the plan's care team (reference). */
  participant: { id: 'CarePlan-participant', url: sp('CarePlan-participant'), code: 'participant', base: 'CarePlan' },
} as const;

/** Henkilötunnus (Finnish personal identity code) identifier system. */
export const HETU_SYSTEM = 'urn:oid:1.2.246.21';

/**
 * The non-disclosure marking (turvakielto) in `meta.security`: HL7 Finland's
 * `fi-base-security-label-cs#TURVAKIELTO`. Defined with the rule it triggers (the access package
 * imports nothing outside itself).
 */
export { NON_DISCLOSURE_LABEL } from '../access/non-disclosure.js';
