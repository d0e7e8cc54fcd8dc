import { describe, expect, it } from 'vitest';
import { toFhirPath, validateResource, type SupportedResourceType } from '../../schemas/index.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';


/** Expects exactly one invariant failure, reported with status 422. */
function expectInvariant(type: SupportedResourceType, body: unknown, key: string, expression: string): void {
  const result = validateResource(type, body);
  expect(result).toEqual({
    ok: false,
    status: 422,
    issues: [{ code: 'invariant', diagnostics: expect.stringMatching(new RegExp(`^${key}: `)), expression: [expression] }],
  });
}

describe('CarePlan invariants', () => {
  it('cpl-3: rejects an activity with both detail and reference (422)', () => {
    const plan = carePlanFixture() as any;
    plan.activity[1].reference = { reference: 'ServiceRequest/1' };
    expectInvariant('CarePlan', plan, 'cpl-3', 'CarePlan.activity[1]');
  });

  it('cpl-3: accepts an activity with only a reference', () => {
    const plan = carePlanFixture() as any;
    plan.activity[1] = { reference: { reference: 'Appointment/1' } };
    expect(validateResource('CarePlan', plan).ok).toBe(true);
  });
});

describe('Consent invariants', () => {
  it('ppc-1: rejects a Consent with neither policy nor policyRule (422)', () => {
    const { policyRule: _omit, ...consent } = consentFixture();
    expectInvariant('Consent', consent, 'ppc-1', 'Consent');
  });

  it('ppc-1: accepts a policy instead of a policyRule', () => {
    const { policyRule: _omit, ...consent } = consentFixture();
    expect(validateResource('Consent', { ...consent, policy: [{ uri: 'https://finlex.fi/fi/laki/alkup/2023/20230703' }] }).ok).toBe(true);
  });

  it('ppc-2: rejects a patient-privacy Consent without patient (422)', () => {
    const { patient: _omit, ...consent } = consentFixture();
    expectInvariant('Consent', consent, 'ppc-2', 'Consent.patient');
  });

  it('ppc-2: accepts a Consent without patient when the scope is not patient-privacy', () => {
    const { patient: _omit, ...consent } = consentFixture();
    const scope = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'adr' }] };
    expect(validateResource('Consent', { ...consent, scope }).ok).toBe(true);
  });
});

describe('CareTeam invariants', () => {
  const withMember = (member: unknown, extra: Record<string, unknown> = {}): unknown => {
    const team = careTeamFixture() as any;
    team.participant[3].member = member;
    team.participant[3].onBehalfOf = { display: 'Omaishoitajayhdistys' };
    return { ...team, ...extra };
  };

  it('ctm-1: rejects onBehalfOf for a RelatedPerson member (422)', () => {
    expectInvariant('CareTeam', withMember({ reference: 'RelatedPerson/tytar' }), 'ctm-1', 'CareTeam.participant[3].onBehalfOf');
  });

  it('ctm-1: decides from an absolute URL, member.type or a contained member', () => {
    expectInvariant('CareTeam', withMember({ reference: 'https://fhir.example.fi/r4/Patient/1/_history/2' }), 'ctm-1', 'CareTeam.participant[3].onBehalfOf');
    expectInvariant('CareTeam', withMember({ type: 'Organization', identifier: { value: '1.2.246.10.12345678.10.3' } }), 'ctm-1', 'CareTeam.participant[3].onBehalfOf');
    const contained = [{ resourceType: 'RelatedPerson', id: 'rp', patient: { display: 'Testi Asiakas' } }];
    expectInvariant('CareTeam', withMember({ reference: '#rp' }, { contained }), 'ctm-1', 'CareTeam.participant[3].onBehalfOf');
  });

  it('ctm-1: accepts onBehalfOf for a Practitioner member and passes when the member type is unknown', () => {
    expect(validateResource('CareTeam', withMember({ reference: 'Practitioner/1' })).ok).toBe(true);
    expect(validateResource('CareTeam', withMember({ identifier: { system: 'urn:oid:1.2.246.537.26', value: 'x' } })).ok).toBe(true);
    expect(validateResource('CareTeam', withMember({ reference: 'urn:uuid:9d6d9e7a-0d8b-4b8a-9d1b-4e8b6c1d2e3f' })).ok).toBe(true);
  });
});

describe('Goal invariants', () => {
  it('gol-1: rejects target.detail without target.measure (422)', () => {
    const goal = { ...goalFixture(), target: [{ detailQuantity: { value: 2, unit: 'käyntiä/kk' }, dueDate: '2027-05-16' }] };
    expectInvariant('Goal', goal, 'gol-1', 'Goal.target[0]');
  });

  it('gol-1: accepts target.detail with a measure', () => {
    const goal = { ...goalFixture(), target: [{ measure: { text: 'Päivystyskäynnit kuukaudessa' }, detailQuantity: { value: 2 } }] };
    expect(validateResource('Goal', goal).ok).toBe(true);
  });
});

