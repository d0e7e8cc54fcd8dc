/**
 * Conditional interactions: create with `If-None-Exist`, `PUT [type]?…`, `DELETE [type]?…`.
 * Matches are found by the same search path (and access decision) as a normal search.
 * Identifiers are unique per type in DynamoDB, so two concurrent conditional creates for the
 * same identifier can never both create: the loser sees the winner and answers 200.
 *
 * @see https://hl7.org/fhir/R4/http.html#ccreate
 */
import { allOk } from '../../shared/operation-outcome.js';
import { badRequest, FhirError, preconditionFailed } from '../../shared/errors.js';
import { requireScope } from '../context/request-context.js';
import { parseVersionTag } from '../http/preconditions.js';
import { isObject } from '../services/validation.js';
import { writeResponse } from './respond.js';
import { requireType } from './params.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';

function criteriaOf(request: FhirRequest): string {
  const query = request.query.toString();
  if (query === '') throw badRequest('A conditional update or delete needs search parameters in the URL', 'url');
  return query;
}

/** A conditional interaction searches the type first, so it needs the token's search scope as well. */
function requireSearchScope(context: InteractionContext, resourceType: string): void {
  requireScope(context.caller, resourceType, 's');
}

function multiple(what: string): FhirError {
  return preconditionFailed(`More than one resource matches the ${what} criteria; make them more selective`, 'multiple-matches');
}

/** `POST [base]/[type]`, with or without `If-None-Exist`. */
export async function createMaybeConditional(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const resourceType = requireType(request);
  const condition = request.header('if-none-exist');
  if (condition === undefined) return writeResponse(request, context, 201, await context.resources.create(resourceType, request.body), true);
  requireSearchScope(context, resourceType);
  const existing = async (): Promise<FhirResponse | undefined> => {
    const matches = await context.search.matchesOf(resourceType, condition.replace(/^\?/, ''), request.baseUrl);
    if (matches.length > 1) throw multiple('If-None-Exist');
    return matches[0] ? writeResponse(request, context, 200, matches[0], false) : undefined;
  };
  const found = await existing();
  if (found) return found;
  try {
    return writeResponse(request, context, 201, await context.resources.create(resourceType, request.body), true);
  } catch (error) {
    // Lost a race on a unique identifier: the winner is now the one match.
    if (error instanceof FhirError && error.issues[0]?.code === 'duplicate') return (await existing()) ?? Promise.reject(error);
    throw error;
  }
}

/**
 * `PUT [base]/[type]?…`: 0 matches → create (with the body id only if no resource has it, else
 * 409), 1 → update it, more → 412.
 */
export async function conditionalUpdate(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const resourceType = requireType(request);
  requireSearchScope(context, resourceType);
  const matches = await context.search.matchesOf(resourceType, criteriaOf(request), request.baseUrl);
  if (matches.length > 1) throw multiple('conditional update');
  const body = isObject(request.body) ? request.body : undefined;
  const bodyId = body?.id;
  const match = matches[0];
  if (!match) {
    if (bodyId === undefined) return writeResponse(request, context, 201, await context.resources.create(resourceType, request.body), true);
    if (typeof bodyId !== 'string') throw badRequest('Resource id must be a string', `${resourceType}.id`);
    // R5 rule: the body id is used only if no resource has it; never overwrites one that did not match.
    return writeResponse(request, context, 201, await context.resources.createWithClientId(resourceType, bodyId, request.body), true);
  }
  if (bodyId !== undefined && bodyId !== match.id) {
    throw badRequest(`Resource id '${String(bodyId)}' differs from the id '${match.id}' of the resource matching the criteria`, `${resourceType}.id`);
  }
  const ifMatch = parseVersionTag(request.header('if-match'));
  const result = await context.resources.update(resourceType, match.id, { ...body, id: match.id }, ifMatch);
  return writeResponse(request, context, result.created ? 201 : 200, result.version, result.created);
}

/** `DELETE [base]/[type]?…`: one match is deleted; none → 200 with a note; several → 412. */
export async function conditionalDelete(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const resourceType = requireType(request);
  requireSearchScope(context, resourceType);
  const ifMatch = parseVersionTag(request.header('if-match'));
  const matches = await context.search.matchesOf(resourceType, criteriaOf(request), request.baseUrl);
  if (matches.length > 1) throw multiple('conditional delete');
  const match = matches[0];
  if (!match) return { status: 200, body: allOk(`No ${resourceType} matches the criteria; nothing was deleted`) };
  const result = await context.resources.delete(resourceType, match.id, ifMatch);
  return { status: 204, headers: { ETag: `W/"${result.version.versionId}"` } };
}
