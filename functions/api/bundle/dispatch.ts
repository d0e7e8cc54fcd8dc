/**
 * Runs one Bundle entry through the same FHIR interaction as the equivalent HTTP request
 * (batch entries, and the GET entries of a transaction), and turns the result into a
 * response entry.
 *
 * @see https://hl7.org/fhir/R4/bundle-definitions.html#Bundle.entry.response
 */
import type { BundleEntry, FhirResource, OperationOutcome } from 'fhir/r4.js';
import { badRequest, FhirError, methodNotAllowed } from '../../shared/errors.js';
import { ROUTES } from '../routes/registry.js';
import type { FhirRequest, FhirResponse, InteractionContext, RouteDefinition } from '../routes/types.js';
import { requireScope } from '../context/request-context.js';
import { scopeOperationOf } from '../routes/scope-of.js';
import { parseUntrustedJson } from '../http/json-shape.js';
import type { BundleEntryRequest } from './entry.js';

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** `201 Created` etc. */
export const statusText = (status: number): string => `${status} ${REASONS[status] ?? ''}`.trim();

function pathOf(entry: BundleEntryRequest): string {
  const { target } = entry;
  if (target.id === undefined) return target.history ? '/:type/_history' : '/:type';
  if (target.versionId !== undefined) return '/:type/:id/_history/:vid';
  return target.history ? '/:type/:id/_history' : '/:type/:id';
}

function routeFor(entry: BundleEntryRequest): RouteDefinition {
  const path = pathOf(entry);
  const route = ROUTES.find((candidate) => candidate.path === path && candidate.method === entry.method);
  if (!route) throw methodNotAllowed(entry.method, ROUTES.filter((candidate) => candidate.path === path).map((candidate) => candidate.method));
  return route;
}

/** The JSON Patch document carried by a PATCH entry's Binary resource. */
export function patchDocument(binary: Record<string, unknown> | undefined): unknown {
  if (binary?.contentType !== 'application/json-patch+json' || typeof binary.data !== 'string') {
    throw badRequest('A PATCH entry needs a Binary with contentType application/json-patch+json and base64 data', 'resource', 'required');
  }
  try {
    return parseUntrustedJson(Buffer.from(binary.data, 'base64').toString('utf8'), 'resource.data');
  } catch (error) {
    if (error instanceof SyntaxError) throw badRequest('The PATCH entry Binary.data is not base64-encoded JSON', 'resource.data', 'structure');
    throw error;
  }
}

/** Runs `entry` as its own interaction. */
export async function dispatchEntry(entry: BundleEntryRequest, outer: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const route = routeFor(entry);
  // The same scope check as the equivalent HTTP request; access and audit come with `context`.
  const op = scopeOperationOf(route);
  if (op) requireScope(context.caller, entry.target.resourceType, op);
  const headers: Record<string, string | undefined> = {
    'if-match': entry.ifMatch !== undefined ? `W/"${entry.ifMatch}"` : undefined,
    'if-none-exist': entry.ifNoneExist,
    'if-none-match': entry.ifNoneMatch,
    prefer: outer.header('prefer'),
  };
  const body = entry.method === 'PATCH' ? patchDocument(entry.resource) : entry.resource;
  const request: FhirRequest = {
    method: entry.method,
    resourceType: entry.target.resourceType,
    ...(entry.target.id !== undefined ? { id: entry.target.id } : {}),
    ...(entry.target.versionId !== undefined ? { versionId: entry.target.versionId } : {}),
    query: new URLSearchParams(entry.target.query ?? ''),
    header: (name) => headers[name.toLowerCase()],
    ...(body !== undefined ? { body } : {}),
    baseUrl: outer.baseUrl,
    requestId: outer.requestId,
  };
  return route.handler(request, context);
}

/** The response entry of an interaction's result. */
export function responseEntry(baseUrl: string, result: FhirResponse, method: string): BundleEntry {
  const headers = result.headers ?? {};
  const body = result.body as (FhirResource & { meta?: { lastUpdated?: string } }) | undefined;
  // Writes always say where the resulting version lives, also when a conditional create found an existing one.
  const versioned = body?.id && body.meta && 'versionId' in body.meta ? `${body.resourceType}/${body.id}/_history/${(body.meta as { versionId?: string }).versionId}` : undefined;
  const location = headers.Location?.startsWith(`${baseUrl}/`) ? headers.Location.slice(baseUrl.length + 1) : (headers.Location ?? (method !== 'GET' ? versioned : undefined));
  const lastModified = body?.meta?.lastUpdated ?? (headers['Last-Modified'] ? new Date(headers['Last-Modified']).toISOString() : undefined);
  const isOutcome = body?.resourceType === 'OperationOutcome';
  return {
    ...(body && !isOutcome ? { resource: body } : {}),
    response: {
      status: statusText(result.status),
      ...(location ? { location } : {}),
      ...(headers.ETag ? { etag: headers.ETag } : {}),
      ...(lastModified ? { lastModified } : {}),
      ...(isOutcome ? { outcome: body as OperationOutcome } : {}),
    },
  };
}

/** The response entry of a failed batch entry. */
export function failureEntry(error: FhirError): BundleEntry {
  return { response: { status: statusText(error.status), outcome: error.outcome } };
}
