/**
 * What the services need from storage, in FHIR terms. Only the DynamoDB implementation knows
 * about items and keys.
 */
import type { FhirResource } from 'fhir/r4.js';
import type { AccessTarget, ConsentFacts } from '../access/types.js';
import type { ResourceIndex } from '../search/types.js';

/** How a version came to be; also the `request.method` of its history entry. */
export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * What a live resource is found by: stored with its current item and kept in step with it in
 * the same transaction, so every search sees the previous write.
 */
export interface IndexEntries {
  /** Extracted search values of every parameter (filtering after an anchor query). */
  readonly values: ResourceIndex;
  /** `Patient/<id>` of the subject/patient, for the byPatientRef index. */
  readonly patientRef?: string;
  /** `<system>|<value>` of the subject/patient identifier, for the byPatientIdentifier index. */
  readonly patientIdentifier?: string;
  /** Anchor keys of multi-valued reference parameters, `<param>=<reference key>`. */
  readonly anchors: readonly string[];
  /** Keys of the business identifiers with a system (`<len(system)>:<system>|<value>`), unique per resource type. */
  readonly identifiers: readonly string[];
}

/** One stored version of a resource (a deletion has no resource). */
export interface StoredVersion {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: number;
  /** `meta.lastUpdated`, an instant with milliseconds, UTC. */
  readonly lastUpdated: string;
  readonly method: WriteMethod;
  readonly deleted: boolean;
  readonly resource?: FhirResource;
  /** Position in its feed lane (gap-free, commit order). */
  readonly seq?: number;
  /** The feed lane of its type the version was committed in. */
  readonly lane?: number;
  /** Index entries of a live current version. */
  readonly index?: IndexEntries;
  /** Custodian and client of the version (also of a deletion): what access decisions read. */
  readonly access?: AccessTarget;
}

/**
 * A feed lane's counter: its last sequence number and the instant every later write of the lane
 * must come after (the newest write's lastUpdated, or a feed reader's seal).
 */
export interface LaneState {
  readonly resourceType: string;
  readonly lane: number;
  readonly seq: number;
  readonly lastUpdated?: string;
}

/**
 * One resource write. `expectedVersionId` is the version the writer read: `0` means the
 * resource must not exist yet; a concurrent writer makes the commit fail with
 * {@link VersionConflictError} and nothing is written.
 */
export interface ResourceWrite {
  readonly resourceType: string;
  readonly id: string;
  readonly expectedVersionId: number;
  readonly versionId: number;
  readonly lastUpdated: string;
  readonly method: WriteMethod;
  /** Sequence number of this version in its feed lane. */
  readonly seq: number;
  /** The feed lane of its type. */
  readonly lane: number;
  /** Absent for a deletion. `meta.versionId`/`meta.lastUpdated` already set. */
  readonly resource?: FhirResource;
  /** Index entries of the new version (absent for a deletion). */
  readonly index?: IndexEntries;
  /** Index entries of the version being replaced, to remove what no longer applies. */
  readonly previousIndex?: IndexEntries;
  /** Custodian and client of this version (a deletion keeps its predecessor's). */
  readonly access: AccessTarget;
  /** Client keys of the version being replaced (a Consent's facts move with them). */
  readonly previousClientKeys?: readonly string[];
  /** A live Consent's decision facts, kept on its client's consents item. */
  readonly consent?: ConsentFacts;
}

/**
 * Moves a lane's counter from `expected` to `next` in the same transaction, on the condition that
 * the lane's instant is still before `first` (the batch's oldest lastUpdated in the lane): a
 * feed reader that sealed the lane at or after it makes the commit fail and be re-stamped.
 */
export interface SequenceAdvance {
  readonly resourceType: string;
  readonly lane: number;
  readonly expected: number;
  readonly next: number;
  readonly first: string;
  readonly lastUpdated: string;
}

/** Everything one transaction commits. */
export interface CommitBatch {
  readonly writes: readonly ResourceWrite[];
  readonly sequences: readonly SequenceAdvance[];
  /** Audit records committed with the change (a write's disclosure log entry). */
  readonly audit?: readonly AuditRecord[];
}

/** One stored AuditEvent (see `functions/api/audit/`). */
export interface AuditRecord {
  /** The client the event is about (its partition), absent when it concerns no client. */
  readonly clientKey?: string;
  readonly eventId: string;
  /** `AuditEvent.recorded`. */
  readonly recorded: string;
  /** The AuditEvent JSON. */
  readonly body: string;
  /** DynamoDB TTL, epoch seconds. */
  readonly expiresAt: number;
}

/** A page of versions, newest first, and the key to continue after it. */
export interface VersionPage {
  readonly versions: readonly StoredVersion[];
  /** Continue below this version id; absent on the last page. */
  readonly nextBelowVersionId?: number;
}

/** What a write needs to read first: the current version and the counter of the lane it commits in. */
export interface WriteContext {
  readonly current?: StoredVersion;
  readonly lane: LaneState;
}

/** The lane a write of `resourceType` commits in. */
export interface LaneChoice {
  readonly resourceType: string;
  readonly lane: number;
}

/** Storage of resources and their immutable version history. */
export interface ResourceRepository {
  /** The current version (possibly a deletion), or undefined if the resource never existed. One consistent GetItem. */
  readCurrent(resourceType: string, id: string): Promise<StoredVersion | undefined>;
  /** The current version and the counter of `lane` in one consistent BatchGetItem. */
  readForWrite(resourceType: string, id: string, lane: number): Promise<WriteContext>;
  /** Current versions (by `Type/id`) and lane counters (by type) for a multi-resource write, in consistent BatchGetItems of ≤ 100 keys. */
  readManyForWrite(
    resources: readonly { readonly resourceType: string; readonly id: string }[],
    lanes: readonly LaneChoice[],
  ): Promise<{ readonly current: ReadonlyMap<string, StoredVersion>; readonly lanes: ReadonlyMap<string, LaneState> }>;
  /** Lane counters, by type (one consistent BatchGetItem). */
  readLanes(lanes: readonly LaneChoice[]): Promise<ReadonlyMap<string, LaneState>>;
  /**
   * Seals `lanes` at `instant` (each counter's instant moved to it unless already later) and
   * returns their counters as of the seal: every version with lastUpdated ≤ `instant` is then
   * committed and counted — a write stamped earlier that had not landed fails and is re-stamped.
   */
  sealLanes(lanes: readonly LaneChoice[], instant: string): Promise<LaneState[]>;
  /** One version, or undefined. One consistent GetItem. */
  readVersion(resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined>;
  /** Versions newest first, at most `count`, below `belowVersionId` when given, not older than `since`. */
  listVersions(
    resourceType: string,
    id: string,
    options: { readonly count: number; readonly belowVersionId?: number; readonly since?: string },
  ): Promise<VersionPage>;
  /** Commits all writes and sequence advances atomically in one TransactWriteItems. */
  commit(batch: CommitBatch): Promise<void>;
  /** The facts of every Consent about any of `clientKeys`, in one consistent BatchGetItem. */
  readConsents(clientKeys: readonly string[]): Promise<ConsentFacts[]>;
  /** Stores audit records that are not part of a write (BatchWriteItem). */
  appendAudit(records: readonly AuditRecord[]): Promise<void>;
}
