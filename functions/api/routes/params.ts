/**
 * Accessors for the path parameters an interaction needs; the adapter has already checked
 * their syntax, so a missing one is a routing bug.
 */
import type { SupportedResourceType } from '../../../schemas/index.js';
import type { FhirRequest } from './types.js';

export function requireType(request: FhirRequest): SupportedResourceType {
  if (!request.resourceType) throw new Error('route without resource type');
  return request.resourceType;
}

export function requireId(request: FhirRequest): string {
  if (!request.id) throw new Error('route without id');
  return request.id;
}

export function requireVersionId(request: FhirRequest): number {
  if (request.versionId === undefined) throw new Error('route without version id');
  return request.versionId;
}
