import type { CarePlan, CareTeam, Consent, Goal, Reference } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { dateRange, extractIndex, extractValues, HETU_SYSTEM } from '../../functions/api/search/index-values/index.js';
import { SEARCH_PARAMETERS } from '../../schemas/generated/search-parameters.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';

const HETU_SUBJECT = { type: 'Patient', identifier: { system: HETU_SYSTEM, value: '311080-999X' } };
const day = (date: string): { low: string; high: string } => ({ low: `${date}T00:00:00.000Z`, high: `${date}T23:59:59.999Z` });
const withSubject = (subject: Reference): CarePlan => ({ ...carePlanFixture(), subject });

describe('dateRange', () => {
  it.each([
    ['2026', '2026-01-01T00:00:00.000Z', '2026-12-31T23:59:59.999Z'],
    ['2028-02', '2028-02-01T00:00:00.000Z', '2028-02-29T23:59:59.999Z'],
    ['2026-12-31', '2026-12-31T00:00:00.000Z', '2026-12-31T23:59:59.999Z'],
    ['2026-11-30T10:00:00+02:00', '2026-11-30T08:00:00.000Z', '2026-11-30T08:00:00.999Z'],
    ['2026-11-30T10:00:00-03:30', '2026-11-30T13:30:00.000Z', '2026-11-30T13:30:00.999Z'],
    ['2026-11-30T10:00:00Z', '2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.999Z'],
    ['2026-11-30T10:00:00', '2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.999Z'],
    ['2026-11-30T10:00', '2026-11-30T10:00:00.000Z', '2026-11-30T10:00:59.999Z'],
    ['2026-11-30T10:00:00.5Z', '2026-11-30T10:00:00.500Z', '2026-11-30T10:00:00.599Z'],
    ['2026-11-30T10:00:00.123456Z', '2026-11-30T10:00:00.123Z', '2026-11-30T10:00:00.123Z'],
    ['0099-01-01', '0099-01-01T00:00:00.000Z', '0099-01-01T23:59:59.999Z'],
  ])('expands %s to the instants its precision covers', (text, low, high) => {
    expect(dateRange(text)).toEqual({ low, high });
  });

  it.each(['2026-02-29', '2026-13', '2026-11-31', '2026-11-30T24:00:00Z', 'today', '26-11-30'])('rejects %s', (text) => {
    expect(dateRange(text)).toBeUndefined();
  });
});

