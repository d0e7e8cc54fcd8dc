/**
 * The client (patient) a resource is about, as comparable keys. A plan and a Consent may name the
 * client differently — one by henkilötunnus, the other by a Patient reference — so both forms
 * are kept and two resources concern the same client when their keys intersect.
 *
 * @see https://hl7.org/fhir/R4/references.html
 */
import { asRecord, asString, sortedUnique } from './json.js';

/** The element that names the client, per resource type. */
const CLIENT_ELEMENT: ReadonlyMap<string, string> = new Map([
  ['CarePlan', 'subject'],
  ['CareTeam', 'subject'],
  ['Goal', 'subject'],
  ['Consent', 'patient'],
]);

/** A literal reference, relative or absolute, with an optional `_history` suffix. */
const LITERAL = /^(?:.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

function keysOfReference(reference: unknown): string[] {
  const record = asRecord(reference);
  if (record === undefined) return [];
  const type = asString(record.type);
  if (type !== undefined && type !== 'Patient') return [];
  const keys: string[] = [];
  const literal = asString(record.reference);
  const match = literal === undefined ? null : LITERAL.exec(literal);
  if (match) {
    // A Group (or any other) subject is not one client, and its identifier is not a client's either.
    if (match[1] !== 'Patient') return [];
    keys.push(`Patient/${match[2]}`);
  }
  const identifier = asRecord(record.identifier);
  const system = asString(identifier?.system);
  const value = asString(identifier?.value);
  if (system !== undefined && value !== undefined) keys.push(`${system}|${value}`);
  return keys;
}

/**
 * The keys of the client a resource is about: `CarePlan.subject`, `CareTeam.subject`,
 * `Goal.subject` or `Consent.patient`. A literal Patient reference (relative `Patient/x` or an
 * absolute URL ending in `/Patient/x`, any `_history` suffix ignored) gives `Patient/x`; an
 * identifier with both system and value gives `<system>|<value>`. A reference to a Group or any
 * other type, and any other resource type, give none.
 *
 * @returns sorted, unique keys; empty when the client cannot be told.
 */
export function clientKeysOf(resource: unknown): string[] {
  const record = asRecord(resource);
  const element = CLIENT_ELEMENT.get(asString(record?.resourceType) ?? '');
  if (record === undefined || element === undefined) return [];
  return sortedUnique(keysOfReference(record[element]));
}
