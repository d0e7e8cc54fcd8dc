/**
 * `GET [base]/metadata`: the CapabilityStatement, generated from the route table so it lists
 * exactly what the router serves.
 *
 * @see https://hl7.org/fhir/R4/capabilitystatement.html
 */
import type { CapabilityStatementRestSecurity, CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import { SEARCH_PARAMETERS } from '../../../schemas/generated/search-parameters.js';
import { SUPPORTED_RESOURCE_TYPES, type SupportedResourceType } from '../../../schemas/index.js';
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

/** Search parameters, includes and revincludes of a type, from the same registry the parser uses. */
function searchCapabilities(type: SupportedResourceType): Pick<CapabilityStatementRestResource, 'searchParam' | 'searchInclude' | 'searchRevInclude'> {
  const params = Object.values(SEARCH_PARAMETERS[type]);
  const includes = (source: SupportedResourceType): string[] =>
    Object.values(SEARCH_PARAMETERS[source])
      .filter((param) => param.type === 'reference')
      .map((param) => `${source}:${param.code}`);
  return {
    searchParam: params.map((param) => ({
      name: param.code,
      type: param.type,
      definition: param.code.startsWith('_') ? `http://hl7.org/fhir/SearchParameter/Resource-${param.code.slice(1)}` : `http://hl7.org/fhir/SearchParameter/${type}-${param.code}`,
    })),
    searchInclude: includes(type),
    searchRevInclude: SUPPORTED_RESOURCE_TYPES.flatMap((source) =>
      includes(source).filter((include) => {
        const param = SEARCH_PARAMETERS[source][include.split(':')[1] ?? ''];
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
    (code): code is Exclude<SystemInteractionCode, 'capabilities'> => !TYPE_INTERACTIONS.has(code) && code !== 'capabilities',
  );
  const conditional = routes.some((route) => route.path === '/:type' && route.method === 'PUT');
  const resource = SUPPORTED_RESOURCE_TYPES.map(
    (type): CapabilityStatementRestResource => ({
      type,
      profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
      interaction: typeLevel.map((code) => ({ code })),
      versioning: 'versioned-update',
      readHistory: typeLevel.includes('vread'),
      updateCreate: typeLevel.includes('update'),
      conditionalCreate: conditional,
      conditionalRead: 'not-supported',
      conditionalUpdate: conditional,
      conditionalDelete: conditional ? 'single' : 'not-supported',
      ...(typeLevel.includes('search-type') ? searchCapabilities(type) : {}),
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
