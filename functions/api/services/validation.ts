/**
 * Validation of incoming resources against the generated R4 schemas, after removing what the
 * server owns, then against the shared-plan profiles that apply (docs/profile.md).
 */
import type { FhirResource } from 'fhir/r4.js';
import { validateResource, type SupportedResourceType } from '../../../schemas/index.js';
import { isRedactedLabel, REDACTED_LABEL } from '../access/index.js';
import { FhirError } from '../../shared/errors.js';
import { profileIssues, type ProfileOptions } from '../profile/index.js';
import { keyLimitIssues } from './key-limits.js';

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Removes what the server owns: meta.versionId and meta.lastUpdated (and id on create), and the
 * {@link REDACTED_LABEL} in meta.security — it marks a copy the server sent to an organisation
 * without the resource's contact data, never stored data (a client writing back such a copy
 * must not make the custodian's full resource look redacted).
 */
export function stripServerManaged(body: unknown, dropId: boolean): unknown {
  if (!isObject(body)) return body;
  const { id, meta, ...rest } = body;
  const out: Record<string, unknown> = { ...rest };
  if (!dropId && id !== undefined) out.id = id;
  if (isObject(meta)) {
    const { versionId: _v, lastUpdated: _l, ...metaRest } = meta;
    if (Array.isArray(metaRest.security) && metaRest.security.some(isRedactedLabel)) {
      const security = metaRest.security.filter((label) => !isRedactedLabel(label));
      if (security.length > 0) metaRest.security = security;
      else delete metaRest.security;
    }
    if (Object.keys(metaRest).length > 0) out.meta = metaRest;
  } else if (meta !== undefined) {
    out.meta = meta;
  }
  return out;
}

/**
 * Validates `body` as `resourceType`; 400 for structural problems, 422 for invariants, for a
 * profile it does not conform to (those it names in `meta.profile`, and its type's when
 * `profiles.requireProfiles`) and for identifiers or references too long to key on, or always
 * `forceStatus` (a PATCH whose result is invalid is 422). Every write path stores only what
 * passed here (`ResourceService.prepare`).
 */
export function validated(resourceType: SupportedResourceType, body: unknown, forceStatus?: 422, profiles: ProfileOptions = {}): FhirResource {
  const result = validateResource(resourceType, body);
  if (!result.ok) throw new FhirError(forceStatus ?? result.status, result.issues);
  const nonConforming = profileIssues(result.resource as FhirResource, profiles);
  if (nonConforming.length > 0) throw new FhirError(422, nonConforming);
  const tooLong = keyLimitIssues(result.resource as FhirResource);
  if (tooLong.length > 0) throw new FhirError(422, tooLong);
  return result.resource as FhirResource;
}
