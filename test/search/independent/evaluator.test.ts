/**
 * Unit tests of the independent search evaluator on small hand-made resources, so that it can
 * be trusted as an oracle on its own (no API, no database).
 */
import { describe, expect, it } from 'vitest';
import type { CarePlan, CareTeam, Consent, FhirResource, Goal } from 'fhir/r4.js';
import { evaluateSearch } from './evaluator.js';
import { dateMatches, parseDateSearchValue, precisionRange, timingRange } from './dates.js';
import { expressionFor, findSearchParameter, referenceTargetType } from './official-parameters.js';
import { hetuCheckCharacter, makeHetu, parseHetu } from './hetu.js';

const HETU = 'urn:oid:1.2.246.21';
const HETU_A = '311080-999X';
const HETU_B = '020516C903K';

function plan(id: string, extra: Partial<CarePlan> = {}): CarePlan {
  return { resourceType: 'CarePlan', id, status: 'active', intent: 'plan', subject: { reference: 'Patient/p1' }, ...extra };
}

function goal(id: string, extra: Partial<Goal> = {}): Goal {
  return { resourceType: 'Goal', id, lifecycleStatus: 'active', description: { text: id }, subject: { reference: 'Patient/p1' }, ...extra };
}

const search = (resources: FhirResource[], type: string, query: string) => evaluateSearch(resources, type, query);

describe('HETU helpers', () => {
  it('accepts the worked examples and rejects a wrong check character', () => {
    expect(parseHetu('311080-999X')).toEqual({ valid: true, individualNumber: 999 });
    expect(parseHetu('020516C903K').valid).toBe(true);
    expect(parseHetu('131052-308U').valid).toBe(false);
    expect(parseHetu('010190-999W').valid).toBe(true);
    expect(parseHetu('010190-999Y').valid).toBe(false);
    expect(parseHetu('310290-999W').valid).toBe(false); // 31 February
  });

  it('builds codes with the right check character and refuses the real-person range', () => {
    expect(makeHetu({ year: 1980, month: 10, day: 31 }, '-', 999)).toBe('311080-999X');
    expect(makeHetu({ year: 2016, month: 5, day: 2 }, 'C', 903)).toBe('020516C903K');
    expect(hetuCheckCharacter('311080999')).toBe('X');
    expect(() => makeHetu({ year: 1952, month: 10, day: 13 }, '-', 308)).toThrow(/test individual number/);
    expect(() => makeHetu({ year: 1952, month: 10, day: 13 }, 'A', 950)).toThrow(/century sign/);
  });
});

describe('official expressions', () => {
  it('restricts the union to the resource type and rewrites resolve() and as', () => {
    expect(expressionFor(findSearchParameter('CarePlan', 'patient')!, 'CarePlan')).toBe("CarePlan.subject.where(isReferenceTo('Patient'))");
    expect(expressionFor(findSearchParameter('Consent', 'patient')!, 'Consent')).toBe('Consent.patient');
    expect(expressionFor(findSearchParameter('CareTeam', 'date')!, 'CareTeam')).toBe('CareTeam.period');
    expect(expressionFor(findSearchParameter('Goal', 'target-date')!, 'Goal')).toBe('Goal.target.due.ofType(date)');
    expect(expressionFor(findSearchParameter('Goal', '_lastUpdated')!, 'Goal')).toBe('Goal.meta.lastUpdated');
    expect(findSearchParameter('Goal', 'no-such-parameter')).toBeUndefined();
  });

  it('reads the reference type from the reference, then type, then the HETU system', () => {
    expect(referenceTargetType({ reference: 'Patient/p1' })).toBe('Patient');
    expect(referenceTargetType({ reference: 'https://other.example/fhir/Group/g1/_history/2' })).toBe('Group');
    expect(referenceTargetType({ reference: 'Group/g1', type: 'Patient' })).toBe('Group');
    expect(referenceTargetType({ type: 'Patient', identifier: { system: 'urn:x', value: '1' } })).toBe('Patient');
    expect(referenceTargetType({ identifier: { system: HETU, value: HETU_A } })).toBe('Patient');
    expect(referenceTargetType({ identifier: { system: 'urn:x', value: '1' } })).toBeUndefined();
    expect(referenceTargetType({ display: 'only a name' })).toBeUndefined();
  });
});

