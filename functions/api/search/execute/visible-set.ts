/**
 * The visible-set plan: for a search that names no patient, identifier, id or anchor, read the
 * candidates from what the caller may see rather than the whole type — (a) what its
 * organisation holds (byCustodian, in id order) and (b) the resources the Consents naming it
 * open (the clients' resources through the patient indexes, kept only when held by the Consent's
 * recorder). Only a narrowing: every candidate still passes the access decision, which has the
 * final word.
 *
 * @see docs/data-model.md ("Searches of a caller that sees little")
 * @see docs/access-policy.md
 */
import { consentFacts, consentGrants, consentMayOpen, emergencyMayRead } from '../../access/index.js';
import type { StoredVersion } from '../../repository/index.js';
import { namedOrganizationAnchor } from '../../repository/keys.js';
import type { SearchStore, StartKey, TypeWalk } from '../../repository/search-store.js';
import type { ExaminedBudget } from './budget.js';

/** What the planner knows of the caller. */
export interface SearchCaller {
  /** The principal's organisation OID. */
  readonly organization: string;
  /** `purposeOfUse` ETREAT: every plan resource is readable, so the whole type is the visible set. */
  readonly emergency: boolean;
}

/**
 * The visible-set plan is used while at most this many Consents (any status) name the caller's
 * organisation: reading them is one anchor Query and two BatchGetItems, and their clients' resources
 * at most two patient-index Queries per Consent. Past it, the search walks the type (bounded).
 */
export const MAX_NAMING_CONSENTS = 200;
/** Patient-index Queries in flight while reading the consented clients' resources. */
const PARALLEL_QUERIES = 16;
/** DynamoDB page size of the byCustodian and patient-index walks. */
const WALK_PAGE = 200;

/** What a caller may see of one type, as far as a plan can tell without the access decision. */
export interface VisibleSet {
  readonly organization: string;
  /** (b): the resources Consents may open to the caller, in id order (read in full, they are few). */
  readonly consented: readonly StoredVersion[];
}

const byId = (a: StoredVersion, b: StoredVersion): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The caller's visible set of `resourceType`, or undefined when the type is better walked: in an
 * emergency (everything is readable), or when more than {@link MAX_NAMING_CONSENTS} Consents
 * name the organisation.
 */
export async function loadVisibleSet(
  store: SearchStore,
  resourceType: string,
  caller: SearchCaller,
  now: Date,
  budget: ExaminedBudget,
): Promise<VisibleSet | undefined> {
  const organization = caller.organization;
  if (caller.emergency && emergencyMayRead(resourceType)) return undefined;
  // Other types are for their custodian only: no Consent opens them.
  if (resourceType !== 'Consent' && !consentMayOpen(resourceType)) return { organization, consented: [] };
  const ids = await store.anchorIds('Consent', namedOrganizationAnchor(organization), MAX_NAMING_CONSENTS);
  if (ids.length > MAX_NAMING_CONSENTS) return undefined;
  budget.examine(ids.length);
  const naming = (await store.currentByIds('Consent', ids)).filter((version) => !version.deleted && version.resource !== undefined);
  // A named organisation may read the Consent itself, whatever its status (rule 3).
  if (resourceType === 'Consent') return { organization, consented: naming.sort(byId) };

  // Client key → the recorders whose resources of that client a Consent opens to the caller now.
  const openedBy = new Map<string, Set<string>>();
  for (const consent of naming) {
    const custodian = consent.access?.custodian;
    if (custodian === undefined) continue;
    const facts = consentFacts(consent.resource, custodian);
    if (!consentGrants(facts, organization, { resourceType, custodian, clientKeys: facts.clientKeys }, now)) continue;
    for (const key of facts.clientKeys) openedBy.set(key, (openedBy.get(key) ?? new Set()).add(custodian));
  }
  const found = new Map<string, StoredVersion>();
  const clients = [...openedBy];
  for (let start = 0; start < clients.length; start += PARALLEL_QUERIES) {
    const chunk = clients.slice(start, start + PARALLEL_QUERIES);
    const results = await Promise.all(chunk.map(([key]) => clientResources(store, resourceType, key, budget)));
    results.forEach((versions, n) => {
      const custodians = chunk[n]![1];
      for (const version of versions) if (version.access?.custodian !== undefined && custodians.has(version.access.custodian)) found.set(version.id, version);
    });
  }
  return { organization, consented: [...found.values()].sort(byId) };
}

/** The live resources of a type about the client `key` (`Patient/<id>` or `<system>|<value>`). */
async function clientResources(store: SearchStore, resourceType: string, key: string, budget: ExaminedBudget): Promise<StoredVersion[]> {
  const walk: TypeWalk = key.startsWith('Patient/') ? { kind: 'patientRef', value: key } : { kind: 'patientIdentifier', value: key };
  const out: StoredVersion[] = [];
  let startKey: StartKey | undefined;
  do {
    const page = await store.walkType(resourceType, walk, budget.pageSize(WALK_PAGE), startKey);
    budget.examine(page.items.length);
    out.push(...page.items.map((item) => item.version));
    startKey = page.lastKey;
  } while (startKey);
  return out;
}

/**
 * The visible set in id order, from the first id after `afterId` on, a DynamoDB page at a time:
 * (a) walked along byCustodian, (b) merged in where its ids fall, each resource once.
 */
export async function* visiblePages(
  store: SearchStore,
  resourceType: string,
  visible: VisibleSet,
  afterId: string | undefined,
  budget: ExaminedBudget,
): AsyncGenerator<readonly StoredVersion[]> {
  const consented = afterId === undefined ? visible.consented : visible.consented.filter((version) => version.id > afterId);
  let taken = 0;
  let startKey: StartKey | undefined;
  do {
    const page = await store.custodianPage(resourceType, visible.organization, afterId, budget.pageSize(WALK_PAGE), startKey);
    budget.examine(page.items.length);
    startKey = page.lastKey;
    const held = page.items.map((item) => item.version);
    const last = held[held.length - 1];
    if (startKey !== undefined && last === undefined) continue;
    // Consented resources up to this page's last id belong here; after the last page, all the rest.
    let end = taken;
    while (end < consented.length && (startKey === undefined || consented[end]!.id <= last!.id)) end++;
    yield merge(held, consented.slice(taken, end));
    taken = end;
  } while (startKey);
}

/** Two id-ordered lists as one, each id once. */
function merge(a: readonly StoredVersion[], b: readonly StoredVersion[]): StoredVersion[] {
  const out: StoredVersion[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]!.id <= b[j]!.id) ? a[i++]! : b[j++]!;
    if (out[out.length - 1]?.id !== next.id) out.push(next);
  }
  return out;
}