describe('extractIndex on the shared-plan fixtures', () => {
  it('indexes the care plan under every parameter that has a value and omits the others', () => {
    const index = extractIndex({ ...carePlanFixture(), id: 'plan-1', meta: { lastUpdated: '2026-11-16T08:30:00.123Z' } });
    expect(index).toEqual({
      _id: [{ code: 'plan-1' }],
      _lastUpdated: [{ low: '2026-11-16T08:30:00.123Z', high: '2026-11-16T08:30:00.123Z' }],
      'activity-code': [{ text: 'läheisneuvonpito' }, { text: 'seurantakäynti' }],
      'activity-date': [{ low: '2027-05-03T00:00:00.000Z', high: '2027-05-16T23:59:59.999Z' }],
      'care-team': [{ type: 'CareTeam', id: 'example-team' }],
      category: [{ system: 'http://snomed.info/sct', code: '734163000', text: 'care plan' }, { text: 'monialainen yhteinen asiakassuunnitelma' }],
      date: [{ low: '2026-11-16T00:00:00.000Z', high: '2027-05-16T23:59:59.999Z' }],
      goal: [{ type: 'Goal', id: 'example-goal' }],
      intent: [{ code: 'plan' }],
      patient: [HETU_SUBJECT],
      performer: [
        { type: 'Organization', identifier: { system: 'urn:oid:1.2.246.537.6.202.2008', value: '1.2.246.10.12345678.10.1' } },
        { type: 'Organization', identifier: { system: 'urn:oid:1.2.246.537.6.202.2008', value: '1.2.246.10.12345678.10.2' } },
      ],
      status: [{ code: 'active' }],
      subject: [HETU_SUBJECT],
    });
  });

  it('indexes the care team period without an end as open-ended', () => {
    expect(extractIndex(careTeamFixture()).date).toEqual([{ low: '2026-11-16T00:00:00.000Z' }]);
  });

  it('indexes the care team members as participants', () => {
    expect(extractIndex(careTeamFixture()).participant).toEqual([
      { type: 'Practitioner', id: 'example-coordinator' },
      { type: 'Practitioner', id: 'example-social-worker' },
      { type: 'Practitioner', id: 'example-nurse' },
      { type: 'RelatedPerson', id: 'example-daughter' },
    ]);
  });

  it('indexes the consent dateTime in UTC, its provision period, scope and unrestricted patient', () => {
    const index = extractIndex(consentFixture());
    expect(index.date).toEqual([{ low: '2026-11-12T07:15:00.000Z', high: '2026-11-12T07:15:00.999Z' }]);
    expect(index.period).toEqual([{ low: '2026-11-12T00:00:00.000Z', high: '2027-11-12T23:59:59.999Z' }]);
    expect(index.scope).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', text: 'privacy consent' }]);
    expect(index.patient).toEqual([HETU_SUBJECT]);
    expect(index.consentor).toEqual([HETU_SUBJECT]);
    expect(index.actor).toHaveLength(2);
  });

  it('indexes the goal start and target dates and lifecycle status', () => {
    const index = extractIndex(goalFixture());
    expect(index['start-date']).toEqual([day('2026-11-16')]);
    expect(index['target-date']).toEqual([day('2027-05-16')]);
    expect(index['lifecycle-status']).toEqual([{ code: 'active' }]);
    expect(index.category).toEqual([{ text: 'arjen hallinta' }]);
  });
});

describe('token extraction', () => {
  it('turns an Identifier into system, value as code and lower-cased type text', () => {
    const plan: CarePlan = { ...carePlanFixture(), identifier: [{ system: 'urn:oid:1.2.3', value: 'SP-1', type: { text: 'Suunnitelman Tunnus' } }] };
    expect(extractIndex(plan).identifier).toEqual([{ system: 'urn:oid:1.2.3', code: 'SP-1', text: 'suunnitelman tunnus' }]);
  });

  it('turns meta tags and security labels into Coding tokens and profiles into uris', () => {
    const goal: Goal = {
      ...goalFixture(),
      meta: {
        tag: [{ system: 'https://example.fi/tags', code: 'pilot', display: 'Pilotti' }],
        security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
        profile: ['https://example.fi/fhir/StructureDefinition/shared-goal'],
      },
    };
    const index = extractIndex(goal);
    expect(index._tag).toEqual([{ system: 'https://example.fi/tags', code: 'pilot', text: 'pilotti' }]);
    expect(index._security).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }]);
    expect(index._profile).toEqual(['https://example.fi/fhir/StructureDefinition/shared-goal']);
  });

  it('turns a Coding element (Consent.provision.purpose) and CodeableConcepts (provision.action) into tokens', () => {
    const consent: Consent = {
      ...consentFixture(),
      provision: {
        purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }],
        action: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] }],
      },
    };
    const index = extractIndex(consent);
    expect(index.purpose).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }]);
    expect(index.action).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }]);
  });

  it('turns a boolean into a code token', () => {
    const plan = carePlanFixture();
    plan.activity = [{ detail: { status: 'scheduled', doNotPerform: false } }];
    const definition = { code: 'do-not-perform', type: 'token', expression: 'CarePlan.activity.detail.doNotPerform' } as const;
    expect(extractValues(plan, definition)).toEqual([{ code: 'false' }]);
  });

  it('removes duplicate values', () => {
    const plan: CarePlan = { ...carePlanFixture(), category: [{ coding: [{ code: 'a' }] }, { coding: [{ code: 'a' }] }] };
    expect(extractIndex(plan).category).toEqual([{ code: 'a' }]);
  });
});

