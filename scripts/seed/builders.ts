/**
 * Small builders of the seed data: organisations and professionals as references, care-team
 * roles with their displays, business identifiers, dates relative to the day of seeding, and
 * the conditional-create entries that make seeding idempotent.
 */
import type { BundleEntry, CodeableConcept, Extension, FhirResource, Identifier, Reference } from 'fhir/r4.js';
import { SOTE_ORGANIZATION_SYSTEM } from '../../functions/api/access/index.js';
import { CARE_TEAM_ROLES } from '../../functions/api/profile/care-team-roles.js';
import { CODE_SYSTEMS, EXTENSIONS, HETU_SYSTEM } from '../../functions/api/profile/canonical.js';

/** A SOTE organisation (synthetic OID) that writes or takes part in a plan. */
export interface Organisation {
  readonly oid: string;
  readonly name: string;
  readonly sector: 'social care' | 'health care' | 'third sector';
}

/** A professional, known to the source systems by a (synthetic) Valvira registration number. */
export interface Professional {
  readonly registration: string;
  readonly name: string;
  readonly organisation: Organisation;
}

/** A client, known by a synthetic henkilötunnus (individual number 900–999). */
export interface Client {
  readonly hetu: string;
  readonly name: string;
}

/** Valvira's register of health and social care professionals (Terhikki / Suosikki). */
export const PROFESSIONAL_SYSTEM = 'urn:oid:1.2.246.537.26';
/** A care-team role language: the CodeSystem has Finnish, Swedish and English displays. */
export type Language = 'fi' | 'sv' | 'en';

/** `YYYY-MM-DD` of the day `offset` days from `today` (UTC). */
export function day(today: Date, offset: number): string {
  const date = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offset));
  return date.toISOString().slice(0, 10);
}

/** A dateTime at `time` (Finnish local time, `+02:00`/`+03:00` as the season has it) of that day. */
export function dateTime(today: Date, offset: number, time: string): string {
  const date = day(today, offset);
  const month = Number(date.slice(5, 7));
  // Summer time roughly April–October: close enough for synthetic records.
  return `${date}T${time}:00${month >= 4 && month <= 10 ? '+03:00' : '+02:00'}`;
}

export const clientRef = (client: Client): Reference => ({ type: 'Patient', identifier: { system: HETU_SYSTEM, value: client.hetu }, display: client.name });

export const organisationRef = (organisation: Organisation): Reference => ({
  type: 'Organization',
  identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: organisation.oid },
  display: organisation.name,
});

export const professionalRef = (professional: Professional): Reference => ({
  type: 'Practitioner',
  identifier: { system: PROFESSIONAL_SYSTEM, value: professional.registration },
  display: professional.name,
});

/** A role of the care-team-role CodeSystem, displayed in `language`. */
export function role(code: string, language: Language = 'fi'): CodeableConcept {
  const term = CARE_TEAM_ROLES.find((candidate) => candidate.code === code);
  if (!term) throw new Error(`care-team role '${code}' is not in ${CODE_SYSTEMS.careTeamRole.url}`);
  return { coding: [{ system: CODE_SYSTEMS.careTeamRole.url, code, display: term[language] }], text: term[language] };
}

/** A business identifier issued by `organisation` (system `urn:oid:<its OID>`). */
export const identifier = (organisation: Organisation, value: string): Identifier => ({ system: `urn:oid:${organisation.oid}`, value });

export const nextReview = (date: string): Extension => ({ url: EXTENSIONS.nextReview.url, valueDate: date });
export const supportingFactor = (text: string): Extension => ({ url: EXTENSIONS.supportingFactor.url, valueString: text });
export const consentMethod = (code: 'written' | 'oral' | 'electronic'): Extension => ({ url: EXTENSIONS.consentMethod.url, valueCoding: { system: CODE_SYSTEMS.consentMethod.url, code } });
export const consentStorage = (code: 'electronic' | 'paper'): Extension => ({ url: EXTENSIONS.consentStorage.url, valueCoding: { system: CODE_SYSTEMS.consentStorage.url, code } });

/** The resource's first identifier as a search value, `identifier=<system>|<value>`. */
export function byIdentifier(resource: { identifier?: Identifier[] }): string {
  const [first] = resource.identifier ?? [];
  if (!first?.system || !first.value) throw new Error('a seeded resource needs a business identifier with a system');
  return `identifier=${encodeURIComponent(`${first.system}|${first.value}`)}`;
}

/**
 * A transaction entry that creates `resource` unless one with its business identifier exists
 * (`ifNoneExist`): seeding twice creates nothing the second time.
 */
export function createOnce(fullUrl: string, resource: FhirResource & { identifier?: Identifier[] }): BundleEntry {
  return { fullUrl, resource, request: { method: 'POST', url: resource.resourceType, ifNoneExist: byIdentifier(resource) } };
}

/** A conditional reference to the resource of `type` with `resource`'s business identifier (resolved by the server). */
export const conditionalRef = (type: string, resource: { identifier?: Identifier[] }, display?: string): Reference => ({
  reference: `${type}?${byIdentifier(resource)}`,
  ...(display ? { display } : {}),
});
