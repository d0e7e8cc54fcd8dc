/**
 * Transaction: all entries or none, committed in ONE DynamoDB TransactWriteItems. Entries are
 * processed DELETE, POST, PUT/PATCH, then GET (after the commit); `urn:uuid:` and conditional
 * references are resolved first; the whole write is planned from one consistent read and
 * re-planned if a concurrent writer wins the race.
 *
 * @see https://hl7.org/fhir/R4/http.html#transaction
 */
import type { Bundle, BundleEntry, FhirResource } from 'fhir/r4.js';
import type { SupportedResourceType } from '../../../schemas/index.js';
import { FhirError, gone, notFound, preconditionFailed, badRequest } from '../../shared/errors.js';
import { etag } from '../http/preconditions.js';
import { DuplicateIdentifierError, transactionActionCount, type CommitBatch, type ResourceWrite, type SequenceState, type StoredVersion } from '../repository/index.js';
import { assertPatchDocument, patchedResource } from '../routes/patch.js';
import type { FhirRequest, InteractionContext } from '../routes/types.js';
import type { Clocks } from '../services/resource-service.js';
import { sameContent } from '../services/same-content.js';
import { stripServerManaged, validated } from '../services/validation.js';
import { raceOutcome, retryWrites } from '../services/write-retry.js';
import { dispatchEntry, patchDocument, responseEntry, statusText } from './dispatch.js';
import { entryError, type BundleEntryRequest } from './entry.js';
import { isConditionalReference, isPlaceholder, mapReferences, referencesIn } from './references.js';

/** DynamoDB's limit of actions in one transaction. */
const MAX_ACTIONS = 100;
const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3 };

/** What an entry resolved to before planning. */
interface Resolved {
  readonly entry: BundleEntryRequest;
  /** The resource the entry writes (references rewritten), if any. */
  readonly resource?: Record<string, unknown>;
  /** Target id (assigned for POST, matched for conditional PUT/DELETE). */
  readonly id?: string;
  /** POST with a matching If-None-Exist, or conditional DELETE without match: nothing to write. */
  readonly existing?: StoredVersion | 'none';
}

/** An entry's planned outcome. */
interface Planned {
  readonly status: number;
  readonly version?: StoredVersion;
  readonly write?: ResourceWrite;
}

function wrap<T>(entry: BundleEntryRequest, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw error instanceof FhirError ? entryError(entry, error) : error;
  }
}

async function wrapAsync<T>(entry: BundleEntryRequest, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof FhirError ? entryError(entry, error) : error;
  }
}

/** Same resource twice in one transaction is ambiguous: reject it. */
function assertDistinct(entries: readonly BundleEntryRequest[]): void {
  const seen = new Map<string, number>();
  for (const entry of entries) {
    if (entry.method === 'GET') continue;
    const key = entry.target.id ? `${entry.target.resourceType}/${entry.target.id}` : entry.target.query ? `${entry.target.resourceType}?${entry.target.query}` : entry.fullUrl;
    if (key === undefined) continue;
    const first = seen.get(key);
    if (first !== undefined) throw entryError(entry, badRequest(`${key} is already the subject of Bundle.entry[${first}]; a transaction may change a resource only once`, undefined, 'duplicate'));
    seen.set(key, entry.index);
  }
}

/** Assigns ids and resolves conditional targets (If-None-Exist, PUT/DELETE `Type?…`). */
async function resolveTargets(entries: readonly BundleEntryRequest[], outer: FhirRequest, context: InteractionContext): Promise<Map<number, Resolved>> {
  const resolved = new Map<number, Resolved>();
  for (const entry of entries) {
    const { resourceType, id, query } = entry.target;
    await wrapAsync(entry, async () => {
      if (entry.method === 'POST') {
        if (entry.ifNoneExist !== undefined) {
          const matches = await context.search.matchesOf(resourceType, entry.ifNoneExist, outer.baseUrl);
          if (matches.length > 1) throw preconditionFailed('More than one resource matches ifNoneExist', 'multiple-matches');
          if (matches[0]) return void resolved.set(entry.index, { entry, id: matches[0].id, existing: matches[0] });
        }
        resolved.set(entry.index, { entry, id: context.resources.assignId() });
      } else if ((entry.method === 'PUT' || entry.method === 'DELETE') && id === undefined) {
        if (query === undefined) throw badRequest(`${entry.method} needs an id or search criteria in request.url`, 'request.url');
        const matches = await context.search.matchesOf(resourceType, query, outer.baseUrl);
        if (matches.length > 1) throw preconditionFailed('More than one resource matches the conditional criteria', 'multiple-matches');
        const bodyId = entry.resource?.id;
        if (matches[0]) resolved.set(entry.index, { entry, id: matches[0].id });
        else if (entry.method === 'DELETE') resolved.set(entry.index, { entry, existing: 'none' });
        else resolved.set(entry.index, { entry, id: typeof bodyId === 'string' ? bodyId : context.resources.assignId() });
      } else {
        resolved.set(entry.index, { entry, ...(id !== undefined ? { id } : {}) });
      }
    });
  }
  return resolved;
}

