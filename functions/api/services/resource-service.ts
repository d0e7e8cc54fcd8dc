/**
 * FHIR instance interactions over the repository: validation, version numbering, the
 * change-feed lane, optimistic concurrency and no-op detection. Routes call this; it never
 * sees HTTP.
 *
 * @see https://hl7.org/fhir/R4/http.html
 */
import type { FhirResource } from 'fhir/r4.js';
import type { SupportedResourceType } from '../../../schemas/index.js';
import { FhirError, badRequest, conflict, gone, notFound, preconditionFailed } from '../../shared/errors.js';
import { ID_PATTERN } from '../../shared/ids.js';
import { accessTargetOf, consentFacts } from '../access/consent-facts.js';
import { withCustodian, withoutCustodian } from '../access/custodian.js';
import type { AccessBasis, AccessTarget } from '../access/types.js';
import type { AuditTrail } from '../audit/index.js';
import { forbiddenScope, scopeAllows } from '../auth/index.js';
import type { CommitBatch, LaneState, ResourceRepository, ResourceWrite, StoredVersion, VersionPage, WriteMethod } from '../repository/index.js';
import type { AccessGuard } from './access-guard.js';
import { indexEntries } from './index-entries.js';
import { sameContent } from './same-content.js';
import { isObject, stripServerManaged, validated } from './validation.js';
import { LaneGate, type Lanes } from './lane-gate.js';
import { assertFitsOneTransaction } from './commit-limit.js';
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

/** The caller a service acts for: the request's access decision and audit trail. */
export interface Actor {
  readonly access: AccessGuard;
  readonly audit: AuditTrail;
}

/** Dependencies of {@link ResourceService}. */
export interface ResourceServiceDeps {
  readonly repository: ResourceRepository;
  /** The request's caller; every interaction is decided and audited for it. */
  readonly actor: Actor;
  /** Picks lanes and queues this process's write attempts per lane (one per app). @default a gate of this service only */
  readonly gate?: LaneGate;
  readonly now?: () => Date;
  readonly newId?: () => string;
  /** Every write must conform to the shared-plan profile of its type (`REQUIRE_PROFILES`, docs/profile.md). @default false */
  readonly requireProfiles?: boolean;
}

/** A version about to be written, with what it replaces and why the caller may write it. */
export interface PlannedWrite {
  readonly version: StoredVersion;
  readonly previous?: StoredVersion;
  /** The counter of the lane it commits in, as read. */
  readonly lane: LaneState;
  readonly basis: AccessBasis;
}

/** The lane `lanes` gives `resourceType`. */
export const laneOf = (lanes: Lanes, resourceType: string): number => lanes.get(resourceType) ?? 0;

/** The repository write that stores planned `version` over `previous` (conditional on its version). */
export function writeOf(version: StoredVersion, previous: StoredVersion | undefined): ResourceWrite {
  const access = version.access ?? { resourceType: version.resourceType, clientKeys: [] };
  return {
    access,
    ...(previous?.access ? { previousClientKeys: previous.access.clientKeys } : {}),
    ...(version.resourceType === 'Consent' && version.resource ? { consent: consentFacts(version.resource, access.custodian) } : {}),
    resourceType: version.resourceType,
    id: version.id,
    expectedVersionId: previous?.versionId ?? 0,
    versionId: version.versionId,
    lastUpdated: version.lastUpdated,
    method: version.method,
    seq: version.seq ?? 0,
    lane: version.lane ?? 0,
    ...(version.resource ? { resource: version.resource } : {}),
    ...(version.index ? { index: version.index } : {}),
    ...(previous?.index ? { previousIndex: previous.index } : {}),
  };
}

export class ResourceService {
  readonly repository: ResourceRepository;
  readonly actor: Actor;
  readonly gate: LaneGate;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly requireProfiles: boolean;

  constructor(deps: ResourceServiceDeps) {
    this.repository = deps.repository;
    this.actor = deps.actor;
    this.gate = deps.gate ?? new LaneGate();
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? (() => crypto.randomUUID());
    this.requireProfiles = deps.requireProfiles ?? false;
  }

  /** The organisation that creates resources through this service: their custodian. */
  get organization(): string {
    return this.actor.access.principal.organization;
  }

