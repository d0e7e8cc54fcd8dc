/**
 * The retry policy of writes. A write reads, decides, and commits conditionally; when the
 * commit loses a race it is re-run from the read:
 * - another transaction in flight on the same items, or another write took the next number of
 *   the change-feed lane first, or a feed reader sealed it: always retried (in a lane picked
 *   again), with capped, jittered exponential backoff, for up to {@link RETRY_BUDGET_MS};
 * - the resource itself changed: retried likewise only when the client did not pin a version
 *   with If-Match (then 412);
 * - a business identifier is taken: 409 `duplicate`, never retried.
 * Overload — the budget spent without winning — is 503 with `Retry-After`, never 409: the
 * request did nothing and may simply be sent again.
 *
 * Every attempt runs through the {@link LaneGate}, which picks its lanes: within one process,
 * writes of one lane queue instead of losing races to each other; races with other processes
 * (other Lambda instances) are retried.
 */
import { FhirError, preconditionFailed, unavailable } from '../../shared/errors.js';
import {
  DuplicateIdentifierError,
  SequenceConflictError,
  TransactionContentionError,
  VersionConflictError,
} from '../repository/index.js';
import { LaneGate, type Lanes } from './lane-gate.js';
import { describeIdentifierKey } from './index-entries.js';

/** How long a write keeps retrying lost races before answering 503 (well inside a Lambda timeout). */
export const RETRY_BUDGET_MS = 8_000;
const MAX_BACKOFF_MS = 250;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Maps a lost race or taken identifier to the client's answer. */
export function raceOutcome(error: unknown, versionPinned: boolean): unknown {
  if (error instanceof VersionConflictError) {
    return versionPinned
      ? preconditionFailed(`${error.resourceType}/${error.id} changed concurrently: the If-Match version is no longer current`)
      : busy(error);
  }
  if (error instanceof DuplicateIdentifierError) {
    return new FhirError(409, [
      {
        code: 'duplicate',
        // Never names the holder: it may be a resource the caller is not allowed to see.
        diagnostics: `Identifier ${describeIdentifierKey(error.identifier)} is already used by another ${error.resourceType}; identifiers are unique per resource type`,
        expression: [`${error.resourceType}.identifier`],
      },
    ]);
  }
  if (error instanceof SequenceConflictError || error instanceof TransactionContentionError) return busy(error);
  return error;
}

function busy(cause: unknown): FhirError {
  return unavailable('The county is receiving more simultaneous writes than it can order right now; nothing was written; retry', 'transient', cause);
}

/** Options of {@link retryWrites}. */
export interface RetryOptions {
  /** The client pinned a version with If-Match: a changed resource is 412, not retried. */
  readonly versionPinned: boolean;
  /** The resource types the write commits (one lane of each). */
  readonly types: readonly string[];
  /** Picks lanes and queues this process's attempts per lane. @default a gate of this write alone (random lanes) */
  readonly gate?: LaneGate;
  /** @default RETRY_BUDGET_MS */
  readonly budgetMs?: number;
}

/** Runs `attempt` until it commits, re-running it after retryable races. */
export async function retryWrites<T>(attempt: (lanes: Lanes) => Promise<T>, options: RetryOptions): Promise<T> {
  const started = Date.now();
  const budget = options.budgetMs ?? RETRY_BUDGET_MS;
  const gate = options.gate ?? new LaneGate();
  for (let round = 1; ; round++) {
    try {
      return await gate.run(options.types, attempt);
    } catch (error) {
      const retryable =
        error instanceof SequenceConflictError ||
        error instanceof TransactionContentionError ||
        (error instanceof VersionConflictError && !options.versionPinned);
      // A lane lost to another process: avoid it, and retry soon — another lane is likely free.
      const laneLost = error instanceof SequenceConflictError && error.lane !== undefined;
      if (laneLost) gate.lost(error.lane!);
      const ceiling = Math.min(laneLost ? 5 * round : 5 * 2 ** round, MAX_BACKOFF_MS);
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      if (!retryable || Date.now() - started + delay > budget) throw raceOutcome(error, options.versionPinned);
      await sleep(delay);
    }
  }
}
