import { describe, expect, it } from 'vitest';
import { CUSTODIAN_EXTENSION_URL, custodianOf, withCustodian, withoutCustodian } from '../../functions/api/access/index.js';
import { CUSTODIAN_ORG, OTHER_ORG, SOTE_SYSTEM } from './builders.js';

const custodianExtension = (value: unknown, system: unknown = SOTE_SYSTEM): Record<string, unknown> => ({
  url: CUSTODIAN_EXTENSION_URL,
  valueIdentifier: { system, value },
});
const source = { url: 'https://example.fi/fhir/StructureDefinition/source-system', valueString: 'EHR-1' };
const note = { url: 'https://example.fi/fhir/StructureDefinition/note', valueString: 'x' };
const goal = (meta?: Record<string, unknown>): Record<string, unknown> => ({
  resourceType: 'Goal',
  id: 'g1',
  ...(meta ? { meta } : {}),
  lifecycleStatus: 'active',
});

describe('custodianOf', () => {
  it('reads the OID from the custodian meta extension', () =>
    expect(custodianOf(goal({ extension: [source, custodianExtension(CUSTODIAN_ORG)] }))).toBe(CUSTODIAN_ORG));
  it.each<[string, unknown]>([
    ['no meta', goal()],
    ['no custodian extension', goal({ extension: [source] })],
    ['a value that is no OID', goal({ extension: [custodianExtension('Terveysasema')] })],
    ['another identifier system', goal({ extension: [custodianExtension(CUSTODIAN_ORG, 'urn:ietf:rfc:3986')] })],
    ['custodian extensions that disagree', goal({ extension: [custodianExtension(CUSTODIAN_ORG), custodianExtension(OTHER_ORG)] })],
    ['a custodian extension without valueIdentifier', goal({ extension: [{ url: CUSTODIAN_EXTENSION_URL, valueString: CUSTODIAN_ORG }] })],
    ['a malformed meta.extension', goal({ extension: { url: CUSTODIAN_EXTENSION_URL } })],
    ['a non-object', 'Goal'],
  ])('gives undefined for %s', (_name, resource) => expect(custodianOf(resource)).toBeUndefined());
  it('accepts repeated extensions that agree', () =>
    expect(custodianOf(goal({ extension: [custodianExtension(CUSTODIAN_ORG), custodianExtension(CUSTODIAN_ORG)] }))).toBe(CUSTODIAN_ORG));
});

describe('withCustodian', () => {
  it('adds meta and the extension to a resource without meta', () => {
    expect(withCustodian(goal(), CUSTODIAN_ORG)).toEqual(goal({ extension: [custodianExtension(CUSTODIAN_ORG)] }));
  });
  it('appends after other extensions and keeps other meta elements', () => {
    const result = withCustodian(goal({ versionId: '2', extension: [source, note] }), CUSTODIAN_ORG);
    expect(result.meta).toEqual({ versionId: '2', extension: [source, note, custodianExtension(CUSTODIAN_ORG)] });
  });
  it('replaces a spoofed custodian in place and drops further ones', () => {
    const spoofed = goal({ extension: [source, custodianExtension(OTHER_ORG), note, custodianExtension('1.2.3')] });
    expect(withCustodian(spoofed, CUSTODIAN_ORG).meta).toEqual({ extension: [source, custodianExtension(CUSTODIAN_ORG), note] });
    expect(custodianOf(withCustodian(spoofed, CUSTODIAN_ORG))).toBe(CUSTODIAN_ORG);
  });
  it('is idempotent', () => {
    const once = withCustodian(goal({ extension: [source, note] }), CUSTODIAN_ORG);
    expect(withCustodian(once, CUSTODIAN_ORG)).toEqual(once);
  });
  it('does not mutate its input', () => {
    const input = goal({ extension: [custodianExtension(OTHER_ORG)] });
    const before = structuredClone(input);
    withCustodian(input, CUSTODIAN_ORG);
    expect(input).toEqual(before);
  });
  it('throws when the custodian is not an OID', () => {
    expect(() => withCustodian(goal(), `urn:oid:${CUSTODIAN_ORG}`)).toThrow(/OID/);
  });
});

describe('withoutCustodian', () => {
  it('strips every custodian extension and keeps the others in order', () => {
    const input = goal({ versionId: '1', extension: [custodianExtension(OTHER_ORG), source, custodianExtension('x'), note] });
    expect(withoutCustodian(input)).toEqual(goal({ versionId: '1', extension: [source, note] }));
  });
  it('drops meta.extension when only custodian extensions were there', () => {
    expect(withoutCustodian(goal({ versionId: '1', extension: [custodianExtension(OTHER_ORG)] }))).toEqual(goal({ versionId: '1' }));
  });
  it('drops meta when it becomes empty', () => {
    const result = withoutCustodian(goal({ extension: [custodianExtension(OTHER_ORG)] }));
    expect(result).toEqual(goal());
    expect('meta' in result).toBe(false);
  });
  it('returns the resource itself when there is nothing to strip', () => {
    const input = goal({ extension: [source] });
    expect(withoutCustodian(input)).toBe(input);
  });
  it('undoes withCustodian', () => {
    const input = goal({ extension: [source] });
    expect(withoutCustodian(withCustodian(input, CUSTODIAN_ORG))).toEqual(input);
  });
  it('does not mutate its input', () => {
    const input = goal({ extension: [custodianExtension(OTHER_ORG)] });
    const before = structuredClone(input);
    withoutCustodian(input);
    expect(input).toEqual(before);
  });
});
