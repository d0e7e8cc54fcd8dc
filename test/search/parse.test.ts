import { describe, expect, it } from 'vitest';
import type { SupportedResourceType } from '../../schemas/index.js';
import { FhirError } from '../../functions/shared/errors.js';
import type { Issue } from '../../functions/shared/operation-outcome.js';
import { parseDateRange, parseSearchRequest, type ParseOptions } from '../../functions/api/search/parse/index.js';
import { parseCriterion } from '../../functions/api/search/parse/criterion.js';
import type { CriterionValue, SearchParamDefinition, SearchRequest } from '../../functions/api/search/types.js';

const STRICT: ParseOptions = { lenient: false, defaultCount: 20, maxCount: 100 };
const LENIENT: ParseOptions = { ...STRICT, lenient: true };

type Query = string | readonly (readonly [string, string])[];

function parse(query: Query, type: SupportedResourceType = 'CarePlan', options: ParseOptions = STRICT): SearchRequest {
  const params = typeof query === 'string' ? new URLSearchParams(query) : new URLSearchParams(query.map(([name, value]): [string, string] => [name, value]));
  return parseSearchRequest(type, params, options);
}

/** The issues of the 400 that `run` must throw. */
function rejection(run: () => unknown): readonly Issue[] {
  try {
    run();
  } catch (error) {
    if (!(error instanceof FhirError)) throw error;
    expect(error.status).toBe(400);
    return error.issues;
  }
  throw new Error('expected a 400 FhirError');
}

const rejects = (query: Query, type: SupportedResourceType = 'CarePlan', options: ParseOptions = STRICT): readonly Issue[] =>
  rejection(() => parse(query, type, options));

/** The values of the only criterion of a one-parameter query. */
function valuesOf(query: Query, type: SupportedResourceType = 'CarePlan'): readonly CriterionValue[] {
  const { criteria } = parse(query, type);
  expect(criteria).toHaveLength(1);
  return criteria[0]?.values ?? [];
}

describe('parseDateRange', () => {
  it.each([
    ['2026', '2026-01-01T00:00:00.000Z', '2026-12-31T23:59:59.999Z'],
    ['2026-02', '2026-02-01T00:00:00.000Z', '2026-02-28T23:59:59.999Z'],
    ['2026-12', '2026-12-01T00:00:00.000Z', '2026-12-31T23:59:59.999Z'],
    ['2026-02-01', '2026-02-01T00:00:00.000Z', '2026-02-01T23:59:59.999Z'],
    ['2026-02-01T10:00', '2026-02-01T10:00:00.000Z', '2026-02-01T10:00:59.999Z'],
    ['2026-02-01T10:00:30', '2026-02-01T10:00:30.000Z', '2026-02-01T10:00:30.999Z'],
    ['2026-02-01T10:00:30.123', '2026-02-01T10:00:30.123Z', '2026-02-01T10:00:30.123Z'],
    ['2026-02-01T10:00:30.5', '2026-02-01T10:00:30.500Z', '2026-02-01T10:00:30.599Z'],
    ['2026-02-01T10:00:30.123456', '2026-02-01T10:00:30.123Z', '2026-02-01T10:00:30.123Z'],
  ])('expands %s to the instants of its precision', (raw, low, high) => {
    expect(parseDateRange(raw)).toEqual({ low, high });
  });

  it.each([
    ['2024-02', '2024-02-29T23:59:59.999Z'],
    ['2000-02', '2000-02-29T23:59:59.999Z'],
    ['1900-02', '1900-02-28T23:59:59.999Z'],
    ['2026-02', '2026-02-28T23:59:59.999Z'],
  ])('ends February %s on the right day for leap-year rules', (raw, high) => {
    expect(parseDateRange(raw)?.high).toBe(high);
  });

  it('accepts 29 February in leap years only', () => {
    expect(parseDateRange('2024-02-29')).toEqual({ low: '2024-02-29T00:00:00.000Z', high: '2024-02-29T23:59:59.999Z' });
    expect(parseDateRange('2000-02-29')).toBeDefined();
    expect(parseDateRange('2026-02-29')).toBeUndefined();
    expect(parseDateRange('1900-02-29')).toBeUndefined();
  });

  it('ends a leap year on 31 December and covers 366 days', () => {
    const range = parseDateRange('2024');
    expect(range?.high).toBe('2024-12-31T23:59:59.999Z');
    expect(Date.parse(range?.high ?? '') + 1 - Date.parse(range?.low ?? '')).toBe(366 * 86_400_000);
  });

  it('keeps years below 100 literal', () => {
    expect(parseDateRange('0001')).toEqual({ low: '0001-01-01T00:00:00.000Z', high: '0001-12-31T23:59:59.999Z' });
    expect(parseDateRange('0099-03-01')?.low).toBe('0099-03-01T00:00:00.000Z');
  });

  it('converts a zone offset to UTC', () => {
    expect(parseDateRange('2026-02-01T10:00+02:00')).toEqual({ low: '2026-02-01T08:00:00.000Z', high: '2026-02-01T08:00:59.999Z' });
    expect(parseDateRange('2026-02-01T10:00:00-05:30')?.low).toBe('2026-02-01T15:30:00.000Z');
    expect(parseDateRange('2026-01-01T00:30:00+14:00')?.low).toBe('2025-12-31T10:30:00.000Z');
    expect(parseDateRange('2026-02-01T10:00:00Z')?.low).toBe('2026-02-01T10:00:00.000Z');
  });

  it('takes a time without a zone as UTC', () => {
    expect(parseDateRange('2026-02-01T10:00:00')).toEqual(parseDateRange('2026-02-01T10:00:00Z'));
  });

  it.each([
    '',
    '26',
    '20260',
    '0000',
    '2026-13',
    '2026-00',
    '2026-1',
    '2026-02-30',
    '2026-04-31',
    '2026-02-00',
    '2026-02-1',
    '2026-02-01T10',
    '2026-02-01T24:00',
    '2026-02-01T10:60',
    '2026-02-01T10:00:60',
    '2026-02-01T10:00:00.',
    '2026-02-01Z',
    '2026-02Z',
    '2026-02-01T10:00+15:00',
    '2026-02-01T10:00+14:30',
    '2026-02-01T10:00+02',
    '2026-02-01 10:00',
    '2026/02/01',
    'ge2026',
    ' 2026',
  ])('rejects %j', (raw) => {
    expect(parseDateRange(raw)).toBeUndefined();
  });
});

