/**
 * Search as a service: parse, plan, execute with the access decision, include. Routes and
 * conditional interactions both use it, so every path applies the same filtering.
 *
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { SupportedResourceType } from '../../../schemas/index.js';
import type { ApiConfig } from '../../shared/config.js';
import { badRequest } from '../../shared/errors.js';
import { decodeCursor, encodeCursor, CURSOR_PARAM } from '../paging/cursor.js';
import type { StoredVersion } from '../repository/index.js';
import type { SearchStore } from '../repository/search-store.js';
import { isEmergency } from '../access/index.js';
import { forbiddenScope, scopeAllows } from '../auth/index.js';
import { CareTeamLookup, ExaminedBudget, executeSearch, resolveIncludes, type SearchCaller, type SearchPosition } from '../search/execute/index.js';
import type { AccessGuard } from './access-guard.js';
import { parseSearchRequest } from '../search/parse/index.js';
import type { SearchRequest } from '../search/types.js';

/** The result of one search page. */
export interface SearchResult {
  readonly request: SearchRequest;
  readonly matches: readonly StoredVersion[];
  readonly includes: readonly StoredVersion[];
  readonly total?: number;
  /** Opaque cursor of the next page. */
  readonly nextCursor?: string;
}

/**
 * A reference search value that is an absolute URL on this server's own base means the local
 * `Type/id`; any other absolute URL names a resource elsewhere and is matched as a URL only.
 */
function localized(request: SearchRequest, baseUrl: string | undefined): SearchRequest {
  if (!baseUrl) return request;
  const prefix = `${baseUrl}/`;
  const criteria = request.criteria.map((criterion) => ({
    ...criterion,
    values: criterion.values.map((value) => {
      if (value.kind !== 'reference' || !value.url?.startsWith(prefix)) return value;
      const [type, id, ...rest] = value.url.slice(prefix.length).split('/');
      return type && id && rest.length === 0 ? { kind: 'reference' as const, type, id } : value;
    }),
  }));
  return { ...request, criteria };
}

/** The parameters that define a result set (the cursor only moves through it). */
function scopeOf(resourceType: string, params: URLSearchParams): string {
  const entries = [...params.entries()].filter(([name]) => name !== CURSOR_PARAM).sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
  return `search|${resourceType}|${new URLSearchParams(entries).toString()}`;
}

function toPosition(state: unknown): SearchPosition {
  const value = state as { offset?: unknown; key?: unknown; after?: unknown } | null;
  if (value && typeof value.offset === 'number' && Number.isInteger(value.offset) && value.offset >= 0) return { offset: value.offset };
  if (value && typeof value.key === 'object' && value.key !== null) return { key: value.key as Record<string, never> };
  if (value && typeof value.after === 'string') return { after: value.after };
  throw badRequest('The paging cursor is invalid', CURSOR_PARAM);
}

/**
 * What search needs of the request's access decision; with the principal, searches that name
 * no patient read only what the caller may see (without it, they walk the whole type).
 */
export type SearchAccess = Pick<AccessGuard, 'readable' | 'disclosed'> & Partial<Pick<AccessGuard, 'principal'>>;

export class SearchService {
  private readonly readable: (versions: readonly StoredVersion[]) => Promise<readonly boolean[]>;
  private readonly caller: SearchCaller | undefined;

  constructor(
    private readonly store: SearchStore,
    private readonly config: ApiConfig,
    /** The request's access decision: every candidate passes it before paging and totals. */
    private readonly access: SearchAccess,
  ) {
    this.readable = (versions) => access.readable(versions);
    const principal = access.principal;
    this.caller = principal ? { organization: principal.organization, emergency: isEmergency(principal) } : undefined;
  }

  /**
   * Included resources pass the access decision and, beyond the searched type's `s` scope, the
   * token's read scope of their own type (a CarePlan search must not bring in Goals unseen).
   */
  private readonly includable = async (versions: readonly StoredVersion[]): Promise<readonly boolean[]> => {
    const scopes = this.access.principal?.scopes;
    const inScope = versions.filter((version) => scopes === undefined || scopeAllows(scopes, version.resourceType, 'r'));
    const readable = await this.readable(inScope);
    const allowed = new Set(inScope.filter((_, n) => readable[n]));
    return versions.map((version) => allowed.has(version));
  };

