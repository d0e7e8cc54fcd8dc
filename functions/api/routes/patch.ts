/**
 * `PATCH [base]/[type]/[id]` with a JSON Patch document (RFC 6902): honours If-Match; the
 * result is validated like an update (an invalid result is 422).
 *
 * @see https://hl7.org/fhir/R4/http.html#patch
 */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { FhirResource } from 'fhir/r4.js';
import type { SupportedResourceType } from '../../../schemas/index.js';
import { badRequest, unprocessable } from '../../shared/errors.js';
import { parseVersionTag } from '../http/preconditions.js';
import { writeResponse } from './respond.js';
import { requireId, requireType } from './params.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';

const { applyPatch, deepClone, validate, JsonPatchError } = fastJsonPatch;

/** Errors that mean the patch document itself is malformed (400), not inapplicable (422). */
const DOCUMENT_ERRORS = new Set([
  'SEQUENCE_NOT_AN_ARRAY',
  'OPERATION_NOT_AN_OBJECT',
  'OPERATION_OP_INVALID',
  'OPERATION_PATH_INVALID',
  'OPERATION_FROM_REQUIRED',
  'OPERATION_VALUE_REQUIRED',
  'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED',
]);

/** Checks the document's shape before anything is read. */
export function assertPatchDocument(body: unknown): asserts body is Operation[] {
  if (!Array.isArray(body)) throw badRequest('A JSON Patch document must be an array of operations', 'body', 'structure');
  const error = validate(body as Operation[]);
  if (error) throw badRequest(`Invalid JSON Patch operation ${error.index ?? ''}: ${error.message.split('\n')[0]}`, `[${error.index ?? 0}]`, 'structure');
}

function applyTo(resource: FhirResource, operations: Operation[]): unknown {
  try {
    return applyPatch(deepClone(resource), operations, true, true).newDocument;
  } catch (error) {
    if (error instanceof JsonPatchError) {
      if (DOCUMENT_ERRORS.has(error.name)) throw badRequest(`Invalid JSON Patch operation ${error.index ?? ''}: ${error.message.split('\n')[0]}`, `[${error.index ?? 0}]`, 'structure');
      throw unprocessable(`JSON Patch operation ${error.index ?? ''} cannot be applied: ${error.message.split('\n')[0]}`, `[${error.index ?? 0}]`, 'processing');
    }
    // fast-json-patch walks into a document an earlier operation made null or a string.
    if (error instanceof TypeError) throw unprocessable('The JSON Patch cannot be applied: an operation addresses a document that is no longer an object', 'body', 'processing');
    throw error;
  }
}

/** The result of applying `operations` to `current`, still to be validated (400/422 on failure). */
export function patchedResource(resourceType: SupportedResourceType, id: string, current: FhirResource, operations: Operation[]): Record<string, unknown> {
  const patched = applyTo(current, operations) as Record<string, unknown> | null;
  if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) throw unprocessable('The patch must leave a resource object', 'body');
  if (patched.resourceType !== resourceType || patched.id !== id) {
    throw unprocessable('A patch must not change resourceType or id', `${resourceType}.id`);
  }
  return patched;
}

/** `PATCH [base]/[type]/[id]`. */
export async function patch(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const resourceType = requireType(request);
  const id = requireId(request);
  assertPatchDocument(request.body);
  const operations = request.body;
  const ifMatch = parseVersionTag(request.header('if-match'));
  const result = await context.resources.modify(resourceType, id, ifMatch, (current) => patchedResource(resourceType, id, current, operations));
  return writeResponse(request, 200, result.version, false);
}
