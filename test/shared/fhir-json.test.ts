import { describe, expect, it } from 'vitest';
import { cloneJson, isJsonNumber, JsonNumber, parseJson, stringifyJson } from '../../functions/shared/fhir-json.js';

describe('FHIR JSON keeps every number as written (https://hl7.org/fhir/R4/json.html#primitive)', () => {
  it.each(['0.10', '1.500', '-0.0', '-0', '9007199254740993', '12345678901234567890.123456789', '1e-400', '1E+2', '1e999', '1e21'])(
    'reads %s as text and writes it back unchanged',
    (text) => {
      const value = parseJson(`{"value":${text}}`) as { value: unknown };
      expect(value.value).toEqual(new JsonNumber(text));
      expect(stringifyJson(value)).toBe(`{"value":${text}}`);
    },
  );

  it.each(['0', '5', '-2.5', '0.1', '2147483647', '1e+21', '1e-7', '9007199254740991'])('reads %s, which a double reproduces, as a plain number', (text) => {
    expect(parseJson(text)).toBe(Number(text));
    expect(stringifyJson(parseJson(text))).toBe(text);
  });

  it('keeps the last of repeated member names, as JSON.parse does', () => {
    expect(parseJson('{"a":1,"b":2,"a":3}')).toEqual(JSON.parse('{"a":1,"b":2,"a":3}'));
  });

  it('reads __proto__ as an ordinary member, as JSON.parse does', () => {
    const value = parseJson('{"__proto__":{"admin":true}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('throws SyntaxError for text that is not JSON', () => {
    for (const text of ['{', '[1,]', '.5', '01', 'NaN', '{"a":1}x']) expect(() => parseJson(text), text).toThrow(SyntaxError);
  });

  it('indents like JSON.stringify', () => {
    const value = parseJson('{"a":[1,{"b":0.10}],"c":"x"}');
    expect(stringifyJson(value, 2)).toBe(JSON.stringify({ a: [1, { b: 0 }], c: 'x' }, null, 2).replace('"b": 0', '"b": 0.10'));
  });

  it('refuses to write a JsonNumber whose text is not a JSON number, so none can inject JSON', () => {
    expect(() => stringifyJson({ value: new JsonNumber('1,"admin":true') })).toThrow(/Invalid JSON number/);
  });

  it('copies deeply with cloneJson, keeping each JsonNumber where structuredClone and JSON.stringify lose it', () => {
    const value = parseJson('{"target":[{"detailQuantity":{"value":0.10}}]}') as any;
    const copy = cloneJson(value);
    expect(copy).not.toBe(value);
    expect(copy.target[0]).not.toBe(value.target[0]);
    expect(isJsonNumber(copy.target[0].detailQuantity.value)).toBe(true);
    expect(stringifyJson(copy)).toBe('{"target":[{"detailQuantity":{"value":0.10}}]}');
    expect(isJsonNumber(structuredClone(value).target[0].detailQuantity.value)).toBe(false);
    expect(JSON.stringify(value)).toBe('{"target":[{"detailQuantity":{"value":{"text":"0.10"}}}]}');
  });

  it('converts to the nearest double for arithmetic and to its text for display', () => {
    expect(Number(new JsonNumber('0.10'))).toBe(0.1);
    expect(Number(new JsonNumber('1e999'))).toBe(Infinity);
    expect(String(new JsonNumber('1.500'))).toBe('1.500');
  });
});
