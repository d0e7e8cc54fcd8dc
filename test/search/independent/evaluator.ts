/**
 * An independent, in-memory FHIR R4 search evaluator, used as a test oracle for the production
 * search engine. It shares no code with it: each parameter's values come from the official
 * SearchParameter FHIRPath expression (see `official-parameters.ts`), and the matching rules
 * are written from https://hl7.org/fhir/R4/search.html, simply rather than fast.
 *
 * Semantics:
 * - A query is `name[:modifier]=v1,v2&…`: comma = OR within one parameter, repeated
 *   parameters = AND. Result parameters (`_count`, `_sort`, …) are ignored; anything else
 *   unknown throws, so a typo cannot silently match everything.
 * - A resource matches a value when any of its selected values matches it.
 * - `:missing=true|false`: the parameter selects no value / at least one value.
 * - `:not` (token): the resource matches none of the listed values; resources without a value
 *   match too.
 * - token, reference (incl. `:identifier`), uri and date matching: see `matchers.ts`, `dates.ts`.
 */
import type { FhirResource } from 'fhir/r4.js';
import { dateMatches, parseDateSearchValue, periodRange, precisionRange, timingRange, type DateRange } from './dates.js';
import { referenceIdentifierMatches, referenceMatches, splitEscaped, tokenMatches, tokensOf, unescape, uriMatches } from './matchers.js';
import { findSearchParameter, selectValues, type SearchParameterDefinition, type TypedValue } from './official-parameters.js';

/** Result-shaping parameters that do not filter. */
const RESULT_PARAMETERS = new Set(['_count', '_sort', '_include', '_revinclude', '_summary', '_elements', '_total', '_format', '_contained', '_containedType']);

/** Modifiers accepted per parameter type. */
const MODIFIERS: Readonly<Record<string, readonly string[]>> = {
  token: ['missing', 'not'],
  reference: ['missing', 'identifier'],
  date: ['missing'],
  uri: ['missing'],
};

/** One `name[:modifier]=values` part of a query. */
interface Clause {
  parameter: SearchParameterDefinition;
  modifier: string | undefined;
  /** The comma-separated alternatives, still escaped. */
  values: string[];
}

/** Options of {@link evaluateSearch}. */
export interface EvaluateOptions {
  /** Used as `meta.lastUpdated` of resources that have none (e.g. not yet stored). */
  now?: Date;
}

function parseClause(resourceType: string, name: string, value: string): Clause {
  const [code, modifier, ...rest] = name.split(':');
  if (rest.length > 0 || code === undefined) throw new Error(`unsupported parameter name: ${name}`);
  const parameter = findSearchParameter(resourceType, code);
  if (!parameter) throw new Error(`unknown search parameter ${resourceType}.${code}`);
  const modifiers = MODIFIERS[parameter.type];
  if (!modifiers) throw new Error(`${parameter.type} parameters are not implemented (${code})`);
  if (modifier !== undefined && !modifiers.includes(modifier)) throw new Error(`modifier :${modifier} not implemented for ${parameter.type} parameter ${code}`);
  if (modifier === 'missing' && value !== 'true' && value !== 'false') throw new Error(`:missing needs true or false, got ${value}`);
  return { parameter, modifier, values: splitEscaped(value, ',') };
}

/** The implicit date range of a selected value, or undefined for non-date values (e.g. a string). */
function dateRangeOf(value: TypedValue): DateRange | undefined {
  switch (value.type) {
    case 'date':
    case 'dateTime':
    case 'instant':
      return precisionRange(value.data as string);
    case 'Period':
      return periodRange(value.data as { start?: string; end?: string });
    case 'Timing':
      return timingRange(value.data as Parameters<typeof timingRange>[0]);
    default:
      return undefined;
  }
}

/** Whether one search value (one OR alternative) matches any of the selected values. */
function matchesValue(clause: Clause, search: string, selected: TypedValue[]): boolean {
  switch (clause.parameter.type) {
    case 'token':
      return selected.some((v) => tokensOf(v).some((t) => tokenMatches(search, t)));
    case 'reference':
      return clause.modifier === 'identifier'
        ? selected.some((v) => referenceIdentifierMatches(search, v))
        : selected.some((v) => referenceMatches(unescape(search), v));
    case 'uri':
      return selected.some((v) => uriMatches(unescape(search), v));
    case 'date': {
      const { prefix, range } = parseDateSearchValue(unescape(search));
      return selected.some((v) => {
        const target = dateRangeOf(v);
        return target !== undefined && dateMatches(prefix, range, target);
      });
    }
    default:
      throw new Error(`${clause.parameter.type} parameters are not implemented`);
  }
}

/** Values that count for date matching exclude non-date alternatives such as `scheduledString`. */
function presentValues(clause: Clause, selected: TypedValue[]): TypedValue[] {
  return clause.parameter.type === 'date' ? selected.filter((v) => dateRangeOf(v) !== undefined) : selected;
}

function matchesClause(resource: FhirResource, clause: Clause): boolean {
  const selected = presentValues(clause, selectValues(resource, clause.parameter));
  if (clause.modifier === 'missing') return (selected.length === 0) === (clause.values[0] === 'true');
  if (clause.modifier === 'not') return !clause.values.some((v) => matchesValue(clause, v, selected));
  return clause.values.some((v) => matchesValue(clause, v, selected));
}

/**
 * The ids of the resources of `resourceType` that match `query`, sorted.
 * @param query a URL query string without `?`, e.g. `status=active,on-hold&date=ge2026`; encoded
 *   as a client sends it (a literal `+` means a space, so write a zone offset as `%2B02:00`)
 */
export function evaluateSearch(resources: FhirResource[], resourceType: string, query: string, options: EvaluateOptions = {}): string[] {
  const clauses = [...new URLSearchParams(query)]
    .filter(([name]) => !RESULT_PARAMETERS.has(name))
    .map(([name, value]) => parseClause(resourceType, name, value));
  return resources
    .filter((r) => r.resourceType === resourceType)
    .map((r) => withLastUpdated(structuredClone(r), options.now))
    .filter((r) => clauses.every((c) => matchesClause(r, c)))
    .map((r) => r.id!)
    .sort();
}

function withLastUpdated(resource: FhirResource, now: Date | undefined): FhirResource {
  if (now !== undefined && resource.meta?.lastUpdated === undefined) resource.meta = { ...resource.meta, lastUpdated: now.toISOString() };
  return resource;
}