describe('reference extraction', () => {
  const refs = (...basedOn: Reference[]): unknown => extractIndex({ ...carePlanFixture(), basedOn })['based-on'];

  it('reads relative, versioned, absolute and urn references in the forms they are matched by', () => {
    expect(
      refs(
        { reference: 'CarePlan/a' },
        { reference: 'CarePlan/b/_history/3' },
        { reference: 'https://fhir.example.fi/r4/CarePlan/c' },
        { reference: 'urn:uuid:4a3c1b7e-3f0e-4d52-9c55-1f0d5d6c9a10', type: 'CarePlan' },
        { reference: 'urn:oid:1.2.3.4' },
      ),
    ).toEqual([
      { type: 'CarePlan', id: 'a' },
      { type: 'CarePlan', id: 'b' },
      { type: 'CarePlan', url: 'https://fhir.example.fi/r4/CarePlan/c' },
      { type: 'CarePlan', url: 'urn:uuid:4a3c1b7e-3f0e-4d52-9c55-1f0d5d6c9a10' },
      { url: 'urn:oid:1.2.3.4' },
    ]);
  });

  it('keeps the literal type over Reference.type and keeps the identifier beside the literal', () => {
    expect(refs({ reference: 'CarePlan/a', type: 'Goal', identifier: { system: 'urn:oid:1.2.3', value: '7' } })).toEqual([
      { type: 'CarePlan', id: 'a', identifier: { system: 'urn:oid:1.2.3', value: '7' } },
    ]);
  });

  it('skips contained and display-only references', () => {
    expect(refs({ reference: '#local' }, { display: 'Vanha suunnitelma' })).toBeUndefined();
  });

  it('reads a canonical as its url plus the type it ends in (no local id: it lives elsewhere)', () => {
    const plan: CarePlan = {
      ...carePlanFixture(),
      instantiatesCanonical: ['https://example.fi/fhir/PlanDefinition/hopa|1.0', 'urn:oid:1.2.246.999'],
      instantiatesUri: ['https://example.fi/ohjeet/hopa'],
    };
    const index = extractIndex(plan);
    expect(index['instantiates-canonical']).toEqual([
      { type: 'PlanDefinition', url: 'https://example.fi/fhir/PlanDefinition/hopa|1.0' },
      { url: 'urn:oid:1.2.246.999' },
    ]);
    expect(index['instantiates-uri']).toEqual(['https://example.fi/ohjeet/hopa']);
  });

  it('reads only sourceReference for Consent source-reference', () => {
    const withReference: Consent = { ...consentFixture(), sourceReference: { reference: 'DocumentReference/signed' } };
    const withAttachment: Consent = { ...consentFixture(), sourceAttachment: { url: 'https://example.fi/DocumentReference/signed' } };
    expect(extractIndex(withReference)['source-reference']).toEqual([{ type: 'DocumentReference', id: 'signed' }]);
    expect(extractIndex(withAttachment)['source-reference']).toBeUndefined();
  });
});

