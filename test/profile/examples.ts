/**
 * Examples of the shared-plan profiles: one conforming resource per profile (the shared-plan
 * fixtures with elements added, never changed), and for every enforced rule a change that breaks
 * it, with the FHIRPath the failure must name. Used by the pure tests (test/profile/) and over
 * HTTP (test/api/profiles.test.ts). Synthetic identities only.
 */
import type { CarePlan, CareTeam, Consent, Goal } from 'fhir/r4.js';
import { CODE_SYSTEMS, EXTENSIONS, HETU_SYSTEM, PROFILES } from '../../functions/api/profile/canonical.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';

type Json = Record<string, any>;
export type ProfiledType = 'CarePlan' | 'CareTeam' | 'Consent' | 'Goal';

const ROLE = CODE_SYSTEMS.careTeamRole.url;
const role = (code: string): { system: string; code: string } => ({ system: ROLE, code });

/** The shared-plan CarePlan fixture, profiled, with a next review date and two supporting factors. */
export function conformingCarePlan(): CarePlan {
  const plan = carePlanFixture();
  return {
    ...plan,
    meta: { profile: [PROFILES.carePlan.url] },
    extension: [
      ...(plan.extension ?? []),
      { url: EXTENSIONS.nextReview.url, valueDate: '2027-02-16' },
      { url: EXTENSIONS.supportingFactor.url, valueString: 'Käyn joka aamu lenkillä koiran kanssa.' },
    ],
  };
}

/** The care-team fixture, profiled: each role also coded from care-team-role. */
export function conformingCareTeam(): CareTeam {
  const team = careTeamFixture();
  const codes = ['coordinator', 'social-worker', 'nurse', 'relative'];
  return {
    ...team,
    meta: { profile: [PROFILES.careTeam.url] },
    participant: (team.participant ?? []).map((participant, index) => ({
      ...participant,
      role: (participant.role ?? []).map((concept) => ({ ...concept, coding: [...(concept.coding ?? []), role(codes[index] ?? 'network-member')] })),
    })),
  };
}

/** The consent fixture, profiled: given in writing, kept on paper in a named archive. */
export function conformingConsent(): Consent {
  return {
    ...consentFixture(),
    meta: { profile: [PROFILES.consent.url] },
    extension: [
      { url: EXTENSIONS.consentMethod.url, valueCoding: { system: CODE_SYSTEMS.consentMethod.url, code: 'written', display: 'Kirjallinen' } },
      { url: EXTENSIONS.consentStorage.url, valueCoding: { system: CODE_SYSTEMS.consentStorage.url, code: 'paper', display: 'Paperilla' } },
    ],
    sourceAttachment: { title: 'Aikuissosiaalityön asiakirja-arkisto, Testikatu 1' },
  };
}

/** The goal fixture, profiled. */
export function conformingGoal(): Goal {
  return { ...goalFixture(), meta: { profile: [PROFILES.goal.url] } };
}

export const CONFORMING: Readonly<Record<ProfiledType, () => Json>> = {
  CarePlan: conformingCarePlan as () => Json,
  CareTeam: conformingCareTeam as () => Json,
  Consent: conformingConsent as () => Json,
  Goal: conformingGoal as () => Json,
};

/** A change to a conforming resource that breaks one rule. */
export interface Breach {
  /** The rule, as `<element>#<kind>` or `<element>#invariant:<key>`. */
  readonly rule: string;
  readonly type: ProfiledType;
  readonly why: string;
  /** Changes the conforming resource in place. */
  readonly change: (resource: Json) => void;
  /** The FHIRPath the failed rule must name. */
  readonly expression: string;
}

/** A change to a conforming resource that still conforms (edges of the rules). */
export interface Allowed {
  readonly type: ProfiledType;
  readonly why: string;
  readonly change: (resource: Json) => void;
}

const ext = (url: string): string => `.extension('${url}')`;
const otherHetu = { system: HETU_SYSTEM, value: '020516C903K' };

