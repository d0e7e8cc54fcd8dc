/**
 * Whether a resource's index satisfies a search criterion, and the `_sort` order of two indexes.
 * Pure functions over the extracted values; the executor applies them after a DynamoDB query.
 *
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { Criterion, CriterionValue, DateValue, ReferenceValue, ResourceIndex, SortSpec, TokenValue } from '../types.js';
import { matchesDate, toRange } from './date-match.js';
import { foldText } from './text.js';

/** Options of {@link matchesCriterion}. */
export interface MatchOptions {
  /** The reference instant of the `ap` prefix. @default new Date() */
  readonly now?: Date;
}

type Value<K extends CriterionValue['kind']> = Extract<CriterionValue, { kind: K }>;

/** `code`, `system|code`, `|code` (system ''), `system|`; systems and codes compared exactly. */
function matchesToken(search: Value<'token'>, value: TokenValue): boolean {
  if (search.system === '' && value.system !== undefined) return false;
  if (search.system && value.system !== search.system) return false;
  return search.code === undefined || value.code === search.code;
}

/** `:text`: the folded search text occurs anywhere in the indexed (display/text) text. */
function matchesTokenText(search: Value<'token'>, value: TokenValue): boolean {
  const text = search.text ?? search.code;
  return text !== undefined && value.text !== undefined && foldText(value.text).includes(foldText(text));
}

/** `system|value` exact, `value` any system, `|value` no system, `system|` any value. */
function matchesIdentifier(search: Value<'reference'>, value: ReferenceValue): boolean {
  const wanted = search.identifier;
  const actual = value.identifier;
  if (!wanted || !actual) return false;
  if (wanted.system === '' && actual.system !== undefined) return false;
  if (wanted.system && actual.system !== wanted.system) return false;
  return wanted.value === undefined || actual.value === wanted.value;
}

/** A canonical's `|version` is optional in the search value. */
const withoutVersion = (url: string): string => url.split('|')[0] ?? url;

function matchesReference(search: Value<'reference'>, value: ReferenceValue, criterion: Criterion): boolean {
  if (criterion.targetType !== undefined && value.type !== criterion.targetType) return false;
  if (criterion.modifier === 'identifier') return matchesIdentifier(search, value);
  // An absolute URL (on another server: the search service turns URLs on this server's base
  // into `Type/id` first) matches only the same URL; a canonical's `|version` is optional.
  if (search.url !== undefined) return value.url !== undefined && (value.url === search.url || withoutVersion(value.url) === search.url);
  if (search.id === undefined || value.id !== search.id) return false;
  if (search.type !== undefined) return value.type === search.type;
  const targets = criterion.param.targets;
  return targets === undefined || value.type === undefined || targets.includes(value.type);
}

function matchesUri(search: Value<'uri'>, value: string, criterion: Criterion): boolean {
  if (criterion.modifier === 'below') return value.startsWith(search.value);
  if (criterion.modifier === 'above') return search.value.startsWith(value);
  return value === search.value;
}

/** Default: the folded value starts with the folded search text; `:exact` exact; `:contains` substring (folded). */
function matchesString(search: Value<'string'>, value: string, criterion: Criterion): boolean {
  if (criterion.modifier === 'exact') return value === search.value;
  const folded = foldText(value);
  const wanted = foldText(search.value);
  return criterion.modifier === 'contains' ? folded.includes(wanted) : folded.startsWith(wanted);
}

/** One criterion value against one indexed value of the parameter. */
function matchesValue(search: CriterionValue, value: unknown, criterion: Criterion, now: Date): boolean {
  switch (search.kind) {
    case 'token':
      return criterion.modifier === 'text' ? matchesTokenText(search, value as TokenValue) : matchesToken(search, value as TokenValue);
    case 'reference':
      return matchesReference(search, value as ReferenceValue, criterion);
    case 'date':
      return matchesDate(search.prefix, search, value as DateValue, now);
    case 'uri':
      return matchesUri(search, value as string, criterion);
    case 'string':
      return matchesString(search, value as string, criterion);
    case 'missing':
      return false;
  }
}

