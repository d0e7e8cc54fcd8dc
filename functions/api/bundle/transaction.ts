/**
 * Transaction: all entries or none, committed in ONE DynamoDB TransactWriteItems. Entries are
 * processed DELETE, POST, PUT/PATCH, then GET (after the commit); `urn:uuid:` and conditional
 * references are resolved first; every GET entry is checked before the commit, so a failing read
 * fails the transaction too; the whole write is planned from one consistent read and re-planned
 * if a concurrent writer wins the race.
 *
 * @see https://hl7.org/fhir/R4/http.html#transaction
 */
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { FhirError, gone, notFound } from '../../shared/errors.js';
import { etag } from '../http/preconditions.js';
import { DuplicateIdentifierError, type StoredVersion } from '../repository/index.js';
import type { FhirRequest, InteractionContext } from '../routes/types.js';
import { raceOutcome, retryWrites } from '../services/write-retry.js';
import { dispatchEntry, failureEntry, responseEntry, statusText } from './dispatch.js';
import { entryError, type BundleEntryRequest } from './entry.js';
import { planWrites } from './plan-writes.js';
import { requireScope } from '../context/request-context.js';
import { writeScopeOperation } from '../routes/scope-of.js';
import { assertDistinctTargets, resolveTargets, rewriteReferences, wrap, type Planned } from './resolve.js';

const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3 };

/** 409 `duplicate`, naming the entry whose write takes an identifier held by another resource. */
function duplicateOutcome(error: DuplicateIdentifierError, planned: ReadonlyMap<number, Planned>, entries: readonly BundleEntryRequest[]): unknown {
  const takes = (p: Planned): boolean => p.write?.resourceType === error.resourceType && (p.write.index?.identifiers.includes(error.identifier) ?? false);
  const candidates = [...planned].filter(([, p]) => takes(p));
  const index = (candidates.find(([, p]) => p.write?.id !== error.existingId) ?? candidates[0])?.[0];
  const entry = entries.find((e) => e.index === index);
  const outcome = raceOutcome(error, false);
  return entry && outcome instanceof FhirError ? entryError(entry, outcome) : outcome;
}

/**
 * Runs every GET entry once against the state the transaction starts from, so a failing one
 * fails the whole transaction before anything is committed. A GET of a resource the
 * transaction itself writes is judged on the planned writes instead ({@link judgeOnPlan}): a
 * read or its instance history always, a vread when no such version exists yet. Returns the
 * entries left to judge on the plan.
 */
async function checkReads(entries: readonly BundleEntryRequest[], written: ReadonlySet<string>, outer: FhirRequest, context: InteractionContext): Promise<BundleEntryRequest[]> {
  const onPlan: BundleEntryRequest[] = [];
  for (const entry of entries) {
    if (entry.method !== 'GET') continue;
    const { resourceType, id, versionId, history } = entry.target;
    const writes = id !== undefined && written.has(`${resourceType}/${id}`);
    if (writes && versionId === undefined) {
      // A written resource's history exists after the commit whatever it was before.
      if (!history) onPlan.push(entry);
      continue;
    }
    try {
      await dispatchEntry(entry, outer, context);
    } catch (error) {
      if (!(error instanceof FhirError)) throw error;
      if (writes && error.status === 404) onPlan.push(entry);
      else throw entryError(entry, error);
    }
  }
  return onPlan;
}

/** Fails (with the entry named) a read or vread of a written resource that the planned state answers with 404 or 410. */
function judgeOnPlan(entry: BundleEntryRequest, version: StoredVersion | undefined): void {
  const { resourceType, id, versionId } = entry.target;
  const name = `${resourceType}/${id ?? ''}`;
  if (!version || (versionId !== undefined && versionId !== version.versionId)) {
    throw entryError(entry, notFound(versionId !== undefined ? `${name} has no version ${versionId}` : `${name} is not known`));
  }
  if (version.deleted) throw entryError(entry, gone(`${name} is deleted by this transaction (version ${version.versionId})`));
}

/** Executes a transaction Bundle. */
export async function executeTransaction(entries: readonly BundleEntryRequest[], outer: FhirRequest, context: InteractionContext): Promise<Bundle> {
  // Every entry's scope first: a transaction missing one is refused before anything is read.
  for (const entry of entries) {
    if (entry.method !== 'GET') wrap(entry, () => requireScope(context.caller, entry.target.resourceType, writeScopeOperation(entry.method as Exclude<typeof entry.method, 'GET'>)));
    // A conditional entry searches its type first, so it needs the search scope as well.
    const conditional = (entry.method === 'POST' && entry.ifNoneExist !== undefined) || ((entry.method === 'PUT' || entry.method === 'DELETE') && entry.target.id === undefined);
    if (conditional) wrap(entry, () => requireScope(context.caller, entry.target.resourceType, 's'));
  }
  const resolved = await resolveTargets(entries, outer, context);
  assertDistinctTargets(resolved);
  await rewriteReferences(resolved, outer, context);
  const ordered = [...resolved.values()].filter((item) => item.entry.method !== 'GET').sort((a, b) => (ORDER[a.entry.method] ?? 9) - (ORDER[b.entry.method] ?? 9) || a.entry.index - b.entry.index);
  const targets = ordered.filter((item) => item.id).map((item) => ({ resourceType: item.entry.target.resourceType, id: item.id! }));
  const types = [...new Set(ordered.map((item) => item.entry.target.resourceType))];
  const writing = ordered.filter((item) => item.id !== undefined && item.existing === undefined);
  const onPlan = await checkReads(entries, new Set(writing.map((item) => `${item.entry.target.resourceType}/${item.id}`)), outer, context);

  const planned = await retryWrites(async (lanes) => {
    const { current, lanes: counters } = await context.resources.repository.readManyForWrite(targets, [...lanes].map(([resourceType, lane]) => ({ resourceType, lane })));
    const plan = await planWrites(ordered, current, counters, context);
    const after = new Map(writing.map((item) => [`${item.entry.target.resourceType}/${item.id}`, plan.planned.get(item.entry.index)?.version]));
    for (const entry of onPlan) judgeOnPlan(entry, after.get(`${entry.target.resourceType}/${entry.target.id}`));
    if (plan.batch.writes.length > 0) {
      try {
        await context.resources.commit(plan.writes, plan.batch);
      } catch (error) {
        throw error instanceof DuplicateIdentifierError ? duplicateOutcome(error, plan.planned, entries) : error;
      }
    }
    return plan.planned;
  }, { versionPinned: false, gate: context.resources.gate, types });

  const response: BundleEntry[] = [];
  for (const entry of entries) {
    if (entry.method === 'GET') {
      // Checked before the commit; one that fails now (a concurrent change) cannot undo it, so it reports in its own entry.
      try {
        response.push(responseEntry(outer.baseUrl, await dispatchEntry(entry, outer, context), entry.method));
      } catch (error) {
        if (!(error instanceof FhirError)) throw error;
        response.push(failureEntry(error));
      }
      continue;
    }
    const result = planned.get(entry.index);
    const version = result?.version;
    response.push({
      ...(version?.resource ? { resource: context.caller.access.view(version) } : {}),
      response: {
        status: statusText(result?.status ?? 200),
        ...(version ? { location: `${version.resourceType}/${version.id}/_history/${version.versionId}` } : {}),
        ...(version ? { etag: etag(version.versionId), lastModified: version.lastUpdated } : {}),
      },
    });
  }
  return { resourceType: 'Bundle', type: 'transaction-response', ...(response.length > 0 ? { entry: response } : {}) };
}
