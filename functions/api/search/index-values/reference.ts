/**
 * Reference index values from Reference and canonical elements.
 *
 * @see https://hl7.org/fhir/R4/search.html#reference
 * @see https://hl7.org/fhir/R4/references.html#literal
 */
import type { ReferenceValue } from '../types.js';
import type { PathNode } from './path.js';

/** Henkilötunnus (Finnish personal identity code) identifier system: it always identifies a person. */
export const HETU_SYSTEM = 'urn:oid:1.2.246.21';

const ID = '[A-Za-z0-9\\-.]{1,64}';
const RELATIVE = new RegExp(`^([A-Z][A-Za-z]+)/(${ID})(?:/_history/${ID})?$`);
const ABSOLUTE = new RegExp(`^https?://.+/([A-Z][A-Za-z]+)/(${ID})(?:/_history/${ID})?$`);

type Json = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * A literal reference in the forms it is matched by: `Type/id` (a version is ignored) →
 * `{type, id}`, a resource on this server; `http(s)://…/Type/id` → `{type, url}`: a resource on
 * another server, matched only by its full URL (never by `Type/id`, which would confuse a
 * remote `Patient/X` with ours); anything else (`urn:uuid:`, `urn:oid:`, a URL not ending in
 * `Type/id`) → `{url}`. A canonical's `|version` is kept in `url`.
 *
 * @see https://hl7.org/fhir/R4/references.html#literal
 */
export function parseLiteral(reference: string): ReferenceValue {
  const relative = RELATIVE.exec(reference);
  if (relative) return { type: relative[1], id: relative[2] };
  const absolute = ABSOLUTE.exec(reference.split('|')[0] ?? '');
  if (absolute) return { type: absolute[1], url: reference };
  return { url: reference };
}

function fromReference(value: Json): ReferenceValue | undefined {
  const literal = str(value.reference);
  if (literal?.startsWith('#')) return undefined;
  const parsed = literal === undefined ? {} : parseLiteral(literal);
  const type = parsed.type ?? str(value.type);
  const identifier = typeof value.identifier === 'object' && value.identifier !== null ? (value.identifier as Json) : undefined;
  const system = str(identifier?.system);
  const idValue = str(identifier?.value);
  const result: ReferenceValue = {
    ...(type !== undefined ? { type } : {}),
    ...(parsed.id !== undefined ? { id: parsed.id } : {}),
    ...(parsed.url !== undefined ? { url: parsed.url } : {}),
    ...(system !== undefined || idValue !== undefined
      ? { identifier: { ...(system !== undefined ? { system } : {}), ...(idValue !== undefined ? { value: idValue } : {}) } }
      : {}),
  };
  return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * Whether a reference counts for a parameter restricted to `restriction` (`subject.where(resolve() is Patient)`):
 * its type is known and equal. For `Patient`, a reference whose type is unknown — only an
 * identifier, no `type` — still counts when the identifier is a Finnish personal identity code
 * (system `urn:oid:1.2.246.21`, {@link HETU_SYSTEM}), because that code identifies a person,
 * and patients are often referenced by it alone. Other untyped references are dropped.
 *
 * @see https://hl7.org/fhir/R4/search.html#reference
 */
export function satisfiesRestriction(value: ReferenceValue, restriction: string): boolean {
  if (value.type !== undefined) return value.type === restriction;
  return restriction === 'Patient' && value.identifier?.system === HETU_SYSTEM;
}

/**
 * The reference values of one node: a Reference (contained `#id` and display-only references
 * give none; `Reference.type` supplies the type when the literal does not name one), or a
 * canonical/uri string → `{url}` plus `type`/`id` when it ends in `Type/id`. Choice values of other types (`sourceAttachment`) give none.
 */
export function toReferences(node: PathNode, restriction?: string): ReferenceValue[] {
  const { value } = node;
  let result: ReferenceValue | undefined;
  if (node.type !== undefined && !['Reference', 'canonical', 'uri'].includes(node.type)) return [];
  if (typeof value === 'string') result = value.startsWith('#') || value === '' ? undefined : { ...parseLiteral(value), url: value };
  else if (typeof value === 'object' && value !== null) result = fromReference(value as Json);
  if (result === undefined || (restriction !== undefined && !satisfiesRestriction(result, restriction))) return [];
  return [result];
}