describe('date parameters', () => {
  it.each(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'])('reads the %s prefix', (prefix) => {
    expect(valuesOf(`date=${prefix}2026-02`)).toEqual([
      { kind: 'date', prefix, low: '2026-02-01T00:00:00.000Z', high: '2026-02-28T23:59:59.999Z' },
    ]);
  });

  it('defaults the prefix to eq', () => {
    expect(valuesOf('date=2026')).toEqual([{ kind: 'date', prefix: 'eq', low: '2026-01-01T00:00:00.000Z', high: '2026-12-31T23:59:59.999Z' }]);
  });

  it('parses _lastUpdated as a date', () => {
    expect(valuesOf([['_lastUpdated', 'gt2026-02-01T10:00:00.000+02:00']])).toEqual([
      { kind: 'date', prefix: 'gt', low: '2026-02-01T08:00:00.000Z', high: '2026-02-01T08:00:00.000Z' },
    ]);
  });

  it('gives each comma-separated date its own prefix', () => {
    expect(valuesOf('activity-date=lt2026,ge2027-06').map((value) => value.kind === 'date' && value.prefix)).toEqual(['lt', 'ge']);
  });

  it.each(['xx2026', 'ge', 'GE2026', 'ge 2026', 'gege2026', '2026-02-30', '2026-02-01T10:00 02:00'])('rejects date=%s naming the parameter', (value) => {
    const issues = rejects([['date', value]]);
    expect(issues).toEqual([expect.objectContaining({ code: 'value', expression: ['date'] })]);
  });

  it('rejects an unencoded + in a zone, which the query string decodes to a space', () => {
    expect(rejects('target-date=2026-02-01T10:00+02:00', 'Goal')[0]?.expression).toEqual(['target-date']);
  });

  it('supports the date parameters of every type', () => {
    expect(parse('start-date=2026&target-date=le2027', 'Goal').criteria).toHaveLength(2);
    expect(parse('date=2026&period=2026', 'Consent').criteria).toHaveLength(2);
    expect(parse('date=2026', 'CareTeam').criteria).toHaveLength(1);
  });
});

describe('combining values', () => {
  it('ORs comma-separated values in one criterion', () => {
    const { criteria } = parse('status=active,completed');
    expect(criteria).toHaveLength(1);
    expect(criteria[0]?.values).toEqual([
      { kind: 'token', code: 'active' },
      { kind: 'token', code: 'completed' },
    ]);
  });

  it('ANDs a repeated parameter as separate criteria, in query order', () => {
    const { criteria } = parse('date=ge2026-01&date=lt2026-03&status=active');
    expect(criteria.map((criterion) => criterion.param.code)).toEqual(['date', 'date', 'status']);
    expect(criteria.map((criterion) => criterion.values.length)).toEqual([1, 1, 1]);
  });

  it('rejects an empty value and an empty alternative', () => {
    expect(rejects('status=')[0]).toMatchObject({ expression: ['status'], code: 'value' });
    expect(rejects('status=active,,draft')[0]).toMatchObject({ expression: ['status'] });
    expect(rejects('status=active,')[0]).toMatchObject({ expression: ['status'] });
  });
});

