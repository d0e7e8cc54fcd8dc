/**
 * Translates AWS SDK exceptions into the storage domain errors of `errors.ts`.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ItemTooLargeError, StorageUnavailableError, TransactionContentionError, VersionConflictError } from './errors.js';
import type { ResourceWrite } from './types.js';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

/** Maps an SDK error to a domain error; unknown errors pass through unchanged. */
export function translateStorageError(error: unknown, writes?: readonly ResourceWrite[]): unknown {
  if (error instanceof TransactionCanceledException) {
    const reasons = error.CancellationReasons ?? [];
    // Items are [current, version] per write, in order.
    for (let index = 0; index < reasons.length; index++) {
      const reason = reasons[index];
      const write = writes?.[Math.floor(index / 2)];
      if (reason?.Code === 'ConditionalCheckFailed' && write) {
        const actual = reason.Item?.vid?.N;
        return new VersionConflictError(write.resourceType, write.id, write.expectedVersionId, actual ? Number(actual) : undefined, { cause: error });
      }
    }
    if (reasons.some((reason) => reason?.Code === 'TransactionConflict')) {
      return new TransactionContentionError('another transaction is changing the same resource', { cause: error });
    }
    if (reasons.some((reason) => reason?.Code === 'ThrottlingError' || reason?.Code === 'ProvisionedThroughputExceeded')) {
      return new StorageUnavailableError('storage throttled the write', { cause: error });
    }
    if (reasons.some((reason) => reason?.Code === 'ValidationError' && /size/i.test(reason.Message ?? ''))) {
      return new ItemTooLargeError('resource too large to store', { cause: error });
    }
    return error;
  }
  if (error instanceof Error) {
    if (error.name === 'TransactionConflictException') {
      return new TransactionContentionError('another transaction is changing the same resource', { cause: error });
    }
    if (THROTTLING.has(error.name)) return new StorageUnavailableError(`storage unavailable: ${error.name}`, { cause: error });
    if (error.name === 'ValidationException' && /item size|size has exceeded/i.test(error.message)) {
      return new ItemTooLargeError('resource too large to store', { cause: error });
    }
  }
  return error;
}
