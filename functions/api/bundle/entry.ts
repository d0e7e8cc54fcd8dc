/**
 * The entries of a transaction or batch Bundle, checked for structure: every problem names
 * the entry (`Bundle.entry[i]`) and its fullUrl.
 *
 * @see https://hl7.org/fhir/R4/http.html#transaction
 */
import { SUPPORTED_RESOURCE_TYPES, type SupportedResourceType } from '../../../schemas/index.js';
import { FhirError, badRequest } from '../../shared/errors.js';
import type { Issue } from '../../shared/operation-outcome.js';
import { ID_PATTERN, VERSION_ID_PATTERN } from '../../shared/ids.js';
import { parseVersionTag } from '../http/preconditions.js';
import { isSupportedType } from '../search/parse/registry.js';
import { isObject } from '../services/validation.js';
import type { HttpMethod } from '../routes/types.js';

/** Most entries a Bundle may have; a transaction is further bounded by DynamoDB's 100 actions. */
export const MAX_ENTRIES = 100;

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Where an entry's request goes. */
export interface EntryTarget {
  readonly resourceType: SupportedResourceType;
  readonly id?: string;
  readonly versionId?: number;
  readonly history?: boolean;
  /** Search or conditional criteria (after `?`). */
  readonly query?: string;
}

/** One checked entry. */
export interface BundleEntryRequest {
  readonly index: number;
  readonly fullUrl?: string;
  readonly method: HttpMethod;
  readonly url: string;
  readonly target: EntryTarget;
  readonly resource?: Record<string, unknown>;
  readonly ifMatch?: number;
  readonly ifNoneExist?: string;
  readonly ifNoneMatch?: string;
}

/** A FhirError about entry `index`: diagnostics prefixed, `Bundle.entry[i]` first in expression. */
export function entryError(entry: { readonly index: number; readonly fullUrl?: string }, error: FhirError): FhirError {
  const where = `Bundle.entry[${entry.index}]`;
  const label = `${where}${entry.fullUrl ? ` (${entry.fullUrl})` : ''}`;
  const issues: Issue[] = error.issues.map((issue) => ({
    ...issue,
    diagnostics: `${label}: ${issue.diagnostics}`,
    expression: [where, ...(issue.expression ?? [])],
  }));
  return new FhirError(error.status, issues, { cause: error, headers: error.headers });
}


/** Parses `request.url` (relative to the base, or absolute on it). */
export function parseEntryUrl(url: string, baseUrl: string): EntryTarget {
  let relative = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length + 1) : url.replace(/^\//, '');
  const q = relative.indexOf('?');
  const query = q >= 0 ? relative.slice(q + 1) : undefined;
  relative = q >= 0 ? relative.slice(0, q) : relative;
  const [type, id, history, vid, ...rest] = relative.split('/');
  if (!type || !isSupportedType(type)) throw badRequest(`request.url '${url}' does not name a supported resource type (${SUPPORTED_RESOURCE_TYPES.join(', ')})`, 'request.url');
  if (rest.length > 0 || (history !== undefined && history !== '_history')) throw badRequest(`request.url '${url}' is not a supported FHIR path`, 'request.url');
  if (id !== undefined && !ID_PATTERN.test(id)) throw badRequest(`request.url '${url}': '${id}' is not a valid id`, 'request.url');
  if (vid !== undefined && !VERSION_ID_PATTERN.test(vid)) throw badRequest(`request.url '${url}': '${vid}' is not a valid version id`, 'request.url');
  return {
    resourceType: type as SupportedResourceType,
    ...(id !== undefined ? { id } : {}),
    ...(history !== undefined ? { history: true } : {}),
    ...(vid !== undefined ? { versionId: Number(vid) } : {}),
    ...(query !== undefined ? { query } : {}),
  };
}

