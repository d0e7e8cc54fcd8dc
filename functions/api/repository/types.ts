/**
 * What the services need from storage, in FHIR terms. Only the DynamoDB implementation knows
 * about items and keys.
 */
import type { FhirResource } from 'fhir/r4.js';

/** How a version came to be; also the `request.method` of its history entry. */
export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
  /** Absent for a deletion. `meta.versionId`/`meta.lastUpdated` already set. */
  readonly resource?: FhirResource;
}

/** A page of versions, newest first, and the key to continue after it. */
export interface VersionPage {
  readonly versions: readonly StoredVersion[];
  /** Continue below this version id; absent on the last page. */
  readonly nextBelowVersionId?: number;
}

/** Storage of resources and their immutable version history. */
export interface ResourceRepository {
  /** The current version (possibly a deletion), or undefined if the resource never existed. One consistent GetItem. */
  readCurrent(resourceType: string, id: string): Promise<StoredVersion | undefined>;
  /** One version, or undefined. One consistent GetItem. */
  readVersion(resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined>;
  /** Versions newest first, at most `count`, below `belowVersionId` when given, not older than `since`. */
  listVersions(
    resourceType: string,
    id: string,
    options: { readonly count: number; readonly belowVersionId?: number; readonly since?: string },
  ): Promise<VersionPage>;
  /** Commits all writes atomically in one TransactWriteItems. */
  commit(writes: readonly ResourceWrite[]): Promise<void>;
}
