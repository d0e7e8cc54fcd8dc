/**
 * Runs a parsed search: reads candidates along the plan, keeps those that match every
 * criterion AND pass the access decision — before paging and counting, so a page is always
 * filled with visible results and totals never count invisible ones. Every read counts against
 * the request's {@link ExaminedBudget}: a search that would read more answers 400 `too-costly`.
 *
 * @see https://hl7.org/fhir/R4/search.html
 * @see docs/data-model.md ("Searches of a caller that sees little")
 */
import { badRequest } from '../../../shared/errors.js';
import type { SearchStore, StartKey, TypeWalk } from '../../repository/search-store.js';
import type { StoredVersion } from '../../repository/index.js';
import { compareForSort, matchesCriterion } from '../index-values/index.js';
import type { SearchRequest } from '../types.js';
import { ExaminedBudget, MAX_CANDIDATES } from './budget.js';
import { CareTeamLookup, careTeamPlan, matchesThroughCareTeam } from './care-teams.js';
import { planSearch, type SourcePlan } from './plan.js';
import { loadVisibleSet, visiblePages, type SearchCaller, type VisibleSet } from './visible-set.js';

/**
 * The per-request access decision: which of the given candidates the caller may read, in
 * order. Called on every batch of criteria matches before paging and totals, so it can load
 * the consents of a whole page in one read.
 */
export type AccessPredicate = (versions: readonly StoredVersion[]) => Promise<readonly boolean[]>;

/**
 * Where the next page starts: an offset into a sorted or counted result, a DynamoDB key of a
 * walk, or the last id of a page of the visible set (id order).
 */
export type SearchPosition = { readonly offset: number } | { readonly key: StartKey } | { readonly after: string };

/** One page of matches. */
export interface SearchPage {
  readonly matches: readonly StoredVersion[];
  /** Exact number of visible matches, when counted or known. */
  readonly total?: number;
  readonly next?: SearchPosition;
}

/** Options of {@link executeSearch}. */
export interface SearchOptions {
  readonly access: AccessPredicate;
  readonly position?: SearchPosition;
  readonly now?: Date;
  /** Who searches: lets the planner read only what the caller may see. Absent: plan over the whole type. */
  readonly caller?: SearchCaller;
  /** What the request may read (shared with its includes). @default {@link MAX_CANDIDATES} candidates */
  readonly budget?: ExaminedBudget;
}

/** DynamoDB page size while walking. */
const WALK_PAGE = 200;
/** Anchor Queries in flight (a `care-team` list, or the teams a coordinator search found). */
const PARALLEL_ANCHORS = 16;

/** Keeps the live candidates that match every criterion and that the caller may read, in order. */
type Keep = <T extends StoredVersion>(versions: readonly T[]) => Promise<T[]>;

/** Candidates a page of reads at a time, each with the position right after it. */
type Pages = AsyncIterable<readonly { readonly version: StoredVersion; readonly position: SearchPosition }[]>;

/**
 * The criteria on the resource's own index first, then the access decision, then the criteria
 * about the plan's CareTeam — so only visible plans have their teams read.
 */
function visibleMatch(request: SearchRequest, access: AccessPredicate, now: Date, teams: CareTeamLookup): Keep {
  const own = request.criteria.filter((criterion) => criterion.param.throughCareTeam === undefined);
  const throughTeam = request.criteria.filter((criterion) => criterion.param.throughCareTeam !== undefined);
  return async (versions) => {
    const matching = versions.filter(
      (version) => !version.deleted && version.index !== undefined && own.every((criterion) => matchesCriterion(criterion, version.index!.values, { now })),
    );
    const allowed = await access(matching);
    const visible = matching.filter((_, n) => allowed[n]);
    if (throughTeam.length === 0) return visible;
    const teamsOf = await teams.teamsOf(visible);
    return visible.filter((version) => throughTeam.every((criterion) => matchesThroughCareTeam(criterion, teamsOf.get(version.id) ?? [], now)));
  };
}

/** Whether a plan reads the whole type (or a `_lastUpdated` range of it) rather than a key. */
function walksType(plan: SourcePlan): boolean {
  return plan.kind === 'walks' && plan.walks.every((walk) => walk.kind === 'all' || walk.kind === 'lastUpdated');
}

