/**
 * What a query parameter name (`code` or `code:modifier`) denotes: a search criterion on a
 * registry parameter, a result parameter, a transport parameter, or something this server
 * does not support (the only part `Prefer: handling=lenient` may skip).
 *
 * @see https://hl7.org/fhir/R4/search.html#modifiers
 * @see https://hl7.org/fhir/R4/search.html#errors
 */
import type { SupportedResourceType } from '../../../../schemas/index.js';
import type { SearchModifier, SearchParamDefinition, SearchParamType } from '../types.js';
import { allowsTarget, isResourceType, lookup } from './registry.js';

/** Result parameters this server implements. */
export type ResultParamName = '_count' | '_sort' | '_include' | '_revinclude' | '_summary' | '_elements' | '_total' | '_cursor';

export type Resolution =
  | { readonly kind: 'criterion'; readonly param: SearchParamDefinition; readonly modifier?: SearchModifier; readonly targetType?: string }
  | { readonly kind: 'result'; readonly name: ResultParamName; readonly iterate: boolean }
  /** `_format` / `_pretty`: the HTTP layer's business, not a search criterion. */
  | { readonly kind: 'transport' }
  | { readonly kind: 'unsupported'; readonly reason: string };

const RESULT_PARAMS: ReadonlySet<string> = new Set<ResultParamName>(['_count', '_sort', '_include', '_revinclude', '_summary', '_elements', '_total', '_cursor']);
const ITERABLE: ReadonlySet<string> = new Set(['_include', '_revinclude']);
const TRANSPORT: ReadonlySet<string> = new Set(['_format', '_pretty']);

/** Standard R4 parameters this server knows of but does not implement, with the reason given. */
const NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  _has: 'reverse chaining (_has) is not supported',
  _list: '_list is not supported',
  _filter: '_filter is not supported',
  _text: '_text (narrative search) is not supported',
  _content: '_content (full-text search) is not supported',
  _query: 'named queries (_query) are not supported',
  _contained: '_contained is not supported',
  _containedType: '_containedType is not supported',
  _type: '_type applies to system-level search only',
  _source: '_source is not supported',
};

/** Modifiers each parameter type accepts besides `:missing` (and `:[Type]` on references). */
const TYPE_MODIFIERS: Readonly<Record<SearchParamType, readonly SearchModifier[]>> = {
  token: ['not', 'text'],
  reference: ['identifier'],
  string: ['exact', 'contains'],
  uri: ['below', 'above'],
  date: [],
  number: [],
  quantity: [],
};
const CRITERION_TYPES: ReadonlySet<SearchParamType> = new Set(['token', 'reference', 'date', 'string', 'uri']);

const unsupported = (reason: string): Resolution => ({ kind: 'unsupported', reason });

function resolveResult(code: ResultParamName, modifier: string | undefined): Resolution {
  if (modifier === undefined) return { kind: 'result', name: code, iterate: false };
  if (modifier === 'iterate' && ITERABLE.has(code)) return { kind: 'result', name: code, iterate: true };
  return unsupported(`modifier ':${modifier}' is not supported on ${code}`);
}

function resolveModifier(param: SearchParamDefinition, modifier: string): Resolution {
  const known = (TYPE_MODIFIERS[param.type] as readonly string[]).includes(modifier) || modifier === 'missing';
  // `_id` is an id, not a coded value: there is no text to search.
  if (known && !(param.code === '_id' && modifier === 'text')) {
    return { kind: 'criterion', param, modifier: modifier as SearchModifier };
  }
  if (param.type === 'reference' && isResourceType(modifier)) {
    return allowsTarget(param, modifier)
      ? { kind: 'criterion', param, targetType: modifier }
      : unsupported(`'${param.code}' cannot refer to ${modifier}; allowed targets: ${(param.targets ?? []).join(', ')}`);
  }
  return unsupported(`modifier ':${modifier}' is not supported for the ${param.type} parameter '${param.code}'`);
}

/**
 * Resolves a query parameter name against the registry of `resourceType`.
 * @see https://hl7.org/fhir/R4/search.html#modifiers
 */
export function resolveName(resourceType: SupportedResourceType, name: string): Resolution {
  if (name === '') return unsupported('empty parameter name');
  const colon = name.indexOf(':');
  const code = colon < 0 ? name : name.slice(0, colon);
  const modifier = colon < 0 ? undefined : name.slice(colon + 1);

  if (TRANSPORT.has(code)) return modifier === undefined ? { kind: 'transport' } : unsupported(`modifier ':${modifier}' is not supported on ${code}`);
  if (RESULT_PARAMS.has(code)) return resolveResult(code as ResultParamName, modifier);
  if (Object.hasOwn(NOT_IMPLEMENTED, code)) return unsupported(NOT_IMPLEMENTED[code] ?? code);
  if (name.includes('.')) return unsupported(`chained parameter '${name}' is not supported`);

  const param = lookup(resourceType, code);
  if (param === undefined) return unsupported(`unknown search parameter '${code}' for ${resourceType}`);
  if (!CRITERION_TYPES.has(param.type)) return unsupported(`${param.type} parameter '${code}' is not supported`);
  return modifier === undefined ? { kind: 'criterion', param } : resolveModifier(param, modifier);
}