describe('escapes', () => {
  it('keeps an escaped comma inside one value', () => {
    expect(valuesOf([['identifier', 'a\\,b,c']])).toEqual([
      { kind: 'token', code: 'a,b' },
      { kind: 'token', code: 'c' },
    ]);
  });

  it('keeps an escaped pipe inside the code', () => {
    expect(valuesOf([['identifier', 'sys|a\\|b']])).toEqual([{ kind: 'token', system: 'sys', code: 'a|b' }]);
  });

  it('unescapes \\$ and \\\\', () => {
    expect(valuesOf([['identifier', 'a\\$b\\\\c']])).toEqual([{ kind: 'token', code: 'a$b\\c' }]);
  });

  it('treats an escaped backslash before a comma as a backslash and a separator', () => {
    expect(valuesOf([['identifier', 'a\\\\,b']])).toEqual([
      { kind: 'token', code: 'a\\' },
      { kind: 'token', code: 'b' },
    ]);
  });

  it('keeps a backslash before another character or at the end literally', () => {
    expect(valuesOf([['identifier', 'a\\xb\\']])).toEqual([{ kind: 'token', code: 'a\\xb\\' }]);
  });

  it('unescapes uri values', () => {
    expect(valuesOf([['_profile', 'http://x.org/a\\,b']])).toEqual([{ kind: 'uri', value: 'http://x.org/a,b' }]);
  });
});

