/**
 * `_include` and `_revinclude`: the resources the matches point to, and those pointing at the
 * matches — through the same access decision as the matches.
 *
 * @see https://hl7.org/fhir/R4/search.html#include
 */
import type { SearchStore, StartKey } from '../../repository/search-store.js';
import type { StoredVersion } from '../../repository/index.js';
import { ANCHORED_PARAMETERS } from '../../services/index-entries.js';
import { SUPPORTED_RESOURCE_TYPES } from '../../../../schemas/index.js';
import type { IncludeSpec, ReferenceValue } from '../types.js';
import type { AccessPredicate } from './execute.js';
import { MAX_CANDIDATES } from './execute.js';

const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_RESOURCE_TYPES);
/** `:iterate` follows includes of includes at most this deep. */
const MAX_ROUNDS = 3;

const keyOf = (version: StoredVersion): string => `${version.resourceType}/${version.id}`;

function references(version: StoredVersion, spec: IncludeSpec): ReferenceValue[] {
  const values = (version.index?.values[spec.param.code] ?? []) as readonly ReferenceValue[];
  return values.filter((ref) => ref.type && ref.id && SUPPORTED.has(ref.type) && (!spec.targetType || ref.type === spec.targetType));
}

async function forward(store: SearchStore, sources: readonly StoredVersion[], specs: readonly IncludeSpec[]): Promise<StoredVersion[]> {
  const wanted = new Map<string, Set<string>>();
  for (const spec of specs) {
    for (const source of sources.filter((version) => version.resourceType === spec.sourceType)) {
      for (const ref of references(source, spec)) {
        if (!wanted.has(ref.type!)) wanted.set(ref.type!, new Set());
        wanted.get(ref.type!)!.add(ref.id!);
      }
    }
  }
  const found = await Promise.all([...wanted].map(([type, ids]) => store.currentByIds(type, [...ids])));
  return found.flat();
}

async function reverse(store: SearchStore, targets: readonly StoredVersion[], specs: readonly IncludeSpec[]): Promise<StoredVersion[]> {
  const out: StoredVersion[] = [];
  for (const spec of specs) {
    const anchored = ANCHORED_PARAMETERS[spec.sourceType]?.includes(spec.param.code) ?? false;
    for (const target of targets) {
      if (spec.targetType && spec.targetType !== target.resourceType) continue;
      if (anchored) {
        const ids = await store.anchorIds(spec.sourceType, `${spec.param.code}=${keyOf(target)}`);
        out.push(...(await store.currentByIds(spec.sourceType, ids)));
      } else {
        out.push(...(await pointingAt(store, spec, target)));
      }
    }
  }
  return out;
}

/** Without an anchor, walk the source type once (bounded) and keep those referencing `target`. */
async function pointingAt(store: SearchStore, spec: IncludeSpec, target: StoredVersion): Promise<StoredVersion[]> {
  const out: StoredVersion[] = [];
  let key: StartKey | undefined;
  let examined = 0;
  do {
    const page = await store.walkType(spec.sourceType, { kind: 'all' }, 200, key);
    for (const { version } of page.items) {
      if (references(version, { ...spec, targetType: target.resourceType }).some((ref) => ref.id === target.id)) out.push(version);
    }
    examined += page.items.length;
    key = examined < MAX_CANDIDATES ? page.lastKey : undefined;
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
): Promise<StoredVersion[]> {
  const seen = new Set(matches.map(keyOf));
  const included: StoredVersion[] = [];
  let frontier: readonly StoredVersion[] = matches;
  for (let round = 0; round < MAX_ROUNDS && frontier.length > 0; round++) {
    const includeSpecs = round === 0 ? include : include.filter((spec) => spec.iterate);
    const revSpecs = round === 0 ? revinclude : revinclude.filter((spec) => spec.iterate);
    if (includeSpecs.length === 0 && revSpecs.length === 0) break;
    const found = [...(await forward(store, frontier, includeSpecs)), ...(await reverse(store, frontier, revSpecs))];
    const live = found.filter((version) => !version.deleted && !seen.has(keyOf(version)));
    const allowed = await access(live);
    const fresh = live.filter((_, n) => allowed[n]);
    for (const version of fresh) seen.add(keyOf(version));
    included.push(...fresh);
    frontier = fresh;
  }
  return included;
}