function parseEntry(raw: unknown, index: number, baseUrl: string): BundleEntryRequest {
  const fullUrl = isObject(raw) && typeof raw.fullUrl === 'string' ? raw.fullUrl : undefined;
  const at = { index, ...(fullUrl ? { fullUrl } : {}) };
  try {
    if (!isObject(raw)) throw badRequest('An entry must be an object', undefined, 'structure');
    const request = raw.request;
    if (!isObject(request)) throw badRequest('The entry has no request (method and url are required)', 'request', 'required');
    const method = typeof request.method === 'string' ? request.method.toUpperCase() : '';
    if (!METHODS.has(method)) throw badRequest(`Method '${String(request.method)}' is not supported in a Bundle; use GET, POST, PUT, PATCH or DELETE`, 'request.method', 'not-supported');
    if (typeof request.url !== 'string' || request.url === '') throw badRequest('The entry request has no url', 'request.url', 'required');
    const target = parseEntryUrl(request.url, baseUrl);
    const resource = raw.resource;
    if (resource !== undefined && !isObject(resource)) throw badRequest('The entry resource must be an object', 'resource', 'structure');
    if (resource?.resourceType === 'Bundle') throw badRequest('A Bundle cannot contain another Bundle', 'resource', 'not-supported');
    if (method === 'POST' || method === 'PUT') {
      if (!resource) throw badRequest(`A ${method} entry needs a resource`, 'resource', 'required');
      if (resource.resourceType !== target.resourceType) {
        throw badRequest(`The entry resource is a ${String(resource.resourceType)} but request.url names ${target.resourceType}`, 'resource.resourceType');
      }
    }
    if (method === 'PATCH' && resource?.resourceType !== 'Binary') {
      throw badRequest('A PATCH entry needs a Binary resource with contentType application/json-patch+json', 'resource', 'required');
    }
    const ifMatch = typeof request.ifMatch === 'string' ? parseVersionTag(request.ifMatch, 'request.ifMatch') : undefined;
    return {
      ...at,
      method: method as HttpMethod,
      url: request.url,
      target,
      ...(resource ? { resource } : {}),
      ...(ifMatch !== undefined ? { ifMatch } : {}),
      ...(typeof request.ifNoneExist === 'string' ? { ifNoneExist: request.ifNoneExist.replace(/^\?/, '') } : {}),
      ...(typeof request.ifNoneMatch === 'string' ? { ifNoneMatch: request.ifNoneMatch } : {}),
    };
  } catch (error) {
    throw error instanceof FhirError ? entryError(at, error) : error;
  }
}

/** A batch entry that could not be understood: reported in its own response entry. */
export interface InvalidEntry {
  readonly index: number;
  readonly error: FhirError;
}

/** The checked Bundle: a transaction fails on any bad entry, a batch reports each on its own. */
export type ParsedBundle =
  | { readonly type: 'transaction'; readonly entries: readonly BundleEntryRequest[] }
  | { readonly type: 'batch'; readonly entries: readonly (BundleEntryRequest | InvalidEntry)[] };

/** Checks the Bundle and returns its type and entries. */
export function parseBundle(body: unknown, baseUrl: string): ParsedBundle {
  if (!isObject(body) || body.resourceType !== 'Bundle') throw badRequest('POST to the base expects a Bundle of type transaction or batch', 'Bundle', 'structure');
  if (body.type !== 'transaction' && body.type !== 'batch') {
    throw badRequest(`Bundle.type '${String(body.type)}' is not supported here; use transaction or batch`, 'Bundle.type', 'not-supported');
  }
  const raw = body.entry === undefined ? [] : body.entry;
  if (!Array.isArray(raw)) throw badRequest('Bundle.entry must be an array', 'Bundle.entry', 'structure');
  if (raw.length > MAX_ENTRIES) throw new FhirError(413, [{ code: 'too-costly', diagnostics: `A Bundle may have at most ${MAX_ENTRIES} entries; this one has ${raw.length}`, expression: ['Bundle.entry'] }]);
  if (body.type === 'transaction') return { type: 'transaction', entries: raw.map((entry, index) => parseEntry(entry, index, baseUrl)) };
  return {
    type: 'batch',
    entries: raw.map((entry, index) => {
      try {
        return parseEntry(entry, index, baseUrl);
      } catch (error) {
        if (error instanceof FhirError) return { index, error };
        throw error;
      }
    }),
  };
}