describe('date ranges', () => {
  it('derive the range from the precision, reading no zone as UTC', () => {
    expect(precisionRange('2026')).toEqual({ low: Date.UTC(2026, 0, 1), high: Date.UTC(2027, 0, 1) });
    expect(precisionRange('2026-02')).toEqual({ low: Date.UTC(2026, 1, 1), high: Date.UTC(2026, 2, 1) });
    expect(precisionRange('2026-12-31')).toEqual({ low: Date.UTC(2026, 11, 31), high: Date.UTC(2027, 0, 1) });
    expect(precisionRange('2026-03-10T01:30:00+02:00')).toEqual({ low: Date.UTC(2026, 2, 9, 23, 30), high: Date.UTC(2026, 2, 9, 23, 30, 1) });
    expect(precisionRange('2026-03-10T10:00Z').high - precisionRange('2026-03-10T10:00Z').low).toBe(60_000);
    expect(precisionRange('2026-03-10T10:00:00.123Z')).toEqual({ low: Date.UTC(2026, 2, 10, 10, 0, 0, 123), high: Date.UTC(2026, 2, 10, 10, 0, 0, 124) });
    expect(() => precisionRange('10.3.2026')).toThrow();
  });

  it('span a Timing from its earliest to its latest event or bound', () => {
    expect(timingRange({ event: ['2026-05-10T12:00:00Z', '2026-03-01'] })).toEqual({ low: Date.UTC(2026, 2, 1), high: Date.UTC(2026, 4, 10, 12, 0, 1) });
    expect(timingRange({ repeat: { boundsPeriod: { start: '2026-01-01' } } })).toEqual({ low: Date.UTC(2026, 0, 1), high: Infinity });
    expect(timingRange({})).toBeUndefined();
  });

  it('reject the ap prefix', () => {
    expect(() => parseDateSearchValue('ap2026')).toThrow(/ap prefix/);
    expect(parseDateSearchValue('2026').prefix).toBe('eq');
  });

  // Target: the period 2026-03-10 .. 2026-03-20 (inclusive end day), i.e. [03-10, 03-21).
  const target = { low: Date.UTC(2026, 2, 10), high: Date.UTC(2026, 2, 21) };
  it.each([
    ['eq2026-03', true], ['eq2026-03-15', false], ['ne2026-03-15', true], ['ne2026-03', false],
    ['gt2026-03-15', true], ['gt2026-03', false], ['gt2026-03-20', false],
    ['lt2026-03-15', true], ['lt2026-03-10', false],
    ['ge2026-03', true], ['ge2026-03-20', false], ['ge2026-03-19', true], ['ge2026-04', false],
    ['le2026-03-11', true], ['le2026-03-10', false], ['le2026', true],
    ['sa2026-03-09', true], ['sa2026-03-10', false],
    ['eb2026-03-21', true], ['eb2026-03-20', false],
  ])('a closed period vs %s → %s', (value, expected) => {
    const { prefix, range } = parseDateSearchValue(value);
    expect(dateMatches(prefix, range, target)).toBe(expected);
  });
});

