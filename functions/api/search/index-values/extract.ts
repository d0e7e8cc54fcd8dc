/**
 * Index values of a resource: for each search parameter of its type, the normalized values the
 * matcher compares search criteria against and the store persists.
 *
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { FhirResource } from 'fhir/r4.js';
import type { SupportedResourceType } from '../../../../schemas/index.js';
import { isJsonNumber } from '../../../shared/fhir-json.js';
import { parametersOf } from '../parse/registry.js';
import type { DateValue, ReferenceValue, ResourceIndex, SearchParamDefinition, TokenValue } from '../types.js';
import { toDateValues } from './date.js';
import { selectNodes } from './path.js';
import type { PathNode } from './path.js';
import { toReferences } from './reference.js';
import { toTokens } from './token.js';

type IndexValues = readonly TokenValue[] | readonly ReferenceValue[] | readonly DateValue[] | readonly string[];

/** String search covers the text parts of complex values (HumanName, Address) as well as plain strings. */
function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || isJsonNumber(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => (key === 'extension' || key === 'period' ? [] : stringLeaves(item)));
}

const uris = (node: PathNode): string[] => (typeof node.value === 'string' ? [node.value] : []);

function normalize(definition: SearchParamDefinition, nodes: readonly PathNode[]): IndexValues {
  switch (definition.type) {
    case 'token':
      return nodes.flatMap(toTokens);
    case 'reference':
      return nodes.flatMap((node) => toReferences(node, definition.targetRestriction));
    case 'date':
      return nodes.flatMap(toDateValues);
    case 'uri':
      return nodes.flatMap(uris);
    case 'string':
      return nodes.flatMap((node) => stringLeaves(node.value));
    case 'number':
    case 'quantity':
      // None of the supported resources defines one.
      return [];
  }
}

function unique<T>(values: readonly T[]): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The normalized, de-duplicated values of one search parameter in a resource (empty = missing).
 *
 * @throws Error when the parameter's expression is outside the supported FHIRPath subset.
 * @see https://hl7.org/fhir/R4/search.html#ptypes
 */
export function extractValues(resource: FhirResource, definition: SearchParamDefinition): IndexValues {
  return unique<unknown>(normalize(definition, selectNodes(resource, definition.expression))) as IndexValues;
}

/**
 * The index of a resource: parameter code → values for every search parameter of its type,
 * the key omitted when a parameter has no values. A resource type without registered
 * parameters gives an empty index. Parameters about another resource (`throughCareTeam`) have
 * no values of their own: they are resolved at query time.
 *
 * - token: `{system?, code?, text?}` from Coding, CodeableConcept, Identifier and primitive codes;
 * - reference: `{type?, id?, url?, identifier?}`, with `targetRestriction` applied (see `satisfiesRestriction`);
 * - date: `{low?, high?}` UTC instant ranges (see `dateRange`);
 * - uri: the strings as written.
 *
 * @see https://hl7.org/fhir/R4/search.html
 */
export function extractIndex(resource: FhirResource): ResourceIndex {
  const index: Record<string, IndexValues> = {};
  for (const definition of parametersOf(resource.resourceType as SupportedResourceType)) {
    if (definition.throughCareTeam) continue;
    const values = extractValues(resource, definition);
    if (values.length > 0) index[definition.code] = values;
  }
  return index;
}