function byId(a: StoredVersion, b: StoredVersion): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function byUpdated(a: StoredVersion, b: StoredVersion): number {
  return a.lastUpdated < b.lastUpdated ? -1 : a.lastUpdated > b.lastUpdated ? 1 : byId(a, b);
}

/** A cursor of another plan: what the caller may see, or the plan's choice, changed since. */
function staleCursor(): Error {
  return badRequest('The paging cursor no longer fits this search (what it reads changed); start again from the first page', '_cursor');
}

/** Executes `request` and returns the page starting at `position`. */
export async function executeSearch(store: SearchStore, request: SearchRequest, options: SearchOptions): Promise<SearchPage> {
  const now = options.now ?? new Date();
  const budget = options.budget ?? new ExaminedBudget(MAX_CANDIDATES, request.resourceType);
  const teams = new CareTeamLookup(store, options.access, budget);
  const keep = visibleMatch(request, options.access, now, teams);
  const { position } = options;
  let plan = planSearch(request);
  if (walksType(plan)) {
    // Rather than walk the plans, start from the care teams a member is in (same caller, access and budget).
    const inner = { access: options.access, budget, now, ...(options.caller ? { caller: options.caller } : {}) };
    plan = (await careTeamPlan(request, teams, async (teamSearch) => (await executeSearch(store, teamSearch, inner)).matches, now)) ?? plan;
  }
  // `_count=0` asks for the total only: count everything rather than link to empty pages.
  const countAll = request.total === 'accurate' || request.summary === 'count' || request.count === 0;
  const sorted = request.sort.length > 0;
  const walk = plan.kind === 'walks' && plan.walks.length === 1 ? plan.walks[0] : undefined;

  // A walk of the whole type (no range to bound it): read the caller's visible set instead.
  const wholeType = walk !== undefined && (walk.kind === 'all' || (walk.kind === 'lastUpdated' && walk.low === undefined && walk.high === undefined));
  const visible = wholeType && options.caller ? await loadVisibleSet(store, request.resourceType, options.caller, now, budget) : undefined;
  if (visible) {
    if (sorted) return offsetPage(await keep(await drain(store, request.resourceType, visible, budget)), request, position, byId);
    const after = afterOf(position, request.resourceType);
    if (countAll) return afterPage(await keep(await drain(store, request.resourceType, visible, budget)), request.count, after);
    return fillPage(positioned(visiblePages(store, request.resourceType, visible, after, budget)), request.count, keep, position === undefined);
  }

  const onlyUpdatedSort = request.sort.length === 1 && request.sort[0]?.param.code === '_lastUpdated';
  if (walk && !countAll && (!sorted || (walk.kind === 'lastUpdated' && onlyUpdatedSort))) {
    return fillPage(walkPages(store, request.resourceType, walk, keyOf(position, request.resourceType, walk), budget), request.count, keep, position === undefined);
  }
  const matches = await keep(await boundedCandidates(store, request.resourceType, plan, budget));
  return offsetPage(matches, request, position, walk?.kind === 'lastUpdated' ? byUpdated : byId);
}

/** Candidate reads for plans that are small by construction, or walks read in full. */
async function boundedCandidates(store: SearchStore, resourceType: string, plan: SourcePlan, budget: ExaminedBudget): Promise<StoredVersion[]> {
  switch (plan.kind) {
    case 'ids':
      return examined(budget, await store.currentByIds(resourceType, plan.ids));
    case 'identifiers': {
      const ids = await Promise.all(plan.identifiers.map((identifier) => store.uniqueId(resourceType, identifier)));
      return examined(budget, await store.currentByIds(resourceType, ids.filter((id): id is string => id !== undefined)));
    }
    case 'anchors': {
      const ids: string[] = [];
      for (let start = 0; start < plan.anchors.length; start += PARALLEL_ANCHORS) {
        const chunk = plan.anchors.slice(start, start + PARALLEL_ANCHORS);
        const remaining = budget.remaining;
        for (const found of await Promise.all(chunk.map((anchor) => store.anchorIds(resourceType, anchor, remaining)))) ids.push(...examined(budget, found));
      }
      return store.currentByIds(resourceType, ids);
    }
    case 'walks': {
      const unique = new Map<string, StoredVersion>();
      for (const walk of plan.walks) {
        for await (const batch of walkPages(store, resourceType, walk, undefined, budget)) for (const { version } of batch) unique.set(version.id, version);
      }
      return [...unique.values()];
    }
  }
}

