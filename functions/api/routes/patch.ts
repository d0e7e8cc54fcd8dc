/**
 * `PATCH [base]/[type]/[id]` with a JSON Patch document (RFC 6902): honours If-Match; the
 * result is validated like an update (an invalid result is 422).
 *
 * @see https://hl7.org/fhir/R4/http.html#patch
 */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { FhirResource } from 'fhir/r4.js';
import { compareNumber } from 'lossless-json';
import type { SupportedResourceType } from '../../../schemas/index.js';
import { badRequest, unprocessable } from '../../shared/errors.js';
import { cloneJson, isJsonNumber, jsonNumberText, type JsonNumber } from '../../shared/fhir-json.js';
import { parseVersionTag } from '../http/preconditions.js';
import { writeResponse } from './respond.js';
import { requireId, requireType } from './params.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';

const { applyOperation, getValueByPointer, validate, validator, JsonPatchError } = fastJsonPatch;

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

const isNumber = (value: unknown): value is number | JsonNumber => typeof value === 'number' || isJsonNumber(value);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** RFC 6902 equality: numbers by value (`1.0` equals `1`, also beyond a double), objects regardless of member order. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (isNumber(a) || isNumber(b)) return isNumber(a) && isNumber(b) && compareNumber(jsonNumberText(a), jsonNumberText(b)) === 0;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  if (!isRecord(a) || !isRecord(b)) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

/** The value at `pointer`, or undefined when the path does not resolve. */
function valueAt(document: unknown, pointer: string): unknown {
  try {
    return getValueByPointer(document, pointer) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Applies one operation in place. `copy` and `test` are resolved here, because fast-json-patch
 * copies through JSON.stringify (turning a decimal kept as written into an object) and compares
 * numbers by type; what they cannot do is left to it, so its errors stay the same.
 */
function applyOne(document: unknown, operation: Operation, index: number): unknown {
  if (operation.op === 'test') {
    const actual = valueAt(document, operation.path);
    if (actual !== undefined && jsonEqual(actual, operation.value)) return document;
  }
  if (operation.op === 'copy') {
    validator(operation, index, document, operation.path); // `from` must resolve
    const copy = { op: 'add', path: operation.path, value: cloneJson(getValueByPointer(document, operation.from)) } as const;
    return applyOperation(document, copy, true, true, true, index).newDocument;
  }
  return applyOperation(document, operation, true, true, true, index).newDocument;
}

function applyTo(resource: FhirResource, operations: Operation[]): unknown {
  try {
    return operations.reduce<unknown>((document, operation, index) => applyOne(document, operation, index), cloneJson(resource));
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
  return writeResponse(request, context, 200, result.version, false);
}
