import { describe, expect, it } from 'vitest';
import {
  compareForSort,
  dateRange,
  extractIndex,
  extractValues,
  HETU_SYSTEM,
  matchesCriterion,
} from '../../functions/api/search/index-values/index.js';
import type { Criterion, CriterionValue, DatePrefix, DateValue, ResourceIndex, SearchModifier, SearchParamDefinition } from '../../functions/api/search/types.js';
import { SEARCH_PARAMETERS } from '../../schemas/generated/search-parameters.js';
import { carePlanFixture, careTeamFixture } from '../fixtures/shared-plan.js';

const CP = SEARCH_PARAMETERS.CarePlan;
const param = (code: string): SearchParamDefinition => {
  const definition = CP[code];
  if (!definition) throw new Error(code);
  return definition;
};
const criterion = (code: string | SearchParamDefinition, values: CriterionValue[], extra: { modifier?: SearchModifier; targetType?: string } = {}): Criterion => ({
  param: typeof code === 'string' ? param(code) : code,
  values,
  ...extra,
});
const token = (system: string | undefined, code: string | undefined): CriterionValue => ({
  kind: 'token',
  ...(system !== undefined ? { system } : {}),
  ...(code !== undefined ? { code } : {}),
});
const ref = (value: Omit<Extract<CriterionValue, { kind: 'reference' }>, 'kind'>): CriterionValue => ({ kind: 'reference', ...value });
const date = (prefix: DatePrefix, text: string): CriterionValue => ({ kind: 'date', prefix, ...dateRange(text)! });
const plan = extractIndex({ ...carePlanFixture(), id: 'plan-1', meta: { lastUpdated: '2026-11-16T08:30:00.123Z' } });

describe(':missing', () => {
  it('missing=true matches only a parameter without values, missing=false only one with values', () => {
    const missing = (code: string, value: boolean): boolean => matchesCriterion(criterion(code, [{ kind: 'missing', missing: value }], { modifier: 'missing' }), plan);
    expect(missing('encounter', true)).toBe(true);
    expect(missing('encounter', false)).toBe(false);
    expect(missing('care-team', true)).toBe(false);
    expect(missing('care-team', false)).toBe(true);
  });
});

describe('token matching', () => {
  const category = (value: CriterionValue, modifier?: SearchModifier): boolean =>
    matchesCriterion(criterion('category', [value], modifier ? { modifier } : {}), plan);

  it('matches a bare code in any system', () => expect(category(token(undefined, '734163000'))).toBe(true));
  it('matches system|code exactly', () => {
    expect(category(token('http://snomed.info/sct', '734163000'))).toBe(true);
    expect(category(token('http://loinc.org', '734163000'))).toBe(false);
  });
  it('matches |code only for values without a system', () => {
    expect(category(token('', '734163000'))).toBe(false);
    expect(matchesCriterion(criterion('status', [token('', 'active')]), plan)).toBe(true);
  });
  it('matches system| for any code in the system', () => {
    expect(category(token('http://snomed.info/sct', undefined))).toBe(true);
    expect(category(token('http://loinc.org', undefined))).toBe(false);
  });
  it('compares codes case-sensitively', () => expect(matchesCriterion(criterion('status', [token(undefined, 'Active')]), plan)).toBe(false));
  it('ORs the values of one criterion', () => {
    expect(matchesCriterion(criterion('status', [token(undefined, 'draft'), token(undefined, 'active')]), plan)).toBe(true);
  });
  it('matches _id as a token', () => expect(matchesCriterion(criterion('_id', [token(undefined, 'plan-1')]), plan)).toBe(true));

  it(':not matches when no value matches any criterion value', () => {
    const not = (...values: CriterionValue[]): boolean => matchesCriterion(criterion('status', values, { modifier: 'not' }), plan);
    expect(not(token(undefined, 'draft'))).toBe(true);
    expect(not(token(undefined, 'active'))).toBe(false);
    expect(not(token(undefined, 'draft'), token(undefined, 'active'))).toBe(false);
  });
  it(':not matches a resource without the element', () => {
    expect(matchesCriterion(criterion('activity-code', [token('http://snomed.info/sct', '1')], { modifier: 'not' }), extractIndex(careTeamFixture()))).toBe(true);
  });

  it(':text matches a case- and accent-insensitive substring of display or text', () => {
    const text = (value: string): boolean => category({ kind: 'token', text: value }, 'text');
    expect(text('Care Plan')).toBe(true);
    expect(text('YHTEINEN')).toBe(true);
    expect(text('suunnitelma')).toBe(true);
    expect(text('monialainen yhteinen')).toBe(true);
    expect(text('hoitosuunnitelma')).toBe(false);
    expect(matchesCriterion(criterion('activity-code', [{ kind: 'token', text: 'seurantakaynti' }], { modifier: 'text' }), plan)).toBe(true);
  });
});