function examined<T>(budget: ExaminedBudget, items: T[]): T[] {
  budget.examine(items.length);
  return items;
}

/** One walk from `startKey` on, page by page, each page counted against the budget. */
async function* walkPages(store: SearchStore, resourceType: string, walk: TypeWalk, startKey: StartKey | undefined, budget: ExaminedBudget): Pages {
  let key = startKey;
  do {
    const page = await store.walkType(resourceType, walk, budget.pageSize(WALK_PAGE), key);
    budget.examine(page.items.length);
    yield page.items.map((item) => ({ version: item.version, position: { key: item.key } }));
    key = page.lastKey;
  } while (key);
}

async function* positioned(pages: AsyncIterable<readonly StoredVersion[]>): Pages {
  for await (const page of pages) yield page.map((version) => ({ version, position: { after: version.id } }));
}

/** The whole visible set, in id order (bounded by the budget). */
async function drain(store: SearchStore, resourceType: string, visible: VisibleSet, budget: ExaminedBudget): Promise<StoredVersion[]> {
  const all: StoredVersion[] = [];
  for await (const page of visiblePages(store, resourceType, visible, undefined, budget)) all.push(...page);
  return all;
}

/**
 * Fills one page from `pages`, in their order: stops at the first visible match beyond the page
 * (then `next` points right after the page's last match). A walk that saw everything from the
 * start also knows the total.
 */
async function fillPage(pages: Pages, count: number, keep: Keep, fromTop: boolean): Promise<SearchPage> {
  const matches: StoredVersion[] = [];
  let next: SearchPosition | undefined;
  for await (const batch of pages) {
    const kept = new Set(await keep(batch.map((candidate) => candidate.version)));
    for (const candidate of batch) {
      if (!kept.has(candidate.version)) continue;
      if (matches.length >= count) return { matches, ...(next ? { next } : {}) };
      matches.push(candidate.version);
      next = candidate.position;
    }
  }
  return { matches, ...(fromTop ? { total: matches.length } : {}) };
}

/** A page of all matches, sorted (by the request's `_sort`, then `order`), at an offset. */
function offsetPage(matches: StoredVersion[], request: SearchRequest, position: SearchPosition | undefined, order: typeof byId): SearchPage {
  if (position !== undefined && !('offset' in position)) throw staleCursor();
  matches.sort((a, b) => (request.sort.length > 0 ? compareForSort(a.index!.values, b.index!.values, request.sort) || byId(a, b) : order(a, b)));
  const offset = position?.offset ?? 0;
  const page = matches.slice(offset, offset + request.count);
  const hasNext = offset + request.count < matches.length && request.count > 0;
  return { matches: page, total: matches.length, ...(hasNext ? { next: { offset: offset + request.count } } : {}) };
}

/** A page of all matches (in id order) after the id `after`; keyset paging, so it is stable. */
function afterPage(matches: readonly StoredVersion[], count: number, after: string | undefined): SearchPage {
  const rest = after === undefined ? matches : matches.filter((version) => version.id > after);
  const page = rest.slice(0, count);
  const last = page[page.length - 1];
  return { matches: page, total: matches.length, ...(rest.length > count && count > 0 && last ? { next: { after: last.id } } : {}) };
}

/** The id to continue the visible set after (a whole-type walk's key is a position in id order too). */
function afterOf(position: SearchPosition | undefined, resourceType: string): string | undefined {
  if (position === undefined) return undefined;
  if ('after' in position) return position.after;
  const id = 'key' in position ? typeKeyId(position.key, resourceType) : undefined;
  if (id === undefined) throw staleCursor();
  return id;
}

/** The DynamoDB key to continue a walk from (an id of the visible set continues a walk of the type in id order). */
function keyOf(position: SearchPosition | undefined, resourceType: string, walk: TypeWalk): StartKey | undefined {
  if (position === undefined) return undefined;
  if ('key' in position) return position.key;
  if ('after' in position && walk.kind === 'all') return { PK: { S: resourceType }, SK: { S: position.after } };
  throw staleCursor();
}

/** The id a key of the base table's type partition stands at, if it is one. */
function typeKeyId(key: StartKey, resourceType: string): string | undefined {
  const names = Object.keys(key);
  return names.length === 2 && key.PK?.S === resourceType && key.SK?.S !== undefined ? key.SK.S : undefined;
}
