/**
 * Reference values: `Type/id`, a bare `id`, an absolute `http(s)` URL, and with `:identifier`
 * an identifier `system|value` or `value`.
 *
 * @see https://hl7.org/fhir/R4/search.html#reference
 */
import { badRequest } from '../../../shared/errors.js';
import type { CriterionValue, SearchModifier } from '../types.js';
import { splitUnescaped, unescape } from './escapes.js';
import { ID_PATTERN } from '../../../shared/ids.js';
import { isResourceType } from './registry.js';

type ReferenceCriterionValue = Extract<CriterionValue, { kind: 'reference' }>;

const ABSOLUTE_URL = /^https?:\/\/\S+$/i;
/** `…/Type/id` at the end of a URL (a canonical's `|version` is cut off first). */
const URL_TAIL = /\/([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

function identifierValue(raw: string, name: string): ReferenceCriterionValue {
  const parts = splitUnescaped(raw, '|').map(unescape);
  if (parts.length > 2) throw badRequest(`identifier '${raw}' has more than one unescaped '|'`, name, 'value');
  const [first = '', second] = parts;
  const [system, value] = second === undefined ? [undefined, first] : [first, second];
  if (value === '') throw badRequest(`identifier '${raw}' has no value`, name, 'value');
  return { kind: 'reference', identifier: system === undefined ? { value } : { system, value } };
}

function urlValue(url: string): ReferenceCriterionValue {
  const tail = URL_TAIL.exec(url.split('|')[0] ?? url);
  const [, type, id] = tail ?? [];
  return type !== undefined && id !== undefined && isResourceType(type) ? { kind: 'reference', url, type, id } : { kind: 'reference', url };
}

function relativeValue(value: string, name: string): ReferenceCriterionValue {
  const parts = value.split('/');
  if (parts.length > 2) throw badRequest(`reference '${value}' must be Type/id, an id or an absolute URL`, name, 'value');
  const [type, id = ''] = parts.length === 2 ? parts : [undefined, value];
  if (type !== undefined && !isResourceType(type)) throw badRequest(`'${type}' is not a FHIR resource type`, name, 'value');
  if (!ID_PATTERN.test(id)) throw badRequest(`'${id}' is not a valid resource id`, name, 'value');
  return type === undefined ? { kind: 'reference', id } : { kind: 'reference', type, id };
}

/**
 * Parses one alternative of a reference parameter (split on commas, not yet unescaped).
 * With `name:Type`, a bare id gets that type (`subject:Patient=1` is `subject=Patient/1`) and a
 * typed value must agree with it.
 */
export function parseReferenceValue(raw: string, modifier: SearchModifier | undefined, targetType: string | undefined, name: string): ReferenceCriterionValue {
  if (modifier === 'identifier') return identifierValue(raw, name);
  const value = unescape(raw);
  const parsed = ABSOLUTE_URL.test(value) ? urlValue(value) : relativeValue(value, name);
  if (targetType === undefined) return parsed;
  if (parsed.type !== undefined && parsed.type !== targetType) {
    throw badRequest(`reference '${value}' is not a ${targetType} as the modifier ':${targetType}' requires`, name, 'value');
  }
  return parsed.type === undefined && parsed.url === undefined ? { ...parsed, type: targetType } : parsed;
}
