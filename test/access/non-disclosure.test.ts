/**
 * The non-disclosure rule (turvakielto) as a pure function: which elements are contact and
 * address data, what a non-custodian receives instead, and that everything else is untouched.
 */
import { describe, expect, it } from 'vitest';
import { hidesContactData, isNonDisclosed, NON_DISCLOSURE_LABEL, recipientView, REDACTED_LABEL, withoutContactData } from '../../functions/api/access/index.js';
import { CUSTODIAN_ORG, RECIPIENT_ORG } from './builders.js';

const marked = { system: NON_DISCLOSURE_LABEL.system, code: NON_DISCLOSURE_LABEL.code };
const PHONE = { system: 'phone', value: '+358 40 999 0001', use: 'mobile' };
const ADDRESS = { line: ['Salaisenkuja 9'], postalCode: '13100', city: 'Hämeenlinna' };

/** A marked CareTeam with contact data in every place the rule knows. */
function careTeam(): Record<string, unknown> {
  return {
    resourceType: 'CareTeam',
    id: 'team-1',
    meta: { security: [marked], extension: [{ url: 'https://shared-care-plan.fi/fhir/StructureDefinition/custodian', valueString: 'x' }] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Salaisenkuja 9</div>' },
    contained: [
      {
        resourceType: 'RelatedPerson',
        id: 'guardian',
        text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Huoltaja</div>' },
        patient: { identifier: { system: 'urn:oid:1.2.246.21', value: '311080-999X' } },
        name: [{ text: 'Huoltaja Testinen' }],
        telecom: [PHONE],
        address: [ADDRESS],
      },
      { resourceType: 'Location', id: 'school', name: 'Kaurialan koulu', address: ADDRESS },
      {
        resourceType: 'Patient',
        id: 'client',
        extension: [{ url: 'https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/municipality-code', valueCoding: { system: 'urn:oid:1.2.246.537.6.21.2003', code: '109' } }],
        contact: [{ telecom: [PHONE] }],
      },
    ],
    status: 'active',
    name: 'Omatiimi',
    participant: [
      { member: { reference: '#guardian' } },
      { member: { reference: 'Practitioner/kuraattori' }, extension: [{ url: 'https://example.fi/work-place', valueReference: { reference: '#school' } }] },
    ],
    telecom: [PHONE],
    extension: [
      { url: 'https://example.fi/home', valueAddress: ADDRESS },
      { url: 'https://example.fi/complex', extension: [{ url: 'phone', valueContactPoint: PHONE }] },
      { url: 'https://example.fi/kept', valueString: 'pysyy' },
    ],
  };
}

describe('isNonDisclosed', () => {
  it('reads the marking from meta.security, case-insensitively', () => {
    expect(isNonDisclosed({ meta: { security: [marked] } })).toBe(true);
    expect(isNonDisclosed({ meta: { security: [{ ...marked, code: 'turvakielto' }] } })).toBe(true);
    expect(isNonDisclosed({ meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] } })).toBe(false);
    expect(isNonDisclosed({ meta: { tag: [marked] } })).toBe(false);
    expect(isNonDisclosed('not a resource')).toBe(false);
  });

  it('counts the marking of a contained resource (the client as a contained Patient)', () => {
    expect(isNonDisclosed({ resourceType: 'CarePlan', contained: [{ resourceType: 'Patient', id: 'p', meta: { security: [marked] } }] })).toBe(true);
  });
});

describe('withoutContactData', () => {
  const view = withoutContactData(careTeam()) as any;

  it('removes telecom and address everywhere, in contained resources too', () => {
    const text = JSON.stringify(view);
    expect(text).not.toContain(PHONE.value);
    expect(text).not.toContain('Salaisenkuja');
    expect(view.telecom).toBeUndefined();
    expect(view.contained.find((r: any) => r.id === 'guardian')).toEqual({
      resourceType: 'RelatedPerson',
      id: 'guardian',
      patient: { identifier: { system: 'urn:oid:1.2.246.21', value: '311080-999X' } },
      name: [{ text: 'Huoltaja Testinen' }],
    });
  });

  it('removes contained Locations and references to them', () => {
    expect(view.contained.map((r: any) => r.id)).toEqual(['guardian', 'client']);
    expect(JSON.stringify(view)).not.toContain('Kaurialan');
    expect(view.participant[1]).toEqual({ member: { reference: 'Practitioner/kuraattori' } });
  });

  it('removes the municipality of residence and elements left empty', () => {
    expect(view.contained.find((r: any) => r.id === 'client')).toEqual({ resourceType: 'Patient', id: 'client' });
  });

  it('removes extensions whose value was contact data, keeping the others', () => {
    expect(view.extension).toEqual([{ url: 'https://example.fi/kept', valueString: 'pysyy' }]);
  });

  it('drops the narratives, which may render what was removed', () => {
    expect(view.text).toBeUndefined();
    expect(view.contained[0].text).toBeUndefined();
  });

  it('marks the copy REDACTED and keeps the rest of meta', () => {
    expect(view.meta.security).toEqual([marked, REDACTED_LABEL]);
    expect(view.meta.extension).toEqual((careTeam().meta as any).extension);
    expect(view.name).toBe('Omatiimi');
    expect(view.status).toBe('active');
  });

  it('never mutates its input', () => {
    const input = careTeam();
    const before = JSON.stringify(input);
    withoutContactData(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('returns the same object, unlabelled, when there is nothing to remove', () => {
    const goal = { resourceType: 'Goal', meta: { security: [marked] }, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' }, description: { text: 'Haluan nukkua' } };
    expect(withoutContactData(goal)).toBe(goal);
  });

  it('removes the location of a plan activity', () => {
    const plan = { resourceType: 'CarePlan', activity: [{ detail: { status: 'scheduled', location: { display: 'Kaurialan koulu' }, description: 'Verkostopalaveri' } }] };
    expect((withoutContactData(plan) as any).activity).toEqual([{ detail: { status: 'scheduled', description: 'Verkostopalaveri' } }]);
  });
});

describe('recipientView', () => {
  it('gives the custodian everything', () => {
    const team = careTeam();
    expect(recipientView(team, CUSTODIAN_ORG, CUSTODIAN_ORG)).toBe(team);
    expect(hidesContactData(team, CUSTODIAN_ORG, CUSTODIAN_ORG)).toBe(false);
  });

  it('gives any other organisation the redacted copy', () => {
    expect(JSON.stringify(recipientView(careTeam(), CUSTODIAN_ORG, RECIPIENT_ORG))).not.toContain(PHONE.value);
    expect(hidesContactData(careTeam(), CUSTODIAN_ORG, RECIPIENT_ORG)).toBe(true);
  });

  it('redacts for everyone when no custodian is recorded', () => {
    expect(hidesContactData(careTeam(), undefined, CUSTODIAN_ORG)).toBe(true);
  });

  it('leaves an unmarked resource alone', () => {
    const { meta: _meta, ...unmarked } = careTeam();
    expect(recipientView(unmarked, CUSTODIAN_ORG, RECIPIENT_ORG)).toBe(unmarked);
  });
});