describe('token parameters', () => {
  it.each([
    ['active', { kind: 'token', code: 'active' }],
    ['http://sys|active', { kind: 'token', system: 'http://sys', code: 'active' }],
    ['|active', { kind: 'token', system: '', code: 'active' }],
    ['http://sys|', { kind: 'token', system: 'http://sys' }],
  ])('parses %s', (value, expected) => {
    expect(valuesOf([['category', value]])).toEqual([expected]);
  });

  it('keeps a date-like prefix as part of a token value', () => {
    expect(valuesOf('status=gebla')).toEqual([{ kind: 'token', code: 'gebla' }]);
  });

  it.each(['|', 'a|b|c'])('rejects %s', (value) => {
    expect(rejects([['category', value]])).toEqual([expect.objectContaining({ code: 'value', expression: ['category'] })]);
  });

  it('reads :not like a plain token', () => {
    const { criteria } = parse('status:not=completed');
    expect(criteria[0]).toMatchObject({ modifier: 'not', values: [{ kind: 'token', code: 'completed' }] });
  });

  it('reads :text as free text without splitting on |', () => {
    const { criteria } = parse([['category', 'x'], ['category:text', 'Home Care|x']]);
    expect(criteria[1]).toMatchObject({ modifier: 'text', values: [{ kind: 'token', text: 'Home Care|x' }] });
  });

  it('parses _tag and _security as tokens', () => {
    expect(valuesOf([['_security', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R']])).toEqual([
      { kind: 'token', system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
    ]);
    expect(valuesOf('_tag=x')).toEqual([{ kind: 'token', code: 'x' }]);
  });
});

describe('_id', () => {
  it('is token-like with the whole value as the code', () => {
    expect(valuesOf('_id=abc-1.2,def')).toEqual([
      { kind: 'token', code: 'abc-1.2' },
      { kind: 'token', code: 'def' },
    ]);
  });

  it('rejects a value that is not an id', () => {
    expect(rejects('_id=a|b')[0]).toMatchObject({ expression: ['_id'], code: 'value' });
    expect(rejects([['_id', 'x'.repeat(65)]])[0]).toMatchObject({ expression: ['_id'] });
  });

  it('supports :not and :missing but not :text', () => {
    expect(parse('_id:not=a').criteria[0]?.modifier).toBe('not');
    expect(parse('_id:missing=false').criteria[0]?.values).toEqual([{ kind: 'missing', missing: false }]);
    expect(rejects('_id:text=a')[0]).toMatchObject({ code: 'not-supported', expression: ['_id:text'] });
  });
});

describe(':missing', () => {
  it.each(['status', 'date', 'subject', '_profile'])('turns %s:missing=true|false into missing values', (code) => {
    expect(parse(`${code}:missing=true`).criteria[0]).toMatchObject({ modifier: 'missing', values: [{ kind: 'missing', missing: true }] });
    expect(parse(`${code}:missing=false`).criteria[0]?.values).toEqual([{ kind: 'missing', missing: false }]);
  });

  it.each(['yes', 'TRUE', '1', ''])('rejects :missing=%s', (value) => {
    expect(rejects([['status:missing', value]])).toEqual([expect.objectContaining({ code: 'value', expression: ['status:missing'] })]);
  });
});

describe('reference parameters', () => {
  it('parses Type/id', () => {
    expect(valuesOf('subject=Patient/123')).toEqual([{ kind: 'reference', type: 'Patient', id: '123' }]);
  });

  it('parses a bare id', () => {
    expect(valuesOf('care-team=ct-1.a')).toEqual([{ kind: 'reference', id: 'ct-1.a' }]);
  });

  it('parses an absolute URL with type and id from its tail', () => {
    expect(valuesOf('subject=https://fhir.example.fi/r4/Patient/9')).toEqual([
      { kind: 'reference', url: 'https://fhir.example.fi/r4/Patient/9', type: 'Patient', id: '9' },
    ]);
  });

  it('keeps an absolute URL without a Type/id tail as a url only', () => {
    expect(valuesOf('subject=http://example.org/people/x_1')).toEqual([{ kind: 'reference', url: 'http://example.org/people/x_1' }]);
    expect(valuesOf('subject=http://example.org/Unknown/1')).toEqual([{ kind: 'reference', url: 'http://example.org/Unknown/1' }]);
  });

  it('reads the tail of a versioned canonical', () => {
    expect(valuesOf('instantiates-canonical=http://example.org/PlanDefinition/hoito|1.0')).toEqual([
      { kind: 'reference', url: 'http://example.org/PlanDefinition/hoito|1.0', type: 'PlanDefinition', id: 'hoito' },
    ]);
  });

  it.each([
    ['Foo/1', 'not a FHIR resource type'],
    ['patient/1', 'not a FHIR resource type'],
    ['Patient/a_b', 'not a valid resource id'],
    ['Patient/', 'not a valid resource id'],
    ['a b', 'not a valid resource id'],
    ['Patient/1/_history/2', 'must be Type/id'],
    ['http://', 'must be Type/id'],
    ['ftp://example.org/Patient/1', 'must be Type/id'],
  ])('rejects %s (%s)', (value, diagnostics) => {
    const issues = rejects([['subject', value]]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'value', expression: ['subject'] });
    expect(issues[0]?.diagnostics).toContain(diagnostics);
  });

  it('does not check a Type/id value against the targets', () => {
    expect(valuesOf('patient=Group/1')).toEqual([{ kind: 'reference', type: 'Group', id: '1' }]);
  });

  describe(':identifier', () => {
    it('parses system|value', () => {
      const { criteria } = parse('subject:identifier=urn:oid:1.2.246.21|010101A900R');
      expect(criteria[0]).toMatchObject({ modifier: 'identifier', values: [{ kind: 'reference', identifier: { system: 'urn:oid:1.2.246.21', value: '010101A900R' } }] });
    });

    it('parses a value without system', () => {
      expect(valuesOf('patient:identifier=010101A900R')).toEqual([{ kind: 'reference', identifier: { value: '010101A900R' } }]);
    });

    it('reads |value as an explicitly empty system, as for tokens', () => {
      expect(valuesOf('patient:identifier=|x')).toEqual([{ kind: 'reference', identifier: { system: '', value: 'x' } }]);
    });

    it.each(['urn:oid:1.2|', '|', 'a|b|c'])('rejects %s', (value) => {
      expect(rejects([['subject:identifier', value]])[0]).toMatchObject({ code: 'value', expression: ['subject:identifier'] });
    });
  });

  describe(':[Type]', () => {
    it('sets the target type and types a bare id', () => {
      const { criteria } = parse('subject:Patient=123');
      expect(criteria[0]).toMatchObject({ targetType: 'Patient', values: [{ kind: 'reference', type: 'Patient', id: '123' }] });
      expect(criteria[0]?.modifier).toBeUndefined();
    });

    it('accepts a value of the same type', () => {
      expect(parse('subject:Group=Group/7').criteria[0]?.values).toEqual([{ kind: 'reference', type: 'Group', id: '7' }]);
    });

    it('rejects a value of another type', () => {
      expect(rejects('subject:Patient=Group/7')[0]).toMatchObject({ code: 'value', expression: ['subject:Patient'] });
    });

    it('rejects a type outside the targets as an unsupported modifier', () => {
      const issues = rejects('subject:Practitioner=1');
      expect(issues[0]).toMatchObject({ code: 'not-supported', expression: ['subject:Practitioner'] });
      expect(issues[0]?.diagnostics).toContain('Group, Patient');
    });

    it('rejects a name that is not a resource type', () => {
      expect(rejects('subject:Patients=1')[0]).toMatchObject({ code: 'not-supported', expression: ['subject:Patients'] });
    });

    it('accepts any target of a multi-target parameter', () => {
      expect(parse('performer:PractitionerRole=pr1').criteria[0]?.targetType).toBe('PractitionerRole');
    });
  });
});

describe('uri and string parameters', () => {
  const name: SearchParamDefinition = { code: 'name', type: 'string', expression: 'X.name' };

  it('passes a uri through, with :below and :above', () => {
    expect(valuesOf('instantiates-uri=http://example.org/protocol')).toEqual([{ kind: 'uri', value: 'http://example.org/protocol' }]);
    expect(parse('_profile:below=http://example.org/fhir').criteria[0]?.modifier).toBe('below');
    expect(parse('_profile:above=http://example.org/fhir/a/b').criteria[0]?.modifier).toBe('above');
  });

  it('rejects an empty uri', () => {
    expect(rejects('_profile=')[0]).toMatchObject({ code: 'value', expression: ['_profile'] });
  });

  it('passes a string through, unescaped, with :exact and :contains', () => {
    expect(parseCriterion({ param: name }, 'Virtanen\\, Matti,ge', 'name').values).toEqual([
      { kind: 'string', value: 'Virtanen, Matti' },
      { kind: 'string', value: 'ge' },
    ]);
    expect(parseCriterion({ param: name, modifier: 'exact' }, 'Ä', 'name:exact')).toMatchObject({ modifier: 'exact', values: [{ kind: 'string', value: 'Ä' }] });
    expect(parseCriterion({ param: name, modifier: 'contains' }, 'irta', 'name:contains').modifier).toBe('contains');
  });

  it('rejects a parameter type the parser does not implement', () => {
    const length: SearchParamDefinition = { code: 'length', type: 'number', expression: 'X.length' };
    expect(rejection(() => parseCriterion({ param: length }, '5', 'length'))).toEqual([expect.objectContaining({ code: 'not-supported', expression: ['length'] })]);
  });

  it('rejects an empty string value', () => {
    expect(rejection(() => parseCriterion({ param: name }, '', 'name'))).toEqual([expect.objectContaining({ expression: ['name'] })]);
  });
});

describe('unsupported modifiers', () => {
  it.each([
    ['status:in', 'status'],
    ['category:of-type', 'category'],
    ['status:above', 'status'],
    ['status:below', 'status'],
    ['date:exact', 'date'],
    ['subject:text', 'subject'],
    ['subject:not', 'subject'],
    ['_profile:contains', '_profile'],
    ['status:', 'status'],
    ['status:missing:x', 'status'],
  ])('rejects %s naming the parameter', (name, code) => {
    const issues = rejects([[name, 'x']]);
    expect(issues).toEqual([expect.objectContaining({ code: 'not-supported', expression: [name] })]);
    expect(issues[0]?.diagnostics).toContain(code);
  });
});

describe('unknown and unsupported parameters', () => {
  it.each([
    'foo',
    'code',
    'subject.name',
    'subject:Patient.name',
    '_has:Observation:patient:code',
    '_list',
    '_filter',
    '_text',
    '_content',
    '_query',
    '_contained',
    '_containedType',
    '_type',
    '_source',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
  ])('rejects %s', (name) => {
    expect(rejects([[name, 'x']])).toEqual([expect.objectContaining({ code: 'not-supported', expression: [name] })]);
  });

  it('rejects a parameter of another resource type', () => {
    expect(rejects('lifecycle-status=active')[0]?.diagnostics).toContain("unknown search parameter 'lifecycle-status' for CarePlan");
    expect(parse('lifecycle-status=active', 'Goal').criteria).toHaveLength(1);
  });

  it('rejects an empty parameter name', () => {
    expect(rejects('=x')).toEqual([expect.objectContaining({ code: 'not-supported', expression: [''] })]);
  });

  it.each(['_count:x', '_sort:desc', '_include:recurse', '_summary:x', '_format:x'])('rejects the modifier in %s', (name) => {
    expect(rejects([[name, '1']])).toEqual([expect.objectContaining({ code: 'not-supported', expression: [name] })]);
  });

  it('passes over _format and _pretty', () => {
    expect(parse('_format=json&_pretty=true&status=active').criteria).toHaveLength(1);
  });

  it('lists every problem of the query in one outcome, one issue per parameter', () => {
    const issues = rejects('foo=1&status:in=x&subject.name=y&status=active&_has:Goal:subject:status=a&_count=-1&date=2026-13&_elements=a b');
    expect(issues.map((issue) => issue.expression)).toEqual([['foo'], ['status:in'], ['subject.name'], ['_has:Goal:subject:status'], ['_count'], ['date'], ['_elements']]);
    const error = rejection(() => parse('foo=1&bar=2'));
    expect(error).toHaveLength(2);
  });

  it('renders the problems as one OperationOutcome', () => {
    try {
      parse('foo=1&bar=2');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FhirError);
      const outcome = (error as FhirError).outcome;
      expect(outcome.issue.map((issue) => [issue.severity, issue.code, issue.expression])).toEqual([
        ['error', 'not-supported', ['foo']],
        ['error', 'not-supported', ['bar']],
      ]);
    }
  });
});

describe('lenient handling', () => {
  it('skips unknown parameters and unsupported modifiers, recording why', () => {
    const request = parse('foo=1&status:in=x&subject.name=y&_contained=true&status=active&=z', 'CarePlan', LENIENT);
    expect(request.criteria).toHaveLength(1);
    expect(request.ignored).toEqual([
      { name: 'foo', reason: "unknown search parameter 'foo' for CarePlan" },
      { name: 'status:in', reason: expect.stringContaining(':in') },
      { name: 'subject.name', reason: expect.stringContaining('chained') },
      { name: '_contained', reason: expect.stringContaining('_contained') },
      { name: '', reason: 'empty parameter name' },
    ]);
  });

  it('still rejects malformed values of known parameters, and only those', () => {
    const issues = rejects('foo=1&date=2026-02-30&status=&_count=x&_sort=status&_include=*', 'CarePlan', LENIENT);
    expect(issues.map((issue) => issue.expression)).toEqual([['date'], ['status'], ['_count'], ['_sort'], ['_include']]);
  });

  it('records nothing when every parameter is known', () => {
    expect(parse('status=active', 'CarePlan', LENIENT).ignored).toEqual([]);
  });
});

describe('_count', () => {
  it('defaults to defaultCount', () => {
    expect(parse('').count).toBe(20);
  });

  it('clamps to maxCount', () => {
    expect(parse('_count=500').count).toBe(100);
  });

  it('accepts 0 and values up to the maximum', () => {
    expect(parse('_count=0').count).toBe(0);
    expect(parse('_count=37').count).toBe(37);
  });

  it.each(['-1', 'abc', '1.5', '', '1e3'])('rejects _count=%s', (value) => {
    expect(rejects([['_count', value]])).toEqual([expect.objectContaining({ expression: ['_count'] })]);
  });

  it('rejects a repeated _count', () => {
    expect(rejects('_count=1&_count=2')).toEqual([expect.objectContaining({ expression: ['_count'] })]);
  });
});

describe('_sort', () => {
  it('reads a comma list with - for descending', () => {
    const { sort } = parse('_sort=-date,_lastUpdated,activity-date');
    expect(sort.map((spec) => [spec.param.code, spec.descending])).toEqual([
      ['date', true],
      ['_lastUpdated', false],
      ['activity-date', false],
    ]);
  });

  it('allows the date parameters of each type', () => {
    expect(parse('_sort=target-date,-start-date', 'Goal').sort).toHaveLength(2);
    expect(parse('_sort=period', 'Consent').sort).toHaveLength(1);
  });

  it('defaults to no sort', () => {
    expect(parse('status=active').sort).toEqual([]);
  });

  it.each(['status', 'subject', '-', '', 'date,', 'foo', 'target-date', '--date'])('rejects _sort=%s', (value) => {
    const issues = rejects([['_sort', value]]);
    expect(issues).toEqual([expect.objectContaining({ expression: ['_sort'] })]);
    expect(issues[0]?.diagnostics).toContain('cannot sort by');
  });

  it('rejects a repeated _sort', () => {
    expect(rejects('_sort=date&_sort=-date')[0]?.expression).toEqual(['_sort']);
  });
});

describe('_include', () => {
  it('reads Source:param and Source:param:Target', () => {
    const { include } = parse('_include=CarePlan:goal&_include=CarePlan:subject:Patient');
    expect(include.map((spec) => [spec.sourceType, spec.param.code, spec.targetType, spec.iterate])).toEqual([
      ['CarePlan', 'goal', undefined, false],
      ['CarePlan', 'subject', 'Patient', false],
    ]);
  });

  it('marks :iterate and lets it start from another type', () => {
    const { include } = parse('_include=CarePlan:goal&_include:iterate=Goal:subject');
    expect(include[1]).toMatchObject({ sourceType: 'Goal', iterate: true });
  });

  it.each([
    ['Goal:subject', 'must start from CarePlan'],
    ['Patient:link', 'not a resource type of this server'],
    ['CarePlan:status', 'not a reference parameter'],
    ['CarePlan:nope', 'not a reference parameter'],
    ['CarePlan:subject:Practitioner', 'cannot refer to Practitioner'],
    ['CarePlan:subject:Foo', 'not a FHIR resource type'],
    ['CarePlan', 'must be Source:param'],
    ['CarePlan:subject:Patient:x', 'must be Source:param'],
    ['', 'must be Source:param'],
    ['constructor:x', 'not a resource type of this server'],
    ['CarePlan:constructor', 'not a reference parameter'],
  ])('rejects _include=%s (%s)', (value, diagnostics) => {
    const issues = rejects([['_include', value]]);
    expect(issues).toEqual([expect.objectContaining({ code: 'value', expression: ['_include'] })]);
    expect(issues[0]?.diagnostics).toContain(diagnostics);
  });

  it.each(['*', 'CarePlan:*', 'CarePlan:subject:*'])('rejects the wildcard %s as not supported, even when lenient', (value) => {
    expect(rejects([['_include', value]], 'CarePlan', LENIENT)).toEqual([expect.objectContaining({ code: 'not-supported', expression: ['_include'] })]);
  });
});

describe('_revinclude', () => {
  it('reads parameters that can point at the searched type', () => {
    const { revinclude } = parse('_revinclude=CarePlan:goal&_revinclude=Consent:data:Goal', 'Goal');
    expect(revinclude.map((spec) => [spec.sourceType, spec.param.code, spec.targetType, spec.iterate])).toEqual([
      ['CarePlan', 'goal', undefined, false],
      ['Consent', 'data', 'Goal', false],
    ]);
  });

  it('marks :iterate', () => {
    expect(parse('_revinclude:iterate=Goal:subject').revinclude[0]).toMatchObject({ sourceType: 'Goal', iterate: true });
  });

  it.each([
    ['Goal:subject', 'cannot be reverse-included'],
    ['Consent:data:Goal', 'cannot be reverse-included'],
    ['Provenance:target', 'not a resource type of this server'],
    ['CareTeam:status', 'not a reference parameter'],
  ])('rejects _revinclude=%s on CarePlan (%s)', (value, diagnostics) => {
    const issues = rejects([['_revinclude', value]]);
    expect(issues).toEqual([expect.objectContaining({ expression: ['_revinclude'] })]);
    expect(issues[0]?.diagnostics).toContain(diagnostics);
  });

  it('rejects the wildcard', () => {
    expect(rejects('_revinclude=*')[0]).toMatchObject({ code: 'not-supported', expression: ['_revinclude'] });
  });
});

describe('other result parameters', () => {
  it.each(['true', 'false', 'count', 'data', 'text'])('reads _summary=%s', (value) => {
    expect(parse(`_summary=${value}`).summary).toBe(value);
  });

  it.each(['TRUE', 'yes', ''])('rejects _summary=%s', (value) => {
    expect(rejects([['_summary', value]])).toEqual([expect.objectContaining({ code: 'value', expression: ['_summary'] })]);
  });

  it('reads _elements as a list of element names', () => {
    expect(parse('_elements=status,intent,activity').elements).toEqual(['status', 'intent', 'activity']);
  });

  it.each(['', 'status,', 'CarePlan.status', '1st', 'a-b'])('rejects _elements=%s', (value) => {
    expect(rejects([['_elements', value]])).toEqual([expect.objectContaining({ expression: ['_elements'] })]);
  });

  it('rejects _summary together with _elements', () => {
    expect(rejects('_summary=true&_elements=status')).toEqual([expect.objectContaining({ expression: ['_summary', '_elements'] })]);
  });

  it('defaults _total to none and reads the other values', () => {
    expect(parse('').total).toBe('none');
    expect(parse('_total=accurate').total).toBe('accurate');
    expect(parse('_total=estimate').total).toBe('estimate');
    expect(rejects('_total=all')[0]?.expression).toEqual(['_total']);
  });

  it('passes _cursor through as an opaque cursor', () => {
    expect(parse([['_cursor', 'eyJrIjoiYSJ9+/==']]).cursor).toBe('eyJrIjoiYSJ9+/==');
    expect(parse('').cursor).toBeUndefined();
  });

  it('rejects an empty or repeated _cursor', () => {
    expect(rejects('_cursor=')[0]?.expression).toEqual(['_cursor']);
    expect(rejects('_cursor=a&_cursor=b')[0]?.expression).toEqual(['_cursor']);
  });

  it('returns the defaults for an empty query', () => {
    expect(parse('', 'Consent')).toEqual({
      resourceType: 'Consent',
      criteria: [],
      count: 20,
      sort: [],
      include: [],
      revinclude: [],
      total: 'none',
      ignored: [],
    });
  });
});

describe('garbage input', () => {
  /** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const ALPHABET = ['a', 'Z', '0', '9', '-', '.', ':', '|', ',', '\\', '$', '/', '*', '_', ' ', 'T', '+', 'é', '\u0000', '\uD83D', '💥', 'ge', '2026', '-02', '-29', 'T10:00', 'Patient', 'http://'];
  const NAMES = ['status', 'date', 'subject', 'patient', '_id', '_lastUpdated', '_profile', '_tag', 'category', 'care-team', '_count', '_sort', '_include', '_revinclude', '_summary', '_elements', '_total', '_cursor', '_format'];
  const MODIFIERS = ['', ':missing', ':not', ':text', ':identifier', ':Patient', ':Group', ':iterate', ':below', ':exact', ':', ':in'];

  it('either parses or throws a 400 FhirError with expressions, for thousands of random queries', () => {
    const next = random(20260201);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const text = (max: number): string => Array.from({ length: Math.floor(next() * max) }, () => pick(ALPHABET)).join('');
    let parsed = 0;
    let rejected = 0;
    for (let round = 0; round < 3000; round++) {
      const pairs = Array.from({ length: 1 + Math.floor(next() * 4) }, (): [string, string] => [
        next() < 0.8 ? pick(NAMES) + pick(MODIFIERS) : text(6),
        text(10),
      ]);
      const options = next() < 0.5 ? STRICT : LENIENT;
      try {
        const request = parse(pairs, pick(['CarePlan', 'CareTeam', 'Consent', 'Goal'] as const), options);
        expect(request.count).toBeLessThanOrEqual(STRICT.maxCount);
        parsed++;
      } catch (error) {
        expect(error, JSON.stringify(pairs)).toBeInstanceOf(FhirError);
        const fhirError = error as FhirError;
        expect(fhirError.status).toBe(400);
        expect(fhirError.issues.length).toBeGreaterThan(0);
        for (const issue of fhirError.issues) expect(issue.expression?.length, JSON.stringify(pairs)).toBeGreaterThan(0);
        rejected++;
      }
    }
    expect(parsed).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });

  it('either parses or throws a 400 FhirError for random raw query strings, percent escapes included', () => {
    const next = random(42);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const chars = [...ALPHABET, '=', '&', '%', '%2', '%2C', '%E0%A4%A', '%FF', '+', '?', '#', 'status', '_sort=', '_include='];
    for (let round = 0; round < 2000; round++) {
      const query = Array.from({ length: Math.floor(next() * 12) }, () => pick(chars)).join('');
      try {
        parse(query, 'CarePlan', next() < 0.5 ? STRICT : LENIENT);
      } catch (error) {
        expect(error, query).toBeInstanceOf(FhirError);
        expect((error as FhirError).status).toBe(400);
      }
    }
  });

  it('never throws from parseDateRange, and every range it returns is ordered', () => {
    const next = random(7);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const parts = ['2026', '2024', '0001', '9999', '-02', '-12', '-00', '-29', '-31', 'T', '23', ':59', ':60', '.', '999', 'Z', '+14:00', '-12:00', '+02', 'x'];
    for (let round = 0; round < 5000; round++) {
      const raw = Array.from({ length: Math.floor(next() * 7) }, () => pick(parts)).join('');
      const range = parseDateRange(raw);
      if (range) expect(Date.parse(range.low), raw).toBeLessThanOrEqual(Date.parse(range.high));
    }
  });

  it('handles a very long value without hanging', () => {
    const long = 'ge2026-02-01T10:00:00.' + '1'.repeat(100_000);
    expect(parse([['date', long]]).criteria).toHaveLength(1);
    expect(rejects([['status', 'a|'.repeat(50_000)]])[0]?.expression).toEqual(['status']);
  });
});
