/**
 * Instance- and type-level CRUD interactions: create, read, vread, update, delete.
 *
 * @see https://hl7.org/fhir/R4/http.html
 */
import { parseVersionTag } from '../http/preconditions.js';
import { versionHeaders, writeResponse } from './respond.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';
import { requireId, requireType, requireVersionId } from './params.js';

/** `POST [base]/[type]` → 201 with Location, ETag, Last-Modified. */
export async function create(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const version = await context.resources.create(requireType(request), request.body);
  return writeResponse(request, context, 201, version, true);
}

/** `GET [base]/[type]/[id]` → 200, 404, 410; `If-None-Match` with the current ETag → 304. */
export async function read(request: FhirRequest, { resources, caller }: InteractionContext): Promise<FhirResponse> {
  const version = await resources.read(requireType(request), requireId(request));
  const ifNoneMatch = request.header('if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*' && parseVersionTag(ifNoneMatch, 'If-None-Match') === version.versionId) {
    return { status: 304, headers: versionHeaders(version) };
  }
  return { status: 200, headers: versionHeaders(version), body: caller.access.view(version) };
}

/** `GET [base]/[type]/[id]/_history/[vid]`. */
export async function vread(request: FhirRequest, { resources, caller }: InteractionContext): Promise<FhirResponse> {
  const version = await resources.vread(requireType(request), requireId(request), requireVersionId(request));
  return { status: 200, headers: versionHeaders(version), body: caller.access.view(version) };
}

/** `PUT [base]/[type]/[id]` → 200 updated, 201 created; honours `If-Match`. */
export async function update(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const ifMatch = parseVersionTag(request.header('if-match'));
  const result = await context.resources.update(requireType(request), requireId(request), request.body, ifMatch);
  return writeResponse(request, context, result.created ? 201 : 200, result.version, result.created);
}

/** `DELETE [base]/[type]/[id]` → 204; repeating it is harmless; honours `If-Match`. */
export async function remove(request: FhirRequest, { resources }: InteractionContext): Promise<FhirResponse> {
  const ifMatch = parseVersionTag(request.header('if-match'));
  const result = await resources.delete(requireType(request), requireId(request), ifMatch);
  return { status: 204, headers: { ETag: `W/"${result.version.versionId}"` } };
}
