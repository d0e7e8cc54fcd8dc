/**
 * One `name[:modifier]=v1,v2` occurrence as a {@link Criterion}: the comma-separated
 * alternatives are ORed; repeated occurrences become separate (ANDed) criteria.
 *
 * @see https://hl7.org/fhir/R4/search.html#combining
 */
import { badRequest } from '../../../shared/errors.js';
import type { Criterion, CriterionValue, DatePrefix, SearchModifier, SearchParamDefinition } from '../types.js';
import { parseDateRange } from './date-range.js';
import { splitUnescaped, unescape } from './escapes.js';
import { parseReferenceValue } from './reference-value.js';
import { parseTokenValue } from './token-value.js';

/** The parameter, modifier and target type a name resolved to. */
export interface CriterionTarget {
  readonly param: SearchParamDefinition;
  readonly modifier?: SearchModifier;
  readonly targetType?: string;
}

const DATE_PREFIX = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)/;

/** Most comma-separated alternatives one parameter may list (each can cost a DynamoDB read). */
export const MAX_ALTERNATIVES = 100;

/** `[prefix]date`; the prefix defaults to `eq`. @see https://hl7.org/fhir/R4/search.html#prefix */
function parseDateValue(raw: string, name: string): CriterionValue {
  const match = DATE_PREFIX.exec(raw);
  const prefix = (match?.[1] ?? 'eq') as DatePrefix;
  const range = parseDateRange(match ? raw.slice(2) : raw);
  if (range === undefined) throw badRequest(`'${raw}' is not a valid date search value (YYYY[-MM[-DD[Thh:mm[:ss[.sss]][Z|±hh:mm]]]])`, name, 'value');
  return { kind: 'date', prefix, ...range };
}

function parseMissing(raw: string, name: string): CriterionValue {
  if (raw !== 'true' && raw !== 'false') throw badRequest(`:missing takes true or false, not '${raw}'`, name, 'value');
  return { kind: 'missing', missing: raw === 'true' };
}

function parseValue(target: CriterionTarget, raw: string, name: string): CriterionValue {
  const { param, modifier } = target;
  if (modifier === 'missing') return parseMissing(raw, name);
  switch (param.type) {
    case 'token':
      return parseTokenValue(raw, param.code, modifier, name);
    case 'reference':
      return parseReferenceValue(raw, modifier, target.targetType, name);
    case 'date':
      return parseDateValue(raw, name);
    case 'string':
      return { kind: 'string', value: unescape(raw) };
    case 'uri':
      return { kind: 'uri', value: unescape(raw) };
    default:
      throw badRequest(`${param.type} parameter '${param.code}' is not supported`, name, 'not-supported');
  }
}

/**
 * Parses the value of one parameter occurrence; `name` (as written in the query) is the
 * expression of any issue.
 * @see https://hl7.org/fhir/R4/search.html#escaping
 */
export function parseCriterion(target: CriterionTarget, raw: string, name: string): Criterion {
  const alternatives = splitUnescaped(raw, ',');
  if (alternatives.length > MAX_ALTERNATIVES) {
    throw badRequest(`'${name}' lists ${alternatives.length} alternatives; at most ${MAX_ALTERNATIVES} are allowed in one parameter — split the search`, name, 'too-costly');
  }
  const values = alternatives.map((alternative) => {
    if (alternative === '') throw badRequest(raw === '' ? `'${name}' has an empty value` : `'${name}' has an empty alternative in '${raw}'`, name, 'value');
    return parseValue(target, alternative, name);
  });
  return {
    param: target.param,
    ...(target.modifier !== undefined ? { modifier: target.modifier } : {}),
    ...(target.targetType !== undefined ? { targetType: target.targetType } : {}),
    values,
  };
}
