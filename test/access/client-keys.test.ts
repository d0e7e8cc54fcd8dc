import { describe, expect, it } from 'vitest';
import { clientKeysOf } from '../../functions/api/access/index.js';
import { CLIENT_HETU, CLIENT_KEY, HETU_SYSTEM } from './builders.js';

const hetu = { system: HETU_SYSTEM, value: CLIENT_HETU };

describe('clientKeysOf', () => {
  describe.each([
    ['CarePlan', 'subject'],
    ['CareTeam', 'subject'],
    ['Goal', 'subject'],
    ['Consent', 'patient'],
  ])('%s.%s', (resourceType, element) => {
    const keys = (reference: unknown): string[] => clientKeysOf({ resourceType, [element]: reference });

    it('gives Patient/<id> for a relative Patient reference', () => expect(keys({ reference: 'Patient/p-1' })).toEqual(['Patient/p-1']));
    it('gives Patient/<id> for an absolute URL ending in /Patient/<id>', () =>
      expect(keys({ reference: 'https://fhir.example.fi/fhir/Patient/p-1' })).toEqual(['Patient/p-1']));
    it('ignores a _history suffix', () => expect(keys({ reference: 'Patient/p-1/_history/2' })).toEqual(['Patient/p-1']));
    it('gives <system>|<value> for an identifier', () => expect(keys({ identifier: hetu })).toEqual([CLIENT_KEY]));
    it('gives both keys, sorted, for a reference with identifier', () =>
      expect(keys({ reference: 'Patient/p-1', type: 'Patient', identifier: hetu })).toEqual(['Patient/p-1', CLIENT_KEY].sort()));
    it('gives no key for a Group reference, even with an identifier', () => {
      expect(keys({ reference: 'Group/family-1' })).toEqual([]);
      expect(keys({ reference: 'Group/family-1', identifier: hetu })).toEqual([]);
      expect(keys({ type: 'Group', identifier: { system: 'urn:example', value: 'family-1' } })).toEqual([]);
    });
    it('gives no key for an identifier without system or value', () => {
      expect(keys({ identifier: { value: CLIENT_HETU } })).toEqual([]);
      expect(keys({ identifier: { system: HETU_SYSTEM } })).toEqual([]);
      expect(keys({ identifier: { system: HETU_SYSTEM, value: '' } })).toEqual([]);
    });
    it('gives the identifier key alongside a contained or urn:uuid reference', () => {
      expect(keys({ reference: '#p1', identifier: hetu })).toEqual([CLIENT_KEY]);
      expect(keys({ reference: 'urn:uuid:0c7e6f39-8c57-4d37-9d8f-7d3c4f0f4b1a' })).toEqual([]);
    });
    it('gives no key when the element is absent or malformed', () => {
      expect(keys(undefined)).toEqual([]);
      expect(keys('Patient/p-1')).toEqual([]);
      expect(keys([{ reference: 'Patient/p-1' }])).toEqual([]);
      expect(keys({ reference: 7, identifier: 'x' })).toEqual([]);
    });
  });

  it('reads only the element that names the client', () => {
    expect(clientKeysOf({ resourceType: 'Consent', subject: { reference: 'Patient/p-1' } })).toEqual([]);
    expect(clientKeysOf({ resourceType: 'CarePlan', patient: { reference: 'Patient/p-1' } })).toEqual([]);
  });

  it('gives no key for other resource types and non-resources', () => {
    for (const value of [
      { resourceType: 'Observation', subject: { reference: 'Patient/p-1' } },
      { resourceType: 'constructor', constructor: { reference: 'Patient/p-1' } },
      { subject: { reference: 'Patient/p-1' } },
      null,
      'CarePlan',
      [],
    ]) {
      expect(clientKeysOf(value)).toEqual([]);
    }
  });
});