  /**
   * The content a write stores: a client-supplied custodian removed, then validated (R4, and the
   * shared-plan profiles that apply), then the server's custodian recorded — the one already on
   * the resource, or the caller's for a new one.
   */
  prepare(resourceType: SupportedResourceType, body: unknown, dropId: boolean, custodian: string, forceStatus?: 422): FhirResource {
    const stripped = stripServerManaged(body, dropId);
    const profiles = { requireProfiles: this.requireProfiles, now: this.now() };
    return withCustodian(validated(resourceType, isObject(stripped) ? withoutCustodian(stripped) : stripped, forceStatus, profiles), custodian);
  }

  /**
   * Whether the caller may store `resource` over `current`: the custodian may; anyone else needs
   * the right to update the current version and, if the write moves it to another client, the
   * new version too (nobody may move a plan into a client they cannot see). A creation needs the
   * token's create scope whichever interaction asked for it.
   */
  async authorizeWrite(current: StoredVersion | undefined, resource: FhirResource | undefined, method: WriteMethod): Promise<AccessBasis> {
    // Creating — a new resource, or a deleted one written again — needs the create scope, also when an update asks for it.
    if (resource && (!current || current.deleted) && !scopeAllows(this.actor.access.principal.scopes, resource.resourceType, 'c')) {
      throw forbiddenScope(resource.resourceType, 'c');
    }
    const action = method === 'DELETE' ? 'delete' : current ? 'update' : 'create';
    if (!current) {
      const decision = await this.actor.access.decide('create', accessTargetOf(resource, this.organization));
      if (!decision.allowed) throw new FhirError(403, [{ code: 'forbidden', diagnostics: decision.reason }]);
      return decision.basis;
    }
    const basis = await this.actor.access.require(action, current);
    if (resource) this.actor.access.requireMarkingKept(current, resource);
    if (resource && basis.kind !== 'custodian') {
      const next = accessTargetOf(resource, current.access?.custodian);
      const moved = next.clientKeys.join('\u0000') !== (current.access?.clientKeys ?? []).join('\u0000');
      if (moved && !(await this.actor.access.decide('update', next)).allowed) {
        throw new FhirError(403, [{ code: 'forbidden', diagnostics: `Organisation ${this.organization} may not move ${current.resourceType}/${current.id} to a client it has no consent for`, expression: [`${current.resourceType}.subject`] }]);
      }
    }
    return basis;
  }

  /** A new server-assigned id. */
  assignId(): string {
    return this.newId();
  }

  /** create: server-assigned id (or `id` from a transaction), version 1; client meta.versionId/lastUpdated ignored. */
  async create(resourceType: SupportedResourceType, body: unknown, id: string = this.newId()): Promise<StoredVersion> {
    const resource = this.prepare(resourceType, body, true, this.organization);
    const basis = await this.authorizeWrite(undefined, resource, 'POST');
    return retryWrites(async (lanes) => {
      const lane = (await this.repository.readLanes([{ resourceType, lane: laneOf(lanes, resourceType) }])).get(resourceType)!;
      const planned = this.plan(resourceType, id, resource, undefined, lane, 'POST', basis);
      await this.commit([planned]);
      return planned.version;
    }, { versionPinned: false, gate: this.gate, types: [resourceType] });
  }

  /**
   * The create of a conditional update that matched nothing but whose body names an id (the R5
   * rule): only if no resource — live or deleted — has that id; otherwise 409, which says nothing
   * of that resource's content nor whether the caller may see it.
   *
   * @see https://hl7.org/fhir/R5/http.html#cond-update
   */
  async createWithClientId(resourceType: SupportedResourceType, id: string, body: unknown): Promise<StoredVersion> {
    const resource = this.prepare(resourceType, body, false, this.organization);
    return retryWrites(async (lanes) => {
      const { current, lane } = await this.repository.readForWrite(resourceType, id, laneOf(lanes, resourceType));
      if (current) throw await this.idTaken(current);
      const basis = await this.authorizeWrite(undefined, resource, 'PUT');
      const planned = this.plan(resourceType, id, resource, undefined, lane, 'PUT', basis);
      await this.commit([planned]);
      return planned.version;
    }, { versionPinned: false, gate: this.gate, types: [resourceType] });
  }

  /**
   * The 409 for a conditional update whose body id is taken by `current`: the same answer whether
   * or not the caller may see it, but an attempt on a resource the caller may not change is
   * audited against its client, as a refused update would be.
   */
  async idTaken(current: StoredVersion): Promise<FhirError> {
    const target = current.access ?? { resourceType: current.resourceType, clientKeys: [] };
    if (!(await this.actor.access.decide('update', target)).allowed) this.actor.audit.deny(target);
    return conflict(
      `A ${current.resourceType} with id '${current.id}' exists and does not match the criteria; a conditional update creates with the body id only when no resource has it`,
    );
  }

