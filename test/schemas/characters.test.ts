import { describe, expect, it } from 'vitest';
import type { Issue } from '../../functions/shared/operation-outcome.js';
import { characterCount, characterProblem } from '../../schemas/characters.js';
import { validateResource } from '../../schemas/index.js';
import { carePlanFixture, careTeamFixture, goalFixture } from '../fixtures/shared-plan.js';

/** Text pasted from a word processor, in Finnish and Swedish, and what people type besides. */
const ACCEPTED: readonly (readonly [string, string])[] = [
  ['Finnish letters', 'Äiti ja tytär: Öisin herää, päivisin väsynyt. ä ö å Ä Ö Å'],
  ['Swedish text', 'Åsa och Örjan träffas i Vasa även på lördagar; Ärenden följs upp.'],
  ['a no-break space (klo\u00a09)', 'Tapaaminen klo\u00a09 sosiaalitoimistolla'],
  ['a narrow no-break space (10\u202f000 €)', 'Toimeentulotukea 10\u202f000 € vuodessa'],
  ['an ideographic space U+3000', '東京\u3000都'],
  ['an emoji with zero-width joiner (👩‍⚕️)', 'Hoitaja 👩‍⚕️ soittaa'],
  ['emoji with skin tone and a flag', 'Hienoa 👍🏽 🇫🇮'],
  ['tab, carriage return and line feed', 'Rivi 1\r\nRivi 2\tsarake\nRivi 3'],
  ['combining characters (decomposed å, ä, é)', 'A\u030Asa, pa\u0308iva\u0308, cafe\u0301'],
  ['a byte order mark and a zero-width space', '\ufeffalku\u200bloppu'],
  ['a private-use character', 'merkki \ue000'],
  ['whitespace only (the R4 string regex allows it)', ' '],
];

/** Characters FHIR strings may not hold, with the diagnostics they get at position 5 of 'abcd<char>'. */
const REFUSED: readonly (readonly [string, string, string])[] = [
  ['NUL U+0000', '\u0000', 'contains the control character U+0000 at position 5'],
  ['U+0001', '\u0001', 'contains the control character U+0001 at position 5'],
  ['backspace U+0008', '\u0008', 'contains the control character U+0008 at position 5'],
  ['vertical tab U+000B', '\u000b', 'contains the control character U+000B at position 5'],
  ['form feed U+000C', '\u000c', 'contains the control character U+000C at position 5'],
  ['ESC U+001B', '\u001b', 'contains the control character U+001B at position 5'],
  ['U+001F', '\u001f', 'contains the control character U+001F at position 5'],
  ['DEL U+007F', '\u007f', 'contains the control character U+007F at position 5'],
  ['next line U+0085', '\u0085', 'contains the control character U+0085 at position 5'],
  ['C1 U+0096 (a Windows-1252 en dash decoded as Latin-1)', '\u0096', 'contains the control character U+0096 at position 5'],
  ['a lone high surrogate', '\ud800', 'contains a lone high surrogate U+D800 at position 5'],
  ['a lone low surrogate', '\udc00', 'contains a lone low surrogate U+DC00 at position 5'],
  ['U+FFFE', '\ufffe', 'contains U+FFFE at position 5, which is not a character XML allows'],
  ['U+FFFF', '\uffff', 'contains U+FFFF at position 5, which is not a character XML allows'],
];

function issuesOf(result: ReturnType<typeof validateResource>): Issue[] {
  if (result.ok) throw new Error('expected validation to fail');
  expect(result.status).toBe(400);
  return result.issues;
}

describe('characterProblem', () => {
  it.each(ACCEPTED)('accepts %s', (_label, text) => {
    expect(characterProblem(text)).toBeUndefined();
  });

  it.each(REFUSED)('refuses %s and names it and its position', (_label, char, message) => {
    expect(characterProblem(`abcd${char}efg`)).toMatch(new RegExp(`^${message.replace(/[()+]/g, '\\$&')}`));
  });

  it('counts positions in characters: an emoji sequence before the control character counts as its code points', () => {
    expect(characterProblem('👩‍⚕️\u0001')).toMatch(/at position 5 /);
    expect(characterProblem('😀😀\u0001')).toMatch(/at position 3 /);
  });

  it('finds a lone surrogate next to a valid pair, and a pair in the wrong order', () => {
    expect(characterProblem('😀\ud83d')).toMatch(/^contains a lone high surrogate U\+D83D at position 2 /);
    expect(characterProblem('\ude00\ud83d')).toMatch(/^contains a lone low surrogate U\+DE00 at position 1 /);
  });

  it('counts a surrogate pair as one character and a lone surrogate as one', () => {
    expect(characterCount('a😀b')).toBe(3);
    expect(characterCount('\ud800\ud800')).toBe(2);
    expect(characterCount('\ud83d')).toBe(1);
  });
});