/** Rewrites `urn:uuid:` and conditional references in every written resource. */
async function rewriteReferences(resolved: Map<number, Resolved>, outer: FhirRequest, context: InteractionContext): Promise<void> {
  const placeholders = new Map<string, string>();
  for (const { entry, id } of resolved.values()) {
    if (entry.fullUrl && id && (entry.method === 'POST' || entry.method === 'PUT')) placeholders.set(entry.fullUrl, `${entry.target.resourceType}/${id}`);
  }
  const conditional = new Map<string, string>();
  for (const item of resolved.values()) {
    if (!item.entry.resource || item.entry.method === 'PATCH') continue;
    for (const reference of referencesIn(item.entry.resource)) {
      if (isPlaceholder(reference) && !placeholders.has(reference)) {
        throw entryError(item.entry, badRequest(`Reference ${reference} does not match the fullUrl of any entry in the Bundle`, undefined, 'not-found'));
      }
      if (isConditionalReference(reference) && !conditional.has(reference)) {
        const [type = '', criteria = ''] = reference.split('?', 2);
        const matches = await wrapAsync(item.entry, async () => {
          if (type !== 'CarePlan' && type !== 'CareTeam' && type !== 'Consent' && type !== 'Goal') throw badRequest(`Conditional reference ${reference} names an unsupported type`);
          return context.search.matchesOf(type, criteria, outer.baseUrl);
        });
        if (matches.length !== 1) {
          throw entryError(item.entry, preconditionFailed(`Conditional reference ${reference} matches ${matches.length === 0 ? 'no resource' : 'more than one resource'}`, matches.length === 0 ? 'not-found' : 'multiple-matches'));
        }
        conditional.set(reference, `${type}/${matches[0]!.id}`);
      }
    }
  }
  for (const [index, item] of resolved) {
    if (!item.entry.resource || item.entry.method === 'PATCH') continue;
    const resource = mapReferences(item.entry.resource, (reference) => placeholders.get(reference) ?? conditional.get(reference)) as Record<string, unknown>;
    resolved.set(index, { ...item, resource });
  }
}

