/**
 * FHIR JSON text ↔ JavaScript values without losing a decimal's precision: R4 requires a
 * decimal to keep the precision it was sent with (`0.10` is not `0.1`) and JSON numbers to be
 * parsed losslessly. A number whose text a double reproduces exactly (`String(Number(text)) ===
 * text`: `5`, `0.1`, `-2.5`) is read as a plain `number`; any other (`0.10`, `1.0`, `-0.0`,
 * `1e-400`, `1e999`, `9007199254740993`) as a {@link JsonNumber} holding its text, which
 * {@link stringifyJson} writes back unchanged.
 *
 * `JSON.stringify`, `structuredClone` and fast-json-patch's `deepClone` do not know JsonNumber
 * (they turn it into `{"text": …}`): resources are written with {@link stringifyJson} and
 * copied with {@link cloneJson}.
 *
 * @see https://hl7.org/fhir/R4/datatypes.html#decimal
 * @see https://hl7.org/fhir/R4/json.html#primitive
 */
import { parse, stringify, type NumberStringifier } from 'lossless-json';

/** A JSON number kept as the text it was written with, because a double would change it. */
export class JsonNumber {
  constructor(readonly text: string) {
    Object.freeze(this);
  }

  /** The nearest double (`Infinity` or `0` beyond its range), for comparisons and arithmetic only. */
  valueOf(): number {
    return Number(this.text);
  }

  toString(): string {
    return this.text;
  }
}

/** True for a number kept as text. */
export const isJsonNumber = (value: unknown): value is JsonNumber => value instanceof JsonNumber;

/** The JSON text of a number as parsed by {@link parseJson}. */
export const jsonNumberText = (value: number | JsonNumber): string => (typeof value === 'number' ? String(value) : value.text);

function readNumber(text: string): number | JsonNumber {
  const value = Number(text);
  return String(value) === text ? value : new JsonNumber(text);
}

// lossless-json checks that the text written is a JSON number, so no JsonNumber can inject JSON.
const WRITE_AS_TEXT: NumberStringifier[] = [{ test: isJsonNumber, stringify: (value) => (value as JsonNumber).text }];

/**
 * Parses JSON text with every number kept exactly as written; a repeated member name keeps its
 * last value, as `JSON.parse` does. The parser recurses: untrusted text is first checked by
 * `parseUntrustedJson` (`functions/api/http/json-shape.ts`).
 *
 * @throws SyntaxError when `text` is not JSON.
 */
export function parseJson(text: string): unknown {
  return parse(text, null, { parseNumber: readNumber, onDuplicateKey: ({ newValue }) => newValue });
}

/** JSON text of `value` with every {@link JsonNumber} written as its text; `indent` spaces per level. */
export function stringifyJson(value: unknown, indent?: number): string {
  const text = stringify(value, undefined, indent, WRITE_AS_TEXT);
  if (text === undefined) throw new TypeError('The value has no JSON representation');
  return text;
}

/** A deep copy of a JSON value that keeps each {@link JsonNumber} (immutable, so shared). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (value === null || typeof value !== 'object' || isJsonNumber(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // Defined, not assigned: a member named `__proto__` stays data, as in JSON.parse output.
    Object.defineProperty(copy, key, { value: cloneJson(child), writable: true, enumerable: true, configurable: true });
  }
  return copy as T;
}