describe('Finnish identifier invariants on Identifier', () => {
  const HETU = 'urn:oid:1.2.246.21';
  const SOTE = 'urn:oid:1.2.246.537.6.202.2008';
  const byHetu = (value: string) => ({ type: 'Patient', identifier: { system: HETU, value } });

  it('fi-hetu: rejects a wrong check character in CarePlan.subject and names the value (422)', () => {
    expectInvariant('CarePlan', { ...carePlanFixture(), subject: byHetu('010190-999Y') }, 'fi-hetu', 'CarePlan.subject.identifier.value');
    const result = validateResource('CarePlan', { ...carePlanFixture(), subject: byHetu('010190-999Y') });
    expect(result.ok ? '' : result.issues[0]?.diagnostics).toBe("fi-hetu: '010190-999Y' is not a valid henkilötunnus: check character should be W, not 'Y'");
  });

  it('fi-hetu: checks Consent.patient, Goal.identifier, repeated references and extensions', () => {
    expectInvariant('Consent', { ...consentFixture(), patient: byHetu('300290-999W') }, 'fi-hetu', 'Consent.patient.identifier.value');
    expectInvariant('Goal', { ...goalFixture(), identifier: [{ system: HETU, value: '311080G999X' }] }, 'fi-hetu', 'Goal.identifier[0].value');
    const plan = carePlanFixture();
    expectInvariant('CarePlan', { ...plan, contributor: [plan.contributor![0], byHetu('311080-001X')] }, 'fi-hetu', 'CarePlan.contributor[1].identifier.value');
    const extension = [{ url: 'https://example.fi/ext', valueIdentifier: { system: HETU, value: '311080-999x' } }];
    expectInvariant('CarePlan', { ...plan, extension }, 'fi-hetu', 'CarePlan.extension[0].valueIdentifier.value');
    const assigned = { system: 'https://example.fi/sid/x', value: '1', assigner: { identifier: { system: HETU, value: '1' } } };
    expectInvariant('Goal', { ...goalFixture(), identifier: [assigned] }, 'fi-hetu', 'Goal.identifier[0].assigner.identifier.value');
  });

  it('fi-hetu: does not repeat a long value back', () => {
    const result = validateResource('CarePlan', { ...carePlanFixture(), subject: byHetu('9'.repeat(5000)) });
    expect(result.ok ? '' : result.issues[0]?.diagnostics).toBe('fi-hetu: The value is not a valid henkilötunnus: must be 11 characters (DDMMYYCZZZQ), not 5000');
  });

  it('fi-hetu: checks identifiers inside contained resources', () => {
    const contained = [{ resourceType: 'Goal', id: 'g', lifecycleStatus: 'active', description: { text: 'x' }, subject: byHetu('131052-308U') }];
    expectInvariant('CarePlan', { ...carePlanFixture(), goal: [{ reference: '#g' }], contained }, 'fi-hetu', 'CarePlan.contained[0].subject.identifier.value');
  });

  it('fi-hetu: accepts valid codes with every kind of century sign, other systems and a value given only by extension', () => {
    for (const value of ['311080-999X', '311080Y999X', '020516C903K', '020516A903K', '010100+999N']) {
      expect(validateResource('CarePlan', { ...carePlanFixture(), subject: byHetu(value) })).toMatchObject({ ok: true });
    }
    const other = { identifier: { system: 'https://example.fi/sid/client', value: '010190-999Y' } };
    expect(validateResource('CarePlan', { ...carePlanFixture(), subject: other }).ok).toBe(true);
    const absent = { identifier: { system: HETU, _value: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }] } } };
    expect(validateResource('CarePlan', { ...carePlanFixture(), subject: absent }).ok).toBe(true);
  });

  it('fi-sote-oid: rejects a SOTE organisation identifier that is not a dotted OID (422)', () => {
    const organization = (value: string) => [{ type: 'Organization', identifier: { system: SOTE, value } }];
    for (const value of ['Terveysasema', 'urn:oid:1.2.246.10.12345678.10.1', '1.2.246.010.1', '3.1', '1', '1.2.']) {
      expectInvariant('CareTeam', { ...careTeamFixture(), managingOrganization: organization(value) }, 'fi-sote-oid', 'CareTeam.managingOrganization[0].identifier.value');
    }
    for (const value of ['1.2.246.10.12345678.10.1', '0.0', '2.999']) {
      expect(validateResource('CareTeam', { ...careTeamFixture(), managingOrganization: organization(value) }).ok).toBe(true);
    }
  });

  it('reports a bad henkilötunnus and a bad SOTE identifier together (422)', () => {
    const consent = consentFixture();
    consent.patient = byHetu('311080-999Y');
    consent.provision!.actor![0]!.reference = { identifier: { system: SOTE, value: 'Terveysasema' } };
    const result = validateResource('Consent', consent);
    expect(result).toMatchObject({ ok: false, status: 422 });
    if (!result.ok) {
      expect(result.issues.map((issue) => issue.expression?.[0])).toEqual(['Consent.patient.identifier.value', 'Consent.provision.actor[0].reference.identifier.value']);
    }
  });
});