describe('string primitives hold any character XML allows except control characters other than tab, CR and LF', () => {
  it.each(ACCEPTED)('accepts %s in every kind of string element', (_label, text) => {
    const plan = carePlanFixture() as any;
    plan.description = text;
    plan.activity[0].detail.description = text;
    plan.note[0].text = text;
    plan.category[0].coding[0].display = text;
    plan.extension.push({ url: 'https://example.fi/ext/huomio', valueString: text }, { url: 'https://example.fi/ext/ohje', valueMarkdown: text });
    expect(validateResource('CarePlan', plan)).toMatchObject({ ok: true });
    expect(validateResource('CareTeam', { ...careTeamFixture(), name: text })).toMatchObject({ ok: true });
  });

  it.each(REFUSED)('rejects %s in CareTeam.name with code value', (_label, char, message) => {
    const issues = issuesOf(validateResource('CareTeam', { ...careTeamFixture(), name: `abcd${char}` }));
    expect(issues).toEqual([{ code: 'value', diagnostics: expect.stringContaining(`Invalid string: ${message}`), expression: ['CareTeam.name'] }]);
  });

  it.each([
    ['CarePlan.activity[0].detail.description', (r: any, v: string): void => { r.activity[0].detail.description = v; }],
    ['CarePlan.note[0].text', (r: any, v: string): void => { r.note[0].text = v; }],
    ['CarePlan.category[0].coding[0].display', (r: any, v: string): void => { r.category[0].coding[0].display = v; }],
    ['CarePlan.subject.identifier.value', (r: any, v: string): void => { r.subject.identifier = { system: 'https://example.fi/sid/asiakas', value: v }; }],
    ['CarePlan.extension[1].valueString', (r: any, v: string): void => { r.extension.push({ url: 'https://example.fi/ext/huomio', valueString: v }); }],
    ['CarePlan.extension[1].extension[0].valueString', (r: any, v: string): void => { r.extension.push({ url: 'https://example.fi/ext/a', extension: [{ url: 'osa', valueString: v }] }); }],
    ['CarePlan.contained[0].name', (r: any, v: string): void => { r.contained = [{ resourceType: 'CareTeam', id: 't', name: v }]; r.careTeam = [{ reference: '#t' }]; }],
    ['CarePlan.contained[0].name[0].family', (r: any, v: string): void => { r.contained = [{ resourceType: 'Patient', id: 'p', name: [{ family: v }] }]; r.subject = { reference: '#p' }; }],
  ] as const)('rejects an unpaired surrogate in %s', (expression, put) => {
    const plan = carePlanFixture() as any;
    put(plan, 'Testi \ud800');
    expect(issuesOf(validateResource('CarePlan', plan))).toEqual([
      { code: 'value', diagnostics: expect.stringMatching(/^Invalid \w+: contains a lone high surrogate U\+D800 at position 7 /), expression: [expression] },
    ]);
  });

  it.each([
    ['code', 'Goal.language', { language: 'fi\u0000' }],
    ['uri', 'Goal.implicitRules', { implicitRules: 'https://example.fi/\u0007' }],
    ['id', 'Goal.id', { id: 'tavoite\u0000' }],
    ['date', 'Goal.statusDate', { statusDate: '2026-11-30\u0000' }],
  ])('rejects a control character in a %s with the character message', (type, expression, change) => {
    expect(issuesOf(validateResource('Goal', { ...goalFixture(), ...change }))).toEqual([
      { code: 'value', diagnostics: expect.stringMatching(new RegExp(`^Invalid ${type}: contains the control character U\\+00`)), expression: [expression] },
    ]);
  });

  it('accepts a string of 1 048 576 characters, counting an emoji as one', () => {
    expect(validateResource('CarePlan', { ...carePlanFixture(), description: 'ä'.repeat(1024 * 1024) }).ok).toBe(true);
    expect(validateResource('CarePlan', { ...carePlanFixture(), description: '😀'.repeat(1024 * 1024) }).ok).toBe(true);
  });

  it('rejects a string of more than 1 048 576 characters', () => {
    expect(issuesOf(validateResource('CarePlan', { ...carePlanFixture(), description: 'ä'.repeat(1024 * 1024 + 1) }))).toEqual([
      { code: 'value', diagnostics: 'Invalid string: 1048577 characters, more than the 1048576 allowed', expression: ['CarePlan.description'] },
    ]);
  });

  it('does not check narrative against string rules: XML 1.0 characters are txt-1 business (DEL is allowed there)', () => {
    const div = '<div xmlns="http://www.w3.org/1999/xhtml">Tavoite\u007f</div>';
    expect(validateResource('Goal', { ...goalFixture(), text: { status: 'generated', div } }).ok).toBe(true);
  });
});