describe('date parameters over resources', () => {
  const resources: FhirResource[] = [
    plan('closed', { period: { start: '2026-03-10', end: '2026-03-20' } }),
    plan('open-end', { period: { start: '2026-03-10' } }),
    plan('open-start', { period: { end: '2026-03-20' } }),
    plan('no-period'),
    plan('timing', { activity: [{ detail: { status: 'scheduled', scheduledTiming: { event: ['2026-06-01T09:00:00+03:00', '2026-06-15'] } } }] }),
    plan('period-activity', { activity: [{ detail: { status: 'scheduled', scheduledPeriod: { start: '2026-01-05', end: '2026-01-06' } } }] }),
    plan('string-activity', { activity: [{ detail: { status: 'scheduled', scheduledString: 'weekly' } }] }),
    plan('two-activities', {
      activity: [
        { detail: { status: 'scheduled', scheduledPeriod: { start: '2026-01-05', end: '2026-01-06' } } },
        { detail: { status: 'scheduled', scheduledTiming: { event: ['2026-06-10'] } } },
      ],
    }),
  ];

  it('treat missing period ends as open', () => {
    expect(search(resources, 'CarePlan', 'date=gt2030')).toEqual(['open-end']);
    expect(search(resources, 'CarePlan', 'date=lt1900')).toEqual(['open-start']);
    expect(search(resources, 'CarePlan', 'date=sa2026-03-09')).toEqual(['closed', 'open-end']);
    expect(search(resources, 'CarePlan', 'date=eb2026-03-21')).toEqual(['closed', 'open-start']);
    expect(search(resources, 'CarePlan', 'date=eq2026-03')).toEqual(['closed']);
  });

  it('do not match resources without a value, not even with ne', () => {
    expect(search(resources, 'CarePlan', 'date=ne2020')).toEqual(['closed', 'open-end', 'open-start']);
    expect(search(resources, 'CarePlan', 'date:missing=true')).toEqual(['no-period', 'period-activity', 'string-activity', 'timing', 'two-activities']);
  });

  it('use the outer limits of a Timing, any of several activities, and ignore scheduledString', () => {
    expect(search(resources, 'CarePlan', 'activity-date=eq2026-06')).toEqual(['timing', 'two-activities']);
    expect(search(resources, 'CarePlan', 'activity-date=eq2026-06-01')).toEqual([]);
    expect(search(resources, 'CarePlan', 'activity-date=eq2026-05-31')).toEqual([]); // 09:00+03:00 is 06:00Z on 06-01
    expect(search(resources, 'CarePlan', 'activity-date=lt2026-02')).toEqual(['period-activity', 'two-activities']);
    expect(search(resources, 'CarePlan', 'activity-date=sa2026-05-31')).toEqual(['timing', 'two-activities']);
    expect(search(resources, 'CarePlan', 'activity-date:missing=true')).toEqual(['closed', 'no-period', 'open-end', 'open-start', 'string-activity']);
  });

  it('AND narrows repeated date parameters to a window', () => {
    expect(search(resources, 'CarePlan', 'activity-date=ge2026-01-01&activity-date=lt2026-02-01')).toEqual(['period-activity', 'two-activities']);
    expect(search(resources, 'CarePlan', 'activity-date=sa2026-02&activity-date=eb2026-07')).toEqual(['timing', 'two-activities']);
    expect(search(resources, 'CarePlan', 'activity-date=sa2026-02&activity-date=eb2026-06-12')).toEqual(['two-activities']);
  });

  it('select only date-typed Goal.start and every target due date', () => {
    const goals: FhirResource[] = [
      goal('g-date', { startDate: '2026-04', target: [{ dueDate: '2027-01-15' }, { dueDate: '2027-06-30' }] }),
      goal('g-concept', { startCodeableConcept: { text: 'after discharge' }, target: [{ dueDuration: { value: 3, unit: 'mo' } }] }),
    ];
    expect(search(goals, 'Goal', 'start-date=eq2026')).toEqual(['g-date']);
    expect(search(goals, 'Goal', 'start-date=eq2026-04-10')).toEqual([]);
    expect(search(goals, 'Goal', 'start-date:missing=true')).toEqual(['g-concept']);
    expect(search(goals, 'Goal', 'target-date=eq2027-06')).toEqual(['g-date']);
    expect(search(goals, 'Goal', 'target-date=lt2027-01-15')).toEqual([]);
    expect(search(goals, 'Goal', 'target-date:missing=false')).toEqual(['g-date']);
  });
});

