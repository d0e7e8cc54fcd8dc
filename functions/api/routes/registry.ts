/**
 * The FHIR route table: one readable block. The HTTP adapter registers these in order (fixed
 * segments such as `_history` and `_search` before `:id`, the fixed `/AuditEvent` paths before
 * `:type`), and the CapabilityStatement is generated from them. AuditEvents are append-only and
 * only searched: other methods on their paths answer 405, and `/AuditEvent/:id` answers 405 to
 * every method (see `checkPathParams` in `app.ts`). The conformance resources (StructureDefinition,
 * CodeSystem, ValueSet: `routes/conformance.ts`), and the SearchParameters and OperationDefinition
 * of this API's own search parameters and operation, are read (and searched) only, with any valid
 * token. `CarePlan/$indicators` comes before `/:type/:id`, which would take it for an id.
 */
import { AUDIT_EVENT_SEARCH_PARAMETERS } from '../audit/index.js';
import { searchAuditEvents } from './audit-search.js';
import { bundle } from './bundle.js';
import { CONFORMANCE_ROUTES } from './conformance.js';
import { conditionalDelete, conditionalUpdate, createMaybeConditional } from './conditional.js';
import { systemHistory, typeHistory } from './feed.js';
import { instanceHistory } from './history.js';
import { INDICATORS_OPERATION } from '../indicators/index.js';
import { carePlanIndicators, carePlanIndicatorsPost, readOperationDefinition } from './indicators.js';
import { read, remove, update, vread } from './instance.js';
import { buildCapabilityStatement } from './metadata.js';
import { capabilitySecurity } from './smart-configuration.js';
import { patch } from './patch.js';
import { searchType } from './search.js';
import { viaPostSearch } from './post-search.js';
import { readSearchParameter, SEARCH_PARAMETER_SEARCH_PARAMS, searchSearchParameters } from './search-parameters.js';
import type { RouteDefinition } from './types.js';

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'GET', path: '/metadata', interaction: 'capabilities', handler: async (request, context) => ({ status: 200, body: buildCapabilityStatement(ROUTES, request.baseUrl, capabilitySecurity(context.config)) }) },
  { method: 'POST', path: '', interaction: 'transaction', also: ['batch'], body: 'resource', handler: bundle },
  { method: 'GET', path: '/_history', interaction: 'history-system', handler: systemHistory },
  { method: 'GET', path: '/AuditEvent', resourceType: 'AuditEvent', interaction: 'search-type', searchParams: AUDIT_EVENT_SEARCH_PARAMETERS, handler: searchAuditEvents },
  { method: 'POST', path: '/AuditEvent/_search', resourceType: 'AuditEvent', interaction: 'search-type', body: 'form', searchParams: AUDIT_EVENT_SEARCH_PARAMETERS, handler: viaPostSearch(searchAuditEvents) },
  ...CONFORMANCE_ROUTES,
  { method: 'GET', path: '/SearchParameter', resourceType: 'SearchParameter', interaction: 'search-type', searchParams: SEARCH_PARAMETER_SEARCH_PARAMS, anyScope: true, handler: searchSearchParameters },
  { method: 'POST', path: '/SearchParameter/_search', resourceType: 'SearchParameter', interaction: 'search-type', body: 'form', searchParams: SEARCH_PARAMETER_SEARCH_PARAMS, anyScope: true, handler: viaPostSearch(searchSearchParameters) },
  { method: 'GET', path: '/SearchParameter/:id', resourceType: 'SearchParameter', interaction: 'read', anyScope: true, handler: readSearchParameter },
  { method: 'GET', path: '/OperationDefinition/:id', resourceType: 'OperationDefinition', interaction: 'read', anyScope: true, handler: readOperationDefinition },
  { method: 'GET', path: '/CarePlan/$indicators', interaction: 'operation', operation: { type: 'CarePlan', name: INDICATORS_OPERATION.code, definition: INDICATORS_OPERATION.url }, handler: carePlanIndicators },
  // The same operation (listed once): POST with a Parameters resource, as R4 operations.html#request invokes any operation.
  { method: 'POST', path: '/CarePlan/$indicators', interaction: 'operation', body: 'resource', handler: carePlanIndicatorsPost },
  { method: 'GET', path: '/:type/_history', interaction: 'history-type', handler: typeHistory },
  { method: 'POST', path: '/:type/_search', interaction: 'search-type', body: 'form', handler: viaPostSearch(searchType) },
  { method: 'GET', path: '/:type', interaction: 'search-type', handler: searchType },
  { method: 'POST', path: '/:type', interaction: 'create', body: 'resource', handler: createMaybeConditional },
  { method: 'PUT', path: '/:type', interaction: 'update', body: 'resource', handler: conditionalUpdate },
  { method: 'DELETE', path: '/:type', interaction: 'delete', handler: conditionalDelete },
  { method: 'GET', path: '/:type/:id', interaction: 'read', handler: read },
  { method: 'PUT', path: '/:type/:id', interaction: 'update', body: 'resource', handler: update },
  { method: 'PATCH', path: '/:type/:id', interaction: 'patch', body: 'json-patch', handler: patch },
  { method: 'DELETE', path: '/:type/:id', interaction: 'delete', handler: remove },
  { method: 'GET', path: '/:type/:id/_history', interaction: 'history-instance', handler: instanceHistory },
  { method: 'GET', path: '/:type/:id/_history/:vid', interaction: 'vread', handler: vread },
];
