/**
 * FHIR instance interactions over the repository: validation, version numbering, optimistic
 * concurrency and no-op detection. Routes call this; it never sees HTTP.
 *
 * @see https://hl7.org/fhir/R4/http.html
 */
import type { FhirResource } from 'fhir/r4.js';
import { validateResource, type SupportedResourceType } from '../../../schemas/index.js';
import { badRequest, FhirError, gone, notFound, preconditionFailed } from '../../shared/errors.js';
import { VersionConflictError, type ResourceRepository, type StoredVersion, type VersionPage, type WriteMethod } from '../repository/index.js';
import { withContentionRetry } from './contention.js';
import { sameContent } from './same-content.js';

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

/** How many times a write without If-Match re-reads and retries after losing a race. */
const MAX_ATTEMPTS = 10;

export class ResourceService {
  private readonly repository: ResourceRepository;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(deps: ResourceServiceDeps) {
    this.repository = deps.repository;
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? (() => crypto.randomUUID());
  }

  /** create: server-assigned id, version 1. Client id and meta.versionId/lastUpdated are ignored. */
  async create(resourceType: SupportedResourceType, body: unknown): Promise<StoredVersion> {
    const input = stripServerManaged(body, true);
    const resource = validated(resourceType, input);
    const id = this.newId();
    const write = this.prepare(resource, id, 1, undefined, 'POST');
    await withContentionRetry(() => this.repository.commit([{ ...write, expectedVersionId: 0 }]));
    return write;
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
    if (!version) {
      throw notFound(`${resourceType}/${id} has no version ${versionId}`);
    }
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
    return this.writeWithRetry(resourceType, id, ifMatch, 'PUT', () => resource);
  }

  /** Applies `change` to the current content and stores the result as a new version (PATCH). */
  async modify(
    resourceType: SupportedResourceType,
    id: string,
    ifMatch: number | undefined,
    change: (current: FhirResource) => FhirResource,
  ): Promise<UpdateResult> {
    return this.writeWithRetry(resourceType, id, ifMatch, 'PATCH', (current) => {
      if (!current) throw notFound(`${resourceType}/${id} is not known`);
      if (current.deleted || !current.resource) throw gone(`${resourceType}/${id} was deleted`);
      return change(current.resource);
    });
  }

  /** delete: a deletion version; deleting a deleted resource writes nothing. */
  async delete(resourceType: SupportedResourceType, id: string): Promise<DeleteResult> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.repository.readCurrent(resourceType, id);
      if (!current) throw notFound(`${resourceType}/${id} is not known`);
      if (current.deleted) return { deleted: false, version: current };
      const write = this.prepare(undefined, id, current.versionId + 1, current, 'DELETE', resourceType);
      try {
        await withContentionRetry(() => this.repository.commit([{ ...write, expectedVersionId: current.versionId }]));
        return { deleted: true, version: write };
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw mapConflict(error, undefined);
      }
    }
  }

  private async writeWithRetry(
    resourceType: SupportedResourceType,
    id: string,
    ifMatch: number | undefined,
    method: WriteMethod,
    produce: (current: StoredVersion | undefined) => FhirResource,
  ): Promise<UpdateResult> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.repository.readCurrent(resourceType, id);
      if (ifMatch !== undefined && current?.versionId !== ifMatch) {
        throw preconditionFailed(
          `If-Match version ${ifMatch} does not match the current version ${current ? current.versionId : '(none)'} of ${resourceType}/${id}`,
        );
      }
      const resource = produce(current);
      if (current && !current.deleted && current.resource && sameContent(current.resource, resource)) {
        return { version: current, created: false };
      }
      const versionId = (current?.versionId ?? 0) + 1;
      const write = this.prepare(resource, id, versionId, current, method);
      try {
        await withContentionRetry(() => this.repository.commit([{ ...write, expectedVersionId: current?.versionId ?? 0 }]));
        return { version: write, created: !current || current.deleted };
      } catch (error) {
        if (!(error instanceof VersionConflictError) || ifMatch !== undefined || attempt >= MAX_ATTEMPTS) throw mapConflict(error, ifMatch);
      }
    }
  }

  /** Stamps id, version and a lastUpdated strictly after the previous version's. */
  private prepare(
    resource: FhirResource | undefined,
    id: string,
    versionId: number,
    previous: StoredVersion | undefined,
    method: WriteMethod,
    resourceType: string = resource?.resourceType ?? '',
  ): StoredVersion & { resource?: FhirResource } {
    let instant = this.now().getTime();
    if (previous && instant <= Date.parse(previous.lastUpdated)) instant = Date.parse(previous.lastUpdated) + 1;
    const lastUpdated = new Date(instant).toISOString();
    const stamped = resource
      ? ({ ...resource, id, meta: { ...resource.meta, versionId: String(versionId), lastUpdated } } as FhirResource)
      : undefined;
    return { resourceType, id, versionId, lastUpdated, method, deleted: !stamped, ...(stamped ? { resource: stamped } : {}) };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Removes what the server owns: meta.versionId and meta.lastUpdated (and id on create). */
function stripServerManaged(body: unknown, dropId: boolean): unknown {
  if (!isObject(body)) return body;
  const { id, meta, ...rest } = body;
  const out: Record<string, unknown> = { ...rest };
  if (!dropId && id !== undefined) out.id = id;
  if (isObject(meta)) {
    const { versionId: _v, lastUpdated: _l, ...metaRest } = meta;
    if (Object.keys(metaRest).length > 0) out.meta = metaRest;
  } else if (meta !== undefined) {
    out.meta = meta;
  }
  return out;
}

function validated(resourceType: SupportedResourceType, body: unknown): FhirResource {
  const result = validateResource(resourceType, body);
  if (!result.ok) throw new FhirError(result.status, result.issues);
  return result.resource as FhirResource;
}

function mapConflict(error: unknown, ifMatch: number | undefined): unknown {
  if (error instanceof VersionConflictError) {
    return ifMatch !== undefined
      ? preconditionFailed(`${error.resourceType}/${error.id} changed concurrently: If-Match version ${ifMatch} is no longer current`)
      : new FhirError(409, [{ code: 'conflict', diagnostics: `${error.resourceType}/${error.id} is being changed concurrently; retry` }]);
  }
  return error;
}