export const BREACHES: readonly Breach[] = [
  // shared-care-plan
  { rule: 'CarePlan#invariant:scp-1', type: 'CarePlan', why: 'no need recorded', change: (r) => delete r.description, expression: 'CarePlan.description' },
  { rule: 'CarePlan.extension:nextReview#max', type: 'CarePlan', why: 'two next review dates', change: (r) => r.extension.push({ url: EXTENSIONS.nextReview.url, valueDate: '2027-03-01' }), expression: `CarePlan${ext(EXTENSIONS.nextReview.url)}` },
  { rule: 'CarePlan.extension:nextReview#type', type: 'CarePlan', why: 'next review as text', change: (r) => (r.extension[1] = { url: EXTENSIONS.nextReview.url, valueString: 'helmikuussa' }), expression: 'CarePlan.extension[1].value' },
  { rule: 'CarePlan.extension:supportingFactor#type', type: 'CarePlan', why: 'supporting factor as a number', change: (r) => (r.extension[2] = { url: EXTENSIONS.supportingFactor.url, valueInteger: 3 }), expression: 'CarePlan.extension[2].value' },
  { rule: 'CarePlan.intent#fixed', type: 'CarePlan', why: 'a proposal, not the agreed plan', change: (r) => (r.intent = 'proposal'), expression: 'CarePlan.intent' },
  { rule: 'CarePlan.subject#type', type: 'CarePlan', why: 'a group as subject', change: (r) => (r.subject = { reference: 'Group/perhe-1', identifier: otherHetu }), expression: 'CarePlan.subject' },
  { rule: 'CarePlan.subject.identifier#min', type: 'CarePlan', why: 'client by reference only', change: (r) => (r.subject = { reference: 'Patient/p-123' }), expression: 'CarePlan.subject.identifier' },
  { rule: 'CarePlan.subject.identifier.system#min', type: 'CarePlan', why: 'identifier without system', change: (r) => (r.subject.identifier = { value: '311080-999X' }), expression: 'CarePlan.subject.identifier.system' },
  { rule: 'CarePlan.subject.identifier.system#fixed', type: 'CarePlan', why: 'another identifier system', change: (r) => (r.subject.identifier = { system: 'urn:oid:1.2.246.537.26', value: '10000001' }), expression: 'CarePlan.subject.identifier.system' },
  { rule: 'CarePlan.subject.identifier.value#min', type: 'CarePlan', why: 'henkilötunnus system without value', change: (r) => (r.subject.identifier = { system: HETU_SYSTEM }), expression: 'CarePlan.subject.identifier.value' },
  { rule: 'CarePlan.created#min', type: 'CarePlan', why: 'no date', change: (r) => delete r.created, expression: 'CarePlan.created' },
  { rule: 'CarePlan.careTeam#min', type: 'CarePlan', why: 'no care team', change: (r) => delete r.careTeam, expression: 'CarePlan.careTeam' },
  { rule: 'CarePlan.careTeam#max', type: 'CarePlan', why: 'two care teams', change: (r) => r.careTeam.push({ reference: 'CareTeam/toinen-tiimi' }), expression: 'CarePlan.careTeam' },
  { rule: 'CarePlan.goal#min', type: 'CarePlan', why: 'no goals', change: (r) => delete r.goal, expression: 'CarePlan.goal' },
  { rule: 'CarePlan.activity.detail#min', type: 'CarePlan', why: 'an action by reference only', change: (r) => (r.activity[1] = { reference: { reference: 'ServiceRequest/sr-1' } }), expression: 'CarePlan.activity[1].detail' },
  { rule: 'CarePlan.activity.detail.scheduled[x]#min', type: 'CarePlan', why: 'an action without timing', change: (r) => delete r.activity[0].detail.scheduledString, expression: 'CarePlan.activity[0].detail.scheduled' },
  { rule: 'CarePlan.activity.detail.performer#min', type: 'CarePlan', why: 'an action without performer', change: (r) => delete r.activity[1].detail.performer, expression: 'CarePlan.activity[1].detail.performer' },
  // shared-care-team
  { rule: 'CareTeam#invariant:sct-1', type: 'CareTeam', why: 'no coordinator', change: (r) => (r.participant[0].role = [{ coding: [role('network-member')] }]), expression: 'CareTeam.participant' },
  { rule: 'CareTeam#invariant:sct-2', type: 'CareTeam', why: 'a second coordinator while the first is in charge', change: (r) => r.participant.push({ role: [{ coding: [role('coordinator')] }], member: { reference: 'Practitioner/uusi-koordinaattori' }, period: { start: '2026-12-01' } }), expression: 'CareTeam.participant[4]' },
  { rule: 'CareTeam.participant#min', type: 'CareTeam', why: 'nobody in the network', change: (r) => delete r.participant, expression: 'CareTeam.participant' },
  { rule: 'CareTeam.participant.role#min', type: 'CareTeam', why: 'a member without role', change: (r) => delete r.participant[2].role, expression: 'CareTeam.participant[2].role' },
  { rule: 'CareTeam.participant.role#binding', type: 'CareTeam', why: 'a role coded in SNOMED CT only', change: (r) => (r.participant[1].role[0].coding = r.participant[1].role[0].coding.slice(0, 1)), expression: 'CareTeam.participant[1].role[0]' },
  { rule: 'CareTeam.participant.member#min', type: 'CareTeam', why: 'a role without a member', change: (r) => delete r.participant[3].member, expression: 'CareTeam.participant[3].member' },
  { rule: 'CareTeam.participant.member#type', type: 'CareTeam', why: 'another care team as member', change: (r) => (r.participant[3].member = { reference: 'CareTeam/koulun-tiimi' }), expression: 'CareTeam.participant[3].member' },
  // sharing-consent
  { rule: 'Consent.extension:consentMethod#min', type: 'Consent', why: 'how the consent was given is not recorded', change: (r) => r.extension.splice(0, 1), expression: `Consent${ext(EXTENSIONS.consentMethod.url)}` },
  { rule: 'Consent.extension:consentMethod#max', type: 'Consent', why: 'two methods', change: (r) => r.extension.push({ url: EXTENSIONS.consentMethod.url, valueCoding: { system: CODE_SYSTEMS.consentMethod.url, code: 'oral' } }), expression: `Consent${ext(EXTENSIONS.consentMethod.url)}` },
  { rule: 'Consent.extension:consentMethod#type', type: 'Consent', why: 'a method outside the value set', change: (r) => (r.extension[0].valueCoding = { system: CODE_SYSTEMS.consentMethod.url, code: 'telepathic' }), expression: 'Consent.extension[0].value' },
  { rule: 'Consent.extension:consentStorage#max', type: 'Consent', why: 'two storage media', change: (r) => r.extension.push({ url: EXTENSIONS.consentStorage.url, valueCoding: { system: CODE_SYSTEMS.consentStorage.url, code: 'electronic' } }), expression: `Consent${ext(EXTENSIONS.consentStorage.url)}` },
  { rule: 'Consent.extension:consentStorage#type', type: 'Consent', why: 'storage coded with a method code', change: (r) => (r.extension[1].valueCoding = { system: CODE_SYSTEMS.consentMethod.url, code: 'written' }), expression: 'Consent.extension[1].value' },
  { rule: 'Consent.scope#pattern', type: 'Consent', why: 'a treatment consent', change: (r) => (r.scope = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }] }), expression: 'Consent.scope' },
  // Without a client a privacy consent already breaks R4's ppc-2; a treatment consent does not.
  { rule: 'Consent.patient#min', type: 'Consent', why: 'no client', change: (r) => { delete r.patient; r.scope.coding[0].code = 'treatment'; }, expression: 'Consent.patient' },
  { rule: 'Consent.patient.identifier#min', type: 'Consent', why: 'client by reference only', change: (r) => (r.patient = { reference: 'Patient/p-123' }), expression: 'Consent.patient.identifier' },
  { rule: 'Consent.patient.identifier.system#min', type: 'Consent', why: 'identifier without system', change: (r) => (r.patient.identifier = { value: '311080-999X' }), expression: 'Consent.patient.identifier.system' },
  { rule: 'Consent.patient.identifier.system#fixed', type: 'Consent', why: 'another identifier system', change: (r) => (r.patient.identifier = { system: 'urn:oid:1.2.246.537.25', value: '123456' }), expression: 'Consent.patient.identifier.system' },
  { rule: 'Consent.patient.identifier.value#min', type: 'Consent', why: 'henkilötunnus system without value', change: (r) => (r.patient.identifier = { system: HETU_SYSTEM }), expression: 'Consent.patient.identifier.value' },
  { rule: 'Consent.dateTime#min', type: 'Consent', why: 'no date', change: (r) => delete r.dateTime, expression: 'Consent.dateTime' },
  { rule: 'Consent.provision#min', type: 'Consent', why: 'nothing permitted', change: (r) => delete r.provision, expression: 'Consent.provision' },
  { rule: 'Consent.provision.type#min', type: 'Consent', why: 'permit or deny not said', change: (r) => delete r.provision.type, expression: 'Consent.provision.type' },
  { rule: 'Consent.provision.type#fixed', type: 'Consent', why: 'a deny at the root', change: (r) => (r.provision.type = 'deny'), expression: 'Consent.provision.type' },
  { rule: 'Consent.provision.period#min', type: 'Consent', why: 'no validity period', change: (r) => delete r.provision.period, expression: 'Consent.provision.period' },
  { rule: 'Consent.provision.period.start#min', type: 'Consent', why: 'validity without start', change: (r) => delete r.provision.period.start, expression: 'Consent.provision.period.start' },
  { rule: 'Consent.provision.actor#min', type: 'Consent', why: 'no recipients', change: (r) => delete r.provision.actor, expression: 'Consent.provision.actor' },
  { rule: 'Consent.provision.actor#invariant:scn-1', type: 'Consent', why: 'a recipient by name only', change: (r) => (r.provision.actor[1].reference = { display: 'Terveysasema' }), expression: 'Consent.provision.actor[1].reference' },
  { rule: 'Consent.provision.actor.reference#type', type: 'Consent', why: 'a practitioner as recipient', change: (r) => (r.provision.actor[1].reference = { reference: 'Practitioner/laakari-1' }), expression: 'Consent.provision.actor[1].reference' },
  { rule: 'Consent.provision.data.reference#type', type: 'Consent', why: 'data scope naming a goal', change: (r) => (r.provision.data = [{ meaning: 'instance', reference: { reference: 'Goal/tavoite-1' } }]), expression: 'Consent.provision.data[0].reference' },
  // client-goal
  { rule: 'Goal.description.text#min', type: 'Goal', why: 'a coded goal without the client\'s words', change: (r) => (r.description = { coding: [{ system: 'http://snomed.info/sct', code: '713458007' }] }), expression: 'Goal.description.text' },
  { rule: 'Goal.expressedBy#min', type: 'Goal', why: 'nobody expressed it', change: (r) => delete r.expressedBy, expression: 'Goal.expressedBy' },
  { rule: 'Goal.expressedBy#type', type: 'Goal', why: 'expressed by a practitioner', change: (r) => (r.expressedBy = { reference: 'Practitioner/sosiaalityontekija-1' }), expression: 'Goal.expressedBy' },
  { rule: 'Goal.expressedBy#invariant:cgl-1', type: 'Goal', why: 'the client named by display only', change: (r) => (r.expressedBy = { display: 'Asiakas itse' }), expression: 'Goal.expressedBy' },
];

