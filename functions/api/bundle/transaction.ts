/**
 * Transaction: all entries or none, committed in ONE DynamoDB TransactWriteItems. Entries are
 * processed DELETE, POST, PUT/PATCH, then GET (after the commit); `urn:uuid:` and conditional
 * references are resolved first; the whole write is planned from one consistent read and
 * re-planned if a concurrent writer wins the race.
 *
 * @see https://hl7.org/fhir/R4/http.html#transaction
 */
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { FhirError } from '../../shared/errors.js';
import { etag } from '../http/preconditions.js';
import { DuplicateIdentifierError, MAX_TRANSACTION_ACTIONS, transactionActionCount, type CommitBatch } from '../repository/index.js';
import type { FhirRequest, InteractionContext } from '../routes/types.js';
import type { PlannedWrite } from '../services/resource-service.js';
import { raceOutcome, retryWrites } from '../services/write-retry.js';
import { dispatchEntry, failureEntry, responseEntry, statusText } from './dispatch.js';
import { entryError, type BundleEntryRequest } from './entry.js';
import { planWrites } from './plan-writes.js';
import { requireScope } from '../context/request-context.js';
import { writeScopeOperation } from '../routes/scope-of.js';
import { assertDistinctTargets, resolveTargets, rewriteReferences, wrap, type Planned } from './resolve.js';

const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3 };

/** Refuses a transaction DynamoDB cannot take in one piece, then commits it with its audit events. */
async function commit(writes: readonly PlannedWrite[], batch: Omit<CommitBatch, 'audit'>, context: InteractionContext): Promise<void> {
  const clients = new Set(writes.flatMap(({ version }) => version.access?.clientKeys ?? []));
  const actions = transactionActionCount(batch) + Math.max(clients.size, 1);
  if (actions > MAX_TRANSACTION_ACTIONS) {
    throw new FhirError(413, [
      {
        code: 'too-costly',
        diagnostics: `This transaction needs ${actions} DynamoDB actions (resources, versions, search anchors, identifiers, sequences); one atomic transaction holds at most ${MAX_TRANSACTION_ACTIONS} — about 30 resources of a typical shared plan. Split it, or use a batch.`,
        expression: ['Bundle.entry'],
      },
    ]);
  }
  await context.resources.commit(writes, batch);
}

/** 409 `duplicate`, naming the entry whose write takes an identifier held by another resource. */
function duplicateOutcome(error: DuplicateIdentifierError, planned: ReadonlyMap<number, Planned>, entries: readonly BundleEntryRequest[]): unknown {
  const takes = (p: Planned): boolean => p.write?.resourceType === error.resourceType && (p.write.index?.identifiers.includes(error.identifier) ?? false);
  const candidates = [...planned].filter(([, p]) => takes(p));
  const index = (candidates.find(([, p]) => p.write?.id !== error.existingId) ?? candidates[0])?.[0];
  const entry = entries.find((e) => e.index === index);
  const outcome = raceOutcome(error, false);
  return entry && outcome instanceof FhirError ? entryError(entry, outcome) : outcome;
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

  const planned = await retryWrites(async () => {
    const { current, sequences, clock } = await context.resources.repository.readManyForWrite(targets, types);
    const plan = await planWrites(ordered, current, sequences, clock, context);
    if (plan.batch.writes.length > 0) {
      try {
        await commit(plan.writes, plan.batch, context);
      } catch (error) {
        throw error instanceof DuplicateIdentifierError ? duplicateOutcome(error, plan.planned, entries) : error;
      }
    }
    return plan.planned;
  }, { versionPinned: false, gate: context.resources.gate });

  const response: BundleEntry[] = [];
  for (const entry of entries) {
    if (entry.method === 'GET') {
      // Reads run after the commit; one that fails cannot undo it, so it reports in its own entry.
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
      ...(version?.resource ? { resource: version.resource } : {}),
      response: {
        status: statusText(result?.status ?? 200),
        ...(version ? { location: `${version.resourceType}/${version.id}/_history/${version.versionId}` } : {}),
        ...(version ? { etag: etag(version.versionId), lastModified: version.lastUpdated } : {}),
      },
    });
  }
  return { resourceType: 'Bundle', type: 'transaction-response', ...(response.length > 0 ? { entry: response } : {}) };
}
