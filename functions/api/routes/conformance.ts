/**
 * The conformance resources of the shared-plan profile, read-only: `GET [base]/StructureDefinition/{id}`
 * and `GET [base]/StructureDefinition?url=…` (also `_id`; no parameter: all; or POST `_search`), the same for
 * CodeSystem and ValueSet. They are static definitions about no client: any valid token may read
 * them, whatever its scopes, and they are audited as a request about no client.
 *
 * @see https://hl7.org/fhir/R4/http.html#read
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { Bundle, BundleEntry, CapabilityStatementRestResourceSearchParam, FhirResource } from 'fhir/r4.js';
import { badRequest, notFound } from '../../shared/errors.js';
import { operationOutcome } from '../../shared/operation-outcome.js';
import { preferLenient } from '../http/prefer.js';
import { CONFORMANCE_RESOURCES, type ConformanceType } from '../profile/index.js';
import { viaPostSearch } from './post-search.js';
import type { FhirResponse, Interaction, RouteDefinition } from './types.js';

type Canonical = FhirResource & { readonly id?: string; readonly url?: string; readonly version?: string };

/** The search parameters of the conformance types, as the CapabilityStatement lists them. */
export const CONFORMANCE_SEARCH_PARAMETERS: readonly CapabilityStatementRestResourceSearchParam[] = [
  {
    name: 'url',
    type: 'uri',
    definition: 'http://hl7.org/fhir/SearchParameter/conformance-url',
    documentation: 'The canonical URL, exactly; `url|version` matches that version only; a comma separates alternatives',
  },
  { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id', documentation: 'The logical id; a comma separates alternatives' },
];

const PARAMETER_NAMES: ReadonlySet<string> = new Set(CONFORMANCE_SEARCH_PARAMETERS.map((param) => param.name));

/** The alternatives of one parameter value: split at unescaped commas, `\,` unescaped. */
const alternatives = (value: string): string[] => value.split(/(?<!\\),/).map((part) => part.replace(/\\([,$|\\])/g, '$1'));

function matchesUrl(resource: Canonical, wanted: string): boolean {
  const bar = wanted.indexOf('|');
  if (bar < 0) return resource.url === wanted;
  return resource.url === wanted.slice(0, bar) && resource.version === wanted.slice(bar + 1);
}

function readConformance(type: ConformanceType): Interaction {
  return async (request): Promise<FhirResponse> => {
    const found = (CONFORMANCE_RESOURCES[type] as readonly Canonical[]).find((resource) => resource.id === request.id);
    if (found === undefined) throw notFound(`${type}/${request.id ?? ''} is not a conformance resource of this server`);
    return { status: 200, body: found };
  };
}

function searchConformance(type: ConformanceType): Interaction {
  return async (request): Promise<FhirResponse> => {
    const names = [...new Set(request.query.keys())];
    const unknown = names.filter((name) => !PARAMETER_NAMES.has(name));
    const lenient = preferLenient(request.header('prefer'));
    if (unknown.length > 0 && !lenient) {
      throw badRequest(`Unknown search parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `'${name}'`).join(', ')} for ${type}; supported: url, _id`, unknown);
    }
    let matches = [...(CONFORMANCE_RESOURCES[type] as readonly Canonical[])];
    for (const value of request.query.getAll('url')) matches = matches.filter((resource) => alternatives(value).some((wanted) => matchesUrl(resource, wanted)));
    for (const value of request.query.getAll('_id')) matches = matches.filter((resource) => alternatives(value).includes(resource.id ?? ''));
    const entry: BundleEntry[] = matches.map((resource) => ({ fullUrl: `${request.baseUrl}/${type}/${resource.id ?? ''}`, resource, search: { mode: 'match' } }));
    if (unknown.length > 0) {
      const issues = unknown.map((name) => ({ severity: 'warning' as const, code: 'not-supported' as const, diagnostics: `Parameter '${name}' was ignored: unknown for ${type}`, expression: [name] }));
      entry.push({ resource: operationOutcome(issues), search: { mode: 'outcome' } });
    }
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: matches.length,
      link: [{ relation: 'self', url: `${request.baseUrl}/${type}${request.query.size > 0 ? `?${request.query.toString()}` : ''}` }],
      ...(entry.length > 0 ? { entry } : {}),
    };
    return { status: 200, body: bundle };
  };
}

/** The read and search routes of each conformance type; other methods on their paths answer 405. */
export const CONFORMANCE_ROUTES: readonly RouteDefinition[] = (Object.keys(CONFORMANCE_RESOURCES) as ConformanceType[]).flatMap((type): RouteDefinition[] => [
  { method: 'GET', path: `/${type}`, resourceType: type, interaction: 'search-type', searchParams: CONFORMANCE_SEARCH_PARAMETERS, anyScope: true, handler: searchConformance(type) },
  { method: 'POST', path: `/${type}/_search`, resourceType: type, interaction: 'search-type', body: 'form', searchParams: CONFORMANCE_SEARCH_PARAMETERS, anyScope: true, handler: viaPostSearch(searchConformance(type)) },
  { method: 'GET', path: `/${type}/:id`, resourceType: type, interaction: 'read', anyScope: true, handler: readConformance(type) },
]);
