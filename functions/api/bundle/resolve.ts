/**
 * The first phase of a transaction: which resource each entry changes (ids assigned, conditional
 * targets matched, the same resource never twice), and references rewritten — `urn:uuid:`
 * fullUrls to assigned ids, conditional references to their one match.
 *
 * @see https://hl7.org/fhir/R4/http.html#trules
 */
import { FhirError, badRequest, preconditionFailed } from '../../shared/errors.js';
import type { StoredVersion, ResourceWrite } from '../repository/index.js';
import type { FhirRequest, InteractionContext } from '../routes/types.js';
import { isSupportedType } from '../search/parse/registry.js';
import { requireScope } from '../context/request-context.js';
import { patchDocument } from './dispatch.js';
import { entryError, type BundleEntryRequest } from './entry.js';
import { isConditionalReference, isPlaceholder, mapReferences, referencesIn } from './references.js';

/** What an entry resolved to before planning. */
export interface Resolved {
  readonly entry: BundleEntryRequest;
  /** The resource the entry writes (references rewritten), if any. */
  readonly resource?: Record<string, unknown>;
  /** A PATCH entry's JSON Patch operations (references rewritten). */
  readonly operations?: unknown;
  /** Target id (assigned for POST, matched for conditional PUT/DELETE). */
  readonly id?: string;
  /** A conditional PUT that matched nothing, writing to its body id: only if no resource has that id (409 otherwise). */
  readonly createOnly?: true;
  /** POST with a matching If-None-Exist, or conditional DELETE without match: nothing to write. */
  readonly existing?: StoredVersion | 'none';
}

/** An entry's planned outcome. */
export interface Planned {
  readonly status: number;
  readonly version?: StoredVersion;
  readonly write?: ResourceWrite;
}

export function wrap<T>(entry: BundleEntryRequest, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw error instanceof FhirError ? entryError(entry, error) : error;
  }
}

export async function wrapAsync<T>(entry: BundleEntryRequest, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof FhirError ? entryError(entry, error) : error;
  }
}

/**
 * A transaction may change a resource only once, and a fullUrl names one entry: checked after
 * conditional URLs are resolved, so `PUT Goal/x` and `DELETE Goal?identifier=…` matching x clash.
 */
export function assertDistinctTargets(resolved: ReadonlyMap<number, Resolved>): void {
  const seen = new Map<string, number>();
  const claim = (entry: BundleEntryRequest, key: string): void => {
    const first = seen.get(key);
    if (first !== undefined) throw entryError(entry, badRequest(`${key} is already the subject of Bundle.entry[${first}]; a transaction may change a resource only once`, undefined, 'duplicate'));
    seen.set(key, entry.index);
  };
  for (const { entry, id, existing } of resolved.values()) {
    if (entry.method === 'GET') continue;
    if (entry.fullUrl) claim(entry, entry.fullUrl);
    if (id !== undefined && existing === undefined) claim(entry, `${entry.target.resourceType}/${id}`);
  }
}

/** Assigns ids and resolves conditional targets (If-None-Exist, PUT/DELETE `Type?…`). */
export async function resolveTargets(entries: readonly BundleEntryRequest[], outer: FhirRequest, context: InteractionContext): Promise<Map<number, Resolved>> {
  const resolved = new Map<number, Resolved>();
  for (const entry of entries) {
    const { resourceType, id, query } = entry.target;
    await wrapAsync(entry, async () => {
      if (entry.method === 'POST') {
        if (entry.ifNoneExist !== undefined) {
          const matches = await context.search.matchesOf(resourceType, entry.ifNoneExist, outer.baseUrl);
          if (matches.length > 1) throw preconditionFailed('More than one resource matches ifNoneExist', 'multiple-matches');
          if (matches[0]) return void resolved.set(entry.index, { entry, id: matches[0].id, existing: matches[0] });
        }
        resolved.set(entry.index, { entry, id: context.resources.assignId() });
      } else if ((entry.method === 'PUT' || entry.method === 'DELETE') && id === undefined) {
        if (query === undefined) throw badRequest(`${entry.method} needs an id or search criteria in request.url`, 'request.url');
        const matches = await context.search.matchesOf(resourceType, query, outer.baseUrl);
        if (matches.length > 1) throw preconditionFailed('More than one resource matches the conditional criteria', 'multiple-matches');
        const bodyId = entry.resource?.id;
        if (matches[0]) resolved.set(entry.index, { entry, id: matches[0].id });
        else if (entry.method === 'DELETE') resolved.set(entry.index, { entry, existing: 'none' });
        else if (typeof bodyId === 'string') resolved.set(entry.index, { entry, id: bodyId, createOnly: true });
        else resolved.set(entry.index, { entry, id: context.resources.assignId() });
      } else {
        resolved.set(entry.index, { entry, ...(id !== undefined ? { id } : {}) });
      }
    });
  }
  return resolved;
}

/** Rewrites `urn:uuid:` and conditional references in every written resource. */
export async function rewriteReferences(resolved: Map<number, Resolved>, outer: FhirRequest, context: InteractionContext): Promise<void> {
  const placeholders = new Map<string, string>();
  for (const { entry, id } of resolved.values()) {
    if (entry.fullUrl && id && (entry.method === 'POST' || entry.method === 'PUT')) placeholders.set(entry.fullUrl, `${entry.target.resourceType}/${id}`);
  }
  const conditional = new Map<string, string>();
  // What each entry writes: its resource, or a PATCH entry's decoded operations (decoded once).
  const contents = new Map<number, unknown>();
  for (const [index, item] of resolved) {
    const content = item.entry.method === 'PATCH' ? wrap(item.entry, () => patchDocument(item.entry.resource)) : item.entry.resource;
    if (content !== undefined) contents.set(index, content);
  }
  for (const [index, content] of contents) {
    const item = resolved.get(index)!;
    for (const reference of referencesIn(content)) {
      if (isPlaceholder(reference) && !placeholders.has(reference)) {
        throw entryError(item.entry, badRequest(`Reference ${reference} does not match the fullUrl of any entry in the Bundle`, undefined, 'not-found'));
      }
      if (isConditionalReference(reference) && !conditional.has(reference)) {
        const [type = '', criteria = ''] = reference.split('?', 2);
        const matches = await wrapAsync(item.entry, async () => {
          if (!isSupportedType(type)) throw badRequest(`Conditional reference ${reference} names an unsupported type`);
          // Resolving it is a search of its type: the token's search scope is needed.
          requireScope(context.caller, type, 's');
          return context.search.matchesOf(type, criteria, outer.baseUrl);
        });
        if (matches.length !== 1) {
          throw entryError(item.entry, preconditionFailed(`Conditional reference ${reference} matches ${matches.length === 0 ? 'no resource' : 'more than one resource'}`, matches.length === 0 ? 'not-found' : 'multiple-matches'));
        }
        conditional.set(reference, `${type}/${matches[0]!.id}`);
      }
    }
  }
  for (const [index, content] of contents) {
    const item = resolved.get(index)!;
    const rewritten = mapReferences(content, (reference) => placeholders.get(reference) ?? conditional.get(reference));
    resolved.set(index, item.entry.method === 'PATCH' ? { ...item, operations: rewritten } : { ...item, resource: rewritten as Record<string, unknown> });
  }
}

