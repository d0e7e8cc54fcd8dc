/**
 * `GET [base]/metadata`: the CapabilityStatement, generated from the route table so it lists
 * exactly what the router serves.
 *
 * @see https://hl7.org/fhir/R4/capabilitystatement.html
 */
import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import { SUPPORTED_RESOURCE_TYPES } from '../../../schemas/index.js';
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

/** Builds the CapabilityStatement for the given routes. */
export function buildCapabilityStatement(routes: readonly RouteDefinition[], baseUrl: string): CapabilityStatement {
  const interactions = [...new Set(routes.map((route) => route.interaction))];
  const typeLevel = interactions.filter((code): code is TypeInteractionCode => TYPE_INTERACTIONS.has(code));
  const systemLevel = interactions.filter(
    (code): code is Exclude<SystemInteractionCode, 'capabilities'> => !TYPE_INTERACTIONS.has(code) && code !== 'capabilities',
  );
  const resource = SUPPORTED_RESOURCE_TYPES.map(
    (type): CapabilityStatementRestResource => ({
      type,
      profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
      interaction: typeLevel.map((code) => ({ code })),
      versioning: 'versioned-update',
      readHistory: typeLevel.includes('vread'),
      updateCreate: typeLevel.includes('update'),
      conditionalCreate: false,
      conditionalRead: 'not-supported',
      conditionalUpdate: false,
      conditionalDelete: 'not-supported',
    }),
  );
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
    rest: [
      {
        mode: 'server',
        resource,
        ...(systemLevel.length > 0 ? { interaction: systemLevel.map((code) => ({ code })) } : {}),
      },
    ],
  };
}
