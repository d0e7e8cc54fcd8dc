/**
 * The retry policy of writes. A write reads, decides, and commits conditionally; when the
 * commit loses a race it is re-run from the read:
 * - another transaction in flight on the same items, or another write of the same type took
 *   the next change-feed number: always retried (with jittered backoff);
 * - the resource itself changed: retried only when the client did not pin a version with
 *   If-Match (then 412);
 * - a business identifier is taken: 409 `duplicate`, never retried.
 */
import { FhirError, preconditionFailed } from '../../shared/errors.js';
import {
  DuplicateIdentifierError,
  SequenceConflictError,
  TransactionContentionError,
  VersionConflictError,
} from '../repository/index.js';

/** Enough rounds for every one of ten simultaneous writers to win once. */
const MAX_ATTEMPTS = 12;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Maps a lost race or taken identifier to the client's answer. */
export function raceOutcome(error: unknown, versionPinned: boolean): unknown {
  if (error instanceof VersionConflictError) {
    return versionPinned
      ? preconditionFailed(`${error.resourceType}/${error.id} changed concurrently: the If-Match version is no longer current`)
      : new FhirError(409, [{ code: 'conflict', diagnostics: `${error.resourceType}/${error.id} is being changed concurrently; retry` }]);
  }
  if (error instanceof DuplicateIdentifierError) {
    return new FhirError(409, [
      {
        code: 'duplicate',
        // Never names the holder: it may be a resource the caller is not allowed to see.
        diagnostics: `Identifier ${error.identifier} is already used by another ${error.resourceType}; identifiers are unique per resource type`,
        expression: [`${error.resourceType}.identifier`],
      },
    ]);
  }
  if (error instanceof SequenceConflictError || error instanceof TransactionContentionError) {
    return new FhirError(409, [{ code: 'conflict', diagnostics: 'Too many simultaneous writes; retry' }]);
  }
  return error;
}

/** Runs `attempt` until it commits, re-running it after retryable races. */
export async function retryWrites<T>(attempt: () => Promise<T>, versionPinned: boolean): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      const retryable =
        error instanceof SequenceConflictError ||
        error instanceof TransactionContentionError ||
        (error instanceof VersionConflictError && !versionPinned);
      if (!retryable || round >= MAX_ATTEMPTS) throw raceOutcome(error, versionPinned);
      const base = Math.min(5 * 2 ** round, 200);
      await sleep(base / 2 + Math.random() * base);
    }
  }
}
