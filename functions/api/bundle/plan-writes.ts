/**
 * The second phase of a transaction: every write planned from one consistent read — validation,
 * If-Match, no-op detection, PATCH — with consecutive numbers in one lane per type and strictly
 * increasing lastUpdated, ready for one TransactWriteItems.
 */
import type { FhirResource } from 'fhir/r4.js';
import type { SupportedResourceType } from '../../../schemas/index.js';
import { badRequest, gone, notFound, preconditionFailed } from '../../shared/errors.js';
import type { AccessBasis } from '../access/types.js';
import type { CommitBatch, LaneState, ResourceWrite, StoredVersion } from '../repository/index.js';
import { assertPatchDocument, patchedResource } from '../routes/patch.js';
import type { InteractionContext } from '../routes/types.js';
import { writeOf, type PlannedWrite } from '../services/resource-service.js';
import { sameContent } from '../services/same-content.js';
import type { BundleEntryRequest } from './entry.js';
import { wrapAsync, type Planned, type Resolved } from './resolve.js';

/**
 * Plans every write from one consistent read, each decided for the caller exactly like the
 * equivalent single interaction; GET entries are left for after the commit.
 */
export async function planWrites(
  ordered: readonly Resolved[],
  current: ReadonlyMap<string, StoredVersion>,
  lanes: ReadonlyMap<string, LaneState>,
  context: InteractionContext,
): Promise<{ planned: Map<number, Planned>; writes: PlannedWrite[]; batch: Omit<CommitBatch, 'audit'> }> {
  const { resources } = context;
  const planned = new Map<number, Planned>();
  const plannedWrites: PlannedWrite[] = [];
  const writes: ResourceWrite[] = [];
  const running = new Map(lanes);
  /** The first lastUpdated the batch stamps in each type's lane. */
  const first = new Map<string, string>();
  // The batch's versions are stamped in order across types too, so its own entries keep their order in the feed.
  let newest: string | undefined;
  const stage = async (entry: BundleEntryRequest, type: SupportedResourceType, id: string, resource: FhirResource | undefined, previous: StoredVersion | undefined, status: number): Promise<void> => {
    const method = entry.method === 'PATCH' ? 'PATCH' : entry.method === 'DELETE' ? 'DELETE' : entry.method === 'POST' ? 'POST' : 'PUT';
    const basis: AccessBasis = await resources.authorizeWrite(previous, resource, method);
    const lane = running.get(type)!;
    const floor = newest !== undefined && (lane.lastUpdated === undefined || lane.lastUpdated < newest) ? { ...lane, lastUpdated: newest } : lane;
    const plannedWrite = { ...resources.plan(type, id, resource, previous, floor, method, basis), lane };
    const { version } = plannedWrite;
    running.set(type, { ...lane, seq: version.seq ?? lane.seq + 1, lastUpdated: version.lastUpdated });
    if (!first.has(type)) first.set(type, version.lastUpdated);
    newest = version.lastUpdated;
    const write = writeOf(version, previous);
    writes.push(write);
    plannedWrites.push(plannedWrite);
    planned.set(entry.index, { status, version, write });
  };

  for (const item of ordered) {
    const { entry } = item;
    const type = entry.target.resourceType;
    await wrapAsync(entry, async () => {
      if (item.existing === 'none') return void planned.set(entry.index, { status: 204 });
      if (item.existing) return void planned.set(entry.index, { status: 200, version: item.existing });
      const id = item.id!;
      const previous = current.get(`${type}/${id}`);
      const live = previous && !previous.deleted ? previous : undefined;
      // Said before access is decided: the answer is the same whether or not the caller may see it.
      if (item.createOnly && previous) throw await resources.idTaken(previous);
      // Decided before anything else is said about an existing resource.
      if (previous) await resources.actor.access.require(entry.method === 'DELETE' ? 'delete' : 'update', previous);
      // Deleting or patching nothing is 404 whatever ifMatch says, exactly as for a resource the caller may not read.
      if (!previous && (entry.method === 'DELETE' || entry.method === 'PATCH')) throw notFound(`${type}/${id} is not known`);
      if (entry.ifMatch !== undefined && live?.versionId !== entry.ifMatch) {
        throw preconditionFailed(`ifMatch W/"${entry.ifMatch}" does not match the current version ${previous?.versionId ?? '(none)'} of ${type}/${id}`);
      }
      switch (entry.method) {
        case 'DELETE':
          if (!previous) throw notFound(`${type}/${id} is not known`);
          if (previous.deleted) return void planned.set(entry.index, { status: 204, version: previous });
          return stage(entry, type, id, undefined, previous, 204);
        case 'POST':
          return stage(entry, type, id, resources.prepare(type, item.resource, true, resources.organization), undefined, 201);
        case 'PUT': {
          const body = { ...item.resource };
          if (entry.target.id !== undefined && body.id !== entry.target.id) {
            throw badRequest(`Resource id '${String(body.id)}' does not match the id '${entry.target.id}' in request.url`, `${type}.id`);
          }
          const resource = resources.prepare(type, { ...body, id }, false, previous?.access?.custodian ?? resources.organization);
          if (live?.resource && sameContent(live.resource, resource)) return void planned.set(entry.index, { status: 200, version: live });
          return stage(entry, type, id, resource, previous, live ? 200 : 201);
        }
        case 'PATCH': {
          if (!previous) throw notFound(`${type}/${id} is not known`);
          if (!live?.resource) throw gone(`${type}/${id} was deleted`);
          const { operations } = item;
          assertPatchDocument(operations);
          const resource = resources.prepare(type, patchedResource(type, id, live.resource, operations), false, live.access?.custodian ?? resources.organization, 422);
          if (sameContent(live.resource, resource)) return void planned.set(entry.index, { status: 200, version: live });
          return stage(entry, type, id, resource, previous, 200);
        }
        default:
          return undefined;
      }
    });
  }
  const types = [...new Set(writes.map((write) => write.resourceType))];
  const batch: Omit<CommitBatch, 'audit'> = {
    writes,
    sequences: types.map((type) => ({
      resourceType: type,
      lane: lanes.get(type)!.lane,
      expected: lanes.get(type)!.seq,
      next: running.get(type)!.seq,
      first: first.get(type)!,
      lastUpdated: running.get(type)!.lastUpdated!,
    })),
  };
  return { planned, writes: plannedWrites, batch };
}

