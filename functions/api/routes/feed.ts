/**
 * The change feed: type-level `GET [base]/[type]/_history` and system-level
 * `GET [base]/_history`, newest first, deletions included, with `_since`, `_count` and
 * opaque `next` links. Ordering: by lastUpdated, then type name (and lane and number within a
 * type: see `repository/feed-reader.ts`).
 *
 * @see https://hl7.org/fhir/R4/http.html#history
 */
import type { Bundle, BundleLink } from 'fhir/r4.js';
import { SUPPORTED_RESOURCE_TYPES } from '../../../schemas/index.js';
import { badRequest } from '../../shared/errors.js';
import { parseInstantParam } from '../http/instant.js';
import { CURSOR_PARAM, decodeCursor, encodeCursor } from '../paging/cursor.js';
import { pageSize } from '../paging/page-size.js';
import { feedPositionOf, type FeedPosition } from '../repository/feed-reader.js';
import { forbiddenScope, scopeAllows } from '../auth/index.js';
import { assertKnownParams, historyEntry } from './history.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';

const FEED_PARAMS = new Set(['_count', '_since', CURSOR_PARAM]);

function toPosition(state: unknown, types: readonly string[]): FeedPosition {
  const position = feedPositionOf(state, types);
  if (!position) throw badRequest('The paging cursor is invalid', CURSOR_PARAM);
  return position;
}

async function feed(request: FhirRequest, context: InteractionContext, types: readonly string[], path: string): Promise<FhirResponse> {
  const { query, baseUrl } = request;
  assertKnownParams(query, FEED_PARAMS);
  const count = pageSize(query.get('_count'), context.config);
  const sinceRaw = query.get('_since');
  const since = sinceRaw === null ? undefined : parseInstantParam('_since', sinceRaw);
  const scope = `feed|${path}|${types.join(',')}|${since ?? ''}|${count}`;
  const cursor = query.get(CURSOR_PARAM);
  const position = cursor === null ? undefined : toPosition(decodeCursor(context.config.cursorSecret, scope, cursor), types);
  const page = await context.feed.read(types, { count, ...(since ? { since } : {}), ...(position ? { position } : {}) });
  // Each version is judged on its own custodian and client (a deletion keeps its predecessor's).
  const readable = await context.caller.access.readable(page.versions);
  const versions = page.versions.filter((_, n) => readable[n]);
  context.caller.access.disclosed(versions);
  const link: BundleLink[] = [{ relation: 'self', url: `${baseUrl}${path}?${query.toString()}` }];
  if (page.next && count > 0) {
    const next = new URLSearchParams(query);
    next.set(CURSOR_PARAM, encodeCursor(context.config.cursorSecret, scope, page.next));
    link.push({ relation: 'next', url: `${baseUrl}${path}?${next.toString()}` });
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    link,
    ...(versions.length > 0 ? { entry: versions.map((version) => historyEntry(baseUrl, version, context.caller.access)) } : {}),
  };
  return { status: 200, body: bundle };
}

/** `GET [base]/[type]/_history`. */
export async function typeHistory(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const type = request.resourceType!;
  return feed(request, context, [type], `/${type}/_history`);
}

/** `GET [base]/_history`: the types the caller may read (SMART `r` scope), merged. */
export async function systemHistory(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const types = SUPPORTED_RESOURCE_TYPES.filter((type) => scopeAllows(context.caller.principal.scopes, type, 'r'));
  if (types.length === 0) throw forbiddenScope('*', 'r');
  return feed(request, context, types, '/_history');
}
