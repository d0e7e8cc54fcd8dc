/**
 * `_summary` and `_elements`: return only part of each match, tagged SUBSETTED.
 *
 * @see https://hl7.org/fhir/R4/search.html#summary
 * @see https://hl7.org/fhir/R4/search.html#elements
 */
import type { FhirResource } from 'fhir/r4.js';
import { SUMMARY_ELEMENTS } from '../../../../schemas/generated/summary-elements.js';
import type { SearchRequest } from '../types.js';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };
/** Always kept: what identifies and versions the resource. */
const MANDATORY = ['resourceType', 'id', 'meta'];

function keeps(allowed: readonly string[], key: string): boolean {
  // A choice element `start[x]` is listed as `start`; its JSON names are `startDate`, ….
  return allowed.some((name) => key === name || (key.startsWith(name) && /^[A-Z]/.test(key.slice(name.length))));
}

function tagged(resource: Record<string, unknown>): FhirResource {
  const meta = (resource.meta ?? {}) as { tag?: unknown[] };
  return { ...resource, meta: { ...meta, tag: [...(meta.tag ?? []), SUBSETTED] } } as unknown as FhirResource;
}

/** Applies `_summary`/`_elements` to a match; unchanged when neither asks for a subset. */
export function subset(resource: FhirResource, request: Pick<SearchRequest, 'summary' | 'elements'>): FhirResource {
  const entries = Object.entries(resource as unknown as Record<string, unknown>);
  if (request.elements && request.elements.length > 0) {
    const allowed = [...MANDATORY, ...request.elements];
    return tagged(Object.fromEntries(entries.filter(([key]) => keeps(allowed, key))));
  }
  switch (request.summary) {
    case 'true':
      return tagged(Object.fromEntries(entries.filter(([key]) => keeps([...MANDATORY, ...(SUMMARY_ELEMENTS[resource.resourceType] ?? [])], key))));
    case 'text':
      return tagged(Object.fromEntries(entries.filter(([key]) => keeps([...MANDATORY, 'text'], key))));
    case 'data':
      return tagged(Object.fromEntries(entries.filter(([key]) => key !== 'text')));
    default:
      return resource;
  }
}