describe('reference matching', () => {
  const withRefs = extractIndex({
    ...carePlanFixture(),
    subject: { reference: 'Patient/p1' },
    basedOn: [{ reference: 'https://fhir.example.fi/r4/CarePlan/remote' }, { reference: 'urn:uuid:4a3c1b7e-3f0e-4d52-9c55-1f0d5d6c9a10' }],
    instantiatesCanonical: ['https://example.fi/fhir/PlanDefinition/hopa|1.0'],
  });
  const matches = (code: string, value: CriterionValue, extra: { modifier?: SearchModifier; targetType?: string } = {}, index: ResourceIndex = withRefs): boolean =>
    matchesCriterion(criterion(code, [value], extra), index);

  it('matches Type/id on type and id', () => {
    expect(matches('care-team', ref({ type: 'CareTeam', id: 'example-team' }), {}, plan)).toBe(true);
    expect(matches('care-team', ref({ type: 'Goal', id: 'example-team' }), {}, plan)).toBe(false);
  });
  it('matches a bare id of a type the parameter allows', () => {
    expect(matches('subject', ref({ id: 'p1' }))).toBe(true);
    expect(matches('subject', ref({ id: 'p2' }))).toBe(false);
    const goalOnSubject = extractIndex({ ...carePlanFixture(), subject: { reference: 'Goal/p1' } });
    expect(matches('subject', ref({ id: 'p1' }), {}, goalOnSubject)).toBe(false);
  });
  it('restricts the type with targetType', () => {
    expect(matches('subject', ref({ id: 'p1' }), { targetType: 'Patient' })).toBe(true);
    expect(matches('subject', ref({ id: 'p1' }), { targetType: 'Group' })).toBe(false);
  });
  it('matches an absolute URL by equal url', () => {
    expect(matches('based-on', ref({ url: 'https://fhir.example.fi/r4/CarePlan/remote' }))).toBe(true);
    expect(matches('based-on', ref({ url: 'https://other.example.fi/r4/CarePlan/else' }))).toBe(false);
  });
  it('never matches a local reference by the trailing Type/id of a URL on another server', () => {
    expect(matches('subject', ref({ url: 'https://fhir.example.fi/r4/Patient/p1' }))).toBe(false);
    expect(matches('subject', ref({ url: 'https://fhir.example.fi/r4/Group/p1' }))).toBe(false);
  });
  it('matches a urn:uuid reference by equal url', () => {
    expect(matches('based-on', ref({ url: 'urn:uuid:4a3c1b7e-3f0e-4d52-9c55-1f0d5d6c9a10' }))).toBe(true);
  });
  it('matches a canonical with or without its version, but not by a local Type/id', () => {
    expect(matches('instantiates-canonical', ref({ url: 'https://example.fi/fhir/PlanDefinition/hopa' }))).toBe(true);
    expect(matches('instantiates-canonical', ref({ url: 'https://example.fi/fhir/PlanDefinition/hopa|1.0' }))).toBe(true);
    expect(matches('instantiates-canonical', ref({ url: 'https://example.fi/fhir/PlanDefinition/hopa|2.0' }))).toBe(false);
    expect(matches('instantiates-canonical', ref({ type: 'PlanDefinition', id: 'hopa' }))).toBe(false);
  });

  it(':identifier matches system|value exactly and a bare value in any system', () => {
    const identifier = (system: string | undefined, value: string): boolean =>
      matches('patient', ref({ identifier: { ...(system !== undefined ? { system } : {}), value } }), { modifier: 'identifier' }, plan);
    expect(identifier(HETU_SYSTEM, '311080-999X')).toBe(true);
    expect(identifier(undefined, '311080-999X')).toBe(true);
    expect(identifier('urn:oid:1.2.3', '311080-999X')).toBe(false);
    expect(identifier(HETU_SYSTEM, '010101A900R')).toBe(false);
    expect(identifier('', '311080-999X')).toBe(false);
  });
  it(':identifier finds an identifier-only HETU subject through patient', () => {
    const untyped = extractIndex({ ...carePlanFixture(), subject: { identifier: { system: HETU_SYSTEM, value: '311080-999X' } } });
    expect(matches('patient', ref({ identifier: { system: HETU_SYSTEM, value: '311080-999X' } }), { modifier: 'identifier' }, untyped)).toBe(true);
  });
  it('does not match an identifier-only reference by id', () => {
    expect(matches('patient', ref({ id: '311080-999X' }), {}, plan)).toBe(false);
  });
});