  /** read: the current version; 404 if it never existed or the caller may not see it, 410 if deleted. */
  async read(resourceType: SupportedResourceType, id: string): Promise<StoredVersion> {
    const current = await this.currentOrNotFound(resourceType, id);
    if (current.deleted) throw gone(`${resourceType}/${id} was deleted (version ${current.versionId})`);
    return current;
  }

  /** The current version even if it is a deletion; 404 if the resource never existed or the caller may not read it. */
  async currentOrNotFound(resourceType: SupportedResourceType, id: string): Promise<StoredVersion> {
    const current = await this.repository.readCurrent(resourceType, id);
    if (!current) throw notFound(`${resourceType}/${id} is not known`);
    await this.actor.access.require('read', current);
    return current;
  }

  /** A page of the instance history, newest first: only the versions the caller may read. */
  async history(
    resourceType: SupportedResourceType,
    id: string,
    options: { readonly count: number; readonly belowVersionId?: number; readonly since?: string },
  ): Promise<VersionPage & { readonly hidden: number }> {
    const page = await this.repository.listVersions(resourceType, id, options);
    const readable = await this.actor.access.readable(page.versions);
    const versions = page.versions.filter((_, n) => readable[n]);
    this.actor.access.disclosed(versions);
    return { ...page, versions, hidden: page.versions.length - versions.length };
  }

  /**
   * vread: one version; a deletion version answers 410; 404 when the caller may not read it —
   * worded as for a version that does not exist, so the answer does not reveal the resource.
   */
  async vread(resourceType: SupportedResourceType, id: string, versionId: number): Promise<StoredVersion> {
    const version = await this.repository.readVersion(resourceType, id, versionId);
    const missing = notFound(`${resourceType}/${id} has no version ${versionId}`);
    if (!version) throw missing;
    await this.actor.access.require('read', version).catch((error: unknown) => {
      throw error instanceof FhirError && error.status === 404 ? missing : error;
    });
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
    return this.writeCurrent(resourceType, id, ifMatch, 'PUT', (current) => this.prepare(resourceType, body, false, current?.access?.custodian ?? this.organization));
  }

  /** Applies `change` to the current content and stores the validated result (PATCH). */
  async modify(resourceType: SupportedResourceType, id: string, ifMatch: number | undefined, change: (current: FhirResource) => unknown): Promise<UpdateResult> {
    return this.writeCurrent(resourceType, id, ifMatch, 'PATCH', (current) => {
      if (!current) throw notFound(`${resourceType}/${id} is not known`);
      if (current.deleted || !current.resource) throw gone(`${resourceType}/${id} was deleted`);
      return this.prepare(resourceType, change(current.resource), false, current.access?.custodian ?? this.organization, 422);
    });
  }

  /**
   * delete: a deletion version; deleting a deleted resource writes nothing. `ifMatch` makes it
   * version-aware like an update: a stale version → 412, nothing written — decided after access,
   * so a resource the caller may not read stays 404 whatever If-Match says.
   */
  async delete(resourceType: SupportedResourceType, id: string, ifMatch?: number): Promise<DeleteResult> {
    return retryWrites(async (lanes) => {
      const { current, lane } = await this.repository.readForWrite(resourceType, id, laneOf(lanes, resourceType));
      if (!current) throw notFound(`${resourceType}/${id} is not known`);
      const basis = await this.authorizeWrite(current, undefined, 'DELETE');
      if (ifMatch !== undefined && current.versionId !== ifMatch) {
        throw preconditionFailed(`If-Match version ${ifMatch} does not match the current version ${current.versionId} of ${resourceType}/${id}`);
      }
      if (current.deleted) return { deleted: false, version: current };
      const planned = this.plan(resourceType, id, undefined, current, lane, 'DELETE', basis);
      await this.commit([planned]);
      return { deleted: true, version: planned.version };
    }, { versionPinned: ifMatch !== undefined, gate: this.gate, types: [resourceType] });
  }

