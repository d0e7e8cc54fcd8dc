/**
 * Token index values from Coding, CodeableConcept, Identifier and primitive codes.
 *
 * @see https://hl7.org/fhir/R4/search.html#token
 */
import { isJsonNumber } from '../../../shared/fhir-json.js';
import type { TokenValue } from '../types.js';
import type { PathNode } from './path.js';

type Json = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A token without the keys that have no value; undefined when nothing is left. */
function token(system: unknown, code: unknown, text: unknown): TokenValue | undefined {
  const s = str(system);
  const c = str(code);
  const t = str(text)?.toLowerCase();
  if (s === undefined && c === undefined && t === undefined) return undefined;
  return { ...(s !== undefined ? { system: s } : {}), ...(c !== undefined ? { code: c } : {}), ...(t !== undefined ? { text: t } : {}) };
}

const coding = (value: Json): TokenValue | undefined => token(value.system, value.code, value.display);

function codeableConcept(value: Json): (TokenValue | undefined)[] {
  const codings = Array.isArray(value.coding) ? value.coding : [];
  return [
    ...codings.map((item) => (typeof item === 'object' && item !== null ? coding(item as Json) : undefined)),
    token(undefined, undefined, value.text),
  ];
}

function identifier(value: Json): TokenValue | undefined {
  const type = typeof value.type === 'object' && value.type !== null ? (value.type as Json).text : undefined;
  return token(value.system, value.value, type);
}

/** Which complex type an untyped object is; the three have no element names in common besides `system`. */
function shapeOf(value: Json): 'CodeableConcept' | 'Identifier' | 'Coding' {
  if ('coding' in value || 'text' in value) return 'CodeableConcept';
  if ('value' in value || 'use' in value || 'type' in value || 'assigner' in value || 'period' in value) return 'Identifier';
  return 'Coding';
}

/**
 * The tokens of one node: a Coding → `{system, code, text: display}`; a CodeableConcept → each
 * coding plus `{text}`; an Identifier → `{system, code: value, text: type.text}`; a code, id,
 * string, uri or boolean → `{code}`. Texts are lower-cased for `:text`. ContactPoint and
 * Quantity tokens are not used by these resources and give none.
 */
export function toTokens(node: PathNode): TokenValue[] {
  const { value } = node;
  let tokens: (TokenValue | undefined)[] = [];
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || isJsonNumber(value)) {
    tokens = [token(undefined, String(value), undefined)];
  } else if (typeof value === 'object' && value !== null) {
    const type = node.type ?? shapeOf(value as Json);
    if (type === 'CodeableConcept') tokens = codeableConcept(value as Json);
    else if (type === 'Identifier') tokens = [identifier(value as Json)];
    else if (type === 'Coding') tokens = [coding(value as Json)];
  }
  return tokens.filter((item): item is TokenValue => item !== undefined);
}
