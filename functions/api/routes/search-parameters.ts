/**
 * The SearchParameters of this API's own search parameters, read-only:
 * `GET [base]/SearchParameter/{id}` and `GET [base]/SearchParameter?code=…&url=…&base=…&type=…&_id=…`
 * (comma = OR, repeated parameters AND). Writes answer 405.
 *
 * @see https://hl7.org/fhir/R4/searchparameter.html
 */
import type { Bundle, CapabilityStatementRestResourceSearchParam, SearchParameter } from 'fhir/r4.js';
import { badRequest, FhirError, notFound } from '../../shared/errors.js';
import type { Issue } from '../../shared/operation-outcome.js';
import { PROFILE_SEARCH_PARAMETER_RESOURCES } from '../profile/search-parameters.js';
import { requireId } from './params.js';
import type { FhirRequest, FhirResponse } from './types.js';

const R4 = 'http://hl7.org/fhir/SearchParameter';

/** How each supported parameter reads a SearchParameter: the values it is matched by. */
const CRITERIA: Readonly<Record<string, (resource: SearchParameter) => readonly string[]>> = {
  _id: (resource) => [resource.id!],
  code: (resource) => [resource.code],
  url: (resource) => [resource.url, `${resource.url}|${resource.version}`],
  base: (resource) => resource.base,
  type: (resource) => [resource.type],
};

/** What the CapabilityStatement lists for the SearchParameter search. */
export const SEARCH_PARAMETER_SEARCH_PARAMS: readonly CapabilityStatementRestResourceSearchParam[] = [
  { name: '_id', type: 'token', definition: `${R4}/Resource-id` },
  { name: 'base', type: 'token', definition: `${R4}/SearchParameter-base` },
  { name: 'code', type: 'token', definition: `${R4}/SearchParameter-code` },
  { name: 'type', type: 'token', definition: `${R4}/SearchParameter-type` },
  { name: 'url', type: 'uri', definition: `${R4}/conformance-url` },
];

/** `SearchParameter/{id}`. */
export async function readSearchParameter(request: FhirRequest): Promise<FhirResponse> {
  const id = requireId(request);
  const found = PROFILE_SEARCH_PARAMETER_RESOURCES.find((resource) => resource.id === id);
  if (!found) throw notFound(`SearchParameter/${id} is not known`);
  return { status: 200, body: found };
}

/** `SearchParameter?…`: every criterion must hold, any of its comma-separated values. */
export async function searchSearchParameters(request: FhirRequest): Promise<FhirResponse> {
  const issues: Issue[] = [];
  const criteria: { read: (resource: SearchParameter) => readonly string[]; values: string[] }[] = [];
  for (const [name, raw] of request.query) {
    const read = Object.hasOwn(CRITERIA, name) ? CRITERIA[name] : undefined;
    if (read === undefined) {
      issues.push(...badRequest(`Unknown search parameter '${name}' for SearchParameter; supported: ${Object.keys(CRITERIA).join(', ')}`, name, 'not-supported').issues);
    } else if (raw === '') {
      issues.push(...badRequest(`'${name}' has an empty value`, name, 'value').issues);
    } else {
      criteria.push({ read, values: raw.split(',') });
    }
  }
  if (issues.length > 0) throw new FhirError(400, issues);
  const matches = PROFILE_SEARCH_PARAMETER_RESOURCES.filter((resource) => criteria.every(({ read, values }) => read(resource).some((value) => values.includes(value))));
  const self = `${request.baseUrl}/SearchParameter${request.query.size > 0 ? `?${request.query.toString()}` : ''}`;
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    link: [{ relation: 'self', url: self }],
    ...(matches.length > 0 ? { entry: matches.map((resource) => ({ fullUrl: `${request.baseUrl}/SearchParameter/${resource.id}`, resource, search: { mode: 'match' as const } })) } : {}),
  };
  return { status: 200, body: bundle };
}
