import { describe, expect, it } from 'vitest';
import { isOid, organizationOf, SOTE_ORGANIZATION_SYSTEM } from '../../functions/api/access/index.js';

const OID = '1.2.246.10.1234567.10.1';

describe('isOid', () => {
  it.each([OID, '0.0', '2.999', '1.2.246.537.6.202.2008'])('accepts %s', (value) => expect(isOid(value)).toBe(true));
  it.each([
    ['a urn:oid: prefix', `urn:oid:${OID}`],
    ['a single arc', '1'],
    ['a first arc above 2', '3.1'],
    ['a leading zero in an arc', '1.02.3'],
    ['an empty arc', '1..2'],
    ['a trailing dot', '1.2.'],
    ['letters', 'abc'],
    ['an empty string', ''],
    ['surrounding space', ` ${OID}`],
  ])('rejects %s', (_name, value) => expect(isOid(value)).toBe(false));
  it('rejects values that are not strings', () => {
    for (const value of [undefined, null, 1.2, { value: OID }]) expect(isOid(value)).toBe(false);
  });
});

describe('organizationOf', () => {
  it.each<[string, unknown, string | undefined]>([
    ['a relative Organization/<oid>', { reference: `Organization/${OID}` }, OID],
    ['an absolute URL ending in /Organization/<oid>', { reference: `https://fhir.example.fi/fhir/Organization/${OID}` }, OID],
    ['a versioned literal reference', { reference: `Organization/${OID}/_history/3` }, OID],
    ['a SOTE organisation identifier', { identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: OID } }, OID],
    ['a SOTE identifier with type Organization', { type: 'Organization', identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: OID } }, OID],
    ['a urn:ietf:rfc:3986 identifier urn:oid:<oid>', { identifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:${OID}` } }, OID],
    ['the identifier when the literal id is no OID', { reference: 'Organization/abc', identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: OID } }, OID],
  ])('reads %s', (_name, reference, expected) => expect(organizationOf(reference)).toBe(expected));

  it.each<[string, unknown]>([
    ['Organization/<non-OID id>', { reference: 'Organization/abc' }],
    ['a literal reference to another type', { reference: `Practitioner/${OID}` }],
    ['another type with a SOTE identifier', { reference: 'PractitionerRole/r1', identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: OID } }],
    ['a type other than Organization', { type: 'Practitioner', identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: OID } }],
    ['a SOTE identifier whose value is no OID', { identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: 'Terveysasema' } }],
    ['a SOTE identifier with urn:oid: in the value', { identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: `urn:oid:${OID}` } }],
    ['a urn:ietf:rfc:3986 identifier without urn:oid:', { identifier: { system: 'urn:ietf:rfc:3986', value: OID } }],
    ['a urn:ietf:rfc:3986 identifier with a URL', { identifier: { system: 'urn:ietf:rfc:3986', value: 'https://example.fi/org' } }],
    ['an identifier in another system', { identifier: { system: 'urn:oid:1.2.246.537.26', value: OID } }],
    ['an identifier without system', { identifier: { value: OID } }],
    ['a display name only', { display: 'Testialueen terveysasema' }],
    ['a contained reference', { reference: '#org1' }],
    ['a urn:uuid reference', { reference: 'urn:uuid:0c7e6f39-8c57-4d37-9d8f-7d3c4f0f4b1a' }],
    ['a string', `Organization/${OID}`],
    ['null', null],
    ['an array', [{ reference: `Organization/${OID}` }]],
    ['a non-string reference', { reference: 42 }],
  ])('names no organisation for %s', (_name, reference) => expect(organizationOf(reference)).toBeUndefined());
});
