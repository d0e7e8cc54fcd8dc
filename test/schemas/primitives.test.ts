import { describe, expect, it } from 'vitest';
import type { Issue } from '../../functions/shared/operation-outcome.js';
import { JsonNumber } from '../../functions/shared/fhir-json.js';
import { validateResource } from '../../schemas/index.js';
import { carePlanFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';


/** A CarePlan carrying `extension` with one `value[x]` of the given JSON name. */
function planWithExtensionValue(key: string, value: unknown): unknown {
  const plan = carePlanFixture() as any;
  plan.extension.push({ url: 'https://example.fi/ext/test', [key]: value });
  return plan;
}

function issuesOf(result: ReturnType<typeof validateResource>): Issue[] {
  if (result.ok) throw new Error('expected validation to fail');
  expect(result.status).toBe(400);
  return result.issues;
}

describe('primitive formats (https://hl7.org/fhir/R4/datatypes.html)', () => {
  it.each([
    ['id with a space', { ...goalFixture(), id: 'bad id' }, 'Goal.id'],
    ['id longer than 64 characters', { ...goalFixture(), id: 'a'.repeat(65) }, 'Goal.id'],
    ['date with a one-digit month', { ...goalFixture(), startDate: '2026-1-05' }, 'Goal.startDate'],
    ['date that does not exist (2021-02-30)', { ...goalFixture(), startDate: '2021-02-30' }, 'Goal.startDate'],
    ['date 29 February in a common year', { ...goalFixture(), startDate: '2027-02-29' }, 'Goal.startDate'],
    ['date 31 April', { ...goalFixture(), startDate: '2026-04-31' }, 'Goal.startDate'],
    ['empty string', { ...goalFixture(), description: { text: '' } }, 'Goal.description.text'],
    ['code with a double space', { ...goalFixture(), language: 'fi  FI' }, 'Goal.language'],
    ['instant without a time zone', { ...goalFixture(), meta: { lastUpdated: '2026-11-30T10:00:00' } }, 'Goal.meta.lastUpdated'],
    ['instant without a time', { ...goalFixture(), meta: { lastUpdated: '2026-11-30' } }, 'Goal.meta.lastUpdated'],
    ['uri with a space', { ...goalFixture(), implicitRules: 'https://example.fi/a b' }, 'Goal.implicitRules'],
    ['canonical with a space', { ...goalFixture(), meta: { profile: ['https://example.fi/profiili 1'] } }, 'Goal.meta.profile[0]'],
  ])('rejects %s with code value', (_label, body, expression) => {
    const issues = issuesOf(validateResource('Goal', body));
    expect(issues).toEqual([{ code: 'value', diagnostics: expect.stringMatching(/^Invalid \w+/), expression: [expression] }]);
  });

  it.each([
    ['month 13', '2024-13-01'],
    ['day 30 February', '2021-02-30'],
    ['a time without time zone', '2026-11-30T10:00:00'],
    ['a time without seconds', '2026-11-30T10:00+02:00'],
    ['hour 24', '2026-11-30T24:00:00Z'],
    ['free text', 'eilen'],
  ])('rejects a dateTime with %s', (_label, value) => {
    const issues = issuesOf(validateResource('CarePlan', { ...carePlanFixture(), created: value }));
    expect(issues).toEqual([{ code: 'value', diagnostics: expect.stringContaining(`Invalid dateTime '${value}'`), expression: ['CarePlan.created'] }]);
  });

  it.each(['2026', '2026-11', '2026-11-30', '2024-02-29', '2026-11-30T10:00:00Z', '2026-11-30T10:00:00.123+02:00'])(
    'accepts the dateTime %s',
    (value) => {
      expect(validateResource('CarePlan', { ...carePlanFixture(), created: value }).ok).toBe(true);
    },
  );

  it.each([
    ['positiveInt 0', 'valuePositiveInt', 0],
    ['positiveInt -1', 'valuePositiveInt', -1],
    ['unsignedInt -1', 'valueUnsignedInt', -1],
    ['integer 1.5', 'valueInteger', 1.5],
    ['integer beyond 32 bits', 'valueInteger', 2 ** 31],
    ['time 25:00:00', 'valueTime', '25:00:00'],
    ['oid without urn:oid:', 'valueOid', '1.2.246.21'],
    ['uuid in upper case', 'valueUuid', 'urn:uuid:9D6D9E7A-0D8B-4B8A-9D1B-4E8B6C1D2E3F'],
    ['base64Binary of odd length', 'valueBase64Binary', 'abc'],
    ['url with a space', 'valueUrl', 'https://example.fi/a b'],
    ['empty markdown', 'valueMarkdown', ''],
  ])('rejects %s with code value', (_label, key, value) => {
    const issues = issuesOf(validateResource('CarePlan', planWithExtensionValue(key, value)));
    expect(issues).toEqual([{ code: 'value', diagnostics: expect.any(String), expression: [`CarePlan.extension[1].${key}`] }]);
  });

  it.each([
    ['decimal given as a string', 'valueDecimal', '5.0', 'expected a number, got the string "5.0"'],
    ['boolean given as a string', 'valueBoolean', 'true', 'expected a boolean, got the string "true"'],
    ['integer given as a string', 'valueInteger', '5', 'expected a number, got the string "5"'],
    ['string given as a number', 'valueString', 5, 'expected a string, got the number 5'],
    ['string given as null', 'valueString', null, 'expected a string, got null'],
  ])('rejects a %s with code structure', (_label, key, value, message) => {
    const issues = issuesOf(validateResource('CarePlan', planWithExtensionValue(key, value)));
    expect(issues).toEqual([{ code: 'structure', diagnostics: `Invalid type for '${key}': ${message}`, expression: [`CarePlan.extension[1].${key}`] }]);
  });

  it('accepts valid values of every checked primitive', () => {
    const values = {
      valuePositiveInt: 1,
      valueUnsignedInt: 0,
      valueInteger: -2147483648,
      valueDecimal: 0.1,
      valueTime: '23:59:60',
      valueOid: 'urn:oid:1.2.246.21',
      valueUuid: 'urn:uuid:9d6d9e7a-0d8b-4b8a-9d1b-4e8b6c1d2e3f',
      valueBase64Binary: 'SGVp',
      valueInstant: '2026-11-30T10:00:00.5+14:00',
    };
    for (const [key, value] of Object.entries(values)) {
      expect(validateResource('CarePlan', planWithExtensionValue(key, value)), key).toMatchObject({ ok: true });
    }
  });

  it('rejects Narrative.div that is not a string with code structure (its content is checked by txt-1, see narrative.test.ts)', () => {
    const issues = issuesOf(validateResource('Goal', { ...goalFixture(), text: { status: 'generated', div: { p: 'Tavoite' } } }));
    expect(issues).toEqual([{ code: 'structure', diagnostics: "Invalid type for 'div': expected a string, got an object", expression: ['Goal.text.div'] }]);
  });
});

describe('required bindings (https://hl7.org/fhir/R4/terminologies.html#required)', () => {
  it('rejects CarePlan.status bogus and lists the allowed codes', () => {
    const issues = issuesOf(validateResource('CarePlan', { ...carePlanFixture(), status: 'bogus' }));
    expect(issues).toEqual([
      {
        code: 'code-invalid',
        diagnostics: "Invalid code 'bogus': expected one of draft, active, on-hold, revoked, completed, entered-in-error, unknown",
        expression: ['CarePlan.status'],
      },
    ]);
  });

  it.each([
    ['CarePlan.intent', 'CarePlan', (r: any): void => { r.intent = 'suunnitelma'; }, 'CarePlan.intent'],
    ['CarePlan.activity.detail.status', 'CarePlan', (r: any): void => { r.activity[0].detail.status = 'done'; }, 'CarePlan.activity[0].detail.status'],
    ['CarePlan.activity.detail.kind', 'CarePlan', (r: any): void => { r.activity[0].detail.kind = 'Observation'; }, 'CarePlan.activity[0].detail.kind'],
    ['Consent.status', 'Consent', (r: any): void => { r.status = 'valid'; }, 'Consent.status'],
    ['Consent.provision.type', 'Consent', (r: any): void => { r.provision.type = 'allow'; }, 'Consent.provision.type'],
    ['Consent.provision.data.meaning', 'Consent', (r: any): void => { r.provision.data = [{ meaning: 'everything', reference: { reference: 'CarePlan/1' } }]; }, 'Consent.provision.data[0].meaning'],
    ['Goal.lifecycleStatus', 'Goal', (r: any): void => { r.lifecycleStatus = 'finished'; }, 'Goal.lifecycleStatus'],
    ['Identifier.use', 'Goal', (r: any): void => { r.subject.identifier.use = 'national'; }, 'Goal.subject.identifier.use'],
    ['Narrative.status', 'Goal', (r: any): void => { r.text = { status: 'auto', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' }; }, 'Goal.text.status'],
    ['CareTeam.status (contained)', 'CarePlan', (r: any): void => { r.contained = [{ resourceType: 'CareTeam', id: 't', status: 'open' }]; r.careTeam = [{ reference: '#t' }]; }, 'CarePlan.contained[0].status'],
  ] as const)('rejects a code outside the value set of %s', (_label, type, corrupt, expression) => {
    const body = { CarePlan: carePlanFixture, Consent: consentFixture, Goal: goalFixture }[type]() as any;
    corrupt(body);
    expect(issuesOf(validateResource(type, body))).toEqual([{ code: 'code-invalid', diagnostics: expect.stringMatching(/^Invalid code '.+': expected one of /), expression: [expression] }]);
  });

  it('rejects a code given as a number with code structure', () => {
    expect(issuesOf(validateResource('Goal', { ...goalFixture(), lifecycleStatus: 1 }))).toEqual([
      { code: 'structure', diagnostics: "Invalid type for 'lifecycleStatus': expected a code string, got the number 1", expression: ['Goal.lifecycleStatus'] },
    ]);
  });

  it('does not enforce the preferred language binding', () => {
    expect(validateResource('Goal', { ...goalFixture(), language: 'fi-x-savo' }).ok).toBe(true);
  });
});

describe('primitive regexes read with XML Schema meaning (\\s is space, tab, LF and CR only)', () => {
  it.each(['fi-FI', 'fi FI', 'fi\u00a0FI', '\u00a0fi', 'ä'])('accepts the code %j (a no-break space is not XML whitespace)', (code) => {
    expect(validateResource('Goal', { ...goalFixture(), language: code }).ok).toBe(true);
  });

  it.each([
    ['a leading space', ' fi', 'starts or ends with a space'],
    ['a trailing space', 'fi ', 'starts or ends with a space'],
    ['two spaces in a row', 'fi  FI', 'contains two spaces in a row'],
    ['a tab', 'fi\tFI', 'contains a tab, line feed or carriage return'],
    ['a line feed', 'fi\nFI', 'contains a tab, line feed or carriage return'],
  ])('rejects a code with %s', (_label, code, problem) => {
    expect(issuesOf(validateResource('Goal', { ...goalFixture(), language: code }))).toEqual([
      { code: 'value', diagnostics: `Invalid code '${code}': ${problem} (a code has no whitespace other than single spaces between words)`, expression: ['Goal.language'] },
    ]);
  });

  it('rejects a Coding.code with a trailing space', () => {
    const plan = carePlanFixture() as any;
    plan.category[0].coding[0].code = '734163000 ';
    expect(issuesOf(validateResource('CarePlan', plan))).toEqual([
      { code: 'value', diagnostics: expect.stringContaining('starts or ends with a space'), expression: ['CarePlan.category[0].coding[0].code'] },
    ]);
  });

  it('accepts a uri with a no-break space and rejects one with a tab or line feed', () => {
    expect(validateResource('Goal', { ...goalFixture(), implicitRules: 'https://example.fi/a\u00a0b' }).ok).toBe(true);
    for (const uri of ['https://example.fi/a\tb', 'https://example.fi/a\nb']) {
      expect(issuesOf(validateResource('Goal', { ...goalFixture(), implicitRules: uri }))).toEqual([
        { code: 'value', diagnostics: expect.stringContaining('does not match the FHIR uri format'), expression: ['Goal.implicitRules'] },
      ]);
    }
  });

  it.each(['SGVsbG8=', 'SGVsbA==', 'SGVs\nbG8=', ' SGVp\r\n'])('accepts the base64Binary %j', (value) => {
    expect(validateResource('CarePlan', planWithExtensionValue('valueBase64Binary', value)).ok).toBe(true);
  });

  it.each([
    ['padding inside the data', 'SG=pSGVp', "'=' is padding and may only end the data"],
    ['three padding characters', 'S===', "'=' is padding and may only end the data"],
    ['a no-break space between quads', 'SGVp\u00a0SGVp', 'does not match the FHIR base64Binary format'],
  ])('rejects a base64Binary with %s', (_label, value, problem) => {
    expect(issuesOf(validateResource('CarePlan', planWithExtensionValue('valueBase64Binary', value)))).toEqual([
      { code: 'value', diagnostics: expect.stringContaining(problem), expression: ['CarePlan.extension[1].valueBase64Binary'] },
    ]);
  });

  it('rejects base64Binary that fails after many whitespace-separated quads at once (no exponential backtracking)', () => {
    const started = performance.now();
    expect(validateResource('CarePlan', planWithExtensionValue('valueBase64Binary', `${'SGVp '.repeat(5000)}!`)).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('numbers (https://hl7.org/fhir/R4/datatypes.html#integer)', () => {
  it.each([
    ['integer', 'valueInteger', 2147483647],
    ['integer', 'valueInteger', -2147483648],
    ['positiveInt', 'valuePositiveInt', 2147483647],
    ['unsignedInt', 'valueUnsignedInt', 2147483647],
    ['decimal', 'valueDecimal', -0],
    ['decimal', 'valueDecimal', 1.5e300],
  ])('accepts the %s %d', (_type, key, value) => {
    expect(validateResource('CarePlan', planWithExtensionValue(key, value)).ok).toBe(true);
  });

  it.each([
    ['integer', 'valueInteger', -2147483649, 'must be at least -2147483648'],
    ['integer', 'valueInteger', 2147483648, 'must be at most 2147483647'],
    ['unsignedInt', 'valueUnsignedInt', 2147483648, 'must be at most 2147483647'],
    ['positiveInt', 'valuePositiveInt', 2147483648, 'must be at most 2147483647'],
  ])('rejects the %s %d as out of range', (type, key, value, problem) => {
    expect(issuesOf(validateResource('CarePlan', planWithExtensionValue(key, value)))).toEqual([
      { code: 'value', diagnostics: `Invalid ${type} '${value}': ${problem}`, expression: [`CarePlan.extension[1].${key}`] },
    ]);
  });

  it.each(['valueDecimal', 'valueInteger'])('rejects %s 1e400, which JSON.parse reads as Infinity', (key) => {
    const body = JSON.parse(JSON.stringify(planWithExtensionValue(key, 0)).replace(`"${key}":0`, `"${key}":1e400`));
    expect(issuesOf(validateResource('CarePlan', body))).toEqual([
      { code: 'value', diagnostics: expect.stringMatching(new RegExp(`^Invalid number for '${key}': beyond ±1\\.7976931348623157e\\+308`)), expression: [`CarePlan.extension[1].${key}`] },
    ]);
  });

  it.each(['0.10', '1e999', '1e-400', '-0.0', '9007199254740993'])('accepts the decimal %s kept as text, and hands out the same JsonNumber', (text) => {
    const number = new JsonNumber(text);
    const result = validateResource('CarePlan', planWithExtensionValue('valueDecimal', number));
    expect(result.ok).toBe(true);
    expect((result as { resource: any }).resource.extension[1].valueDecimal).toBe(number);
  });

  it.each([
    ['integer', 'valueInteger', '1.0', 'must be a whole number'],
    ['integer', 'valueInteger', '1e2', 'must be a whole number'],
    ['integer', 'valueInteger', '9007199254740993', 'must be at most 2147483647'],
    ['unsignedInt', 'valueUnsignedInt', '-0', 'does not match the FHIR unsignedInt format'],
    ['positiveInt', 'valuePositiveInt', '-0', 'must be at least 1'],
  ])('rejects the %s %s kept as text', (type, key, text, problem) => {
    expect(issuesOf(validateResource('CarePlan', planWithExtensionValue(key, new JsonNumber(text))))).toEqual([
      { code: 'value', diagnostics: expect.stringMatching(new RegExp(`^Invalid ${type} '${text.replace('.', '\\.')}': ${problem}`)), expression: [`CarePlan.extension[1].${key}`] },
    ]);
  });

  it('accepts the integer -0, which its regex allows', () => {
    expect(validateResource('CarePlan', planWithExtensionValue('valueInteger', new JsonNumber('-0'))).ok).toBe(true);
  });

  it('names a number kept as text by its text when a string was expected', () => {
    expect(issuesOf(validateResource('CarePlan', planWithExtensionValue('valueString', new JsonNumber('0.10'))))).toEqual([
      { code: 'structure', diagnostics: "Invalid type for 'valueString': expected a string, got the number 0.10", expression: ['CarePlan.extension[1].valueString'] },
    ]);
  });
});