describe('patient (subject restricted to Patient)', () => {
  it('keeps an identifier-only subject with the HETU system and no type', () => {
    const subject = { identifier: { system: HETU_SYSTEM, value: '311080-999X' } };
    expect(extractIndex(withSubject(subject)).patient).toEqual([{ identifier: { system: HETU_SYSTEM, value: '311080-999X' } }]);
  });

  it('drops an identifier-only subject of another system without a type, but subject still indexes it', () => {
    const subject = { identifier: { system: 'urn:oid:1.2.246.10.1', value: '42' } };
    const index = extractIndex(withSubject(subject));
    expect(index.patient).toBeUndefined();
    expect(index.subject).toEqual([{ identifier: { system: 'urn:oid:1.2.246.10.1', value: '42' } }]);
  });

  it('keeps a typed identifier-only Patient subject of any system', () => {
    const subject = { type: 'Patient', identifier: { system: 'urn:oid:1.2.246.10.1', value: '42' } };
    expect(extractIndex(withSubject(subject)).patient).toEqual([subject]);
  });

  it('keeps Patient/id and drops Group/id and untyped urn references', () => {
    expect(extractIndex(withSubject({ reference: 'Patient/p1' })).patient).toEqual([{ type: 'Patient', id: 'p1' }]);
    expect(extractIndex(withSubject({ reference: 'Group/g1' })).patient).toBeUndefined();
    expect(extractIndex(withSubject({ reference: 'urn:uuid:4a3c1b7e-3f0e-4d52-9c55-1f0d5d6c9a10' })).patient).toBeUndefined();
    const goal: Goal = { ...goalFixture(), subject: { reference: 'Group/g1', identifier: { system: HETU_SYSTEM, value: '311080-999X' } } };
    expect(extractIndex(goal).patient).toBeUndefined();
  });
});

describe('date extraction', () => {
  const scheduled = (detail: NonNullable<NonNullable<CarePlan['activity']>[number]['detail']>): unknown =>
    extractIndex({ ...carePlanFixture(), activity: [{ detail }] })['activity-date'];

  it('reads each Timing event and its boundsPeriod, ignoring boundsDuration', () => {
    expect(
      scheduled({
        status: 'scheduled',
        scheduledTiming: {
          event: ['2026-12-01T09:00:00+02:00', '2027-01-15'],
          repeat: { boundsPeriod: { start: '2026-12-01' }, boundsDuration: { value: 6, unit: 'mo' } },
        },
      }),
    ).toEqual([
      { low: '2026-12-01T07:00:00.000Z', high: '2026-12-01T07:00:00.999Z' },
      day('2027-01-15'),
      { low: '2026-12-01T00:00:00.000Z' },
    ]);
  });

  it('reads a Period without a start as open below', () => {
    expect(scheduled({ status: 'scheduled', scheduledPeriod: { end: '2027-01' } })).toEqual([{ high: '2027-01-31T23:59:59.999Z' }]);
  });

  it('ignores scheduledString', () => {
    expect(scheduled({ status: 'scheduled', scheduledString: 'ensi viikolla' })).toBeUndefined();
  });

  it('reads Goal start and target due only when they are dates', () => {
    const goal: Goal = {
      ...goalFixture(),
      startCodeableConcept: { text: 'kun asiakas kotiutuu' },
      target: [{ dueDuration: { value: 6, unit: 'mo' } }, { dueDate: '2027-06' }],
    };
    delete goal.startDate;
    const index = extractIndex(goal);
    expect(index['start-date']).toBeUndefined();
    expect(index['target-date']).toEqual([{ low: '2027-06-01T00:00:00.000Z', high: '2027-06-30T23:59:59.999Z' }]);
  });

  it('reads _lastUpdated from meta.lastUpdated at millisecond precision', () => {
    const team: CareTeam = { ...careTeamFixture(), meta: { lastUpdated: '2026-11-16T10:30:00.250+02:00' } };
    expect(extractIndex(team)._lastUpdated).toEqual([{ low: '2026-11-16T08:30:00.250Z', high: '2026-11-16T08:30:00.250Z' }]);
  });
});

describe('extractValues', () => {
  it('reads a string parameter from plain strings', () => {
    expect(extractValues(careTeamFixture(), { code: 'name', type: 'string', expression: 'CareTeam.name' })).toEqual(['Testi Asiakkaan omatiimi']);
  });

  it('selects nothing from union parts of other resource types', () => {
    expect(extractValues(goalFixture(), SEARCH_PARAMETERS.CarePlan.date!)).toEqual([]);
  });

  it('throws on an expression outside the supported subset', () => {
    expect(() => extractValues(goalFixture(), { code: 'x', type: 'token', expression: 'Goal.category.first()' })).toThrow(/Unsupported/);
  });
});