/** More ways to break a rule, at its edges. */
export const MORE_BREACHES: readonly Breach[] = [
  { rule: 'CareTeam#invariant:sct-1', type: 'CareTeam', why: "the only coordinator's period has ended", change: (r) => (r.participant[0].period = { start: '2025-01-01', end: '2025-12-31' }), expression: 'CareTeam.participant' },
  {
    rule: 'CareTeam#invariant:sct-2',
    type: 'CareTeam',
    why: 'the hand-over day counted twice (period ends are inclusive)',
    change: (r) => {
      r.participant[0].period = { start: '2026-01-01', end: '2026-11-30' };
      r.participant.push({ role: [{ coding: [role('coordinator')] }], member: { reference: 'Practitioner/uusi-koordinaattori' }, period: { start: '2026-11-30' } });
    },
    expression: 'CareTeam.participant[4]',
  },
  { rule: 'CareTeam.participant.role#binding', type: 'CareTeam', why: 'a code the CodeSystem does not have', change: (r) => r.participant[1].role[0].coding.push(role('astrologer')), expression: 'CareTeam.participant[1].role[0].coding[2]' },
  { rule: 'Consent.provision.actor#invariant:scn-1', type: 'Consent', why: 'an organisation id that is not an OID', change: (r) => (r.provision.actor[1].reference = { reference: 'Organization/terveysasema' }), expression: 'Consent.provision.actor[1].reference' },
  { rule: 'Consent.extension:consentMethod#type', type: 'Consent', why: 'method as text', change: (r) => (r.extension[0] = { url: EXTENSIONS.consentMethod.url, valueString: 'kirjallinen' }), expression: 'Consent.extension[0].value' },
];

