/**
 * `_include` and `_revinclude`: the resources the matches point to, and those pointing at the
 * matches — through the same access decision as the matches, and within the request's budget.
 *
 * @see https://hl7.org/fhir/R4/search.html#include
 */
import type { SearchStore, StartKey } from '../../repository/search-store.js';
import type { StoredVersion } from '../../repository/index.js';
import { ANCHORED_PARAMETERS } from '../../services/index-entries.js';
import { SUPPORTED_RESOURCE_TYPES } from '../../../../schemas/index.js';
import type { IncludeSpec, ReferenceValue } from '../types.js';
import type { ExaminedBudget } from './budget.js';
import type { AccessPredicate } from './execute.js';

const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_RESOURCE_TYPES);
/** `:iterate` follows includes of includes at most this deep. */
const MAX_ROUNDS = 3;

const keyOf = (version: StoredVersion): string => `${version.resourceType}/${version.id}`;

function references(version: StoredVersion, spec: IncludeSpec): ReferenceValue[] {
  const values = (version.index?.values[spec.param.code] ?? []) as readonly ReferenceValue[];
  return values.filter((ref) => ref.type && ref.id && SUPPORTED.has(ref.type) && (!spec.targetType || ref.type === spec.targetType));
}

async function forward(store: SearchStore, sources: readonly StoredVersion[], specs: readonly IncludeSpec[], budget: ExaminedBudget): Promise<StoredVersion[]> {
  const wanted = new Map<string, Set<string>>();
  for (const spec of specs) {
    for (const source of sources.filter((version) => version.resourceType === spec.sourceType)) {
      for (const ref of references(source, spec)) {
        if (!wanted.has(ref.type!)) wanted.set(ref.type!, new Set());
        wanted.get(ref.type!)!.add(ref.id!);
      }
    }
  }
  const found = (await Promise.all([...wanted].map(([type, ids]) => store.currentByIds(type, [...ids])))).flat();
  budget.examine(found.length);
  return found;
}

async function reverse(store: SearchStore, targets: readonly StoredVersion[], specs: readonly IncludeSpec[], budget: ExaminedBudget): Promise<StoredVersion[]> {
  const out: StoredVersion[] = [];
  for (const spec of specs) {
    const anchored = ANCHORED_PARAMETERS[spec.sourceType]?.includes(spec.param.code) ?? false;
    const wanted = targets.filter((target) => !spec.targetType || spec.targetType === target.resourceType);
    if (wanted.length === 0) continue;
    if (!anchored) {
      out.push(...(await pointingAt(store, spec, wanted, budget)));
      continue;
    }
    for (const target of wanted) {
      const ids = await store.anchorIds(spec.sourceType, `${spec.param.code}=${keyOf(target)}`, budget.remaining);
      budget.examine(ids.length);
      out.push(...(await store.currentByIds(spec.sourceType, ids)));
    }
  }
  return out;
}

/** Without an anchor, walk the source type once (within the budget) and keep those referencing a target. */
async function pointingAt(store: SearchStore, spec: IncludeSpec, targets: readonly StoredVersion[], budget: ExaminedBudget): Promise<StoredVersion[]> {
  const wanted = new Set(targets.map(keyOf));
  const out: StoredVersion[] = [];
  let key: StartKey | undefined;
  do {
    const page = await store.walkType(spec.sourceType, { kind: 'all' }, budget.pageSize(200), key);
    budget.examine(page.items.length);
    for (const { version } of page.items) {
      if (references(version, spec).some((ref) => wanted.has(`${ref.type}/${ref.id}`))) out.push(version);
    }
    key = page.lastKey;
  } while (key);
  return out;
}

/** The included resources of a page (deduplicated, never repeating a match). */
export async function resolveIncludes(
  store: SearchStore,
  matches: readonly StoredVersion[],
  include: readonly IncludeSpec[],
  revinclude: readonly IncludeSpec[],
  access: AccessPredicate,
  budget: ExaminedBudget,
): Promise<StoredVersion[]> {
  const seen = new Set(matches.map(keyOf));
  const included: StoredVersion[] = [];
  let frontier: readonly StoredVersion[] = matches;
  for (let round = 0; round < MAX_ROUNDS && frontier.length > 0; round++) {
    const includeSpecs = round === 0 ? include : include.filter((spec) => spec.iterate);
    const revSpecs = round === 0 ? revinclude : revinclude.filter((spec) => spec.iterate);
    if (includeSpecs.length === 0 && revSpecs.length === 0) break;
    const found = [...(await forward(store, frontier, includeSpecs, budget)), ...(await reverse(store, frontier, revSpecs, budget))];
    const live = found.filter((version) => !version.deleted && !seen.has(keyOf(version)));
    const allowed = await access(live);
    const fresh = live.filter((_, n) => allowed[n]);
    for (const version of fresh) seen.add(keyOf(version));
    included.push(...fresh);
    frontier = fresh;
  }
  return included;
}
