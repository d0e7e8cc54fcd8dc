/**
 * FHIR instance interactions over the repository: validation, version numbering, the type's
 * change-feed sequence, optimistic concurrency and no-op detection. Routes call this; it never
 * sees HTTP.
 *
 * @see https://hl7.org/fhir/R4/http.html
 */
import type { FhirResource } from 'fhir/r4.js';
import type { SupportedResourceType } from '../../../schemas/index.js';
import { badRequest, gone, notFound, preconditionFailed } from '../../shared/errors.js';
import type { ResourceRepository, ResourceWrite, SequenceState, StoredVersion, VersionPage, WriteMethod } from '../repository/index.js';
import { indexEntries } from './index-entries.js';
import { sameContent } from './same-content.js';
import { isObject, stripServerManaged, validated } from './validation.js';
import { retryWrites } from './write-retry.js';

/** Result of an update or patch. */
export interface UpdateResult {
  readonly version: StoredVersion;
  /** True when the update created the resource (201). */
  readonly created: boolean;
}

/** Result of a delete. */
export interface DeleteResult {
  /** False when the resource was already deleted: nothing was written. */
  readonly deleted: boolean;
  readonly version: StoredVersion;
}

/** Dependencies of {@link ResourceService}. */
export interface ResourceServiceDeps {
  readonly repository: ResourceRepository;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/** A version about to be written, with what it replaces. */
interface PlannedWrite {
  readonly version: StoredVersion;
  readonly previous?: StoredVersion;
  readonly sequence: SequenceState;
}

/** The change clocks a new version must come after: the type's sequence and the global clock. */
export interface Clocks {
  readonly sequence: SequenceState;
  readonly clock?: string;
}

/** The repository write that stores planned `version` over `previous` (conditional on its version). */
export function writeOf(version: StoredVersion, previous: StoredVersion | undefined): ResourceWrite {
  return {
    resourceType: version.resourceType,
    id: version.id,
    expectedVersionId: previous?.versionId ?? 0,
    versionId: version.versionId,
    lastUpdated: version.lastUpdated,
    method: version.method,
    seq: version.seq ?? 0,
    ...(version.resource ? { resource: version.resource } : {}),
    ...(version.index ? { index: version.index } : {}),
    ...(previous?.index ? { previousIndex: previous.index } : {}),
  };
}

export class ResourceService {
  readonly repository: ResourceRepository;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(deps: ResourceServiceDeps) {
    this.repository = deps.repository;
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? (() => crypto.randomUUID());
  }

  /** A new server-assigned id. */
  assignId(): string {
    return this.newId();
  }

  /** create: server-assigned id (or `id` from a transaction), version 1; client meta.versionId/lastUpdated ignored. */
  async create(resourceType: SupportedResourceType, body: unknown, id: string = this.newId()): Promise<StoredVersion> {
    const resource = validated(resourceType, stripServerManaged(body, true));
    return retryWrites(async () => {
      const sequences = await this.repository.readSequences([resourceType]);
      const clocks = { sequence: sequences.get(resourceType) ?? { seq: 0 }, clock: sequences.get('*')?.lastUpdated };
      const planned = this.plan(resourceType, id, resource, undefined, clocks, 'POST');
      await this.commit(planned);
      return planned.version;
    }, false);
  }

  /** read: the current version; 404 if it never existed, 410 if deleted. */
  async read(resourceType: SupportedResourceType, id: string): Promise<StoredVersion> {
    const current = await this.repository.readCurrent(resourceType, id);
    if (!current) throw notFound(`${resourceType}/${id} is not known`);
    if (current.deleted) throw gone(`${resourceType}/${id} was deleted (version ${current.versionId})`);
    return current;
  }

  /** The current version even if it is a deletion; 404 only if the resource never existed. */
  async currentOrNotFound(resourceType: SupportedResourceType, id: string): Promise<StoredVersion> {
    const current = await this.repository.readCurrent(resourceType, id);
    if (!current) throw notFound(`${resourceType}/${id} is not known`);
    return current;
  }

  /** A page of the instance history, newest first. */
  async history(
    resourceType: SupportedResourceType,
    id: string,
    options: { readonly count: number; readonly belowVersionId?: number; readonly since?: string },
  ): Promise<VersionPage> {
    return this.repository.listVersions(resourceType, id, options);
  }

  /** vread: one version; a deletion version answers 410. */
  async vread(resourceType: SupportedResourceType, id: string, versionId: number): Promise<StoredVersion> {
    const version = await this.repository.readVersion(resourceType, id, versionId);
    if (!version) throw notFound(`${resourceType}/${id} has no version ${versionId}`);
    if (version.deleted) throw gone(`Version ${versionId} of ${resourceType}/${id} is a deletion`);
    return version;
  }

