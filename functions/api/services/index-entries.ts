/**
 * Derives what a resource is found by ({@link IndexEntries}) from its extracted search values:
 * the patient anchors (local secondary indexes), reference anchors of the multi-valued
 * parameters integrators search by, and business identifiers (unique per type) — plus what a
 * search needs to find what its caller may see: a Consent's named organisations, and a
 * client-key patient anchor wherever the `patient` parameter does not give one.
 */
import type { FhirResource } from 'fhir/r4.js';
import { accessTargetOf, clientKeysOf } from '../access/index.js';
import { namedOrganizationAnchor } from '../repository/keys.js';
import { extractIndex } from '../search/index-values/index.js';
import type { ReferenceValue, TokenValue } from '../search/types.js';
import type { IndexEntries } from '../repository/index.js';

/**
 * Reference parameters answered by an anchor Query rather than by filtering the whole type.
 * Patient/subject use the patient indexes instead. Each anchor is one small item per value
 * written in the resource's transaction.
 */
export const ANCHORED_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  CarePlan: ['care-team', 'goal'],
  CareTeam: ['participant'],
  Consent: ['actor'],
  Goal: [],
};

/** The keys a reference is found by: `Type/id`, `url:<url>` and `ident:<system>|<value>`. */
export function referenceKeys(reference: ReferenceValue): string[] {
  const keys: string[] = [];
  if (reference.type && reference.id) keys.push(`${reference.type}/${reference.id}`);
  else if (reference.url) keys.push(`url:${reference.url}`);
  if (reference.identifier?.value) keys.push(`ident:${reference.identifier.system ?? ''}|${reference.identifier.value}`);
  return keys;
}

/**
 * The key a business identifier is held unique by: `<length of system>:<system>|<value>`, which
 * no `|` inside the system or value can make ambiguous (`a|b` + `c` ≠ `a` + `b|c`). Undefined
 * for an identifier without a system or value: it identifies nothing across senders (both R4
 * example Goals carry `{ value: "123" }`), so it is not held unique; a search finds it by the
 * matcher instead.
 *
 * @see https://hl7.org/fhir/R4/datatypes.html#Identifier
 */
export function identifierKey(token: { readonly system?: string; readonly code?: string }): string | undefined {
  return token.system && token.code ? `${token.system.length}:${token.system}|${token.code}` : undefined;
}

/** `<system>|<value>` of an {@link identifierKey}, for messages. */
export function describeIdentifierKey(key: string): string {
  const colon = key.indexOf(':');
  const length = Number(key.slice(0, colon));
  if (colon < 1 || !Number.isInteger(length)) return key;
  return `${key.slice(colon + 1, colon + 1 + length)}|${key.slice(colon + 2 + length)}`;
}

/** Builds the index entries of a live resource. */
export function indexEntries(resource: FhirResource): IndexEntries {
  const values = extractIndex(resource);
  const patients = (values.patient ?? []) as readonly ReferenceValue[];
  const byReference = patients.find((ref) => ref.type === 'Patient' && ref.id);
  const byIdentifier = patients.find((ref) => ref.identifier?.value)?.identifier;
  // The access policy also knows the client by an absolute Patient URL or an untyped identifier,
  // which `patient` leaves out; the patient indexes must hold every client key, or a search
  // planned from the caller's consents would miss resources a Consent opens.
  const clientKeys = clientKeysOf(resource);
  const patientRef = byReference ? `Patient/${byReference.id}` : clientKeys.find((key) => key.startsWith('Patient/'));
  const patientIdentifier = byIdentifier ? `${byIdentifier.system ?? ''}|${byIdentifier.value}` : clientKeys.find((key) => !key.startsWith('Patient/'));
  const anchors = new Set<string>();
  for (const param of ANCHORED_PARAMETERS[resource.resourceType] ?? []) {
    for (const reference of (values[param] ?? []) as readonly ReferenceValue[]) {
      for (const key of referenceKeys(reference)) anchors.add(`${param}=${key}`);
    }
  }
  if (resource.resourceType === 'Consent') {
    for (const oid of accessTargetOf(resource, undefined).namedOrganizations ?? []) anchors.add(namedOrganizationAnchor(oid));
  }
  const identifiers = new Set(
    ((values.identifier ?? []) as readonly TokenValue[]).map(identifierKey).filter((key): key is string => key !== undefined),
  );
  return {
    values,
    ...(patientRef ? { patientRef } : {}),
    ...(patientIdentifier ? { patientIdentifier } : {}),
    anchors: [...anchors].sort(),
    identifiers: [...identifiers].sort(),
  };
}
