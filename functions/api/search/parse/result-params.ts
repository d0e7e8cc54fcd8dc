/**
 * Result parameters: they shape the response rather than select resources.
 *
 * @see https://hl7.org/fhir/R4/search.html#return
 */
import type { SupportedResourceType } from '../../../../schemas/index.js';
import { badRequest } from '../../../shared/errors.js';
import { pageSize } from '../../paging/page-size.js';
import type { Criterion, IncludeSpec, SearchRequest, SortSpec } from '../types.js';
import { parseInclude } from './include.js';
import type { ParseOptions } from './options.js';
import type { ResultParamName } from './resolve-name.js';
import { parseSort } from './sort.js';

/** The request being assembled, one parameter occurrence at a time. */
export interface Draft {
  readonly criteria: Criterion[];
  readonly include: IncludeSpec[];
  readonly revinclude: IncludeSpec[];
  readonly ignored: { readonly name: string; readonly reason: string }[];
  count?: number;
  sort?: SortSpec[];
  summary?: SearchRequest['summary'];
  elements?: string[];
  total?: SearchRequest['total'];
  cursor?: string;
}

const SUMMARY: readonly NonNullable<SearchRequest['summary']>[] = ['true', 'false', 'count', 'data', 'text'];
const TOTAL: readonly SearchRequest['total'][] = ['none', 'estimate', 'accurate'];
const ELEMENT = /^[a-zA-Z][A-Za-z0-9]*$/;

/** The draft field each single-valued result parameter fills. */
const FIELD = {
  _count: 'count',
  _sort: 'sort',
  _summary: 'summary',
  _elements: 'elements',
  _total: 'total',
  _cursor: 'cursor',
} as const satisfies Partial<Record<ResultParamName, keyof Draft>>;

function oneOf<T extends string>(allowed: readonly T[], raw: string, name: string): T {
  if (!(allowed as readonly string[]).includes(raw)) throw badRequest(`${name} must be one of ${allowed.join(', ')}, not '${raw}'`, name, 'value');
  return raw as T;
}

function parseElements(raw: string, name: string): string[] {
  return raw.split(',').map((element) => {
    if (!ELEMENT.test(element)) throw badRequest(`'${element}' is not an element name`, name, 'value');
    return element;
  });
}

/** Applies one result parameter occurrence to the draft; `name` is the parameter as written. */
export function applyResultParam(
  draft: Draft,
  resourceType: SupportedResourceType,
  param: { readonly name: ResultParamName; readonly iterate: boolean },
  raw: string,
  options: ParseOptions,
  name: string,
): void {
  if (param.name === '_include' || param.name === '_revinclude') {
    const target = param.name === '_include' ? draft.include : draft.revinclude;
    target.push(parseInclude(resourceType, param.name, raw, param.iterate, name));
    return;
  }
  if (draft[FIELD[param.name]] !== undefined) throw badRequest(`${param.name} may appear only once`, name, 'value');
  switch (param.name) {
    case '_count':
      draft.count = pageSize(raw, { defaultPageSize: options.defaultCount, maxPageSize: options.maxCount });
      return;
    case '_sort':
      draft.sort = parseSort(resourceType, raw, name);
      return;
    case '_summary':
      draft.summary = oneOf(SUMMARY, raw, name);
      return;
    case '_elements':
      draft.elements = parseElements(raw, name);
      return;
    case '_total':
      draft.total = oneOf(TOTAL, raw, name);
      return;
    case '_cursor':
      if (raw === '') throw badRequest('_cursor must not be empty', name, 'value');
      draft.cursor = raw;
  }
}
