/**
 * Which SOTE organisation a FHIR Reference names. Access decisions compare organisations by
 * their SOTE organisation register OID only; display names and non-OID ids name nobody.
 *
 * @see https://hl7.org/fhir/R4/references.html
 * @see https://hl7.org/fhir/R4/datatypes.html#oid
 */
import { asRecord, asString } from './json.js';

/** The identifier system of the SOTE organisation register (SOTE-organisaatiorekisteri). */
export const SOTE_ORGANIZATION_SYSTEM = 'urn:oid:1.2.246.537.6.202.2008';

/** The identifier system for URIs; an organisation is then named as `urn:oid:<oid>`. */
const URI_SYSTEM = 'urn:ietf:rfc:3986';

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

/** A literal reference, relative or absolute, with an optional `_history` suffix. */
const LITERAL = /^(?:.*\/)?([A-Z][A-Za-z]+)\/([^/]+)(?:\/_history\/[^/]+)?$/;

/** Whether `value` is a bare OID in dotted form (`1.2.246.10.1234567.10.1`, no `urn:oid:`). */
export function isOid(value: unknown): value is string {
  return typeof value === 'string' && OID.test(value);
}

function fromIdentifier(identifier: unknown): string | undefined {
  const record = asRecord(identifier);
  const system = asString(record?.system);
  const value = asString(record?.value);
  if (value === undefined) return undefined;
  if (system === SOTE_ORGANIZATION_SYSTEM) return isOid(value) ? value : undefined;
  if (system === URI_SYSTEM && value.startsWith('urn:oid:')) {
    const oid = value.slice('urn:oid:'.length);
    return isOid(oid) ? oid : undefined;
  }
  return undefined;
}

/**
 * The OID of the organisation a Reference names: a literal `Organization/<oid>` (relative, or an
 * absolute URL ending in `/Organization/<oid>`), else a logical reference by `identifier` in the
 * SOTE organisation system, or in `urn:ietf:rfc:3986` as `urn:oid:<oid>`.
 *
 * A reference whose `type` or literal names another resource type names no organisation, and
 * neither does `Organization/abc`, whose id is not an OID.
 *
 * @see https://hl7.org/fhir/R4/references.html#Reference
 */
export function organizationOf(reference: unknown): string | undefined {
  const record = asRecord(reference);
  if (record === undefined) return undefined;
  const type = asString(record.type);
  if (type !== undefined && type !== 'Organization') return undefined;
  const literal = asString(record.reference);
  const match = literal === undefined ? null : LITERAL.exec(literal);
  if (match) {
    if (match[1] !== 'Organization') return undefined;
    if (isOid(match[2])) return match[2];
  }
  return fromIdentifier(record.identifier);
}
