/**
 * Translates AWS SDK exceptions into the storage domain errors of `errors.ts`.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DuplicateIdentifierError,
  ItemTooLargeError,
  SequenceConflictError,
  StorageUnavailableError,
  TransactionContentionError,
  VersionConflictError,
} from './errors.js';
import type { ActionPurpose } from './transaction.js';

/** Errors that only waiting can cure: throttling, service faults, timeouts. */
const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  // The SDK retried a timed-out TransactWriteItems (same ClientRequestToken) while the first
  // attempt was still running: its outcome is not known yet.
  'TransactionInProgressException',
]);

/**
 * Errors after which a write's outcome is unknown — it may or may not have been applied: the
 * request timed out, the connection broke, or DynamoDB failed internally or is still running an
 * earlier send with the same ClientRequestToken.
 */
const OUTCOME_UNKNOWN = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalServerError', 'TransactionInProgressException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

/** Whether a failed write may nevertheless have been applied (so re-sending it with the same token is the only safe retry). */
export function isOutcomeUnknown(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return OUTCOME_UNKNOWN.has(error.name) || (typeof code === 'string' && NETWORK_CODES.has(code));
}

function explainCancellation(error: TransactionCanceledException, purposes: readonly ActionPurpose[]): unknown {
  const reasons = error.CancellationReasons ?? [];
  for (let index = 0; index < reasons.length; index++) {
    const reason = reasons[index];
    const purpose = purposes[index];
    if (reason?.Code !== 'ConditionalCheckFailed' || !purpose) continue;
    if (purpose.kind === 'current' || purpose.kind === 'version') {
      const { write } = purpose;
      const actual = reason.Item?.vid?.N;
      return new VersionConflictError(write.resourceType, write.id, write.expectedVersionId, actual ? Number(actual) : undefined, { cause: error });
    }
    if (purpose.kind === 'unique') {
      return new DuplicateIdentifierError(purpose.write.resourceType, purpose.identifier, reason.Item?.id?.S, { cause: error });
    }
    if (purpose.kind === 'sequence') {
      return new SequenceConflictError(`another write took the next number of change-feed lane ${purpose.resourceType}, or a feed reader sealed it`, { cause: error, lane: purpose.resourceType });
    }
  }
  if (reasons.some((reason) => reason?.Code === 'TransactionConflict')) {
    return new TransactionContentionError('another transaction is changing the same items', { cause: error });
  }
  if (reasons.some((reason) => reason?.Code === 'ThrottlingError' || reason?.Code === 'ProvisionedThroughputExceeded')) {
    return new StorageUnavailableError('storage throttled the write', { cause: error });
  }
  if (reasons.some((reason) => reason?.Code === 'ValidationError' && /size/i.test(reason.Message ?? ''))) {
    return new ItemTooLargeError('resource too large to store', { cause: error });
  }
  return error;
}

/** Maps an SDK error to a domain error; unknown errors pass through unchanged. */
export function translateStorageError(error: unknown, purposes: readonly ActionPurpose[] = []): unknown {
  if (error instanceof TransactionCanceledException) return explainCancellation(error, purposes);
  if (error instanceof Error) {
    if (error.name === 'TransactionConflictException') {
      return new TransactionContentionError('another transaction is changing the same items', { cause: error });
    }
    if (UNAVAILABLE.has(error.name)) return new StorageUnavailableError(`storage unavailable: ${error.name}`, { cause: error });
    if (error.name === 'ValidationException' && /item size|size has exceeded/i.test(error.message)) {
      return new ItemTooLargeError(`the write is too large to store: ${error.message}`, { cause: error });
    }
  }
  return error;
}
