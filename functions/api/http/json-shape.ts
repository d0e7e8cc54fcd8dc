/**
 * Limits on the shape of JSON a client sends, checked right after parsing and before anything
 * walks it: nesting depth (every later step — validation, JSON Patch, reference rewriting — is
 * then bounded, so no input can exhaust the stack), and member names that mean something to
 * JavaScript objects (`__proto__`, `constructor`, `prototype`), refused everywhere by one rule
 * rather than dropped by some paths and rejected by others.
 */
import { badRequest } from '../../shared/errors.js';
import { parseJson } from '../../shared/fhir-json.js';

/** Deepest nesting accepted; FHIR resources of this API nest about 12 levels. */
export const MAX_JSON_DEPTH = 64;

const FORBIDDEN_MEMBERS = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws 400 naming the JSON path of the first member too deep or forbidden. */
export function assertJsonShape(value: unknown, where = '$'): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: where, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_JSON_DEPTH) throw badRequest(`JSON is nested more than ${MAX_JSON_DEPTH} levels deep at ${path}`, path, 'too-long');
    if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_MEMBERS.has(key)) throw badRequest(`The member name '${key}' is not allowed (at ${path})`, `${path}.${key}`, 'structure');
      stack.push({ value: (current as Record<string, unknown>)[key], path: `${path}.${key}`, depth: depth + 1 });
    }
  }
}

/**
 * Parses JSON a client sent, numbers kept as written (`../../shared/fhir-json.ts`). V8's parser
 * checks the syntax and the limits above are applied to its result first, so the lossless
 * parser, which recurses, only ever reads text nested at most {@link MAX_JSON_DEPTH} levels.
 *
 * @throws SyntaxError when `text` is not JSON; a 400 FhirError when it is beyond the limits.
 * @see https://hl7.org/fhir/R4/json.html#primitive
 */
export function parseUntrustedJson(text: string, where = '$'): unknown {
  assertJsonShape(JSON.parse(text) as unknown, where);
  return parseJson(text);
}
