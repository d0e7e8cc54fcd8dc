/**
 * Small readings of FHIR values the generic rules need: what a Reference points to, whether a
 * value matches a pattern, whether a coded value is in a value set.
 *
 * @see https://hl7.org/fhir/R4/references.html
 * @see https://hl7.org/fhir/R4/elementdefinition-definitions.html#ElementDefinition.pattern_x_
 */
import { SOTE_ORGANIZATION_SYSTEM } from '../access/organizations.js';
import { HETU_SYSTEM } from './canonical.js';

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A literal reference, relative or absolute, with an optional `_history` suffix. */
const LITERAL = /^(?:.*\/)?([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/**
 * The resource types a Reference says it points to: its `type` (a type name or a
 * StructureDefinition URL), the type of its literal `reference`, or, when neither says, what its
 * identifier implies (a henkilötunnus names a Patient, a SOTE organisation OID an Organization).
 * Empty when nothing tells (a `urn:uuid:` or a display only).
 */
export function referencedTypes(value: unknown): string[] {
  if (!isRecord(value)) return [];
  const types = new Set<string>();
  if (typeof value.type === 'string') types.add(value.type.slice(value.type.lastIndexOf('/') + 1));
  const literal = typeof value.reference === 'string' ? LITERAL.exec(value.reference) : null;
  if (literal?.[1]) types.add(literal[1]);
  if (types.size === 0 && isRecord(value.identifier)) {
    if (value.identifier.system === HETU_SYSTEM) types.add('Patient');
    if (value.identifier.system === SOTE_ORGANIZATION_SYSTEM) types.add('Organization');
  }
  return [...types];
}

/** True when the literal `reference` names a resource of `type` (`Patient/123`, `https://…/Patient/123`). */
export function isLiteralOf(value: unknown, type: string): boolean {
  if (!isRecord(value) || typeof value.reference !== 'string') return false;
  return LITERAL.exec(value.reference)?.[1] === type;
}

/**
 * FHIR pattern matching: every property of the pattern is in the value with the same content;
 * every item of a pattern array matches some item of the value's array.
 */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) return Array.isArray(value) && pattern.every((item) => value.some((candidate) => matchesPattern(candidate, item)));
  if (isRecord(pattern)) return isRecord(value) && Object.entries(pattern).every(([name, inner]) => matchesPattern(value[name], inner));
  return value === pattern;
}

/** `system|code` of a Coding, if it has both. */
export function codingKey(coding: unknown): string | undefined {
  return isRecord(coding) && typeof coding.system === 'string' && typeof coding.code === 'string' ? `${coding.system}|${coding.code}` : undefined;
}
