/**
 * The FHIR route table: one readable block. The HTTP adapter registers these, and the
 * CapabilityStatement is generated from them.
 */
import { instanceHistory } from './history.js';
import { create, read, remove, update, vread } from './instance.js';
import { buildCapabilityStatement } from './metadata.js';
import type { RouteDefinition } from './types.js';

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'GET', path: '/metadata', interaction: 'capabilities', handler: async (request) => ({ status: 200, body: buildCapabilityStatement(ROUTES, request.baseUrl) }) },
  { method: 'POST', path: '/:type', interaction: 'create', body: 'resource', handler: create },
  { method: 'GET', path: '/:type/:id', interaction: 'read', handler: read },
  { method: 'PUT', path: '/:type/:id', interaction: 'update', body: 'resource', handler: update },
  { method: 'DELETE', path: '/:type/:id', interaction: 'delete', handler: remove },
  { method: 'GET', path: '/:type/:id/_history', interaction: 'history-instance', handler: instanceHistory },
  { method: 'GET', path: '/:type/:id/_history/:vid', interaction: 'vread', handler: vread },
];
