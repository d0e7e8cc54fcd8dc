/**
 * Type-level search: `GET [base]/[type]?…` (its POST `_search` form: `post-search.ts`).
 * Both go through the same parse → plan → execute path and give the same Bundle.
 *
 * @see https://hl7.org/fhir/R4/http.html#search
 */
import type { Bundle, BundleEntry, BundleLink } from 'fhir/r4.js';
import { operationOutcome } from '../../shared/operation-outcome.js';
import { preferLenient } from '../http/prefer.js';
import { CURSOR_PARAM } from '../paging/cursor.js';
import { subset } from '../search/execute/index.js';
import type { AccessGuard } from '../services/access-guard.js';
import type { SearchResult } from '../services/search-service.js';
import { requireType } from './params.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';

function searchBundle(baseUrl: string, resourceType: string, params: URLSearchParams, result: SearchResult, access: Pick<AccessGuard, 'view'>): Bundle {
  const { request } = result;
  const selfParams = new URLSearchParams(params);
  const link: BundleLink[] = [{ relation: 'self', url: `${baseUrl}/${resourceType}?${selfParams.toString()}` }];
  if (result.nextCursor) {
    const next = new URLSearchParams(params);
    next.set(CURSOR_PARAM, result.nextCursor);
    link.push({ relation: 'next', url: `${baseUrl}/${resourceType}?${next.toString()}` });
  }
  const entry: BundleEntry[] = [
    ...result.matches.map(
      (version): BundleEntry => ({
        fullUrl: `${baseUrl}/${version.resourceType}/${version.id}`,
        resource: subset(access.view(version)!, request),
        search: { mode: 'match' },
      }),
    ),
    ...result.includes.map(
      (version): BundleEntry => ({
        fullUrl: `${baseUrl}/${version.resourceType}/${version.id}`,
        resource: access.view(version)!,
        search: { mode: 'include' },
      }),
    ),
  ];
  if (request.ignored.length > 0) {
    entry.push({
      resource: operationOutcome(
        request.ignored.map((ignored) => ({
          severity: 'warning',
          code: 'not-supported',
          diagnostics: `Parameter '${ignored.name}' was ignored: ${ignored.reason}`,
          expression: [ignored.name],
        })),
      ),
      search: { mode: 'outcome' },
    });
  }
  // Total whenever it is known exactly (always for _total=accurate and _summary=count), unless _total=none.
  const showTotal = params.get('_total') !== 'none' && (result.total !== undefined || request.summary === 'count');
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(showTotal ? { total: result.total ?? 0 } : {}),
    link,
    ...(entry.length > 0 ? { entry } : {}),
  };
}

async function run(request: FhirRequest, context: InteractionContext, params: URLSearchParams): Promise<FhirResponse> {
  const resourceType = requireType(request);
  const result = await context.search.search(resourceType, params, preferLenient(request.header('prefer')), request.baseUrl);
  return { status: 200, body: searchBundle(request.baseUrl, resourceType, params, result, context.caller.access) };
}

/** `GET [base]/[type]?…`. */
export async function searchType(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  return run(request, context, request.query);
}
