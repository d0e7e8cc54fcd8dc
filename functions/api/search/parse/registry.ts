/**
 * Look-ups into the search-parameter registry — the generated R4 parameters plus this API's own
 * (`profile/search-parameters.ts`) — and the R4 resource type list. Every look-up is an
 * own-property check, so query names such as `constructor` or `__proto__` are simply unknown.
 *
 * @see https://hl7.org/fhir/R4/searchparameter-registry.html
 */
import type { SupportedResourceType } from '../../../../schemas/index.js';
import { SEARCH_PARAMETERS } from '../../../../schemas/generated/search-parameters.js';
import { ResourceTypeCodes } from '../../../../schemas/generated/value-sets.js';
import { PROFILE_SEARCH_PARAMETERS } from '../../profile/search-parameters.js';
import type { SearchParamDefinition } from '../types.js';

const RESOURCE_TYPES: ReadonlySet<string> = new Set(ResourceTypeCodes);

/** The R4 parameters of each type with this API's own added (an own one never replaces an R4 code). */
const REGISTRY: Readonly<Record<string, Readonly<Record<string, SearchParamDefinition>>>> = Object.fromEntries(
  Object.entries(SEARCH_PARAMETERS).map(([type, params]) => [type, { ...PROFILE_SEARCH_PARAMETERS[type as SupportedResourceType], ...params }]),
);

/** The definition of search parameter `code` on `resourceType`, if the registry has one. */
export function lookup(resourceType: SupportedResourceType, code: string): SearchParamDefinition | undefined {
  const params = REGISTRY[resourceType];
  return params !== undefined && Object.hasOwn(params, code) ? params[code] : undefined;
}

/** All search parameters of `resourceType` (none for a type this server does not store). */
export function parametersOf(resourceType: SupportedResourceType): readonly SearchParamDefinition[] {
  return Object.values(REGISTRY[resourceType] ?? {});
}

/** Whether `name` is one of the resource types this API stores. */
export function isSupportedType(name: string): name is SupportedResourceType {
  return Object.hasOwn(SEARCH_PARAMETERS, name);
}

/** Whether `name` is a concrete R4 resource type (`Patient`, `Group`, …). */
export function isResourceType(name: string): boolean {
  return RESOURCE_TYPES.has(name);
}

/** Whether a reference parameter may point at `type` (no `targets` = any type). */
export function allowsTarget(param: SearchParamDefinition, type: string): boolean {
  return param.targets === undefined || param.targets.length === 0 || param.targets.includes(type);
}
