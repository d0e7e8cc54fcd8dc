/**
 * Synthetic principals, targets and Consents for the access tests. Identities are synthetic
 * only: henkilötunnus individual numbers 900–999 with correct check characters, and organisation
 * OIDs under the fictitious business ID 1234567.
 */
import type { AccessTarget, Principal } from '../../functions/api/access/index.js';

/** The organisation that recorded the plan and the Consent (the custodian). */
export const CUSTODIAN_ORG = '1.2.246.10.1234567.10.1';
/** The organisation the client permits to see the plan. */
export const RECIPIENT_ORG = '1.2.246.10.1234567.10.2';
/** An organisation no Consent names. */
export const OTHER_ORG = '1.2.246.10.1234567.10.3';

export const HETU_SYSTEM = 'urn:oid:1.2.246.21';
export const SOTE_SYSTEM = 'urn:oid:1.2.246.537.6.202.2008';
export const CLIENT_HETU = '311080-999X';
export const OTHER_CLIENT_HETU = '020516C903K';
export const CLIENT_KEY = `${HETU_SYSTEM}|${CLIENT_HETU}`;
export const OTHER_CLIENT_KEY = `${HETU_SYSTEM}|${OTHER_CLIENT_HETU}`;

/** A time when the default Consent period (2026-11-16..2026-12-31) is in force. */
export const NOW = new Date('2026-12-01T10:00:00Z');

export function principal(organization: string, extra: Partial<Principal> = {}): Principal {
  return { clientId: 'test-client', organization, scopes: [{ resourceType: '*', operations: new Set(['c', 'r', 'u', 'd', 's']) }], ...extra };
}

/** A CarePlan target held by {@link CUSTODIAN_ORG} about the client {@link CLIENT_HETU}. */
export function planTarget(extra: Partial<AccessTarget> = {}): AccessTarget {
  return { resourceType: 'CarePlan', id: 'plan-1', custodian: CUSTODIAN_ORG, clientKeys: [CLIENT_KEY], ...extra };
}

/** An actor reference naming an organisation by its SOTE identifier. */
export const orgActor = (oid: string): Record<string, unknown> => ({
  role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] },
  reference: { identifier: { system: SOTE_SYSTEM, value: oid } },
});

/**
 * A privacy Consent of the client, active 2026-11-16..2026-12-31, whose root permit names
 * {@link RECIPIENT_ORG}; `extra` replaces top-level elements, `provision` extends the root.
 */
export function consentJson(extra: Record<string, unknown> = {}, provision: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceType: 'Consent',
    id: 'consent-1',
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { identifier: { system: HETU_SYSTEM, value: CLIENT_HETU } },
    dateTime: '2026-11-16T10:30:00+02:00',
    provision: { type: 'permit', period: { start: '2026-11-16', end: '2026-12-31' }, actor: [orgActor(RECIPIENT_ORG)], ...provision },
    ...extra,
  };
}
