/**
 * Reference rewriting inside a transaction: `urn:uuid:` fullUrls become the ids assigned to
 * their entries, and conditional references (`Goal?identifier=…`) the one resource they match —
 * in every `Reference.reference` of every resource, however deeply nested (contained
 * resources and extensions included).
 *
 * @see https://hl7.org/fhir/R4/http.html#trules
 */
import { isJsonNumber } from '../../shared/fhir-json.js';

const CONDITIONAL = /^[A-Z][A-Za-z]+\?.+/;

/** Visits every `reference` string in `value` (deeply); `visit` may return a replacement. */
export function mapReferences(value: unknown, visit: (reference: string) => string | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => mapReferences(item, visit));
  if (value === null || typeof value !== 'object' || isJsonNumber(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'reference' && typeof child === 'string') out[key] = visit(child) ?? child;
    else out[key] = mapReferences(child, visit);
  }
  return out;
}

/** Every `reference` string in `value`. */
export function referencesIn(value: unknown): string[] {
  const found: string[] = [];
  mapReferences(value, (reference) => {
    found.push(reference);
    return undefined;
  });
  return found;
}

/** True for a conditional reference such as `Goal?identifier=sys|val`. */
export const isConditionalReference = (reference: string): boolean => CONDITIONAL.test(reference);

/** True for a `urn:uuid:` placeholder. */
export const isPlaceholder = (reference: string): boolean => reference.startsWith('urn:uuid:');
