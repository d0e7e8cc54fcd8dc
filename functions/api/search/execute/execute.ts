/**
 * Runs a parsed search: reads candidates along the plan, keeps those that match every
 * criterion AND pass the access decision — before paging and counting, so a page is always
 * filled with visible results and totals never count invisible ones.
 *
 * @see https://hl7.org/fhir/R4/search.html
 */
import { badRequest } from '../../../shared/errors.js';
import type { SearchStore, StartKey, TypeWalk } from '../../repository/search-store.js';
import type { StoredVersion } from '../../repository/index.js';
import { compareForSort, matchesCriterion } from '../index-values/index.js';
import type { SearchRequest } from '../types.js';
import { planSearch, type SourcePlan } from './plan.js';

/**
 * The per-request access decision: which of the given candidates the caller may read, in
 * order. Called on every batch of criteria matches before paging and totals, so it can load
 * the consents of a whole page in one read.
 */
export type AccessPredicate = (versions: readonly StoredVersion[]) => Promise<readonly boolean[]>;

/** Where the next page starts. */
export type SearchPosition = { readonly offset: number } | { readonly key: StartKey };

/** One page of matches. */
export interface SearchPage {
  readonly matches: readonly StoredVersion[];
  /** Exact number of visible matches, when counted or known. */
  readonly total?: number;
  readonly next?: SearchPosition;
}

/** Bounds the work of searches that must see every candidate (sorting, totals, OR walks). */
export const MAX_CANDIDATES = 10_000;
/** DynamoDB page size while walking. */
const WALK_PAGE = 200;

/** Keeps the live candidates that match every criterion and that the caller may read, in order. */
type Keep = <T extends StoredVersion>(versions: readonly T[]) => Promise<T[]>;

function visibleMatch(request: SearchRequest, access: AccessPredicate, now: Date): Keep {
  return async (versions) => {
    const matching = versions.filter(
      (version) => !version.deleted && version.index !== undefined && request.criteria.every((criterion) => matchesCriterion(criterion, version.index!.values, { now })),
    );
    const allowed = await access(matching);
    return matching.filter((_, n) => allowed[n]);
  };
}

function tooCostly(): Error {
  return badRequest(
    `This search would examine more than ${MAX_CANDIDATES} resources; narrow it (e.g. by patient, identifier or status within a patient)`,
    undefined,
    'too-costly',
  );
}

function byId(a: StoredVersion, b: StoredVersion): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Candidate reads for plans that are small by construction. */
async function boundedCandidates(store: SearchStore, resourceType: string, plan: SourcePlan): Promise<StoredVersion[]> {
  switch (plan.kind) {
    case 'ids':
      return store.currentByIds(resourceType, plan.ids);
    case 'identifiers': {
      const ids = await Promise.all(plan.identifiers.map((identifier) => store.uniqueId(resourceType, identifier)));
      return store.currentByIds(resourceType, ids.filter((id): id is string => id !== undefined));
    }
    case 'anchors': {
      const ids = (await Promise.all(plan.anchors.map((anchor) => store.anchorIds(resourceType, anchor)))).flat();
      return store.currentByIds(resourceType, ids);
    }
    case 'walks': {
      const all: StoredVersion[] = [];
      for (const walk of plan.walks) all.push(...(await walkAll(store, resourceType, walk)));
      const unique = new Map(all.map((version) => [version.id, version]));
      return [...unique.values()];
    }
  }
}

async function walkAll(store: SearchStore, resourceType: string, walk: TypeWalk): Promise<StoredVersion[]> {
  const out: StoredVersion[] = [];
  let key: StartKey | undefined;
  do {
    const page = await store.walkType(resourceType, walk, WALK_PAGE, key);
    out.push(...page.items.map((item) => item.version));
    if (out.length > MAX_CANDIDATES) throw tooCostly();
    key = page.lastKey;
  } while (key);
  return out;
}

/** Executes `request` and returns the page starting at `position`. */
export async function executeSearch(
  store: SearchStore,
  request: SearchRequest,
  options: { readonly access: AccessPredicate; readonly position?: SearchPosition; readonly now?: Date },
): Promise<SearchPage> {
  const now = options.now ?? new Date();
  const keep = visibleMatch(request, options.access, now);
  const plan = planSearch(request);
  // `_count=0` asks for the total only: count everything rather than link to empty pages.
  const countAll = request.total === 'accurate' || request.summary === 'count' || request.count === 0;
  const single = plan.kind === 'walks' && plan.walks.length === 1 ? plan.walks[0] : undefined;
  const walkOrdersResults = single !== undefined && (request.sort.length === 0 || single.kind === 'lastUpdated');
  if (single && walkOrdersResults && !(single.kind === 'all' && request.sort.length > 0)) {
    return streamWalk(store, request, single, keep, countAll, options.position);
  }
  const matches = await keep(await boundedCandidates(store, request.resourceType, plan));
  matches.sort((a, b) => (request.sort.length > 0 ? compareForSort(a.index!.values, b.index!.values, request.sort) || byId(a, b) : byId(a, b)));
  const offset = options.position && 'offset' in options.position ? options.position.offset : 0;
  const page = matches.slice(offset, offset + request.count);
  const hasNext = offset + request.count < matches.length && request.count > 0;
  return { matches: page, total: matches.length, ...(hasNext ? { next: { offset: offset + request.count } } : {}) };
}

/** Walks one index in its own order, filling the page with visible matches. */
async function streamWalk(
  store: SearchStore,
  request: SearchRequest,
  walk: TypeWalk,
  keep: Keep,
  countAll: boolean,
  position: SearchPosition | undefined,
): Promise<SearchPage> {
  const matches: StoredVersion[] = [];
  let next: SearchPosition | undefined;
  let key: StartKey | undefined = position && 'key' in position ? position.key : undefined;
  let counted = 0;
  let examined = 0;
  const startedFromTop = key === undefined;
  do {
    const page = await store.walkType(request.resourceType, walk, WALK_PAGE, key);
    const kept = new Set(await keep(page.items.map((item) => item.version)));
    for (const item of page.items) {
      if (!kept.has(item.version)) continue;
      counted++;
      if (matches.length < request.count) {
        matches.push(item.version);
        if (matches.length === request.count) next = { key: item.key };
      } else if (!countAll) {
        // A further match exists: the page is full and `next` already points after its last entry.
        return { matches, next: next ?? { key: item.key } };
      }
    }
    examined += page.items.length;
    if (countAll && examined > MAX_CANDIDATES) throw tooCostly();
    key = page.lastKey;
  } while (key);
  const hasMore = counted > matches.length;
  // Known exactly when this walk saw everything from the start; a later page recounts.
  const total = startedFromTop ? counted : countAll ? await countWalk(store, request.resourceType, walk, keep) : undefined;
  return { matches, ...(total !== undefined ? { total } : {}), ...(hasMore && next ? { next } : {}) };
}

async function countWalk(store: SearchStore, resourceType: string, walk: TypeWalk, keep: Keep): Promise<number> {
  return (await keep(await walkAll(store, resourceType, walk))).length;
}