  /**
   * A criterion about the plan's care team (`coordinator`, `participant`) searches CareTeams too,
   * so the token must allow that as well (403 otherwise).
   */
  private requireCareTeamScope(request: SearchRequest): void {
    const scopes = this.access.principal?.scopes;
    if (scopes === undefined || !request.criteria.some((criterion) => criterion.param.throughCareTeam !== undefined)) return;
    if (!scopeAllows(scopes, 'CareTeam', 's')) throw forbiddenScope('CareTeam', 's');
  }

  /** What one search request may read, shared by the search and its includes. */
  budget(resourceType: string): ExaminedBudget {
    return new ExaminedBudget(this.config.searchMaxExamined, resourceType);
  }

  /**
   * Every visible match of `query` (an operation's internal search, e.g. `$indicators`): the same
   * plan, matcher and access decision as a search, within `budget`; nothing is disclosed.
   */
  async allMatches(resourceType: SupportedResourceType, query: string, budget: ExaminedBudget, now: Date): Promise<readonly StoredVersion[]> {
    const parsed = parseSearchRequest(resourceType, new URLSearchParams(query), { lenient: false, defaultCount: 1, maxCount: 1 });
    const request: SearchRequest = { ...parsed, count: Number.MAX_SAFE_INTEGER, total: 'accurate' };
    const page = await executeSearch(this.store, request, { access: this.readable, budget, now, ...(this.caller ? { caller: this.caller } : {}) });
    return page.matches;
  }

  /** The CareTeams each plan references that the caller may read (by plan id), within `budget`. */
  careTeamsOf(plans: readonly StoredVersion[], budget: ExaminedBudget): Promise<Map<string, StoredVersion[]>> {
    return new CareTeamLookup(this.store, this.readable, budget).teamsOf(plans);
  }

  /** One page of `GET [type]?params`; `baseUrl` is this server's FHIR base as the client sees it. */
  async search(resourceType: SupportedResourceType, params: URLSearchParams, lenient: boolean, baseUrl?: string): Promise<SearchResult> {
    const parsed = parseSearchRequest(resourceType, params, {
      lenient,
      defaultCount: this.config.defaultPageSize,
      maxCount: this.config.maxPageSize,
    });
    const request = localized(parsed, baseUrl);
    this.requireCareTeamScope(request);
    const scope = scopeOf(resourceType, params);
    const position = request.cursor === undefined ? undefined : toPosition(decodeCursor(this.config.cursorSecret, scope, request.cursor));
    const budget = this.budget(resourceType);
    const page = await executeSearch(this.store, request, { access: this.readable, budget, ...(this.caller ? { caller: this.caller } : {}), ...(position ? { position } : {}) });
    const includes = request.summary === 'count' ? [] : await resolveIncludes(this.store, page.matches, request.include, request.revinclude, this.includable, budget);
    if (request.summary !== 'count') this.access.disclosed([...page.matches, ...includes]);
    return {
      request,
      matches: request.summary === 'count' ? [] : page.matches,
      includes,
      ...(page.total !== undefined ? { total: page.total } : {}),
      ...(page.next ? { nextCursor: encodeCursor(this.config.cursorSecret, scope, page.next) } : {}),
    };
  }

  /**
   * The visible matches of a conditional interaction's criteria (`If-None-Exist`,
   * `PUT/DELETE [type]?…`): at most `limit`, enough to tell 0, 1 or several.
   */
  async matchesOf(resourceType: SupportedResourceType, criteria: string, baseUrl?: string, limit = 2): Promise<readonly StoredVersion[]> {
    const params = new URLSearchParams(criteria);
    for (const name of [...params.keys()]) {
      if (name.startsWith('_') && name !== '_id' && name !== '_lastUpdated' && name !== '_tag' && name !== '_profile' && name !== '_security') {
        throw badRequest(`Result parameter '${name}' is not allowed in conditional criteria`, name);
      }
    }
    if ([...params.keys()].length === 0) throw badRequest('Conditional criteria must contain at least one search parameter', 'If-None-Exist');
    params.set('_count', String(limit));
    const request = localized(parseSearchRequest(resourceType, params, { lenient: false, defaultCount: limit, maxCount: limit }), baseUrl);
    this.requireCareTeamScope(request);
    const page = await executeSearch(this.store, request, { access: this.readable, budget: this.budget(resourceType), ...(this.caller ? { caller: this.caller } : {}) });
    this.access.disclosed(page.matches);
    return page.matches;
  }
}