describe('token parameters', () => {
  const resources: FhirResource[] = [
    plan('a', {
      status: 'active',
      category: [{ coding: [{ system: 'http://snomed.info/sct', code: '734163000' }, { system: 'urn:plan-type', code: 'hopa' }] }],
      identifier: [{ system: 'urn:ids', value: 'CP-1' }],
    }),
    plan('b', { status: 'on-hold', category: [{ coding: [{ code: '734163000' }] }], identifier: [{ value: 'LEGACY-1' }] }),
    plan('c', { status: 'completed', category: [{ text: 'text only' }] }),
    plan('d', { status: 'revoked', meta: { tag: [{ system: 'urn:batch', code: 'x' }] } }),
  ];

  it('match code, system|code, |code and system|', () => {
    expect(search(resources, 'CarePlan', 'category=734163000')).toEqual(['a', 'b']);
    expect(search(resources, 'CarePlan', 'category=http://snomed.info/sct|734163000')).toEqual(['a']);
    expect(search(resources, 'CarePlan', 'category=|734163000')).toEqual(['b']);
    expect(search(resources, 'CarePlan', 'category=urn:plan-type|')).toEqual(['a']);
    expect(search(resources, 'CarePlan', 'identifier=urn:ids|CP-1')).toEqual(['a']);
    expect(search(resources, 'CarePlan', 'identifier=|LEGACY-1')).toEqual(['b']);
    expect(search(resources, 'CarePlan', 'identifier=CP-1,LEGACY-1')).toEqual(['a', 'b']);
    expect(search(resources, 'CarePlan', 'status=Active')).toEqual([]);
  });

  it(':not excludes matches and keeps resources without a value', () => {
    expect(search(resources, 'CarePlan', 'status:not=active')).toEqual(['b', 'c', 'd']);
    expect(search(resources, 'CarePlan', 'status:not=active,on-hold')).toEqual(['c', 'd']);
    expect(search(resources, 'CarePlan', 'category:not=734163000')).toEqual(['c', 'd']);
  });

  it(':missing counts a CodeableConcept with text only as a value', () => {
    expect(search(resources, 'CarePlan', 'category:missing=true')).toEqual(['d']);
    expect(search(resources, 'CarePlan', 'category:missing=false')).toEqual(['a', 'b', 'c']);
  });

  it('_id, _tag, OR and AND', () => {
    expect(search(resources, 'CarePlan', '_id=a,c,zzz')).toEqual(['a', 'c']);
    expect(search(resources, 'CarePlan', '_tag=urn:batch|x')).toEqual(['d']);
    expect(search(resources, 'CarePlan', '_tag:missing=true')).toEqual(['a', 'b', 'c']);
    expect(search(resources, 'CarePlan', 'status=active,on-hold,completed&category=734163000')).toEqual(['a', 'b']);
    expect(search(resources, 'CarePlan', 'status=active&status=on-hold')).toEqual([]);
  });

  it('honours escaped commas and pipes in values', () => {
    const odd = [plan('e', { identifier: [{ system: 'urn:ids', value: 'A,B|C' }] })];
    expect(search(odd, 'CarePlan', `identifier=${encodeURIComponent('urn:ids|A\\,B\\|C')}`)).toEqual(['e']);
    expect(search(odd, 'CarePlan', `identifier=${encodeURIComponent('A\\,B\\|C')}`)).toEqual(['e']);
  });
});

