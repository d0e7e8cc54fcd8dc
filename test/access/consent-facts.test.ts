import { describe, expect, it } from 'vitest';
import { accessTargetOf, consentFacts, SOTE_ORGANIZATION_SYSTEM } from '../../functions/api/access/index.js';
import { CLIENT_KEY, consentJson, CUSTODIAN_ORG, OTHER_ORG, orgActor, RECIPIENT_ORG } from './builders.js';

const root = (consent: unknown) => consentFacts(consent, CUSTODIAN_ORG).provisions[0];

describe('consentFacts', () => {
  it('reduces a Consent to id, custodian, status, scope, client and provisions', () => {
    expect(consentFacts(consentJson(), CUSTODIAN_ORG)).toEqual({
      id: 'consent-1',
      custodian: CUSTODIAN_ORG,
      status: 'active',
      patientPrivacy: true,
      clientKeys: [CLIENT_KEY],
      provisions: [{ type: 'permit', organizations: [RECIPIENT_ORG], start: '2026-11-15T22:00:00.000Z', end: '2026-12-31T21:59:59.999Z' }],
    });
  });

  it('takes the custodian from the argument, never from the resource', () => {
    const spoofed = consentJson({ meta: { extension: [{ url: 'https://shared-care-plan.fi/fhir/StructureDefinition/custodian', valueIdentifier: { system: SOTE_ORGANIZATION_SYSTEM, value: OTHER_ORG } }] } });
    expect(consentFacts(spoofed, CUSTODIAN_ORG).custodian).toBe(CUSTODIAN_ORG);
    expect('custodian' in consentFacts(spoofed, undefined)).toBe(false);
  });

  it.each(['draft', 'proposed', 'active', 'rejected', 'inactive', 'entered-in-error'])('keeps status %s', (status) =>
    expect(consentFacts(consentJson({ status }), CUSTODIAN_ORG).status).toBe(status));

  it.each<[string, unknown, boolean]>([
    ['consentscope#patient-privacy', { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] }, true],
    ['patient-privacy among other codings', { coding: [{ system: 'urn:x', code: 'y' }, { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] }, true],
    ['consentscope#research', { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] }, false],
    ['patient-privacy in another system', { coding: [{ system: 'urn:x', code: 'patient-privacy' }] }, false],
    ['a text-only scope', { text: 'patient-privacy' }, false],
    ['no scope', undefined, false],
  ])('patientPrivacy for %s is %s', (_name, scope, expected) =>
    expect(consentFacts(consentJson({ scope }), CUSTODIAN_ORG).patientPrivacy).toBe(expected));

  it('flattens provisions root first, then nested ones depth first in document order', () => {
    const provisions = consentFacts(
      consentJson({}, {
        provision: [
          { type: 'deny', actor: [orgActor('1.2.246.10.1234567.10.11')], provision: [{ type: 'permit', actor: [orgActor('1.2.246.10.1234567.10.12')] }] },
          { type: 'permit', actor: [orgActor('1.2.246.10.1234567.10.13')] },
        ],
      }),
      CUSTODIAN_ORG,
    ).provisions;
    expect(provisions.map((provision) => [provision.type, provision.organizations])).toEqual([
      ['permit', [RECIPIENT_ORG]],
      ['deny', ['1.2.246.10.1234567.10.11']],
      ['permit', ['1.2.246.10.1234567.10.12']],
      ['permit', ['1.2.246.10.1234567.10.13']],
    ]);
  });

  it.each<[string, unknown]>([
    ['absent', undefined],
    ['unknown', 'allow'],
    ['not a string', true],
  ])('counts a provision whose type is %s as deny', (_name, type) => expect(root(consentJson({}, { type }))?.type).toBe('deny'));

  it('reads actors named by literal reference, SOTE identifier and urn:oid URI, sorted and unique', () => {
    const provision = root(
      consentJson({}, {
        actor: [
          { reference: { reference: `Organization/${OTHER_ORG}` } },
          orgActor(RECIPIENT_ORG),
          { reference: { identifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:${CUSTODIAN_ORG}` } } },
          { reference: { reference: `https://fhir.example.fi/fhir/Organization/${RECIPIENT_ORG}` } },
          { reference: { reference: 'Practitioner/pr-1' } },
          { reference: { display: 'Kotihoito' } },
          { role: { text: 'no reference' } },
        ],
      }),
    );
    expect(provision?.organizations).toEqual([CUSTODIAN_ORG, RECIPIENT_ORG, OTHER_ORG].sort());
  });

  it('gives an empty actor list for a provision without actors', () =>
    expect(root(consentJson({}, { actor: undefined }))?.organizations).toEqual([]));

  it.each<[string, unknown, Record<string, unknown>]>([
    ['no period', undefined, {}],
    ['an empty period', {}, {}],
    ['an open end', { start: '2026-11-16' }, { start: '2026-11-15T22:00:00.000Z' }],
    ['an open start', { end: '2026-12-31' }, { end: '2026-12-31T21:59:59.999Z' }],
    ['dateTimes with offsets', { start: '2026-11-16T08:00:00+02:00', end: '2026-12-31T16:00+02:00' }, { start: '2026-11-16T06:00:00.000Z', end: '2026-12-31T14:00:00.000Z' }],
    ['one instant', { start: '2026-12-01T10:00:00Z', end: '2026-12-01T12:00:00+02:00' }, { start: '2026-12-01T10:00:00.000Z', end: '2026-12-01T10:00:00.000Z' }],
    ['an unparseable start', { start: '16.11.2026', end: '2026-12-31' }, { invalidPeriod: true }],
    ['an unparseable end', { start: '2026-11-16', end: '2026-02-30' }, { invalidPeriod: true }],
    ['a time without offset', { end: '2026-12-31T23:59:59' }, { invalidPeriod: true }],
    ['a start after the end', { start: '2026-12-31', end: '2026-11-16' }, { invalidPeriod: true }],
    ['a non-string bound', { start: 20261116 }, { invalidPeriod: true }],
    ['a period that is not an object', '2026-11-16/2026-12-31', { invalidPeriod: true }],
  ])('reads %s', (_name, period, expected) => {
    const { type: _type, organizations: _organizations, ...bounds } = root(consentJson({}, { period }))!;
    expect(bounds).toEqual(expected);
  });

  it('reads a Consent without provision as having none', () =>
    expect(consentFacts(consentJson({ provision: undefined }), CUSTODIAN_ORG).provisions).toEqual([]));

  it('reads anything that is not a Consent as facts that open nothing', () => {
    for (const value of [null, 'Consent', { resourceType: 'CarePlan', status: 'active' }]) {
      const facts = consentFacts(value, CUSTODIAN_ORG);
      expect(facts.clientKeys).toEqual([]);
      expect(facts.patientPrivacy).toBe(false);
      expect(facts.provisions).toEqual([]);
    }
  });
});

describe('accessTargetOf', () => {
  it('gives type, id, custodian and client keys of a plan resource', () => {
    const plan = { resourceType: 'CarePlan', id: 'plan-1', subject: { reference: 'Patient/p-1' } };
    expect(accessTargetOf(plan, CUSTODIAN_ORG)).toEqual({ resourceType: 'CarePlan', id: 'plan-1', custodian: CUSTODIAN_ORG, clientKeys: ['Patient/p-1'] });
  });

  it('omits custodian and id when there are none', () =>
    expect(accessTargetOf({ resourceType: 'Goal' }, undefined)).toEqual({ resourceType: 'Goal', clientKeys: [] }));

  it('names, for a Consent, the organisations of every provision, root or nested, permit or deny', () => {
    const consent = consentJson({}, {
      provision: [{ type: 'deny', actor: [orgActor(OTHER_ORG)], provision: [{ type: 'permit', actor: [orgActor(CUSTODIAN_ORG), orgActor(RECIPIENT_ORG)] }] }],
    });
    expect(accessTargetOf(consent, CUSTODIAN_ORG)).toEqual({
      resourceType: 'Consent',
      id: 'consent-1',
      custodian: CUSTODIAN_ORG,
      clientKeys: [CLIENT_KEY],
      namedOrganizations: [CUSTODIAN_ORG, RECIPIENT_ORG, OTHER_ORG].sort(),
    });
  });

  it('gives a Consent without provisions an empty list of named organisations', () =>
    expect(accessTargetOf(consentJson({ provision: undefined }), CUSTODIAN_ORG).namedOrganizations).toEqual([]));

  it('gives other types no namedOrganizations', () =>
    expect('namedOrganizations' in accessTargetOf({ resourceType: 'CareTeam', participant: [] }, CUSTODIAN_ORG)).toBe(false));
});