describe('date prefixes', () => {
  const NOW = new Date('2026-11-20T00:00:00.000Z');
  const search = '2026-11';
  const range = (text: string): DateValue => dateRange(text)!;
  const targets: Record<string, DateValue> = {
    inside: range('2026-11-16'),
    dayBefore: range('2026-10-31'),
    dayAfter: range('2026-12-01'),
    wellBefore: range('2026-10-20'),
    overlapsStart: { low: range('2026-10-15').low, high: range('2026-11-15').high },
    openEndFromInside: { low: range('2026-11-16').low },
    openStartEndedBefore: { high: range('2026-10-01').high },
    contains: { low: range('2026-10-01').low, high: range('2027-01-01').high },
    sameMonth: range('2026-11'),
    instantAtEnd: range('2026-11-30T23:59:59.999Z'),
  };
  const table: Record<DatePrefix, string[]> = {
    eq: ['inside', 'sameMonth', 'instantAtEnd'],
    ne: ['dayBefore', 'dayAfter', 'wellBefore', 'overlapsStart', 'openEndFromInside', 'openStartEndedBefore', 'contains'],
    gt: ['dayAfter', 'openEndFromInside', 'contains'],
    lt: ['dayBefore', 'wellBefore', 'overlapsStart', 'openStartEndedBefore', 'contains'],
    ge: ['inside', 'dayAfter', 'openEndFromInside', 'contains', 'sameMonth', 'instantAtEnd'],
    le: ['inside', 'dayBefore', 'wellBefore', 'overlapsStart', 'openStartEndedBefore', 'contains', 'sameMonth', 'instantAtEnd'],
    sa: ['dayAfter'],
    eb: ['dayBefore', 'wellBefore', 'openStartEndedBefore'],
    ap: ['inside', 'dayBefore', 'dayAfter', 'overlapsStart', 'openEndFromInside', 'contains', 'sameMonth', 'instantAtEnd'],
  };
  const cases = Object.entries(table).flatMap(([prefix, matching]) =>
    Object.keys(targets).map((target) => ({ prefix: prefix as DatePrefix, target, expected: matching.includes(target) })),
  );

  it.each(cases)('$prefix: search 2026-11 against $target → $expected', ({ prefix, target, expected }) => {
    const index: ResourceIndex = { date: [targets[target]!] };
    expect(matchesCriterion(criterion('date', [date(prefix, search)]), index, { now: NOW })).toBe(expected);
  });

  it('ap widens by at least one day when the search value is close to now', () => {
    const now = new Date('2026-11-20T12:00:00.000Z');
    const ap = (target: string): boolean => matchesCriterion(criterion('date', [date('ap', '2026-11-20')]), { date: [range(target)] }, { now });
    expect(ap('2026-11-21T12:00:00Z')).toBe(true);
    expect(ap('2026-11-22T01:00:00Z')).toBe(false);
  });

  it('ap widens by 10 % of the distance from now when that exceeds a day', () => {
    const ap = (target: string): boolean => matchesCriterion(criterion('date', [date('ap', '2020')]), { date: [range(target)] }, { now: NOW });
    expect(ap('2019-06-01')).toBe(true);
    expect(ap('2019-03-01')).toBe(false);
  });

  it('compares _lastUpdated at millisecond precision', () => {
    const lastUpdated = (prefix: DatePrefix, text: string): boolean => matchesCriterion(criterion('_lastUpdated', [date(prefix, text)]), plan);
    expect(lastUpdated('gt', '2026-11-16T08:30:00.122Z')).toBe(true);
    expect(lastUpdated('gt', '2026-11-16T08:30:00.123Z')).toBe(false);
    expect(lastUpdated('eq', '2026-11-16T10:30:00+02:00')).toBe(true);
    expect(lastUpdated('le', '2026-11-16')).toBe(true);
  });

  it('matches an extracted open-ended care team period as ongoing', () => {
    const team = extractIndex(careTeamFixture());
    const teamDate = (prefix: DatePrefix, text: string): boolean => matchesCriterion(criterion(SEARCH_PARAMETERS.CareTeam.date!, [date(prefix, text)]), team);
    expect(teamDate('gt', '2030')).toBe(true);
    expect(teamDate('eq', '2026-11')).toBe(false);
    expect(teamDate('sa', '2026-11-15')).toBe(true);
  });
});

