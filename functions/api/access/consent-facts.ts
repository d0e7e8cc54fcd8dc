/**
 * Reduces a Consent, and any resource, to the facts access decisions need: stored with each
 * version so that a decision never has to parse a resource again.
 *
 * @see https://hl7.org/fhir/R4/consent.html
 * @see docs/access-policy.md
 */
import { clientKeysOf } from './client-keys.js';
import { periodEndInstant, periodStartInstant } from './county-time.js';
import { asArray, asRecord, asString, sortedUnique } from './json.js';
import { organizationOf } from './organizations.js';
import type { AccessTarget, ConsentFacts, ProvisionFacts } from './types.js';

const CONSENT_SCOPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentscope';

function isPatientPrivacy(scope: unknown): boolean {
  return asArray(asRecord(scope)?.coding).some((coding) => {
    const record = asRecord(coding);
    return record?.system === CONSENT_SCOPE_SYSTEM && record.code === 'patient-privacy';
  });
}

/** The organisations a provision names as actors, whatever their role. */
function actorOrganizations(provision: Readonly<Record<string, unknown>>): string[] {
  const oids = asArray(provision.actor).map((actor) => organizationOf(asRecord(actor)?.reference));
  return sortedUnique(oids.filter((oid): oid is string => oid !== undefined));
}

type Period = Pick<ProvisionFacts, 'start' | 'end' | 'invalidPeriod'>;

/** The instant of a period bound: undefined when the bound is absent, null when it is unreadable. */
function boundInstant(bound: unknown, toInstant: (text: string) => string | undefined): string | undefined | null {
  if (bound === undefined) return undefined;
  return typeof bound === 'string' ? (toInstant(bound) ?? null) : null;
}

/** A period's inclusive instants; an unreadable bound, or a start after the end, marks it invalid. */
function periodFacts(period: unknown): Period {
  if (period === undefined) return {};
  const record = asRecord(period);
  if (record === undefined) return { invalidPeriod: true };
  const start = boundInstant(record.start, periodStartInstant);
  const end = boundInstant(record.end, periodEndInstant);
  if (start === null || end === null) return { invalidPeriod: true };
  if (start !== undefined && end !== undefined && start > end) return { invalidPeriod: true };
  return { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
}

function provisionFacts(provision: Readonly<Record<string, unknown>>): ProvisionFacts {
  return {
    // Fail closed: a provision that does not say "permit" grants nothing and is kept as a deny.
    type: provision.type === 'permit' ? 'permit' : 'deny',
    organizations: actorOrganizations(provision),
    ...periodFacts(provision.period),
  };
}

/** The root provision, then every nested one depth first, in document order. */
function flatten(provision: unknown): ProvisionFacts[] {
  const record = asRecord(provision);
  if (record === undefined) return [];
  return [provisionFacts(record), ...asArray(record.provision).flatMap(flatten)];
}

/**
 * The facts of a Consent: its status, whether it is a privacy consent, the client it concerns,
 * and its provisions (root first, then nested ones depth first) with actor organisations and
 * inclusive validity instants. Dates are read in the county's time zone (see `county-time.ts`).
 *
 * Fails closed: a provision whose `type` is not `permit` counts as `deny`; a period with an
 * unreadable bound, or a start after its end, is flagged `invalidPeriod` (a permit is then never
 * in force, a deny always).
 *
 * @param custodian the organisation the server recorded as the Consent's creator; never read
 *   from the resource, where a client could have put it.
 * @see https://hl7.org/fhir/R4/consent.html#Consent.provision
 */
export function consentFacts(consent: unknown, custodian: string | undefined): ConsentFacts {
  const record = asRecord(consent);
  return {
    id: asString(record?.id) ?? '',
    ...(custodian !== undefined ? { custodian } : {}),
    status: asString(record?.status) ?? '',
    patientPrivacy: isPatientPrivacy(record?.scope),
    clientKeys: clientKeysOf(consent),
    provisions: flatten(record?.provision),
  };
}

/**
 * What access decisions need to know about a resource: its type, id, custodian and client keys,
 * and for a Consent the organisations any of its provisions (root or nested, permit or deny)
 * names as actor, sorted and unique.
 *
 * @param custodian the organisation the server recorded as creator; never read from the resource.
 */
export function accessTargetOf(resource: unknown, custodian: string | undefined): AccessTarget {
  const record = asRecord(resource);
  const resourceType = asString(record?.resourceType) ?? '';
  const id = asString(record?.id);
  return {
    resourceType,
    ...(id !== undefined ? { id } : {}),
    ...(custodian !== undefined ? { custodian } : {}),
    clientKeys: clientKeysOf(resource),
    ...(resourceType === 'Consent'
      ? { namedOrganizations: sortedUnique(flatten(record?.provision).flatMap((provision) => provision.organizations)) }
      : {}),
  };
}