describe('datatype and resource-wide invariants', () => {
  it('per-1: rejects a Period whose start is after its end (422)', () => {
    expectInvariant('CarePlan', { ...carePlanFixture(), period: { start: '2027-05-16', end: '2026-11-16' } }, 'per-1', 'CarePlan.period');
    expectInvariant('CarePlan', { ...carePlanFixture(), period: { start: '2026-11-16T12:00:00+02:00', end: '2026-11-16T09:00:00Z' } }, 'per-1', 'CarePlan.period');
  });

  it('per-1: compares instants across time zones and skips mixed precision', () => {
    expect(validateResource('CarePlan', { ...carePlanFixture(), period: { start: '2026-11-16T10:00:00+02:00', end: '2026-11-16T09:00:00Z' } }).ok).toBe(true);
    expect(validateResource('CarePlan', { ...carePlanFixture(), period: { start: '2026-11-16T10:00:00+02:00', end: '2026-11' } }).ok).toBe(true);
  });

  it('ext-1: rejects an extension with both a value and nested extensions, or with neither (422)', () => {
    const both = carePlanFixture() as any;
    both.extension[0].extension = [{ url: 'osa', valueString: 'x' }];
    expectInvariant('CarePlan', both, 'ext-1', 'CarePlan.extension[0]');
    expectInvariant('CarePlan', { ...carePlanFixture(), extension: [{ url: 'https://example.fi/ext' }] }, 'ext-1', 'CarePlan.extension[0]');
  });

  it('ele-1: rejects an empty element (422)', () => {
    expectInvariant('Goal', { ...goalFixture(), category: [{}] }, 'ele-1', 'Goal.category[0]');
  });

  it('ref-1: rejects a local reference without a matching contained resource (422)', () => {
    expectInvariant('CarePlan', { ...carePlanFixture(), goal: [{ reference: '#puuttuu' }] }, 'ref-1', 'CarePlan.goal[0].reference');
  });

  it('dom-2 and dom-3: rejects nested contained resources and unreferenced contained resources (422)', () => {
    const nested = { resourceType: 'Goal', id: 'g', lifecycleStatus: 'active', description: { text: 'x' }, subject: { display: 'x' } };
    const plan = { ...carePlanFixture(), goal: [{ reference: '#g' }], contained: [{ ...nested, contained: [{ resourceType: 'Basic', id: 'b' }] }] };
    expectInvariant('CarePlan', plan, 'dom-2', 'CarePlan.contained[0].contained');
    expectInvariant('CarePlan', { ...carePlanFixture(), contained: [nested] }, 'dom-3', 'CarePlan.contained[0]');
  });

  it('dom-4 and dom-5: rejects contained resources with a version or security labels (422)', () => {
    const contained = [{ resourceType: 'Basic', id: 'b', meta: { versionId: '2' } }];
    expectInvariant('CarePlan', { ...carePlanFixture(), supportingInfo: [{ reference: '#b' }], contained }, 'dom-4', 'CarePlan.contained[0].meta');
    const labelled = [{ resourceType: 'Basic', id: 'b', meta: { security: [{ code: 'R' }] } }];
    expectInvariant('CarePlan', { ...carePlanFixture(), supportingInfo: [{ reference: '#b' }], contained: labelled }, 'dom-5', 'CarePlan.contained[0].meta.security');
  });

  it('reports several invariant failures together with 422, and 400 once any other issue is present', () => {
    const { policyRule: _rule, patient: _patient, ...consent } = consentFixture();
    const result = validateResource('Consent', consent);
    expect(result).toMatchObject({ ok: false, status: 422 });
    if (!result.ok) expect(result.issues.map((issue) => issue.diagnostics.slice(0, 5))).toEqual(['ppc-1', 'ppc-2']);
    expect(validateResource('Consent', { ...consent, status: 'valid' })).toMatchObject({ ok: false, status: 400 });
  });
});

describe('toFhirPath', () => {
  it('renders element names, indexes, primitive siblings and non-identifier names', () => {
    expect(toFhirPath('CarePlan', ['activity', 0, 'detail', 'status'])).toBe('CarePlan.activity[0].detail.status');
    expect(toFhirPath('CarePlan', ['activity', 0, 'detail', 'scheduledPeriod', 'start'])).toBe('CarePlan.activity[0].detail.scheduledPeriod.start');
    expect(toFhirPath('Goal', ['_lifecycleStatus', 'extension', 1, 'url'])).toBe('Goal.lifecycleStatus.extension[1].url');
    expect(toFhirPath('Goal', ['bad key'])).toBe('Goal.`bad key`');
    expect(toFhirPath('Goal', [])).toBe('Goal');
  });
});