/** Plans every write from one consistent read; GET entries are left for after the commit. */
function planWrites(
  ordered: readonly Resolved[],
  current: ReadonlyMap<string, StoredVersion>,
  sequences: ReadonlyMap<string, SequenceState>,
  clock: string | undefined,
  context: InteractionContext,
): { planned: Map<number, Planned>; batch: CommitBatch } {
  const planned = new Map<number, Planned>();
  const writes: ResourceWrite[] = [];
  const running = new Map(sequences);
  const start = new Map(sequences);
  let runningClock = clock;
  const stage = (entry: BundleEntryRequest, type: SupportedResourceType, id: string, resource: FhirResource | undefined, previous: StoredVersion | undefined, status: number): void => {
    const sequence = running.get(type) ?? { seq: 0 };
    const clocks: Clocks = { sequence, ...(runningClock ? { clock: runningClock } : {}) };
    const method = entry.method === 'PATCH' ? 'PATCH' : entry.method === 'DELETE' ? 'DELETE' : entry.method === 'POST' ? 'POST' : 'PUT';
    const { version } = context.resources.plan(type, id, resource, previous, clocks, method);
    running.set(type, { seq: version.seq ?? sequence.seq + 1, lastUpdated: version.lastUpdated });
    runningClock = version.lastUpdated;
    const write: ResourceWrite = {
      resourceType: type,
      id,
      expectedVersionId: previous?.versionId ?? 0,
      versionId: version.versionId,
      lastUpdated: version.lastUpdated,
      method,
      seq: version.seq ?? sequence.seq + 1,
      ...(version.resource ? { resource: version.resource } : {}),
      ...(version.index ? { index: version.index } : {}),
      ...(previous?.index ? { previousIndex: previous.index } : {}),
    };
    writes.push(write);
    planned.set(entry.index, { status, version, write });
  };

  for (const item of ordered) {
    const { entry } = item;
    const type = entry.target.resourceType;
    wrap(entry, () => {
      if (item.existing === 'none') return void planned.set(entry.index, { status: 204 });
      if (item.existing) return void planned.set(entry.index, { status: 200, version: item.existing });
      const id = item.id!;
      const previous = current.get(`${type}/${id}`);
      const live = previous && !previous.deleted ? previous : undefined;
      if (entry.ifMatch !== undefined && live?.versionId !== entry.ifMatch) {
        throw preconditionFailed(`ifMatch W/"${entry.ifMatch}" does not match the current version ${previous?.versionId ?? '(none)'} of ${type}/${id}`);
      }
      switch (entry.method) {
        case 'DELETE':
          if (!previous) throw notFound(`${type}/${id} is not known`);
          if (previous.deleted) return void planned.set(entry.index, { status: 204, version: previous });
          return stage(entry, type, id, undefined, previous, 204);
        case 'POST':
          return stage(entry, type, id, validated(type, stripServerManaged(item.resource, true)), undefined, 201);
        case 'PUT': {
          const body = { ...item.resource };
          if (entry.target.id !== undefined && body.id !== entry.target.id) {
            throw badRequest(`Resource id '${String(body.id)}' does not match the id '${entry.target.id}' in request.url`, `${type}.id`);
          }
          const resource = validated(type, stripServerManaged({ ...body, id }, false));
          if (live?.resource && sameContent(live.resource, resource)) return void planned.set(entry.index, { status: 200, version: live });
          return stage(entry, type, id, resource, previous, live ? 200 : 201);
        }
        case 'PATCH': {
          if (!previous) throw notFound(`${type}/${id} is not known`);
          if (!live?.resource) throw gone(`${type}/${id} was deleted`);
          const operations = patchDocument(item.entry.resource);
          assertPatchDocument(operations);
          const resource = patchedResource(type, id, live.resource, operations);
          if (sameContent(live.resource, resource)) return void planned.set(entry.index, { status: 200, version: live });
          return stage(entry, type, id, resource, previous, 200);
        }
        default:
          return undefined;
      }
    });
  }
  const types = [...new Set(writes.map((write) => write.resourceType))];
  const batch: CommitBatch = {
    writes,
    sequences: types.map((type) => ({
      resourceType: type,
      expected: start.get(type)?.seq ?? 0,
      next: running.get(type)!.seq,
      lastUpdated: running.get(type)!.lastUpdated!,
    })),
    clock: runningClock ?? new Date().toISOString(),
  };
  return { planned, batch };
}

/** Executes a transaction Bundle. */
export async function executeTransaction(entries: readonly BundleEntryRequest[], outer: FhirRequest, context: InteractionContext): Promise<Bundle> {
  assertDistinct(entries);
  const resolved = await resolveTargets(entries, outer, context);
  await rewriteReferences(resolved, outer, context);
  const ordered = [...resolved.values()].filter((item) => item.entry.method !== 'GET').sort((a, b) => (ORDER[a.entry.method] ?? 9) - (ORDER[b.entry.method] ?? 9) || a.entry.index - b.entry.index);
  const targets = ordered.filter((item) => item.id).map((item) => ({ resourceType: item.entry.target.resourceType, id: item.id! }));
  const types = [...new Set(ordered.map((item) => item.entry.target.resourceType))];

  const planned = await retryWrites(async () => {
    const { current, sequences, clock } = await context.resources.repository.readManyForWrite(targets, types);
    const plan = planWrites(ordered, current, sequences, clock, context);
    if (plan.batch.writes.length > 0) {
      const actions = transactionActionCount(plan.batch);
      if (actions > MAX_ACTIONS) {
        throw new FhirError(413, [
          {
            code: 'too-costly',
            diagnostics: `This transaction needs ${actions} DynamoDB actions (resources, versions, search anchors, identifiers, sequences); one atomic transaction holds at most ${MAX_ACTIONS} — about 25 typical shared-plan resources. Split it, or use a batch.`,
            expression: ['Bundle.entry'],
          },
        ]);
      }
      try {
        await context.resources.repository.commit(plan.batch);
      } catch (error) {
        if (!(error instanceof DuplicateIdentifierError)) throw error;
        const write = plan.batch.writes.find((w) => w.resourceType === error.resourceType && w.index?.identifiers.includes(error.identifier));
        const index = [...plan.planned].find(([, p]) => p.write === write)?.[0];
        const entry = entries.find((e) => e.index === index);
        const outcome = raceOutcome(error, false);
        throw entry && outcome instanceof FhirError ? entryError(entry, outcome) : outcome;
      }
    }
    return plan.planned;
  }, false);

  const response: BundleEntry[] = [];
  for (const entry of entries) {
    if (entry.method === 'GET') {
      response.push(responseEntry(outer.baseUrl, await wrapAsync(entry, () => dispatchEntry(entry, outer, context)), entry.method));
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
