/**
 * AuditEvent search: `GET [base]/AuditEvent?…` (its POST `_search` form: `post-search.ts`).
 * The log is append-only and found only by searching one client's events; the search is itself
 * logged under that client.
 *
 * @see https://hl7.org/fhir/R4/auditevent.html#search
 * @see https://hl7.org/fhir/R4/http.html#search
 */
import type { Bundle, BundleLink } from 'fhir/r4.js';
import { badRequest } from '../../shared/errors.js';
import { parseAuditSearch } from '../audit/index.js';
import { CURSOR_PARAM, decodeCursor, encodeCursor } from '../paging/cursor.js';
import type { AuditPosition } from '../repository/audit-reader.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';

const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9\-.]{1,64}$/;

/** The cursor is bound to the query it pages through (every parameter but the cursor, in a fixed order). */
function cursorScope(params: URLSearchParams): string {
  const scope = new URLSearchParams([...params].filter(([name]) => name !== CURSOR_PARAM));
  scope.sort();
  return `AuditEvent?${scope.toString()}`;
}

function toPosition(state: unknown): AuditPosition {
  const value = state as Record<string, unknown> | null;
  const year = value?.year;
  const after = value?.after;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1 || year > 9999 || (after !== undefined && (typeof after !== 'string' || !SORT_KEY.test(after)))) {
    throw badRequest('The paging cursor is invalid', CURSOR_PARAM);
  }
  return after === undefined ? { year } : { year, after };
}

async function run(request: FhirRequest, context: InteractionContext, params: URLSearchParams): Promise<FhirResponse> {
  const { audit } = context.caller;
  audit.setInteraction('search-type', params.toString());
  const search = parseAuditSearch(params, context.config);
  audit.concerns(search.clientKey);
  const scope = cursorScope(params);
  const cursor = params.get(CURSOR_PARAM);
  const from = cursor === null ? undefined : toPosition(decodeCursor(context.config.cursorSecret, scope, cursor));
  const page = await context.auditLog.search(search, from);

  const url = `${request.baseUrl}/AuditEvent`;
  const link: BundleLink[] = [{ relation: 'self', url: `${url}?${params.toString()}` }];
  if (page.next) {
    const next = new URLSearchParams(params);
    next.set(CURSOR_PARAM, encodeCursor(context.config.cursorSecret, scope, page.next));
    link.push({ relation: 'next', url: `${url}?${next.toString()}` });
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link,
    // Event ids are UUIDs, and AuditEvents are not read by id: the fullUrl names them without promising a read.
    ...(page.events.length > 0 ? { entry: page.events.map((event) => ({ fullUrl: `urn:uuid:${event.id}`, resource: event, search: { mode: 'match' as const } })) } : {}),
  };
  return { status: 200, body: bundle };
}

/** `GET [base]/AuditEvent?patient:identifier=…`. */
export async function searchAuditEvents(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  return run(request, context, request.query);
}
