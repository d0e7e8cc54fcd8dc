/**
 * The SMART scope operation each interaction needs (c create, r read/vread/history,
 * u update/patch, d delete, s search). Bundles need none themselves: each entry is checked as
 * the interaction it is; system-level history filters the types the caller may read.
 *
 * @see https://build.fhir.org/ig/HL7/smart-app-launch/scopes-and-launch-context.html
 */
import type { ScopeOperation } from '../access/types.js';
import type { HttpMethod, RouteDefinition } from './types.js';

const BY_INTERACTION: Partial<Record<RouteDefinition['interaction'], ScopeOperation>> = {
  read: 'r',
  vread: 'r',
  'history-instance': 'r',
  'history-type': 'r',
  'search-type': 's',
  create: 'c',
  update: 'u',
  patch: 'u',
  delete: 'd',
};

/** The operation a route needs on its resource type, if any (none for a route any valid token may use). */
export function scopeOperationOf(route: Pick<RouteDefinition, 'interaction' | 'anyScope'>): ScopeOperation | undefined {
  return route.anyScope ? undefined : BY_INTERACTION[route.interaction];
}

/** The operation a transaction write entry needs. */
export function writeScopeOperation(method: Exclude<HttpMethod, 'GET'>): ScopeOperation {
  return method === 'POST' ? 'c' : method === 'DELETE' ? 'd' : 'u';
}