describe('reference parameters', () => {
  const byIdentifier = { identifier: { system: HETU, value: HETU_A } };
  const resources: FhirResource[] = [
    plan('literal', { subject: { reference: 'Patient/p1' }, careTeam: [{ reference: 'CareTeam/t1' }], goal: [{ reference: 'Goal/g1' }, { reference: 'Goal/g2' }] }),
    plan('identifier', { subject: byIdentifier }),
    plan('both', { subject: { reference: 'Patient/p2', identifier: { system: HETU, value: HETU_B } }, goal: [{ reference: 'Goal/g2' }] }),
    plan('typed', { subject: { type: 'Patient', identifier: { system: 'urn:other', value: '7' } } }),
    plan('group', { subject: { reference: 'Group/p1' } }),
    plan('group-identifier', { subject: { type: 'Group', identifier: { system: HETU, value: HETU_A } } }),
  ];

  it('match Type/id and bare ids against literal references only', () => {
    expect(search(resources, 'CarePlan', 'patient=Patient/p1')).toEqual(['literal']);
    expect(search(resources, 'CarePlan', 'subject=p1')).toEqual(['group', 'literal']);
    expect(search(resources, 'CarePlan', 'patient=p1')).toEqual(['literal']);
    expect(search(resources, 'CarePlan', 'subject=Patient/p1,Group/p1')).toEqual(['group', 'literal']);
    expect(search(resources, 'CarePlan', 'goal=Goal/g2')).toEqual(['both', 'literal']);
    expect(search(resources, 'CarePlan', 'goal=Goal/g1&goal=Goal/g2')).toEqual(['literal']);
    expect(search(resources, 'CarePlan', 'care-team=t1')).toEqual(['literal']);
  });

  it(':identifier matches Reference.identifier as a token', () => {
    expect(search(resources, 'CarePlan', `patient:identifier=${HETU}|${HETU_A}`)).toEqual(['identifier']);
    expect(search(resources, 'CarePlan', `subject:identifier=${HETU}|${HETU_A}`)).toEqual(['group-identifier', 'identifier']);
    expect(search(resources, 'CarePlan', `patient:identifier=${HETU_B}`)).toEqual(['both']);
    expect(search(resources, 'CarePlan', `patient:identifier=${HETU}|`)).toEqual(['both', 'identifier']);
  });

  it('patient needs a Patient target: by reference, by type, or by the HETU identifier system', () => {
    expect(search(resources, 'CarePlan', 'patient:missing=false')).toEqual(['both', 'identifier', 'literal', 'typed']);
    expect(search(resources, 'CarePlan', 'patient:missing=true')).toEqual(['group', 'group-identifier']);
  });

  it('Consent.patient, actor and CareTeam.participant', () => {
    const others: FhirResource[] = [
      {
        resourceType: 'Consent', id: 'k1', status: 'active', scope: { text: 's' }, category: [{ text: 'c' }], patient: byIdentifier,
        provision: { actor: [{ role: { text: 'r' }, reference: { reference: 'Organization/o1' } }, { role: { text: 'r' }, reference: { type: 'Organization', identifier: { system: 'urn:sote', value: '1.2.3' } } }] },
      } satisfies Consent,
      {
        resourceType: 'CareTeam', id: 't1', subject: { reference: 'Patient/p1' },
        participant: [{ member: { reference: 'Practitioner/x1' } }, { member: { reference: 'RelatedPerson/r1' } }],
      } satisfies CareTeam,
      { resourceType: 'CareTeam', id: 't2', participant: [{ member: { reference: 'Organization/o1' } }] } satisfies CareTeam,
    ];
    expect(search(others, 'Consent', `patient:identifier=${HETU}|${HETU_A}`)).toEqual(['k1']);
    expect(search(others, 'Consent', 'actor=Organization/o1')).toEqual(['k1']);
    expect(search(others, 'Consent', 'actor:identifier=urn:sote|1.2.3')).toEqual(['k1']);
    expect(search(others, 'CareTeam', 'participant=RelatedPerson/r1')).toEqual(['t1']);
    expect(search(others, 'CareTeam', 'participant=o1,x1')).toEqual(['t1', 't2']);
    expect(search(others, 'CareTeam', 'patient:missing=true')).toEqual(['t2']);
  });
});

describe('uri, _lastUpdated and errors', () => {
  const resources: FhirResource[] = [
    plan('u', { instantiatesUri: ['https://example.fi/PlanDefinition/hopa'], meta: { lastUpdated: '2026-05-01T10:00:00.000Z' } }),
    plan('v'),
  ];

  it('uri matches exactly', () => {
    expect(search(resources, 'CarePlan', 'instantiates-uri=https://example.fi/PlanDefinition/hopa')).toEqual(['u']);
    expect(search(resources, 'CarePlan', 'instantiates-uri=https://example.fi/PlanDefinition')).toEqual([]);
  });

  it('_lastUpdated uses meta.lastUpdated, or now for resources without it', () => {
    expect(search(resources, 'CarePlan', '_lastUpdated=eq2026-05-01')).toEqual(['u']);
    expect(search(resources, 'CarePlan', '_lastUpdated=ge2000')).toEqual(['u']);
    expect(evaluateSearch(resources, 'CarePlan', '_lastUpdated=ge2030', { now: new Date('2031-01-01T00:00:00Z') })).toEqual(['v']);
    expect(search(resources, 'CarePlan', `_lastUpdated=gt${encodeURIComponent('2026-05-01T12:00:00+02:00')}`)).toEqual([]);
  });

  it('ignores result parameters and other resource types', () => {
    expect(search([...resources, goal('g')], 'CarePlan', '_count=1&_sort=-date')).toEqual(['u', 'v']);
  });

  it('throws on what it does not implement instead of guessing', () => {
    expect(() => search(resources, 'CarePlan', 'no-such=1')).toThrow(/unknown search parameter/);
    expect(() => search(resources, 'CarePlan', 'status:text=x')).toThrow(/not implemented/);
    expect(() => search(resources, 'CarePlan', 'date=ap2026')).toThrow(/ap prefix/);
    expect(() => search(resources, 'CarePlan', 'status:missing=maybe')).toThrow(/true or false/);
    expect(() => search(resources, 'CarePlan', 'subject.name=x')).toThrow(/unknown search parameter/);
  });
});