  /**
   * update (and update-as-create). `ifMatch` makes it version-aware: a stale version → 412,
   * nothing written. Without it, a lost race is retried on the fresh version, so no
   * concurrent update is ever overwritten unseen (each becomes its own version).
   */
  async update(resourceType: SupportedResourceType, id: string, body: unknown, ifMatch?: number): Promise<UpdateResult> {
    const bodyId = isObject(body) ? body.id : undefined;
    if (bodyId === undefined) throw badRequest(`The resource must have an id equal to the URL id '${id}'`, `${resourceType}.id`, 'required');
    if (bodyId !== id) throw badRequest(`Resource id '${String(bodyId)}' does not match the URL id '${id}'`, `${resourceType}.id`);
    const resource = validated(resourceType, stripServerManaged(body, false));
    return this.writeCurrent(resourceType, id, ifMatch, 'PUT', () => resource);
  }

  /** Applies `change` to the current content and stores the validated result (PATCH). */
  async modify(resourceType: SupportedResourceType, id: string, ifMatch: number | undefined, change: (current: FhirResource) => FhirResource): Promise<UpdateResult> {
    return this.writeCurrent(resourceType, id, ifMatch, 'PATCH', (current) => {
      if (!current) throw notFound(`${resourceType}/${id} is not known`);
      if (current.deleted || !current.resource) throw gone(`${resourceType}/${id} was deleted`);
      return change(current.resource);
    });
  }

  /** delete: a deletion version; deleting a deleted resource writes nothing. */
  async delete(resourceType: SupportedResourceType, id: string): Promise<DeleteResult> {
    return retryWrites(async () => {
      const { current, sequence, clock } = await this.repository.readForWrite(resourceType, id);
      if (!current) throw notFound(`${resourceType}/${id} is not known`);
      if (current.deleted) return { deleted: false, version: current };
      const planned = this.plan(resourceType, id, undefined, current, { sequence, clock }, 'DELETE');
      await this.commit(planned);
      return { deleted: true, version: planned.version };
    }, false);
  }

  private async writeCurrent(
    resourceType: SupportedResourceType,
    id: string,
    ifMatch: number | undefined,
    method: WriteMethod,
    produce: (current: StoredVersion | undefined) => FhirResource,
  ): Promise<UpdateResult> {
    return retryWrites(async () => {
      const { current, sequence, clock } = await this.repository.readForWrite(resourceType, id);
      if (ifMatch !== undefined && current?.versionId !== ifMatch) {
        throw preconditionFailed(
          `If-Match version ${ifMatch} does not match the current version ${current ? current.versionId : '(none)'} of ${resourceType}/${id}`,
        );
      }
      const resource = produce(current);
      if (current && !current.deleted && current.resource && sameContent(current.resource, resource)) {
        return { version: current, created: false };
      }
      const planned = this.plan(resourceType, id, resource, current, { sequence, clock }, method);
      await this.commit(planned);
      return { version: planned.version, created: !current || current.deleted };
    }, ifMatch !== undefined);
  }

  /**
   * Stamps the next version: id, version id, the type's next sequence number, and a
   * lastUpdated strictly after the previous version's, the type's and the global last change,
   * so the change feed's time order is its commit order.
   */
  plan(
    resourceType: string,
    id: string,
    resource: FhirResource | undefined,
    previous: StoredVersion | undefined,
    clocks: Clocks,
    method: WriteMethod,
  ): PlannedWrite {
    const { sequence } = clocks;
    let instant = this.now().getTime();
    for (const floor of [previous?.lastUpdated, sequence.lastUpdated, clocks.clock]) {
      if (floor && instant <= Date.parse(floor)) instant = Date.parse(floor) + 1;
    }
    const lastUpdated = new Date(instant).toISOString();
    const versionId = (previous?.versionId ?? 0) + 1;
    const stamped = resource ? ({ ...resource, id, meta: { ...resource.meta, versionId: String(versionId), lastUpdated } } as FhirResource) : undefined;
    const version: StoredVersion = {
      resourceType,
      id,
      versionId,
      lastUpdated,
      method,
      deleted: !stamped,
      seq: sequence.seq + 1,
      ...(stamped ? { resource: stamped, index: indexEntries(stamped) } : {}),
    };
    return { version, ...(previous ? { previous } : {}), sequence };
  }

  private async commit({ version, previous, sequence }: PlannedWrite): Promise<void> {
    await this.repository.commit({
      writes: [writeOf(version, previous)],
      sequences: [{ resourceType: version.resourceType, expected: sequence.seq, next: sequence.seq + 1, lastUpdated: version.lastUpdated }],
      clock: version.lastUpdated,
    });
  }
}
