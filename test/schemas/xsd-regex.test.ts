import { describe, expect, it } from 'vitest';
import { xsdRegExp } from '../../schemas/xsd-regex.js';

/** The R4 regexes as the StructureDefinitions give them. */
const STRING = '[ \\r\\n\\t\\S]+';
const CODE = '[^\\s]+(\\s[^\\s]+)*';
const URI = '\\S*';
const BASE64 = '(\\s*([0-9a-zA-Z\\+/=]){4}\\s*)+';
const BASE64_LINEAR = '\\s*([0-9a-zA-Z\\+/=]{4}\\s*)+';

describe('xsdRegExp reads XML Schema regexes with XML Schema meaning (https://www.w3.org/TR/xmlschema11-2/#regexs)', () => {
  it.each([
    ['space', ' '],
    ['tab', '\t'],
    ['line feed', '\n'],
    ['carriage return', '\r'],
  ])('\\s matches %s', (_label, char) => {
    expect(xsdRegExp('\\s').test(char)).toBe(true);
    expect(xsdRegExp('\\S').test(char)).toBe(false);
  });

  it.each([
    ['no-break space U+00A0', '\u00a0'],
    ['narrow no-break space U+202F', '\u202f'],
    ['ideographic space U+3000', '\u3000'],
    ['line separator U+2028', '\u2028'],
    ['vertical tab U+000B', '\u000b'],
    ['form feed U+000C', '\u000c'],
    ['byte order mark U+FEFF', '\ufeff'],
  ])('\\S matches the %s, which JavaScript counts as whitespace', (_label, char) => {
    expect(xsdRegExp('\\S').test(char)).toBe(true);
    expect(xsdRegExp('\\s').test(char)).toBe(false);
  });

  it('matches a character outside the Basic Multilingual Plane as one character', () => {
    expect(xsdRegExp('\\S').test('😀')).toBe(true);
    expect(xsdRegExp('[^a]').test('😀')).toBe(true);
    expect(xsdRegExp('\\S{2}').test('😀')).toBe(false);
  });

  it('matches the whole value only (implicitly anchored)', () => {
    expect(xsdRegExp('[0-9]+').test('12a')).toBe(false);
    expect(xsdRegExp('[0-9]+').test('a12')).toBe(false);
    expect(xsdRegExp('a|b').test('ab')).toBe(false);
  });

  it('reads ^ and $ as ordinary characters and . as anything but line feed and carriage return', () => {
    expect(xsdRegExp('^a$').test('^a$')).toBe(true);
    expect(xsdRegExp('^a$').test('a')).toBe(false);
    expect(xsdRegExp('.').test('\u2028')).toBe(true);
    expect(xsdRegExp('.').test('\n')).toBe(false);
  });

  it('reads escaped metacharacters, ranges and a trailing - in a class', () => {
    expect(xsdRegExp('[A-Za-z0-9\\-\\.]{1,64}').test('a-b.c')).toBe(true);
    expect(xsdRegExp('[a-c-]+').test('b-')).toBe(true);
    expect(xsdRegExp('\\(\\)\\[\\]\\{\\}\\|\\^').test('()[]{}|^')).toBe(true);
  });

  it.each([
    ['\\d (Unicode digits in XML Schema)', '\\d'],
    ['\\w', '\\w'],
    ['\\p{L}', '\\p{L}'],
    ['class subtraction', '[a-z-[aeiou]]'],
    ['an unclosed class', '[abc'],
    ['a { that is no quantifier', 'a{'],
  ])('throws on %s rather than read it with JavaScript meaning', (_label, pattern) => {
    expect(() => xsdRegExp(pattern)).toThrow(/XML Schema regex/);
  });
});

describe('the R4 primitive regexes read as XML Schema reads them', () => {
  it.each(['klo\u00a09', '10\u202f000 €', 'ä ö å Ä Ö Å', '\u3000全角', '👩‍⚕️', ' \t\r\n', 'a'])('string %j matches', (value) => {
    expect(xsdRegExp(STRING).test(value)).toBe(true);
  });

  it.each(['fi-FI', 'fi FI', 'fi\u00a0FI', 'a\tb', 'ä'])('code %j matches (single XML whitespace between non-whitespace)', (value) => {
    expect(xsdRegExp(CODE).test(value)).toBe(true);
  });

  it.each([' fi', 'fi ', 'fi  FI', 'fi\t FI', '\n'])('code %j does not match', (value) => {
    expect(xsdRegExp(CODE).test(value)).toBe(false);
  });

  it('uri refuses the XML whitespace characters and nothing else', () => {
    expect(xsdRegExp(URI).test('https://example.fi/a\u00a0b')).toBe(true);
    for (const space of [' ', '\t', '\n', '\r']) expect(xsdRegExp(URI).test(`https://example.fi/a${space}b`)).toBe(false);
  });

  it('the linear base64Binary form accepts exactly what the R4 regex accepts', () => {
    const alphabet = ['A', 'z', '9', '+', '/', '=', ' ', '\n', '!'];
    let seed = 7;
    const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 5000; i++) {
      const value = Array.from({ length: Math.floor(random() * 14) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(xsdRegExp(BASE64_LINEAR).test(value), JSON.stringify(value)).toBe(xsdRegExp(BASE64).test(value));
    }
  });

  it('the linear base64Binary form refuses long whitespace-separated data at once', () => {
    const started = performance.now();
    expect(xsdRegExp(BASE64_LINEAR).test(`${'SGVp '.repeat(10_000)}!`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
