/**
 * Response builders shared by the interactions: headers derived from the version, and the
 * `Prefer: return=` choice of body.
 *
 * @see https://hl7.org/fhir/R4/http.html#ops
 */
import { allOk } from '../../shared/operation-outcome.js';
import { etag, httpDate } from '../http/preconditions.js';
import { preferReturn } from '../http/prefer.js';
import type { StoredVersion } from '../repository/index.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';

/** `ETag` and `Last-Modified` of a version. */
export function versionHeaders(version: StoredVersion): Record<string, string> {
  return { ETag: etag(version.versionId), 'Last-Modified': httpDate(version.lastUpdated) };
}

/** `[base]/[type]/[id]/_history/[vid]`. */
export function versionUrl(baseUrl: string, version: StoredVersion): string {
  return `${baseUrl}/${version.resourceType}/${version.id}/_history/${version.versionId}`;
}

/** The response to a successful write, honouring `Prefer: return=…`; the body is the caller's view of the version. */
export function writeResponse(request: FhirRequest, context: InteractionContext, status: number, version: StoredVersion, withLocation: boolean): FhirResponse {
  const headers: Record<string, string> = { ...versionHeaders(version) };
  if (withLocation) headers.Location = versionUrl(request.baseUrl, version);
  switch (preferReturn(request.header('prefer'))) {
    case 'minimal':
      return { status, headers };
    case 'OperationOutcome':
      return { status, headers, body: allOk(`${version.resourceType}/${version.id} version ${version.versionId} stored`) };
    default:
      return { status, headers, body: context.caller.access.view(version) };
  }
}