/**
 * Whether the index satisfies a criterion; its values are alternatives (ORed).
 *
 * - `:missing=true` ↔ the parameter has no values; `:missing=false` ↔ it has some.
 * - `:not` (token) ↔ no value of the resource matches any criterion value, so a resource
 *   without the element matches.
 * - token: `code` in any system, `system|code`, `|code` (values without a system), `system|`;
 *   codes case-sensitive, systems exact. `:text` ↔ the case- and accent-folded search text occurs
 *   anywhere (substring, not word starts) in a display, CodeableConcept.text or Identifier.type.text.
 * - reference: `Type/id`; bare `id` with any type the parameter allows; an absolute URL equal to
 *   the indexed one (a canonical's version optional) or whose trailing `Type/id` matches;
 *   `:identifier` by `system|value`/`value`; `criterion.targetType` restricts the type.
 * - date: prefix semantics of {@link matchesDate}.
 * - uri: exact; `:below` the indexed uri starts with the search value; `:above` the reverse.
 * - string: case- and accent-insensitive starts-with; `:exact` exact; `:contains` substring.
 *
 * @see https://hl7.org/fhir/R4/search.html#modifiers
 */
export function matchesCriterion(criterion: Criterion, index: ResourceIndex, options: MatchOptions = {}): boolean {
  const values: readonly unknown[] = index[criterion.param.code] ?? [];
  const now = options.now ?? new Date();
  const missing = criterion.values.filter((value): value is Value<'missing'> => value.kind === 'missing');
  if (missing.length > 0) return missing.some((value) => value.missing === (values.length === 0));
  const matchesAny = (value: unknown): boolean => criterion.values.some((search) => matchesValue(search, value, criterion, now));
  if (criterion.modifier === 'not') return !values.some(matchesAny);
  return values.some(matchesAny);
}

type SortKey = number | string;

/** The comparable keys of one value: dates by their start (ascending) or end (descending). */
function sortKey(value: unknown, descending: boolean): SortKey | undefined {
  if (typeof value === 'string' || typeof value === 'number') return typeof value === 'string' ? foldText(value) : value;
  if (typeof value !== 'object' || value === null) return undefined;
  if ('low' in value || 'high' in value) {
    const range = toRange(value as DateValue);
    return descending ? range.high : range.low;
  }
  const token = value as TokenValue & ReferenceValue;
  if (token.type !== undefined || token.id !== undefined || token.url !== undefined) return `${token.type ?? ''}/${token.id ?? token.url ?? ''}`;
  return token.code ?? token.text;
}

/** The value a resource sorts by: its lowest key ascending, its highest descending. */
function resourceKey(index: ResourceIndex, spec: SortSpec): SortKey | undefined {
  const keys = (index[spec.param.code] ?? [])
    .map((value: unknown) => sortKey(value, spec.descending))
    .filter((key): key is SortKey => key !== undefined);
  if (keys.length === 0) return undefined;
  return keys.reduce((best, key) => ((spec.descending ? key > best : key < best) ? key : best));
}

/**
 * Orders two indexes by `_sort`: each spec in turn; date parameters by their earliest `low`
 * ascending or latest `high` descending (an open side sorts as ±infinity); multi-valued
 * parameters by their lowest value ascending and highest descending; resources without a
 * value last in both directions. Returns 0 on a full tie (the caller breaks ties, e.g. by id).
 *
 * @see https://hl7.org/fhir/R4/search.html#sort
 */
export function compareForSort(a: ResourceIndex, b: ResourceIndex, sort: readonly SortSpec[]): number {
  for (const spec of sort) {
    const ka = resourceKey(a, spec);
    const kb = resourceKey(b, spec);
    if (ka === kb) continue;
    if (ka === undefined) return 1;
    if (kb === undefined) return -1;
    const order = ka < kb ? -1 : 1;
    return spec.descending ? -order : order;
  }
  return 0;
}
