/**
 * Instance history: `GET [base]/[type]/[id]/_history` — every version, newest first,
 * deletions included, with `_count`, `_since` and opaque `next` links.
 *
 * @see https://hl7.org/fhir/R4/http.html#history
 */
import type { Bundle, BundleEntry, BundleLink } from 'fhir/r4.js';
import { badRequest } from '../../shared/errors.js';
import { parseInstantParam } from '../http/instant.js';
import { etag } from '../http/preconditions.js';
import { CURSOR_PARAM, decodeCursor, encodeCursor } from '../paging/cursor.js';
import { pageSize } from '../paging/page-size.js';
import type { StoredVersion } from '../repository/index.js';
import type { AccessGuard } from '../services/access-guard.js';
import { requireId, requireType } from './params.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';

const HISTORY_PARAMS = new Set(['_count', '_since', CURSOR_PARAM, '_format']);

const STATUS_TEXT: Record<StoredVersion['method'], string> = {
  POST: '201 Created',
  PUT: '200 OK',
  PATCH: '200 OK',
  DELETE: '204 No Content',
};

/** One history entry: the caller's view of the version (absent for a deletion), its request and response. */
export function historyEntry(baseUrl: string, version: StoredVersion, access: Pick<AccessGuard, 'view'>): BundleEntry {
  const instanceUrl = `${version.resourceType}/${version.id}`;
  // A PUT that created version 1 (update-as-create) is reported as a creation.
  const status = version.versionId === 1 && version.method === 'PUT' ? '201 Created' : STATUS_TEXT[version.method];
  return {
    fullUrl: `${baseUrl}/${instanceUrl}`,
    ...(version.resource ? { resource: access.view(version) } : {}),
    request: { method: version.method, url: version.method === 'POST' ? version.resourceType : instanceUrl },
    response: { status, etag: etag(version.versionId), lastModified: version.lastUpdated },
  };
}

/** Rejects parameters this history interaction does not understand. */
export function assertKnownParams(query: URLSearchParams, known: ReadonlySet<string>): void {
  const unknown = [...new Set(query.keys())].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw badRequest(`Unknown or unsupported parameter(s): ${unknown.join(', ')}; supported: ${[...known].join(', ')}`, unknown);
  }
}

/** `GET [base]/[type]/[id]/_history`. */
export async function instanceHistory(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const resourceType = requireType(request);
  const id = requireId(request);
  const { query, baseUrl } = request;
  assertKnownParams(query, HISTORY_PARAMS);
  const count = pageSize(query.get('_count'), context.config);
  const sinceRaw = query.get('_since');
  const since = sinceRaw === null ? undefined : parseInstantParam('_since', sinceRaw);
  const scope = `history|${resourceType}/${id}|${since ?? ''}|${count}`;
  const cursorRaw = query.get(CURSOR_PARAM);
  const below = cursorRaw === null ? undefined : belowFromCursor(decodeCursor(context.config.cursorSecret, scope, cursorRaw));

  const options = { count, ...(below !== undefined ? { belowVersionId: below } : {}), ...(since ? { since } : {}) };
  const [current, page] = await Promise.all([
    context.resources.currentOrNotFound(resourceType, id),
    count === 0 ? Promise.resolve({ versions: [], nextBelowVersionId: undefined }) : context.resources.history(resourceType, id, options),
  ]);

  const selfUrl = `${baseUrl}/${resourceType}/${id}/_history?${query.toString()}`;
  const link: BundleLink[] = [{ relation: 'self', url: selfUrl }];
  if (page.nextBelowVersionId !== undefined) {
    const next = new URLSearchParams(query);
    next.set(CURSOR_PARAM, encodeCursor(context.config.cursorSecret, scope, { below: page.nextBelowVersionId }));
    link.push({ relation: 'next', url: `${baseUrl}/${resourceType}/${id}/_history?${next.toString()}` });
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    // Versions are numbered 1..n without gaps, so the current version id is the total (unless some are hidden from the caller).
    ...(since === undefined && !('hidden' in page && page.hidden > 0) ? { total: current.versionId } : {}),
    link,
    ...(page.versions.length > 0 ? { entry: page.versions.map((version) => historyEntry(baseUrl, version, context.caller.access)) } : {}),
  };
  return { status: 200, body: bundle };
}

function belowFromCursor(state: unknown): number {
  const below = (state as { below?: unknown } | null)?.below;
  if (typeof below !== 'number' || !Number.isInteger(below) || below < 1) {
    throw badRequest('The paging cursor is invalid', CURSOR_PARAM);
  }
  return below;
}