/** Changes that keep a resource conforming. */
export const ALLOWED: readonly Allowed[] = [
  { type: 'CarePlan', why: 'the need as conditions instead of a description', change: (r) => { delete r.description; r.addresses = [{ reference: 'Condition/tarve-1' }]; } },
  { type: 'CarePlan', why: 'no next review date and no supporting factors (both optional)', change: (r) => r.extension.splice(1, 2) },
  { type: 'CarePlan', why: 'Swedish text, non-breaking spaces and a supporting factor in Swedish', change: (r) => { r.description = 'Klientens behov med egna ord:\u00a0"Jag vill klara vardagen själv – utan jourbesök."'; r.extension[2].valueString = 'Systern ringer varje söndag;\u00a0grannen hälsar på.'; } },
  { type: 'CarePlan', why: 'the client by henkilötunnus only, without type', change: (r) => (r.subject = { identifier: { system: HETU_SYSTEM, value: '311080-999X' } }) },
  { type: 'CarePlan', why: 'the client by literal reference and henkilötunnus', change: (r) => (r.subject = { reference: 'Patient/p-123', identifier: { system: HETU_SYSTEM, value: '311080-999X' } }) },
  { type: 'CarePlan', why: 'the profile named with its version', change: (r) => (r.meta.profile = [`${PROFILES.carePlan.url}|0.1.0`]) },
  { type: 'CarePlan', why: 'the core CarePlan definition named beside the profile', change: (r) => r.meta.profile.push('http://hl7.org/fhir/StructureDefinition/CarePlan') },
  {
    type: 'CareTeam',
    why: 'a hand-over: the previous coordinator ended the day before the next one started',
    change: (r) => {
      r.participant[0].period = { start: '2026-01-01', end: '2026-11-29' };
      r.participant.push({ role: [{ coding: [role('coordinator')] }], member: { reference: 'Practitioner/uusi-koordinaattori' }, period: { start: '2026-11-30' } });
    },
  },
  {
    type: 'CareTeam',
    why: 'a hand-over planned ahead, at exact instants',
    change: (r) => {
      r.participant[0].period = { start: '2026-01-01', end: '2099-01-31T16:00:00+02:00' };
      r.participant.push({ role: [{ coding: [role('coordinator')] }], member: { reference: 'Practitioner/uusi-koordinaattori' }, period: { start: '2099-01-31T16:00:00.001+02:00' } });
    },
  },
  { type: 'CareTeam', why: 'a coordinator recorded to start later', change: (r) => (r.participant[0].period = { start: '2099-01-01' }) },
  { type: 'CareTeam', why: 'roles displayed in Swedish', change: (r) => (r.participant[3].role = [{ coding: [{ ...role('relative'), display: 'Närstående' }], text: 'Närstående (dotter)' }]) },
  { type: 'CareTeam', why: 'the client as a member, and an NGO as an organisation', change: (r) => r.participant.push({ role: [{ coding: [role('client')] }], member: { type: 'Patient', identifier: { system: HETU_SYSTEM, value: '311080-999X' } } }, { role: [{ coding: [role('ngo-worker')] }], member: { reference: 'Organization/1.2.246.10.12345678.10.9' } }) },
  { type: 'Consent', why: 'no storage medium (optional)', change: (r) => r.extension.splice(1, 1) },
  { type: 'Consent', why: 'a recipient by Organization/<OID>, data scope the plan', change: (r) => { r.provision.actor[1].reference = { reference: 'Organization/1.2.246.10.12345678.10.2' }; r.provision.data = [{ meaning: 'instance', reference: { reference: 'CarePlan/hopa-1' } }]; } },
  { type: 'Consent', why: 'a nested deny below the root permit', change: (r) => (r.provision.provision = [{ type: 'deny', period: { start: '2027-01-01', end: '2027-01-31' } }]) },
  { type: 'Goal', why: 'expressed by the client as Patient reference', change: (r) => (r.expressedBy = { reference: 'Patient/p-123' }) },
  { type: 'Goal', why: 'Swedish words with a non-breaking space', change: (r) => (r.description = { text: 'Jag vill\u00a0orka med vardagen och komma tillbaka till deltidsarbete före våren.' }) },
];

/** A fresh conforming resource of `type` with `change` applied. */
export function changed(type: ProfiledType, change: (resource: Json) => void): Json {
  const resource = structuredClone(CONFORMING[type]());
  change(resource);
  return resource;
}