describe('uri matching', () => {
  const index = extractIndex({ ...carePlanFixture(), instantiatesUri: ['https://example.fi/ohjeet/hopa/v2'] });
  const uri = (value: string, modifier?: SearchModifier): boolean =>
    matchesCriterion(criterion('instantiates-uri', [{ kind: 'uri', value }], modifier ? { modifier } : {}), index);

  it('matches exactly by default', () => {
    expect(uri('https://example.fi/ohjeet/hopa/v2')).toBe(true);
    expect(uri('https://example.fi/ohjeet/hopa')).toBe(false);
  });
  it(':below matches uris that start with the search value', () => {
    expect(uri('https://example.fi/ohjeet/hopa', 'below')).toBe(true);
    expect(uri('https://example.fi/muut', 'below')).toBe(false);
  });
  it(':above matches uris the search value starts with', () => {
    expect(uri('https://example.fi/ohjeet/hopa/v2/liite', 'above')).toBe(true);
    expect(uri('https://example.fi/ohjeet', 'above')).toBe(false);
  });
});

describe('string matching', () => {
  const NAME: SearchParamDefinition = { code: 'name', type: 'string', expression: 'CareTeam.name' };
  const index: ResourceIndex = { name: extractValues({ ...careTeamFixture(), name: 'Päivi Östmanin omatiimi' }, NAME) as string[] };
  const name = (value: string, modifier?: SearchModifier): boolean =>
    matchesCriterion(criterion(NAME, [{ kind: 'string', value }], modifier ? { modifier } : {}), index);

  it('matches a case- and accent-insensitive prefix by default', () => {
    expect(name('paivi ostman')).toBe(true);
    expect(name('PÄIVI')).toBe(true);
    expect(name('omatiimi')).toBe(false);
  });
  it(':contains matches a case- and accent-insensitive substring', () => {
    expect(name('OSTMANIN', 'contains')).toBe(true);
    expect(name('tiimi', 'contains')).toBe(true);
    expect(name('tiimit', 'contains')).toBe(false);
  });
  it(':exact matches only the exact string', () => {
    expect(name('Päivi Östmanin omatiimi', 'exact')).toBe(true);
    expect(name('päivi östmanin omatiimi', 'exact')).toBe(false);
    expect(name('Päivi', 'exact')).toBe(false);
  });
});

describe('compareForSort', () => {
  const DATE = SEARCH_PARAMETERS.CarePlan.date!;
  const STATUS = SEARCH_PARAMETERS.CarePlan.status!;
  const rows: Record<string, ResourceIndex> = {
    early: { date: [{ low: '2026-01-01T00:00:00.000Z', high: '2026-12-31T23:59:59.999Z' }], status: [{ code: 'active' }] },
    late: { date: [{ low: '2026-06-01T00:00:00.000Z', high: '2026-06-30T23:59:59.999Z' }], status: [{ code: 'active' }] },
    ongoing: { date: [{ low: '2026-03-01T00:00:00.000Z' }], status: [{ code: 'draft' }] },
    none: { status: [{ code: 'completed' }] },
  };
  const order = (sort: { param: SearchParamDefinition; descending: boolean }[]): string[] =>
    Object.keys(rows).sort((a, b) => compareForSort(rows[a]!, rows[b]!, sort) || a.localeCompare(b));

  it('sorts dates ascending by low with missing values last', () => {
    expect(order([{ param: DATE, descending: false }])).toEqual(['early', 'ongoing', 'late', 'none']);
  });
  it('sorts dates descending by high (open end first) with missing values last', () => {
    expect(order([{ param: DATE, descending: true }])).toEqual(['ongoing', 'early', 'late', 'none']);
  });
  it('breaks ties with the next sort parameter and returns 0 on a full tie', () => {
    expect(order([{ param: STATUS, descending: false }, { param: DATE, descending: true }])).toEqual(['early', 'late', 'none', 'ongoing']);
    expect(compareForSort(rows.early!, rows.late!, [{ param: STATUS, descending: false }])).toBe(0);
  });
  it('sorts a multi-valued parameter by its lowest value ascending and highest descending', () => {
    const many: ResourceIndex = { status: [{ code: 'b' }, { code: 'y' }] };
    const one: ResourceIndex = { status: [{ code: 'm' }] };
    expect(compareForSort(many, one, [{ param: STATUS, descending: false }])).toBeLessThan(0);
    expect(compareForSort(many, one, [{ param: STATUS, descending: true }])).toBeLessThan(0);
  });
});