  private async writeCurrent(
    resourceType: SupportedResourceType,
    id: string,
    ifMatch: number | undefined,
    method: WriteMethod,
    produce: (current: StoredVersion | undefined) => FhirResource,
  ): Promise<UpdateResult> {
    return retryWrites(async (lanes) => {
      const { current, lane } = await this.repository.readForWrite(resourceType, id, laneOf(lanes, resourceType));
      // Decided before anything else is said about the resource (an If-Match answer would reveal it).
      if (current) await this.actor.access.require('update', current);
      // A PATCH of nothing is 404 whatever If-Match says, exactly as for a resource the caller may not read.
      if (!current && method === 'PATCH') throw notFound(`${resourceType}/${id} is not known`);
      if (ifMatch !== undefined && current?.versionId !== ifMatch) {
        throw preconditionFailed(
          `If-Match version ${ifMatch} does not match the current version ${current ? current.versionId : '(none)'} of ${resourceType}/${id}`,
        );
      }
      const resource = produce(current);
      const basis = await this.authorizeWrite(current, resource, method);
      if (current && !current.deleted && current.resource && sameContent(current.resource, resource)) {
        return { version: current, created: false };
      }
      const planned = this.plan(resourceType, id, resource, current, lane, method, basis);
      await this.commit([planned]);
      return { version: planned.version, created: !current || current.deleted };
    }, { versionPinned: ifMatch !== undefined, gate: this.gate, types: [resourceType] });
  }

  /**
   * Stamps the next version: id, version id, the lane's next number, and a lastUpdated strictly
   * after the previous version's and the lane's instant (its last write or a reader's seal), so
   * within a lane number order is time order, and a resource's versions are in time order
   * whichever lanes they were committed in.
   */
  plan(
    resourceType: string,
    id: string,
    resource: FhirResource | undefined,
    previous: StoredVersion | undefined,
    lane: LaneState,
    method: WriteMethod,
    basis: AccessBasis,
  ): PlannedWrite {
    // Every write path ends here (REST, conditional PUT with a body id, Bundles): an id no URL can reach is refused.
    if (!ID_PATTERN.test(id)) throw badRequest(`'${id}' is not a usable FHIR id ([A-Za-z0-9-.]{1,64}, not '.' or '..')`, `${resourceType}.id`);
    let instant = this.now().getTime();
    for (const floor of [previous?.lastUpdated, lane.lastUpdated]) {
      if (floor && instant <= Date.parse(floor)) instant = Date.parse(floor) + 1;
    }
    const lastUpdated = new Date(instant).toISOString();
    const versionId = (previous?.versionId ?? 0) + 1;
    const stamped = resource ? ({ ...resource, id, meta: { ...resource.meta, versionId: String(versionId), lastUpdated } } as FhirResource) : undefined;
    const custodian = previous?.access?.custodian ?? this.organization;
    // A deletion keeps its predecessor's custodian and client, so the tombstone can be judged too.
    const access: AccessTarget = stamped ? { ...accessTargetOf(stamped, custodian), id } : (previous?.access ?? { resourceType, id, custodian, clientKeys: [] });
    const version: StoredVersion = {
      resourceType,
      id,
      versionId,
      lastUpdated,
      method,
      deleted: !stamped,
      seq: lane.seq + 1,
      lane: lane.lane,
      access,
      ...(stamped ? { resource: stamped, index: indexEntries(stamped) } : {}),
    };
    return { version, ...(previous ? { previous } : {}), lane, basis };
  }

  /**
   * The one commit site of writes: the planned versions, their lane advances and the request's
   * audit events, in ONE TransactWriteItems — refused with 413 when that needs more actions than
   * DynamoDB takes at once (a Bundle's batch as a single write's).
   */
  async commit(planned: readonly PlannedWrite[], batch?: Omit<CommitBatch, 'audit'>): Promise<void> {
    const last = planned[planned.length - 1]!;
    const own: Omit<CommitBatch, 'audit'> = batch ?? {
      writes: [writeOf(last.version, last.previous)],
      sequences: [
        {
          resourceType: last.version.resourceType,
          lane: last.lane.lane,
          expected: last.lane.seq,
          next: last.lane.seq + 1,
          first: last.version.lastUpdated,
          lastUpdated: last.version.lastUpdated,
        },
      ],
    };
    // Refused before the audit trail records anything as disclosed: nothing is sent.
    assertFitsOneTransaction(own, planned.map(({ version }) => version), batch !== undefined);
    const audit = this.actor.audit.forCommit(planned.map(({ version, basis }) => ({ version, basis })));
    await this.repository.commit({ ...own, audit });
    this.actor.audit.committed(audit);
  }
}
