/**
 * The FHIR number primitives as this API reads JSON (`functions/shared/fhir-json.ts`): a number
 * arrives as a plain `number`, or as a JsonNumber holding its text when a double would change it
 * (`0.10`, `1e999`, `9007199254740993`). Both are checked on the text as sent, so a decimal keeps
 * its precision and an integer's range check is exact at any size.
 *
 * The schemas are typed `number`, as FHIR's JSON types are; a JsonNumber's `valueOf()` is the
 * nearest double.
 *
 * @see https://hl7.org/fhir/R4/datatypes.html#decimal
 * @see https://hl7.org/fhir/R4/json.html#primitive
 */
import { z } from 'zod';
import { isJsonNumber, jsonNumberText } from '../functions/shared/fhir-json.js';

const INT32_MAX = 2147483647;
/** JSON's integer form: no fraction, no exponent. */
const WHOLE = /^-?(0|[1-9][0-9]*)$/;

function quote(text: string): string {
  return `'${text.length > 60 ? `${text.slice(0, 57)}...` : text}'`;
}

/**
 * A JSON number whose text passes `problem` (which returns the rest of a sentence starting with
 * the value, or nothing). Anything else is an `invalid_type` issue, reported like every type
 * mismatch; so is a JavaScript number without a JSON form (`Infinity`, `NaN`), which only a
 * caller that parsed with JSON.parse can pass.
 */
function jsonNumber(type: string, problem: (text: string) => string | undefined): z.ZodType<number> {
  return z.custom<number>().superRefine((value, ctx) => {
    if (!isJsonNumber(value) && (typeof value !== 'number' || !Number.isFinite(value))) {
      ctx.addIssue({ code: 'invalid_type', expected: 'number', input: value });
      return;
    }
    const text = jsonNumberText(value);
    const found = problem(text);
    if (found !== undefined) ctx.addIssue({ code: 'custom', message: `Invalid ${type} ${quote(text)}: ${found}`, params: { fhirCode: 'value' } });
  });
}

/** FHIR `decimal`: the text as sent matches `pattern` (the spec's regex); its precision is kept. */
export function decimal(pattern: RegExp): z.ZodType<number> {
  return jsonNumber('decimal', (text) => (pattern.test(text) ? undefined : 'does not match the FHIR decimal format (https://hl7.org/fhir/R4/datatypes.html#decimal)'));
}

/**
 * FHIR `integer`, `positiveInt`, `unsignedInt`: written as a whole number (`1.0` and `1e2` are
 * not), from `min` to 2147483647, and matching `pattern` (the type's regex).
 */
export function whole(type: string, min: number, pattern: RegExp): z.ZodType<number> {
  return jsonNumber(type, (text) => {
    if (!WHOLE.test(text)) return 'must be a whole number, written without a decimal point or exponent';
    const value = Number(text);
    if (value < min) return `must be at least ${min}`;
    if (value > INT32_MAX) return `must be at most ${INT32_MAX}`;
    return pattern.test(text) ? undefined : `does not match the FHIR ${type} format (https://hl7.org/fhir/R4/datatypes.html#${type})`;
  });
}
