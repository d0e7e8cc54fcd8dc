/**
 * Token values: `code`, `system|code`, `|code` (no system), `system|` (any code), and the
 * `:text` modifier's free text.
 *
 * @see https://hl7.org/fhir/R4/search.html#token
 */
import { badRequest } from '../../../shared/errors.js';
import type { CriterionValue, SearchModifier } from '../types.js';
import { splitUnescaped, unescape } from './escapes.js';
import { ID_PATTERN } from '../../../shared/ids.js';

/**
 * Parses one alternative of a token parameter (already split on commas, not yet unescaped).
 * `_id` is token-like: the whole value is the code and must be a valid id.
 */
export function parseTokenValue(raw: string, code: string, modifier: SearchModifier | undefined, name: string): CriterionValue {
  if (modifier === 'text') return { kind: 'token', text: unescape(raw) };
  if (code === '_id') {
    const id = unescape(raw);
    if (!ID_PATTERN.test(id)) throw badRequest(`'${id}' is not a valid resource id`, name, 'value');
    return { kind: 'token', code: id };
  }
  const parts = splitUnescaped(raw, '|').map(unescape);
  if (parts.length > 2) throw badRequest(`token '${raw}' has more than one unescaped '|'`, name, 'value');
  const [first = '', second] = parts;
  if (second === undefined) return { kind: 'token', code: first };
  if (first === '' && second === '') throw badRequest(`token '${raw}' names neither a system nor a code`, name, 'value');
  return second === '' ? { kind: 'token', system: first } : { kind: 'token', system: first, code: second };
}
