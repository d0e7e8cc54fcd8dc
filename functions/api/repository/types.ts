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
  /** Position in the type's change feed (gap-free, commit order). */
  readonly seq?: number;
  /** Index entries of a live current version. */
  readonly index?: IndexEntries;
  /** Custodian and client of the version (also of a deletion): what access decisions read. */
  readonly access?: AccessTarget;
}

/** The change-feed position of a resource type: last sequence number and its instant. */
export interface SequenceState {
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
  /** Change-feed sequence number of this version. */
  readonly seq: number;
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

/** Moves a type's sequence from `expected` to `next` in the same transaction. */
export interface SequenceAdvance {
  readonly resourceType: string;
  readonly expected: number;
  readonly next: number;
  readonly lastUpdated: string;
}

/** Everything one transaction commits. */
export interface CommitBatch {
  readonly writes: readonly ResourceWrite[];
  readonly sequences: readonly SequenceAdvance[];
  /** The newest lastUpdated of the batch: the global clock must be older, and is moved to it. */
  readonly clock: string;
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

/** What a write needs to read first: the current version, the type's sequence and the global clock. */
export interface WriteContext {
  readonly current?: StoredVersion;
  readonly sequence: SequenceState;
  /** The global change clock (`lastUpdated` of the newest committed write of any type). */
  readonly clock?: string;
}

/** Storage of resources and their immutable version history. */
export interface ResourceRepository {
  /** The current version (possibly a deletion), or undefined if the resource never existed. One consistent GetItem. */
  readCurrent(resourceType: string, id: string): Promise<StoredVersion | undefined>;
  /** The current version, the type's sequence and the global clock in one consistent BatchGetItem. */
  readForWrite(resourceType: string, id: string): Promise<WriteContext>;
  /** Current versions (by `Type/id`) and sequences for a multi-resource write, in consistent BatchGetItems of ≤ 100 keys. */
  readManyForWrite(
    resources: readonly { readonly resourceType: string; readonly id: string }[],
    resourceTypes: readonly string[],
  ): Promise<{ readonly current: ReadonlyMap<string, StoredVersion>; readonly sequences: ReadonlyMap<string, SequenceState>; readonly clock?: string }>;
  /** The sequence state of each type, and under `*` the global clock (one consistent BatchGetItem). */
  readSequences(resourceTypes: readonly string[]): Promise<ReadonlyMap<string, SequenceState>>;
  /** As {@link readSequences}, but one snapshot of all of them (TransactGetItems): what the change feed starts from. */
  readSequenceSnapshot(resourceTypes: readonly string[]): Promise<ReadonlyMap<string, SequenceState>>;
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
