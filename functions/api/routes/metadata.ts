/**
 * `GET [base]/metadata`: the CapabilityStatement, generated from the route table so it lists
 * exactly what the router serves.
 *
 * @see https://hl7.org/fhir/R4/capabilitystatement.html
 */
import type { CapabilityStatementRestSecurity, CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import { SUPPORTED_RESOURCE_TYPES, type SupportedResourceType } from '../../../schemas/index.js';
import { supportedProfiles } from '../profile/index.js';
import { profileSearchParameterUrl } from '../profile/search-parameters.js';
import { lookup, parametersOf } from '../search/parse/registry.js';
import type { RouteDefinition, SystemInteractionCode, TypeInteractionCode } from './types.js';

const TYPE_INTERACTIONS: ReadonlySet<string> = new Set<TypeInteractionCode>([
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'create',
  'search-type',
]);

/** Software version reported in the statement. */
export const SOFTWARE_VERSION = '0.1.0';

/**
 * Search parameters, includes and revincludes of a type, from the same registry the parser uses;
 * this API's own parameters are defined by its SearchParameters (`[base]/SearchParameter/{id}`),
 * and those found through the care team cannot be included.
 */
function searchCapabilities(type: SupportedResourceType): Pick<CapabilityStatementRestResource, 'searchParam' | 'searchInclude' | 'searchRevInclude'> {
  const params = parametersOf(type);
  const includes = (source: SupportedResourceType): string[] =>
    parametersOf(source)
      .filter((param) => param.type === 'reference' && param.throughCareTeam === undefined)
      .map((param) => `${source}:${param.code}`);
  return {
    searchParam: params.map((param) => ({
      name: param.code,
      type: param.type,
      definition:
        profileSearchParameterUrl(type, param.code) ??
        (param.code.startsWith('_') ? `http://hl7.org/fhir/SearchParameter/Resource-${param.code.slice(1)}` : `http://hl7.org/fhir/SearchParameter/${type}-${param.code}`),
    })),
    searchInclude: includes(type),
    searchRevInclude: SUPPORTED_RESOURCE_TYPES.flatMap((source) =>
      includes(source).filter((include) => {
        const param = lookup(source, include.split(':')[1] ?? '');
        return param?.targets === undefined || param.targets.includes(type);
      }),
    ),
  };
}

/**
 * A type served on fixed paths (`/AuditEvent`): only the interactions and search parameters of
 * its own routes — no versions, no conditional interactions.
 */
function fixedTypeResource(type: CapabilityStatementRestResource['type'], routes: readonly RouteDefinition[]): CapabilityStatementRestResource {
  const interaction = [...new Set(routes.map((route) => route.interaction))].filter((code): code is TypeInteractionCode => TYPE_INTERACTIONS.has(code));
  const searchParam = [...new Map(routes.flatMap((route) => route.searchParams ?? []).map((param) => [param.name, param])).values()];
  return {
    type,
    profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
    interaction: interaction.map((code) => ({ code })),
    versioning: 'no-version',
    readHistory: false,
    updateCreate: false,
    conditionalCreate: false,
    conditionalRead: 'not-supported',
    conditionalUpdate: false,
    conditionalDelete: 'not-supported',
    ...(searchParam.length > 0 ? { searchParam } : {}),
  };
}

/** Builds the CapabilityStatement for the given routes. */
export function buildCapabilityStatement(allRoutes: readonly RouteDefinition[], baseUrl: string, security?: CapabilityStatementRestSecurity): CapabilityStatement {
  const routes = allRoutes.filter((route) => route.resourceType === undefined);
  const fixedTypes = [...new Set(allRoutes.flatMap((route) => (route.resourceType !== undefined ? [route.resourceType] : [])))];
  const interactions = [...new Set(routes.flatMap((route) => [route.interaction, ...(route.also ?? [])]))];
  const typeLevel = interactions.filter((code): code is TypeInteractionCode => TYPE_INTERACTIONS.has(code));
  const systemLevel = interactions.filter(
    (code): code is Exclude<SystemInteractionCode, 'capabilities'> => !TYPE_INTERACTIONS.has(code) && code !== 'capabilities' && code !== 'operation',
  );
  const operationsOf = (type: SupportedResourceType): NonNullable<CapabilityStatementRestResource['operation']> =>
    routes.flatMap((route) => (route.operation?.type === type ? [{ name: route.operation.name, definition: route.operation.definition }] : []));
  const conditional = routes.some((route) => route.path === '/:type' && route.method === 'PUT');
  const resource = SUPPORTED_RESOURCE_TYPES.map(
    (type): CapabilityStatementRestResource => ({
      type,
      profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
      // The shared-plan profiles, enforced when named in meta.profile (or always, with REQUIRE_PROFILES).
      ...(supportedProfiles(type).length > 0 ? { supportedProfile: supportedProfiles(type) } : {}),
      interaction: typeLevel.map((code) => ({ code })),
      versioning: 'versioned-update',
      readHistory: typeLevel.includes('vread'),
      updateCreate: typeLevel.includes('update'),
      conditionalCreate: conditional,
      conditionalRead: 'not-supported',
      conditionalUpdate: conditional,
      conditionalDelete: conditional ? 'single' : 'not-supported',
      ...(typeLevel.includes('search-type') ? searchCapabilities(type) : {}),
      ...(operationsOf(type).length > 0 ? { operation: operationsOf(type) } : {}),
    }),
  );
  for (const type of fixedTypes) resource.push(fixedTypeResource(type, allRoutes.filter((route) => route.resourceType === type)));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-30',
    publisher: 'Shared Care Plan API',
    kind: 'instance',
    software: { name: 'Shared Care Plan API', version: SOFTWARE_VERSION },
    implementation: { description: 'Shared multi-professional client plan (FHIR R4)', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    ...(allRoutes.some((route) => route.interaction === 'patch') ? { patchFormat: ['application/json-patch+json'] } : {}),
    rest: [
      {
        mode: 'server',
        ...(security ? { security } : {}),
        resource,
        ...(systemLevel.length > 0 ? { interaction: systemLevel.map((code) => ({ code })) } : {}),
      },
    ],
  };
}
